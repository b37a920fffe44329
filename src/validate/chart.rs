//! Loads a chart (directory or `.tgz`) and its `charts/` subcharts the way Helm's loader does,
//! keeping only what validation needs: metadata, dependencies, `values.yaml` and the schema.

use std::collections::BTreeMap;
use std::path::Path;

use super::ValidateError;
use super::helmignore::HelmIgnore;
use super::tree::{ValueKind, ValueNode};
use crate::limits;

use crate::chart::meta::{self, FileKind, MetaError, Reading};
pub use crate::chart::meta::{Dependency, Import};

/// A loaded chart.
#[derive(Debug, Clone)]
pub struct Chart {
    /// `name` from Chart.yaml (replaced by the alias when Helm processes dependencies).
    pub name: String,
    /// `version` from Chart.yaml.
    pub version: String,
    /// Default values (`values.yaml`), a map.
    pub values: ValueNode,
    /// The schema document, if the chart has one (shared: charts are cloned for every run).
    pub schema: Option<std::sync::Arc<serde_json::Value>>,
    /// Where the schema file is, for messages.
    pub schema_path: String,
    /// The chart's other JSON files (outside `charts/`) by path in the chart: the only files a
    /// local `$ref` may name (shared like `schema`).
    pub schema_files: std::sync::Arc<BTreeMap<String, Vec<u8>>>,
    /// Declared dependencies.
    pub deps: Vec<Dependency>,
    /// The file that declares them (`Chart.yaml` or `requirements.yaml`), for positions
    /// (shared like `schema`).
    pub deps_file: std::sync::Arc<SourceFile>,
    /// Charts found under `charts/`, sorted by directory or archive name.
    pub subcharts: Vec<Chart>,
    /// A number unique to this chart in the loaded tree (schemas are compiled per id).
    pub id: usize,
}

/// A source file of the chart tree: its display name and text, for positions and excerpts.
#[derive(Debug, Clone, Default)]
pub struct SourceFile {
    /// As shown in diagnostics.
    pub name: String,
    /// The text.
    pub text: String,
}

/// Loads the chart at `path`; `sources` collects every `values.yaml` (their index is the
/// `Origin::src` of the chart's default values).
///
/// # Errors
/// A missing or unreadable chart, a broken `Chart.yaml`, `values.yaml` or schema file.
pub fn load(path: &Path, multi_doc: bool, sources: &mut Vec<SourceFile>) -> Result<Chart, ValidateError> {
    let display = path.display().to_string();
    let meta = std::fs::metadata(path).map_err(|e| ValidateError::Unreadable {
        path: display.clone(),
        what: "chart",
        reason: super::io_reason(&e),
    })?;
    let budget = crate::chart::Budget::default();
    let files = if meta.is_dir() {
        // Like Helm's directory loader, the chart root's .helmignore applies to the whole tree.
        let ignore = crate::textfile::read_if_exists(&path.join(".helmignore"), &display, limits::MAX_CHART_FILE_BYTES)
            .map_err(read_error)?
            .map(|b| HelmIgnore::parse(&String::from_utf8_lossy(&b)))
            .unwrap_or_default();
        let mut files = BTreeMap::new();
        let mut visited = crate::textfile::Visited::default();
        visited.first_visit(path);
        read_dir_files(path, "", &ignore, &mut files, &mut visited)?;
        files
    } else {
        let bytes = crate::textfile::read_bytes(path, &display, limits::MAX_CHART_BYTES).map_err(read_error)?;
        untar(&bytes, &display, 0, &budget)?
    };
    let mut next_id = 0;
    from_files(files, &display, multi_doc, sources, &mut next_id, 0, &budget)
}

fn read_error(e: crate::textfile::ReadError) -> ValidateError {
    ValidateError::Read(e)
}

/// Which files of a chart tree matter: the chart's own metadata, values and schema, JSON files
/// (which local `$ref`s may name), and every entry under `charts/` (recursively, with the same
/// rule).
fn keep(rel: &str) -> bool {
    let parts: Vec<&str> = rel.split('/').collect();
    let mut i = 0;
    loop {
        match parts.len() - i {
            0 => return false,
            1 => {
                return matches!(parts[i], "Chart.yaml" | "values.yaml" | "requirements.yaml") || is_json(parts[i]);
            }
            2 if parts[i] == "charts" => return true,
            _ if parts[i] == "charts" => i += 2,
            _ => return parts.last().is_some_and(|f| is_json(f)),
        }
    }
}

fn is_json(name: &str) -> bool {
    name.ends_with(".json")
}

fn read_dir_files(
    root: &Path,
    rel: &str,
    ignore: &HelmIgnore,
    out: &mut BTreeMap<String, Vec<u8>>,
    visited: &mut crate::textfile::Visited,
) -> Result<(), ValidateError> {
    let dir = if rel.is_empty() { root.to_path_buf() } else { root.join(rel) };
    let entries = std::fs::read_dir(&dir).map_err(|e| ValidateError::Unreadable {
        path: dir.display().to_string(),
        what: "directory",
        reason: super::io_reason(&e),
    })?;
    let mut names: Vec<(String, bool)> = Vec::new();
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let is_dir = e.path().is_dir();
        names.push((name, is_dir));
    }
    names.sort();
    for (name, is_dir) in names {
        let child = if rel.is_empty() { name } else { format!("{rel}/{name}") };
        if ignore.ignored(&child, is_dir) {
            continue;
        }
        if is_dir {
            // Only descend where a kept file can live (JSON files can live anywhere).
            // A symlink back up the tree is followed once, not forever.
            if (keep(&format!("{child}/Chart.yaml")) || keep(&format!("{child}/x.json")))
                && visited.first_visit(&root.join(&child))
            {
                read_dir_files(root, &child, ignore, out, visited)?;
            }
        } else if keep(&child) {
            // Helm's directory loader holds every file to MaxDecompressedFileSize too.
            let p = root.join(&child);
            let bytes = crate::textfile::read_bytes(&p, &p.display().to_string(), limits::MAX_CHART_FILE_BYTES)
                .map_err(read_error)?;
            out.insert(child, bytes);
        }
    }
    Ok(())
}

/// Reads a chart archive at nesting level `depth`; like Helm, the first path component (the
/// chart directory) is dropped.
fn untar(
    bytes: &[u8],
    display: &str,
    depth: usize,
    budget: &crate::chart::Budget,
) -> Result<BTreeMap<String, Vec<u8>>, ValidateError> {
    let files =
        crate::chart::read_archive(bytes, depth, budget, &|p| p.split_once('/').is_some_and(|(_, rel)| keep(rel)))
            .map_err(|error| ValidateError::Archive { archive: display.to_string(), error })?;
    let out: BTreeMap<String, Vec<u8>> = files
        .into_iter()
        .filter_map(|(path, data)| path.split_once('/').map(|(_, rel)| (rel.to_string(), data)))
        .collect();
    if out.is_empty() {
        return Err(ValidateError::EmptyArchive { archive: display.to_string() });
    }
    Ok(out)
}

fn text_of(bytes: Vec<u8>, name: &str) -> Result<String, ValidateError> {
    String::from_utf8(bytes)
        .map_err(|e| ValidateError::NotUtf8 { file: name.to_string(), byte: e.utf8_error().valid_up_to() })
}

fn from_files(
    mut files: BTreeMap<String, Vec<u8>>,
    display: &str,
    multi_doc: bool,
    sources: &mut Vec<SourceFile>,
    next_id: &mut usize,
    depth: usize,
    budget: &crate::chart::Budget,
) -> Result<Chart, ValidateError> {
    if depth > limits::MAX_SUBCHART_DEPTH {
        return Err(ValidateError::TooDeep { chart: display.to_string(), limit: limits::MAX_SUBCHART_DEPTH });
    }
    let id = *next_id;
    *next_id += 1;
    let chart_yaml_name = format!("{display}/Chart.yaml");
    let Some(chart_yaml) = files.remove("Chart.yaml") else {
        return Err(ValidateError::NoChartYaml { chart: display.to_string() });
    };
    let chart_yaml = text_of(chart_yaml, &chart_yaml_name)?;
    let meta = parse_meta(&chart_yaml, &chart_yaml_name, FileKind::Chart)?;
    // Helm's loader wants a string name; `name: 1` has none.
    let name = meta.root.as_ref().and_then(|m| m.str_at(&["name"])).unwrap_or_default().to_string();
    if name.is_empty() {
        return Err(ValidateError::NoName { file: chart_yaml_name });
    }
    let version = meta.version.unwrap_or_default();
    let mut deps = meta.deps;
    let mut deps_file = SourceFile { name: chart_yaml_name, text: chart_yaml };
    if let Some(req) = files.remove("requirements.yaml") {
        let req_name = format!("{display}/requirements.yaml");
        let req_text = text_of(req, &req_name)?;
        let req = parse_meta(&req_text, &req_name, FileKind::Requirements)?;
        if req.root.is_some() {
            deps = req.deps;
            deps_file = SourceFile { name: req_name, text: req_text };
        }
    }

    let values = match files.remove("values.yaml") {
        None => ValueNode::empty_map(),
        Some(bytes) => {
            let vname = format!("{display}/values.yaml");
            let text = text_of(bytes, &vname)?;
            let src = u32::try_from(sources.len()).unwrap_or(u32::MAX);
            let v = super::values::read_values(&text, src, multi_doc).map_err(|e| ValidateError::Values {
                file: vname.clone(),
                line: e.line,
                col: e.col,
                message: e.message,
            })?;
            sources.push(SourceFile { name: vname, text });
            v
        }
    };

    let schema_path = format!("{display}/values.schema.json");
    let schema = match files.remove("values.schema.json") {
        None => None,
        Some(bytes) => {
            let text = text_of(bytes, &schema_path)?;
            let doc: serde_json::Value = serde_json::from_str(&text).map_err(|e| ValidateError::SchemaJson {
                file: schema_path.clone(),
                line: e.line(),
                col: e.column(),
                message: strip_pos(&e),
            })?;
            Some(std::sync::Arc::new(doc))
        }
    };

    // Group the rest by the entry directly under charts/; JSON files outside it are the chart's.
    let mut groups: BTreeMap<String, BTreeMap<String, Vec<u8>>> = BTreeMap::new();
    let mut schema_files = BTreeMap::new();
    for (rel, data) in files {
        let Some(rest) = rel.strip_prefix("charts/") else {
            if is_json(&rel) {
                schema_files.insert(rel, data);
            }
            continue;
        };
        if rest.ends_with(".prov") {
            continue;
        }
        let (cname, inner) = rest.split_once('/').unwrap_or((rest, ""));
        groups.entry(cname.to_string()).or_default().insert(inner.to_string(), data);
    }
    let mut subcharts = Vec::new();
    for (cname, mut group) in groups {
        if cname.starts_with(['_', '.']) {
            continue;
        }
        let sub_display = format!("{display}/charts/{cname}");
        let sub = if Path::new(&cname).extension().is_some_and(|e| e == "tgz") {
            let data = group.remove("").unwrap_or_default();
            let inner = untar(&data, &sub_display, depth + 1, budget)?;
            from_files(inner, &sub_display, multi_doc, sources, next_id, depth + 1, budget)
        } else {
            group.remove("");
            from_files(group, &sub_display, multi_doc, sources, next_id, depth + 1, budget)
        };
        subcharts.push(sub.map_err(|e| ValidateError::Subchart {
            name: cname.clone(),
            parent: name.clone(),
            error: Box::new(e),
        })?);
    }
    let schema_files = std::sync::Arc::new(schema_files);
    let deps_file = std::sync::Arc::new(deps_file);
    Ok(Chart { name, version, values, schema, schema_path, schema_files, deps, deps_file, subcharts, id })
}

fn strip_pos(e: &serde_json::Error) -> String {
    let s = e.to_string();
    match s.rfind(" at line ") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

/// `Chart.yaml` or `requirements.yaml` read as Helm's loader does.
fn parse_meta(text: &str, name: &str, kind: FileKind) -> Result<meta::DependencyFile, ValidateError> {
    meta::parse(name, kind, text, Reading::Loader).map_err(|e| {
        let (file, line, col) = (name.to_string(), e.pos().line, e.pos().col);
        match e {
            MetaError::Yaml { message, .. } => ValidateError::Yaml { file, line, col, message },
            MetaError::DependenciesNotList { .. } => ValidateError::DependenciesNotList { file, line, col },
            // The loader reading refuses nothing else; should that change, say what.
            other => ValidateError::Yaml { file, line, col, message: other.to_string() },
        }
    })
}

/// Helm's `IsCompatibleRange`: a Masterminds constraint check that is false on any parse error.
pub fn compatible(constraint: &str, version: &str) -> bool {
    use crate::chart::constraint::{Constraint, parse_version};
    match (Constraint::parse(constraint), parse_version(version)) {
        (Ok(c), Ok(v)) => c.matches(&v),
        _ => false,
    }
}

impl Chart {
    /// Every chart in the tree, depth first.
    pub fn all(&self) -> Vec<&Chart> {
        let mut out = vec![self];
        for s in &self.subcharts {
            out.extend(s.all());
        }
        out
    }

    /// A map of this chart's values (they are a map by construction).
    pub fn values_map(&self) -> &super::tree::Map {
        match &self.values.kind {
            ValueKind::Map(m) => m,
            _ => unreachable!("chart values are always a map"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::keep;

    #[test]
    fn only_metadata_values_schema_and_subcharts_are_read() {
        assert!(keep("Chart.yaml"));
        assert!(keep("values.schema.json"));
        assert!(!keep("templates/deploy.yaml"));
        assert!(keep("schemas/defs.json") && keep("defs.json") && keep("charts/sub/schemas/defs.json"));
        assert!(keep("charts/sub-1.0.0.tgz"));
        assert!(keep("charts/sub/values.yaml"));
        assert!(!keep("charts/sub/templates/x.yaml"));
        assert!(keep("charts/sub/charts/deeper/Chart.yaml"));
    }
}
