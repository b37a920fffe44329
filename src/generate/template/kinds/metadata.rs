//! Metadata every chart-owned object gets: a chart-relative name, the release namespace, and
//! the standard labels.

use crate::yaml::Node;

use super::Gen;
use crate::generate::template::tpl::{Entry, Tree, include_lines, with_inline};

/// `.Values` reference of the labels added to every object (and pod template).
pub const COMMON_LABELS: &str = ".Values.commonLabels";
/// `.Values` reference of the annotations added to every object.
pub const COMMON_ANNOTATIONS: &str = ".Values.commonAnnotations";

/// One map of the user maps `refs` (the first one's keys win), so they never repeat a key;
/// a map deleted with `null` counts as empty.
pub fn merged_maps(refs: &[String]) -> String {
    match refs {
        [one] => one.clone(),
        _ => {
            let maps: Vec<String> = refs.iter().map(|r| format!("(default (dict) {r})")).collect();
            format!("merge (dict) {}", maps.join(" "))
        }
    }
}

/// Adds the user maps `refs` to the metadata map `key` (labels, annotations) of `meta`: merged
/// into the input's entries when it has some, else rendered only when one of them is set, so
/// that at their defaults nothing changes. Never used on selectors.
pub fn add_user_maps(meta: &mut Tree, key: &str, refs: &[String]) {
    if refs.is_empty() {
        return;
    }
    let merged = merged_maps(refs);
    match meta.get_mut(key) {
        Some(Tree::Map(m)) if !m.is_empty() => m.push(with_inline(&merged)),
        existing => {
            // An input's explicit `{}` stays `{}` when no user map is set.
            let explicit_empty = existing.is_some();
            let mut lines = vec![
                format!("{{{{- with {merged} }}}}"),
                format!("{key}:"),
                "  {{- toYaml . | nindent {N+2} }}".to_string(),
            ];
            if explicit_empty {
                lines.push("{{- else }}".into());
                lines.push(format!("{key}: {{}}"));
            }
            lines.push("{{- end }}".into());
            if let Tree::Map(m) = meta {
                match m.iter().position(|e| matches!(e, Entry::Pair(k, _) if k == key)) {
                    Some(i) => m[i] = Entry::Lines(lines),
                    None => m.push(Entry::Lines(lines)),
                }
            }
        }
    }
}

/// The keys of the standard labels (no user label map may repeat them).
pub const STANDARD_LABEL_KEYS: [&str; 5] = [
    "helm.sh/chart",
    "app.kubernetes.io/name",
    "app.kubernetes.io/instance",
    "app.kubernetes.io/version",
    "app.kubernetes.io/managed-by",
];

/// The standard labels and the helper expression for each.
fn standard_labels(chart: &str, version: &str) -> [(&'static str, String); 5] {
    [
        ("helm.sh/chart", format!("{{{{ include \"{chart}.chart\" . }}}}")),
        ("app.kubernetes.io/name", format!("{{{{ include \"{chart}.name\" . }}}}")),
        ("app.kubernetes.io/instance", "{{ .Release.Name }}".to_string()),
        ("app.kubernetes.io/version", format!("{{{{ {version} | quote }}}}")),
        ("app.kubernetes.io/managed-by", "{{ .Release.Service }}".to_string()),
    ]
}

/// Label entries for the standard labels: one `include` when the object sets none of them
/// itself, otherwise only the ones it does not set (its own values win, so selectors that
/// use them keep matching).
pub fn standard_label_entries(g: &Gen<'_>, own: Option<&Node>) -> Vec<Entry> {
    let chart = &g.ctx.chart;
    let all = standard_labels(chart, &g.ctx.version_label);
    let clashes = |k: &str| own.is_some_and(|o| o.get(k).is_some());
    if !all.iter().any(|(k, _)| clashes(k)) {
        return vec![include_lines(&format!("include \"{chart}.labels\" ."))];
    }
    let mut entries = Vec::new();
    for (k, expr) in all {
        if clashes(k) {
            continue;
        }
        let e = Entry::Pair(k.to_string(), Tree::Expr(expr));
        if k == "app.kubernetes.io/version" {
            entries.push(Entry::If(g.ctx.version_label.clone(), vec![e]));
        } else {
            entries.push(e);
        }
    }
    entries
}

/// Rewrites `metadata.name`, `metadata.namespace` and `metadata.labels` of object `i`.
pub fn object_metadata(g: &mut Gen<'_>, i: usize, t: &mut Tree) {
    let o = &g.ctx.objects[i];
    let namespaced = g.ctx.is_namespaced(o);
    let in_main = o.namespace.is_none() || o.namespace == g.ctx.main_namespace;
    if t.get_mut("metadata").is_none() {
        t.set("metadata", Tree::Map(Vec::new()));
    }
    let own_labels = o.node.path(&["metadata", "labels"]);
    // A bare Pod's labels were written as a pod template's (standard and common ones included).
    let is_pod = o.kind == "Pod";
    let mut labels = if is_pod { Vec::new() } else { standard_label_entries(g, own_labels) };
    let name = o.name.as_ref().and_then(|n| g.ctx.name_of(&o.kind, n)).map(|e| e.tree(&g.ctx.chart));
    let Some(meta) = t.get_mut("metadata") else { return };
    // Annotations that stay in the template (cert-manager.io/inject-ca-from: ns/name...).
    let mut annotations = meta.get_mut("annotations").cloned();
    if let Some(Tree::Map(entries)) = &mut annotations {
        for e in entries.iter_mut() {
            if let Entry::Pair(_, v) = e {
                super::follow_refs_in(g, v, crate::generate::analyze::refs::Site::Text);
            }
        }
    }
    let Some(meta) = t.get_mut("metadata") else { return };
    if let Some(a) = annotations {
        meta.replace("annotations", a);
    }
    if let Some(name) = name {
        meta.replace("name", name);
    }
    if namespaced && in_main {
        meta.set("namespace", Tree::Expr(crate::generate::analyze::names::release_namespace(&g.ctx.chart)));
    }
    if let Some(Tree::Map(existing)) = meta.get_mut("labels").cloned() {
        labels.extend(existing);
    }
    meta.set("labels", Tree::Map(labels));
    let extra = std::mem::take(&mut g.extra_metadata);
    let refs = |key: &str, common: &str| -> Vec<String> {
        extra.iter().filter(|(k, _)| k == key).map(|(_, r)| r.clone()).chain([common.to_string()]).collect()
    };
    if !is_pod {
        add_user_maps(meta, "labels", &refs("labels", COMMON_LABELS));
    }
    add_user_maps(meta, "annotations", &refs("annotations", COMMON_ANNOTATIONS));
    if let Tree::Map(entries) = meta {
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
        Entry::Lines(lines) if lines.iter().any(|l| l.starts_with("labels:")) => 2,
        _ => 4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate::template::tpl::{Document, render};

    fn meta(src: &str) -> Tree {
        Tree::from_node(&crate::yaml::parse_stream(src).unwrap().remove(0).root.unwrap())
    }

    #[test]
    fn user_maps_merge_into_the_inputs_entries_or_render_only_when_set() {
        let refs = [".Values.a".to_string(), COMMON_ANNOTATIONS.to_string()];
        let mut own = meta("annotations:\n  team: x\n");
        add_user_maps(&mut own, "annotations", &refs);
        let text = render(&Document { body: own, condition: None });
        let merged = "merge (dict) (default (dict) .Values.a) (default (dict) .Values.commonAnnotations)";
        assert!(text.contains(&format!("  team: x\n  {{{{- with {merged} }}}}\n")), "{text}");
        let mut none = meta("name: x\n");
        add_user_maps(&mut none, "annotations", &refs);
        let text = render(&Document { body: none, condition: None });
        assert!(text.contains(&format!("{{{{- with {merged} }}}}\nannotations:\n")), "{text}");
        assert!(!text.contains("else"), "{text}");
    }

    #[test]
    fn an_inputs_explicit_empty_map_stays_empty_until_a_user_map_is_set() {
        let mut m = meta("annotations: {}\n");
        add_user_maps(&mut m, "annotations", &[COMMON_ANNOTATIONS.to_string()]);
        let text = render(&Document { body: m, condition: None });
        assert_eq!(
            text,
            "{{- with .Values.commonAnnotations }}\nannotations:\n  {{- toYaml . | nindent 2 }}\n{{- else }}\nannotations: {}\n{{- end }}\n"
        );
    }
}
