//! `probe-port-missing`

use crate::diag::Severity;
use crate::yaml::{Node, Value};

use super::common::{PROBES, label};
use super::{Category, Ctx, Out, Rule};

/// See [`Rule`].
pub static RULE: Rule = Rule {
    id: "probe-port-missing",
    category: Category::Probes,
    severity: Severity::Error,
    summary: "A probe targets a port the container does not declare.",
    what: "A liveness, readiness or startup probe (`httpGet`, `tcpSocket` or `grpc`) names a port that is not one of the container's port names, or a port number that is not one of its `containerPort`s. A number is only checked when the container declares ports at all (declaring them is optional), and a probe with its own `host` is skipped.",
    why: "A named port the container does not declare cannot be resolved, so the probe fails every time: a liveness or startup probe restarts the container forever, a readiness probe keeps it out of every Service. A number nobody declares is usually a port that changed in one place and not the other, with the same result.",
    fix: "Point the probe at a port the container declares (by name or containerPort), or declare the port.",
    example: super::example!("probe-port-missing"),
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Out<'_>) {
    for w in &cx.workloads {
        for c in w.containers() {
            let declared: Vec<&Node> = c.field.node.get("ports").and_then(Node::as_seq).map(|p| p.iter().collect()).unwrap_or_default();
            for probe in PROBES {
                for handler in ["httpGet", "tcpSocket", "grpc"] {
                    let Some(h) = c.field.path(&[probe, handler]) else { continue };
                    if h.node.get("host").is_some() {
                        continue;
                    }
                    let Some(port) = h.get("port") else { continue };
                    let found = match &port.node.value {
                        Value::Int(n) => declared.is_empty() || has_number(&declared, *n),
                        Value::Str(s) => match s.parse::<i64>() {
                            Ok(n) => declared.is_empty() || has_number(&declared, n),
                            Err(_) => declared.iter().any(|p| p.get("name").and_then(Node::as_str) == Some(s)),
                        },
                        _ => true,
                    };
                    if !found {
                        let shown = crate::kube::scalar_string(port.node).unwrap_or_default();
                        out.report(
                            cx,
                            w.index,
                            &port,
                            format!("{}: {probe} targets port {shown}, which the container does not declare", label(&c)),
                            RULE.fix,
                        );
                    }
                }
            }
        }
    }
}

fn has_number(declared: &[&Node], n: i64) -> bool {
    declared.iter().any(|p| p.get("containerPort").and_then(Node::as_i64) == Some(n))
}
