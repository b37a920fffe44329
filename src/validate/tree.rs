//! Values as Helm holds them (every YAML number a float64), each node remembering where it was
//! set so that a schema error can name the file, line and column that won the merge.

use std::collections::BTreeMap;

use crate::yaml::{Node, Value};

/// Where a value or key was written: a source (index into the run's source table) and a
/// 1-based line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Origin {
    /// Index into the source table of the run.
    pub src: u32,
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub col: u32,
}

/// A values node.
#[derive(Debug, Clone, PartialEq)]
pub struct ValueNode {
    /// The value.
    pub kind: ValueKind,
    /// Where the value was written, if anywhere.
    pub at: Option<Origin>,
}

/// One map entry: the key's position and the value.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// Where the key was written.
    pub key_at: Option<Origin>,
    /// The value.
    pub val: ValueNode,
}

pub use crate::pointer::{child_pointer, pointer_of};

/// A map; ordered by key so that every output is deterministic (Go's maps have no order).
pub type Map = BTreeMap<String, Entry>;

/// The kinds of values Helm's Go maps hold after YAML or `--set` parsing.
#[derive(Debug, Clone, PartialEq)]
pub enum ValueKind {
    /// `nil`.
    Null,
    /// A bool.
    Bool(bool),
    /// A float64 (every number read from YAML or JSON).
    Num(f64),
    /// An int64 (only `--set` produces these).
    Int(i64),
    /// A string.
    Str(String),
    /// A list.
    Seq(Vec<ValueNode>),
    /// A map.
    Map(Map),
}

impl ValueNode {
    /// A node without a position.
    pub fn new(kind: ValueKind) -> ValueNode {
        ValueNode { kind, at: None }
    }

    /// An empty map without a position.
    pub fn empty_map() -> ValueNode {
        ValueNode::new(ValueKind::Map(Map::new()))
    }

    /// True for `nil`.
    pub fn is_null(&self) -> bool {
        matches!(self.kind, ValueKind::Null)
    }

    /// True for a map.
    pub fn is_map(&self) -> bool {
        matches!(self.kind, ValueKind::Map(_))
    }

    /// The map, if this is one.
    pub fn as_map(&self) -> Option<&Map> {
        match &self.kind {
            ValueKind::Map(m) => Some(m),
            _ => None,
        }
    }

    /// The map, mutable, if this is one.
    pub fn as_map_mut(&mut self) -> Option<&mut Map> {
        match &mut self.kind {
            ValueKind::Map(m) => Some(m),
            _ => None,
        }
    }

    /// The value under `key`.
    pub fn get(&self, key: &str) -> Option<&ValueNode> {
        self.as_map()?.get(key).map(|e| &e.val)
    }

    /// Go's type name of the value, as Helm's messages print it.
    pub fn go_type(&self) -> &'static str {
        match self.kind {
            ValueKind::Null => "<nil>",
            ValueKind::Bool(_) => "bool",
            ValueKind::Num(_) => "float64",
            ValueKind::Int(_) => "int64",
            ValueKind::Str(_) => "string",
            ValueKind::Seq(_) => "[]interface {}",
            ValueKind::Map(_) => "map[string]interface {}",
        }
    }

    /// Converts a parsed YAML node the way `sigs.k8s.io/yaml` does: numbers become float64,
    /// and infinities or NaN are refused as Go's JSON encoder refuses them.
    pub fn from_yaml(node: &Node, src: u32) -> Result<ValueNode, NotJson> {
        let at = Some(Origin { src, line: node.pos.line, col: node.pos.col });
        let kind = match &node.value {
            Value::Null => ValueKind::Null,
            Value::Bool(b) => ValueKind::Bool(*b),
            #[allow(clippy::cast_precision_loss)]
            Value::Int(i) => ValueKind::Num(*i as f64),
            Value::Float(f) if f.is_finite() => ValueKind::Num(*f),
            Value::Float(f) => {
                return Err(NotJson { line: node.pos.line, col: node.pos.col, what: crate::yaml::format_float(*f) });
            }
            Value::Str(s) => ValueKind::Str(s.clone()),
            Value::Seq(items) => {
                ValueKind::Seq(items.iter().map(|n| ValueNode::from_yaml(n, src)).collect::<Result<_, _>>()?)
            }
            Value::Map(entries) => {
                let mut m = Map::new();
                for (k, v) in entries {
                    let key = k.as_str().unwrap_or_default().to_string();
                    let key_at = Some(Origin { src, line: k.pos.line, col: k.pos.col });
                    m.insert(key, Entry { key_at, val: ValueNode::from_yaml(v, src)? });
                }
                ValueKind::Map(m)
            }
        };
        Ok(ValueNode { kind, at })
    }

    /// Converts JSON (from `--set-json`): numbers become float64 as Go's `encoding/json` does.
    pub fn from_json(j: &serde_json::Value, at: Option<Origin>) -> ValueNode {
        use serde_json::Value as Json;
        let kind = match j {
            Json::Null => ValueKind::Null,
            Json::Bool(b) => ValueKind::Bool(*b),
            Json::Number(n) => ValueKind::Num(n.as_f64().unwrap_or(0.0)),
            Json::String(s) => ValueKind::Str(s.clone()),
            Json::Array(a) => ValueKind::Seq(a.iter().map(|x| ValueNode::from_json(x, at)).collect()),
            Json::Object(o) => ValueKind::Map(
                o.iter().map(|(k, v)| (k.clone(), Entry { key_at: at, val: ValueNode::from_json(v, at) })).collect(),
            ),
        };
        ValueNode { kind, at }
    }

    /// The JSON the schema sees. Integer-valued floats become JSON integers, which is how both
    /// of Helm's schema libraries treat them (`type: integer` accepts `1.0`).
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as Json;
        match &self.kind {
            ValueKind::Null => Json::Null,
            ValueKind::Bool(b) => Json::Bool(*b),
            ValueKind::Int(i) => Json::from(*i),
            ValueKind::Num(f) =>
            {
                #[allow(clippy::cast_possible_truncation)]
                if f.fract() == 0.0 && f.abs() < 9_007_199_254_740_992.0 {
                    Json::from(*f as i64)
                } else {
                    serde_json::Number::from_f64(*f).map_or(Json::Null, Json::Number)
                }
            }
            ValueKind::Str(s) => Json::String(s.clone()),
            ValueKind::Seq(items) => Json::Array(items.iter().map(ValueNode::to_json).collect()),
            ValueKind::Map(m) => Json::Object(m.iter().map(|(k, e)| (k.clone(), e.val.to_json())).collect()),
        }
    }

    /// The node a JSON pointer names and the origin that best locates it: a scalar's own
    /// position, a collection's key, or (when the pointer runs past existing values) the
    /// deepest existing ancestor.
    pub fn locate(&self, pointer: &str) -> Option<Origin> {
        let mut cur = self;
        let mut best = self.at;
        if pointer.is_empty() {
            return best;
        }
        for tok in crate::pointer::segments(pointer) {
            let next = match &cur.kind {
                ValueKind::Map(m) => m.get(&tok).map(|e| (e.key_at, &e.val)),
                ValueKind::Seq(items) => tok.parse::<usize>().ok().and_then(|i| items.get(i)).map(|v| (v.at, v)),
                _ => None,
            };
            let Some((key_at, v)) = next else { return best };
            best = match v.kind {
                ValueKind::Map(_) | ValueKind::Seq(_) => key_at.or(v.at).or(best),
                _ => v.at.or(key_at).or(best),
            };
            cur = v;
        }
        best
    }

    /// The key position of the entry `key` under the object at `pointer`.
    pub fn key_origin(&self, pointer: &str, key: &str) -> Option<Origin> {
        let mut cur = self;
        for tok in crate::pointer::segments(pointer) {
            cur = match &cur.kind {
                ValueKind::Map(m) => &m.get(&tok)?.val,
                ValueKind::Seq(items) => items.get(tok.parse::<usize>().ok()?)?,
                _ => return None,
            };
        }
        let e = cur.as_map()?.get(key)?;
        e.key_at.or(e.val.at)
    }
}

/// A value that JSON cannot carry (`.inf`, `.nan`): Helm refuses the whole file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotJson {
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub col: u32,
    /// The value as YAML writes it.
    pub what: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(src: &str) -> ValueNode {
        let docs = crate::yaml::parse_stream(src).unwrap();
        ValueNode::from_yaml(docs[0].root.as_ref().unwrap(), 0).unwrap()
    }

    #[test]
    fn numbers_become_float64_and_integral_floats_are_json_integers() {
        let v = parse("a: 1\nb: 1.0\nc: 1.5\nd: 0755\n");
        assert_eq!(v.to_json(), serde_json::json!({"a": 1, "b": 1, "c": 1.5, "d": 493}));
    }

    #[test]
    fn infinity_is_refused_with_its_position() {
        let docs = crate::yaml::parse_stream("a:\n  b: .inf\n").unwrap();
        let err = ValueNode::from_yaml(docs[0].root.as_ref().unwrap(), 0).unwrap_err();
        assert_eq!((err.line, err.col), (2, 6));
    }

    #[test]
    fn locate_points_at_scalars_keys_and_nearest_ancestor() {
        let v = parse("image:\n  tag: 1.20\nlist:\n  - x\n");
        assert_eq!(v.locate("/image/tag").map(|o| (o.line, o.col)), Some((2, 8)));
        assert_eq!(v.locate("/image").map(|o| (o.line, o.col)), Some((1, 1)));
        assert_eq!(v.locate("/image/missing").map(|o| (o.line, o.col)), Some((1, 1)));
        assert_eq!(v.locate("/list/0").map(|o| (o.line, o.col)), Some((4, 5)));
        assert_eq!(v.key_origin("/image", "tag").map(|o| (o.line, o.col)), Some((2, 3)));
    }
}
