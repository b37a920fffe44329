//! `ingress-port-missing`

use crate::diag::Severity;
use crate::yaml::{Node, Value};

use super::common::ingress_backends;
use super::{Category, Ctx, Out, Rule};

/// See [`Rule`].
pub static RULE: Rule = Rule {
    id: "ingress-port-missing",
    category: Category::Wiring,
    severity: Severity::Error,
    summary: "An Ingress backend names a port its Service does not have.",
    what: "An Ingress backend's port (number or name) matches no `port` or port `name` of the Service it names, which is in the input.",
    why: "The ingress controller finds no endpoint for that backend and answers 503 for every request on the path, although the Ingress and the Service both apply cleanly.",
    fix: "Use one of the Service's port numbers or port names in the Ingress backend.",
    example: super::example!("ingress-port-missing"),
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Out<'_>) {
    for (i, ing) in cx.of_kind("Ingress") {
        for b in ingress_backends(ing) {
            let (Some(name), Some(port)) = (b.name.str(), &b.port) else { continue };
            let Some((_, svc)) = cx.find(ing, "Service", name) else { continue };
            let ports = svc.node.path(&["spec", "ports"]).and_then(Node::as_seq).cloned().unwrap_or_default();
            let found = match &port.node.value {
                Value::Int(n) => ports.iter().any(|p| p.get("port").and_then(Node::as_i64) == Some(*n)),
                Value::Str(s) => ports.iter().any(|p| p.get("name").and_then(Node::as_str) == Some(s)),
                _ => true,
            };
            if !found {
                let shown = crate::yaml::scalar_string(port.node).unwrap_or_default();
                out.report(cx, i, port, format!("Service {name} has no port {shown}"), RULE.fix);
            }
        }
    }
}
