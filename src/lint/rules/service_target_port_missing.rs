//! `service-target-port-missing`

use crate::diag::Severity;
use crate::yaml::{Node, Value};

use super::common::port_matches;
use super::{Category, Ctx, Out, Rule};
use crate::lint::context::Field;

/// See [`Rule`].
pub static RULE: Rule = Rule {
    id: "service-target-port-missing",
    category: Category::Wiring,
    severity: Severity::Warning,
    summary: "A Service targetPort is not declared by any container it selects.",
    what: "A Service port's `targetPort` (number or name; it defaults to `port`) matches no `containerPort` or port `name` of the containers in the pod templates the Service selects. A numeric targetPort is only checked when at least one selected container declares ports, since declaring them is optional and a process may listen on an undeclared port.",
    why: "A named targetPort that no container declares gets no endpoints at all; a number that no container declares usually means the Service sends traffic to a port nothing listens on (connection refused), typically after the application's port changed.",
    fix: "Set targetPort to a containerPort (or port name) declared by the selected containers.",
    example: super::example!("service-target-port-missing"),
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Out<'_>) {
    for (i, svc) in cx.of_kind("Service") {
        let Some(selector) = svc.node.path(&["spec", "selector"]).filter(|s| !s.is_empty_value()) else { continue };
        let selected = cx.workloads_selected(svc, selector);
        if selected.is_empty() {
            continue;
        }
        let mut declared: Vec<&Node> = Vec::new();
        for w in &selected {
            for c in w.containers().into_iter().filter(|c| !c.init) {
                if let Some(ports) = c.field.node.get("ports").and_then(Node::as_seq) {
                    declared.extend(ports.iter());
                }
            }
        }
        for port in Field::root(&svc.node).path(&["spec", "ports"]).map(|p| p.items()).unwrap_or_default() {
            let target = port.get("targetPort");
            let value = target.as_ref().map(|t| t.node).or_else(|| port.node.get("port"));
            let Some(value) = value else { continue };
            let numeric = matches!(&value.value, Value::Int(_))
                || matches!(&value.value, Value::Str(s) if s.parse::<i64>().is_ok());
            if numeric && declared.is_empty() {
                continue;
            }
            let scalar = matches!(&value.value, Value::Int(_) | Value::Str(_));
            let found = !scalar || declared.iter().any(|p| port_matches(p, value));
            if !found {
                let shown = crate::yaml::scalar_string(value).unwrap_or_default();
                let at = target.unwrap_or(port);
                out.report(
                    cx,
                    i,
                    &at,
                    format!("targetPort {shown} is not declared by any container the Service selects"),
                    RULE.fix,
                );
            }
        }
    }
}
