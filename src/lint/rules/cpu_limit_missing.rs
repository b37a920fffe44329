//! `cpu-limit-missing`

use crate::diag::Severity;

use super::common::missing_resource;
use super::{Category, Ctx, Out, Rule};

/// See [`Rule`].
pub static RULE: Rule = Rule {
    id: "cpu-limit-missing",
    category: Category::Resources,
    severity: Severity::Info,
    summary: "A container sets no CPU limit.",
    what: "A container (or init container) has no `resources.limits.cpu` and no LimitRange default in the input.",
    why: "Without a limit one container can use every idle core of its node; whether that is wanted is a policy choice (limits cause throttling), so this rule is informational.",
    fix: "Set resources.limits.cpu if your cluster policy requires CPU limits, or disable this rule in .chartwright.yaml.",
    example: super::example!("cpu-limit-missing"),
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Out<'_>) {
    missing_resource(cx, out, "limits", "cpu", "CPU limit", RULE.fix);
}
