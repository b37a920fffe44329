//! `probe-initial-delay-only`

use crate::diag::Severity;

use super::common::label;
use super::{Category, Ctx, Out, Rule};

/// See [`Rule`].
pub static RULE: Rule = Rule {
    id: "probe-initial-delay-only",
    category: Category::Probes,
    severity: Severity::Warning,
    summary: "A liveness or readiness probe relies on initialDelaySeconds instead of a startupProbe.",
    what: "A container declares a liveness probe, and its liveness or readiness probe has `initialDelaySeconds` as its only boot guard (no `startupProbe`). A container with only a readiness probe is not reported: nothing restarts it, a slow boot only delays its traffic.",
    why: "`initialDelaySeconds` is a guess: on a slow node or a cold cache the liveness probe kills the container before it has started (a restart loop), and on a fast one readiness waits for nothing. A startupProbe holds the other probes back until the application really is up.",
    fix: "Add a startupProbe that checks the same endpoint with failureThreshold × periodSeconds covering the slowest boot, and remove initialDelaySeconds.",
    example: super::example!("probe-initial-delay-only"),
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Out<'_>) {
    for w in &cx.workloads {
        for c in w.containers() {
            if c.field.get("startupProbe").is_some() {
                continue;
            }
            // Without a liveness probe nothing restarts the container, so a readiness delay
            // alone only postpones traffic.
            let probes: &[&str] =
                if c.field.get("livenessProbe").is_some() { &["livenessProbe", "readinessProbe"] } else { &[] };
            for &probe in probes {
                let Some(delay) = c.field.path(&[probe, "initialDelaySeconds"]) else { continue };
                let Some(secs) = delay.node.as_i64().filter(|s| *s > 0) else { continue };
                out.report(
                    cx,
                    w.index,
                    &delay,
                    format!(
                        "{}: {probe} waits a fixed initialDelaySeconds: {secs} and there is no startupProbe",
                        label(&c)
                    ),
                    RULE.fix,
                );
            }
        }
    }
}
