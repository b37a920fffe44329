//! A chart's metadata and dependency files as Helm reads them: `Chart.yaml`,
//! `requirements.yaml`, `Chart.lock` and `requirements.lock`, in one dependency model that
//! `validate` and `audit` share, with the position of every field kept for diagnostics.

use crate::yaml::{self, Node, Pos, Value};

/// Which dependency file a [`DependencyFile`] came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// `Chart.yaml` (metadata; `dependencies` for apiVersion v2).
    Chart,
    /// `requirements.yaml` (apiVersion v1).
    Requirements,
    /// `Chart.lock`.
    Lock,
    /// `requirements.lock`.
    RequirementsLock,
}

impl FileKind {
    /// Classifies a file by the end of its name (`x__Chart.lock.yaml` counts as a lock).
    pub fn from_name(name: &str) -> Option<FileKind> {
        let n = name.strip_suffix(".yaml").filter(|n| n.ends_with(".lock")).unwrap_or(name);
        if n.ends_with("Chart.yaml") || n.ends_with("Chart.yml") {
            Some(FileKind::Chart)
        } else if n.ends_with("requirements.yaml") || n.ends_with("requirements.yml") {
            Some(FileKind::Requirements)
        } else if n.ends_with("Chart.lock") {
            Some(FileKind::Lock)
        } else if n.ends_with("requirements.lock") {
            Some(FileKind::RequirementsLock)
        } else {
            None
        }
    }

    /// True for the two lock kinds.
    pub fn is_lock(self) -> bool {
        matches!(self, FileKind::Lock | FileKind::RequirementsLock)
    }
}

/// The keys Helm knows in a `dependencies[]` item; anything else is silently ignored by Helm.
pub const DEPENDENCY_KEYS: &[&str] =
    &["name", "version", "repository", "condition", "tags", "enabled", "import-values", "alias"];

/// One `dependencies[]` item.
#[derive(Debug, Clone)]
pub struct Dependency {
    /// `name`.
    pub name: String,
    /// `version` as written (a constraint, or the resolved version in a lock).
    pub version: Option<String>,
    /// `repository` as written (empty when absent).
    pub repository: String,
    /// `alias`.
    pub alias: Option<String>,
    /// `condition`.
    pub condition: Option<String>,
    /// `tags`.
    pub tags: Vec<String>,
    /// `enabled` as written.
    pub enabled: Option<bool>,
    /// `import-values` as JSON (for the lock digest).
    pub import_values: Option<serde_json::Value>,
    /// `import-values` as Helm applies them: its string and mapping items, in order.
    pub imports: Vec<Import>,
    /// Keys Helm ignores, with their positions.
    pub unknown_keys: Vec<(String, Pos)>,
    /// Where the item starts.
    pub pos: Pos,
    /// Where `name` is (the item when absent).
    pub name_pos: Pos,
    /// Where `version` is (the item when absent).
    pub version_pos: Pos,
    /// Where `repository` is (the item when absent).
    pub repository_pos: Pos,
}

impl Dependency {
    /// `alias`, else `name`: the key Helm uses for the subchart's values.
    pub fn effective_name(&self) -> &str {
        self.alias.as_deref().unwrap_or(&self.name)
    }
}

/// One `import-values` item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Import {
    /// `- data` imports `exports.data` to the parent's root.
    Export(String),
    /// `- {child: a.b, parent: c}`.
    Pair {
        /// Path in the child.
        child: String,
        /// Path in the parent.
        parent: String,
    },
}

/// A parsed dependency file.
#[derive(Debug, Clone)]
pub struct DependencyFile {
    /// The file as shown in diagnostics.
    pub file: String,
    /// What it is.
    pub kind: FileKind,
    /// `apiVersion` (Chart.yaml only).
    pub api_version: Option<String>,
    /// Chart `name` (Chart.yaml only).
    pub name: Option<String>,
    /// Chart `version` (Chart.yaml only).
    pub version: Option<String>,
    /// `digest` and its position (locks only).
    pub digest: Option<(String, Pos)>,
    /// `dependencies`.
    pub deps: Vec<Dependency>,
    /// Where the file's root mapping starts.
    pub pos: Pos,
    /// The document read (`None` for an empty file), for fields the model does not hold.
    pub root: Option<Node>,
}

/// How shapes Helm would not accept are treated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reading {
    /// Every wrong shape is an error with its position (audit reports them).
    Strict,
    /// As far as Helm's loader gets (validate): the first document only, a root that is not a
    /// mapping holds nothing, null dependency items are skipped, other non-mapping items read
    /// as empty entries and non-scalar tags as empty strings.
    Loader,
}

/// Why a dependency file cannot be read; the caller names the file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MetaError {
    /// Not YAML.
    #[error("invalid YAML: {message}")]
    Yaml {
        /// Where.
        pos: Pos,
        /// The parser's message.
        message: String,
    },
    /// The document is not a mapping ([`Reading::Strict`] only).
    #[error("expected a mapping at the top of the file")]
    NotAMapping {
        /// Where.
        pos: Pos,
    },
    /// `dependencies:` is neither a list nor null.
    #[error("`dependencies` must be a list")]
    DependenciesNotList {
        /// Where.
        pos: Pos,
    },
    /// A `dependencies[]` item is not a mapping ([`Reading::Strict`] only).
    #[error("a dependency must be a mapping")]
    ItemNotAMapping {
        /// Where.
        pos: Pos,
    },
}

impl MetaError {
    /// Where the problem is.
    pub fn pos(&self) -> Pos {
        match self {
            MetaError::Yaml { pos, .. }
            | MetaError::NotAMapping { pos }
            | MetaError::DependenciesNotList { pos }
            | MetaError::ItemNotAMapping { pos } => *pos,
        }
    }
}

/// Parses a dependency file of `kind`.
///
/// # Errors
/// See [`MetaError`].
pub fn parse(file: &str, kind: FileKind, text: &str, reading: Reading) -> Result<DependencyFile, MetaError> {
    let docs = yaml::parse_stream(text).map_err(|e| MetaError::Yaml { pos: e.pos, message: e.message })?;
    let root = match reading {
        Reading::Strict => docs.into_iter().find_map(|d| d.root),
        Reading::Loader => docs.into_iter().next().and_then(|d| d.root),
    };
    let mut out = DependencyFile {
        file: file.to_owned(),
        kind,
        api_version: None,
        name: None,
        version: None,
        digest: None,
        deps: Vec::new(),
        pos: Pos { line: 1, col: 1 },
        root: None,
    };
    let Some(root) = root else {
        return Ok(out);
    };
    out.pos = root.pos;
    if root.as_map().is_none() {
        if reading == Reading::Strict {
            return Err(MetaError::NotAMapping { pos: root.pos });
        }
        out.root = Some(root);
        return Ok(out);
    }
    out.api_version = root.get("apiVersion").and_then(yaml::scalar_string);
    out.name = root.get("name").and_then(yaml::scalar_string);
    out.version = root.get("version").and_then(yaml::scalar_string);
    if kind.is_lock() {
        out.digest = root.get("digest").and_then(|d| yaml::scalar_string(d).map(|s| (s, d.pos)));
    }
    out.deps = dependencies(&root, reading)?;
    out.root = Some(root);
    Ok(out)
}

fn dependencies(root: &Node, reading: Reading) -> Result<Vec<Dependency>, MetaError> {
    let Some(deps) = root.get("dependencies") else {
        return Ok(Vec::new());
    };
    let items = match &deps.value {
        Value::Null => return Ok(Vec::new()),
        Value::Seq(items) => items,
        _ => return Err(MetaError::DependenciesNotList { pos: deps.pos }),
    };
    let mut out = Vec::new();
    for item in items {
        let map = match (item.as_map(), reading) {
            (Some(map), _) => map.as_slice(),
            (None, Reading::Strict) => return Err(MetaError::ItemNotAMapping { pos: item.pos }),
            (None, Reading::Loader) if item.is_null() => continue,
            (None, Reading::Loader) => &[],
        };
        out.push(dependency(item.pos, map, reading));
    }
    Ok(out)
}

fn dependency(pos: Pos, map: &[(Node, Node)], reading: Reading) -> Dependency {
    let mut d = Dependency {
        name: String::new(),
        version: None,
        repository: String::new(),
        alias: None,
        condition: None,
        tags: Vec::new(),
        enabled: None,
        import_values: None,
        imports: Vec::new(),
        unknown_keys: Vec::new(),
        pos,
        name_pos: pos,
        version_pos: pos,
        repository_pos: pos,
    };
    for (k, v) in map {
        let key = k.as_str().unwrap_or_default();
        match key {
            "name" => {
                d.name = yaml::scalar_string(v).unwrap_or_default();
                d.name_pos = v.pos;
            }
            "version" => {
                d.version = yaml::scalar_string(v);
                d.version_pos = v.pos;
            }
            "repository" => {
                d.repository = yaml::scalar_string(v).unwrap_or_default();
                d.repository_pos = v.pos;
            }
            "alias" => d.alias = yaml::scalar_string(v).filter(|s| !s.is_empty()),
            "condition" => d.condition = yaml::scalar_string(v).filter(|s| !s.is_empty()),
            "tags" => d.tags = tags(v, reading),
            "enabled" => d.enabled = v.as_bool(),
            "import-values" => {
                d.import_values = Some(v.to_json()).filter(|j| !j.is_null());
                d.imports = imports(v);
            }
            _ => d.unknown_keys.push((key.to_owned(), k.pos)),
        }
    }
    d
}

fn tags(v: &Node, reading: Reading) -> Vec<String> {
    let Some(items) = v.as_seq() else { return Vec::new() };
    match reading {
        Reading::Strict => items.iter().filter_map(yaml::scalar_string).collect(),
        Reading::Loader => items.iter().map(|t| yaml::scalar_string(t).unwrap_or_default()).collect(),
    }
}

fn imports(v: &Node) -> Vec<Import> {
    let Some(items) = v.as_seq() else { return Vec::new() };
    items
        .iter()
        .filter_map(|iv| match &iv.value {
            Value::Str(s) => Some(Import::Export(s.clone())),
            Value::Map(_) => Some(Import::Pair {
                child: iv.get("child").map_or_else(|| "<nil>".into(), go_print),
                parent: iv.get("parent").map_or_else(|| "<nil>".into(), go_print),
            }),
            _ => None,
        })
        .collect()
}

/// `fmt.Sprintf("%v", x)` for the scalars that appear in `import-values`.
fn go_print(n: &Node) -> String {
    if n.is_null() { "<nil>".into() } else { yaml::scalar_string(n).unwrap_or_default() }
}

/// Helm's lock digest (`resolver.HashReq`): `sha256:` + hex SHA-256 of the Go JSON encoding of
/// `[requirements, locked]`, so that a lock Helm would call out of sync is caught without Helm.
pub fn helm_lock_digest(reqs: &[Dependency], resolved_repos: &[String], locked: &[Dependency]) -> String {
    use sha2::Digest as _;
    let mut s = String::from("[[");
    for (i, d) in reqs.iter().enumerate() {
        if i > 0 {
            s.push(',');
        }
        go_dep(&mut s, d, resolved_repos.get(i).map_or(&d.repository, |r| r));
    }
    s.push_str("],[");
    for (i, d) in locked.iter().enumerate() {
        if i > 0 {
            s.push(',');
        }
        go_dep(&mut s, d, &d.repository);
    }
    s.push_str("]]");
    format!("sha256:{:x}", sha2::Sha256::digest(s.as_bytes()))
}

/// Field order and `omitempty` rules of Helm's `chart.Dependency` struct.
fn go_dep(s: &mut String, d: &Dependency, repository: &str) {
    s.push_str("{\"name\":");
    s.push_str(&go_json(&serde_json::Value::from(d.name.as_str())));
    if let Some(v) = d.version.as_deref().filter(|v| !v.is_empty()) {
        s.push_str(",\"version\":");
        s.push_str(&go_json(&v.into()));
    }
    s.push_str(",\"repository\":");
    s.push_str(&go_json(&repository.into()));
    if let Some(c) = &d.condition {
        s.push_str(",\"condition\":");
        s.push_str(&go_json(&c.as_str().into()));
    }
    if !d.tags.is_empty() {
        s.push_str(",\"tags\":");
        s.push_str(&go_json(&d.tags.iter().map(|t| serde_json::Value::from(t.as_str())).collect()));
    }
    if d.enabled == Some(true) {
        s.push_str(",\"enabled\":true");
    }
    if let Some(iv) = d.import_values.as_ref().filter(|v| v.as_array().is_none_or(|a| !a.is_empty())) {
        s.push_str(",\"import-values\":");
        s.push_str(&go_json(iv));
    }
    if let Some(a) = &d.alias {
        s.push_str(",\"alias\":");
        s.push_str(&go_json(&a.as_str().into()));
    }
    s.push('}');
}

/// Go's `encoding/json`: object keys sorted, `<`, `>`, `&`, U+2028 and U+2029 escaped.
fn go_json(v: &serde_json::Value) -> String {
    use serde_json::Value as Json;
    match v {
        Json::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            let parts: Vec<String> =
                keys.iter().map(|k| format!("{}:{}", go_json(&Json::from(k.as_str())), go_json(&m[*k]))).collect();
            format!("{{{}}}", parts.join(","))
        }
        Json::Array(a) => format!("[{}]", a.iter().map(go_json).collect::<Vec<_>>().join(",")),
        Json::String(_) => serde_json::to_string(v)
            .unwrap_or_default()
            .replace('<', "\\u003c")
            .replace('>', "\\u003e")
            .replace('&', "\\u0026")
            .replace('\u{2028}', "\\u2028")
            .replace('\u{2029}', "\\u2029"),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_kinds_by_name() {
        assert_eq!(FileKind::from_name("Chart.yaml"), Some(FileKind::Chart));
        assert_eq!(FileKind::from_name("x__Chart.lock.yaml"), Some(FileKind::Lock));
        assert_eq!(FileKind::from_name("requirements.lock"), Some(FileKind::RequirementsLock));
        assert_eq!(FileKind::from_name("a__requirements.lock.yaml"), Some(FileKind::RequirementsLock));
        assert_eq!(FileKind::from_name("requirements.yaml"), Some(FileKind::Requirements));
        assert_eq!(FileKind::from_name("values.yaml"), None);
    }

    #[test]
    fn dependencies_keep_positions_and_unknown_keys() {
        let f = parse(
            "Chart.yaml",
            FileKind::Chart,
            "apiVersion: v2\nname: a\nversion: 1.0.0\ndependencies:\n  - name: redis\n    version: 17.x\n    repostitory: https://x\n    tags: [cache]\n",
            Reading::Strict,
        )
        .unwrap();
        let d = &f.deps[0];
        assert_eq!((d.name.as_str(), d.version.as_deref(), d.repository.as_str()), ("redis", Some("17.x"), ""));
        assert_eq!(d.unknown_keys, vec![("repostitory".to_owned(), Pos { line: 7, col: 5 })]);
        assert_eq!(d.version_pos, Pos { line: 6, col: 14 });
        assert_eq!(d.tags, vec!["cache"]);
    }

    #[test]
    fn strict_reading_refuses_wrong_shapes_where_they_are() {
        let e = parse("Chart.yaml", FileKind::Chart, "dependencies: 3\n", Reading::Strict).unwrap_err();
        assert_eq!(e, MetaError::DependenciesNotList { pos: Pos { line: 1, col: 15 } });
        let e = parse("Chart.yaml", FileKind::Chart, "dependencies:\n  - redis\n", Reading::Strict).unwrap_err();
        assert_eq!(e, MetaError::ItemNotAMapping { pos: Pos { line: 2, col: 5 } });
        let e = parse("Chart.yaml", FileKind::Chart, "- a\n", Reading::Strict).unwrap_err();
        assert_eq!(e.to_string(), "expected a mapping at the top of the file");
    }

    #[test]
    fn loader_reading_skips_null_items_and_reads_other_bad_items_as_empty() {
        let text = "name: a\ndependencies:\n  - ~\n  - redis\n  - name: b\n    tags: [x, {y: 1}]\n    import-values: [data, {child: c}, 3]\n";
        let f = parse("Chart.yaml", FileKind::Chart, text, Reading::Loader).unwrap();
        let names: Vec<&str> = f.deps.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(names, ["", "b"]);
        assert_eq!(f.deps[1].tags, ["x", ""]);
        assert_eq!(
            f.deps[1].imports,
            [Import::Export("data".into()), Import::Pair { child: "c".into(), parent: "<nil>".into() }]
        );
        let f = parse("Chart.yaml", FileKind::Chart, "- a\n", Reading::Loader).unwrap();
        assert!(f.name.is_none() && f.deps.is_empty() && f.root.is_some());
    }

    #[test]
    fn go_json_sorts_keys_and_escapes_html() {
        let v = serde_json::json!({"parent": "a<b", "child": "x&y"});
        assert_eq!(go_json(&v), r#"{"child":"x\u0026y","parent":"a\u003cb"}"#);
    }
}
