//! `statefulset-service-missing`

use crate::diag::Severity;

use super::{Category, Ctx, Out, Rule};
use crate::lint::context::Field;

/// See [`Rule`].
pub static RULE: Rule = Rule {
    id: "statefulset-service-missing",
    category: Category::Wiring,
    severity: Severity::Warning,
    summary: "A StatefulSet's serviceName names no headless Service in the input.",
    what: "A StatefulSet's `spec.serviceName` names a Service that is not in the input (same namespace), or one that is not headless (`clusterIP: None`).",
    why: "The governing Service gives each replica its stable DNS name (`pod-0.service`); without it, or with a normal ClusterIP Service, those names never resolve, so peers that find each other by name (databases, quorum members) cannot form a cluster. The Service may be created elsewhere, hence a warning.",
    fix: "Create a Service with clusterIP: None and the StatefulSet's pod selector, named as spec.serviceName.",
    example: super::example!("statefulset-service-missing"),
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Out<'_>) {
    for (i, sts) in cx.of_kind("StatefulSet") {
        let Some(field) = Field::root(&sts.node).path(&["spec", "serviceName"]) else { continue };
        let Some(name) = field.str().filter(|n| !n.is_empty()) else { continue };
        match cx.find(sts, "Service", name) {
            None => out.report(cx, i, &field, format!("Service {name} is not in the input"), RULE.fix),
            Some((_, svc)) => {
                if svc.node.str_at(&["spec", "clusterIP"]) != Some("None") {
                    out.report(
                        cx,
                        i,
                        &field,
                        format!(
                            "Service {name} is not headless (clusterIP: None), so the pods get no stable DNS names"
                        ),
                        RULE.fix,
                    );
                }
            }
        }
    }
}
