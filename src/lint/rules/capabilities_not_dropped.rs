//! `capabilities-not-dropped`

use crate::diag::Severity;
use crate::yaml::Node;

use super::common::{deepest, label};
use super::{Category, Ctx, Out, Rule};

/// See [`Rule`].
pub static RULE: Rule = Rule {
    id: "capabilities-not-dropped",
    category: Category::Security,
    severity: Severity::Warning,
    summary: "A container does not drop ALL Linux capabilities.",
    what: "A container's `securityContext.capabilities.drop` does not contain `ALL`.",
    why: "The default set keeps capabilities such as NET_RAW (spoofing on the pod network) and CHOWN/SETUID that almost no application needs; the `restricted` Pod Security Standard requires dropping ALL.",
    fix: "Set securityContext.capabilities.drop: [ALL] and add back only what the application needs (for example NET_BIND_SERVICE).",
    example: super::example!("capabilities-not-dropped"),
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Out<'_>) {
    for w in &cx.workloads {
        for c in w.containers() {
            let drops_all = c
                .field
                .node
                .path(&["securityContext", "capabilities", "drop"])
                .and_then(Node::as_seq)
                .is_some_and(|d| d.iter().any(|x| x.as_str().is_some_and(|s| s.eq_ignore_ascii_case("all"))));
            if drops_all {
                continue;
            }
            let (pos, ptr) = deepest(&c.field, &["securityContext", "capabilities", "drop"]);
            out.report_at(cx, w.index, pos, &ptr, format!("{} does not drop ALL capabilities", label(&c)), RULE.fix);
        }
    }
}
