//! PersistentVolumeClaims and the claim spec shared with StatefulSet volume claim templates.

use crate::yaml::Node;

use super::Gen;
use super::registry::{Descriptor, Owner, Slot};
use crate::generate::template::tpl::{Tree, with_scalar};
use crate::generate::template::values::{Hint, join};

/// PersistentVolumeClaims: under `persistence` by claim name, owned by the one workload that
/// mounts them.
pub static DESCRIPTOR: Descriptor = Descriptor {
    kinds: &["PersistentVolumeClaim"],
    slot: Some(Slot {
        singular: "persistence",
        plural: "persistence",
        always_keyed: true,
        plural_description: "Persistent volume claims, by claim name.",
    }),
    owner: Owner::ClaimUser,
    stem: Some("pvc"),
    apply: Some(apply),
    ..Descriptor::PLAIN
};

/// Handles a standalone PVC: size and storage class under its `persistence` slot.
pub fn apply(g: &mut Gen<'_>, i: usize, t: &mut Tree) -> Option<String> {
    let o = &g.ctx.objects[i];
    let slot = g.ctx.plans[i].slot.clone();
    g.values.describe(&slot, format!("The PersistentVolumeClaim `{}`.", o.name.as_deref().unwrap_or("")));
    let spec_node = o.node.get("spec").cloned().unwrap_or_else(Node::map);
    if let Some(st) = t.get_mut("spec") {
        claim_spec(g, &slot, st, &spec_node);
    }
    None
}

/// Parameterizes `resources.requests.storage` and `storageClassName` of a claim spec.
pub fn claim_spec(g: &mut Gen<'_>, slot: &[String], st: &mut Tree, spec: &Node) {
    if let Some(size) = spec.path(&["resources", "requests", "storage"]) {
        let r = g.values.set(&join(slot, &["size"]), size.clone(), "Requested storage size.", Hint::Quantity);
        if let Some(req) = st.path_mut(&["resources", "requests"]) {
            req.replace("storage", Tree::Expr(format!("{{{{ {r} | quote }}}}")));
        }
    }
    let desc = "Storage class; empty uses the cluster's default class.";
    match spec.get("storageClassName") {
        Some(sc) if sc.as_str().is_some() => {
            let r = g.values.set(&join(slot, &["storageClass"]), sc.clone(), desc, Hint::DnsName);
            st.replace("storageClassName", Tree::Expr(format!("{{{{ {r} | quote }}}}")));
        }
        Some(_) => {}
        None => {
            let r = g.values.set(&join(slot, &["storageClass"]), Node::str(""), desc, Hint::DnsName);
            st.push(with_scalar(&r, "storageClassName", true));
        }
    }
}
