//! `cpu-request-missing`

use crate::diag::Severity;

use super::common::missing_resource;
use super::{Category, Ctx, Out, Rule};

/// See [`Rule`].
pub static RULE: Rule = Rule {
    id: "cpu-request-missing",
    category: Category::Resources,
    severity: Severity::Warning,
    summary: "A container sets no CPU request.",
    what: "A container (or init container) has no `resources.requests.cpu`, no CPU limit it would default to, and no LimitRange default in the input.",
    why: "The scheduler places pods by their requests: without one the pod counts as needing no CPU, lands on a busy node and is starved by its neighbours, and an HPA on CPU utilisation has nothing to measure against.",
    fix: "Set resources.requests.cpu to the container's typical usage.",
    example: super::example!("cpu-request-missing"),
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Out<'_>) {
    missing_resource(cx, out, "requests", "cpu", "CPU request", RULE.fix);
}
