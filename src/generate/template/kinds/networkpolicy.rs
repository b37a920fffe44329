//! NetworkPolicies: an enabled toggle; rules stay as written, with the pod selectors of this
//! namespace scoped to the release.

use crate::yaml::{Node, Value};

use super::Gen;
use super::registry::{Descriptor, Owner, Slot};
use crate::generate::template::tpl::Tree;
use crate::generate::template::values::{Hint, join};

/// NetworkPolicies: owned by the workload whose pods they select.
pub static DESCRIPTOR: Descriptor = Descriptor {
    kinds: &["NetworkPolicy"],
    slot: Some(Slot {
        singular: "networkPolicy",
        plural: "networkPolicies",
        always_keyed: false,
        plural_description: "Network policies, by name.",
    }),
    owner: Owner::Selector(&["spec", "podSelector"]),
    apply: Some(apply),
    ..Descriptor::PLAIN
};

/// Handles a NetworkPolicy.
pub fn apply(g: &mut Gen<'_>, i: usize, t: &mut Tree) -> Option<String> {
    let o = &g.ctx.objects[i];
    let slot = g.ctx.plans[i].slot.clone();
    g.values.describe(&slot, format!("The NetworkPolicy `{}`.", o.name.as_deref().unwrap_or("")));
    let r = g.values.set(
        &join(&slot, &["enabled"]),
        Node::new(Value::Bool(true)),
        "Create the NetworkPolicy.",
        Hint::Plain,
    );
    if let Some(spec) = t.get_mut("spec") {
        // An empty podSelector means every pod of the namespace, the chart's or not: kept.
        super::scope_to_release(g, spec.path_mut(&["podSelector", "matchLabels"]), true);
        for (rules, peers) in [("ingress", "from"), ("egress", "to")] {
            for rule in spec.get_mut(rules).and_then(Tree::items_mut).into_iter().flatten() {
                for peer in rule.get_mut(peers).and_then(Tree::items_mut).into_iter().flatten() {
                    // Peers with a namespaceSelector select pods of other namespaces too.
                    if peer.get_mut("namespaceSelector").is_none() {
                        super::scope_to_release(g, peer.path_mut(&["podSelector", "matchLabels"]), true);
                    }
                }
            }
        }
    }
    Some(r)
}
