//! `label-invalid`

use crate::diag::Severity;
use crate::yaml::Value;

use super::{Category, Ctx, Out, Rule};
use crate::lint::context::Field;

/// See [`Rule`].
pub static RULE: Rule = Rule {
    id: "label-invalid",
    category: Category::Wiring,
    severity: Severity::Error,
    summary: "A label key or value is one the API server rejects.",
    what: "A key or value of `metadata.labels` (the object's or its pod template's) or of a selector's `matchLabels` is not a valid label: values are at most 63 characters of letters, digits, `-`, `_` and `.`, starting and ending with a letter or digit (or empty), and must be strings; keys are an optional DNS-subdomain prefix and `/`, then a name of the same form as a value (not empty).",
    why: "The API server rejects the whole object. Unquoted template output is the usual cause: `version: {{ .Chart.AppVersion }}` renders `version: 1.10`, a number that cannot be a label, and `1.0.0+build.5` contains a `+`.",
    fix: "Quote label values (`{{ .Chart.AppVersion | quote }}`) and keep them to letters, digits, '-', '_' and '.' (at most 63 characters).",
    example: super::example!("label-invalid"),
    check,
};

fn valid_name(s: &str) -> bool {
    s.len() <= 63
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.')
        && s.bytes().next().is_none_or(|b| b.is_ascii_alphanumeric())
        && s.bytes().last().is_none_or(|b| b.is_ascii_alphanumeric())
}

fn valid_key(k: &str) -> bool {
    let (prefix, name) = match k.rsplit_once('/') {
        Some((p, n)) => (Some(p), n),
        None => (None, k),
    };
    let prefix_ok = prefix.is_none_or(|p| {
        !p.is_empty()
            && p.len() <= 253
            && p.split('.').all(|part| {
                !part.is_empty()
                    && part.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                    && !part.starts_with('-')
                    && !part.ends_with('-')
            })
    });
    prefix_ok && !name.is_empty() && valid_name(name)
}

fn check(cx: &Ctx<'_>, out: &mut Out<'_>) {
    for (i, o) in cx.objects.iter().enumerate() {
        let root = Field::root(&o.node);
        let mut maps: Vec<Field<'_>> = root.path(&["metadata", "labels"]).into_iter().collect();
        if let Some(kind) = crate::kube::WorkloadKind::of(&o.kind) {
            let template = root.path(kind.pod_template_path());
            maps.extend(template.as_ref().and_then(|t| t.path(&["metadata", "labels"])));
            maps.extend(root.path(&["spec", "selector", "matchLabels"]));
        }
        for map in maps {
            let Some(entries) = map.node.as_map() else { continue };
            for (k, v) in entries {
                let key = k.as_str().unwrap_or_default();
                let Some(field) = map.get(key) else { continue };
                if !valid_key(key) {
                    out.report(cx, i, &field, format!("label key {key:?} is not a valid label key"), RULE.fix);
                    continue;
                }
                let value = Field { node: v, pos: v.pos, ptr: field.ptr.clone() };
                match &v.value {
                    Value::Str(s) if !valid_name(s) => out.report(
                        cx,
                        i,
                        &value,
                        format!("label {key}: value {s:?} is not a valid label value"),
                        RULE.fix,
                    ),
                    Value::Str(_) | Value::Null => {}
                    _ => {
                        let shown = crate::yaml::scalar_string(v).unwrap_or_else(|| "a collection".into());
                        out.report(
                            cx,
                            i,
                            &value,
                            format!("label {key}: value {shown} is not a string, so the API server cannot decode it"),
                            RULE.fix,
                        );
                    }
                }
            }
        }
    }
}
