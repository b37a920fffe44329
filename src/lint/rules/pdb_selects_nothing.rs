//! `pdb-selects-nothing`

use crate::diag::Severity;

use super::{Category, Ctx, Out, Rule};
use crate::lint::context::Field;

/// See [`Rule`].
pub static RULE: Rule = Rule {
    id: "pdb-selects-nothing",
    category: Category::Disruption,
    severity: Severity::Warning,
    summary: "A PodDisruptionBudget selects no workload in the input.",
    what: "No pod template in the input (in the PDB's namespace) carries the labels the PodDisruptionBudget's selector asks for.",
    why: "A budget that selects nothing protects nothing: the workload it was written for can lose every pod at once during a drain. It usually means the labels drifted apart when one of the two was edited.",
    fix: "Make the PDB's selector match the pod template labels of the workload it protects.",
    example: super::example!("pdb-selects-nothing"),
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Out<'_>) {
    for (i, pdb) in cx.of_kind("PodDisruptionBudget") {
        let Some(selector) = Field::root(&pdb.node).path(&["spec", "selector"]) else { continue };
        if cx.workloads_selected(pdb, selector.node).is_empty() {
            out.report(cx, i, &selector, "the selector matches no pod template in the input".into(), RULE.fix);
        }
    }
}
