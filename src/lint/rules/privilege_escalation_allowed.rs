//! `privilege-escalation-allowed`

use crate::diag::Severity;
use crate::yaml::Node;

use super::common::{deepest, label};
use super::{Category, Ctx, Out, Rule};

/// See [`Rule`].
pub static RULE: Rule = Rule {
    id: "privilege-escalation-allowed",
    category: Category::Security,
    severity: Severity::Warning,
    summary: "A container does not set allowPrivilegeEscalation: false.",
    what: "A container's securityContext does not set `allowPrivilegeEscalation: false`.",
    why: "Without it a process can gain more privileges than its parent (setuid binaries, file capabilities); the `restricted` Pod Security Standard requires it to be false.",
    fix: "Set securityContext.allowPrivilegeEscalation: false on the container.",
    example: super::example!("privilege-escalation-allowed"),
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Out<'_>) {
    for w in &cx.workloads {
        for c in w.containers() {
            if c.field.node.path(&["securityContext", "allowPrivilegeEscalation"]).and_then(Node::as_bool)
                == Some(false)
            {
                continue;
            }
            let (pos, ptr) = deepest(&c.field, &["securityContext", "allowPrivilegeEscalation"]);
            out.report_at(
                cx,
                w.index,
                pos,
                &ptr,
                format!("{} does not set allowPrivilegeEscalation: false", label(&c)),
                RULE.fix,
            );
        }
    }
}
