//! Rules a chart's values must follow that span several keys. Each rule is written twice from
//! the same definition: as JSON Schema (`values.schema.json`) and as a `fail` in
//! `<chart>.validateValues`, which also runs under `--skip-schema-validation`.

use serde_json::{Value as J, json};

use super::names::values_ref;
use super::values::join;

/// A rule over the values under a path.
#[derive(Debug, Clone, PartialEq)]
pub enum Rule {
    /// `<image>.repository` must be set.
    ImageRepository {
        /// Path of the `image` map.
        image: Vec<String>,
    },
    /// An enabled Ingress needs at least one host.
    IngressHosts {
        /// Path of the Ingress values.
        slot: Vec<String>,
    },
    /// A PDB sets exactly one of minAvailable and maxUnavailable and does not block every
    /// eviction.
    Pdb {
        /// Path of the PDB values.
        slot: Vec<String>,
        /// Path of the workload's `replicaCount`, when it has one.
        replicas: Option<Vec<String>>,
        /// Path of the workload's autoscaling toggle, when an HPA scales it.
        autoscaling: Option<Vec<String>>,
    },
    /// HPA bounds: 1 ≤ minReplicas ≤ maxReplicas.
    HpaBounds {
        /// Path of the autoscaling values.
        slot: Vec<String>,
        /// Whether the values have minReplicas.
        has_min: bool,
    },
    /// A Secret's values come from `existingSecret` or from the values, not both.
    SecretSource {
        /// Path of the Secret values.
        slot: Vec<String>,
        /// Its data keys.
        keys: Vec<String>,
    },
}

/// `path` as users write it: `a.b.c`.
fn dotted(path: &[String]) -> String {
    path.join(".")
}

/// Go-template test that a value is present and not an empty string.
fn is_set(reference: &str) -> String {
    format!("(and (not (kindIs \"invalid\" {reference})) (ne (toString {reference}) \"\"))")
}

fn fail(cond: &str, message: &str) -> Vec<String> {
    vec![
        format!("{{{{- if {cond} }}}}"),
        format!("{{{{- fail {} }}}}", crate::yaml::quote_double(message)),
        "{{- end }}".into(),
    ]
}

/// JSON Schema for "key is present and not an empty string".
fn set_schema(key: &str) -> J {
    json!({"required": [key], "properties": {key: {"not": {"const": ""}}}})
}

impl Rule {
    /// The Go-template lines of the rule's `fail` checks.
    pub fn fail_lines(&self) -> Vec<String> {
        match self {
            Rule::ImageRepository { image } => {
                let r = values_ref(&join(image, &["repository"]));
                let key = dotted(&join(image, &["repository"]));
                fail(&format!("not {r}"), &format!("{key}: set the container image repository"))
            }
            Rule::IngressHosts { slot } => {
                let enabled = values_ref(&join(slot, &["enabled"]));
                let hosts = values_ref(&join(slot, &["hosts"]));
                let key = dotted(slot);
                fail(
                    &format!("and {enabled} (not {hosts})"),
                    &format!(
                        "{key}.hosts: an enabled ingress needs at least one host; add one or set {key}.enabled=false"
                    ),
                )
            }
            Rule::Pdb { slot, replicas, autoscaling } => {
                let key = dotted(slot);
                let root = |p: &[String]| values_ref(p).replacen(".Values", "$.Values", 1);
                let mut lines = vec![format!("{{{{- with {} }}}}", values_ref(slot)), "{{- if .enabled }}".into()];
                lines.push(format!("{{{{- $minSet := {} }}}}", is_set(".minAvailable")));
                lines.push(format!("{{{{- $maxSet := {} }}}}", is_set(".maxUnavailable")));
                lines.extend(fail(
                    "eq $minSet $maxSet",
                    &format!("{key}: set exactly one of minAvailable or maxUnavailable"),
                ));
                lines.extend(fail(
                    "and $maxSet (has (toString .maxUnavailable) (list \"0\" \"0%\"))",
                    &format!(
                        "{key}.maxUnavailable: 0 blocks every voluntary eviction, so node drains hang; allow at least 1"
                    ),
                ));
                lines.extend(fail(
                    "and $minSet (eq (toString .minAvailable) \"100%\")",
                    &format!("{key}.minAvailable: 100% blocks every voluntary eviction, so node drains hang; lower it"),
                ));
                let count = replicas.as_ref().map_or_else(|| "1".to_string(), |p| format!("(int {})", root(p)));
                let scaling_off =
                    autoscaling.as_ref().map_or_else(|| "true".to_string(), |p| format!("(not {})", root(p)));
                let replicas_key = replicas.as_ref().map_or_else(|| "the replica count (1)".to_string(), |p| dotted(p));
                lines.extend(fail(
                    &format!("and $minSet {scaling_off} (not (kindIs \"string\" .minAvailable)) (ge (int .minAvailable) {count})"),
                    &format!("{key}.minAvailable: must be lower than {replicas_key}, or every eviction is blocked"),
                ));
                lines.push("{{- end }}".into());
                lines.push("{{- end }}".into());
                lines
            }
            Rule::HpaBounds { slot, has_min } => {
                let key = dotted(slot);
                let enabled = values_ref(&join(slot, &["enabled"]));
                let min = values_ref(&join(slot, &["minReplicas"]));
                let max = values_ref(&join(slot, &["maxReplicas"]));
                let mut lines = vec![format!("{{{{- if {enabled} }}}}")];
                if *has_min {
                    lines.extend(fail(&format!("lt (int {min}) 1"), &format!("{key}.minReplicas: must be at least 1")));
                    lines.extend(fail(
                        &format!("gt (int {min}) (int {max})"),
                        &format!("{key}: minReplicas must not be greater than maxReplicas"),
                    ));
                } else {
                    lines.extend(fail(&format!("lt (int {max}) 1"), &format!("{key}.maxReplicas: must be at least 1")));
                }
                lines.push("{{- end }}".into());
                lines
            }
            Rule::SecretSource { slot, keys } => {
                let key = dotted(slot);
                let existing = values_ref(&join(slot, &["existingSecret"]));
                let any: Vec<String> = keys.iter().map(|k| values_ref(&join(slot, &[k]))).collect();
                let any = if any.len() == 1 { any[0].clone() } else { format!("(or {})", any.join(" ")) };
                fail(
                    &format!("and {existing} {any}"),
                    &format!("{key}: set either existingSecret or the secret values, not both"),
                )
            }
        }
    }

    /// The values path of the object the rule constrains.
    pub fn slot(&self) -> &[String] {
        match self {
            Rule::ImageRepository { image } => image,
            Rule::IngressHosts { slot } | Rule::Pdb { slot, .. } | Rule::HpaBounds { slot, .. } => slot,
            Rule::SecretSource { slot, .. } => slot,
        }
    }

    /// The JSON Schema the rule adds to its object's `allOf`, if JSON Schema can say it.
    /// (minReplicas ≤ maxReplicas and minAvailable < replicas compare two values, which
    /// draft-07 cannot; those live in `fail` only.)
    pub fn schema(&self) -> Option<J> {
        let enabled = json!({"properties": {"enabled": {"const": true}}, "required": ["enabled"]});
        match self {
            Rule::ImageRepository { .. } => Some(json!({"properties": {"repository": {"minLength": 1}}})),
            Rule::IngressHosts { .. } => Some(json!({
                "if": enabled,
                "then": {"required": ["hosts"], "properties": {"hosts": {"minItems": 1}}}
            })),
            // Like the `fail` rules, these hold only while the PDB is enabled.
            Rule::Pdb { .. } => Some(json!({
                "if": enabled,
                "then": {
                    "oneOf": [set_schema("minAvailable"), set_schema("maxUnavailable")],
                    "properties": {
                        "maxUnavailable": {"not": {"enum": [0, "0", "0%"]}},
                        "minAvailable": {"not": {"const": "100%"}}
                    }
                }
            })),
            Rule::HpaBounds { .. } => None,
            Rule::SecretSource { keys, .. } => {
                let any: Vec<J> = keys.iter().map(|k| set_schema(k)).collect();
                Some(json!({"not": {"allOf": [set_schema("existingSecret"), {"anyOf": any}]}}))
            }
        }
    }
}
