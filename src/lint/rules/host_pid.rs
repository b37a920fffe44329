//! `host-pid`

use crate::diag::Severity;

use super::{Category, Ctx, Out, Rule};

/// See [`Rule`].
pub static RULE: Rule = Rule {
    id: "host-pid",
    category: Category::Security,
    severity: Severity::Warning,
    summary: "A pod shares the node's process namespace (hostPID: true).",
    what: "A pod spec sets `hostPID: true`.",
    why: "The pod can see and signal every process on the node, read their environment (secrets included) and, with ptrace, enter them; the `baseline` Pod Security Standard rejects it.",
    fix: "Remove hostPID: true; use a sidecar with shareProcessNamespace if the pod's own containers must see each other.",
    example: super::example!("host-pid"),
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Out<'_>) {
    for w in &cx.workloads {
        let Some(f) = w.spec.as_ref().and_then(|s| s.get("hostPID")) else { continue };
        if f.node.as_bool() == Some(true) {
            out.report(cx, w.index, &f, "the pod sets hostPID: true".into(), RULE.fix);
        }
    }
}
