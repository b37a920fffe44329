//! `hpa-target-missing`

use crate::diag::Severity;

use super::{Category, Ctx, Out, Rule};
use crate::lint::context::Field;

/// See [`Rule`].
pub static RULE: Rule = Rule {
    id: "hpa-target-missing",
    category: Category::Autoscaling,
    severity: Severity::Warning,
    summary: "An HPA targets a workload that is not in the input.",
    what: "A HorizontalPodAutoscaler's `scaleTargetRef` names a kind and name that no object in the input (same namespace) has.",
    why: "An HPA whose target does not exist does nothing (its status says `FailedGetScale`); usually the workload was renamed and the HPA was not, so the real workload runs unscaled.",
    fix: "Point scaleTargetRef at the workload's kind and name, or remove the HPA.",
    example: super::example!("hpa-target-missing"),
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Out<'_>) {
    for (i, hpa) in cx.of_kind("HorizontalPodAutoscaler") {
        let Some(target) = Field::root(&hpa.node).path(&["spec", "scaleTargetRef"]) else { continue };
        let (Some(kind), Some(name)) = (target.get("kind"), target.get("name")) else { continue };
        let (Some(k), Some(n)) = (kind.str(), name.str()) else { continue };
        if cx.find(hpa, k, n).is_none() {
            out.report(cx, i, &name, format!("scaleTargetRef {k}/{n} is not in the input"), RULE.fix);
        }
    }
}
