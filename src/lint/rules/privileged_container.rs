//! `privileged-container`

use crate::diag::Severity;

use super::common::label;
use super::{Category, Ctx, Out, Rule};

/// See [`Rule`].
pub static RULE: Rule = Rule {
    id: "privileged-container",
    category: Category::Security,
    severity: Severity::Error,
    summary: "A container runs privileged.",
    what: "A container's securityContext sets `privileged: true`.",
    why: "A privileged container has every capability and every host device: escaping it is trivial and it can take over the node. The `baseline` and `restricted` Pod Security Standards reject it.",
    fix: "Remove privileged: true and grant only the specific capabilities the container needs.",
    example: super::example!("privileged-container"),
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Out<'_>) {
    for w in &cx.workloads {
        for c in w.containers() {
            let Some(f) = c.field.path(&["securityContext", "privileged"]) else { continue };
            if f.node.as_bool() == Some(true) {
                out.report(cx, w.index, &f, format!("{} runs privileged", label(&c)), RULE.fix);
            }
        }
    }
}
