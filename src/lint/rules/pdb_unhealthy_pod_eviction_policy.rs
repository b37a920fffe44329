//! `pdb-unhealthy-pod-eviction-policy`

use crate::diag::Severity;

use super::common::deepest;
use super::{Category, Ctx, Out, Rule};
use crate::lint::context::Field;

/// See [`Rule`].
pub static RULE: Rule = Rule {
    id: "pdb-unhealthy-pod-eviction-policy",
    category: Category::Disruption,
    severity: Severity::Warning,
    summary: "A PodDisruptionBudget lets crash-looping pods block node drains.",
    what: "A `policy/v1` PodDisruptionBudget that selects a workload in the input does not set `unhealthyPodEvictionPolicy: AlwaysAllow`.",
    why: "With the default policy (`IfHealthyBudget`) a pod that is running but not ready may only be evicted while the budget is met. When the workload is crash-looping or stuck unready the budget is never met, so `kubectl drain`, node upgrades and autoscaler scale-downs hang on pods that serve nothing anyway. `AlwaysAllow` (Kubernetes 1.27+, GA in 1.31) lets them go.",
    fix: "Set spec.unhealthyPodEvictionPolicy: AlwaysAllow on the PodDisruptionBudget.",
    example: super::example!("pdb-unhealthy-pod-eviction-policy"),
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Out<'_>) {
    for (i, pdb) in cx.of_kind("PodDisruptionBudget") {
        if pdb.api_version != "policy/v1" {
            continue;
        }
        let Some(spec) = Field::root(&pdb.node).get("spec") else { continue };
        if spec.get("unhealthyPodEvictionPolicy").and_then(|p| p.str()) == Some("AlwaysAllow") {
            continue;
        }
        let Some(selector) = pdb.node.path(&["spec", "selector"]) else { continue };
        if cx.workloads_selected(pdb, selector).is_empty() {
            continue;
        }
        let (pos, ptr) = deepest(&spec, &["unhealthyPodEvictionPolicy"]);
        out.report_at(
            cx,
            i,
            pos,
            &ptr,
            "unhealthyPodEvictionPolicy is not AlwaysAllow, so unready pods block drains".into(),
            RULE.fix,
        );
    }
}
