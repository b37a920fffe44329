//! Metadata every chart-owned object gets: a chart-relative name, the release namespace, and
//! the standard labels.

use crate::yaml::Node;

use super::super::tpl::{Entry, T, include_lines};
use super::Gen;

/// The standard labels and the helper expression for each.
fn standard_labels(chart: &str) -> [(&'static str, String); 5] {
    [
        ("helm.sh/chart", format!("{{{{ include \"{chart}.chart\" . }}}}")),
        ("app.kubernetes.io/name", format!("{{{{ include \"{chart}.name\" . }}}}")),
        ("app.kubernetes.io/instance", "{{ .Release.Name }}".to_string()),
        ("app.kubernetes.io/version", "{{ .Chart.AppVersion | quote }}".to_string()),
        ("app.kubernetes.io/managed-by", "{{ .Release.Service }}".to_string()),
    ]
}

/// Label entries for the standard labels: one `include` when the object sets none of them
/// itself, otherwise only the ones it does not set (its own values win, so selectors that
/// use them keep matching).
pub fn standard_label_entries(g: &Gen<'_>, own: Option<&Node>) -> Vec<Entry> {
    let chart = &g.ctx.chart;
    let all = standard_labels(chart);
    let clashes = |k: &str| own.is_some_and(|o| o.get(k).is_some());
    if !all.iter().any(|(k, _)| clashes(k)) {
        return vec![include_lines(&format!("include \"{chart}.labels\" ."))];
    }
    let mut entries = Vec::new();
    for (k, expr) in all {
        if clashes(k) {
            continue;
        }
        let e = Entry::Pair(k.to_string(), T::Expr(expr));
        if k == "app.kubernetes.io/version" {
            entries.push(Entry::If(".Chart.AppVersion".into(), vec![e]));
        } else {
            entries.push(e);
        }
    }
    entries
}

/// Rewrites `metadata.name`, `metadata.namespace` and `metadata.labels` of object `i`.
pub fn object_metadata(g: &mut Gen<'_>, i: usize, t: &mut T) {
    let o = &g.ctx.objects[i];
    let namespaced = g.ctx.is_namespaced(o);
    let in_main = o.namespace.is_none() || o.namespace == g.ctx.main_namespace;
    if t.get_mut("metadata").is_none() {
        t.set("metadata", T::Map(Vec::new()));
    }
    let own_labels = o.node.path(&["metadata", "labels"]);
    let mut labels = standard_label_entries(g, own_labels);
    let name = o.name.as_ref().and_then(|n| g.ctx.name_of(&o.kind, n)).map(|e| e.tpl(&g.ctx.chart));
    let Some(meta) = t.get_mut("metadata") else { return };
    // Annotations that stay in the template (cert-manager.io/inject-ca-from: ns/name...).
    let mut annotations = meta.get_mut("annotations").cloned();
    if let Some(T::Map(entries)) = &mut annotations {
        for e in entries.iter_mut() {
            if let Entry::Pair(_, v) = e {
                super::follow_refs_in(g, v, super::super::refs::Site::Text);
            }
        }
    }
    let Some(meta) = t.get_mut("metadata") else { return };
    if let Some(a) = annotations {
        meta.replace("annotations", a);
    }
    if let Some(name) = name {
        meta.replace("name", if name.contains("{{") { T::Expr(name) } else { T::Lit(crate::yaml::Value::Str(name)) });
    }
    if namespaced && in_main {
        meta.set("namespace", T::Expr("{{ .Release.Namespace }}".into()));
    }
    if let Some(T::Map(existing)) = meta.get_mut("labels").cloned() {
        labels.extend(existing);
    }
    meta.set("labels", T::Map(labels));
    if let T::Map(entries) = meta {
        entries.sort_by_key(metadata_rank);
    }
}

/// The order people write metadata in: name, namespace, labels, annotations, the rest.
fn metadata_rank(e: &Entry) -> u8 {
    match e {
        Entry::Pair(k, _) => match k.as_str() {
            "name" | "generateName" => 0,
            "namespace" => 1,
            "labels" => 2,
            "annotations" => 3,
            _ => 4,
        },
        Entry::Lines(lines) if lines.iter().any(|l| l.starts_with("annotations:")) => 3,
        _ => 4,
    }
}
