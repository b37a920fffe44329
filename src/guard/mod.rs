//! Values guards: checks a chart's values must pass that span several keys ("rule" is left for
//! lint rules). One definition, three forms that must agree: JSON Schema in `values.schema.json`
//! ([`Guard::schema`]), a `fail` in `<chart>.validateValues` ([`Guard::fail_lines`]), and the Rust
//! evaluation ([`check`]) with which `generate` checks its own defaults and `validate` a user's
//! values.
//! `generate` writes them; `validate` reads them back from the schema ([`parse`]).

mod check;
mod schema;
mod template;

pub use check::{Violation, check};

use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

use crate::generate::template::values::join;

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

    /// The values path of the object the rule constrains.
    pub fn slot(&self) -> &[String] {
        match self {
            Guard::ImageRepository { image } => image,
            Guard::IngressHosts { slot } | Guard::Pdb { slot, .. } | Guard::HpaBounds { slot, .. } => slot,
            Guard::PdbFields { slot } => slot,
            Guard::SecretSource { slot, .. } | Guard::ServiceType { slot } => slot,
        }
    }
}

/// The rules of a schema document (none when it has no guard keyword).
///
/// # Errors
/// The keyword is present but is not a list of rules this chartwright knows.
pub fn parse(doc: &Json) -> Result<Vec<Guard>, serde_json::Error> {
    let Some(v) = doc.get(GUARDS_KEYWORD) else { return Ok(Vec::new()) };
    serde_json::from_value(v.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The JSON Schema form and the Rust evaluation give one verdict on every case of every rule
    /// JSON Schema can say; `tests/it/generate_schema.rs` holds the `fail` form to Helm's verdict.
    #[test]
    fn the_schema_form_and_the_rust_check_agree_on_every_rule_they_share() {
        let x = || vec!["x".to_string()];
        let cases: Vec<(Guard, Vec<Json>)> = vec![
            (Guard::ImageRepository { image: x() }, vec![json!({"repository": ""}), json!({"repository": "nginx"})]),
            (
                Guard::IngressHosts { slot: x() },
                vec![
                    json!({"enabled": true, "hosts": []}),
                    json!({"enabled": true, "hosts": [{"host": "a"}]}),
                    json!({"enabled": false, "hosts": []}),
                ],
            ),
            (
                Guard::PdbFields { slot: x() },
                vec![
                    json!({"enabled": true, "minAvailable": 1, "maxUnavailable": 1}),
                    json!({"enabled": true, "minAvailable": 1, "maxUnavailable": ""}),
                    json!({"enabled": false, "minAvailable": 1, "maxUnavailable": 1}),
                ],
            ),
            (
                Guard::ServiceType { slot: x() },
                vec![
                    json!({"type": "ClusterIP", "externalTrafficPolicy": "Local"}),
                    json!({"type": "NodePort", "externalTrafficPolicy": "Local"}),
                    json!({"type": "ClusterIP", "loadBalancerSourceRanges": ["10.0.0.0/8"]}),
                    json!({"type": "LoadBalancer", "loadBalancerSourceRanges": ["10.0.0.0/8"]}),
                    json!({"type": "ClusterIP", "externalTrafficPolicy": "", "loadBalancerSourceRanges": []}),
                ],
            ),
            (
                Guard::SecretSource { slot: x(), keys: vec!["password".into()] },
                vec![
                    json!({"existingSecret": "s", "password": "p"}),
                    json!({"existingSecret": "", "password": "p"}),
                    json!({"existingSecret": "s", "password": ""}),
                ],
            ),
        ];
        for (guard, instances) in cases {
            let schema = json!({"properties": {"x": guard.schema().expect("a schema form")}});
            let validator = jsonschema::validator_for(&schema).unwrap();
            let mut verdicts = Vec::new();
            for at_x in instances {
                let values = json!({ "x": at_x });
                let by_schema = validator.is_valid(&values);
                let by_check = check(std::slice::from_ref(&guard), &values).is_empty();
                assert_eq!(by_schema, by_check, "{guard:?} on {values}");
                verdicts.push(by_check);
            }
            assert!(verdicts.contains(&true) && verdicts.contains(&false), "{guard:?}: both verdicts are exercised");
        }
    }
}
