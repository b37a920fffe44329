//! `memory-limit-missing`

use crate::diag::Severity;

use super::common::missing_resource;
use super::{Category, Ctx, Out, Rule};

/// See [`Rule`].
pub static RULE: Rule = Rule {
    id: "memory-limit-missing",
    category: Category::Resources,
    severity: Severity::Warning,
    summary: "A container sets no memory limit.",
    what: "A container (or init container) has no `resources.limits.memory` and no LimitRange default in the input.",
    why: "A leak in one container without a limit takes memory from every pod on the node until the kernel OOM-kills something, often not the culprit.",
    fix: "Set resources.limits.memory to the measured peak plus headroom.",
    example: super::example!("memory-limit-missing"),
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Out<'_>) {
    missing_resource(cx, out, "limits", "memory", "memory limit", RULE.fix);
}
