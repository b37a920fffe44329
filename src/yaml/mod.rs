//! A YAML tree that remembers where every node came from.
//!
//! Kubernetes tooling and Helm read YAML through `sigs.k8s.io/yaml`, which follows YAML 1.1
//! (`yes`/`on` are booleans, `0755` is octal). The tree here is typed the same way so that
//! what chartwright sees is what `kubectl` and `helm` see, and every node carries its source
//! position for `file:line:col` diagnostics.

use std::collections::HashMap;

pub mod emit;
mod parse;
mod scalar;

pub use emit::{emit_document, emit_key, emit_scalar_inline, escape_template, needs_quotes, quote_double};
pub use parse::{Document, DuplicateKey, ParseLimits, YamlError, parse_stream, parse_stream_with};
pub use scalar::{format_float, resolve_plain, scalar_string};

/// A 1-based line and column in a source text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Hash)]
pub struct Pos {
    /// 1-based line.
    pub line: u32,
    /// 1-based column, in characters.
    pub col: u32,
}

/// A YAML node: a value and the position where it starts.
#[derive(Debug, Clone)]
pub struct Node {
    /// The typed value.
    pub value: Value,
    /// Where the node starts in its source.
    pub pos: Pos,
}

/// A typed YAML value (YAML 1.1 resolution, as `sigs.k8s.io/yaml` does it).
#[derive(Debug, Clone)]
pub enum Value {
    /// `null`, `~` or an empty value.
    Null,
    /// `true`, `yes`, `on`, ...
    Bool(bool),
    /// An integer that fits in 64 bits.
    Int(i64),
    /// Any other number.
    Float(f64),
    /// A string.
    Str(String),
    /// A sequence.
    Seq(Vec<Node>),
    /// A mapping in source order; keys are always strings.
    Map(Vec<(Node, Node)>),
}

/// Entries up to which a map is searched by a scan rather than through an index.
const SMALL_MAP: usize = 8;

/// Each key's first entry in a mapping, as [`Node::get`] finds it: for lookups of many keys in
/// one large map (thousands of objects under one values key) in linear time.
pub fn key_index(m: &[(Node, Node)]) -> HashMap<Option<&str>, usize> {
    let mut index = HashMap::with_capacity(m.len());
    for (i, (k, _)) in m.iter().enumerate() {
        index.entry(k.as_str()).or_insert(i);
    }
    index
}

/// A mapping being built or edited key by key, with [`Node::set`]'s semantics (a key already
/// there keeps its place) but an index, so setting n keys takes linear time.
#[derive(Debug, Clone, Default)]
pub struct MapBuilder {
    pos: Pos,
    entries: Vec<(Node, Node)>,
    index: HashMap<String, usize>,
}

impl MapBuilder {
    /// Starts from a mapping's entries (empty for anything else).
    pub fn from_node(n: &Node) -> MapBuilder {
        let entries = n.as_map().cloned().unwrap_or_default();
        let mut index = HashMap::with_capacity(entries.len());
        for (i, (k, _)) in entries.iter().enumerate() {
            if let Some(k) = k.as_str() {
                index.entry(k.to_string()).or_insert(i);
            }
        }
        MapBuilder { pos: n.pos, entries, index }
    }

    /// Sets `key`, replacing an existing value in place or appending.
    pub fn set(&mut self, key: &str, value: Node) {
        match self.index.get(key) {
            Some(&i) => self.entries[i].1 = value,
            None => {
                self.index.insert(key.to_string(), self.entries.len());
                self.entries.push((Node::str(key), value));
            }
        }
    }

    /// True when nothing is set.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The mapping node.
    pub fn into_node(self) -> Node {
        Node { value: Value::Map(self.entries), pos: self.pos }
    }
}

impl PartialEq for Node {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}

impl PartialEq for Value {
    /// Structural equality that ignores positions and map order, and compares numbers by value.
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Value::Null, Value::Null) => true,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Int(a), Value::Int(b)) => a == b,
            (Value::Float(a), Value::Float(b)) => a == b,
            #[allow(clippy::cast_precision_loss)]
            (Value::Int(a), Value::Float(b)) | (Value::Float(b), Value::Int(a)) => *a as f64 == *b,
            (Value::Str(a), Value::Str(b)) => a == b,
            (Value::Seq(a), Value::Seq(b)) => a == b,
            (Value::Map(a), Value::Map(b)) => {
                if a.len() != b.len() {
                    return false;
                }
                // Small maps are scanned; large ones through an index of `b`, so maps of
                // thousands of keys do not compare in quadratic time (first key wins either way).
                if b.len() <= SMALL_MAP {
                    return a.iter().all(|(k, v)| {
                        b.iter().find(|(k2, _)| k2.as_str() == k.as_str()).is_some_and(|(_, v2)| v2 == v)
                    });
                }
                let index = key_index(b);
                a.iter().all(|(k, v)| index.get(&k.as_str()).is_some_and(|&i| b[i].1 == *v))
            }
            _ => false,
        }
    }
}

impl Node {
    /// A node with no source position (for values built in code).
    pub fn new(value: Value) -> Node {
        Node { value, pos: Pos::default() }
    }

    /// A string node without position.
    pub fn str(s: impl Into<String>) -> Node {
        Node::new(Value::Str(s.into()))
    }

    /// An empty mapping without position.
    pub fn map() -> Node {
        Node::new(Value::Map(Vec::new()))
    }

    /// A mapping of string keys without position, in the given order.
    pub fn map_of(pairs: Vec<(&str, Node)>) -> Node {
        Node::new(Value::Map(pairs.into_iter().map(|(k, v)| (Node::str(k), v)).collect()))
    }

    /// A mapping of one string to one string, without position.
    pub fn string_map(k: &str, v: &str) -> Node {
        Node::new(Value::Map(vec![(Node::str(k), Node::str(v))]))
    }

    /// A sequence without position.
    pub fn seq(items: Vec<Node>) -> Node {
        Node::new(Value::Seq(items))
    }

    /// The string, if this is a string node.
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The integer, if this is an integer node (or a float with no fraction).
    pub fn as_i64(&self) -> Option<i64> {
        match self.value {
            Value::Int(i) => Some(i),
            #[allow(clippy::cast_possible_truncation)]
            Value::Float(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Some(f as i64),
            _ => None,
        }
    }

    /// The boolean, if this is a boolean node.
    pub fn as_bool(&self) -> Option<bool> {
        match self.value {
            Value::Bool(b) => Some(b),
            _ => None,
        }
    }

    /// The entries, if this is a mapping.
    pub fn as_map(&self) -> Option<&Vec<(Node, Node)>> {
        match &self.value {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }

    /// The entries, mutable, if this is a mapping.
    pub fn as_map_mut(&mut self) -> Option<&mut Vec<(Node, Node)>> {
        match &mut self.value {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }

    /// The items, if this is a sequence.
    pub fn as_seq(&self) -> Option<&Vec<Node>> {
        match &self.value {
            Value::Seq(s) => Some(s),
            _ => None,
        }
    }

    /// The items, mutable, if this is a sequence.
    pub fn as_seq_mut(&mut self) -> Option<&mut Vec<Node>> {
        match &mut self.value {
            Value::Seq(s) => Some(s),
            _ => None,
        }
    }

    /// True for `null`.
    pub fn is_null(&self) -> bool {
        matches!(self.value, Value::Null)
    }

    /// The value under `key` in a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.as_map()?.iter().find(|(k, _)| k.as_str() == Some(key)).map(|(_, v)| v)
    }

    /// The key node (for its position) and value under `key`.
    pub fn get_entry(&self, key: &str) -> Option<(&Node, &Node)> {
        self.as_map()?.iter().find(|(k, _)| k.as_str() == Some(key)).map(|(k, v)| (k, v))
    }

    /// The value under `key`, mutable.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Node> {
        self.as_map_mut()?.iter_mut().find(|(k, _)| k.as_str() == Some(key)).map(|(_, v)| v)
    }

    /// The node at a path of keys.
    pub fn path(&self, keys: &[&str]) -> Option<&Node> {
        keys.iter().try_fold(self, |n, k| n.get(k))
    }

    /// The string at a path of keys.
    pub fn str_at(&self, keys: &[&str]) -> Option<&str> {
        self.path(keys)?.as_str()
    }

    /// Sets `key` in a mapping, replacing an existing value in place or appending.
    pub fn set(&mut self, key: &str, value: Node) {
        if let Some(m) = self.as_map_mut() {
            if let Some(slot) = m.iter_mut().find(|(k, _)| k.as_str() == Some(key)) {
                slot.1 = value;
            } else {
                m.push((Node::str(key), value));
            }
        }
    }

    /// Removes `key` from a mapping, returning its value.
    pub fn remove(&mut self, key: &str) -> Option<Node> {
        let m = self.as_map_mut()?;
        let i = m.iter().position(|(k, _)| k.as_str() == Some(key))?;
        Some(m.remove(i).1)
    }

    /// True for an empty mapping, sequence or string, or null.
    pub fn is_empty_value(&self) -> bool {
        match &self.value {
            Value::Null => true,
            Value::Map(m) => m.is_empty(),
            Value::Seq(s) => s.is_empty(),
            Value::Str(s) => s.is_empty(),
            _ => false,
        }
    }

    /// Converts to JSON; integers stay integers.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as Json;
        match &self.value {
            Value::Null => Json::Null,
            Value::Bool(b) => Json::Bool(*b),
            Value::Int(i) => Json::from(*i),
            Value::Float(f) => serde_json::Number::from_f64(*f).map_or(Json::Null, Json::Number),
            Value::Str(s) => Json::String(s.clone()),
            Value::Seq(s) => Json::Array(s.iter().map(Node::to_json).collect()),
            Value::Map(m) => {
                Json::Object(m.iter().map(|(k, v)| (k.as_str().unwrap_or_default().to_string(), v.to_json())).collect())
            }
        }
    }

    /// Builds a node from JSON (no positions).
    pub fn from_json(j: &serde_json::Value) -> Node {
        use serde_json::Value as Json;
        Node::new(match j {
            Json::Null => Value::Null,
            Json::Bool(b) => Value::Bool(*b),
            Json::Number(n) => n.as_i64().map_or_else(|| Value::Float(n.as_f64().unwrap_or(0.0)), Value::Int),
            Json::String(s) => Value::Str(s.clone()),
            Json::Array(a) => Value::Seq(a.iter().map(Node::from_json).collect()),
            Json::Object(o) => Value::Map(o.iter().map(|(k, v)| (Node::str(k), Node::from_json(v))).collect()),
        })
    }
}
