//! `hpa-min-above-max`

use crate::diag::Severity;

use super::{Category, Ctx, Out, Rule};
use crate::lint::context::Field;

/// See [`Rule`].
pub static RULE: Rule = Rule {
    id: "hpa-min-above-max",
    category: Category::Autoscaling,
    severity: Severity::Error,
    summary: "An HPA's minReplicas is greater than its maxReplicas.",
    what: "A HorizontalPodAutoscaler's `minReplicas` (default 1) is greater than `maxReplicas`.",
    why: "The API server rejects the HPA, so the release fails; if it came from a values override the workload silently runs without autoscaling on the previous release.",
    fix: "Make minReplicas less than or equal to maxReplicas.",
    example: super::example!("hpa-min-above-max"),
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Out<'_>) {
    for (i, hpa) in cx.of_kind("HorizontalPodAutoscaler") {
        let Some(spec) = Field::root(&hpa.node).get("spec") else { continue };
        let Some(max) = spec.get("maxReplicas").and_then(|m| m.node.as_i64()) else { continue };
        let min_field = spec.get("minReplicas");
        let min = min_field.as_ref().map_or(Some(1), |f| f.node.as_i64());
        let Some(min) = min else { continue };
        if min > max {
            let at = min_field.or_else(|| spec.get("maxReplicas")).unwrap_or(spec);
            out.report(cx, i, &at, format!("minReplicas {min} is greater than maxReplicas {max}"), RULE.fix);
        }
    }
}
