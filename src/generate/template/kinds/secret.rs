//! Secrets: values are kept out of `values.yaml` by default (empty placeholders), an
//! `existingSecret` option replaces the generated Secret, and `--secrets inline` keeps them.

use base64::Engine as _;

use crate::yaml::{Node, Value};

use super::Gen;
use super::registry::{Descriptor, Naming, Slot};
use crate::generate::SecretsMode;
use crate::generate::template::tpl::Tree;
use crate::generate::template::values::{Hint, join};

/// Secrets: their values under `secrets`, replaceable by an `existingSecret`.
pub static DESCRIPTOR: Descriptor = Descriptor {
    kinds: &["Secret"],
    slot: Some(Slot {
        singular: "secrets",
        plural: "secrets",
        always_keyed: false,
        plural_description: "Secret values, by Secret.",
    }),
    naming: Naming::ExistingSecret,
    apply: Some(apply),
    ..Descriptor::PLAIN
};

/// Handles a Secret.
pub fn apply(g: &mut Gen<'_>, i: usize, t: &mut Tree) -> Option<String> {
    let o = &g.ctx.objects[i];
    let name = o.name.clone().unwrap_or_default();
    let slot = g.ctx.plans[i].slot.clone();
    let node = o.node.clone();
    g.values.describe(&slot, format!("The Secret `{name}`."));
    let existing = g.values.set(
        &join(&slot, &["existingSecret"]),
        Node::str(""),
        "Name of an existing Secret to use instead of creating one.",
        Hint::DnsName,
    );
    let b64 = base64::engine::general_purpose::STANDARD;
    let mut keys: Vec<String> = Vec::new();
    for field in ["data", "stringData"] {
        let Some(entries) = node.get(field).and_then(Node::as_map) else { continue };
        for (k, v) in entries {
            let Some(key) = k.as_str() else { continue };
            let Some(raw) = v.as_str() else { continue };
            let plain = if field == "data" {
                let compact: String = raw.split_whitespace().collect();
                match b64.decode(compact.as_bytes()).ok().and_then(|b| String::from_utf8(b).ok()) {
                    Some(p) if b64.encode(p.as_bytes()) == compact => p,
                    // Binary or non-canonical data stays as written.
                    _ => continue,
                }
            } else {
                raw.to_string()
            };
            let path = join(&slot, &[key]);
            if g.values.has(&path) {
                continue;
            }
            let default = match g.secrets {
                SecretsMode::Inline => plain,
                SecretsMode::Placeholder => String::new(),
            };
            let r = g.values.set(
                &path,
                Node::new(Value::Str(default)),
                format!("Value of `{key}` (plain text; the chart encodes it)."),
                Hint::Secret,
            );
            let expr = if field == "data" {
                format!("{{{{ {r} | b64enc | quote }}}}")
            } else {
                format!("{{{{ {r} | quote }}}}")
            };
            if let Some(ft) = t.get_mut(field) {
                ft.replace(key, Tree::Expr(expr));
            }
            keys.push(key.to_string());
        }
    }
    if g.secrets == SecretsMode::Placeholder && !keys.is_empty() {
        g.guards.push(crate::guard::Guard::SecretSource { slot: slot.clone(), keys: keys.clone() });
    }
    g.notes.secrets.push(crate::generate::SecretInfo { name, slot, keys });
    Some(format!("not {existing}"))
}
