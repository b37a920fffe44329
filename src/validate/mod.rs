//! `chartwright validate`: values files against a chart's values.schema.json, as Helm sees them.
//!
//! The pipeline is Helm's (4.1.4 by default, 3.17.2 with [`Compat::Helm3`]): `-f` files merged,
//! then the `--set` family by flag kind, then `ProcessDependencies` (conditions, tags, aliases,
//! `import-values`), then `CoalesceValues` (defaults, subchart scoping, `global`), then each
//! enabled chart's schema against its part of the values. Every value keeps the position it was
//! written at, so a failure names the file, line and column that won the merge.

pub mod chart;
pub mod coalesce;
pub mod deps;
pub mod explain;
pub mod guards;
pub mod kube;
pub mod policy;
pub mod reads;
pub mod render;
pub mod report;
pub mod schema;
pub mod strvals;
pub mod tree;
pub mod values;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

pub use coalesce::Compat;
pub use report::{ErrorOut, Report, RunReport};
pub use strvals::SetKind;

use chart::{Chart, SourceFile};
use schema::{Compiled, SchemaOptions};
use tree::{Map, Origin, ValueKind, ValueNode};

/// Why validation could not run at all (exit code 2).
#[derive(Debug, thiserror::Error)]
pub enum ValidateError {
    /// The chart, or a directory in it, cannot be read (the OS reason without its number).
    #[error("{path}: cannot read the {what}: {reason}")]
    Unreadable {
        /// The path as shown to the user.
        path: String,
        /// `chart` or `directory`.
        what: &'static str,
        /// The OS reason.
        reason: String,
    },
    /// A file of the chart, or an input file, is unreadable, not a regular file or too large.
    #[error("{0}")]
    Read(crate::textfile::ReadError),
    /// The chart's `.helmignore` has a line Helm refuses (`**`, a malformed pattern).
    #[error("{0}")]
    HelmIgnore(crate::chart::helmignore::HelmIgnoreError),
    /// A `-f` or values file cannot be opened (the OS reason without its number).
    #[error("{path}: cannot read: {reason}")]
    InputUnreadable {
        /// The path as shown to the user.
        path: String,
        /// The OS reason.
        reason: String,
    },
    /// A file of the chart is not UTF-8.
    #[error("{file}: not UTF-8 text (byte {byte})")]
    NotUtf8 {
        /// The file, under the chart's path.
        file: String,
        /// Offset of the first bad byte.
        byte: usize,
    },
    /// A `.tgz` chart that holds no chart files.
    #[error("{archive}: not a chart archive: no chart files found")]
    EmptyArchive {
        /// The archive as shown to the user.
        archive: String,
    },
    /// A `.tgz` chart that cannot be unpacked within the limits.
    #[error("{archive}: cannot load the chart archive: {error}")]
    Archive {
        /// The archive as shown to the user.
        archive: String,
        /// Why (not a `#[source]`: the message already holds it).
        error: crate::chart::ArchiveError,
    },
    /// Subcharts nested deeper than the limit.
    #[error("{chart}: subcharts nest more than {limit} levels deep")]
    TooDeep {
        /// The chart as shown to the user.
        chart: String,
        /// The limit.
        limit: usize,
    },
    /// A chart without `Chart.yaml`.
    #[error("{chart}: Chart.yaml file is missing")]
    NoChartYaml {
        /// The chart as shown to the user.
        chart: String,
    },
    /// A `Chart.yaml` without a name.
    #[error("{file}: chart.metadata.name is required")]
    NoName {
        /// The `Chart.yaml` path.
        file: String,
    },
    /// `Chart.yaml` or `requirements.yaml` is not YAML.
    #[error("{file}:{line}:{col}: {message}")]
    Yaml {
        /// The file.
        file: String,
        /// 1-based line.
        line: u32,
        /// 1-based column.
        col: u32,
        /// The parser's message.
        message: String,
    },
    /// `dependencies:` is neither a list nor null.
    #[error("{file}:{line}:{col}: dependencies must be a list")]
    DependenciesNotList {
        /// The file.
        file: String,
        /// 1-based line.
        line: u32,
        /// 1-based column.
        col: u32,
    },
    /// The chart's `values.yaml` cannot be loaded.
    #[error("{file}:{line}:{col}: cannot load values.yaml: {message}")]
    Values {
        /// The file.
        file: String,
        /// 1-based line.
        line: u32,
        /// 1-based column.
        col: u32,
        /// Why.
        message: String,
    },
    /// `values.schema.json` is not JSON.
    #[error("{file}:{line}:{col}: invalid JSON: {message}")]
    SchemaJson {
        /// The schema file.
        file: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        col: usize,
        /// The parser's message without its position.
        message: String,
    },
    /// A subchart failed to load; Helm's wording.
    #[error("error unpacking subchart {name} in {parent}: {error}")]
    Subchart {
        /// The entry under `charts/`.
        name: String,
        /// The parent chart's name.
        parent: String,
        /// Why (not a `#[source]`: the message already holds it).
        error: Box<ValidateError>,
    },
    /// A schema does not compile or has an unresolvable `$ref`.
    #[error("{path}: the schema does not compile: {reason}")]
    SchemaCompile {
        /// The schema file.
        path: String,
        /// The compiler's message.
        reason: String,
    },
    /// The guards keyword of a schema is not understood.
    #[error(
        "{path}: {} is not a list of rules this chartwright knows (written by a newer one?): {reason}",
        crate::guard::GUARDS_KEYWORD
    )]
    Guards {
        /// The schema file.
        path: String,
        /// The deserializer's message.
        reason: String,
    },
    /// A `--set` family flag does not parse.
    #[error("failed parsing {flag} data {text:?}: {reason}")]
    SetFlag {
        /// The flag, e.g. `--set`.
        flag: &'static str,
        /// Its first line, clipped.
        text: String,
        /// Why.
        reason: String,
    },
    /// Helm could not give the render stage's verdict.
    #[error(transparent)]
    Render(#[from] render::RenderError),
    /// The Kubernetes schemas for `--kube-version` cannot be used.
    #[error(transparent)]
    Kube(#[from] kube::KubeError),
    /// The `--set` flags together create too many list slots.
    #[error("the --set flags create more than {limit} list entries in total (see README, Limits)")]
    TooManySetSlots {
        /// The limit.
        limit: usize,
    },
}

/// What to validate.
#[derive(Debug, Clone)]
pub struct Options {
    /// Chart directory or `.tgz`.
    pub chart: PathBuf,
    /// Files each checked as their own run; none means one run.
    pub values_files: Vec<PathBuf>,
    /// `-f` files: the common base of every run.
    pub base_files: Vec<PathBuf>,
    /// `--set` family flags in command-line order (precedence is applied by kind).
    pub sets: Vec<(SetKind, String)>,
    /// Helm version whose rules apply.
    pub compat: Compat,
    /// Fetch remote `$ref`s.
    pub allow_remote_refs: bool,
    /// Also run the chart's defaults alone before the `values_files` runs (set when the files
    /// were found by [`chart_values_files`]).
    pub defaults_run: bool,
    /// Warn about keys the schema allows but no template reads.
    pub strict: bool,
    /// The Helm that renders each run after its schema stage passed; `None`: no render stage.
    pub render: Option<render::Engine>,
    /// `--lint`: the lint rules over each rendered run, with this policy.
    pub lint: Option<policy::Policy>,
}

/// The values files a chart keeps for its environments and CI: `values-*.yaml` at its root and
/// `ci/*values*.yaml`, sorted; empty for a packaged chart.
pub fn chart_values_files(chart: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let is_yaml = |n: &str| n.ends_with(".yaml") || n.ends_with(".yml");
    for (dir, wanted) in [
        (chart.to_path_buf(), &(|n: &str| n.starts_with("values-")) as &dyn Fn(&str) -> bool),
        (chart.join("ci"), &|n: &str| n.contains("values")),
    ] {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        let mut found: Vec<PathBuf> = entries
            .flatten()
            .filter(|e| e.path().is_file())
            .filter(|e| e.file_name().to_str().is_some_and(|n| is_yaml(n) && wanted(n)))
            .map(|e| e.path())
            .collect();
        found.sort();
        out.extend(found);
    }
    out
}

/// The loaded chart and compiled schemas, reusable across many runs.
pub struct Prepared {
    chart: Chart,
    has_deps: bool,
    schemas: Vec<Option<Arc<Compiled>>>,
    /// The `x-chartwright-guards` rules of each chart's schema, by chart id.
    guards: Vec<Vec<crate::guard::Guard>>,
    sources: Vec<SourceFile>,
    compat: Compat,
    /// Declared dependencies absent from `charts/`: every run fails on them, as Helm does.
    missing_deps: Vec<ErrorOut>,
}

impl Prepared {
    /// Loads the chart and compiles every schema in its tree once.
    ///
    /// # Errors
    /// The chart or one of its schemas is broken.
    pub fn new(chart_path: &Path, compat: Compat, allow_remote_refs: bool) -> Result<Prepared, ValidateError> {
        let mut sources = Vec::new();
        let chart = chart::load(chart_path, compat == Compat::Helm4, &mut sources)?;
        let opts = SchemaOptions { compat, allow_remote_refs };
        let all = chart.all();
        let mut schemas: Vec<Option<Arc<Compiled>>> = vec![None; all.len()];
        let mut guards = vec![Vec::new(); all.len()];
        for c in all {
            if let Some(doc) = &c.schema {
                schemas[c.id] = Some(Arc::new(schema::compile(doc, &c.schema_path, &c.schema_files, opts)?));
                guards[c.id] = guards::parse(doc, &c.schema_path)?;
            }
        }
        let has_deps = chart.all().iter().any(|c| !c.deps.is_empty());
        let missing_deps = deps::missing(&chart, &display(chart_path));
        Ok(Prepared { chart, has_deps, schemas, guards, sources, compat, missing_deps })
    }

    /// True when no chart in the tree has a schema.
    pub fn has_no_schema(&self) -> bool {
        self.schemas.iter().all(Option::is_none)
    }

    /// The root chart's name.
    pub fn chart_name(&self) -> &str {
        &self.chart.name
    }
}

/// A user-supplied values source of one run.
struct UserSource {
    name: String,
    text: String,
}

/// Runs every check of `opts`.
///
/// # Errors
/// The chart, a schema, a `-f` file or a flag is unusable.
pub fn validate(opts: &Options) -> Result<Report, ValidateError> {
    let prepared = Prepared::new(&opts.chart, opts.compat, opts.allow_remote_refs)?;
    validate_prepared(&prepared, opts)
}

fn read_text(path: &Path) -> Result<Result<String, (u32, u32)>, ValidateError> {
    let name = display(path);
    let read = if name == "-" {
        crate::textfile::read_stdin("stdin", crate::limits::MAX_INPUT_BYTES)
    } else {
        crate::textfile::read_bytes(path, &name, crate::limits::MAX_INPUT_BYTES)
    };
    let bytes = read.map_err(|e| match e {
        crate::textfile::ReadError::Io { path, err } => {
            ValidateError::InputUnreadable { path, reason: io_reason(&err) }
        }
        other => ValidateError::Read(other),
    })?;
    Ok(match String::from_utf8(bytes) {
        Ok(s) => Ok(s),
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            Err(values::utf8_error_position(e.as_bytes(), valid))
        }
    })
}

/// The path as the user typed it.
fn display(p: &Path) -> String {
    p.display().to_string()
}

/// `std::io::Error` without the OS error number.
pub(crate) fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => {
            let s = e.to_string();
            s.split(" (os error").next().unwrap_or(&s).to_string()
        }
    }
}

/// Runs the checks of `opts` against an already prepared chart (the benchmark reuses one).
///
/// # Errors
/// A `-f` file or a flag is unusable.
pub fn validate_prepared(p: &Prepared, opts: &Options) -> Result<Report, ValidateError> {
    for f in opts.base_files.iter().chain(&opts.values_files) {
        chart::check_values_file(&opts.chart, f)?;
    }
    let (base_sources, base, base_error) = base_values(p, opts)?;
    let sets = checked_sets(opts)?;
    let mut notes = Vec::new();
    let reads = if opts.strict { strict_reads(opts, &mut notes) } else { None };
    let kube = match &opts.render {
        Some(engine) => {
            let minor = kube::resolve(engine.kube_version.as_deref(), &engine.program, &mut notes)?;
            notes.push(format!("rendered objects are checked against the Kubernetes 1.{minor} API schemas"));
            Some(kube::Checker::new(minor, &opts.chart)?)
        }
        None => None,
    };
    let ctx = RunCtx {
        kube: kube.as_ref(),
        p,
        base: &base,
        base_sources: &base_sources,
        base_error: base_error.as_ref(),
        sets: &sets,
        reads: reads.as_ref(),
        opts,
        templates: std::sync::OnceLock::new(),
    };
    let mut files: Vec<Option<&PathBuf>> = Vec::new();
    if opts.values_files.is_empty() || opts.defaults_run {
        files.push(None);
    }
    files.extend(opts.values_files.iter().map(Some));
    let runs = ctx.run_all(&files)?;
    if p.has_no_schema() && opts.render.is_none() {
        notes.push(format!(
            "chart {} has no values.schema.json (nor do its subcharts): nothing to check, as Helm does",
            p.chart.name
        ));
    }
    Ok(Report { rendered: opts.render.is_some(), runs, notes })
}

/// The `-f` files, parsed once: the shared base of every run, with their sources and the
/// first error among them (which every run reports).
fn base_values(p: &Prepared, opts: &Options) -> Result<(Vec<UserSource>, Map, Option<ErrorOut>), ValidateError> {
    let multi_doc = p.compat == Compat::Helm4;
    let n_chart = p.sources.len();
    let mut base_sources = Vec::new();
    let mut base = Map::new();
    let mut base_error: Option<ErrorOut> = None;
    for (i, f) in opts.base_files.iter().enumerate() {
        let name = display(f);
        let src = u32::try_from(n_chart + i).unwrap_or(u32::MAX);
        let text = match read_text(f)? {
            Ok(t) => t,
            Err((line, col)) => {
                base_error.get_or_insert_with(|| non_utf8(&p.chart.name, &name, line, col));
                base_sources.push(UserSource { name, text: String::new() });
                continue;
            }
        };
        match values::read_values(&text, src, multi_doc) {
            Ok(v) => {
                if let ValueKind::Map(m) = v.kind {
                    base = values::merge_maps(base, m);
                }
            }
            Err(e) => {
                base_error.get_or_insert_with(|| yaml_error(&p.chart.name, &name, &text, &e));
            }
        }
        base_sources.push(UserSource { name, text });
    }
    Ok((base_sources, base, base_error))
}

/// The `--set` family in Helm's precedence order, checked once so that a malformed flag is a
/// bad invocation rather than a failure of every run.
fn checked_sets(opts: &Options) -> Result<Vec<(SetKind, String)>, ValidateError> {
    let mut sets: Vec<(SetKind, String)> = Vec::new();
    for kind in [SetKind::Json, SetKind::Typed, SetKind::Str, SetKind::File, SetKind::Literal] {
        sets.extend(opts.sets.iter().filter(|(k, _)| *k == kind).cloned());
    }
    let mut slots = 0usize;
    for (kind, text) in &sets {
        let mut scratch = Map::new();
        slots += strvals::parse_into_counted(text, *kind, &mut scratch, None, &read_set_file).map_err(|e| {
            ValidateError::SetFlag {
                flag: kind.flag(),
                text: crate::diag::clip_line(text, 1).0.to_string(),
                reason: e.to_string(),
            }
        })?;
        // Every run holds all flags' lists at once; their sum is what memory depends on.
        if slots > crate::limits::MAX_SET_LIST_SLOTS {
            return Err(ValidateError::TooManySetSlots { limit: crate::limits::MAX_SET_LIST_SLOTS });
        }
    }
    Ok(sets)
}

/// `--strict`: what the chart's templates read, or a note saying why unread keys cannot be
/// told.
fn strict_reads(opts: &Options, notes: &mut Vec<String>) -> Option<reads::Reads> {
    match reads::Reads::of_chart_dir(&opts.chart) {
        Ok(r) if r.everything => {
            notes.push(format!(
                "--strict: {}, so any key may be read: no unread-key warnings",
                r.why.as_deref().unwrap_or("a file")
            ));
            None
        }
        Ok(r) => Some(r),
        Err(why) => {
            notes.push(format!("--strict: {why} whose templates are not scanned: no unread-key warnings"));
            None
        }
    }
}

fn read_set_file(path: &str) -> Result<String, String> {
    match crate::textfile::read_bytes(Path::new(path), path, crate::limits::MAX_INPUT_BYTES) {
        Ok(b) => Ok(String::from_utf8_lossy(&b).into_owned()),
        Err(crate::textfile::ReadError::Io { err, .. }) => Err(format!("open {path}: {}", io_reason(&err))),
        Err(e) => Err(e.to_string()),
    }
}

fn non_utf8(chart: &str, file: &str, line: u32, col: u32) -> ErrorOut {
    ErrorOut {
        chart: chart.to_string(),
        pointer: String::new(),
        message: "the file is not UTF-8 text".into(),
        keyword: "yaml".into(),
        file: Some(file.to_string()),
        line: Some(line),
        column: Some(col),
        help: None,
        explanation: None,
        branches: Vec::new(),
        source_line: None,
        render: None,
    }
}

fn yaml_error(chart: &str, file: &str, text: &str, e: &values::ValuesError) -> ErrorOut {
    ErrorOut {
        chart: chart.to_string(),
        pointer: String::new(),
        message: format!("cannot read values: {}", e.message),
        keyword: "yaml".into(),
        file: Some(file.to_string()),
        line: Some(e.line),
        column: Some(e.col),
        help: None,
        explanation: None,
        branches: Vec::new(),
        source_line: crate::diag::LineIndex::new(text).snippet(text, e.line, e.col),
        render: None,
    }
}

struct RunCtx<'a> {
    p: &'a Prepared,
    base: &'a Map,
    base_sources: &'a [UserSource],
    base_error: Option<&'a ErrorOut>,
    sets: &'a [(SetKind, String)],
    /// What the chart's files read of `.Values`, under `--strict`.
    reads: Option<&'a reads::Reads>,
    opts: &'a Options,
    /// The chart's templates, read on the first render failure that has a position.
    templates: std::sync::OnceLock<render::Templates>,
    /// The Kubernetes schemas rendered objects are checked against (with the render stage).
    kube: Option<&'a kube::Checker>,
}

impl RunCtx<'_> {
    /// One run per values file (`None`: the chart's defaults), on a few threads; the
    /// reports keep the order of `files`.
    fn run_all(&self, files: &[Option<&PathBuf>]) -> Result<Vec<RunReport>, ValidateError> {
        let results: Vec<std::sync::Mutex<Option<Result<RunReport, ValidateError>>>> =
            files.iter().map(|_| std::sync::Mutex::new(None)).collect();
        let next = AtomicUsize::new(0);
        let workers = std::thread::available_parallelism().map_or(1, std::num::NonZero::get).min(files.len()).max(1);
        std::thread::scope(|s| {
            for _ in 0..workers {
                s.spawn(|| {
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(file) = files.get(i) else { break };
                        let r = self.run(*file);
                        *results[i].lock().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(r);
                    }
                });
            }
        });
        let mut runs = Vec::with_capacity(files.len());
        for r in results {
            let r = r.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
            runs.push(r.expect("every run was executed")?);
        }
        Ok(runs)
    }

    fn run(&self, file: Option<&PathBuf>) -> Result<RunReport, ValidateError> {
        let mut report = self.run_values(file)?;
        if !self.p.missing_deps.is_empty() {
            let mut errors = self.p.missing_deps.clone();
            errors.append(&mut report.errors);
            report.errors = errors;
            report.valid = false;
        }
        if report.valid
            && let Some(engine) = &self.opts.render
        {
            self.render_run(engine, file, &mut report)?;
        }
        Ok(report)
    }

    fn run_values(&self, file: Option<&PathBuf>) -> Result<RunReport, ValidateError> {
        let p = self.p;
        let mut report = self.empty_report(file);
        if let Some(e) = self.base_error {
            report.errors.push(e.clone());
            report.valid = false;
            return Ok(report);
        }
        let Some((user, run_text)) = self.user_values(file, &mut report)? else {
            report.valid = false;
            return Ok(report);
        };
        let sources = RunSources { ctx: self, file, run_text: &run_text, indexes: std::cell::RefCell::default() };
        let source_of = |src: u32, line: u32, col: u32| sources.source_of(src, line, col);
        let unread = self.unread(&user);
        // A chart without subcharts whose merged values pass needs no positioned tree at all.
        if p.chart.subcharts.is_empty() && !p.has_deps && self.passes_flat(&user) {
            self.warn_unread(&mut report, unread, &source_of);
            return Ok(report);
        }
        // Without declared dependencies ProcessDependencies changes nothing: skip its copy.
        let processed = if p.has_deps {
            coalesce::process_dependencies(&p.chart, &user, p.compat).map(std::borrow::Cow::Owned)
        } else {
            Ok(std::borrow::Cow::Borrowed(&p.chart))
        };
        let processed = processed.and_then(|c| coalesce::coalesce_values_owned(&c, user, p.compat).map(|v| (c, v)));
        let (chart, vals) = match processed {
            Ok(x) => x,
            Err(e) => {
                let mut err = ErrorOut::new(
                    p.chart.name.clone(),
                    format!("/{}", e.sub),
                    format!("type mismatch on {}: the values of a subchart must be a map, not {}", e.sub, e.got),
                    "type",
                );
                locate_into(&mut err, e.at, &source_of);
                report.errors.push(err);
                report.valid = false;
                return Ok(report);
            }
        };
        let vals = ValueNode::new(ValueKind::Map(vals));
        self.check(&chart, &vals, &mut report.errors, &source_of);
        report.valid = report.errors.is_empty();
        self.warn_unread(&mut report, unread, &source_of);
        Ok(report)
    }

    /// A run's report before any check: its name and the values files it reads.
    fn empty_report(&self, file: Option<&PathBuf>) -> RunReport {
        let mut values: Vec<String> = Vec::new();
        if let Some(s) = self.p.sources.first() {
            values.push(s.name.clone());
        }
        values.extend(self.base_sources.iter().map(|s| s.name.clone()));
        let name = file.map_or_else(|| "defaults".to_string(), |f| display(f));
        RunReport {
            name,
            values,
            valid: true,
            rendered: false,
            errors: Vec::new(),
            warnings: Vec::new(),
            notes: Vec::new(),
        }
    }

    /// The user's values of one run (the `-f` base, the run's file, the `--set` family) and
    /// the run file's text; `None` when they cannot be read, the reason recorded in `report`.
    fn user_values(
        &self,
        file: Option<&PathBuf>,
        report: &mut RunReport,
    ) -> Result<Option<(Map, String)>, ValidateError> {
        let p = self.p;
        let run_src = p.sources.len() + self.base_sources.len();
        let mut user = self.base.clone();
        let mut run_text = String::new();
        if let Some(f) = file {
            let fname = display(f);
            report.values.push(fname.clone());
            let text = match read_text(f)? {
                Err((line, col)) => {
                    report.errors.push(non_utf8(&p.chart.name, &fname, line, col));
                    return Ok(None);
                }
                Ok(text) => text,
            };
            if text.trim().is_empty() {
                report.notes.push(format!("{fname}: the file is empty; only the other values are checked"));
            }
            let src = u32::try_from(run_src).unwrap_or(u32::MAX);
            match values::read_values(&text, src, p.compat == Compat::Helm4) {
                Ok(v) => {
                    if let ValueKind::Map(m) = v.kind {
                        user = values::merge_maps(user, m);
                    }
                }
                Err(e) => {
                    report.errors.push(yaml_error(&p.chart.name, &fname, &text, &e));
                    return Ok(None);
                }
            }
            run_text = text;
        }
        let set_base = run_src + 1;
        for (i, (kind, text)) in self.sets.iter().enumerate() {
            let at = Some(Origin { src: u32::try_from(set_base + i).unwrap_or(u32::MAX), line: 1, col: 1 });
            if let Err(e) = strvals::parse_into(text, *kind, &mut user, at, &read_set_file) {
                report.errors.push(ErrorOut {
                    chart: p.chart.name.clone(),
                    pointer: String::new(),
                    message: format!("failed parsing {} data: {e}", kind.flag()),
                    keyword: "set".into(),
                    file: Some(flag_text(*kind, text)),
                    line: Some(1),
                    column: Some(1),
                    help: None,
                    explanation: None,
                    branches: Vec::new(),
                    source_line: Some((flag_text(*kind, text), 1)),
                    render: None,
                });
                return Ok(None);
            }
        }
        Ok(Some((user, run_text)))
    }

    /// For a chart without subcharts: whether the user's values merged over the defaults
    /// pass the schema and guards, checked on plain JSON.
    fn passes_flat(&self, user: &Map) -> bool {
        let p = self.p;
        match &p.schemas[p.chart.id] {
            None => true,
            Some(c) => {
                let json = coalesce::coalesce_json(p.chart.values_map(), user, p.compat);
                c.is_valid(&json) && guards::check(&p.guards[p.chart.id], &json).is_empty()
            }
        }
    }

    /// The chart's schema over its coalesced values `vals` (`json`); the pointers it refused.
    fn schema_errors(
        &self,
        c: &Chart,
        vals: &ValueNode,
        json: &serde_json::Value,
        out: &mut Vec<ErrorOut>,
        source_of: &SourceOf<'_>,
    ) -> Vec<String> {
        let mut schema_pointers: Vec<String> = Vec::new();
        let Some(compiled) = &self.p.schemas[c.id] else { return schema_pointers };
        for f in compiled.validate(json) {
            schema_pointers.push(f.pointer.clone());
            let mut origin = match &f.key {
                Some((parent, k)) => vals.key_origin(parent, k),
                None => vals.locate(&f.pointer),
            };
            let help = if let Some(s) = &f.suggestion {
                Some(format!("did you mean '{s}'?"))
            } else if f.wants_string {
                Some("quote the value to keep it a string: Helm reads unquoted 1.20 as the number 1.2 and yes/on/off as booleans".into())
            } else {
                None
            };
            let explanation = f.explain.as_ref().map(|e| self.explanation(e, &f.pointer, vals, json, &mut origin));
            let mut err = ErrorOut {
                help,
                explanation,
                branches: f.branches,
                ..ErrorOut::new(c.name.clone(), f.pointer, f.message, &f.keyword)
            };
            locate_into(&mut err, origin, source_of);
            out.push(err);
        }
        schema_pointers
    }

    /// The words of an explained schema failure at `pointer`; moves `origin` to the key the
    /// user set where that is the line to change.
    fn explanation(
        &self,
        e: &explain::Explain,
        pointer: &str,
        vals: &ValueNode,
        json: &serde_json::Value,
        origin: &mut Option<Origin>,
    ) -> String {
        let user_src = u32::try_from(self.p.sources.len()).unwrap_or(u32::MAX);
        match e {
            explain::Explain::Text(t) => t.clone(),
            explain::Explain::When { text, object, keys } => {
                // The value comes from the chart's defaults but the user switched the rule on:
                // show the user's switch.
                if origin.is_none_or(|o| o.src < user_src) {
                    let switched = keys.iter().find_map(|k| {
                        let ptr = tree::child_pointer(object, k);
                        json.pointer(&ptr).and(vals.locate(&ptr)).filter(|o| o.src >= user_src)
                    });
                    if switched.is_some() {
                        *origin = switched;
                    }
                }
                text.clone()
            }
            explain::Explain::Together { text, keys } => {
                // Point at the first of the keys the user set: the line to drop or keep.
                let by_user = keys.iter().find_map(|k| {
                    let ptr = tree::child_pointer(pointer, k);
                    json.pointer(&ptr).and(vals.locate(&ptr)).filter(|o| o.src >= user_src)
                });
                if by_user.is_some() {
                    *origin = by_user;
                }
                text.clone()
            }
            explain::Explain::ExactlyOne { keys, set, empty } => {
                let at = |k: &String| {
                    let ptr = tree::child_pointer(pointer, k);
                    json.pointer(&ptr).and(vals.locate(&ptr))
                };
                let by_user: Vec<String> =
                    set.iter().filter(|k| at(k).is_some_and(|o| o.src >= user_src)).cloned().collect();
                // Point at the key the user set: that is the line to change or keep.
                if let Some(o) = by_user.first().and_then(at) {
                    *origin = Some(o);
                }
                explain::exactly_one(keys, set, empty, &by_user)
            }
        }
    }

    /// The chart's values guards, except where the schema already refused (Helm stops there
    /// and never renders the guard, so the guard would only repeat it).
    fn guard_errors(
        &self,
        c: &Chart,
        vals: &ValueNode,
        json: &serde_json::Value,
        schema_pointers: &[String],
        out: &mut Vec<ErrorOut>,
        source_of: &SourceOf<'_>,
    ) {
        for v in guards::check(&self.p.guards[c.id], json) {
            if !v.pointer.is_empty()
                && schema_pointers.iter().any(|p| *p == v.pointer || p.starts_with(&format!("{}/", v.pointer)))
            {
                continue;
            }
            let origin = v
                .blame
                .iter()
                .filter_map(|p| vals.locate(p))
                .min_by_key(|o| std::cmp::Reverse(o.src))
                .or_else(|| vals.locate(&v.pointer));
            let mut err = ErrorOut::new(c.name.clone(), v.pointer, v.message, "guard");
            err.help = Some("the chart's validateValues template refuses these values when Helm renders it".into());
            locate_into(&mut err, origin, source_of);
            out.push(err);
        }
    }

    /// `--strict`: the user's keys that nothing in the chart reads.
    fn unread(&self, user: &Map) -> Vec<reads::Unread> {
        let Some(reads) = self.reads else { return Vec::new() };
        let mut skip: Vec<String> = self.p.chart.subcharts.iter().map(|s| s.name.clone()).collect();
        for d in &self.p.chart.deps {
            skip.push(d.name.clone());
            skip.extend(d.alias.clone());
        }
        let mut with_values = reads.clone();
        with_values.scan_values(user);
        with_values.scan_values(self.p.chart.values_map());
        reads::unread(user, self.p.chart.values_map(), &with_values, &skip)
    }

    fn warn_unread(&self, report: &mut RunReport, unread: Vec<reads::Unread>, source_of: &SourceOf<'_>) {
        for u in unread {
            let pointer: String = tree::pointer_of(&u.path);
            let parent = &pointer[..pointer.rfind('/').unwrap_or(0)];
            // The schema already refuses the key: that error says it.
            if report
                .errors
                .iter()
                .any(|e| e.pointer == pointer || (e.pointer == parent && e.keyword == "additionalProperties"))
            {
                continue;
            }
            let key = u.path.last().cloned().unwrap_or_default();
            let mut w = ErrorOut::new(
                self.p.chart.name.clone(),
                pointer,
                format!(
                    "no template of the chart reads {} and its values.yaml does not have it: Helm accepts it and nothing uses it",
                    u.path.join(".")
                ),
                "unread",
            );
            w.help = schema::suggest(&key, &u.siblings).map(|s| format!("did you mean '{s}'?"));
            locate_into(&mut w, u.at, source_of);
            report.warnings.push(w);
        }
    }

    fn check(&self, c: &Chart, vals: &ValueNode, out: &mut Vec<ErrorOut>, source_of: &SourceOf<'_>) {
        let json = vals.to_json();
        let schema_pointers = self.schema_errors(c, vals, &json, out, source_of);
        self.guard_errors(c, vals, &json, &schema_pointers, out, source_of);
        for sub in &c.subcharts {
            match vals.get(&sub.name) {
                None => {}
                Some(v) if v.is_null() => {}
                Some(v) if !v.is_map() => {
                    let mut err = ErrorOut::new(
                        sub.name.clone(),
                        String::new(),
                        format!("invalid type for values: expected object (map), got {}", v.go_type()),
                        "type",
                    );
                    locate_into(&mut err, v.at, source_of);
                    out.push(err);
                }
                Some(v) => self.check(sub, v, out, source_of),
            }
        }
    }
}

/// Given a source index, line and column: the source's name and the line cut around the column.
/// The texts a run's values come from, by `Origin::src`: the chart's values files, the `-f`
/// base, the run's file, then the `--set` flags.
struct RunSources<'a> {
    ctx: &'a RunCtx<'a>,
    file: Option<&'a PathBuf>,
    run_text: &'a str,
    // One line index per source: a file with thousands of errors must not be scanned once
    // per error.
    indexes: std::cell::RefCell<std::collections::HashMap<u32, crate::diag::LineIndex>>,
}

impl RunSources<'_> {
    /// The name of source `src` and the excerpt of its `line` at `col`.
    fn source_of(&self, src: u32, line: u32, col: u32) -> (String, Option<(String, u32)>) {
        let (p, base_sources) = (self.ctx.p, self.ctx.base_sources);
        let i = src as usize;
        let text = |t: &str| {
            let mut ix = self.indexes.borrow_mut();
            let index = ix.entry(src).or_insert_with(|| crate::diag::LineIndex::new(t));
            index.snippet(t, line, col)
        };
        if let Some(s) = p.sources.get(i) {
            return (s.name.clone(), text(&s.text));
        }
        let i = i - p.sources.len();
        if let Some(s) = base_sources.get(i) {
            return (s.name.clone(), text(&s.text));
        }
        if i == base_sources.len() {
            return (self.file.map(|f| display(f)).unwrap_or_default(), text(self.run_text));
        }
        let j = i - base_sources.len() - 1;
        match self.ctx.sets.get(j) {
            Some((k, t)) => (flag_text(*k, t), None),
            None => (String::new(), None),
        }
    }
}

type SourceOf<'a> = dyn Fn(u32, u32, u32) -> (String, Option<(String, u32)>) + 'a;

fn locate_into(err: &mut ErrorOut, origin: Option<Origin>, source_of: &SourceOf<'_>) {
    let Some(o) = origin else { return };
    let (name, snippet) = source_of(o.src, o.line, o.col);
    err.source_line = snippet.or_else(|| Some((name.clone(), 1)));
    err.file = Some(name);
    err.line = Some(o.line);
    err.column = Some(o.col);
}

/// A `--set` flag as messages name it, cut to a readable length.
fn flag_text(kind: SetKind, text: &str) -> String {
    crate::diag::clip_line(&format!("{} {text}", kind.flag()), 1).0
}
