//! Reads Kubernetes manifests from files, directories and stdin, as `generate` and `lint` see them.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::diag::{Diagnostic, Severity, Sources};
use crate::textfile::{self, ReadError};
use crate::yaml::{self, DuplicateKey, Node, Pos, Value};

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
    /// Objects share group, kind, namespace and name: every such pair, in input order.
    #[error("{}", describe_duplicates(.0))]
    Duplicates(Vec<Duplicate>),
    /// Nothing to read.
    #[error("no manifests found in {0}")]
    Empty(String),
}

/// An object defined again: the first definition and a later one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Duplicate {
    /// `kind/name` (with namespace and group when set).
    pub what: String,
    /// First definition: file and line.
    pub first: (String, u32),
    /// The later definition: file and line.
    pub again: (String, u32),
}

impl std::fmt::Display for Duplicate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}:{}: {} is defined twice (again at {}:{})",
            self.first.0, self.first.1, self.what, self.again.0, self.again.1
        )
    }
}

/// One pair: one sentence; several: a count, then one pair per line, so one run shows them all.
fn describe_duplicates(dups: &[Duplicate]) -> String {
    match dups {
        [one] => format!("{one}; remove one of them"),
        _ => {
            let lines: Vec<String> = dups.iter().map(|d| format!("  {d}")).collect();
            format!("{} objects are defined twice; remove one of each:\n{}", dups.len(), lines.join("\n"))
        }
    }
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
    /// Mapping keys written twice inside the object (the last value is the one kept).
    pub duplicate_keys: Vec<DuplicateKey>,
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

    /// What makes the object unique in a cluster: group, kind, namespace (empty for
    /// cluster-scoped kinds) and name; `None` for objects with only `generateName`.
    pub fn identity(&self) -> Option<(String, String, String, String)> {
        let name = self.name.clone()?;
        let ns = if crate::kube::is_cluster_scoped(&self.kind, self.group()) {
            String::new()
        } else {
            self.namespace.clone().unwrap_or_default()
        };
        Some((self.group().to_string(), self.kind.clone(), ns, name))
    }
}

/// A kustomize `kustomization.yaml` of the input: not a cluster object, but the ConfigMaps and
/// Secrets its generators create are.
#[derive(Debug, Clone)]
pub struct Kustomization {
    /// The file.
    pub file: Arc<str>,
    /// Its content.
    pub node: Node,
}

/// How forgiving [`load_inputs_with`] is; the default is what `generate` needs.
#[derive(Debug, Clone, Copy, Default)]
pub struct LoadOptions {
    /// Keep objects that share group, kind, namespace and name (lint reports them) instead of failing.
    pub keep_duplicates: bool,
    /// Record a file that is not valid YAML in [`Loaded::invalid`] and go on with the next one.
    pub keep_going: bool,
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
    /// Files that could not be parsed (only with [`LoadOptions::keep_going`]).
    pub invalid: Vec<LoadError>,
    /// kustomize configurations found in the input.
    pub kustomizations: Vec<Kustomization>,
}

/// Reads every input: `-` is stdin, directories are walked recursively in sorted order.
pub fn load_inputs(inputs: &[PathBuf]) -> Result<Loaded, LoadError> {
    load_inputs_with(inputs, LoadOptions::default())
}

/// Like [`load_inputs`], as forgiving as `options` say.
pub fn load_inputs_with(inputs: &[PathBuf], options: LoadOptions) -> Result<Loaded, LoadError> {
    let mut loaded = Loaded::default();
    let keep_going = |r: Result<(), LoadError>, loaded: &mut Loaded| match r {
        Err(e @ LoadError::Yaml { .. }) if options.keep_going => {
            loaded.invalid.push(e);
            Ok(())
        }
        r => r,
    };
    for input in inputs {
        if input.as_os_str() == "-" {
            let buf = textfile::read_stdin("<stdin>", crate::limits::MAX_INPUT_BYTES)?;
            let text = textfile::utf8("<stdin>", buf)?;
            let r = load_text("<stdin>", text, &mut loaded);
            keep_going(r, &mut loaded)?;
            continue;
        }
        let meta = std::fs::metadata(input).map_err(|source| ReadError::io(input.display().to_string(), source))?;
        if meta.is_dir() {
            let mut files = Vec::new();
            let mut visited = textfile::Visited::default();
            visited.first_visit(input);
            walk(input, &mut files, &mut visited, 0, &mut loaded.warnings)?;
            skip_kustomize_patches(&mut files, &mut loaded.warnings);
            for f in files {
                let r = load_file(&f, &mut loaded);
                keep_going(r, &mut loaded)?;
            }
        } else {
            let r = load_file(input, &mut loaded);
            keep_going(r, &mut loaded)?;
        }
    }
    if !options.keep_duplicates {
        check_duplicates(&loaded.objects)?;
    }
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

/// Takes out of `files` the patch files of the kustomizations among them (`patches`,
/// `patchesStrategicMerge`, `patchesJson6902`): fragments of the objects of its resources, not
/// objects, so they would read as half-written duplicates. One note per kustomization says how
/// to get the objects it makes.
fn skip_kustomize_patches(files: &mut Vec<PathBuf>, warnings: &mut Vec<Diagnostic>) {
    let kustomizations: Vec<PathBuf> =
        files.iter().filter(|f| is_kustomization_file(&f.to_string_lossy())).cloned().collect();
    for k in kustomizations {
        let dir = k.parent().unwrap_or_else(|| Path::new("."));
        let patches: Vec<PathBuf> =
            patch_paths(&k).iter().filter_map(|p| std::fs::canonicalize(dir.join(p)).ok()).collect();
        if patches.is_empty() {
            continue;
        }
        let before = files.len();
        files.retain(|f| std::fs::canonicalize(f).map_or(true, |c| !patches.contains(&c)));
        let skipped = before - files.len();
        if skipped == 0 {
            continue;
        }
        let d = dir.display();
        warnings.push(Diagnostic::new(
            "skipped-file",
            Severity::Warning,
            format!(
                "skipped {skipped} kustomize patch file{} of {}: patches are not objects; for the objects this kustomization makes, run `kubectl kustomize {d}`, or give generate the directory as --env NAME={d}",
                if skipped == 1 { "" } else { "s" },
                k.display()
            ),
        ));
    }
}

/// The patch files a kustomization file names (inline patches name none); nothing when it does
/// not parse, which its own load reports.
fn patch_paths(kustomization: &Path) -> Vec<String> {
    let Ok(text) = std::fs::read_to_string(kustomization) else { return Vec::new() };
    let Ok(docs) = yaml::parse_stream(&text) else { return Vec::new() };
    let Some(root) = docs.into_iter().find_map(|d| d.root) else { return Vec::new() };
    let mut out = Vec::new();
    for key in ["patches", "patchesStrategicMerge", "patchesJson6902"] {
        for item in root.get(key).and_then(Node::as_seq).into_iter().flatten() {
            let path = match &item.value {
                // A one-line string is a file; an inline patch spans lines.
                Value::Str(s) if !s.contains('\n') => Some(s.as_str()),
                _ => item.str_at(&["path"]),
            };
            out.extend(path.map(str::to_string));
        }
    }
    out
}

fn has_manifest_extension(path: &Path) -> bool {
    matches!(path.extension().and_then(|e| e.to_str()), Some("yaml" | "yml" | "json"))
}

fn load_file(path: &Path, loaded: &mut Loaded) -> Result<(), LoadError> {
    let display = path.display().to_string();
    let text = textfile::read(path, &display)?;
    load_text(&display, text, loaded)
}

/// Parses one source text and appends its objects. The text is kept for excerpts even when it
/// is not valid YAML.
pub fn load_text(file: &str, text: String, loaded: &mut Loaded) -> Result<(), LoadError> {
    let parsed = yaml::parse_stream(&text);
    let sources = helm_source_comments(&text);
    loaded.sources.insert(file.to_string(), text);
    let docs = parsed.map_err(|e| LoadError::Yaml { file: file.to_string(), pos: e.pos, message: e.message })?;
    let file_arc: Arc<str> = Arc::from(file);
    let kustomization = is_kustomization_file(file);
    for doc in docs {
        let Some(root) = doc.root.filter(|r| !r.is_null()) else {
            loaded.warnings.push(skip(file, doc.line, "empty document"));
            continue;
        };
        let line = root.pos.line;
        if kustomization && root.get("kind").is_none() {
            loaded.warnings.push(skip(file, line, "kustomize configuration, not a cluster object"));
            loaded.kustomizations.push(Kustomization { file: file_arc.clone(), node: root });
            continue;
        }
        let before = sources.partition_point(|(l, _)| *l <= line);
        let template = before.checked_sub(1).map(|k| sources[k].1.clone());
        let first = loaded.objects.len();
        add_object(file, &file_arc, root, template, loaded);
        // A duplicate key belongs to the last object of the document that starts before it.
        for dup in doc.duplicate_keys {
            let owner = loaded.objects[first..].iter_mut().rev().find(|o| o.line <= dup.first.line);
            if let Some(o) = owner {
                o.duplicate_keys.push(dup);
            } else if let Some(o) = loaded.objects[first..].first_mut() {
                o.duplicate_keys.push(dup);
            }
        }
    }
    Ok(())
}

/// kustomize reads `kustomization.yaml`, `kustomization.yml` or `Kustomization`; those files need
/// no apiVersion or kind.
fn is_kustomization_file(file: &str) -> bool {
    matches!(
        Path::new(file).file_name().and_then(|n| n.to_str()),
        Some("kustomization.yaml" | "kustomization.yml" | "Kustomization")
    )
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
        loaded.kustomizations.push(Kustomization { file: file_arc.clone(), node: root });
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
        duplicate_keys: Vec::new(),
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

/// Refuses objects that share group, kind, namespace and name, listing every such pair.
pub fn check_duplicates(objects: &[Object]) -> Result<(), LoadError> {
    let mut seen: std::collections::HashMap<(String, String, String, String), &Object> =
        std::collections::HashMap::new();
    let mut dups = Vec::new();
    for o in objects {
        let Some(key) = o.identity() else { continue };
        let ns = key.2.clone();
        if let Some(first) = seen.get(&key) {
            let mut what = o.display_name();
            if !ns.is_empty() {
                what = format!("{what} in namespace {ns}");
            }
            if !o.group().is_empty() {
                what = format!("{what} ({})", o.group());
            }
            dups.push(Duplicate {
                what,
                first: (first.file.to_string(), first.line),
                again: (o.file.to_string(), o.line),
            });
            continue;
        }
        seen.insert(key, o);
    }
    if dups.is_empty() { Ok(()) } else { Err(LoadError::Duplicates(dups)) }
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
    fn every_duplicate_is_listed_in_one_run() {
        let cm = |n: &str| format!("---\napiVersion: v1\nkind: ConfigMap\nmetadata: {{name: {n}}}\n");
        let text = [cm("a"), cm("b"), cm("a"), cm("b"), cm("a")].concat();
        let err = load(&text).unwrap_err().to_string();
        assert_eq!(
            err,
            "3 objects are defined twice; remove one of each:\n  in.yaml:2: ConfigMap/a is defined twice (again at in.yaml:10)\n  in.yaml:6: ConfigMap/b is defined twice (again at in.yaml:14)\n  in.yaml:2: ConfigMap/a is defined twice (again at in.yaml:18)"
        );
    }

    #[test]
    fn helm_source_comments_name_the_template() {
        let l = load("---\n# Source: app/templates/cm.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n")
            .unwrap();
        assert_eq!(l.objects[0].template.as_deref(), Some("app/templates/cm.yaml"));
    }
}
