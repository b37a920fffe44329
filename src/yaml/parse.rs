//! Builds [`Node`] trees from libyaml events, with YAML 1.1 typing and hard limits.
//!
//! libyaml-safer is a port of libyaml, as go-yaml (under `sigs.k8s.io/yaml`) is: it accepts
//! exactly what kubectl and Helm accept, including their leniencies (a closing quote or
//! bracket at the parent's indentation, for one), which stricter YAML 1.2 parsers reject.

use std::collections::HashMap;

use libyaml_safer::{EventData, Mark, Parser, ScalarStyle};

use super::scalar::format_float;
use super::{Node, Pos, Value, resolve_plain};

/// A YAML syntax error or a limit that the input exceeded, with its position.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{message}")]
pub struct YamlError {
    /// Where the problem is.
    pub pos: Pos,
    /// One sentence, lower case.
    pub message: String,
}

/// One document of a YAML stream.
#[derive(Debug, Clone)]
pub struct Document {
    /// The root node; `None` for an empty document.
    pub root: Option<Node>,
    /// The line where the document starts (its `---` or first content).
    pub line: u32,
    /// Keys written twice in one mapping, in source order: the last value is kept, as
    /// `sigs.k8s.io/yaml` keeps it, but strict decoders (`kubectl apply`) reject the document.
    pub duplicate_keys: Vec<DuplicateKey>,
}

/// A mapping key written twice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuplicateKey {
    /// The key.
    pub key: String,
    /// Where it is first written.
    pub first: Pos,
    /// Where it is written again.
    pub again: Pos,
}

/// Limits that keep hostile input (alias bombs, deep nesting) from hanging or crashing us.
#[derive(Debug, Clone, Copy)]
pub struct ParseLimits {
    /// Maximum nesting depth of collections.
    pub max_depth: usize,
    /// Maximum number of nodes aliases may copy in total across a stream.
    pub max_alias_nodes: usize,
    /// Maximum bytes (scalars and keys) aliases may copy in total across a stream.
    pub max_alias_bytes: usize,
    /// Maximum nodes written in the stream (alias copies are counted by their own budget).
    pub max_nodes: usize,
}

impl Default for ParseLimits {
    fn default() -> Self {
        ParseLimits {
            max_depth: crate::limits::MAX_NESTING,
            max_alias_nodes: crate::limits::MAX_ALIAS_NODES,
            max_alias_bytes: crate::limits::MAX_ALIAS_BYTES,
            max_nodes: crate::limits::MAX_YAML_NODES,
        }
    }
}

/// An anchored node, what copying it costs, and how deep it is.
struct Anchored {
    node: Node,
    nodes: usize,
    bytes: usize,
    height: usize,
}

fn pos_of(mark: Mark) -> Pos {
    Pos { line: to_u32(mark.line + 1), col: to_u32(mark.column + 1) }
}

fn to_u32(n: u64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

enum Frame {
    Seq {
        items: Vec<Node>,
        pos: Pos,
        anchor: Option<String>,
    },
    // `index` finds duplicate keys in O(1): a flat map with a million keys must not be quadratic.
    Map {
        entries: Vec<(Node, Node)>,
        index: HashMap<String, usize>,
        pending_key: Option<Node>,
        pos: Pos,
        anchor: Option<String>,
    },
}

/// Parses a whole stream with the default limits.
pub fn parse_stream(src: &str) -> Result<Vec<Document>, YamlError> {
    parse_stream_with(src, ParseLimits::default())
}

/// Parses a whole stream of documents.
pub fn parse_stream_with(src: &str, limits: ParseLimits) -> Result<Vec<Document>, YamlError> {
    // A parser bug must surface as bad input with a message, never as a crash.
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| build(src, limits))).unwrap_or_else(|_| {
        Err(YamlError { pos: Pos { line: 1, col: 1 }, message: "the YAML parser could not read this input".into() })
    })
}

fn build(src: &str, limits: ParseLimits) -> Result<Vec<Document>, YamlError> {
    // libyaml-safer 0.3 panics on a block scalar that runs into the end of input without a
    // line break; the break changes no position, and the one value it could change (a block
    // scalar ending there gains a final line break) is given back below.
    let owned;
    let (src, eof_line) = if src.ends_with('\n') {
        (src, None)
    } else {
        owned = format!("{src}\n");
        (owned.as_str(), Some(owned.bytes().filter(|b| *b == b'\n').count()))
    };
    let mut bytes = src.as_bytes();
    let mut parser = Parser::new();
    parser.set_input_string(&mut bytes);
    let mut b = Builder::new(limits);
    loop {
        let event = parser.parse().map_err(|e| {
            // Reader errors (a control character, bad UTF-8) carry no mark: find the spot.
            let pos = e.problem_mark().map_or_else(|| first_forbidden_char(src), pos_of);
            YamlError { pos, message: e.problem().to_string() }
        })?;
        let pos = pos_of(event.start_mark);
        let ends_at_eof = eof_line.is_some_and(|l| usize::try_from(event.end_mark.line).is_ok_and(|e| e >= l));
        let finished: Option<(Node, Option<String>)> = match event.data {
            EventData::StreamStart { .. } => None,
            EventData::StreamEnd => break,
            EventData::DocumentStart { .. } => {
                b.start_document(pos);
                None
            }
            EventData::DocumentEnd { .. } => {
                b.end_document();
                None
            }
            EventData::Alias { anchor } => Some((b.alias(&anchor, pos)?, None)),
            EventData::Scalar { anchor, tag, mut value, style, .. } => {
                // The input had no line break after this block scalar, so its value has none.
                if ends_at_eof && matches!(style, ScalarStyle::Literal | ScalarStyle::Folded) && value.ends_with('\n') {
                    value.pop();
                }
                Some((scalar_node(&value, style, tag.as_deref(), pos)?, anchor))
            }
            EventData::SequenceStart { anchor, .. } => {
                b.open(Frame::Seq { items: Vec::new(), pos, anchor }, pos)?;
                None
            }
            EventData::MappingStart { anchor, .. } => {
                let frame = Frame::Map { entries: Vec::new(), index: HashMap::new(), pending_key: None, pos, anchor };
                b.open(frame, pos)?;
                None
            }
            EventData::SequenceEnd => match b.stack.pop() {
                Some(Frame::Seq { items, pos, anchor }) => Some((Node { value: Value::Seq(items), pos }, anchor)),
                _ => return Err(YamlError { pos, message: "unbalanced sequence".into() }),
            },
            EventData::MappingEnd => match b.stack.pop() {
                Some(Frame::Map { entries, pos, anchor, .. }) => {
                    Some((Node { value: Value::Map(apply_merge_keys(entries)), pos }, anchor))
                }
                _ => return Err(YamlError { pos, message: "unbalanced mapping".into() }),
            },
        };
        if let Some((node, anchor)) = finished {
            b.nodes += 1;
            if b.nodes > limits.max_nodes {
                return Err(YamlError {
                    pos,
                    message: format!("input holds more than {} YAML nodes, the limit for one file", limits.max_nodes),
                });
            }
            if let Some(a) = anchor {
                b.anchor(a, &node)?;
            }
            b.attach(node);
        }
    }
    Ok(b.finish())
}

/// The tree being built from the parser's events, and what is left of the limits.
struct Builder {
    limits: ParseLimits,
    docs: Vec<Document>,
    /// Collections open around the current event.
    stack: Vec<Frame>,
    anchors: HashMap<String, Anchored>,
    /// What aliases may still copy, across the stream.
    alias_nodes: usize,
    alias_bytes: usize,
    /// Every anchor holds a copy of its node for later aliases; nested anchors copy the same
    /// nodes again and again, so the copies held in a document share the node budget's size.
    anchor_nodes: usize,
    doc_line: u32,
    /// Nodes finished so far in the stream.
    nodes: usize,
    root: Option<Node>,
    duplicates: Vec<DuplicateKey>,
}

impl Builder {
    fn new(limits: ParseLimits) -> Builder {
        Builder {
            limits,
            docs: Vec::new(),
            stack: Vec::new(),
            anchors: HashMap::new(),
            alias_nodes: limits.max_alias_nodes,
            alias_bytes: limits.max_alias_bytes,
            anchor_nodes: limits.max_alias_nodes,
            doc_line: 1,
            nodes: 0,
            root: None,
            duplicates: Vec::new(),
        }
    }

    fn start_document(&mut self, pos: Pos) {
        self.doc_line = pos.line.max(1);
        self.anchors.clear();
        self.anchor_nodes = self.limits.max_alias_nodes;
        self.root = None;
    }

    fn end_document(&mut self) {
        self.docs.push(Document {
            root: self.root.take(),
            line: self.doc_line,
            duplicate_keys: std::mem::take(&mut self.duplicates),
        });
    }

    /// The documents, the last one included when the stream did not end it.
    fn finish(mut self) -> Vec<Document> {
        if self.root.is_some() {
            self.docs.push(Document { root: self.root, line: self.doc_line, duplicate_keys: self.duplicates });
        }
        self.docs
    }

    /// Opens a collection at `pos`, unless that nests too deep.
    fn open(&mut self, frame: Frame, pos: Pos) -> Result<(), YamlError> {
        if self.stack.len() >= self.limits.max_depth {
            return Err(too_deep(pos, self.limits));
        }
        self.stack.push(frame);
        Ok(())
    }

    /// A copy of the node anchored as `anchor`, drawn from the alias budgets.
    fn alias(&mut self, anchor: &str, pos: Pos) -> Result<Node, YamlError> {
        let limits = self.limits;
        let a = self
            .anchors
            .get(anchor)
            .ok_or_else(|| YamlError { pos, message: format!("alias *{anchor} refers to an unknown anchor") })?;
        let over = if a.nodes > self.alias_nodes {
            Some((limits.max_alias_nodes, "nodes"))
        } else if a.bytes > self.alias_bytes {
            Some((limits.max_alias_bytes, "bytes"))
        } else {
            None
        };
        // A copy nests the anchored tree where the alias stands: chained anchors would
        // otherwise build trees thousands of levels deep from a shallow text.
        if self.stack.len() + a.height > limits.max_depth {
            return Err(too_deep(pos, limits));
        }
        if let Some((limit, unit)) = over {
            return Err(YamlError {
                pos,
                message: format!("aliases expand to more than {limit} {unit} (a YAML alias bomb?)"),
            });
        }
        self.alias_nodes -= a.nodes;
        self.alias_bytes -= a.bytes;
        let mut copy = a.node.clone();
        copy.pos = pos;
        Ok(copy)
    }

    /// Remembers `node` under `anchor` for later aliases.
    fn anchor(&mut self, anchor: String, node: &Node) -> Result<(), YamlError> {
        let (nodes, bytes, height) = measure(node);
        self.anchor_nodes = self.anchor_nodes.checked_sub(nodes).ok_or_else(|| YamlError {
            pos: node.pos,
            message: format!(
                "anchored values hold more than {} nodes in one document (nested anchors?)",
                self.limits.max_alias_nodes
            ),
        })?;
        self.anchors.insert(anchor, Anchored { node: node.clone(), nodes, bytes, height });
        Ok(())
    }

    /// Puts a finished node where it belongs: the document root, the open sequence, or the
    /// open mapping (as its next key, or as the value of the pending one).
    fn attach(&mut self, node: Node) {
        match self.stack.last_mut() {
            None => self.root = Some(node),
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map { entries, index, pending_key, .. }) => match pending_key.take() {
                None => *pending_key = Some(key_node(node)),
                Some(key) => {
                    // Duplicate keys: the last one wins, as in sigs.k8s.io/yaml.
                    let name = key.as_str().unwrap_or_default().to_string();
                    if let Some(&i) = index.get(&name) {
                        self.duplicates.push(DuplicateKey { key: name, first: entries[i].0.pos, again: key.pos });
                        entries[i] = (key, node);
                    } else {
                        index.insert(name, entries.len());
                        entries.push((key, node));
                    }
                }
            },
        }
    }
}

fn too_deep(pos: Pos, limits: ParseLimits) -> YamlError {
    YamlError { pos, message: format!("input is nested deeper than {} levels", limits.max_depth) }
}

/// Nodes, bytes (scalar and key text, at least one byte a node) and collection levels of a
/// tree.
fn measure(node: &Node) -> (usize, usize, usize) {
    let (mut nodes, mut bytes, mut height) = (0usize, 0usize, 0usize);
    let mut todo = vec![(node, 0usize)];
    while let Some((n, depth)) = todo.pop() {
        nodes += 1;
        bytes += 1;
        match &n.value {
            Value::Str(s) => bytes += s.len(),
            Value::Seq(items) => {
                height = height.max(depth + 1);
                todo.extend(items.iter().map(|i| (i, depth + 1)));
            }
            Value::Map(entries) => {
                height = height.max(depth + 1);
                for (k, v) in entries {
                    bytes += k.as_str().map_or(0, str::len);
                    todo.push((v, depth + 1));
                }
            }
            _ => {}
        }
    }
    (nodes, bytes, height)
}

/// The position of the first character libyaml's reader refuses (a control character).
fn first_forbidden_char(src: &str) -> Pos {
    let allowed = |c: char| {
        matches!(c, '\t' | '\n' | '\r' | '\u{85}' | '\x20'..='\x7e' | '\u{a0}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}')
            || c >= '\u{10000}'
    };
    let (mut line, mut col) = (1u32, 1u32);
    for c in src.chars() {
        if !allowed(c) {
            return Pos { line, col };
        }
        if c == '\n' {
            line = line.saturating_add(1);
            col = 1;
        } else {
            col = col.saturating_add(1);
        }
    }
    Pos { line: 1, col: 1 }
}

fn scalar_node(text: &str, style: ScalarStyle, tag: Option<&str>, pos: Pos) -> Result<Node, YamlError> {
    let value = match tag.and_then(|t| t.strip_prefix("tag:yaml.org,2002:")) {
        Some(suffix) => match suffix {
            "str" | "binary" | "timestamp" => Value::Str(text.to_string()),
            "null" => Value::Null,
            "bool" | "int" | "float" => match resolve_plain(text) {
                Value::Str(_) => {
                    return Err(YamlError { pos, message: format!("cannot read {text:?} as !!{suffix}") });
                }
                v => v,
            },
            _ => Value::Str(text.to_string()),
        },
        _ if style == ScalarStyle::Plain => resolve_plain(text),
        _ => Value::Str(text.to_string()),
    };
    Ok(Node { value, pos })
}

/// Map keys become strings the way sigs.k8s.io/yaml turns non-string keys into JSON keys.
fn key_node(node: Node) -> Node {
    let s = match &node.value {
        Value::Str(s) => return Node { value: Value::Str(s.clone()), pos: node.pos },
        Value::Null => "null".to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => format_float(*f),
        Value::Seq(_) | Value::Map(_) => format!("{:?}", node.to_json().to_string()),
    };
    Node { value: Value::Str(s), pos: node.pos }
}

/// YAML 1.1 merge keys (`<<: *base`): explicit keys win over merged ones, and among merged
/// maps the first to name a key wins. Linear in the number of keys (a set of names taken).
fn apply_merge_keys(entries: Vec<(Node, Node)>) -> Vec<(Node, Node)> {
    if !entries.iter().any(|(k, _)| k.as_str() == Some("<<")) {
        return entries;
    }
    let mut out: Vec<(Node, Node)> = Vec::new();
    let mut merged: Vec<(Node, Node)> = Vec::new();
    let mut taken: std::collections::HashSet<String> = std::collections::HashSet::new();
    for (k, v) in entries {
        if k.as_str() == Some("<<") {
            let sources: Vec<Node> = match v.value {
                Value::Map(_) => vec![v],
                Value::Seq(items) => items,
                _ => vec![],
            };
            for src in sources {
                if let Value::Map(m) = src.value {
                    for (mk, mv) in m {
                        if taken.insert(mk.as_str().unwrap_or_default().to_string()) {
                            merged.push((mk, mv));
                        }
                    }
                }
            }
        } else {
            out.push((k, v));
        }
    }
    let explicit: std::collections::HashSet<String> =
        out.iter().map(|(k, _)| k.as_str().unwrap_or_default().to_string()).collect();
    out.extend(merged.into_iter().filter(|(mk, _)| !explicit.contains(mk.as_str().unwrap_or_default())));
    out
}

#[cfg(test)]
mod tests {

    #[test]
    fn a_stream_of_more_nodes_than_the_limit_is_refused_where_it_crosses_it() {
        let limits = ParseLimits { max_nodes: 1000, ..ParseLimits::default() };
        let list = format!("a: [{}]\n", vec!["1"; 2000].join(","));
        let e = parse_stream_with(&list, limits).unwrap_err();
        assert!(e.message.contains("more than 1000 YAML nodes"), "{}", e.message);
        assert_eq!(e.pos.line, 1);
        assert!(parse_stream_with("a: [1, 2]\n", limits).is_ok());
    }
    use super::*;

    #[test]
    fn positions_are_one_based_lines_and_columns() {
        let docs = parse_stream("a: 1\nb:\n  c: yes\n").unwrap();
        let root = docs[0].root.as_ref().unwrap();
        let c = root.path(&["b", "c"]).unwrap();
        assert_eq!(c.pos, Pos { line: 3, col: 6 });
        assert_eq!(c.as_bool(), Some(true));
        let (key, _) = root.get_entry("b").unwrap();
        assert_eq!(key.pos, Pos { line: 2, col: 1 });
    }

    #[test]
    fn multi_document_streams_keep_empty_documents_and_start_lines() {
        let docs = parse_stream("---\na: 1\n---\n---\nb: 2\n").unwrap();
        assert_eq!(docs.len(), 3);
        assert!(docs[1].root.as_ref().is_none_or(Node::is_null));
        assert_eq!(docs[2].line, 4);
    }

    #[test]
    fn alias_bomb_is_refused_not_expanded() {
        let mut src = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        let mut prev = 'a';
        for name in 'b'..='k' {
            src.push_str(&format!("{name}: &{name} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
            prev = name;
        }
        let err = parse_stream(&src).unwrap_err();
        assert!(err.message.contains("alias bomb"), "{}", err.message);
    }

    #[test]
    fn deep_nesting_is_refused() {
        let src = "[".repeat(10_000);
        let err = parse_stream(&src).unwrap_err();
        assert!(err.message.contains("nested deeper"), "{}", err.message);
    }

    #[test]
    fn aliases_cannot_nest_past_the_depth_limit() {
        let mut src = format!("a0: &a0 {}1{}\n", "[".repeat(200), "]".repeat(200));
        src.push_str(&format!("a1: &a1 {}*a0{}\n", "[".repeat(100), "]".repeat(100)));
        let err = parse_stream(&src).unwrap_err();
        assert!(err.message.contains("nested deeper than 256"), "{}", err.message);
        assert_eq!(err.pos.line, 2);
        assert!(parse_stream(&format!("a0: &a0 {}1{}\nb: [[*a0]]\n", "[".repeat(200), "]".repeat(200))).is_ok());
    }

    #[test]
    fn syntax_errors_carry_a_position() {
        let err = parse_stream("a: 1\nb: [1, 2\n").unwrap_err();
        assert!(err.pos.line >= 2, "{err:?}");
    }

    #[test]
    fn quoted_scalars_stay_strings_and_merge_keys_merge() {
        let docs =
            parse_stream("base: &b {x: 1, z: 2}\nd:\n  <<: *b\n  z: 3\n  t: \"yes\"\n  num: !!str 12\n").unwrap();
        let d = docs[0].root.as_ref().unwrap().get("d").unwrap();
        assert_eq!(d.get("x").and_then(Node::as_i64), Some(1));
        assert_eq!(d.get("z").and_then(Node::as_i64), Some(3));
        assert_eq!(d.get("t").and_then(Node::as_str), Some("yes"));
        assert_eq!(d.get("num").and_then(Node::as_str), Some("12"));
    }

    #[test]
    fn duplicate_keys_keep_the_last_value_and_are_recorded_with_both_positions() {
        let docs = parse_stream("a: 1\nb:\n  c: 1\n  c: 2\n---\nx: 1\n").unwrap();
        let root = docs[0].root.as_ref().unwrap();
        assert_eq!(root.path(&["b", "c"]).and_then(Node::as_i64), Some(2));
        assert_eq!(
            docs[0].duplicate_keys,
            vec![DuplicateKey { key: "c".into(), first: Pos { line: 3, col: 3 }, again: Pos { line: 4, col: 3 } }]
        );
        assert!(docs[1].duplicate_keys.is_empty());
    }

    #[test]
    fn a_block_scalar_at_the_end_without_a_line_break_keeps_its_value() {
        let value = |src: &str| {
            let docs = parse_stream(src).unwrap();
            docs[0].root.as_ref().unwrap().get("a").and_then(Node::as_str).unwrap().to_string()
        };
        assert_eq!(value("a: |\n  x\n  y"), "x\ny");
        assert_eq!(value("a: |\n  x\n  y\n"), "x\ny\n");
        assert_eq!(value("a: >\n  x\n  y"), "x y");
        assert_eq!(value("a: |-\n  x"), "x");
        assert_eq!(value("a: |\n  x\nb: 1"), "x\n");
    }

    #[test]
    fn merged_maps_give_way_to_explicit_keys_and_the_first_source_wins() {
        let docs = parse_stream("a: &a {p: 1, q: 1}\nb: &b {q: 2, r: 2}\nm:\n  r: 3\n  <<: [*a, *b]\n").unwrap();
        let m = docs[0].root.as_ref().unwrap().get("m").unwrap();
        let got: Vec<(&str, i64)> =
            m.as_map().unwrap().iter().map(|(k, v)| (k.as_str().unwrap(), v.as_i64().unwrap())).collect();
        assert_eq!(got, vec![("r", 3), ("p", 1), ("q", 1)]);
    }

    #[test]
    fn alias_expansion_is_bounded_in_bytes() {
        let limits = ParseLimits { max_alias_bytes: 1000, ..ParseLimits::default() };
        let src = format!("s: &s {}\nl: [*s, *s, *s]\n", "x".repeat(400));
        let err = parse_stream_with(&src, limits).unwrap_err();
        assert_eq!(err.message, "aliases expand to more than 1000 bytes (a YAML alias bomb?)");
        assert_eq!(err.pos.line, 2);
        assert!(parse_stream_with(&format!("s: &s {}\nl: [*s, *s]\n", "x".repeat(400)), limits).is_ok());
    }

    #[test]
    fn nested_anchors_are_bounded_by_the_nodes_they_hold() {
        let limits = ParseLimits { max_alias_nodes: 1000, ..ParseLimits::default() };
        let nested = |n: usize| {
            let opens: String = (0..n).map(|i| format!("&a{i} [")).collect();
            format!("v: {opens}{}{}\n", vec!["x"; 100].join(", "), "]".repeat(n))
        };
        assert!(parse_stream_with(&nested(5), limits).is_ok());
        let err = parse_stream_with(&nested(20), limits).unwrap_err();
        assert!(err.message.contains("anchored values hold more than 1000 nodes"), "{}", err.message);
    }

    #[test]
    fn a_control_character_is_reported_where_it_is() {
        let err = parse_stream("a: 1\nbc: d\u{1}e\n").unwrap_err();
        assert_eq!((err.pos.line, err.pos.col), (2, 6), "{err:?}");
    }

    #[test]
    fn boolean_keys_become_strings_like_helm() {
        let docs = parse_stream("on: 1\ny: 2\n").unwrap();
        let root = docs[0].root.as_ref().unwrap();
        assert_eq!(root.as_map().unwrap().len(), 1);
        assert_eq!(root.get("true").and_then(Node::as_i64), Some(2));
    }
}
