//! `single-replica-with-pdb`

use crate::diag::Severity;
use crate::yaml::Value;

use super::common::{expected_replicas, is_zero};
use super::{Category, Ctx, Out, Rule};

/// See [`Rule`].
pub static RULE: Rule = Rule {
    id: "single-replica-with-pdb",
    category: Category::Disruption,
    severity: Severity::Warning,
    summary: "A single-replica workload is covered by a PodDisruptionBudget that allows no eviction.",
    what: "A Deployment or StatefulSet runs one replica (explicitly, by default, or as its HPA's minReplicas or KEDA ScaledObject's minReplicaCount) and a PodDisruptionBudget selecting it has `minAvailable` of 1 or more (or any non-zero percentage) or `maxUnavailable: 0`.",
    why: "One pod cannot stay available while it is evicted, so the budget can never be satisfied: every node drain blocks on this pod. The PDB gives no availability either, since the pod still goes down with its node.",
    fix: "Run at least 2 replicas, or give the single replica a PDB with maxUnavailable: 1.",
    example: super::example!("single-replica-with-pdb"),
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Out<'_>) {
    for w in &cx.workloads {
        let obj = cx.object(w.index);
        if !matches!(obj.kind.as_str(), "Deployment" | "StatefulSet") || expected_replicas(cx, w) != Some(1) {
            continue;
        }
        let blocking = cx.of_kind("PodDisruptionBudget").find(|(_, pdb)| {
            let Some(selector) = pdb.node.path(&["spec", "selector"]) else { return false };
            if !Ctx::same_namespace(obj, pdb) || !crate::kube::selector_matches(selector, &w.labels) {
                return false;
            }
            if let Some(max) = pdb.node.path(&["spec", "maxUnavailable"]) {
                return is_zero(max);
            }
            match pdb.node.path(&["spec", "minAvailable"]).map(|n| &n.value) {
                Some(Value::Int(n)) => *n >= 1,
                Some(Value::Str(s)) => !is_zero(&crate::yaml::Node::str(s.clone())),
                _ => false,
            }
        });
        let Some((_, pdb)) = blocking else { continue };
        let root = crate::lint::context::Field::root(&obj.node);
        let (pos, ptr) = super::common::deepest(&root, &["spec", "replicas"]);
        out.report_at(
            cx,
            w.index,
            pos,
            &ptr,
            format!("runs 1 replica and {} allows no eviction of it", pdb.display_name()),
            RULE.fix,
        );
    }
}
