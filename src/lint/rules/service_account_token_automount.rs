//! `service-account-token-automount`

use crate::diag::Severity;
use crate::yaml::Node;

use super::common::deepest;
use super::{Category, Ctx, Out, Rule};

/// See [`Rule`].
pub static RULE: Rule = Rule {
    id: "service-account-token-automount",
    category: Category::Security,
    severity: Severity::Info,
    summary: "A pod that never uses the Kubernetes API still mounts a service account token.",
    what: "A pod spec does not set `automountServiceAccountToken: false`, its ServiceAccount in the input does not either, and no RoleBinding or ClusterRoleBinding in the input grants that ServiceAccount anything (so the pod has no reason to call the API).",
    why: "Every process in the pod, and anyone who compromises it, can read a token for the API server; with the default service account that is still enough for discovery and any permissions granted cluster-wide.",
    fix: "Set automountServiceAccountToken: false in the pod spec (or on its ServiceAccount).",
    example: super::example!("service-account-token-automount"),
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Out<'_>) {
    for w in &cx.workloads {
        let Some(spec) = &w.spec else { continue };
        let obj = cx.object(w.index);
        if spec.node.get("automountServiceAccountToken").and_then(Node::as_bool) == Some(false) {
            continue;
        }
        let sa = spec
            .node
            .get("serviceAccountName")
            .or_else(|| spec.node.get("serviceAccount"))
            .and_then(Node::as_str)
            .unwrap_or("default");
        if let Some((_, sa_obj)) = cx.find(obj, "ServiceAccount", sa) {
            if sa_obj.node.get("automountServiceAccountToken").and_then(Node::as_bool) == Some(false) {
                continue;
            }
        }
        if bound(cx, obj, sa) {
            continue;
        }
        let (pos, ptr) = deepest(spec, &["automountServiceAccountToken"]);
        out.report_at(
            cx,
            w.index,
            pos,
            &ptr,
            format!("the pod mounts a token for service account {sa}, which no binding in the input grants anything"),
            RULE.fix,
        );
    }
}

/// True when a RoleBinding or ClusterRoleBinding in the input names the service account.
fn bound(cx: &Ctx<'_>, pod: &crate::manifest::Object, sa: &str) -> bool {
    cx.of_kind("RoleBinding").chain(cx.of_kind("ClusterRoleBinding")).map(|(_, b)| b).any(|b| {
        b.node.get("subjects").and_then(Node::as_seq).is_some_and(|subjects| {
            subjects.iter().any(|s| {
                s.get("kind").and_then(Node::as_str) == Some("ServiceAccount")
                    && s.get("name").and_then(Node::as_str) == Some(sa)
                    && match (s.get("namespace").and_then(Node::as_str), &pod.namespace) {
                        (Some(a), Some(b)) => a == b,
                        _ => true,
                    }
            })
        })
    })
}
