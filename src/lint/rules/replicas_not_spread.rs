//! `replicas-not-spread`

use crate::diag::Severity;
use crate::yaml::Node;

use super::common::{deepest, expected_replicas, replicas_phrase};
use super::{Category, Ctx, Out, Rule};
use crate::lint::context::Field;

/// See [`Rule`].
pub static RULE: Rule = Rule {
    id: "replicas-not-spread",
    category: Category::Disruption,
    severity: Severity::Warning,
    summary: "Several replicas, and nothing keeps them off the same node.",
    what: "A Deployment, StatefulSet, ReplicaSet or ReplicationController runs more than one replica (HPA `minReplicas` or KEDA `minReplicaCount` when a scaler sets its count) and its pod template has neither `podAntiAffinity` nor `topologySpreadConstraints`.",
    why: "The scheduler's built-in spreading is only a preference (`ScheduleAnyway`, a skew of up to 3 pods per node), so after a drain, a scale-up on a nearly full cluster or on a small node pool every replica can land on one node: one node failure, or one node upgrade, then takes the whole service down at once despite the replica count.",
    fix: "Add a topologySpreadConstraints entry on kubernetes.io/hostname (or a preferred podAntiAffinity on the pod's labels).",
    example: super::example!("replicas-not-spread"),
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Out<'_>) {
    for w in &cx.workloads {
        let Some(replicas) = expected_replicas(cx, w).filter(|r| *r > 1) else { continue };
        let Some(spec) = &w.spec else { continue };
        let anti = spec.node.path(&["affinity", "podAntiAffinity"]).is_some_and(|a| !a.is_empty_value());
        let spread = spec.node.get("topologySpreadConstraints").and_then(Node::as_seq).is_some_and(|s| !s.is_empty());
        if anti || spread {
            continue;
        }
        let message =
            format!("{} with neither podAntiAffinity nor topologySpreadConstraints", replicas_phrase(cx, w, replicas));
        match Field::root(&cx.object(w.index).node).path(&["spec", "replicas"]) {
            Some(r) => out.report(cx, w.index, &r, message, RULE.fix),
            None => {
                let (pos, ptr) = deepest(spec, &["topologySpreadConstraints"]);
                out.report_at(cx, w.index, pos, &ptr, message, RULE.fix);
            }
        }
    }
}
