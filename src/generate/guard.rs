//! Values guards: checks a chart's values must pass that span several keys. Each guard is written
//! twice from the same definition: as JSON Schema (`values.schema.json`) and as a `fail` in
//! `<chart>.validateValues`, which also runs under `--skip-schema-validation`; "rule" is left
//! for lint rules.

use serde::{Deserialize, Serialize};
use serde_json::{Value as Json, json};

use super::names::values_ref;
use super::values::join;

/// The schema keyword under which a chart's rules ship, machine-readable, in
/// `values.schema.json` (JSON Schema and both Helms ignore unknown `x-` keywords).
pub const GUARDS_KEYWORD: &str = "x-chartwright-guards";

fn known() -> bool {
    true
}

#[allow(clippy::trivially_copy_pass_by_ref)] // serde's skip_serializing_if passes a reference
fn is_known(v: &bool) -> bool {
    *v
}

/// A rule over the values under a path.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "rule", rename_all = "camelCase", rename_all_fields = "camelCase", deny_unknown_fields)]
pub enum Guard {
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
    /// Kubernetes refuses a PDB with both minAvailable and maxUnavailable. (Whether a budget
    /// lets node drains through is an opinion, the lint rule `pdb-blocks-drain`'s, and never
    /// refuses the input's own values.)
    PdbFields {
        /// Path of the PDB values.
        slot: Vec<String>,
    },
    /// The PDB rule of charts from chartwright 0.1 (exactly one of the two fields, and none
    /// that blocks every eviction): no chart is generated with it any more, but `validate`
    /// still reads it so that its verdict on such a chart stays Helm's.
    Pdb {
        /// Path of the PDB values.
        slot: Vec<String>,
        /// Path of the workload's `replicaCount`, when it has one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        replicas: Option<Vec<String>>,
        /// Path of the workload's autoscaling toggle, when an HPA scales it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        autoscaling: Option<Vec<String>>,
        /// Whether the chart knows how many pods the PDB guards: false when they come from an
        /// object it does not scale (a custom resource, a DaemonSet, a workload outside the
        /// input), and then no rule compares minAvailable with a count.
        #[serde(default = "known", skip_serializing_if = "is_known")]
        count_known: bool,
    },
    /// HPA bounds: 1 ≤ minReplicas ≤ maxReplicas.
    HpaBounds {
        /// Path of the autoscaling values.
        slot: Vec<String>,
        /// Whether the values have minReplicas.
        has_min: bool,
    },
    /// A Service's `externalTrafficPolicy` needs type NodePort or LoadBalancer, and its
    /// `loadBalancerSourceRanges` type LoadBalancer (Kubernetes refuses them otherwise).
    ServiceType {
        /// Path of the Service values.
        slot: Vec<String>,
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
        format!("{{{{- fail {} }}}}", crate::generate::names::go_string(message)),
        "{{- end }}".into(),
    ]
}

/// JSON Schema for "key is present and not an empty string".
fn set_schema(key: &str) -> Json {
    json!({"required": [key], "properties": {key: {"not": {"const": ""}}}})
}

/// One check of a rule: one `fail` of the guard template.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    /// The image repository is empty.
    ImageRepository,
    /// An enabled Ingress has no hosts.
    IngressHosts,
    /// Both minAvailable and maxUnavailable are set.
    PdbBoth,
    /// Both or neither of minAvailable and maxUnavailable are set (0.1 charts).
    PdbExactlyOne,
    /// maxUnavailable is 0.
    PdbMaxZero,
    /// minAvailable is 100%.
    PdbMinFull,
    /// minAvailable is not below the replica count.
    PdbMinReplicas,
    /// minReplicas is below 1.
    HpaMinBelowOne,
    /// minReplicas is above maxReplicas.
    HpaMinAboveMax,
    /// maxReplicas is below 1 (no minReplicas).
    HpaMaxBelowOne,
    /// existingSecret and secret values are both set.
    SecretBoth,
    /// externalTrafficPolicy on a Service that is neither NodePort nor LoadBalancer.
    TrafficPolicyType,
    /// loadBalancerSourceRanges on a Service that is not a LoadBalancer.
    SourceRangesType,
}

impl Guard {
    /// What the `fail` of `check` says (also what `validate` reports for it).
    pub fn message(&self, check: Check) -> String {
        let key = dotted(self.slot());
        match (self, check) {
            (Guard::ImageRepository { image }, _) => {
                format!("{}: set the container image repository", dotted(&join(image, &["repository"])))
            }
            (_, Check::IngressHosts) => {
                format!("{key}.hosts: an enabled ingress needs at least one host; add one or set {key}.enabled=false")
            }
            (_, Check::PdbBoth) => format!(
                "{key}: set minAvailable or maxUnavailable, not both; Kubernetes refuses a PodDisruptionBudget with both"
            ),
            (_, Check::PdbExactlyOne) => format!("{key}: set exactly one of minAvailable or maxUnavailable"),
            (_, Check::PdbMaxZero) => {
                format!(
                    "{key}.maxUnavailable: 0 blocks every voluntary eviction, so node drains hang; allow at least 1"
                )
            }
            (_, Check::PdbMinFull) => {
                format!("{key}.minAvailable: 100% blocks every voluntary eviction, so node drains hang; lower it")
            }
            (Guard::Pdb { replicas, .. }, Check::PdbMinReplicas) => {
                let replicas_key = replicas.as_ref().map_or_else(|| "the replica count (1)".to_string(), |p| dotted(p));
                format!("{key}.minAvailable: must be lower than {replicas_key}, or every eviction is blocked")
            }
            (_, Check::HpaMinBelowOne) => format!("{key}.minReplicas: must be at least 1"),
            (_, Check::HpaMinAboveMax) => format!("{key}: minReplicas must not be greater than maxReplicas"),
            (_, Check::HpaMaxBelowOne) => format!("{key}.maxReplicas: must be at least 1"),
            (_, Check::SecretBoth) => format!("{key}: set either existingSecret or the secret values, not both"),
            (_, Check::TrafficPolicyType) => format!(
                "{key}.externalTrafficPolicy: Kubernetes takes it only for NodePort and LoadBalancer Services; set {key}.type to one of them or empty it"
            ),
            (_, Check::SourceRangesType) => format!(
                "{key}.loadBalancerSourceRanges: Kubernetes takes them only for LoadBalancer Services; set {key}.type to LoadBalancer or empty them"
            ),
            (_, Check::ImageRepository | Check::PdbMinReplicas) => format!("{key}: invalid values"),
        }
    }

    /// The Go-template lines of the rule's `fail` checks.
    pub fn fail_lines(&self) -> Vec<String> {
        match self {
            Guard::ImageRepository { image } => {
                let r = values_ref(&join(image, &["repository"]));
                fail(&format!("not {r}"), &self.message(Check::ImageRepository))
            }
            Guard::IngressHosts { slot } => {
                let enabled = values_ref(&join(slot, &["enabled"]));
                let hosts = values_ref(&join(slot, &["hosts"]));
                fail(&format!("and {enabled} (not {hosts})"), &self.message(Check::IngressHosts))
            }
            Guard::PdbFields { slot } => {
                let min = values_ref(&join(slot, &["minAvailable"]));
                let max = values_ref(&join(slot, &["maxUnavailable"]));
                let enabled = values_ref(&join(slot, &["enabled"]));
                fail(&format!("and {enabled} {} {}", is_set(&min), is_set(&max)), &self.message(Check::PdbBoth))
            }
            Guard::Pdb { slot, replicas, autoscaling, count_known } => {
                let root = |p: &[String]| values_ref(p).replacen(".Values", "$.Values", 1);
                let mut lines = vec![format!("{{{{- with {} }}}}", values_ref(slot)), "{{- if .enabled }}".into()];
                lines.push(format!("{{{{- $minSet := {} }}}}", is_set(".minAvailable")));
                lines.push(format!("{{{{- $maxSet := {} }}}}", is_set(".maxUnavailable")));
                lines.extend(fail("eq $minSet $maxSet", &self.message(Check::PdbExactlyOne)));
                lines.extend(fail(
                    "and $maxSet (has (toString .maxUnavailable) (list \"0\" \"0%\"))",
                    &self.message(Check::PdbMaxZero),
                ));
                lines.extend(fail(
                    "and $minSet (eq (toString .minAvailable) \"100%\")",
                    &self.message(Check::PdbMinFull),
                ));
                let count = replicas.as_ref().map_or_else(|| "1".to_string(), |p| format!("(int {})", root(p)));
                let scaling_off =
                    autoscaling.as_ref().map_or_else(|| "true".to_string(), |p| format!("(not {})", root(p)));
                if *count_known {
                    lines.extend(fail(
                        &format!("and $minSet {scaling_off} (not (kindIs \"string\" .minAvailable)) (ge (int .minAvailable) {count})"),
                        &self.message(Check::PdbMinReplicas),
                    ));
                }
                lines.push("{{- end }}".into());
                lines.push("{{- end }}".into());
                lines
            }
            Guard::HpaBounds { slot, has_min } => {
                let enabled = values_ref(&join(slot, &["enabled"]));
                let min = values_ref(&join(slot, &["minReplicas"]));
                let max = values_ref(&join(slot, &["maxReplicas"]));
                let mut lines = vec![format!("{{{{- if {enabled} }}}}")];
                if *has_min {
                    lines.extend(fail(&format!("lt (int {min}) 1"), &self.message(Check::HpaMinBelowOne)));
                    lines.extend(fail(&format!("gt (int {min}) (int {max})"), &self.message(Check::HpaMinAboveMax)));
                } else {
                    lines.extend(fail(&format!("lt (int {max}) 1"), &self.message(Check::HpaMaxBelowOne)));
                }
                lines.push("{{- end }}".into());
                lines
            }
            Guard::ServiceType { slot } => {
                let ty = values_ref(&join(slot, &["type"]));
                let policy = values_ref(&join(slot, &["externalTrafficPolicy"]));
                let ranges = values_ref(&join(slot, &["loadBalancerSourceRanges"]));
                let mut lines = fail(
                    &format!("and {policy} (not (has (toString {ty}) (list \"NodePort\" \"LoadBalancer\")))"),
                    &self.message(Check::TrafficPolicyType),
                );
                lines.extend(fail(
                    &format!("and {ranges} (ne (toString {ty}) \"LoadBalancer\")"),
                    &self.message(Check::SourceRangesType),
                ));
                lines
            }
            Guard::SecretSource { slot, keys } => {
                let existing = values_ref(&join(slot, &["existingSecret"]));
                let any: Vec<String> = keys.iter().map(|k| values_ref(&join(slot, &[k]))).collect();
                let any = if any.len() == 1 { any[0].clone() } else { format!("(or {})", any.join(" ")) };
                fail(&format!("and {existing} {any}"), &self.message(Check::SecretBoth))
            }
        }
    }

    /// The values path of the object the rule constrains.
    pub fn slot(&self) -> &[String] {
        match self {
            Guard::ImageRepository { image } => image,
            Guard::IngressHosts { slot } | Guard::Pdb { slot, .. } | Guard::HpaBounds { slot, .. } => slot,
            Guard::PdbFields { slot } => slot,
            Guard::SecretSource { slot, .. } | Guard::ServiceType { slot } => slot,
        }
    }

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
