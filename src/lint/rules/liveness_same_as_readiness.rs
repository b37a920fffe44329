//! `liveness-same-as-readiness`

use crate::diag::Severity;

use super::common::{label, probe_handler};
use super::{Category, Ctx, Out, Rule};

/// See [`Rule`].
pub static RULE: Rule = Rule {
    id: "liveness-same-as-readiness",
    category: Category::Probes,
    severity: Severity::Warning,
    summary: "The liveness probe calls exactly what the readiness probe calls.",
    what: "A container's livenessProbe and readinessProbe use the same handler (same httpGet path and port, tcpSocket port, exec command or grpc port).",
    why: "Readiness answers \"send me traffic?\" and liveness \"restart me?\". When both check the same thing, a pod that is only overloaded or waiting on a dependency is restarted instead of drained, and restarts cascade across replicas exactly when load is highest.",
    fix: "Point the livenessProbe at a cheap endpoint that only checks the process itself (or drop it), and keep dependency checks in the readinessProbe.",
    example: super::example!("liveness-same-as-readiness"),
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Out<'_>) {
    for w in &cx.workloads {
        for c in w.containers() {
            let (Some(live), Some(ready)) = (c.field.get("livenessProbe"), c.field.get("readinessProbe")) else {
                continue;
            };
            let (Some(l), Some(r)) = (probe_handler(live.node), probe_handler(ready.node)) else { continue };
            if l == r {
                out.report(
                    cx,
                    w.index,
                    &live,
                    format!("{}: livenessProbe is identical to readinessProbe", label(&c)),
                    RULE.fix,
                );
            }
        }
    }
}
