//! `pdb-blocks-drain`

use crate::diag::Severity;
use crate::yaml::Value;

use super::common::{expected_replicas, is_zero};
use super::{Category, Ctx, Out, Rule};
use crate::lint::context::Field;

/// See [`Rule`].
pub static RULE: Rule = Rule {
    id: "pdb-blocks-drain",
    category: Category::Disruption,
    severity: Severity::Error,
    summary: "A PodDisruptionBudget allows no eviction at all, so no node can be drained.",
    what: "A PodDisruptionBudget has `maxUnavailable: 0` (or `0%`), `minAvailable: 100%`, or a `minAvailable` that is at least the replicas of the workloads it selects (HPA `minReplicas` or KEDA `minReplicaCount` when a scaler sets their count; not compared when a scaler may scale to zero).",
    why: "`kubectl drain`, cluster-autoscaler scale-down and managed node upgrades evict pods through the eviction API; a budget that allows zero disruptions makes every eviction fail, so node pools never upgrade and drains hang until someone deletes the PDB by hand.",
    fix: "Allow at least one disruption: use maxUnavailable: 1, or a minAvailable below the replica count.",
    example: super::example!("pdb-blocks-drain"),
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Out<'_>) {
    for (i, pdb) in cx.of_kind("PodDisruptionBudget") {
        let Some(spec) = Field::root(&pdb.node).get("spec") else { continue };
        if let Some(max) = spec.get("maxUnavailable") {
            if is_zero(max.node) && spec.get("minAvailable").is_none() {
                out.report(cx, i, &max, "maxUnavailable is 0, so no pod may ever be evicted".into(), RULE.fix);
            }
            continue;
        }
        let Some(min) = spec.get("minAvailable") else { continue };
        if let Value::Str(s) = &min.node.value {
            if let Some(p) = s.trim().strip_suffix('%').and_then(|p| p.trim().parse::<f64>().ok()) {
                if p >= 100.0 {
                    out.report(cx, i, &min, format!("minAvailable is {s}, so no pod may ever be evicted"), RULE.fix);
                    continue;
                }
                if let Some(total) = selected_replicas(cx, i) {
                    #[allow(clippy::cast_precision_loss, clippy::cast_possible_truncation)]
                    let needed = (total as f64 * p / 100.0).ceil() as i64;
                    if total > 0 && needed >= total {
                        out.report(
                            cx,
                            i,
                            &min,
                            format!(
                                "minAvailable {s} of {total} replica(s) is {needed}, so no pod may ever be evicted"
                            ),
                            RULE.fix,
                        );
                    }
                }
            }
            continue;
        }
        let Some(n) = min.node.as_i64() else { continue };
        if let Some(total) = selected_replicas(cx, i) {
            if total > 0 && n >= total {
                out.report(
                    cx,
                    i,
                    &min,
                    format!(
                        "minAvailable {n} is not below the {total} replica(s) it selects, so no pod may ever be evicted"
                    ),
                    RULE.fix,
                );
            }
        }
    }
}

/// The replicas of every workload the PDB selects; `None` when none is selected or a count is
/// not known (DaemonSets, templated replicas).
fn selected_replicas(cx: &Ctx<'_>, index: usize) -> Option<i64> {
    let pdb = cx.object(index);
    let selector = pdb.node.path(&["spec", "selector"])?;
    let selected = cx.workloads_selected(pdb, selector);
    if selected.is_empty() {
        return None;
    }
    selected.iter().try_fold(0i64, |acc, w| Some(acc.saturating_add(expected_replicas(cx, w)?)))
}
