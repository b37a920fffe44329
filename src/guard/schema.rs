//! The JSON Schema form of the guards: what each adds to its object's `allOf` in
//! `values.schema.json` (the rules ship machine-readable too, under [`super::GUARDS_KEYWORD`]).

use serde_json::{Value as Json, json};

use super::Guard;

impl Guard {
    /// The JSON Schema the rule adds to its object's `allOf`, if JSON Schema can say it.
    /// (minReplicas ≤ maxReplicas and minAvailable < replicas compare two values, which
    /// draft-07 cannot; those live in `fail` only.)
    pub fn schema(&self) -> Option<Json> {
        let enabled = json!({"properties": {"enabled": {"const": true}}, "required": ["enabled"]});
        match self {
            Guard::ImageRepository { .. } => Some(json!({"properties": {"repository": {"minLength": 1}}})),
            Guard::IngressHosts { .. } => Some(json!({
                "if": enabled,
                "then": {"required": ["hosts"], "properties": {"hosts": {"minItems": 1}}}
            })),
            // Like the `fail` rules, these hold only while the PDB is enabled.
            Guard::PdbFields { .. } => Some(json!({
                "if": enabled,
                "then": {"not": {"allOf": [set_schema("minAvailable"), set_schema("maxUnavailable")]}}
            })),
            Guard::Pdb { .. } => Some(json!({
                "if": enabled,
                "then": {
                    "oneOf": [set_schema("minAvailable"), set_schema("maxUnavailable")],
                    "properties": {
                        "maxUnavailable": {"not": {"enum": [0, "0", "0%"]}},
                        "minAvailable": {"not": {"const": "100%"}}
                    }
                }
            })),
            Guard::HpaBounds { .. } => None,
            Guard::ServiceType { .. } => Some(json!({"allOf": [
                {
                    "if": {"required": ["externalTrafficPolicy"], "properties": {"externalTrafficPolicy": {"minLength": 1}}},
                    "then": {"required": ["type"], "properties": {"type": {"enum": ["NodePort", "LoadBalancer"]}}}
                },
                {
                    "if": {"required": ["loadBalancerSourceRanges"], "properties": {"loadBalancerSourceRanges": {"minItems": 1}}},
                    "then": {"required": ["type"], "properties": {"type": {"const": "LoadBalancer"}}}
                }
            ]})),
            Guard::SecretSource { keys, .. } => {
                let any: Vec<Json> = keys.iter().map(|k| set_schema(k)).collect();
                Some(json!({"not": {"allOf": [set_schema("existingSecret"), {"anyOf": any}]}}))
            }
        }
    }
}

/// JSON Schema for "key is present and not an empty string".
fn set_schema(key: &str) -> Json {
    json!({"required": [key], "properties": {key: {"not": {"const": ""}}}})
}
