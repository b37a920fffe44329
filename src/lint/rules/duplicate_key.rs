//! `duplicate-key`

use crate::diag::Severity;
use crate::yaml::{Node, Pos, Value};

use super::{Category, Ctx, Out, Rule};

/// See [`Rule`].
pub static RULE: Rule = Rule {
    id: "duplicate-key",
    category: Category::Duplicates,
    severity: Severity::Error,
    summary: "A mapping inside an object has the same key twice.",
    what: "One YAML mapping of an object writes the same key twice (for example two `resources:` under one container).",
    why: "Kubernetes' strict decoding rejects the document (`kubectl apply` fails with `key already set in map`), while lenient readers such as Helm keep the last value and drop the first without a word, so the object that runs is not the one that was reviewed.",
    fix: "Merge the two entries into one key.",
    example: super::example!("duplicate-key"),
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Out<'_>) {
    for (i, o) in cx.objects.iter().enumerate() {
        for dup in &o.duplicate_keys {
            let ptr = pointer_at(&o.node, dup.again, "").unwrap_or_default();
            out.report_at(
                cx,
                i,
                dup.again,
                if ptr.is_empty() { "/" } else { &ptr },
                format!(
                    "key {} is written twice in one mapping (first at line {}); only this later value is kept",
                    dup.key, dup.first.line
                ),
                RULE.fix,
            );
        }
    }
}

/// The JSON pointer of the mapping entry whose key starts at `pos`.
fn pointer_at(node: &Node, pos: Pos, prefix: &str) -> Option<String> {
    match &node.value {
        Value::Map(entries) => entries.iter().find_map(|(k, v)| {
            let key = crate::pointer::escape(k.as_str().unwrap_or_default());
            let here = format!("{prefix}/{key}");
            if k.pos == pos { Some(here) } else { pointer_at(v, pos, &here) }
        }),
        Value::Seq(items) => items.iter().enumerate().find_map(|(i, v)| pointer_at(v, pos, &format!("{prefix}/{i}"))),
        _ => None,
    }
}
