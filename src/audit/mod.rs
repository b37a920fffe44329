//! `chartwright audit`: chart dependencies and images against a deny-list of dead, frozen and
//! deprecated sources, with Helm's own resolution rules (Masterminds constraints, lock digests,
//! `@name` repository references), offline by default and against live repositories on request.

pub mod chart;
pub mod checks;
pub mod images;
pub mod online;
pub mod output;
pub mod repos;
pub mod source;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::diag::{Diagnostic, Group, RuleInfo, Severity, Sources};
use crate::yaml::{self, Pos};

use crate::chart::constraint;
use crate::denylist;
use chart::{Dependency, DependencyFile, FileKind};
pub use checks::{CHECKS, Check};
use constraint::Constraint;
use denylist::{DenyList, Hit};
use denylist::{Subject, normalize_url};
use repos::{RepoConfig, repo_reference};
use source::{Tree, Unit};

/// Why an audit could not run (exit code 2); findings are not errors.
#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    /// A file or directory could not be read as text.
    #[error(transparent)]
    Read(#[from] crate::textfile::ReadError),
    /// A file is not valid YAML or not shaped as Helm expects.
    #[error("{file}:{line}:{col}: {message}")]
    Invalid {
        /// The file.
        file: String,
        /// 1-based line.
        line: u32,
        /// 1-based column.
        col: u32,
        /// One sentence.
        message: String,
    },
    /// A file given on the command line that audit does not read.
    #[error(
        "{0}: not a chart directory, a .tgz chart, or a Chart.yaml, Chart.lock, requirements.yaml or requirements.lock file"
    )]
    Unsupported(String),
    /// Nothing auditable in the inputs.
    #[error("no charts or dependency files found in {0}")]
    NothingToAudit(String),
    /// A deny-list file is invalid.
    #[error(transparent)]
    DenyList(#[from] denylist::DenyListError),
    /// The online checks could not be set up (e.g. the cache directory).
    #[error("{0}")]
    Online(String),
}

impl From<crate::chart::tree::TreeError> for AuditError {
    fn from(e: crate::chart::tree::TreeError) -> AuditError {
        use crate::chart::tree::TreeError;
        match e {
            TreeError::Read(e) => AuditError::Read(e),
            TreeError::Archive { archive, error } => {
                AuditError::Invalid { file: archive, line: 1, col: 1, message: error.to_string() }
            }
            TreeError::NoChart { archive } => AuditError::Invalid {
                file: archive,
                line: 1,
                col: 1,
                message: "the archive holds no <chart>/Chart.yaml".into(),
            },
        }
    }
}

impl AuditError {
    /// A YAML syntax error in `file`, at its position.
    pub(crate) fn yaml(file: &str, e: &yaml::YamlError) -> AuditError {
        AuditError::Invalid {
            file: file.to_owned(),
            line: e.pos.line,
            col: e.pos.col,
            message: format!("invalid YAML: {}", e.message),
        }
    }
}

/// What `audit` needs besides the inputs.
#[derive(Debug, Default)]
pub struct Options {
    /// The deny-list (user entries first, then the built-in one unless disabled).
    pub deny: DenyList,
    /// Extra values files (`-f`) scanned for images.
    pub values_files: Vec<PathBuf>,
    /// Helm's repositories, for `@name` references and credentials.
    pub repos: RepoConfig,
    /// Live checks; `None` keeps the run off the network entirely.
    pub online: Option<online::OnlineOptions>,
}

/// A finding an allow-list entry silenced.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Suppressed {
    /// The finding.
    #[serde(flatten)]
    pub diagnostic: Diagnostic,
    /// The allow entry's reason.
    pub allow_reason: String,
    /// Where the allow entry is (`file:line:col`).
    pub allowed_by: String,
}

/// The outcome of an audit.
#[derive(Debug, Default)]
pub struct Report {
    /// One group per chart (or loose file set, or `-f` values file), in input order.
    pub groups: Vec<Group>,
    /// Findings silenced by the allow-list.
    pub suppressed: Vec<Suppressed>,
    /// Source texts for excerpts.
    pub sources: Sources,
}

impl Report {
    /// The highest severity found, if any.
    pub fn max_severity(&self) -> Option<Severity> {
        self.groups.iter().flat_map(|g| &g.diagnostics).map(|d| d.severity).max()
    }

    /// Number of findings per severity.
    pub fn counts(&self) -> crate::diag::Counts {
        crate::diag::counts(self.groups.iter().flat_map(|g| &g.diagnostics))
    }
}

/// SARIF rule metadata for the fixed checks and every deny entry.
pub fn rule_infos(deny: &DenyList) -> Vec<RuleInfo> {
    let mut v: Vec<RuleInfo> =
        CHECKS.iter().map(|c| RuleInfo { id: c.id.into(), summary: c.summary.into(), severity: c.severity }).collect();
    for e in &deny.entries {
        if !v.iter().any(|r| r.id == e.id) {
            v.push(RuleInfo { id: e.id.clone(), summary: e.reason.clone(), severity: e.severity });
        }
    }
    v
}

/// A dependency on a remote repository, for `--online`.
#[derive(Debug, Clone)]
pub struct RemoteDep {
    /// Index of the group the findings go to.
    pub group: usize,
    /// File and position of the `version` (or the lock entry).
    pub file: String,
    /// Position.
    pub pos: Pos,
    /// Chart name.
    pub name: String,
    /// Dependency name or alias (for the allow-list).
    pub display_name: String,
    /// Resolved repository URL (`https://…` or `oci://…`).
    pub repository: String,
    /// The constraint, when valid.
    pub constraint: Option<Constraint>,
    /// The locked version, when a lock says one.
    pub locked: Option<String>,
}

struct Engine<'a> {
    opts: &'a Options,
    report: Report,
    visited: BTreeSet<PathBuf>,
    remote: Vec<RemoteDep>,
}

/// Audits the inputs. `progress` hears about online fetches (`done`, `total`, what).
///
/// # Errors
///
/// Unreadable or invalid input (exit code 2); findings are in the [`Report`].
pub fn audit(
    inputs: &[PathBuf],
    opts: &Options,
    progress: &mut dyn FnMut(usize, usize, &str),
) -> Result<Report, AuditError> {
    let units = source::discover(inputs)?;
    let mut e = Engine { opts, report: Report::default(), visited: BTreeSet::new(), remote: Vec::new() };
    for u in units {
        e.unit(u)?;
    }
    for f in &opts.values_files {
        let shown = f.to_string_lossy().to_string();
        let text = crate::textfile::read(f, &shown)?;
        let g = e.group(&shown);
        e.values(g, &shown, &text)?;
        e.report.sources.insert(shown, text);
    }
    if let Some(o) = &opts.online {
        let remote = std::mem::take(&mut e.remote);
        for (group, d, subject) in online::check(o, &opts.repos, &remote, progress)? {
            let s = Subject { chart: subject.0.as_deref(), repository: subject.1.as_deref(), image: None, file: "" };
            e.emit_subject(group, d, s);
        }
    }
    for g in &mut e.report.groups {
        g.diagnostics.sort_by(|a, b| a.location.cmp(&b.location).then_with(|| a.rule.cmp(&b.rule)));
    }
    Ok(e.report)
}

fn did_you_mean(key: &str) -> Option<&'static str> {
    chart::DEPENDENCY_KEYS.iter().copied().find(|k| edit_distance(k, key) <= 2)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            cur.push((prev[j] + usize::from(ca != *cb)).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

/// How a `repository` field is to be read.
enum RepoForm<'s> {
    Vendored,
    File(&'s str),
    Named(&'s str),
    Url,
}

fn repo_form(r: &str) -> RepoForm<'_> {
    if r.is_empty() {
        RepoForm::Vendored
    } else if let Some(p) = r.strip_prefix("file://") {
        RepoForm::File(p)
    } else if let Some(n) = repo_reference(r) {
        RepoForm::Named(n)
    } else {
        RepoForm::Url
    }
}

/// A subchart's name and version, for the vendored checks.
struct Sub {
    display: String,
    tree: Tree,
    name: Option<String>,
    version: Option<String>,
}

impl Sub {
    /// The subchart at `tree` with the name and version its `Chart.yaml` gives.
    fn read(display: String, tree: Tree) -> Result<Sub, AuditError> {
        let shown = format!("{display}/Chart.yaml");
        let meta = match tree.read("Chart.yaml", &shown)? {
            Some(text) => Some(chart::parse(&shown, FileKind::Chart, &text)?),
            None => None,
        };
        let name = meta.as_ref().and_then(|m| m.name.clone());
        Ok(Sub { display, tree, name, version: meta.and_then(|m| m.version) })
    }
}

impl Engine<'_> {
    fn group(&mut self, name: &str) -> usize {
        self.report.groups.push(Group { name: name.to_owned(), diagnostics: Vec::new() });
        self.report.groups.len() - 1
    }

    fn emit(&mut self, g: usize, d: Diagnostic, chart: Option<&str>, repository: Option<&str>, image: Option<&str>) {
        let file = d.location.as_ref().map(|l| l.file.clone()).unwrap_or_default();
        self.emit_subject(g, d, Subject { chart, repository, image, file: &file });
    }

    fn emit_subject(&mut self, g: usize, d: Diagnostic, s: Subject<'_>) {
        let file = d.location.as_ref().map(|l| l.file.clone()).unwrap_or_default();
        let s = Subject { file: if s.file.is_empty() { &file } else { s.file }, ..s };
        if let Some(a) = self.opts.deny.allowed(&d.rule, &s) {
            self.report.suppressed.push(Suppressed {
                diagnostic: d,
                allow_reason: a.reason.clone(),
                allowed_by: a.defined_at.clone(),
            });
        } else {
            self.report.groups[g].diagnostics.push(d);
        }
    }

    fn unit(&mut self, u: Unit) -> Result<(), AuditError> {
        if let Some(Tree::Dir(d, _)) = &u.tree {
            if let Ok(c) = d.canonicalize() {
                if !self.visited.insert(c) {
                    return Ok(());
                }
            }
        }
        let g = self.group(&u.display);
        let (files, values, mut subs) = match &u.tree {
            Some(tree) => {
                let (files, values) = self.tree_files(&u, tree)?;
                (files, values, tree_subcharts(&u, tree)?)
            }
            None => (self.loose_files(&u)?, None, Vec::new()),
        };
        if u.tree.is_none() {
            if let Some(base) = &u.base_dir {
                subs.extend(disk_subcharts(base));
            }
        }
        let mut file_targets = Vec::new();
        for f in files.iter().filter(|f| !f.kind.is_lock()) {
            file_targets.extend(self.metadata_deps(g, f, &u, &subs));
        }
        for (lock_kind, meta_kind) in
            [(FileKind::Lock, FileKind::Chart), (FileKind::RequirementsLock, FileKind::Requirements)]
        {
            if let Some(lock) = files.iter().find(|f| f.kind == lock_kind) {
                let meta = files.iter().find(|f| f.kind == meta_kind);
                self.lock(g, lock, meta);
            }
        }
        if let Some((shown, text)) = values {
            self.values(g, &shown, &text)?;
            self.report.sources.insert(shown, text);
        }
        // Loose files only borrow their directory's charts/ for the vendored checks.
        for s in subs.into_iter().filter(|_| u.tree.is_some()) {
            let sub = Unit {
                display: s.display,
                tree: Some(s.tree),
                loose: BTreeMap::new(),
                base_dir: None,
                depth: u.depth + 1,
            };
            let base = match &sub.tree {
                Some(Tree::Dir(d, _)) => Some(d.clone()),
                _ => None,
            };
            self.unit(Unit { base_dir: base, ..sub })?;
        }
        for dir in file_targets {
            let display = lexical(&dir);
            self.unit(Unit {
                display,
                tree: Some(Tree::dir(&dir)),
                loose: BTreeMap::new(),
                base_dir: Some(dir),
                depth: u.depth + 1,
            })?;
        }
        Ok(())
    }

    /// The dependency files and `values.yaml` of a chart tree; each file read is kept as a
    /// source for excerpts.
    fn tree_files(&mut self, u: &Unit, tree: &Tree) -> Result<(Vec<DependencyFile>, Option<ValuesFile>), AuditError> {
        let mut files = Vec::new();
        for (rel, kind) in [
            ("Chart.yaml", FileKind::Chart),
            ("requirements.yaml", FileKind::Requirements),
            ("Chart.lock", FileKind::Lock),
            ("requirements.lock", FileKind::RequirementsLock),
        ] {
            let shown = format!("{}/{rel}", u.display);
            if let Some(text) = tree.read(rel, &shown)? {
                files.push(chart::parse(&shown, kind, &text)?);
                self.report.sources.insert(shown, text);
            }
        }
        let shown = format!("{}/values.yaml", u.display);
        let values = tree.read("values.yaml", &shown)?.map(|text| (shown, text));
        Ok((files, values))
    }

    /// The loose dependency files of a unit, each kept as a source.
    fn loose_files(&mut self, u: &Unit) -> Result<Vec<DependencyFile>, AuditError> {
        let mut files = Vec::new();
        for (path, text) in u.loose.values() {
            let shown = path.to_string_lossy().to_string();
            let kind = FileKind::from_name(&shown).unwrap_or(FileKind::Chart);
            files.push(chart::parse(&shown, kind, text)?);
            self.report.sources.insert(shown, text.clone());
        }
        Ok(files)
    }

    /// Checks Chart.yaml / requirements.yaml dependencies; returns `file://` charts to audit next.
    fn metadata_deps(&mut self, g: usize, f: &DependencyFile, u: &Unit, subs: &[Sub]) -> Vec<PathBuf> {
        let mut follow = Vec::new();
        let mut names: BTreeMap<String, Pos> = BTreeMap::new();
        for d in &f.deps {
            if !self.dependency_shape(g, f, d, &mut names) {
                continue;
            }
            let constraint = self.constraint_of(g, f, d);
            let url = match repo_form(&d.repository) {
                RepoForm::Vendored => {
                    self.vendored(g, f, d, u, subs, constraint.as_ref());
                    None
                }
                RepoForm::File(p) => {
                    follow.extend(self.file_dependency(g, f, d, u, p, constraint.as_ref()));
                    None
                }
                RepoForm::Named(n) => self.named_repository(g, f, d, n),
                RepoForm::Url => Some(d.repository.clone()),
            };
            self.denied_repository(g, f, d, url.as_deref());
            if let Some(url) = url.filter(|u| is_remote(u)) {
                self.remote.push(RemoteDep {
                    group: g,
                    file: f.file.clone(),
                    pos: d.version_pos,
                    name: d.name.clone(),
                    display_name: d.effective_name().to_owned(),
                    repository: url,
                    constraint,
                    locked: None,
                });
            }
        }
        follow
    }

    /// `dependency-invalid` and `dependency-unknown-key`; false when the dependency has no name
    /// (nothing else can be checked then).
    fn dependency_shape(
        &mut self,
        g: usize,
        f: &DependencyFile,
        d: &Dependency,
        names: &mut BTreeMap<String, Pos>,
    ) -> bool {
        let dn = d.effective_name();
        let repo_field = Some(d.repository.as_str()).filter(|r| !r.is_empty());
        if d.name.is_empty() {
            let dg =
                dep_diag(&checks::DEPENDENCY_INVALID, f, d, d.pos, "dependency has no `name`; Helm refuses the chart");
            self.emit(g, dg, None, repo_field, None);
            return false;
        }
        for (key, pos) in &d.unknown_keys {
            let msg = format!("dependency `{dn}` has a field `{key}` that Helm silently ignores");
            let mut dg = dep_diag(&checks::DEPENDENCY_UNKNOWN_KEY, f, d, *pos, msg);
            if let Some(k) = did_you_mean(key) {
                dg = dg.help(format!("did you mean `{k}`?"));
            }
            self.emit(g, dg, Some(dn), repo_field, None);
        }
        if let Some(a) = &d.alias {
            if !a.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
                let msg = format!("alias `{a}` may only use letters, digits, `-` and `_`");
                let dg = dep_diag(&checks::DEPENDENCY_INVALID, f, d, d.pos, msg);
                self.emit(g, dg, Some(dn), repo_field, None);
            }
        }
        if let Some(first) = names.insert(dn.to_owned(), d.pos) {
            let msg = format!("more than one dependency with name or alias `{dn}` (first at line {})", first.line);
            let dg = dep_diag(&checks::DEPENDENCY_INVALID, f, d, d.pos, msg).help("give one of them an `alias`");
            self.emit(g, dg, Some(dn), repo_field, None);
        }
        true
    }

    /// The dependency's version constraint; `invalid-constraint` when it is empty or does not parse.
    fn constraint_of(&mut self, g: usize, f: &DependencyFile, d: &Dependency) -> Option<Constraint> {
        let dn = d.effective_name();
        let repo_field = Some(d.repository.as_str()).filter(|r| !r.is_empty());
        let dg = match d.version.as_deref() {
            None | Some("") => {
                let msg = format!("dependency `{dn}` has no version; Helm cannot resolve an empty constraint");
                dep_diag(&checks::INVALID_CONSTRAINT, f, d, d.version_pos, msg)
                    .help("pin a version or a range such as \"^1.2.0\"")
            }
            Some(v) => match Constraint::parse(v) {
                Ok(c) => return Some(c),
                Err(err) => {
                    dep_diag(&checks::INVALID_CONSTRAINT, f, d, d.version_pos, format!("dependency `{dn}`: {err}"))
                }
            },
        };
        self.emit(g, dg, Some(dn), repo_field, None);
        None
    }

    /// A dependency without repository: its copy under `charts/` must exist and match.
    fn vendored(
        &mut self,
        g: usize,
        f: &DependencyFile,
        d: &Dependency,
        u: &Unit,
        subs: &[Sub],
        c: Option<&Constraint>,
    ) {
        let knows_dir = u.tree.is_some() || u.base_dir.is_some();
        if !knows_dir {
            return;
        }
        let dn = d.effective_name();
        match subs.iter().find(|s| s.name.as_deref() == Some(d.name.as_str())) {
            None => {
                let msg = format!(
                    "dependency `{dn}` has no repository, so Helm expects it in charts/{}, which is missing",
                    d.name
                );
                let dg = dep_diag(&checks::VENDORED_CHART_MISSING, f, d, d.pos, msg)
                    .help("vendor the chart with `helm dependency build`, or set `repository`");
                self.emit(g, dg, Some(dn), None, None);
            }
            Some(s) => {
                self.version_check(g, f, d, c, s.version.as_deref(), &checks::VENDORED_VERSION_MISMATCH, "charts/");
            }
        }
    }

    /// A `file://` dependency: its chart must exist and match; returns its directory to audit next.
    fn file_dependency(
        &mut self,
        g: usize,
        f: &DependencyFile,
        d: &Dependency,
        u: &Unit,
        p: &str,
        c: Option<&Constraint>,
    ) -> Option<PathBuf> {
        let (Some(base), true) = (&u.base_dir, matches!(u.tree, Some(Tree::Dir(..)) | None)) else { return None };
        let dir = if Path::new(p).is_absolute() { PathBuf::from(p) } else { base.join(p) };
        let chart_yaml = dir.join("Chart.yaml");
        let shown = chart_yaml.display().to_string();
        let meta = crate::textfile::read_limited(&chart_yaml, &shown, crate::limits::MAX_CHART_FILE_BYTES)
            .ok()
            .and_then(|t| chart::parse("", FileKind::Chart, &t).ok());
        let Some(m) = meta else {
            let msg =
                format!("dependency `{}` points at {}, which holds no Chart.yaml", d.effective_name(), d.repository);
            let dg = dep_diag(&checks::FILE_DEPENDENCY_MISSING, f, d, d.repository_pos, msg);
            self.emit(g, dg, Some(d.effective_name()), Some(&d.repository), None);
            return None;
        };
        self.version_check(g, f, d, c, m.version.as_deref(), &checks::FILE_DEPENDENCY_VERSION, &d.repository);
        Some(dir)
    }

    /// An `@name` / `alias:name` repository: its URL from repositories.yaml, else a deny-list hit
    /// on the name or `unresolved-repository`.
    fn named_repository(&mut self, g: usize, f: &DependencyFile, d: &Dependency, n: &str) -> Option<String> {
        if let Some(r) = self.opts.repos.resolve(n) {
            return Some(r.url.clone());
        }
        let dn = d.effective_name();
        let dg = if let Some(hit) = self.opts.deny.check_repo_name(n, &d.name) {
            let base = dep_base(Diagnostic::new("", hit.severity, ""), f, d, d.repository_pos);
            hit_diag(&hit, base, dn, &d.repository)
        } else {
            let msg = format!(
                "dependency `{dn}` uses repository `{}`, which no repositories.yaml resolves; it was not checked",
                d.repository
            );
            dep_diag(&checks::UNRESOLVED_REPOSITORY, f, d, d.repository_pos, msg)
                .help(format!("run `helm repo add {n} <url>`, pass --repository-config, or write the URL"))
        };
        self.emit(g, dg, Some(dn), Some(&d.repository), None);
        None
    }

    /// A deny-list hit on the dependency's (resolved) repository, or on its vendored copy.
    fn denied_repository(&mut self, g: usize, f: &DependencyFile, d: &Dependency, url: Option<&str>) {
        let checked = url.unwrap_or_default();
        let Some(hit) = self.opts.deny.check_repository(checked, &d.name) else { return };
        let dn = d.effective_name();
        let shown = if checked.is_empty() { "its vendored copy" } else { checked };
        let base = dep_base(Diagnostic::new("", hit.severity, ""), f, d, d.repository_pos);
        let mut dg = hit_diag(&hit, base, dn, shown);
        if url.is_some() && checked != d.repository {
            dg = dg.field("resolved_repository", online::redact(checked));
        }
        self.emit(g, dg, Some(dn), Some(checked), None);
    }

    #[allow(clippy::too_many_arguments)]
    fn version_check(
        &mut self,
        g: usize,
        f: &DependencyFile,
        d: &Dependency,
        c: Option<&Constraint>,
        actual: Option<&str>,
        check: &Check,
        place: &str,
    ) {
        let (Some(c), Some(v)) = (c, actual) else { return };
        let ok = constraint::parse_version(v).is_ok_and(|ver| c.matches(&ver));
        if !ok {
            let dn = d.effective_name();
            let msg = format!(
                "dependency `{dn}` wants version {c} but {place} holds version {v}; Helm reports it as missing"
            );
            let dg = dep_diag(check, f, d, d.version_pos, msg);
            self.emit(g, dg, Some(dn), None, None);
        }
    }

    fn lock(&mut self, g: usize, lock: &DependencyFile, meta: Option<&DependencyFile>) {
        let lname = Path::new(&lock.file).file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
        let lname = if lname.contains("requirements") { "requirements.lock" } else { "Chart.lock" };
        self.locked_repositories(g, lock);
        let Some(meta) = meta else { return };
        let mut sync = LockSync {
            lname,
            used: vec![false; lock.deps.len()],
            resolved: Vec::new(),
            in_sync: true,
            all_resolved: true,
        };
        for m in &meta.deps {
            self.locked_entry(g, lock, meta, m, &mut sync);
        }
        for (i, l) in lock.deps.iter().enumerate() {
            if !sync.used[i] {
                sync.in_sync = false;
                let msg = format!("{lname} lists `{}`, which is no longer a dependency", l.name);
                let dg = out_of_sync(&lock.file, l.pos, msg);
                self.emit(g, dg.field("dependency", l.name.as_str()), Some(&l.name), Some(&l.repository), None);
            }
        }
        if sync.in_sync && sync.all_resolved && lock.kind == FileKind::Lock {
            self.lock_digest(g, lock, meta, &sync);
        }
    }

    /// The deny-list over the lock's repositories; records the locked versions that online
    /// checks see whether are still published.
    fn locked_repositories(&mut self, g: usize, lock: &DependencyFile) {
        for l in &lock.deps {
            if let Some(hit) = self.opts.deny.check_repository(&l.repository, &l.name) {
                let base = Diagnostic::new("", hit.severity, "")
                    .at(lock.file.clone(), l.repository_pos.line, l.repository_pos.col)
                    .field("dependency", l.name.as_str());
                let dg = hit_diag(&hit, base, &l.name, &l.repository)
                    .field("locked_version", l.version.clone().unwrap_or_default());
                self.emit(g, dg, Some(&l.name), Some(&l.repository), None);
            }
            if is_remote(&l.repository) {
                if let Some(r) =
                    self.remote.iter_mut().rev().find(|r| r.group == g && r.name == l.name && r.locked.is_none())
                {
                    r.locked.clone_from(&l.version);
                }
            }
        }
    }

    /// One dependency `m` against its lock entry: missing, from another repository, or pinned
    /// at a version its constraint no longer allows.
    fn locked_entry(
        &mut self,
        g: usize,
        lock: &DependencyFile,
        meta: &DependencyFile,
        m: &Dependency,
        sync: &mut LockSync,
    ) {
        let lname = sync.lname;
        let repo = match repo_form(&m.repository) {
            RepoForm::Named(n) => self.opts.repos.resolve(n).map(|r| r.url.clone()),
            _ => Some(m.repository.clone()),
        };
        sync.all_resolved &= repo.is_some();
        sync.resolved.push(repo.clone().unwrap_or_else(|| m.repository.clone()));
        let Some(i) = (0..lock.deps.len()).find(|&i| !sync.used[i] && lock.deps[i].name == m.name) else {
            sync.in_sync = false;
            let msg = format!("dependency `{}` is missing from {lname}", m.effective_name());
            let dg = out_of_sync(&meta.file, m.pos, msg);
            self.emit(g, dg.field("dependency", m.effective_name()), Some(m.effective_name()), None, None);
            return;
        };
        sync.used[i] = true;
        let l = &lock.deps[i];
        let (pos, msg) = if repo.is_some_and(|repo| normalize_url(&repo) != normalize_url(&l.repository)) {
            let (was, now) = (show_repo(&l.repository), show_repo(&m.repository));
            (l.repository_pos, format!("{lname} has `{}` from {was} but the dependency now says {now}", l.name))
        } else if !lock_allows(m, l) {
            let (lv, mv) = (l.version.as_deref().unwrap_or_default(), m.version.as_deref().unwrap_or_default());
            (
                l.version_pos,
                format!("{lname} pins `{}` at {lv}, which the constraint \"{mv}\" no longer allows", l.name),
            )
        } else {
            return;
        };
        sync.in_sync = false;
        let dg = out_of_sync(&lock.file, pos, msg).field("dependency", m.effective_name());
        self.emit(g, dg, Some(m.effective_name()), Some(&l.repository), None);
    }

    /// Helm's lock digest, which `helm dependency build` compares before it builds anything.
    fn lock_digest(&mut self, g: usize, lock: &DependencyFile, meta: &DependencyFile, sync: &LockSync) {
        let Some((digest, pos)) = &lock.digest else { return };
        let want = chart::helm_lock_digest(&meta.deps, &sync.resolved, &lock.deps);
        if *digest != want {
            let dg = out_of_sync(
                &lock.file,
                *pos,
                format!("{} digest does not match the dependencies (a condition, tag, alias, import-values or version changed); helm dependency build refuses it", sync.lname),
            )
            .field("expected_digest", want);
            self.emit(g, dg, None, None, None);
        }
    }

    fn values(&mut self, g: usize, shown: &str, text: &str) -> Result<(), AuditError> {
        let docs = yaml::parse_stream(text).map_err(|e| AuditError::yaml(shown, &e))?;
        let Some(root) = docs.into_iter().find_map(|d| d.root) else { return Ok(()) };
        for img in images::scan(&root) {
            if let Some(hit) = self.opts.deny.check_image(&img.reference) {
                let mut msg = format!("image `{}` (values `{}`): {}", img.reference, img.path, hit.reason);
                if let Some(s) = &hit.since {
                    msg.push_str(&format!(" [since {s}]"));
                }
                let mut dg = Diagnostic::new(hit.id.as_str(), hit.severity, msg)
                    .at(shown.to_owned(), img.pos.line, img.pos.col)
                    .field("image", img.reference.as_str())
                    .field("values_path", img.path.as_str());
                if let Some(r) = &hit.replacement {
                    dg = dg.help(r.to_string());
                }
                self.emit(g, dg, None, None, Some(&img.reference));
            }
        }
        if let Some(n) = root.path(&["global", "security", "allowInsecureImages"]).filter(|n| n.as_bool() == Some(true))
        {
            let dg = checks::INSECURE_IMAGES_ALLOWED.diagnostic(
                "global.security.allowInsecureImages is true: this Bitnami chart's images were overridden; check every image is maintained",
            )
            .at(shown.to_owned(), n.pos.line, n.pos.col);
            self.emit(g, dg, None, None, None);
        }
        Ok(())
    }
}

/// A finding of `check` about dependency `d` of `f`, at `pos`.
/// A chart's `values.yaml`: the name shown and the text.
type ValuesFile = (String, String);

/// What comparing a dependency file with its lock found so far.
struct LockSync {
    /// `Chart.lock` or `requirements.lock`, for messages.
    lname: &'static str,
    /// Lock entries matched by a dependency.
    used: Vec<bool>,
    /// Each dependency's repository with named repositories resolved (for the digest).
    resolved: Vec<String>,
    /// No entry is missing, extra, from another repository or at a disallowed version.
    in_sync: bool,
    /// Every named repository resolved (the digest needs their URLs).
    all_resolved: bool,
}

fn out_of_sync(file: &str, p: Pos, msg: String) -> Diagnostic {
    checks::LOCK_OUT_OF_SYNC
        .diagnostic(msg)
        .at(file.to_owned(), p.line, p.col)
        .help("run `helm dependency update` and commit the new lock")
}

/// Whether the locked version `l` still satisfies dependency `m`: equal versions for a
/// dependency without a repository, else the constraint (one that does not parse is reported
/// as invalid-constraint, not here).
fn lock_allows(m: &Dependency, l: &Dependency) -> bool {
    let lv = l.version.as_deref().unwrap_or_default();
    let mv = m.version.as_deref().unwrap_or_default();
    if m.repository.is_empty() {
        return lv == mv;
    }
    match (Constraint::parse(mv), constraint::parse_version(lv)) {
        (Ok(c), Ok(v)) => c.matches(&v),
        (Err(_), _) => true,
        (Ok(_), Err(_)) => false,
    }
}

fn dep_diag(check: &Check, f: &DependencyFile, d: &Dependency, pos: Pos, msg: impl Into<String>) -> Diagnostic {
    dep_base(check.diagnostic(msg), f, d, pos)
}

/// `dg` located at `pos` in `f` and naming dependency `d`.
fn dep_base(dg: Diagnostic, f: &DependencyFile, d: &Dependency, pos: Pos) -> Diagnostic {
    dg.at(f.file.clone(), pos.line, pos.col).field("dependency", d.effective_name())
}

/// `a/b/../c` → `a/c`, for display only (symlinks are not resolved).
fn lexical(p: &Path) -> String {
    let mut parts: Vec<String> = Vec::new();
    for c in p.components() {
        match c {
            std::path::Component::ParentDir if parts.last().is_some_and(|l| l != "..") => {
                parts.pop();
            }
            std::path::Component::CurDir => {}
            c => parts.push(c.as_os_str().to_string_lossy().to_string()),
        }
    }
    if parts.is_empty() { ".".into() } else { parts.join("/").replacen("//", "/", 1) }
}

fn show_repo(r: &str) -> String {
    if r.is_empty() { "charts/ (vendored)".into() } else { online::redact(r) }
}

fn is_remote(u: &str) -> bool {
    let l = u.to_ascii_lowercase();
    l.starts_with("https://") || l.starts_with("http://") || l.starts_with("oci://")
}

/// A deny-list hit as a finding on `base`'s location.
fn hit_diag(hit: &Hit, base: Diagnostic, dep: &str, repo: &str) -> Diagnostic {
    // A URL may carry `user:pass@`; findings end up in CI logs.
    let repo = online::redact(repo);
    let repo = repo.as_str();
    let mut msg = format!("dependency `{dep}` comes from {repo}: {}", hit.reason);
    if let Some(s) = &hit.since {
        msg.push_str(&format!(" [since {s}]"));
    }
    let mut d =
        Diagnostic { rule: hit.id.clone(), severity: hit.severity, message: msg, ..base }.field("repository", repo);
    if let Some(r) = &hit.replacement {
        d = d.help(r.to_string());
        if let Some(rr) = &r.repository {
            d = d.field("replacement_repository", rr.as_str());
        }
        if let Some(c) = &r.chart {
            d = d.field("replacement_chart", c.as_str());
        }
    }
    d
}

/// The subcharts of a chart tree with their names and versions; below the nesting limit a
/// chart may have none.
fn tree_subcharts(u: &Unit, tree: &Tree) -> Result<Vec<Sub>, AuditError> {
    if u.depth >= source::MAX_DEPTH {
        if !tree.subcharts(&u.display)?.is_empty() {
            return Err(AuditError::Invalid {
                file: u.display.clone(),
                line: 1,
                col: 1,
                message: format!("subcharts nest more than {} levels deep", source::MAX_DEPTH),
            });
        }
        return Ok(Vec::new());
    }
    tree.subcharts(&u.display)?.into_iter().map(|(display, t)| Sub::read(display, t)).collect()
}

/// Subcharts next to a lone `Chart.yaml`: `charts/<dir>` with a Chart.yaml, and `charts/*.tgz`.
fn disk_subcharts(base: &Path) -> Vec<Sub> {
    let shown = base.to_string_lossy().to_string();
    Tree::dir(base)
        .subcharts(&shown)
        .unwrap_or_default()
        .into_iter()
        // They only serve the vendored checks of the loose files: one that cannot be read is
        // a subchart without a name, not a stop.
        .map(|(display, tree)| {
            Sub::read(display.clone(), tree.clone()).unwrap_or(Sub { display, tree, name: None, version: None })
        })
        .collect()
}
