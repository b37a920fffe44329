//! Dependency files as Helm reads them: `Chart.yaml`, `requirements.yaml`, `Chart.lock`,
//! `requirements.lock`, with the position of every field kept for diagnostics.

use crate::yaml::{self, Pos, Value};

use super::AuditError;

/// Which dependency file a [`DepFile`] came from.
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
pub struct Dep {
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
    /// `import-values` as JSON.
    pub import_values: Option<serde_json::Value>,
    /// Keys Helm ignores, with their positions.
    pub unknown_keys: Vec<(String, Pos)>,
    /// Where the item starts.
    pub pos: Pos,
    /// Where `name` is.
    pub name_pos: Pos,
    /// Where `version` is (the item when absent).
    pub version_pos: Pos,
    /// Where `repository` is (the item when absent).
    pub repository_pos: Pos,
}

impl Dep {
    /// `alias`, else `name`: the key Helm uses for the subchart's values.
    pub fn effective_name(&self) -> &str {
        self.alias.as_deref().unwrap_or(&self.name)
    }
}

/// A parsed dependency file.
#[derive(Debug, Clone)]
pub struct DepFile {
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
    pub deps: Vec<Dep>,
    /// Where the file's root mapping starts.
    pub pos: Pos,
}

/// Parses a dependency file; YAML errors and wrong shapes are errors with `file:line:col`.
pub fn parse(file: &str, kind: FileKind, text: &str) -> Result<DepFile, AuditError> {
    let bad = |pos: Pos, message: String| AuditError::Invalid {
        file: file.to_owned(),
        line: pos.line,
        col: pos.col,
        message,
    };
    let docs = yaml::parse_stream(text).map_err(|e| AuditError::yaml(file, &e))?;
    let root = docs.into_iter().find_map(|d| d.root);
    let mut out = DepFile {
        file: file.to_owned(),
        kind,
        api_version: None,
        name: None,
        version: None,
        digest: None,
        deps: Vec::new(),
        pos: Pos { line: 1, col: 1 },
    };
    let Some(root) = root else {
        return Ok(out);
    };
    out.pos = root.pos;
    if root.as_map().is_none() {
        return Err(bad(root.pos, "expected a mapping at the top of the file".into()));
    }
    out.api_version = root.get("apiVersion").and_then(yaml::scalar_string);
    out.name = root.get("name").and_then(yaml::scalar_string);
    out.version = root.get("version").and_then(yaml::scalar_string);
    if kind.is_lock() {
        out.digest = root.get("digest").and_then(|d| yaml::scalar_string(d).map(|s| (s, d.pos)));
    }
    let Some(deps) = root.get("dependencies") else {
        return Ok(out);
    };
    let items = match &deps.value {
        Value::Null => return Ok(out),
        Value::Seq(items) => items,
        _ => return Err(bad(deps.pos, "`dependencies` must be a list".into())),
    };
    for item in items {
        let map = item.as_map().ok_or_else(|| bad(item.pos, "a dependency must be a mapping".into()))?;
        let mut d = Dep {
            name: String::new(),
            version: None,
            repository: String::new(),
            alias: None,
            condition: None,
            tags: Vec::new(),
            enabled: None,
            import_values: None,
            unknown_keys: Vec::new(),
            pos: item.pos,
            name_pos: item.pos,
            version_pos: item.pos,
            repository_pos: item.pos,
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
                "tags" => {
                    d.tags = v.as_seq().map(|s| s.iter().filter_map(yaml::scalar_string).collect()).unwrap_or_default()
                }
                "enabled" => d.enabled = v.as_bool(),
                "import-values" => d.import_values = Some(v.to_json()).filter(|j| !j.is_null()),
                _ => d.unknown_keys.push((key.to_owned(), k.pos)),
            }
        }
        out.deps.push(d);
    }
    Ok(out)
}

/// Helm's lock digest (`resolver.HashReq`): `sha256:` + hex SHA-256 of the Go JSON encoding of
/// `[requirements, locked]`, so that a lock Helm would call out of sync is caught without Helm.
pub fn helm_lock_digest(reqs: &[Dep], resolved_repos: &[String], locked: &[Dep]) -> String {
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
fn go_dep(s: &mut String, d: &Dep, repository: &str) {
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
        )
        .unwrap();
        let d = &f.deps[0];
        assert_eq!((d.name.as_str(), d.version.as_deref(), d.repository.as_str()), ("redis", Some("17.x"), ""));
        assert_eq!(d.unknown_keys, vec![("repostitory".to_owned(), Pos { line: 7, col: 5 })]);
        assert_eq!(d.version_pos, Pos { line: 6, col: 14 });
        assert_eq!(d.tags, vec!["cache"]);
    }

    #[test]
    fn bad_shapes_are_errors_with_positions() {
        let e = parse("Chart.yaml", FileKind::Chart, "dependencies: 3\n").unwrap_err();
        assert_eq!(e.to_string(), "Chart.yaml:1:15: `dependencies` must be a list");
        let e = parse("Chart.yaml", FileKind::Chart, "a: [\n").unwrap_err();
        assert!(e.to_string().starts_with("Chart.yaml:"), "{e}");
    }

    #[test]
    fn go_json_sorts_keys_and_escapes_html() {
        let v = serde_json::json!({"parent": "a<b", "child": "x&y"});
        assert_eq!(go_json(&v), r#"{"child":"x\u0026y","parent":"a\u003cb"}"#);
    }
}
