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
    summary: "A probe targets a port name the container does not declare.",
    what: "A liveness, readiness or startup probe (`httpGet` or `tcpSocket`) names a port that is not one of the container's port names. Port numbers are not checked: declaring a port is optional, and real manifests probe undeclared health ports that work (ingress-nginx probes 10254 and declares only 80, 443 and 8443). A probe with its own `host` is skipped.",
    why: "The kubelet cannot resolve a port name the container does not declare, so the probe fails every time: a liveness or startup probe restarts the container forever, a readiness probe keeps it out of every Service. It happens when a port is renamed in one place and not the other.",
    fix: "Point the probe at a port name the container declares (or at the port number), or declare the port under that name.",
    example: super::example!("probe-port-missing"),
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Out<'_>) {
    for w in &cx.workloads {
        for c in w.containers() {
            let declared: Vec<&Node> =
                c.field.node.get("ports").and_then(Node::as_seq).map(|p| p.iter().collect()).unwrap_or_default();
            for probe in PROBES {
                for handler in ["httpGet", "tcpSocket"] {
                    let Some(h) = c.field.path(&[probe, handler]) else { continue };
                    if h.node.get("host").is_some() {
                        continue;
                    }
                    let Some(port) = h.get("port") else { continue };
                    let Value::Str(name) = &port.node.value else { continue };
                    if name.parse::<i64>().is_ok() {
                        continue;
                    }
                    if !declared.iter().any(|p| p.get("name").and_then(Node::as_str) == Some(name)) {
                        out.report(
                            cx,
                            w.index,
                            &port,
                            format!("{}: {probe} targets port {name}, which the container does not declare", label(&c)),
                            RULE.fix,
                        );
                    }
                }
            }
        }
    }
}
