//! `service-selects-nothing`

use crate::diag::Severity;

use super::{Category, Ctx, Out, Rule};
use crate::lint::context::Field;

/// See [`Rule`].
pub static RULE: Rule = Rule {
    id: "service-selects-nothing",
    category: Category::Wiring,
    severity: Severity::Warning,
    summary: "A Service's selector matches no pod template in the input.",
    what: "A Service with a non-empty `selector` (not of type ExternalName) whose labels no pod template in the input (same namespace) carries.",
    why: "The Service gets no endpoints: every request to it fails with connection refused or a 503 from the ingress, while every object applies cleanly. It usually means a label was renamed on one side only.",
    fix: "Make the Service selector match the pod template labels of the workload it fronts.",
    example: super::example!("service-selects-nothing"),
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Out<'_>) {
    for (i, svc) in cx.of_kind("Service") {
        if svc.node.str_at(&["spec", "type"]) == Some("ExternalName") {
            continue;
        }
        let Some(selector) = Field::root(&svc.node).path(&["spec", "selector"]) else { continue };
        if selector.node.is_empty_value() {
            continue;
        }
        if cx.workloads_selected(svc, selector.node).is_empty() {
            out.report(cx, i, &selector, "the selector matches no pod template in the input".into(), RULE.fix);
        }
    }
}
