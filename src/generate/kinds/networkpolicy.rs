//! NetworkPolicies: an enabled toggle; rules stay as written.

use crate::yaml::{Node, Value};

use super::super::tpl::T;
use super::super::values::{Hint, join};
use super::Gen;

/// Handles a NetworkPolicy.
pub fn apply(g: &mut Gen<'_>, i: usize, _t: &mut T) -> Option<String> {
    let o = &g.ctx.objects[i];
    let slot = g.ctx.plans[i].slot.clone();
    g.values.describe(&slot, format!("The NetworkPolicy `{}`.", o.name.as_deref().unwrap_or("")));
    let r = g.values.set(
        &join(&slot, &["enabled"]),
        Node::new(Value::Bool(true)),
        "Create the NetworkPolicy.",
        Hint::Plain,
    );
    Some(r)
}
