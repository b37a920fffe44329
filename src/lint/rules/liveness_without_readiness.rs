//! `liveness-without-readiness`

use crate::diag::Severity;

use super::common::label;
use super::{Category, Ctx, Out, Rule};

/// See [`Rule`].
pub static RULE: Rule = Rule {
    id: "liveness-without-readiness",
    category: Category::Probes,
    severity: Severity::Warning,
    summary: "A container has a liveness probe but no readiness probe.",
    what: "A container declares a livenessProbe and no readinessProbe.",
    why: "Without a readiness probe the pod receives traffic as soon as the process starts, before it can serve; the liveness probe only ever restarts it, it never takes it out of the Service while it recovers.",
    fix: "Add a readinessProbe that checks the container can serve requests.",
    example: super::example!("liveness-without-readiness"),
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Out<'_>) {
    for w in &cx.workloads {
        for c in w.containers() {
            let Some(live) = c.field.get("livenessProbe") else { continue };
            if c.field.get("readinessProbe").is_none() {
                out.report(
                    cx,
                    w.index,
                    &live,
                    format!("{} has a livenessProbe but no readinessProbe", label(&c)),
                    RULE.fix,
                );
            }
        }
    }
}
