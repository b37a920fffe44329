//! `duplicate-object`

use std::collections::HashMap;

use crate::diag::Severity;

use super::{Category, Ctx, Out, Rule};
use crate::lint::context::Field;

/// See [`Rule`].
pub static RULE: Rule = Rule {
    id: "duplicate-object",
    category: Category::Duplicates,
    severity: Severity::Error,
    summary: "Two objects share API group, kind, namespace and name.",
    what: "Two or more objects of the input have the same API group, kind, namespace (none for cluster-scoped kinds) and name. Each copy is reported, with the locations of the others. (`chartwright generate` refuses such input outright.)",
    why: "Only one of them exists in the cluster: `kubectl apply` applies both in turn and the last one silently wins, Helm refuses to install a release that renders the same object twice, and GitOps tools flap between the two. When a repository holds alternative overlays (say `provider/cloud` and `provider/baremetal`), lint them one at a time.",
    fix: "Remove one of the copies, or give them different names or namespaces.",
    example: super::example!("duplicate-object"),
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Out<'_>) {
    let mut groups: HashMap<(String, String, String, String), Vec<usize>> = HashMap::new();
    for (i, o) in cx.objects.iter().enumerate() {
        if let Some(key) = o.identity() {
            groups.entry(key).or_default().push(i);
        }
    }
    for indices in groups.values().filter(|g| g.len() > 1) {
        for &i in indices {
            let o = cx.object(i);
            let others: Vec<String> = indices
                .iter()
                .filter(|&&j| j != i)
                .map(|&j| format!("{}:{}", cx.object(j).file, cx.object(j).line))
                .collect();
            let root = Field::root(&o.node);
            let at = root.path(&["metadata", "name"]).unwrap_or(root);
            let ns = o
                .identity()
                .map(|k| k.2)
                .filter(|n| !n.is_empty())
                .map(|n| format!(" in namespace {n}"))
                .unwrap_or_default();
            out.report(
                cx,
                i,
                &at,
                format!("{}{ns} is defined {} times; also at {}", o.display_name(), indices.len(), others.join(", ")),
                RULE.fix,
            );
        }
    }
}
