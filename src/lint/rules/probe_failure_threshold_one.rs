//! `probe-failure-threshold-one`

use crate::diag::Severity;

use super::common::{PROBES, label};
use super::{Category, Ctx, Out, Rule};

/// See [`Rule`].
pub static RULE: Rule = Rule {
    id: "probe-failure-threshold-one",
    category: Category::Probes,
    severity: Severity::Warning,
    summary: "A probe acts on a single failed check (failureThreshold: 1).",
    what: "A liveness, readiness or startup probe sets `failureThreshold: 1`.",
    why: "One slow response (a GC pause, a busy node, a network blip) is enough to restart the container or pull it out of the Service; under load this flaps every replica at once.",
    fix: "Set failureThreshold to 3 or more so that only a sustained failure counts.",
    example: super::example!("probe-failure-threshold-one"),
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Out<'_>) {
    for w in &cx.workloads {
        for c in w.containers() {
            for probe in PROBES {
                let Some(ft) = c.field.path(&[probe, "failureThreshold"]) else { continue };
                if ft.node.as_i64() == Some(1) {
                    out.report(cx, w.index, &ft, format!("{}: {probe} has failureThreshold: 1", label(&c)), RULE.fix);
                }
            }
        }
    }
}
