//! `root-filesystem-writable`

use crate::diag::Severity;
use crate::yaml::Node;

use super::common::{deepest, label};
use super::{Category, Ctx, Out, Rule};

/// See [`Rule`].
pub static RULE: Rule = Rule {
    id: "root-filesystem-writable",
    category: Category::Security,
    severity: Severity::Warning,
    summary: "A container's root filesystem is writable.",
    what: "A container's securityContext does not set `readOnlyRootFilesystem: true`.",
    why: "A writable root filesystem lets an attacker drop and run tools, and lets the application write data that silently disappears on restart; mounting emptyDir volumes for the paths that must be writable makes both explicit.",
    fix: "Set securityContext.readOnlyRootFilesystem: true and mount an emptyDir where the application writes.",
    example: super::example!("root-filesystem-writable"),
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Out<'_>) {
    for w in &cx.workloads {
        for c in w.containers() {
            if c.field.node.path(&["securityContext", "readOnlyRootFilesystem"]).and_then(Node::as_bool) == Some(true) {
                continue;
            }
            let (pos, ptr) = deepest(&c.field, &["securityContext", "readOnlyRootFilesystem"]);
            out.report_at(
                cx,
                w.index,
                pos,
                &ptr,
                format!("{} does not set readOnlyRootFilesystem: true", label(&c)),
                RULE.fix,
            );
        }
    }
}
