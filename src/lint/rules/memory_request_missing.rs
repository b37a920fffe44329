//! `memory-request-missing`

use crate::diag::Severity;

use super::common::missing_resource;
use super::{Category, Ctx, Out, Rule};

/// See [`Rule`].
pub static RULE: Rule = Rule {
    id: "memory-request-missing",
    category: Category::Resources,
    severity: Severity::Warning,
    summary: "A container sets no memory request.",
    what: "A container (or init container) has no `resources.requests.memory`, no memory limit it would default to, and no LimitRange default in the input.",
    why: "A pod without a memory request is scheduled as if it needed none; under node memory pressure it is the first to be evicted, and nodes get overcommitted until something is OOM-killed.",
    fix: "Set resources.requests.memory to the container's measured working set.",
    example: super::example!("memory-request-missing"),
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Out<'_>) {
    missing_resource(cx, out, "requests", "memory", "memory request", RULE.fix);
}
