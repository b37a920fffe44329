//! ConfigMaps: `data` moves to values (`config`), rendered back with `toYaml`; keys whose text
//! names objects of the chart stay in the template, where those names follow the release.

use crate::yaml::{Node, Value};

use super::Gen;
use super::registry::{Descriptor, Slot};
use crate::generate::analyze::refs::Site;
use crate::generate::template::tpl::{Entry, Tree, with_inline};
use crate::generate::template::values::Hint;

/// ConfigMaps: their data under `config`.
pub static DESCRIPTOR: Descriptor = Descriptor {
    kinds: &["ConfigMap"],
    slot: Some(Slot {
        singular: "config",
        plural: "config",
        always_keyed: false,
        plural_description: "ConfigMap data, by ConfigMap.",
    }),
    apply: Some(apply),
    ..Descriptor::PLAIN
};

/// Handles a ConfigMap.
pub fn apply(g: &mut Gen<'_>, i: usize, t: &mut Tree) -> Option<String> {
    let o = &g.ctx.objects[i];
    let data = o.node.get("data").filter(|d| d.as_map().is_some_and(|m| !m.is_empty()))?.clone();
    let name = o.name.clone().unwrap_or_default();
    let slot = g.ctx.plans[i].slot.clone();
    let mut plain = Vec::new();
    let mut templated = Vec::new();
    for (k, v) in data.as_map().into_iter().flatten() {
        let key = k.as_str().unwrap_or_default().to_string();
        let mut tv = Tree::from_node(v);
        if matches!(v.value, Value::Str(_)) && super::follow_refs_in(g, &mut tv, Site::Text) {
            templated.push(Entry::Pair(key, tv));
        } else {
            plain.push((k.clone(), v.clone()));
        }
    }
    let desc = format!("Data of the ConfigMap `{name}`, key by key.");
    if templated.is_empty() {
        let r = g.values.set(&slot, data, desc, Hint::StringMap);
        t.replace("data", Tree::ToYaml(r));
        return None;
    }
    let mut entries = Vec::new();
    if !plain.is_empty() {
        let r = g.values.set(&slot, Node::new(Value::Map(plain)), desc, Hint::StringMap);
        entries.push(with_inline(&r));
    }
    entries.extend(templated);
    t.replace("data", Tree::Map(entries));
    None
}
