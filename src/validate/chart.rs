//! Loads a chart (directory or `.tgz`) and its `charts/` subcharts the way Helm's loader does,
//! keeping only what validation needs: metadata, dependencies, `values.yaml` and the schema.

use std::collections::BTreeMap;
use std::path::Path;

use super::ValidateError;
use super::tree::{ValueKind, ValueNode};
use crate::chart::{Files, files};
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
    let budget = crate::chart::Budget::default();
    let files = files::load(path, &display, &budget, &SELECT).map_err(load_error)?;
    Loader { multi_doc, sources, next_id: 0, budget: &budget }.chart(files, &display, 0)
}

/// Refuses a values file named on the command line that lies in the chart directory but is a
/// symbolic link out of it: a chart's files stay confined to the chart however they are named
/// (`validate` with no `-f` finds `values-*.yaml` there itself).
///
/// # Errors
/// [`crate::textfile::ReadError::OutsideChart`].
pub fn check_values_file(chart: &Path, file: &Path) -> Result<(), ValidateError> {
    let Ok(root) = chart.canonicalize() else { return Ok(()) };
    let (Some(name), Some(parent)) = (file.file_name(), file.parent()) else { return Ok(()) };
    let parent = if parent.as_os_str().is_empty() { Path::new(".") } else { parent };
    // Where the file itself lies (its directory resolved, not the file).
    let lies = parent.canonicalize().map(|p| p.join(name));
    if root.is_dir() && lies.is_ok_and(|l| l.starts_with(&root)) {
        crate::textfile::check_inside(&root, file, &file.display().to_string()).map_err(ValidateError::Read)?;
    }
    Ok(())
}

fn load_error(e: files::LoadError) -> ValidateError {
    match e {
        files::LoadError::Io { path, what, err } => {
            ValidateError::Unreadable { path, what, reason: super::io_reason(&err) }
        }
        files::LoadError::Read(e) => ValidateError::Read(e),
        files::LoadError::Ignore(e) => ValidateError::HelmIgnore(e),
        files::LoadError::Archive { archive, error } => ValidateError::Archive { archive, error },
        files::LoadError::EmptyArchive { archive } => ValidateError::EmptyArchive { archive },
    }
}

/// What validation reads of a chart tree.
const SELECT: files::Select<'static> = files::Select {
    file: &keep,
    // Only descend where a kept file can live (JSON files can live anywhere).
    dir: &|dir| keep(&format!("{dir}/Chart.yaml")) || keep(&format!("{dir}/x.json")),
};

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

fn text_of(bytes: Vec<u8>, name: &str) -> Result<String, ValidateError> {
    String::from_utf8(bytes)
        .map_err(|e| ValidateError::NotUtf8 { file: name.to_string(), byte: e.utf8_error().valid_up_to() })
}

/// Builds the charts of one tree from their files, numbering them as it goes.
struct Loader<'a> {
    multi_doc: bool,
    /// Every `values.yaml` read, in load order.
    sources: &'a mut Vec<SourceFile>,
    next_id: usize,
    budget: &'a crate::chart::Budget,
}

/// A chart's name, version and dependencies, and the file that declares them.
struct Metadata {
    name: String,
    version: String,
    deps: Vec<Dependency>,
    deps_file: SourceFile,
}

impl Loader<'_> {
    /// The chart at subchart level `depth` whose files (by path in the chart) are `files`.
    fn chart(&mut self, mut files: Files, display: &str, depth: usize) -> Result<Chart, ValidateError> {
        if depth > limits::MAX_SUBCHART_DEPTH {
            return Err(ValidateError::TooDeep { chart: display.to_string(), limit: limits::MAX_SUBCHART_DEPTH });
        }
        let id = self.next_id;
        self.next_id += 1;
        let Metadata { name, version, deps, deps_file } = metadata(&mut files, display)?;
        let values = self.default_values(&mut files, display)?;
        let schema_path = format!("{display}/values.schema.json");
        let schema = schema(&mut files, &schema_path)?;
        // Group the rest by the entry directly under charts/; JSON files outside it are the chart's.
        let mut groups: BTreeMap<String, Files> = BTreeMap::new();
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
        for (cname, group) in groups {
            if cname.starts_with(['_', '.']) {
                continue;
            }
            let sub = self.subchart(&cname, group, display, depth + 1);
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

    /// The entry `cname` under the parent's `charts/`: a directory's files, or an archive
    /// (the group's one file, at path "").
    fn subchart(&mut self, cname: &str, mut group: Files, parent: &str, depth: usize) -> Result<Chart, ValidateError> {
        let display = format!("{parent}/charts/{cname}");
        let own = group.remove("");
        if Path::new(cname).extension().is_some_and(|e| e == "tgz") {
            let data = own.unwrap_or_default();
            let inner = files::unpack(&data, &display, depth, self.budget, &keep).map_err(load_error)?;
            self.chart(inner, &display, depth)
        } else {
            self.chart(group, &display, depth)
        }
    }

    /// `values.yaml` (an empty map without one), recorded in `sources`.
    fn default_values(&mut self, files: &mut Files, display: &str) -> Result<ValueNode, ValidateError> {
        let Some(bytes) = files.remove("values.yaml") else { return Ok(ValueNode::empty_map()) };
        let vname = format!("{display}/values.yaml");
        let text = text_of(bytes, &vname)?;
        let src = u32::try_from(self.sources.len()).unwrap_or(u32::MAX);
        let v = super::values::read_values(&text, src, self.multi_doc).map_err(|e| ValidateError::Values {
            file: vname.clone(),
            line: e.line,
            col: e.col,
            message: e.message,
        })?;
        self.sources.push(SourceFile { name: vname, text });
        Ok(v)
    }
}

/// `Chart.yaml`, and `requirements.yaml` whose dependencies replace its own when it has any
/// content.
fn metadata(files: &mut Files, display: &str) -> Result<Metadata, ValidateError> {
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
    let mut out = Metadata {
        name,
        version: meta.version.unwrap_or_default(),
        deps: meta.deps,
        deps_file: SourceFile { name: chart_yaml_name, text: chart_yaml },
    };
    if let Some(req) = files.remove("requirements.yaml") {
        let req_name = format!("{display}/requirements.yaml");
        let req_text = text_of(req, &req_name)?;
        let req = parse_meta(&req_text, &req_name, FileKind::Requirements)?;
        if req.root.is_some() {
            out.deps = req.deps;
            out.deps_file = SourceFile { name: req_name, text: req_text };
        }
    }
    Ok(out)
}

/// `values.schema.json`, if the chart has one.
fn schema(files: &mut Files, schema_path: &str) -> Result<Option<std::sync::Arc<serde_json::Value>>, ValidateError> {
    let Some(bytes) = files.remove("values.schema.json") else { return Ok(None) };
    let text = text_of(bytes, schema_path)?;
    let doc: serde_json::Value = serde_json::from_str(&text).map_err(|e| ValidateError::SchemaJson {
        file: schema_path.to_string(),
        line: e.line(),
        col: e.column(),
        message: strip_pos(&e),
    })?;
    Ok(Some(std::sync::Arc::new(doc)))
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
