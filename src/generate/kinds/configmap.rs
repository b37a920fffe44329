//! ConfigMaps: `data` moves to values (`config`), rendered back with `toYaml`.

use super::super::tpl::T;
use super::super::values::Hint;
use super::Gen;

/// Handles a ConfigMap.
pub fn apply(g: &mut Gen<'_>, i: usize, t: &mut T) -> Option<String> {
    let o = &g.ctx.objects[i];
    let data = o.node.get("data").filter(|d| d.as_map().is_some_and(|m| !m.is_empty()))?;
    let slot = g.ctx.plans[i].slot.clone();
    let r = g.values.set(
        &slot,
        data.clone(),
        format!("Data of the ConfigMap `{}`, key by key.", o.name.as_deref().unwrap_or("")),
        Hint::StringMap,
    );
    t.replace("data", T::ToYaml(r));
    None
}
