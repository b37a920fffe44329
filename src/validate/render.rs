//! The render stage of `validate`: each values run rendered by the real Helm (`helm template`),
//! bounded in time and output, so that the rules a chart's templates enforce (`fail`,
//! `required`, execution errors, rendered YAML that does not parse) give Helm's own verdict;
//! then the rendered objects checked for duplicates, which `helm template` prints but an
//! install refuses. A failure's template position is read back (`crate::gotpl`) for the
//! `.Values` paths its conditions read, so the run can name where they were set.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use super::SetKind;
use crate::gotpl;
use crate::process::{RunError, run_bounded};

/// Why the render stage could not give a verdict (exit code 2).
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// `--helm PATH` names no executable file.
    #[error("--helm {path}: not an executable file")]
    NotExecutable {
        /// The path as given.
        path: String,
    },
    /// `--require-render` and no Helm found.
    #[error(
        "template rules cannot be checked: no helm found on PATH; pass --helm PATH (--require-render and --lint need it)"
    )]
    Required,
    /// Helm could not be started.
    #[error("cannot run {program}: {reason}")]
    Spawn {
        /// The program.
        program: String,
        /// The OS reason.
        reason: String,
    },
    /// Helm ran past the time bound.
    #[error("{program} template did not finish within {} s for {run} and was stopped", .limit.as_secs())]
    Timeout {
        /// The program.
        program: String,
        /// The run.
        run: String,
        /// The bound.
        limit: Duration,
    },
    /// Helm wrote more than the output bound.
    #[error("{program} template wrote more than {limit} bytes for {run} and was stopped")]
    TooLarge {
        /// The program.
        program: String,
        /// The run.
        run: String,
        /// The bound.
        limit: u64,
    },
}

/// The Helm that renders, and how.
#[derive(Debug, Clone)]
pub struct Engine {
    /// The `helm` program.
    pub program: PathBuf,
    /// Release name passed to `helm template`.
    pub release: String,
    /// `--namespace`.
    pub namespace: String,
    /// `--kube-version`, when given.
    pub kube_version: Option<String>,
    /// Wall time of one render.
    pub time: Duration,
    /// Bytes of rendered output of one render.
    pub output: u64,
}

/// Finds Helm: `explicit` (`--helm PATH`) when given, else `helm` on `path` (a PATH value).
///
/// # Errors
/// `explicit` is not an executable file.
pub fn find_helm(explicit: Option<&Path>, path: &std::ffi::OsStr) -> Result<Option<PathBuf>, RenderError> {
    if let Some(p) = explicit {
        if is_executable(p) {
            return Ok(Some(p.to_path_buf()));
        }
        return Err(RenderError::NotExecutable { path: p.display().to_string() });
    }
    Ok(std::env::split_paths(path).map(|d| d.join("helm")).find(|p| is_executable(p)))
}

fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// A position Helm reports in a template: `chart/templates/x.yaml:3:6` (line and column may
/// be missing).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TplPos {
    /// The template as Helm names it (chart name first).
    pub file: String,
    /// 1-based line.
    pub line: Option<u32>,
    /// Go's 0-based byte column.
    pub col: Option<u32>,
}

impl std::fmt::Display for TplPos {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(l) = self.line {
            write!(f, ":{l}")?;
            if let Some(c) = self.col {
                write!(f, ":{c}")?;
            }
        }
        Ok(())
    }
}

/// What rendering one run found wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// `template` (a template refused: `fail`, `required`, an execution or parse error),
    /// `rendered-yaml` (the output is not YAML), `duplicate` (one object rendered twice) or
    /// `render` (Helm refused for another reason).
    pub keyword: &'static str,
    /// Helm's message (one line), or ours for duplicates.
    pub message: String,
    /// Where in the templates.
    pub template: Option<TplPos>,
}

/// Renders one run: `values` are the `-f` files then the run's own file, in order. Returns
/// the findings and, when Helm rendered, its output.
///
/// # Errors
/// Helm could not be run, or ran past its bounds.
pub fn render(
    engine: &Engine,
    chart: &Path,
    values: &[&Path],
    sets: &[(SetKind, String)],
    run: &str,
) -> Result<(Vec<Finding>, Option<String>), RenderError> {
    let program = engine.program.display().to_string();
    let mut cmd = Command::new(&engine.program);
    cmd.args(command_args(engine, chart, values, sets));
    let out =
        run_bounded(cmd, crate::process::Limits { time: engine.time, output: engine.output }).map_err(|e| match e {
            RunError::Spawn(err) => RenderError::Spawn { program: program.clone(), reason: super::io_reason(&err) },
            RunError::Timeout => {
                RenderError::Timeout { program: program.clone(), run: run.to_string(), limit: engine.time }
            }
            RunError::TooLarge => {
                RenderError::TooLarge { program: program.clone(), run: run.to_string(), limit: engine.output }
            }
        })?;
    if !out.status.success() {
        return Ok((vec![helm_error(&String::from_utf8_lossy(&out.stderr))], None));
    }
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    Ok((duplicates(&stdout, &engine.namespace), Some(stdout)))
}

/// `helm template`'s arguments. Nothing from the input can become an option: every value
/// rides in its flag's own argument (`--values=FILE`), the positionals come after `--`, and a
/// relative chart path starting with `-` gets `./` in front.
pub fn command_args(engine: &Engine, chart: &Path, values: &[&Path], sets: &[(SetKind, String)]) -> Vec<String> {
    let mut args = vec!["template".to_string(), format!("--namespace={}", engine.namespace)];
    if let Some(v) = &engine.kube_version {
        args.push(format!("--kube-version={v}"));
    }
    for f in values {
        args.push(format!("--values={}", f.display()));
    }
    for (kind, text) in sets {
        args.push(format!("{}={text}", kind.flag()));
    }
    args.push("--".into());
    args.push(engine.release.clone());
    let chart = chart.display().to_string();
    args.push(if chart.starts_with('-') { format!("./{chart}") } else { chart });
    args
}

/// Helm's error (the text after `Error: `, up to its `--debug` hint) as a finding, in the
/// wordings of Helm 3.17 and 4.1.
pub fn helm_error(stderr: &str) -> Finding {
    let start = stderr.rfind("\nError: ").map_or_else(|| stderr.find("Error: ").map(|i| i + 7), |i| Some(i + 8));
    let raw = match start {
        Some(i) => &stderr[i..],
        None => stderr,
    };
    let raw = raw.split("\n\nUse --debug").next().unwrap_or(raw);
    let message = raw.lines().map(str::trim).filter(|l| !l.is_empty()).collect::<Vec<_>>().join(" ");
    let message = crate::diag::clip_message(message);
    let first = raw.lines().next().unwrap_or("").trim();
    let (keyword, template) = if let Some(rest) = first.strip_prefix("execution error at (") {
        ("template", rest.split_once("): ").and_then(|(p, _)| parse_pos(p)))
    } else if let Some(rest) = first.strip_prefix("template: ") {
        ("template", rest.split(": ").next().and_then(parse_pos))
    } else if let Some(rest) = first.strip_prefix("parse error at (") {
        ("template", rest.split_once("): ").and_then(|(p, _)| parse_pos(p)))
    } else if let Some(rest) = first.strip_prefix("YAML parse error on ") {
        let file = rest.split_once(": ").map_or(rest, |(f, _)| f);
        ("rendered-yaml", Some(TplPos { file: file.to_string(), line: None, col: None }))
    } else if let Some(p) = parse_pos(first).filter(|p| p.col.is_some()) {
        // Helm 4: `chart/templates/x.yaml:3:4` alone on the first line.
        ("template", Some(p))
    } else {
        ("render", None)
    };
    let message = if message.is_empty() { "helm template failed without a message".into() } else { message };
    Finding { keyword, message, template }
}

/// `file:line:col` or `file:line`.
fn parse_pos(s: &str) -> Option<TplPos> {
    let num = |x: &str| x.parse::<u32>().ok();
    let (head, last) = s.rsplit_once(':')?;
    let last = num(last)?;
    if let Some((file, line)) = head.rsplit_once(':')
        && let Some(line) = num(line)
        && file.contains('/')
    {
        return Some(TplPos { file: file.to_string(), line: Some(line), col: Some(last) });
    }
    head.contains('/').then(|| TplPos { file: head.to_string(), line: Some(last), col: None })
}

/// Objects rendered twice (same API group, kind, namespace and name): `helm template` prints
/// both, an install fails on the second. Hooks and objects without a name are left out.
pub fn duplicates(stdout: &str, namespace: &str) -> Vec<Finding> {
    let mut seen: BTreeMap<(String, String, String, String), String> = BTreeMap::new();
    let mut out = Vec::new();
    for doc in split_documents(stdout) {
        let Ok(docs) = crate::yaml::parse_stream(&doc.text) else { continue };
        for d in docs {
            let Some(root) = d.root else { continue };
            let (Some(api), Some(kind), Some(name)) =
                (root.str_at(&["apiVersion"]), root.str_at(&["kind"]), root.str_at(&["metadata", "name"]))
            else {
                continue;
            };
            if root.path(&["metadata", "annotations", "helm.sh/hook"]).is_some() || name.is_empty() {
                continue;
            }
            let group = api.rsplit_once('/').map_or("", |(g, _)| g).to_string();
            let ns = if crate::kube::is_cluster_scoped(kind, &group) {
                String::new()
            } else {
                root.str_at(&["metadata", "namespace"]).filter(|n| !n.is_empty()).unwrap_or(namespace).to_string()
            };
            let key = (group, kind.to_string(), ns.clone(), name.to_string());
            let source = doc.source.clone().unwrap_or_else(|| "the rendered output".into());
            if let Some(first) = seen.get(&key) {
                let place = if ns.is_empty() { String::new() } else { format!(" in namespace {ns}") };
                out.push(Finding {
                    keyword: "duplicate",
                    message: format!(
                        "{kind} {name}{place} is rendered twice ({first} and {source}): helm template prints both, an install fails on the second"
                    ),
                    template: doc.source.as_ref().map(|f| TplPos { file: f.clone(), line: None, col: None }),
                });
            } else {
                seen.insert(key, source);
            }
        }
    }
    out
}

pub(super) struct RenderedDoc {
    /// The `# Source:` template, as Helm names it.
    pub(super) source: Option<String>,
    /// The document's text, its `# Source:` comment included.
    pub(super) text: String,
}

/// `helm template`'s output cut at its `---` lines, each piece with its `# Source:` template.
pub(super) fn split_documents(stdout: &str) -> Vec<RenderedDoc> {
    let mut docs = Vec::new();
    let mut cur = RenderedDoc { source: None, text: String::new() };
    for line in stdout.split_inclusive('\n') {
        if line.trim_end() == "---" {
            docs.push(std::mem::replace(&mut cur, RenderedDoc { source: None, text: String::new() }));
            continue;
        }
        if cur.source.is_none()
            && cur.text.trim().is_empty()
            && let Some(s) = line.trim_end().strip_prefix("# Source: ")
        {
            cur.source = Some(s.to_string());
        }
        cur.text.push_str(line);
    }
    docs.push(cur);
    docs.retain(|d| !d.text.trim().is_empty());
    docs
}

/// The template files of a chart tree by the path Helm names them with (the chart's name
/// first; a subchart under `<parent>/charts/<name>/`), archives under `charts/` unpacked.
pub struct Templates {
    files: BTreeMap<String, String>,
    /// Each file that parses, parsed once: a run of many failing values files looks its
    /// defines up again and again.
    parsed: BTreeMap<String, Vec<gotpl::Node>>,
}

impl Templates {
    /// Reads the templates of the chart at `path` named `name` (best effort: what cannot be
    /// read is left out, and a failure then simply gets no values pointer).
    pub fn load(path: &Path, name: &str) -> Templates {
        let budget = crate::chart::Budget::default();
        let select = crate::chart::files::Select { file: &|_| true, dir: &|_| true };
        let mut files = BTreeMap::new();
        if let Ok(all) = crate::chart::files::load(path, &path.display().to_string(), &budget, &select) {
            add_chart(&all, name, 0, &budget, &mut files);
        }
        let parsed = files.iter().filter_map(|(f, t)| gotpl::parse(t).ok().map(|n| (f.clone(), n))).collect();
        Templates { files, parsed }
    }

    /// The text of a template by Helm's name for it.
    pub fn get(&self, file: &str) -> Option<&str> {
        self.files.get(file).map(String::as_str)
    }

    /// What a failure at `pos` depends on: the `.Values` paths read by the failing action and
    /// the conditions around it, and by the templates it includes (two levels deep). Each path
    /// is from the root chart's values (a subchart's under its name).
    pub fn reads(&self, pos: &TplPos) -> Vec<Vec<String>> {
        let (Some(text), Some(nodes), Some(line), Some(col)) =
            (self.get(&pos.file), self.parsed.get(&pos.file), pos.line, pos.col)
        else {
            return Vec::new();
        };
        let Some(off) = gotpl::offset_of(text, line as usize, col as usize) else { return Vec::new() };
        let Some(mut reads) = gotpl::reads_at(nodes, off) else { return Vec::new() };
        let prefix = scope_of(&pos.file);
        let chart_dir = chart_dir_of(&pos.file);
        let mut done: Vec<String> = Vec::new();
        for _ in 0..2 {
            let names: Vec<String> = reads.includes.iter().filter(|n| !done.contains(n)).cloned().collect();
            for name in names {
                done.push(name.clone());
                if let Some(r) = self.define(&chart_dir, &name) {
                    reads.extend(r);
                }
            }
        }
        reads.values.into_iter().map(|p| prefix.iter().cloned().chain(p).collect()).collect()
    }

    /// The reads of `define "name"` among the templates of the chart at `chart_dir` (Helm's
    /// path prefix), then of the whole tree (defines are global).
    fn define(&self, chart_dir: &str, name: &str) -> Option<gotpl::Reads> {
        let own = self
            .parsed
            .iter()
            .filter(|(f, _)| f.strip_prefix(chart_dir).is_some_and(|rest| !rest.starts_with("charts/")));
        own.chain(self.parsed.iter()).find_map(|(_, nodes)| gotpl::define_reads(nodes, name))
    }
}

/// Adds the templates of a chart's files (`files`, keyed by path in that chart) under the
/// Helm name prefix `prefix`.
fn add_chart(
    files: &crate::chart::Files,
    prefix: &str,
    depth: usize,
    budget: &crate::chart::Budget,
    out: &mut BTreeMap<String, String>,
) {
    for (rel, bytes) in files {
        if let Some(rest) = rel.strip_prefix("templates/") {
            if let Ok(text) = std::str::from_utf8(bytes) {
                out.insert(format!("{prefix}/templates/{rest}"), text.to_string());
            }
            continue;
        }
        let Some(sub) = rel.strip_prefix("charts/") else { continue };
        if depth >= crate::limits::MAX_SUBCHART_DEPTH {
            continue;
        }
        if !sub.contains('/') && (sub.ends_with(".tgz") || sub.ends_with(".tar.gz")) {
            let Ok(inner) = crate::chart::files::unpack(bytes, sub, depth + 1, budget, &|_| true) else { continue };
            let name = chart_name(&inner).unwrap_or_default();
            add_chart(&inner, &format!("{prefix}/charts/{name}"), depth + 1, budget, out);
        }
    }
    // Subchart directories: their files are listed with `charts/<dir>/` in front.
    let mut dirs: Vec<&str> = files
        .keys()
        .filter_map(|k| k.strip_prefix("charts/"))
        .filter_map(|k| k.split_once('/').map(|(d, _)| d))
        .collect();
    dirs.dedup();
    for d in dirs {
        let inner: crate::chart::Files = files
            .iter()
            .filter_map(|(k, v)| k.strip_prefix(&format!("charts/{d}/")).map(|r| (r.to_string(), v.clone())))
            .collect();
        let name = chart_name(&inner).unwrap_or_else(|| d.to_string());
        if depth < crate::limits::MAX_SUBCHART_DEPTH {
            add_chart(&inner, &format!("{prefix}/charts/{name}"), depth + 1, budget, out);
        }
    }
}

fn chart_name(files: &crate::chart::Files) -> Option<String> {
    let text = std::str::from_utf8(files.get("Chart.yaml")?).ok()?;
    let docs = crate::yaml::parse_stream(text).ok()?;
    docs.into_iter().next()?.root?.str_at(&["name"]).map(str::to_string)
}

/// The values path of the chart a template belongs to: `c/charts/sub/templates/x.yaml` reads
/// its `.Values` under `sub`.
fn scope_of(file: &str) -> Vec<String> {
    let parts: Vec<&str> = file.split('/').collect();
    let mut out = Vec::new();
    let mut i = 1;
    while i + 1 < parts.len() && parts[i] == "charts" {
        out.push(parts[i + 1].to_string());
        i += 2;
    }
    out
}

/// A template's file for editors and annotations: `chart/templates/x.yaml` under the chart
/// directory when it is there, else Helm's name for it (a packaged chart).
fn template_on_disk(chart: &Path, helm_name: &str) -> String {
    let rest = helm_name.split_once('/').map_or(helm_name, |(_, r)| r);
    let path = chart.join(rest);
    if chart.is_dir() && path.is_file() { path.display().to_string() } else { helm_name.to_string() }
}

/// `c/charts/sub/templates/x.yaml` → `c/charts/sub/`.
fn chart_dir_of(file: &str) -> String {
    file.rfind("/templates/").map(|i| file[..=i].to_string()).unwrap_or_default()
}

impl super::RunCtx<'_> {
    /// The render stage of one run whose earlier stages passed: Helm's findings, each located
    /// at the values its failing condition reads.
    pub(super) fn render_run(
        &self,
        engine: &Engine,
        file: Option<&PathBuf>,
        report: &mut super::RunReport,
    ) -> Result<(), super::ValidateError> {
        let mut values: Vec<&Path> = self.opts.base_files.iter().map(PathBuf::as_path).collect();
        values.extend(file.map(PathBuf::as_path));
        if values.iter().any(|v| *v == Path::new("-")) {
            report.notes.push(format!(
                "{}: values read from stdin are not rendered: template rules were not checked",
                report.name
            ));
            return Ok(());
        }
        let (findings, stdout) = render(engine, &self.opts.chart, &values, self.sets, &report.name)?;
        report.rendered = true;
        if let (Some(kube), Some(out)) = (self.kube, &stdout) {
            self.kube_check(kube, out, report);
        }
        if let (Some(policy), Some(out)) = (&self.opts.lint, stdout) {
            lint_rendered(policy, file, out, report);
        }
        if findings.is_empty() {
            return Ok(());
        }
        let positioned = self.positioned_values(file);
        let user_src = u32::try_from(self.p.sources.len()).unwrap_or(u32::MAX);
        for f in findings {
            let scope = f.template.as_ref().map(|t| scope_of(&t.file)).unwrap_or_default();
            let chart = scope.last().cloned().unwrap_or_else(|| self.p.chart.name.clone());
            let mut err = super::ErrorOut::new(chart, String::new(), f.message, f.keyword);
            let paths = match &f.template {
                Some(t) if t.col.is_some() => {
                    self.templates.get_or_init(|| Templates::load(&self.opts.chart, &self.p.chart.name)).reads(t)
                }
                _ => Vec::new(),
            };
            let mut reads = Vec::new();
            let mut chosen: Option<(super::tree::Origin, String)> = None;
            for path in &paths {
                let pointer = crate::pointer::pointer_of(path);
                // `locate` falls back to the nearest ancestor; a key set nowhere is "not set".
                let origin = positioned
                    .as_ref()
                    .filter(|(vals, _)| path.iter().try_fold(vals, |cur, k| cur.get(k)).is_some())
                    .and_then(|(vals, _)| vals.locate(&pointer));
                let mut read = super::report::ValueRead { key: path.join("."), file: None, line: None, column: None };
                if let (Some(o), Some((_, text))) = (origin, &positioned) {
                    let sources =
                        super::RunSources { ctx: self, file, run_text: text, indexes: std::cell::RefCell::default() };
                    read.file = Some(sources.source_of(o.src, o.line, o.col).0);
                    read.line = Some(o.line);
                    read.column = Some(o.col);
                    // The user's own setting over a default; among those, a key over its parent
                    // (`with .Values.ingress` then `if .enabled`: the line to change is enabled's).
                    let better = match &chosen {
                        None => true,
                        Some((c, p)) => {
                            (c.src < user_src && o.src >= user_src)
                                || ((c.src >= user_src) == (o.src >= user_src) && pointer.starts_with(&format!("{p}/")))
                        }
                    };
                    if better {
                        chosen = Some((o, pointer.clone()));
                    }
                }
                reads.push(read);
            }
            if let (Some((o, pointer)), Some((_, text))) = (chosen, &positioned) {
                let sources =
                    super::RunSources { ctx: self, file, run_text: text, indexes: std::cell::RefCell::default() };
                let source_of = |src: u32, line: u32, col: u32| sources.source_of(src, line, col);
                err.pointer = pointer;
                super::locate_into(&mut err, Some(o), &source_of);
            }
            if !reads.is_empty() {
                let listed: Vec<String> = reads
                    .iter()
                    .map(|r| match (&r.file, r.line, r.column) {
                        (Some(f), Some(l), Some(c)) => format!("{f}:{l}:{c} {}", r.key),
                        _ => format!("{} (not set)", r.key),
                    })
                    .collect();
                err.help = Some(format!("the failing template reads {}", listed.join(", ")));
            }
            err.render = Some(super::report::RenderDetail {
                template: f.template.as_ref().map(ToString::to_string),
                values_read: reads,
            });
            report.errors.push(err);
        }
        report.valid = false;
        Ok(())
    }

    /// The rendered objects against the Kubernetes schemas: each failure located at the
    /// template line that most likely wrote the field (else the template's first line).
    fn kube_check(&self, kube: &super::kube::Checker, out: &str, report: &mut super::RunReport) {
        let outcome = kube.check(out);
        if !outcome.skipped.is_empty() {
            let n: usize = outcome.skipped.values().sum();
            let kinds: Vec<&str> = outcome.skipped.keys().map(String::as_str).collect();
            report.notes.push(format!(
                "{}: {n} object(s) of custom kinds without a CRD in the chart were not checked against a schema ({})",
                report.name,
                kinds.join(", ")
            ));
        }
        for f in outcome.failures {
            let chart = f
                .template
                .as_deref()
                .map(scope_of)
                .and_then(|s| s.last().cloned())
                .unwrap_or_else(|| self.p.chart.name.clone());
            let place = f.template.as_deref().unwrap_or("the rendered output");
            let message = format!("{} at '{}': {}", f.object, f.pointer, f.message);
            let mut e = super::ErrorOut::new(chart, f.pointer.clone(), message, "kube-schema");
            let mut template = f.template.clone();
            if let Some(t) = &f.template {
                let loaded = self.templates.get_or_init(|| Templates::load(&self.opts.chart, &self.p.chart.name));
                if let Some(text) = loaded.get(t) {
                    let line = super::kube::template_line(text, &f.rendered_text).unwrap_or(1);
                    let col = text
                        .lines()
                        .nth(line as usize - 1)
                        .map_or(1, |l| u32::try_from(l.len() - l.trim_start().len() + 1).unwrap_or(1));
                    e.file = Some(template_on_disk(&self.opts.chart, t));
                    e.line = Some(line);
                    e.column = Some(col);
                    e.source_line = crate::diag::LineIndex::new(text).snippet(text, line, col);
                    template = Some(format!("{t}:{line}"));
                }
            }
            e.help = Some(format!(
                "line {} of the rendered output of {place}: {}",
                f.rendered_line,
                crate::diag::clip_message(f.rendered_text.clone())
            ));
            e.render = Some(super::report::RenderDetail { template, values_read: Vec::new() });
            report.errors.push(e);
            report.valid = false;
        }
    }

    /// The run's coalesced values with positions, and its file's text; `None` when they
    /// cannot be built (the schema stage passed, so they normally can).
    fn positioned_values(&self, file: Option<&PathBuf>) -> Option<(super::tree::ValueNode, String)> {
        let p = self.p;
        let mut scratch = self.empty_report(file);
        let (user, run_text) = self.user_values(file, &mut scratch).ok()??;
        let chart = if p.has_deps {
            std::borrow::Cow::Owned(super::coalesce::process_dependencies(&p.chart, &user, p.compat).ok()?)
        } else {
            std::borrow::Cow::Borrowed(&p.chart)
        };
        let vals = super::coalesce::coalesce_values_owned(&chart, user, p.compat).ok()?;
        Some((super::tree::ValueNode::new(super::tree::ValueKind::Map(vals)), run_text))
    }
}

/// `--lint`: the lint rules over the run's rendered objects, with the policy for its file.
/// Errors make the run invalid; warnings are the run's warnings; info goes to its notes. Each
/// finding is located at the run's values file and names the template that rendered the object.
fn lint_rendered(policy: &super::policy::Policy, file: Option<&PathBuf>, out: String, report: &mut super::RunReport) {
    let cfg = policy.for_run(file.map(PathBuf::as_path));
    let sources: Vec<(u32, String)> = out
        .lines()
        .enumerate()
        .filter_map(|(i, l)| {
            l.strip_prefix("# Source: ").map(|s| (u32::try_from(i + 1).unwrap_or(u32::MAX), s.trim().to_string()))
        })
        .collect();
    let name = format!("{} (rendered)", report.name);
    let mut loaded = crate::manifest::Loaded::default();
    if crate::manifest::load_text(&name, out, &mut loaded).is_err() {
        // Helm's own parse accepted it; a document our parser refuses is not linted.
        report.notes.push(format!("{}: the rendered output could not be read for --lint", report.name));
        return;
    }
    for d in crate::lint::lint_objects(&loaded, &cfg) {
        let template = d
            .location
            .as_ref()
            .and_then(|l| sources.iter().take_while(|(line, _)| *line <= l.line).last().map(|(_, s)| s.clone()));
        let message = match &template {
            Some(t) => format!("{t}: {}", d.message),
            None => d.message.clone(),
        };
        if d.severity == crate::diag::Severity::Info {
            report.notes.push(format!("{}: info[{}]: {message}", report.name, d.rule));
            continue;
        }
        let mut e = super::ErrorOut::new(String::new(), String::new(), message, &d.rule);
        e.chart = template.as_deref().and_then(|t| t.split('/').next()).unwrap_or_default().to_string();
        if let Some(f) = file {
            e.file = Some(super::display(f));
            e.line = Some(1);
            e.column = Some(1);
        }
        e.help = d.help.clone();
        e.render = Some(super::report::RenderDetail { template, values_read: Vec::new() });
        if d.severity == crate::diag::Severity::Error {
            report.errors.push(e);
            report.valid = false;
        } else {
            report.warnings.push(e);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helm_3_and_4_error_wordings_give_the_template_position() {
        let f = helm_error(
            "Error: execution error at (c/templates/x.yaml:3:6): b is needed\n\nUse --debug flag to render out invalid YAML\n",
        );
        assert_eq!(f.keyword, "template");
        assert_eq!(f.template.unwrap().to_string(), "c/templates/x.yaml:3:6");
        assert_eq!(f.message, "execution error at (c/templates/x.yaml:3:6): b is needed");
        let h3 = helm_error(
            "Error: template: c/templates/w.yaml:2:12: executing \"c/templates/w.yaml\" at <.Values.deep.x.y>: nil pointer evaluating interface {}.y\n",
        );
        assert_eq!(h3.template.unwrap().to_string(), "c/templates/w.yaml:2:12");
        let h4 = helm_error(
            "Error: c/templates/w.yaml:2:12\n  executing \"c/templates/w.yaml\" at <.Values.deep.x.y>:\n    nil pointer evaluating interface {}.y\n\nUse --debug flag to render out invalid YAML\n",
        );
        assert_eq!(h4.keyword, "template");
        assert_eq!(h4.template.unwrap().to_string(), "c/templates/w.yaml:2:12");
        assert!(h4.message.ends_with("nil pointer evaluating interface {}.y"), "{}", h4.message);
        let p = helm_error("Error: parse error at (c/templates/w.yaml:1): function \"foo\" not defined\n");
        assert_eq!(p.template.unwrap().to_string(), "c/templates/w.yaml:1");
        let y = helm_error(
            "Error: YAML parse error on c/templates/x.yaml: error converting YAML to JSON: yaml: line 4: mapping values are not allowed in this context\n",
        );
        assert_eq!(y.keyword, "rendered-yaml");
        assert_eq!(y.template.unwrap().to_string(), "c/templates/x.yaml");
        let other = helm_error("level=DEBUG msg=x\nError: something else\n");
        assert_eq!((other.keyword, other.message.as_str()), ("render", "something else"));
    }

    #[test]
    fn options_from_the_input_never_become_helm_options() {
        let e = Engine {
            program: "helm".into(),
            release: "-r".into(),
            namespace: "--x".into(),
            kube_version: None,
            time: Duration::from_secs(1),
            output: 1,
        };
        let a = command_args(
            &e,
            Path::new("-chart"),
            &[Path::new("--values-prod.yaml")],
            &[(SetKind::Typed, "--a=b".into())],
        );
        assert_eq!(
            a,
            ["template", "--namespace=--x", "--values=--values-prod.yaml", "--set=--a=b", "--", "-r", "./-chart"]
        );
    }

    #[test]
    fn duplicates_are_same_group_kind_namespace_and_name() {
        let out = "---\n# Source: c/templates/a.yaml\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: x\n---\n# Source: c/templates/b.yaml\napiVersion: apps/v1beta1\nkind: Deployment\nmetadata:\n  name: x\n  namespace: default\n---\n# Source: c/templates/c.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  namespace: other\n---\n# Source: c/templates/d.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  annotations:\n    helm.sh/hook: pre-install\n";
        let d = duplicates(out, "default");
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].template.as_ref().unwrap().file, "c/templates/b.yaml");
        assert!(d[0].message.contains("c/templates/a.yaml and c/templates/b.yaml"));
    }

    #[test]
    fn subchart_templates_read_values_under_the_subchart_key() {
        assert_eq!(scope_of("c/charts/sub/charts/deep/templates/x.yaml"), ["sub", "deep"]);
        assert!(scope_of("c/templates/x.yaml").is_empty());
        assert_eq!(chart_dir_of("c/charts/sub/templates/x.yaml"), "c/charts/sub/");
    }
}
