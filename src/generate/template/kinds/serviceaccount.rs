//! ServiceAccounts used by one workload: create toggle, name and annotations, as in
//! `helm create`.

use crate::yaml::Node;

use super::Gen;
use super::registry::{Descriptor, Naming, Owner, Slot};
use crate::generate::template::knobs::OWN_KEY;
use crate::generate::template::tpl::{Entry, Tree};
use crate::generate::template::values::{Hint, join};

/// ServiceAccounts: owned by the one workload that runs as them, named by its helper.
pub static DESCRIPTOR: Descriptor = Descriptor {
    kinds: &["ServiceAccount"],
    slot: Some(Slot {
        singular: "serviceAccount",
        plural: "serviceAccounts",
        always_keyed: false,
        plural_description: "Service accounts, by name.",
    }),
    owner: Owner::ServiceAccountUser,
    naming: Naming::ServiceAccountHelper,
    apply: Some(apply),
    ..Descriptor::PLAIN
};

/// Handles a ServiceAccount.
pub fn apply(g: &mut Gen<'_>, i: usize, t: &mut Tree) -> Option<String> {
    // Accounts shared by several workloads (or none) stay plain objects.
    g.ctx.plans[i].owner?;
    let o = &g.ctx.objects[i];
    let slot = g.ctx.plans[i].slot.clone();
    let node = o.node.clone();
    g.values.describe(&slot, "The workload's ServiceAccount.");
    let create = g.values.set(
        &join(&slot, &["create"]),
        Node::new(crate::yaml::Value::Bool(true)),
        "Create the ServiceAccount.",
        Hint::Plain,
    );
    if let Some(a) = node.get("automountServiceAccountToken") {
        let r = g.values.set(
            &join(&slot, &["automount"]),
            a.clone(),
            "Mount the account's API token into pods.",
            Hint::Plain,
        );
        t.replace("automountServiceAccountToken", Tree::Expr(format!("{{{{ {r} }}}}")));
    }
    let ann = node.path(&["metadata", "annotations"]).cloned().unwrap_or_else(Node::map);
    let ar = g.values.set(
        &join(&slot, &["annotations"]),
        ann,
        "Annotations on the ServiceAccount (e.g. cloud IAM roles).",
        Hint::StringMap,
    );
    g.values.set(
        &join(&slot, &["name"]),
        Node::str(""),
        "Name of the ServiceAccount; empty derives it from the release name.",
        Hint::DnsName,
    );
    g.knobs.add(&join(&slot, &["annotations"]), Node::string_map(OWN_KEY, "serviceaccount"));
    if let Some(Tree::Map(m)) = t.get_mut("metadata") {
        m.retain(|e| !matches!(e, Entry::Pair(k, _) if k == "annotations"));
    }
    // Rendered with commonAnnotations in one map (metadata.rs).
    g.extra_metadata.push(("annotations".into(), ar));
    Some(create)
}
