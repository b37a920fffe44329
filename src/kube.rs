//! What chartwright knows about Kubernetes kinds, shared by `generate` and `lint`.

use crate::yaml::{Node, scalar_string};

/// Built-in kinds that live outside namespaces.
const CLUSTER_SCOPED: &[&str] = &[
    "Namespace",
    "Node",
    "PersistentVolume",
    "StorageClass",
    "CSIDriver",
    "CSINode",
    "VolumeAttachment",
    "ClusterRole",
    "ClusterRoleBinding",
    "CustomResourceDefinition",
    "APIService",
    "MutatingWebhookConfiguration",
    "ValidatingWebhookConfiguration",
    "ValidatingAdmissionPolicy",
    "ValidatingAdmissionPolicyBinding",
    "PriorityClass",
    "IngressClass",
    "RuntimeClass",
    "PodSecurityPolicy",
    "ClusterIssuer",
    "ClusterWorkflowTemplate",
    "FlowSchema",
    "PriorityLevelConfiguration",
    "CertificateSigningRequest",
];

/// True for kinds that have no namespace.
pub fn is_cluster_scoped(kind: &str, _group: &str) -> bool {
    CLUSTER_SCOPED.contains(&kind)
}

/// Kinds that run pods from a template.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkloadKind {
    /// apps/v1 Deployment.
    Deployment,
    /// apps/v1 StatefulSet.
    StatefulSet,
    /// apps/v1 DaemonSet.
    DaemonSet,
    /// batch/v1 Job.
    Job,
    /// batch/v1 CronJob.
    CronJob,
    /// apps/v1 ReplicaSet.
    ReplicaSet,
    /// v1 ReplicationController.
    ReplicationController,
}

/// The `kind` names of the [`WorkloadKind`]s, in declaration order.
pub const WORKLOAD_KINDS: &[&str] =
    &["Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob", "ReplicaSet", "ReplicationController"];

impl WorkloadKind {
    /// Every workload kind, in the order of [`WORKLOAD_KINDS`].
    const ALL: [WorkloadKind; 7] = [
        WorkloadKind::Deployment,
        WorkloadKind::StatefulSet,
        WorkloadKind::DaemonSet,
        WorkloadKind::Job,
        WorkloadKind::CronJob,
        WorkloadKind::ReplicaSet,
        WorkloadKind::ReplicationController,
    ];

    /// The workload kind of a `kind`, if it is one.
    pub fn of(kind: &str) -> Option<WorkloadKind> {
        WORKLOAD_KINDS.iter().position(|k| *k == kind).map(|i| Self::ALL[i])
    }

    /// The kind's name as written in manifests.
    pub fn name(self) -> &'static str {
        WORKLOAD_KINDS[self as usize]
    }

    /// Keys from the object root to its pod template.
    pub fn pod_template_path(self) -> &'static [&'static str] {
        match self {
            WorkloadKind::CronJob => &["spec", "jobTemplate", "spec", "template"],
            _ => &["spec", "template"],
        }
    }

    /// True when the kind has `spec.replicas`.
    pub fn has_replicas(self) -> bool {
        matches!(
            self,
            WorkloadKind::Deployment
                | WorkloadKind::StatefulSet
                | WorkloadKind::ReplicaSet
                | WorkloadKind::ReplicationController
        )
    }
}

/// The pod template of a workload object, if it has one.
pub fn pod_template<'a>(node: &'a Node, kind: &str) -> Option<&'a Node> {
    if kind == "Pod" {
        return Some(node);
    }
    node.path(WorkloadKind::of(kind)?.pod_template_path())
}

/// Labels as `(key, value)` pairs.
pub fn labels(meta_owner: &Node) -> Vec<(String, String)> {
    meta_owner
        .path(&["metadata", "labels"])
        .and_then(Node::as_map)
        .map(|m| m.iter().filter_map(|(k, v)| Some((k.as_str()?.to_string(), scalar_string(v)?))).collect())
        .unwrap_or_default()
}

/// True when a label selector (`matchLabels` and `matchExpressions`, or a plain map for
/// Services) selects the given labels. An empty selector selects everything.
pub fn selector_matches(selector: &Node, labels: &[(String, String)]) -> bool {
    let get = |k: &str| labels.iter().find(|(lk, _)| lk == k).map(|(_, v)| v.as_str());
    let has_structured = selector.get("matchLabels").is_some() || selector.get("matchExpressions").is_some();
    let match_labels = if has_structured { selector.get("matchLabels") } else { Some(selector) };
    if let Some(m) = match_labels.and_then(Node::as_map) {
        for (k, v) in m {
            let (Some(k), Some(v)) = (k.as_str(), scalar_string(v)) else { return false };
            if get(k) != Some(v.as_str()) {
                return false;
            }
        }
    }
    if let Some(exprs) = selector.get("matchExpressions").and_then(Node::as_seq) {
        for e in exprs {
            let key = e.get("key").and_then(Node::as_str).unwrap_or_default();
            let values: Vec<String> = e
                .get("values")
                .and_then(Node::as_seq)
                .map(|s| s.iter().filter_map(scalar_string).collect())
                .unwrap_or_default();
            let actual = get(key);
            let ok = match e.get("operator").and_then(Node::as_str).unwrap_or_default() {
                "In" => actual.is_some_and(|a| values.iter().any(|v| v == a)),
                "NotIn" => actual.is_none_or(|a| !values.iter().any(|v| v == a)),
                "Exists" => actual.is_some(),
                "DoesNotExist" => actual.is_none(),
                _ => false,
            };
            if !ok {
                return false;
            }
        }
    }
    true
}

/// The oldest Kubernetes minor version that serves each API version and kind a chart may use
/// (`*`: every kind of the group version), for `generate`'s `kubeVersion`. Older APIs and those
/// of custom resources set no floor. The removed and deprecated ones are `lint::apis`.
const API_SINCE: &[(&str, &str, u32)] = &[
    ("apps/v1", "*", 9),
    ("rbac.authorization.k8s.io/v1", "*", 8),
    ("scheduling.k8s.io/v1", "*", 14),
    ("coordination.k8s.io/v1", "*", 14),
    ("apiextensions.k8s.io/v1", "*", 16),
    ("admissionregistration.k8s.io/v1", "ValidatingAdmissionPolicy", 30),
    ("admissionregistration.k8s.io/v1", "ValidatingAdmissionPolicyBinding", 30),
    ("admissionregistration.k8s.io/v1", "*", 16),
    ("storage.k8s.io/v1", "CSIDriver", 18),
    ("storage.k8s.io/v1", "CSINode", 17),
    ("networking.k8s.io/v1", "Ingress", 19),
    ("networking.k8s.io/v1", "IngressClass", 19),
    ("certificates.k8s.io/v1", "*", 19),
    ("node.k8s.io/v1", "*", 20),
    ("policy/v1", "*", 21),
    ("batch/v1", "CronJob", 21),
    ("discovery.k8s.io/v1", "*", 21),
    ("autoscaling/v2", "*", 23),
    ("flowcontrol.apiserver.k8s.io/v1beta3", "*", 26),
    ("flowcontrol.apiserver.k8s.io/v1", "*", 29),
    // Nothing newer than 1.32: `helm template` checks kubeVersion against its own default
    // (v1.32.0 for Helm 3.17) and would refuse a chart that asks for more.
];

/// The oldest minor version serving an API version and kind, if it is one of `API_SINCE`.
pub fn served_since(api_version: &str, kind: &str) -> Option<u32> {
    API_SINCE.iter().find(|(a, k, _)| *a == api_version && (*k == kind || *k == "*")).map(|(_, _, m)| *m)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workload_kind_names_round_trip_in_declaration_order() {
        for name in WORKLOAD_KINDS {
            assert_eq!(WorkloadKind::of(name).map(WorkloadKind::name), Some(*name));
        }
        assert_eq!(WorkloadKind::of("Pod"), None);
        assert_eq!(WorkloadKind::CronJob.pod_template_path(), ["spec", "jobTemplate", "spec", "template"]);
    }
}

/// An object that resizes a workload behind the chart's back: an HPA, a KEDA `ScaledObject`,
/// any custom resource with `spec.scaleTargetRef`, or a VPA that evicts pods (update mode
/// `Auto`, `Recreate` or `InPlaceOrRecreate`; Auto is the VPA default). The chart must neither
/// assume the workload's pod count nor offer a second autoscaler for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scaler<'a> {
    /// The target's kind (`Deployment` when the reference leaves it out, as KEDA does).
    pub target_kind: &'a str,
    /// The target's name.
    pub target_name: &'a str,
    /// The fewest pods it keeps, when it says so and the count is at least 1 (a KEDA object
    /// without `minReplicaCount` scales to zero; a VPA changes no count at all).
    pub min_pods: Option<i64>,
    /// False for a VPA: it resizes pods but leaves `spec.replicas` alone.
    pub sets_replicas: bool,
}

/// The scaler `node` (of `kind`) is, if it is one.
pub fn scaler<'a>(kind: &str, node: &'a Node) -> Option<Scaler<'a>> {
    let spec = node.get("spec")?;
    if kind == "VerticalPodAutoscaler" {
        let mode = spec.path(&["updatePolicy", "updateMode"]);
        // An unquoted `Off` reads as the boolean false in YAML 1.1.
        let off = mode.is_some_and(|m| m.value == crate::yaml::Value::Bool(false));
        if off || matches!(mode.and_then(Node::as_str), Some("Off" | "Initial")) {
            return None;
        }
        let target = spec.get("targetRef")?;
        return Some(Scaler {
            target_kind: target.str_at(&["kind"])?,
            target_name: target.str_at(&["name"])?,
            min_pods: None,
            sets_replicas: false,
        });
    }
    let target = spec.get("scaleTargetRef")?;
    let min_pods = match kind {
        "HorizontalPodAutoscaler" => Some(spec.get("minReplicas").and_then(Node::as_i64).unwrap_or(1)),
        "ScaledObject" => spec.get("minReplicaCount").and_then(Node::as_i64),
        _ => None,
    };
    Some(Scaler {
        target_kind: target.str_at(&["kind"]).unwrap_or("Deployment"),
        target_name: target.str_at(&["name"])?,
        min_pods: min_pods.filter(|n| *n >= 1),
        sets_replicas: true,
    })
}
