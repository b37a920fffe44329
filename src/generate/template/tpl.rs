//! A template tree: a Kubernetes object in which some values are Go-template expressions,
//! written out as Helm template text with correct indentation.
//!
//! Handlers never build template text by string concatenation on marshalled YAML; they replace
//! nodes of this tree, and [`render`] writes it, escaping literal `{{` in the input.

use crate::yaml::{Node, Value, emit_key, escape_template};

/// A template tree: part of a Kubernetes object, each value a literal from the input or
/// Go-template text.
#[derive(Debug, Clone)]
pub enum Tree {
    /// A literal scalar from the input.
    Lit(Value),
    /// A mapping.
    Map(Vec<Entry>),
    /// A sequence.
    Seq(Vec<Tree>),
    /// Template text written right after `key: `, e.g. `{{ .Values.replicaCount }}`.
    Expr(String),
    /// A pipeline whose YAML form is the value: `{{- toYaml P | nindent N }}` below the key.
    ToYaml(String),
    /// Template lines among the items of a sequence, at the items' indentation (`{N}`), e.g.
    /// a user's extra items appended after the input's.
    Lines(Vec<String>),
    /// A sequence item rendered only when a condition holds (an item some environments lack).
    Cond(String, Box<Tree>),
}

/// An entry of a mapping in a template.
#[derive(Debug, Clone)]
pub enum Entry {
    /// `key: value`.
    Pair(String, Tree),
    /// Template lines at the mapping's indentation; `{N}` becomes that indentation.
    Lines(Vec<String>),
    /// Entries shown only when a condition holds.
    If(String, Vec<Entry>),
}

impl Tree {
    /// Converts an input node to a literal template tree.
    pub fn from_node(n: &Node) -> Tree {
        match &n.value {
            Value::Map(m) => Tree::Map(
                m.iter()
                    .map(|(k, v)| Entry::Pair(k.as_str().unwrap_or_default().to_string(), Tree::from_node(v)))
                    .collect(),
            ),
            Value::Seq(s) => Tree::Seq(s.iter().map(Tree::from_node).collect()),
            v => Tree::Lit(v.clone()),
        }
    }

    /// The value under a key of a mapping.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Tree> {
        match self {
            Tree::Map(entries) => entries.iter_mut().find_map(|e| match e {
                Entry::Pair(k, v) if k == key => Some(v),
                _ => None,
            }),
            _ => None,
        }
    }

    /// The value at a path of keys.
    pub fn path_mut(&mut self, keys: &[&str]) -> Option<&mut Tree> {
        keys.iter().try_fold(self, |t, k| t.get_mut(k))
    }

    /// The items of a sequence.
    pub fn items_mut(&mut self) -> Option<&mut Vec<Tree>> {
        match self {
            Tree::Seq(s) => Some(s),
            _ => None,
        }
    }

    /// The entries of a mapping.
    pub fn entries_mut(&mut self) -> Option<&mut Vec<Entry>> {
        match self {
            Tree::Map(m) => Some(m),
            _ => None,
        }
    }

    /// Replaces the value under `key`, if present. Returns whether it was.
    pub fn replace(&mut self, key: &str, value: Tree) -> bool {
        match self.get_mut(key) {
            Some(slot) => {
                *slot = value;
                true
            }
            None => false,
        }
    }

    /// Replaces the pair `key` with template lines at the same position (an optional field
    /// that renders only when its value is set).
    pub fn replace_entry(&mut self, key: &str, entry: Entry) -> bool {
        let Tree::Map(m) = self else { return false };
        match m.iter().position(|e| matches!(e, Entry::Pair(k, _) if k == key)) {
            Some(i) => {
                m[i] = entry;
                true
            }
            None => false,
        }
    }

    /// Sets `key`, replacing in place or appending.
    pub fn set(&mut self, key: &str, value: Tree) {
        if !self.replace(key, value.clone()) {
            if let Tree::Map(m) = self {
                m.push(Entry::Pair(key.to_string(), value));
            }
        }
    }

    /// Wraps the entry under `key` in a condition, in place.
    pub fn wrap_if(&mut self, key: &str, cond: &str) {
        if let Tree::Map(m) = self {
            if let Some(i) = m.iter().position(|e| matches!(e, Entry::Pair(k, _) if k == key)) {
                let e = m.remove(i);
                m.insert(i, Entry::If(cond.to_string(), vec![e]));
            }
        }
    }

    /// Appends entries to a mapping.
    pub fn push(&mut self, entry: Entry) {
        if let Tree::Map(m) = self {
            m.push(entry);
        }
    }

    /// Inserts an entry at the front of a mapping.
    pub fn push_front(&mut self, entry: Entry) {
        if let Tree::Map(m) = self {
            m.insert(0, entry);
        }
    }
}

/// `{{- with P }}` + `key:` + the value as YAML + `{{- end }}`: present only when P is set.
pub fn with_block(pipeline: &str, key: &str) -> Entry {
    Entry::Lines(vec![
        format!("{{{{- with {pipeline} }}}}"),
        format!("{}:", emit_key(key)),
        "  {{- toYaml . | nindent {N+2} }}".to_string(),
        "{{- end }}".to_string(),
    ])
}

/// The items of list P appended to a sequence: `{{- with P }}{{- toYaml . | nindent N }}`.
pub fn extra_items(pipeline: &str) -> Tree {
    Tree::Lines(vec![
        format!("{{{{- with {pipeline} }}}}"),
        "{{- toYaml . | nindent {N} }}".to_string(),
        "{{- end }}".to_string(),
    ])
}

/// `{{ P }}` for a value whose default is `input`: quoted when it is a string, so whatever the
/// string holds (quotes, newlines, `: `) it renders as one scalar.
pub fn scalar_expr(pipeline: &str, input: &Node) -> Tree {
    if matches!(input.value, Value::Str(_)) {
        Tree::Expr(format!("{{{{ {pipeline} | quote }}}}"))
    } else {
        Tree::Expr(format!("{{{{ {pipeline} }}}}"))
    }
}

/// `{{- with P }}` + `key: {{ . }}` + `{{- end }}` for optional scalars.
pub fn with_scalar(pipeline: &str, key: &str, quote: bool) -> Entry {
    let value = if quote { "{{ . | quote }}" } else { "{{ . }}" };
    Entry::Lines(vec![
        format!("{{{{- with {pipeline} }}}}"),
        format!("{}: {value}", emit_key(key)),
        "{{- end }}".to_string(),
    ])
}

/// Merges the YAML of P into the surrounding mapping: `{{- with P }}{{- toYaml . | nindent N }}`.
pub fn with_inline(pipeline: &str) -> Entry {
    Entry::Lines(vec![
        format!("{{{{- with {pipeline} }}}}"),
        "{{- toYaml . | nindent {N} }}".to_string(),
        "{{- end }}".to_string(),
    ])
}

/// `{{- include "…" . | nindent N }}`: a named template's mapping, inline.
pub fn include_lines(pipeline: &str) -> Entry {
    Entry::Lines(vec![format!("{{{{- {pipeline} | nindent {{N}} }}}}")])
}

/// A whole document: optional condition around it.
#[derive(Debug, Clone)]
pub struct Document {
    /// The object.
    pub body: Tree,
    /// Rendered only when this holds (e.g. `.Values.ingress.enabled`).
    pub condition: Option<String>,
}

/// Input text for the inside of a double-quoted YAML string in a template: YAML escapes, and
/// `{{` written so the template engine prints it instead of running it.
pub fn in_double_quotes(s: &str) -> String {
    let q = crate::yaml::quote_double(s);
    escape_template(&q[1..q.len() - 1])
}

/// Writes a document as Helm template text.
pub fn render(doc: &Document) -> String {
    let mut out = String::new();
    if let Some(c) = &doc.condition {
        out.push_str(&format!("{{{{- if {c} }}}}\n"));
    }
    match &doc.body {
        Tree::Map(entries) => emit_entries(&mut out, entries, 0, false),
        other => emit_value_after_key(&mut out, other, 0),
    }
    if doc.condition.is_some() {
        out.push_str("{{- end }}\n");
    }
    out
}

fn pad(out: &mut String, n: usize) {
    out.extend(std::iter::repeat_n(' ', n));
}

fn expand_indent(line: &str, indent: usize) -> String {
    line.replace("{N+2}", &(indent + 2).to_string()).replace("{N}", &indent.to_string())
}

/// Entries of a mapping at `indent`; `inline_first` when the first entry shares a `- ` line.
fn emit_entries(out: &mut String, entries: &[Entry], indent: usize, mut inline_first: bool) {
    for e in entries {
        match e {
            Entry::Pair(k, v) => {
                if !inline_first {
                    pad(out, indent);
                }
                inline_first = false;
                out.push_str(&escape_template(&emit_key(k)));
                out.push(':');
                emit_value_after_key(out, v, indent);
            }
            Entry::Lines(lines) => {
                if inline_first {
                    out.push('\n');
                    inline_first = false;
                }
                for l in lines {
                    pad(out, indent);
                    out.push_str(&expand_indent(l, indent));
                    out.push('\n');
                }
            }
            Entry::If(cond, body) => {
                if inline_first {
                    out.push('\n');
                    inline_first = false;
                }
                pad(out, indent);
                out.push_str(&format!("{{{{- if {cond} }}}}\n"));
                emit_entries(out, body, indent, false);
                pad(out, indent);
                out.push_str("{{- end }}\n");
            }
        }
    }
}

fn emit_value_after_key(out: &mut String, v: &Tree, indent: usize) {
    match v {
        Tree::Lit(value) => emit_literal(out, value, indent + 2),
        Tree::Expr(e) => {
            out.push(' ');
            out.push_str(e);
            out.push('\n');
        }
        Tree::Lines(lines) => {
            out.push('\n');
            for l in lines {
                pad(out, indent + 2);
                out.push_str(&expand_indent(l, indent + 2));
                out.push('\n');
            }
        }
        Tree::ToYaml(p) => {
            out.push('\n');
            pad(out, indent + 2);
            out.push_str(&format!("{{{{- toYaml {p} | nindent {} }}}}\n", indent + 2));
        }
        Tree::Map(m) if m.is_empty() => out.push_str(" {}\n"),
        Tree::Seq(s) if s.is_empty() => out.push_str(" []\n"),
        Tree::Map(m) => {
            out.push('\n');
            emit_entries(out, m, indent + 2, false);
        }
        Tree::Seq(s) => {
            out.push('\n');
            emit_items(out, s, indent + 2);
        }
        // Only sequence items are conditional; elsewhere the item stands alone.
        Tree::Cond(_, inner) => emit_value_after_key(out, inner, indent),
    }
}

fn emit_literal(out: &mut String, value: &Value, block_indent: usize) {
    crate::yaml::emit::emit_scalar_after_with(out, value, block_indent, escape_template);
}

fn emit_items(out: &mut String, items: &[Tree], indent: usize) {
    for item in items {
        if let Tree::Cond(cond, inner) = item {
            pad(out, indent);
            out.push_str(&format!("{{{{- if {cond} }}}}\n"));
            emit_items(out, std::slice::from_ref(inner), indent);
            pad(out, indent);
            out.push_str("{{- end }}\n");
            continue;
        }
        if let Tree::Lines(lines) = item {
            for l in lines {
                pad(out, indent);
                out.push_str(&expand_indent(l, indent));
                out.push('\n');
            }
            continue;
        }
        pad(out, indent);
        out.push('-');
        match item {
            Tree::Map(m) if !m.is_empty() => {
                out.push(' ');
                emit_entries(out, m, indent + 2, true);
            }
            Tree::Seq(s) if !s.is_empty() => {
                out.push('\n');
                emit_items(out, s, indent + 2);
            }
            other => emit_value_after_key(out, other, indent),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::parse_stream;

    fn doc(src: &str) -> Tree {
        Tree::from_node(&parse_stream(src).unwrap().remove(0).root.unwrap())
    }

    #[test]
    fn replacements_keep_key_order_and_indentation() {
        let mut t = doc(
            "kind: Deployment\nspec:\n  replicas: 3\n  template:\n    spec:\n      containers:\n      - name: app\n        resources: {limits: {cpu: 1}}\n",
        );
        t.path_mut(&["spec"]).unwrap().replace("replicas", Tree::Expr("{{ .Values.replicaCount }}".into()));
        t.path_mut(&["spec"]).unwrap().wrap_if("replicas", "not .Values.autoscaling.enabled");
        let c = &mut t.path_mut(&["spec", "template", "spec", "containers"]).unwrap().items_mut().unwrap()[0];
        c.replace("resources", Tree::ToYaml(".Values.resources".into()));
        let text = render(&Document { body: t, condition: None });
        assert_eq!(
            text,
            "kind: Deployment\nspec:\n  {{- if not .Values.autoscaling.enabled }}\n  replicas: {{ .Values.replicaCount }}\n  {{- end }}\n  template:\n    spec:\n      containers:\n        - name: app\n          resources:\n            {{- toYaml .Values.resources | nindent 12 }}\n"
        );
    }

    #[test]
    fn literal_template_delimiters_are_escaped() {
        let t = doc("data:\n  rule: \"{{ $labels.instance }} down\"\n  block: |\n    a {{ x }}\n    b\n");
        let text = render(&Document { body: t, condition: None });
        assert!(text.contains("rule: \"{{ \"{{\" }} $labels.instance }} down\""), "{text}");
        assert!(text.contains("    a {{ \"{{\" }} x }}\n"), "{text}");
    }

    #[test]
    fn with_blocks_expand_their_indentation() {
        let mut t = doc("spec:\n  a: 1\n");
        t.path_mut(&["spec"]).unwrap().push(with_block(".Values.nodeSelector", "nodeSelector"));
        let text = render(&Document { body: t, condition: Some(".Values.x".into()) });
        assert_eq!(
            text,
            "{{- if .Values.x }}\nspec:\n  a: 1\n  {{- with .Values.nodeSelector }}\n  nodeSelector:\n    {{- toYaml . | nindent 4 }}\n  {{- end }}\n{{- end }}\n"
        );
    }
}
