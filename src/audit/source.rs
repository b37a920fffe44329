//! Where charts come from: directories, `.tgz` archives (also nested in `charts/`), and loose
//! dependency files; turned into [`Unit`]s the engine audits one by one.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::AuditError;
use super::chart::FileKind;

/// How deep `charts/` may nest.
pub const MAX_DEPTH: usize = crate::limits::MAX_SUBCHART_DEPTH;

pub use crate::chart::tree::Tree;

/// One thing to audit: a chart (from a tree) or a set of loose dependency files.
#[derive(Debug, Clone)]
pub struct Unit {
    /// Display path of the chart (group name, and prefix of its files).
    pub display: String,
    /// The chart's file tree, when it is a whole chart.
    pub tree: Option<Tree>,
    /// Loose files by kind (only when `tree` is `None`).
    pub loose: BTreeMap<u8, (PathBuf, String)>,
    /// The directory `file://` paths and `charts/` are relative to, when known.
    pub base_dir: Option<PathBuf>,
    /// Nesting depth below an input (0 for inputs).
    pub depth: usize,
}

/// Key of a loose file in [`Unit::loose`], in the order they are audited.
pub fn kind_key(k: FileKind) -> u8 {
    match k {
        FileKind::Chart => 0,
        FileKind::Requirements => 1,
        FileKind::Lock => 2,
        FileKind::RequirementsLock => 3,
    }
}

fn display(p: &Path) -> String {
    p.to_string_lossy().trim_end_matches('/').to_string()
}

fn io_err(path: &Path, source: std::io::Error) -> AuditError {
    crate::textfile::ReadError::io(display(path), source).into()
}

/// The chart(s) at the top of a `.tgz` at subchart level `depth` (see
/// [`crate::chart::tree::archive_charts`]).
///
/// # Errors
/// The archive cannot be unpacked within the limits, or holds no chart.
pub fn archive_charts(
    shown: &str,
    bytes: &[u8],
    depth: usize,
    budget: Arc<crate::chart::Budget>,
) -> Result<Vec<(String, Tree)>, AuditError> {
    Ok(crate::chart::tree::archive_charts(shown, bytes, depth, budget)?)
}

fn is_chart_dir(p: &Path) -> bool {
    p.join("Chart.yaml").is_file()
}

/// Turns the command-line inputs into units: chart directories, archives, loose files, and
/// directories searched (sorted) for those.
pub fn discover(inputs: &[PathBuf]) -> Result<Vec<Unit>, AuditError> {
    let mut units = Vec::new();
    let mut loose: BTreeMap<String, Unit> = BTreeMap::new();
    for input in inputs {
        let meta = std::fs::metadata(input).map_err(|e| io_err(input, e))?;
        if meta.is_dir() {
            if is_chart_dir(input) || input.join("requirements.yaml").is_file() {
                units.push(dir_unit(input));
            } else {
                let mut visited = crate::textfile::Visited::default();
                visited.first_visit(input);
                walk(input, &mut units, &mut loose, 0, &mut visited)?;
            }
        } else {
            add_file(input, &mut units, &mut loose, true)?;
        }
    }
    units.extend(loose.into_values());
    if units.is_empty() {
        let shown: Vec<String> = inputs.iter().map(|p| display(p)).collect();
        return Err(AuditError::NothingToAudit(shown.join(", ")));
    }
    Ok(units)
}

fn dir_unit(p: &Path) -> Unit {
    Unit {
        display: display(p),
        tree: Some(Tree::dir(p)),
        loose: BTreeMap::new(),
        base_dir: Some(p.to_path_buf()),
        depth: 0,
    }
}

fn walk(
    dir: &Path,
    units: &mut Vec<Unit>,
    loose: &mut BTreeMap<String, Unit>,
    depth: usize,
    visited: &mut crate::textfile::Visited,
) -> Result<(), AuditError> {
    if depth > crate::limits::MAX_WALK_DEPTH {
        eprintln!(
            "chartwright: skipped {}: deeper than {} directory levels",
            display(dir),
            crate::limits::MAX_WALK_DEPTH
        );
        return Ok(());
    }
    let rd = std::fs::read_dir(dir).map_err(|e| io_err(dir, e))?;
    let mut entries: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for p in entries {
        let name = p.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
        if name.starts_with('.') {
            continue;
        }
        if p.is_dir() {
            if !visited.first_visit(&p) {
                eprintln!("chartwright: skipped {}: a directory already walked (symlink cycle)", display(&p));
            } else if is_chart_dir(&p) {
                units.push(dir_unit(&p));
            } else {
                walk(&p, units, loose, depth + 1, visited)?;
            }
        } else if let Some(what) = std::fs::metadata(&p).ok().and_then(|m| crate::textfile::kind_name(m.file_type())) {
            eprintln!("chartwright: skipped {}: not a regular file ({what})", display(&p));
        } else {
            add_file(&p, units, loose, false)?;
        }
    }
    Ok(())
}

fn add_file(
    p: &Path,
    units: &mut Vec<Unit>,
    loose: &mut BTreeMap<String, Unit>,
    explicit: bool,
) -> Result<(), AuditError> {
    let name = p.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    if name.ends_with(".tgz") {
        let bytes = crate::textfile::read_bytes(p, &display(p), crate::limits::MAX_CHART_BYTES)?;
        for (shown, tree) in archive_charts(&display(p), &bytes, 0, Arc::default())? {
            units.push(Unit { display: shown, tree: Some(tree), loose: BTreeMap::new(), base_dir: None, depth: 0 });
        }
        return Ok(());
    }
    let Some(kind) = FileKind::from_name(&name) else {
        if explicit {
            return Err(AuditError::Unsupported(display(p)));
        }
        return Ok(());
    };
    let text = crate::textfile::read(p, &display(p))?;
    // `x__Chart.yaml` and `x__Chart.lock.yaml` (or `dir/Chart.yaml` and `dir/Chart.lock`) pair up.
    let shown = display(p);
    let stem = [
        "Chart.lock.yaml",
        "requirements.lock.yaml",
        "Chart.yaml",
        "Chart.yml",
        "Chart.lock",
        "requirements.yaml",
        "requirements.yml",
        "requirements.lock",
    ]
    .iter()
    .find_map(|s| shown.strip_suffix(s))
    .unwrap_or(&shown)
    .to_owned();
    let exact = matches!(name.as_str(), "Chart.yaml" | "Chart.lock" | "requirements.yaml" | "requirements.lock");
    let unit = loose.entry(stem.clone()).or_insert_with(|| Unit {
        display: stem.trim_end_matches('/').to_owned(),
        tree: None,
        loose: BTreeMap::new(),
        base_dir: None,
        depth: 0,
    });
    if unit.display.is_empty() {
        unit.display = ".".into();
    }
    if exact {
        unit.base_dir = Some(p.parent().map_or_else(
            || PathBuf::from("."),
            |d| if d.as_os_str().is_empty() { PathBuf::from(".") } else { d.to_path_buf() },
        ));
    }
    unit.loose.insert(kind_key(kind), (p.to_path_buf(), text));
    let _ = units;
    Ok(())
}
