//! `run-as-non-root-unset`

use crate::diag::Severity;
use crate::yaml::Node;

use super::common::{deepest, label};
use super::{Category, Ctx, Out, Rule};

/// See [`Rule`].
pub static RULE: Rule = Rule {
    id: "run-as-non-root-unset",
    category: Category::Security,
    severity: Severity::Warning,
    summary: "A container may run as root: runAsNonRoot is not set.",
    what: "Neither the container's nor the pod's securityContext sets `runAsNonRoot: true` or a non-zero `runAsUser`.",
    why: "Most images default to root; a container escape or a writable host mount then acts as root on the node, and clusters enforcing the `restricted` Pod Security Standard reject the pod.",
    fix: "Set securityContext.runAsNonRoot: true (with a non-zero runAsUser if the image's default user is root).",
    example: super::example!("run-as-non-root-unset"),
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Out<'_>) {
    for w in &cx.workloads {
        let pod_sc = w.spec.as_ref().and_then(|s| s.node.get("securityContext"));
        for c in w.containers() {
            let sc = c.field.node.get("securityContext");
            let get = |k: &str| sc.and_then(|s| s.get(k)).or_else(|| pod_sc.and_then(|s| s.get(k)));
            let non_root = get("runAsNonRoot").and_then(Node::as_bool);
            let user = get("runAsUser").and_then(Node::as_i64);
            if non_root == Some(true) || user.is_some_and(|u| u > 0) {
                continue;
            }
            let (pos, ptr) = deepest(&c.field, &["securityContext", "runAsNonRoot"]);
            out.report_at(cx, w.index, pos, &ptr, format!("{} does not set runAsNonRoot: true", label(&c)), RULE.fix);
        }
    }
}
