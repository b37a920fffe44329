//! PodDisruptionBudgets: enabled toggle and at most one of minAvailable / maxUnavailable.

use crate::yaml::{Node, Value};

use super::Gen;
use super::registry::{Descriptor, Owner, Slot};
use crate::generate::template::tpl::{Entry, Tree};
use crate::generate::template::values::{Hint, join};

/// PodDisruptionBudgets: owned by the workload they select.
pub static DESCRIPTOR: Descriptor = Descriptor {
    kinds: &["PodDisruptionBudget"],
    slot: Some(Slot {
        singular: "podDisruptionBudget",
        plural: "podDisruptionBudgets",
        always_keyed: false,
        plural_description: "Pod disruption budgets, by name.",
    }),
    owner: Owner::Selector(&["spec", "selector"]),
    stem: Some("pdb"),
    apply: Some(apply),
    ..Descriptor::PLAIN
};

/// Handles a PDB.
pub fn apply(g: &mut Gen<'_>, i: usize, t: &mut Tree) -> Option<String> {
    let o = &g.ctx.objects[i];
    let slot = g.ctx.plans[i].slot.clone();
    let node = o.node.clone();
    g.values.describe(&slot, "Pod disruption budget.");
    let enabled = g.values.set(
        &join(&slot, &["enabled"]),
        Node::new(Value::Bool(true)),
        "Create the PodDisruptionBudget.",
        Hint::Plain,
    );
    let st = t.get_mut("spec")?;
    super::scope_to_release(g, st.path_mut(&["selector", "matchLabels"]), true);
    for field in ["minAvailable", "maxUnavailable"] {
        let v = node.path(&["spec", field]).cloned().unwrap_or_else(|| Node::str(""));
        let r = g.values.set(
            &join(&slot, &[field]),
            v,
            format!("{field} (a number or a percentage); set exactly one of minAvailable and maxUnavailable, leave the other empty."),
            Hint::IntOrPercent,
        );
        // The template renders the field only when it is set.
        g.values.mark_optional(&join(&slot, &[field]));
        let entry = Entry::Pair(field.to_string(), Tree::Expr(format!("{{{{ {r} }}}}")));
        // Present and not empty: `toString` of a deleted (null) key is "<nil>", not "".
        let cond = format!("and (not (kindIs \"invalid\" {r})) (ne (toString {r}) \"\")");
        if st.get_mut(field).is_some() {
            st.replace(field, Tree::Expr(format!("{{{{ {r} }}}}")));
            st.wrap_if(field, &cond);
        } else {
            st.push(Entry::If(cond, vec![entry]));
        }
    }
    g.guards.push(crate::guard::Guard::PdbFields { slot });
    Some(enabled)
}
