//! Reading a values file the way Helm does (`LoadValues` over `sigs.k8s.io/yaml`).

use super::tree::{Entry, Map, ValueKind, ValueNode};

/// Why a values text could not be read, with its position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValuesError {
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub col: u32,
    /// One sentence.
    pub message: String,
}

/// Reads values text into a map. Helm 4 merges every document of the stream; Helm 3 reads the
/// first one only (`multi_doc` false). Empty documents are empty maps; a list or a scalar at
/// the top is refused as Helm refuses to unmarshal it into a map.
pub fn read_values(text: &str, src: u32, multi_doc: bool) -> Result<ValueNode, ValuesError> {
    let docs = crate::yaml::parse_stream(text).map_err(|e| ValuesError {
        line: e.pos.line.max(1),
        col: e.pos.col.max(1),
        message: e.message,
    })?;
    let mut out = Map::new();
    let mut at = None;
    for doc in docs.iter().take(if multi_doc { usize::MAX } else { 1 }) {
        let Some(root) = &doc.root else { continue };
        let v = ValueNode::from_yaml(root, src).map_err(|e| ValuesError {
            line: e.line,
            col: e.col,
            message: format!("{} is not a number JSON can hold (json: unsupported value)", e.what),
        })?;
        match v.kind {
            ValueKind::Null => {}
            ValueKind::Map(m) => {
                at = at.or(v.at);
                out = merge_maps(out, m);
            }
            other => {
                let what = if matches!(other, ValueKind::Seq(_)) { "a list" } else { "a single value" };
                return Err(ValuesError {
                    line: root.pos.line,
                    col: root.pos.col,
                    message: format!("values must be a map of keys, but this document is {what}"),
                });
            }
        }
    }
    Ok(ValueNode { kind: ValueKind::Map(out), at })
}

/// Helm's `MergeMaps` for `-f` files: maps merge recursively, anything else from `b` replaces.
pub fn merge_maps(mut a: Map, b: Map) -> Map {
    for (k, eb) in b {
        match (a.remove(&k), eb) {
            (
                Some(Entry { val: ValueNode { kind: ValueKind::Map(am), .. }, .. }),
                Entry { key_at, val: ValueNode { kind: ValueKind::Map(bm), at } },
            ) => {
                a.insert(k, Entry { key_at, val: ValueNode { kind: ValueKind::Map(merge_maps(am, bm)), at } });
            }
            (_, eb) => {
                a.insert(k, eb);
            }
        }
    }
    a
}

/// The 1-based line and column of the first byte that is not UTF-8.
pub fn utf8_error_position(bytes: &[u8], valid_up_to: usize) -> (u32, u32) {
    let before = &bytes[..valid_up_to];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    let col = String::from_utf8_lossy(&before[line_start..]).chars().count() + 1;
    (u32::try_from(line).unwrap_or(u32::MAX), u32::try_from(col).unwrap_or(u32::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_merge_in_helm_4_and_only_the_first_counts_in_helm_3() {
        let text = "a: {p: 1, q: 2}\n---\na: {q: 3}\nb: 4\n";
        let v4 = read_values(text, 0, true).unwrap().to_json();
        assert_eq!(v4, serde_json::json!({"a": {"p": 1, "q": 3}, "b": 4}));
        let v3 = read_values(text, 0, false).unwrap().to_json();
        assert_eq!(v3, serde_json::json!({"a": {"p": 1, "q": 2}}));
    }

    #[test]
    fn lists_scalars_and_infinity_are_refused_with_positions() {
        let e = read_values("- a\n- b\n", 0, true).unwrap_err();
        assert!(e.message.contains("a list"), "{}", e.message);
        assert_eq!((e.line, e.col), (1, 1));
        assert!(read_values("just text\n", 0, true).unwrap_err().message.contains("single value"));
        let e = read_values("a:\n  b: .inf\n", 0, true).unwrap_err();
        assert_eq!((e.line, e.col), (2, 6));
    }

    #[test]
    fn empty_and_null_documents_are_empty_maps() {
        assert_eq!(read_values("", 0, true).unwrap().to_json(), serde_json::json!({}));
        assert_eq!(read_values("~\n", 0, true).unwrap().to_json(), serde_json::json!({}));
    }

    #[test]
    fn utf8_error_positions_count_lines_and_characters() {
        let bytes = b"a: 1\nb: \xc3\xa9\xff\n".to_vec();
        let err = String::from_utf8(bytes).unwrap_err();
        let valid = err.utf8_error().valid_up_to();
        assert_eq!(utf8_error_position(err.as_bytes(), valid), (2, 5));
    }
}
