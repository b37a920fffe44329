//! Writes YAML that reads back, under YAML 1.1, as exactly the value written.

use std::fmt::Write as _;

use super::scalar::format_float;
use super::{Node, Value, resolve_plain};

/// How a scalar is written: on the key's line, or as a literal block below it.
#[derive(Debug, Clone, PartialEq)]
pub enum ScalarText {
    /// Text that goes right after `key: `.
    Inline(String),
    /// A literal block: the header and the content lines, unindented.
    Block {
        /// `|`, `|-` or `|+`.
        header: String,
        /// Content lines without indentation.
        lines: Vec<String>,
    },
}

/// True when a string cannot be written plain without changing its type or meaning.
pub fn needs_quotes(s: &str) -> bool {
    if s.is_empty() || s != s.trim() || s.starts_with("<<") {
        return true;
    }
    if !matches!(resolve_plain(s), Value::Str(_)) {
        return true;
    }
    let first = s.chars().next().unwrap_or(' ');
    if "-?:,[]{}#&*!|>'\"%@`".contains(first) {
        return true;
    }
    if s.contains(": ") || s.contains(" #") || s.ends_with(':') || s.contains("{{") {
        return true;
    }
    s.chars().any(|c| c.is_control() || c == '\u{feff}' || c == '\u{85}' || c == '\u{2028}' || c == '\u{2029}')
}

/// A double-quoted YAML string with every special character escaped.
pub fn quote_double(s: &str) -> String {
    quote_escaped(s, "\\0")
}

/// A Go string literal (what the template parser reads inside an action) holding exactly `s`:
/// the YAML escapes Go also reads, NUL written `\u0000` (Go has no `\0`).
pub fn quote_go(s: &str) -> String {
    quote_escaped(s, "\\u0000")
}

fn quote_escaped(s: &str, nul: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\0' => out.push_str(nul),
            c if c.is_control() || matches!(c, '\u{feff}' | '\u{85}' | '\u{2028}' | '\u{2029}') => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A scalar on one line.
pub fn emit_scalar_inline(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => format_float(*f),
        Value::Str(s) if needs_quotes(s) => quote_double(s),
        Value::Str(s) => s.clone(),
        Value::Seq(s) if s.is_empty() => "[]".into(),
        Value::Map(m) if m.is_empty() => "{}".into(),
        Value::Seq(_) | Value::Map(_) => unreachable!("collections are not scalars"),
    }
}

/// A scalar, as a literal block when it is a readable multi-line string.
pub fn format_scalar(v: &Value) -> ScalarText {
    if let Value::Str(s) = v {
        if let Some(block) = literal_block(s) {
            return block;
        }
    }
    ScalarText::Inline(emit_scalar_inline(v))
}

fn literal_block(s: &str) -> Option<ScalarText> {
    let body = s.trim_end_matches('\n');
    if !s.contains('\n') || body.is_empty() {
        return None;
    }
    // Characters a literal block cannot carry, and lines that Helm's manifest splitter or a
    // YAML reader would take for document markers.
    // U+2028, U+2029 and NEL are line breaks to a YAML 1.1 reader (go-yaml's, Helm's).
    if s.chars()
        .any(|c| (c.is_control() && c != '\n' && c != '\t') || matches!(c, '\u{feff}' | '\u{2028}' | '\u{2029}'))
    {
        return None;
    }
    // Trailing blanks on a line, and kept trailing line breaks (`|+`), are whitespace that a
    // template's `{{-` right after the block would trim away: such a string is quoted instead.
    if body.split('\n').any(|l| l.ends_with([' ', '\t'])) {
        return None;
    }
    let trailing = s.len() - body.len();
    if trailing > 1 {
        return None;
    }
    let chomp = match trailing {
        0 => "-",
        1 => "",
        _ => "+",
    };
    // A first line that starts with blanks would need an indentation indicator; quoting is
    // clearer than that.
    if body.starts_with([' ', '\t']) {
        return None;
    }
    let mut lines: Vec<String> = body.split('\n').map(str::to_string).collect();
    for _ in 1..trailing {
        lines.push(String::new());
    }
    Some(ScalarText::Block { header: format!("|{chomp}"), lines })
}

/// Escapes Go-template delimiters so that Helm renders the text back unchanged.
pub fn escape_template(s: &str) -> String {
    if s.contains("{{") { s.replace("{{", "{{ \"{{\" }}") } else { s.to_string() }
}

/// A whole document in block style, two-space indentation, sequences indented under keys.
pub fn emit_document(node: &Node) -> String {
    let mut out = String::new();
    match &node.value {
        Value::Map(m) if !m.is_empty() => emit_map(&mut out, m, 0),
        Value::Seq(s) if !s.is_empty() => emit_seq(&mut out, s, 0),
        v => {
            out.push_str(&emit_scalar_inline(v));
            out.push('\n');
        }
    }
    out
}

/// A mapping key, quoted when needed.
pub fn emit_key(k: &str) -> String {
    if needs_quotes(k) { quote_double(k) } else { k.to_string() }
}

fn pad(out: &mut String, n: usize) {
    out.extend(std::iter::repeat_n(' ', n));
}

fn emit_map(out: &mut String, m: &[(Node, Node)], indent: usize) {
    for (i, (k, v)) in m.iter().enumerate() {
        // The first entry of a sequence item shares the `- ` line.
        if i > 0 || !out.ends_with("- ") {
            pad(out, indent);
        }
        out.push_str(&emit_key(k.as_str().unwrap_or_default()));
        out.push(':');
        emit_value_after_key(out, v, indent);
    }
}

fn emit_value_after_key(out: &mut String, v: &Node, indent: usize) {
    match &v.value {
        Value::Map(m) if !m.is_empty() => {
            out.push('\n');
            emit_map(out, m, indent + 2);
        }
        Value::Seq(s) if !s.is_empty() => {
            out.push('\n');
            emit_seq(out, s, indent + 2);
        }
        v => emit_scalar_after(out, v, indent + 2),
    }
}

/// Writes ` value\n` or ` |\n  lines\n` for a scalar whose block lines sit at `block_indent`.
pub fn emit_scalar_after(out: &mut String, v: &Value, block_indent: usize) {
    emit_scalar_after_with(out, v, block_indent, |s| s.to_string());
}

/// [`emit_scalar_after`] with each piece of scalar text passed through `text` (a template
/// escapes `{{` in literals this way).
pub fn emit_scalar_after_with(out: &mut String, v: &Value, block_indent: usize, text: impl Fn(&str) -> String) {
    match format_scalar(v) {
        ScalarText::Inline(s) => {
            out.push(' ');
            out.push_str(&text(&s));
            out.push('\n');
        }
        ScalarText::Block { header, lines } => {
            out.push(' ');
            out.push_str(&header);
            out.push('\n');
            for l in lines {
                if !l.is_empty() {
                    pad(out, block_indent);
                    out.push_str(&text(&l));
                }
                out.push('\n');
            }
        }
    }
}

fn emit_seq(out: &mut String, s: &[Node], indent: usize) {
    for item in s {
        pad(out, indent);
        out.push('-');
        match &item.value {
            Value::Map(m) if !m.is_empty() => {
                out.push(' ');
                emit_map(out, m, indent + 2);
            }
            Value::Seq(inner) if !inner.is_empty() => {
                out.push('\n');
                emit_seq(out, inner, indent + 2);
            }
            v => emit_scalar_after(out, v, indent + 2),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::parse_stream;

    fn round_trip(src: &str) {
        let doc = parse_stream(src).unwrap().remove(0).root.unwrap();
        let text = emit_document(&doc);
        let again = parse_stream(&text).unwrap().remove(0).root.unwrap();
        assert_eq!(doc, again, "emitted:\n{text}");
    }

    #[test]
    fn strings_that_yaml_1_1_would_retype_are_quoted() {
        for s in ["yes", "on", "0755", "1.20", "null", "", " lead", "a: b", "#x", "1e3", "true", "-1"] {
            assert!(needs_quotes(s), "{s:?} must be quoted");
        }
        for s in ["nginx", "ghcr.io/acme/api", "v1.2.3", "1.2.3", "a-b_c", "http://x/y"] {
            assert!(!needs_quotes(s), "{s:?} can stay plain");
        }
    }

    #[test]
    fn emitted_documents_read_back_identically() {
        round_trip(
            "a: \"yes\"\nb: [1, 2.5, \"0755\"]\nc:\n  d: {}\n  e: []\n  f: \"multi\\nline\\n\"\n  g: \"x\\n\\n\"\n  h: \"  indented\\nnext\"\n",
        );
        round_trip("- - a\n  - b\n- {k: v}\n- \"tab\\there\"\n- \"nl at end\\n\"\n- \"no nl\\nend\"\n");
        round_trip("k: \"\\u0001ctl\"\nq: 'it''s'\nbom: \"\\uFEFFx\"\n");
    }

    #[test]
    fn template_delimiters_are_escaped_for_helm() {
        assert_eq!(escape_template("a {{ b }} c"), "a {{ \"{{\" }} b }} c");
        assert_eq!(escape_template("plain"), "plain");
    }
}
