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
pub struct V {
    /// The value.
    pub kind: K,
    /// Where the value was written, if anywhere.
    pub at: Option<Origin>,
}

/// One map entry: the key's position and the value.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// Where the key was written.
    pub key_at: Option<Origin>,
    /// The value.
    pub val: V,
}

pub use crate::pointer::{child_pointer, pointer_of};

/// A map; ordered by key so that every output is deterministic (Go's maps have no order).
pub type Map = BTreeMap<String, Entry>;

/// The kinds of values Helm's Go maps hold after YAML or `--set` parsing.
#[derive(Debug, Clone, PartialEq)]
pub enum K {
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
    Seq(Vec<V>),
    /// A map.
    Map(Map),
}

impl V {
    /// A node without a position.
    pub fn new(kind: K) -> V {
        V { kind, at: None }
    }

    /// An empty map without a position.
    pub fn empty_map() -> V {
        V::new(K::Map(Map::new()))
    }

    /// True for `nil`.
    pub fn is_null(&self) -> bool {
        matches!(self.kind, K::Null)
    }

    /// True for a map.
    pub fn is_map(&self) -> bool {
        matches!(self.kind, K::Map(_))
    }

    /// The map, if this is one.
    pub fn as_map(&self) -> Option<&Map> {
        match &self.kind {
            K::Map(m) => Some(m),
            _ => None,
        }
    }

    /// The map, mutable, if this is one.
    pub fn as_map_mut(&mut self) -> Option<&mut Map> {
        match &mut self.kind {
            K::Map(m) => Some(m),
            _ => None,
        }
    }

    /// The value under `key`.
    pub fn get(&self, key: &str) -> Option<&V> {
        self.as_map()?.get(key).map(|e| &e.val)
    }

    /// Go's type name of the value, as Helm's messages print it.
    pub fn go_type(&self) -> &'static str {
        match self.kind {
            K::Null => "<nil>",
            K::Bool(_) => "bool",
            K::Num(_) => "float64",
            K::Int(_) => "int64",
            K::Str(_) => "string",
            K::Seq(_) => "[]interface {}",
            K::Map(_) => "map[string]interface {}",
        }
    }

    /// Converts a parsed YAML node the way `sigs.k8s.io/yaml` does: numbers become float64,
    /// and infinities or NaN are refused as Go's JSON encoder refuses them.
    pub fn from_yaml(node: &Node, src: u32) -> Result<V, NotJson> {
        let at = Some(Origin { src, line: node.pos.line, col: node.pos.col });
        let kind = match &node.value {
            Value::Null => K::Null,
            Value::Bool(b) => K::Bool(*b),
            #[allow(clippy::cast_precision_loss)]
            Value::Int(i) => K::Num(*i as f64),
            Value::Float(f) if f.is_finite() => K::Num(*f),
            Value::Float(f) => {
                return Err(NotJson { line: node.pos.line, col: node.pos.col, what: crate::yaml::format_float(*f) });
            }
            Value::Str(s) => K::Str(s.clone()),
            Value::Seq(items) => K::Seq(items.iter().map(|n| V::from_yaml(n, src)).collect::<Result<_, _>>()?),
            Value::Map(entries) => {
                let mut m = Map::new();
                for (k, v) in entries {
                    let key = k.as_str().unwrap_or_default().to_string();
                    let key_at = Some(Origin { src, line: k.pos.line, col: k.pos.col });
                    m.insert(key, Entry { key_at, val: V::from_yaml(v, src)? });
                }
                K::Map(m)
            }
        };
        Ok(V { kind, at })
    }

    /// Converts JSON (from `--set-json`): numbers become float64 as Go's `encoding/json` does.
    pub fn from_json(j: &serde_json::Value, at: Option<Origin>) -> V {
        use serde_json::Value as J;
        let kind = match j {
            J::Null => K::Null,
            J::Bool(b) => K::Bool(*b),
            J::Number(n) => K::Num(n.as_f64().unwrap_or(0.0)),
            J::String(s) => K::Str(s.clone()),
            J::Array(a) => K::Seq(a.iter().map(|x| V::from_json(x, at)).collect()),
            J::Object(o) => {
                K::Map(o.iter().map(|(k, v)| (k.clone(), Entry { key_at: at, val: V::from_json(v, at) })).collect())
            }
        };
        V { kind, at }
    }

    /// The JSON the schema sees. Integer-valued floats become JSON integers, which is how both
    /// of Helm's schema libraries treat them (`type: integer` accepts `1.0`).
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match &self.kind {
            K::Null => J::Null,
            K::Bool(b) => J::Bool(*b),
            K::Int(i) => J::from(*i),
            K::Num(f) =>
            {
                #[allow(clippy::cast_possible_truncation)]
                if f.fract() == 0.0 && f.abs() < 9_007_199_254_740_992.0 {
                    J::from(*f as i64)
                } else {
                    serde_json::Number::from_f64(*f).map_or(J::Null, J::Number)
                }
            }
            K::Str(s) => J::String(s.clone()),
            K::Seq(items) => J::Array(items.iter().map(V::to_json).collect()),
            K::Map(m) => J::Object(m.iter().map(|(k, e)| (k.clone(), e.val.to_json())).collect()),
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
        for raw in pointer.split('/').skip(1) {
            let tok = raw.replace("~1", "/").replace("~0", "~");
            let next = match &cur.kind {
                K::Map(m) => m.get(&tok).map(|e| (e.key_at, &e.val)),
                K::Seq(items) => tok.parse::<usize>().ok().and_then(|i| items.get(i)).map(|v| (v.at, v)),
                _ => None,
            };
            let Some((key_at, v)) = next else { return best };
            best = match v.kind {
                K::Map(_) | K::Seq(_) => key_at.or(v.at).or(best),
                _ => v.at.or(key_at).or(best),
            };
            cur = v;
        }
        best
    }

    /// The key position of the entry `key` under the object at `pointer`.
    pub fn key_origin(&self, pointer: &str, key: &str) -> Option<Origin> {
        let mut cur = self;
        for raw in pointer.split('/').skip(1) {
            let tok = raw.replace("~1", "/").replace("~0", "~");
            cur = match &cur.kind {
                K::Map(m) => &m.get(&tok)?.val,
                K::Seq(items) => items.get(tok.parse::<usize>().ok()?)?,
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

    fn parse(src: &str) -> V {
        let docs = crate::yaml::parse_stream(src).unwrap();
        V::from_yaml(docs[0].root.as_ref().unwrap(), 0).unwrap()
    }

    #[test]
    fn numbers_become_float64_and_integral_floats_are_json_integers() {
        let v = parse("a: 1\nb: 1.0\nc: 1.5\nd: 0755\n");
        assert_eq!(v.to_json(), serde_json::json!({"a": 1, "b": 1, "c": 1.5, "d": 493}));
    }

    #[test]
    fn infinity_is_refused_with_its_position() {
        let docs = crate::yaml::parse_stream("a:\n  b: .inf\n").unwrap();
        let err = V::from_yaml(docs[0].root.as_ref().unwrap(), 0).unwrap_err();
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
