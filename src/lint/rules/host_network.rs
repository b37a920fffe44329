//! `host-network`

use crate::diag::Severity;

use super::{Category, Ctx, Out, Rule};

/// See [`Rule`].
pub static RULE: Rule = Rule {
    id: "host-network",
    category: Category::Security,
    severity: Severity::Warning,
    summary: "A pod shares the node's network namespace (hostNetwork: true).",
    what: "A pod spec sets `hostNetwork: true`.",
    why: "The pod sees every interface of the node, can bind its ports (two replicas on one node then collide) and bypasses NetworkPolicies; the `baseline` Pod Security Standard rejects it.",
    fix: "Remove hostNetwork: true and expose the port through a Service (or a hostPort if it really must be on the node).",
    example: super::example!("host-network"),
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Out<'_>) {
    for w in &cx.workloads {
        let Some(f) = w.spec.as_ref().and_then(|s| s.get("hostNetwork")) else { continue };
        if f.node.as_bool() == Some(true) {
            out.report(cx, w.index, &f, "the pod sets hostNetwork: true".into(), RULE.fix);
        }
    }
}
