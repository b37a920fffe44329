//! `ingress-service-missing`

use crate::diag::Severity;

use super::common::ingress_backends;
use super::{Category, Ctx, Out, Rule};

/// See [`Rule`].
pub static RULE: Rule = Rule {
    id: "ingress-service-missing",
    category: Category::Wiring,
    severity: Severity::Warning,
    summary: "An Ingress backend names a Service that is not in the input.",
    what: "An Ingress rule or default backend names a Service that no object in the input (same namespace) defines.",
    why: "The ingress controller answers 503 for that path. The Service may live in another release, hence a warning, but far more often it was renamed and the Ingress was not.",
    fix: "Point the backend at the Service's actual name, or add the Service.",
    example: super::example!("ingress-service-missing"),
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Out<'_>) {
    for (i, ing) in cx.of_kind("Ingress") {
        for b in ingress_backends(ing) {
            let Some(name) = b.name.str() else { continue };
            if cx.find(ing, "Service", name).is_none() {
                out.report(cx, i, &b.name, format!("backend Service {name} is not in the input"), RULE.fix);
            }
        }
    }
}
