//! RoleBindings and ClusterRoleBindings: role and subject references follow renamed objects.

use crate::yaml::Node;

use super::registry::Descriptor;
use super::{Gen, release_namespace_at, rename_at};
use crate::generate::template::tpl::Tree;

/// RoleBindings: subjects that are the chart's ServiceAccounts follow their names.
pub static DESCRIPTOR: Descriptor = Descriptor {
    kinds: &["RoleBinding"],
    apply: Some(|g, i, t| {
        apply(g, i, t);
        None
    }),
    ..Descriptor::PLAIN
};

/// ClusterRoleBindings, handled like RoleBindings.
pub static CLUSTER: Descriptor =
    Descriptor { kinds: &["ClusterRoleBinding"], apply: DESCRIPTOR.apply, ..Descriptor::PLAIN };

/// Handles a binding.
pub fn apply(g: &mut Gen<'_>, i: usize, t: &mut Tree) {
    let node = g.ctx.objects[i].node.clone();
    let role_kind = node.str_at(&["roleRef", "kind"]).unwrap_or("Role").to_string();
    if let Some(r) = t.get_mut("roleRef") {
        rename_at(g, r, &["name"], &role_kind);
    }
    let kinds: Vec<String> = node
        .get("subjects")
        .and_then(Node::as_seq)
        .map(|s| s.iter().map(|x| x.str_at(&["kind"]).unwrap_or_default().to_string()).collect())
        .unwrap_or_default();
    if let Some(items) = t.get_mut("subjects").and_then(Tree::items_mut) {
        for (s, kind) in items.iter_mut().zip(kinds) {
            if kind == "ServiceAccount" {
                rename_at(g, s, &["name"], "ServiceAccount");
                release_namespace_at(g, s, &["namespace"]);
            }
        }
    }
}
