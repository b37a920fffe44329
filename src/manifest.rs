//! Reads Kubernetes manifests from files, directories and stdin, as `generate` and `lint` see them.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::diag::{Diagnostic, Severity, Sources};
use crate::textfile::{self, ReadError};
use crate::yaml::{self, Node, Pos, Value};

/// Why inputs could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// A file, directory or stdin could not be read as text.
    #[error(transparent)]
    Read(#[from] ReadError),
    /// A file is not valid YAML.
    #[error("{file}:{}:{}: invalid YAML: {message}", pos.line, pos.col)]
    Yaml {
        /// The file.
        file: String,
        /// Where.
        pos: Pos,
        /// What the parser said.
        message: String,
    },
    /// Two objects share group, kind, namespace and name.
    #[error(
        "{first_file}:{first_line}: {what} is defined twice (again at {second_file}:{second_line}); remove one of them"
    )]
    Duplicate {
        /// `kind/name` (with namespace and group when set).
        what: String,
        /// First definition.
        first_file: String,
        /// Its line.
        first_line: u32,
        /// Second definition.
        second_file: String,
        /// Its line.
        second_line: u32,
    },
    /// Nothing to read.
    #[error("no manifests found in {0}")]
    Empty(String),
}

/// One Kubernetes object and where it came from.
#[derive(Debug, Clone)]
pub struct Object {
    /// `apiVersion`.
    pub api_version: String,
    /// `kind`.
    pub kind: String,
    /// `metadata.name`; `None` for objects with only `generateName`.
    pub name: Option<String>,
    /// `metadata.namespace` as written.
    pub namespace: Option<String>,
    /// The whole object.
    pub node: Node,
    /// The file it came from (`<stdin>` for standard input).
    pub file: Arc<str>,
    /// The line where the object starts.
    pub line: u32,
    /// The chart template it was rendered from (`# Source:` comment in `helm template` output).
    pub template: Option<String>,
}

impl Object {
    /// The API group (`""` for the core group).
    pub fn group(&self) -> &str {
        self.api_version.rsplit_once('/').map_or("", |(g, _)| g)
    }

    /// `kind/name`, as users write it.
    pub fn display_name(&self) -> String {
        format!("{}/{}", self.kind, self.name.as_deref().unwrap_or("<generated>"))
    }
}

/// Everything read from the inputs.
#[derive(Debug, Default)]
pub struct Loaded {
    /// Objects in input order (files sorted, documents in order, List items flattened).
    pub objects: Vec<Object>,
    /// Skipped documents and other notes.
    pub warnings: Vec<Diagnostic>,
    /// Source texts, for excerpts.
    pub sources: Sources,
}

/// Reads every input: `-` is stdin, directories are walked recursively in sorted order.
pub fn load_inputs(inputs: &[PathBuf]) -> Result<Loaded, LoadError> {
    let mut loaded = Loaded::default();
    for input in inputs {
        if input.as_os_str() == "-" {
            let buf = textfile::read_stdin("<stdin>", crate::limits::MAX_INPUT_BYTES)?;
            let text = textfile::utf8("<stdin>", buf)?;
            load_text("<stdin>", text, &mut loaded)?;
            continue;
        }
        let meta = std::fs::metadata(input).map_err(|source| ReadError::io(input.display().to_string(), source))?;
        if meta.is_dir() {
            let mut files = Vec::new();
            let mut visited = textfile::Visited::default();
            visited.first_visit(input);
            walk(input, &mut files, &mut visited, 0, &mut loaded.warnings)?;
            for f in files {
                load_file(&f, &mut loaded)?;
            }
        } else {
            load_file(input, &mut loaded)?;
        }
    }
    check_duplicates(&loaded.objects)?;
    Ok(loaded)
}

/// Collects manifest files in sorted order; symlink cycles, special files and levels past
/// the limit are skipped with a warning.
fn walk(
    dir: &Path,
    out: &mut Vec<PathBuf>,
    visited: &mut textfile::Visited,
    depth: usize,
    warnings: &mut Vec<Diagnostic>,
) -> Result<(), LoadError> {
    let skipped = |p: &Path, why: String| {
        Diagnostic::new("skipped-file", Severity::Warning, format!("skipped {}: {why}", p.display()))
    };
    if depth > crate::limits::MAX_WALK_DEPTH {
        warnings.push(skipped(dir, format!("deeper than {} directory levels", crate::limits::MAX_WALK_DEPTH)));
        return Ok(());
    }
    let io = |source| LoadError::from(ReadError::io(dir.display().to_string(), source));
    let mut entries: Vec<PathBuf> =
        std::fs::read_dir(dir).map_err(io)?.map(|e| e.map(|e| e.path())).collect::<Result<_, _>>().map_err(io)?;
    entries.sort();
    for path in entries {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        if name.starts_with('.') {
            continue;
        }
        if path.is_dir() {
            if visited.first_visit(&path) {
                walk(&path, out, visited, depth + 1, warnings)?;
            } else {
                warnings.push(skipped(&path, "a directory already walked (symlink cycle)".into()));
            }
        } else if has_manifest_extension(&path) {
            match std::fs::metadata(&path).ok().and_then(|m| textfile::kind_name(m.file_type())) {
                Some(what) => warnings.push(skipped(&path, format!("not a regular file ({what})"))),
                None => out.push(path),
            }
        }
    }
    Ok(())
}

fn has_manifest_extension(path: &Path) -> bool {
    matches!(path.extension().and_then(|e| e.to_str()), Some("yaml" | "yml" | "json"))
}

fn load_file(path: &Path, loaded: &mut Loaded) -> Result<(), LoadError> {
    let display = path.display().to_string();
    let text = textfile::read(path, &display)?;
    load_text(&display, text, loaded)
}

/// Parses one source text and appends its objects.
pub fn load_text(file: &str, text: String, loaded: &mut Loaded) -> Result<(), LoadError> {
    let docs = yaml::parse_stream(&text).map_err(|e| LoadError::Yaml {
        file: file.to_string(),
        pos: e.pos,
        message: e.message,
    })?;
    let sources = helm_source_comments(&text);
    let file_arc: Arc<str> = Arc::from(file);
    for doc in docs {
        let Some(root) = doc.root.filter(|r| !r.is_null()) else {
            loaded.warnings.push(skip(file, doc.line, "empty document"));
            continue;
        };
        let line = root.pos.line;
        let template = sources.iter().rev().find(|(l, _)| *l <= line).map(|(_, s)| s.clone());
        add_object(file, &file_arc, root, template, loaded);
    }
    loaded.sources.insert(file.to_string(), text);
    Ok(())
}

fn skip(file: &str, line: u32, why: &str) -> Diagnostic {
    Diagnostic::new("skipped-document", Severity::Warning, format!("skipped: {why}")).at(file, line, 1)
}

fn add_object(file: &str, file_arc: &Arc<str>, root: Node, template: Option<String>, loaded: &mut Loaded) {
    let line = root.pos.line;
    let api_version = root.get("apiVersion").and_then(Node::as_str).map(str::to_string);
    let kind = root.get("kind").and_then(Node::as_str).map(str::to_string);
    let (Some(api_version), Some(kind)) = (api_version, kind) else {
        loaded.warnings.push(skip(file, line, "not a Kubernetes object (no apiVersion and kind)"));
        return;
    };
    if kind == "Kustomization" || api_version.starts_with("kustomize.config.k8s.io/") {
        loaded.warnings.push(skip(file, line, "kustomize configuration, not a cluster object"));
        return;
    }
    if kind.ends_with("List") {
        if let Some(Value::Seq(items)) = root.get("items").map(|n| n.value.clone()) {
            for item in items {
                add_object(file, file_arc, item, template.clone(), loaded);
            }
            return;
        }
    }
    let name = root.str_at(&["metadata", "name"]).map(str::to_string);
    if name.is_none() && root.str_at(&["metadata", "generateName"]).is_none() {
        loaded.warnings.push(skip(
            file,
            line,
            &format!("{kind} has neither metadata.name nor generateName, so the API server would refuse it"),
        ));
        return;
    }
    let namespace = root.str_at(&["metadata", "namespace"]).map(str::to_string);
    loaded.objects.push(Object {
        api_version,
        kind,
        name,
        namespace,
        node: root,
        file: file_arc.clone(),
        line,
        template,
    });
}

/// `# Source: <chart>/templates/<file>` lines of `helm template` output, by line number.
fn helm_source_comments(text: &str) -> Vec<(u32, String)> {
    text.lines()
        .enumerate()
        .filter_map(|(i, l)| {
            l.strip_prefix("# Source: ").map(|s| (u32::try_from(i + 1).unwrap_or(u32::MAX), s.trim().to_string()))
        })
        .collect()
}

fn check_duplicates(objects: &[Object]) -> Result<(), LoadError> {
    let mut seen: std::collections::HashMap<(String, String, String, String), &Object> =
        std::collections::HashMap::new();
    for o in objects {
        let Some(name) = &o.name else { continue };
        let ns = if crate::kube::is_cluster_scoped(&o.kind, o.group()) {
            String::new()
        } else {
            o.namespace.clone().unwrap_or_default()
        };
        let key = (o.group().to_string(), o.kind.clone(), ns.clone(), name.clone());
        if let Some(first) = seen.get(&key) {
            let mut what = o.display_name();
            if !ns.is_empty() {
                what = format!("{what} in namespace {ns}");
            }
            if !o.group().is_empty() {
                what = format!("{what} ({})", o.group());
            }
            return Err(LoadError::Duplicate {
                what,
                first_file: first.file.to_string(),
                first_line: first.line,
                second_file: o.file.to_string(),
                second_line: o.line,
            });
        }
        seen.insert(key, o);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Result<Loaded, LoadError> {
        let mut l = Loaded::default();
        load_text("in.yaml", text.to_string(), &mut l)?;
        check_duplicates(&l.objects)?;
        Ok(l)
    }

    #[test]
    fn lists_are_flattened_and_non_objects_skipped_with_their_line() {
        let l = load("apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: a}\n---\nfoo: bar\n---\napiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n").unwrap();
        assert_eq!(l.objects.len(), 1);
        assert_eq!(l.objects[0].line, 4);
        let lines: Vec<u32> = l.warnings.iter().map(|w| w.location.as_ref().unwrap().line).collect();
        assert_eq!(lines, vec![8, 10]);
    }

    #[test]
    fn duplicates_name_both_locations() {
        let err = load("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n").unwrap_err();
        assert_eq!(err.to_string(), "in.yaml:1: ConfigMap/a is defined twice (again at in.yaml:5); remove one of them");
    }

    #[test]
    fn helm_source_comments_name_the_template() {
        let l = load("---\n# Source: app/templates/cm.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n")
            .unwrap();
        assert_eq!(l.objects[0].template.as_deref(), Some("app/templates/cm.yaml"));
    }
}
