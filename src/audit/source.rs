//! Where charts come from: directories, `.tgz` archives (also nested in `charts/`), and loose
//! dependency files; turned into [`Unit`]s the engine audits one by one.

use std::collections::BTreeMap;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::AuditError;
use super::chart::FileKind;

/// Decompressed bytes a single archive may hold: a chart is kilobytes, a bomb is not.
const MAX_ARCHIVE_BYTES: u64 = 64 * 1024 * 1024;
/// How deep `charts/` may nest.
pub const MAX_DEPTH: usize = 16;

/// A chart's file tree.
#[derive(Debug, Clone)]
pub enum Tree {
    /// A directory on disk.
    Dir(PathBuf),
    /// A directory inside an archive: all files of the archive plus the chart's prefix.
    Archive(Arc<BTreeMap<String, Vec<u8>>>, String),
}

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

impl Tree {
    /// Reads `rel` (e.g. `Chart.yaml`) if it exists.
    pub fn read(&self, rel: &str, shown: &str) -> Result<Option<String>, AuditError> {
        let bytes = match self {
            Tree::Dir(d) => {
                let p = d.join(rel);
                match std::fs::read(&p) {
                    Ok(b) => b,
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
                    Err(e) => return Err(io_err(&p, e)),
                }
            }
            Tree::Archive(files, prefix) => match files.get(&format!("{prefix}/{rel}")) {
                Some(b) => b.clone(),
                None => return Ok(None),
            },
        };
        Ok(Some(crate::textfile::utf8(shown, bytes)?))
    }

    /// Subcharts under `charts/`: directories holding a `Chart.yaml` and `.tgz` archives, sorted.
    pub fn subcharts(&self, parent: &str) -> Result<Vec<(String, Tree)>, AuditError> {
        let mut out = Vec::new();
        match self {
            Tree::Dir(d) => {
                let dir = d.join("charts");
                let Ok(rd) = std::fs::read_dir(&dir) else {
                    return Ok(out);
                };
                let mut entries: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
                entries.sort();
                for p in entries {
                    let name = p.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
                    let shown = format!("{parent}/charts/{name}");
                    if p.is_dir() && p.join("Chart.yaml").is_file() {
                        out.push((shown, Tree::Dir(p)));
                    } else if name.ends_with(".tgz") && p.is_file() {
                        let bytes = std::fs::read(&p).map_err(|e| io_err(&p, e))?;
                        out.extend(archive_charts(&shown, &bytes)?);
                    }
                }
            }
            Tree::Archive(files, prefix) => {
                let base = format!("{prefix}/charts/");
                let mut seen = std::collections::BTreeSet::new();
                for (path, bytes) in files.range(base.clone()..) {
                    let Some(rest) = path.strip_prefix(&base) else { break };
                    if let Some((dir, tail)) = rest.split_once('/') {
                        if tail == "Chart.yaml" && seen.insert(dir.to_owned()) {
                            out.push((
                                format!("{parent}/charts/{dir}"),
                                Tree::Archive(files.clone(), format!("{base}{dir}")),
                            ));
                        }
                    } else if rest.ends_with(".tgz") {
                        out.extend(archive_charts(&format!("{parent}/charts/{rest}"), bytes)?);
                    }
                }
            }
        }
        Ok(out)
    }
}

/// The chart(s) at the top of a `.tgz`: every top-level directory with a `Chart.yaml`.
pub fn archive_charts(shown: &str, bytes: &[u8]) -> Result<Vec<(String, Tree)>, AuditError> {
    let files = Arc::new(read_archive(shown, bytes)?);
    let mut tops: Vec<String> = files
        .keys()
        .filter_map(|k| k.strip_suffix("/Chart.yaml").filter(|d| !d.contains('/')).map(str::to_owned))
        .collect();
    tops.dedup();
    if tops.is_empty() {
        return Err(AuditError::Invalid {
            file: shown.to_owned(),
            line: 1,
            col: 1,
            message: "the archive holds no <chart>/Chart.yaml".into(),
        });
    }
    Ok(tops.into_iter().map(|t| (format!("{shown}!/{t}"), Tree::Archive(files.clone(), t))).collect())
}

fn read_archive(shown: &str, bytes: &[u8]) -> Result<BTreeMap<String, Vec<u8>>, AuditError> {
    let bad = |m: String| AuditError::Invalid { file: shown.to_owned(), line: 1, col: 1, message: m };
    let gz = flate2::read::GzDecoder::new(bytes);
    let mut ar = tar::Archive::new(gz.take(MAX_ARCHIVE_BYTES + 1));
    let mut files = BTreeMap::new();
    let mut total = 0u64;
    let entries = ar.entries().map_err(|e| bad(format!("not a gzipped tar archive: {e}")))?;
    for entry in entries {
        let mut entry = entry.map_err(|e| bad(format!("corrupt archive: {e}")))?;
        if !entry.header().entry_type().is_file() {
            continue;
        }
        let path = entry
            .path()
            .map_err(|e| bad(format!("corrupt archive: {e}")))?
            .to_string_lossy()
            .trim_start_matches("./")
            .to_string();
        // Only what the audit reads, which keeps big archives cheap.
        let keep =
            path.ends_with(".yaml") || path.ends_with(".yml") || path.ends_with(".lock") || path.ends_with(".tgz");
        total += entry.size();
        if total > MAX_ARCHIVE_BYTES {
            return Err(bad(format!("the archive unpacks to more than {MAX_ARCHIVE_BYTES} bytes")));
        }
        if keep {
            let mut buf = Vec::new();
            entry.read_to_end(&mut buf).map_err(|e| bad(format!("corrupt archive: {e}")))?;
            files.insert(path, buf);
        }
    }
    Ok(files)
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
                walk(input, &mut units, &mut loose, 0)?;
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
        tree: Some(Tree::Dir(p.to_path_buf())),
        loose: BTreeMap::new(),
        base_dir: Some(p.to_path_buf()),
        depth: 0,
    }
}

fn walk(dir: &Path, units: &mut Vec<Unit>, loose: &mut BTreeMap<String, Unit>, depth: usize) -> Result<(), AuditError> {
    if depth > 32 {
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
            if is_chart_dir(&p) {
                units.push(dir_unit(&p));
            } else {
                walk(&p, units, loose, depth + 1)?;
            }
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
        let bytes = std::fs::read(p).map_err(|e| io_err(p, e))?;
        for (shown, tree) in archive_charts(&display(p), &bytes)? {
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
