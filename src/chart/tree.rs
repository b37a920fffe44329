//! A chart's file tree, on disk or inside a `.tgz`, read lazily: its files by path, and its
//! subcharts under `charts/` (directories and archives). Every archive met below one chart
//! draws on that chart's one [`Budget`], whether the chart is a directory or an archive.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::{ArchiveError, Budget, Files};
use crate::textfile::{self, ReadError};

/// A chart's file tree.
#[derive(Debug, Clone)]
pub enum Tree {
    /// A directory on disk, and the budget of the archives found below it.
    Dir(PathBuf, Arc<Budget>),
    /// A directory inside an archive: all files of the archive plus the chart's prefix.
    Archive(Arc<Archive>, String),
}

/// The kept files of one archive, its subchart nesting level and the limits it draws on.
#[derive(Debug)]
pub struct Archive {
    files: Files,
    depth: usize,
    budget: Arc<Budget>,
}

/// Why part of a chart tree cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum TreeError {
    /// A file is unreadable, not a regular file, too large or not UTF-8.
    #[error(transparent)]
    Read(#[from] ReadError),
    /// An archive cannot be unpacked within the limits.
    #[error("{archive}: {error}")]
    Archive {
        /// The archive as shown to the user.
        archive: String,
        /// Why.
        error: ArchiveError,
    },
    /// An archive without a `<chart>/Chart.yaml`.
    #[error("{archive}: the archive holds no <chart>/Chart.yaml")]
    NoChart {
        /// The archive as shown to the user.
        archive: String,
    },
}

fn display(p: &Path) -> String {
    p.to_string_lossy().trim_end_matches('/').to_string()
}

impl Tree {
    /// The tree of the chart directory `dir`, with a budget of its own.
    pub fn dir(dir: &Path) -> Tree {
        Tree::Dir(dir.to_path_buf(), Arc::default())
    }

    /// Reads `rel` (e.g. `Chart.yaml`) as text if it exists; `shown` names it in errors.
    ///
    /// # Errors
    /// The file is unreadable, larger than a chart file may be, or not UTF-8.
    pub fn read(&self, rel: &str, shown: &str) -> Result<Option<String>, TreeError> {
        let bytes = match self {
            Tree::Dir(d, _) => {
                let p = d.join(rel);
                // A file linked from outside the chart is never read (see ReadError::OutsideChart).
                if let Ok(root) = d.canonicalize() {
                    textfile::check_inside(&root, &p, &display(&p))?;
                }
                match textfile::read_if_exists(&p, &display(&p), crate::limits::MAX_CHART_FILE_BYTES)? {
                    Some(b) => b,
                    None => return Ok(None),
                }
            }
            Tree::Archive(ar, prefix) => match ar.files.get(&format!("{prefix}/{rel}")) {
                Some(b) => b.clone(),
                None => return Ok(None),
            },
        };
        Ok(Some(textfile::utf8(shown, bytes)?))
    }

    /// Subcharts under `charts/`: directories holding a `Chart.yaml` and `.tgz` archives,
    /// sorted, each shown under `parent`.
    ///
    /// # Errors
    /// An archive that cannot be read or unpacked within the limits.
    pub fn subcharts(&self, parent: &str) -> Result<Vec<(String, Tree)>, TreeError> {
        let mut out = Vec::new();
        match self {
            Tree::Dir(d, budget) => {
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
                        out.push((shown, Tree::Dir(p, budget.clone())));
                    } else if name.ends_with(".tgz") && p.is_file() {
                        if let Ok(root) = d.canonicalize() {
                            textfile::check_inside(&root, &p, &display(&p))?;
                        }
                        // Helm's directory loader holds charts/*.tgz to the per-file limit too.
                        let bytes = textfile::read_bytes(&p, &display(&p), crate::limits::MAX_CHART_FILE_BYTES)?;
                        out.extend(archive_charts(&shown, &bytes, 0, budget.clone())?);
                    }
                }
            }
            Tree::Archive(ar, prefix) => {
                let base = format!("{prefix}/charts/");
                let mut seen = std::collections::BTreeSet::new();
                for (path, bytes) in ar.files.range(base.clone()..) {
                    let Some(rest) = path.strip_prefix(&base) else { break };
                    if let Some((dir, tail)) = rest.split_once('/') {
                        if tail == "Chart.yaml" && seen.insert(dir.to_owned()) {
                            out.push((
                                format!("{parent}/charts/{dir}"),
                                Tree::Archive(ar.clone(), format!("{base}{dir}")),
                            ));
                        }
                    } else if rest.ends_with(".tgz") {
                        let shown = format!("{parent}/charts/{rest}");
                        out.extend(archive_charts(&shown, bytes, ar.depth + 1, ar.budget.clone())?);
                    }
                }
            }
        }
        Ok(out)
    }
}

/// The chart(s) at the top of a `.tgz` at subchart level `depth`: every top-level directory
/// with a `Chart.yaml`, shown as `<shown>!/<dir>`. Archives nested in it share `budget`.
///
/// # Errors
/// The archive cannot be unpacked within the limits, or holds no chart.
pub fn archive_charts(
    shown: &str,
    bytes: &[u8],
    depth: usize,
    budget: Arc<Budget>,
) -> Result<Vec<(String, Tree)>, TreeError> {
    // Only dependency files, values and nested archives, which keeps big archives cheap.
    let keep = |p: &str| p.ends_with(".yaml") || p.ends_with(".yml") || p.ends_with(".lock") || p.ends_with(".tgz");
    let files = super::read_archive(bytes, depth, &budget, &keep)
        .map_err(|error| TreeError::Archive { archive: shown.to_owned(), error })?;
    let ar = Arc::new(Archive { files, depth, budget });
    let mut tops: Vec<String> = ar
        .files
        .keys()
        .filter_map(|k| k.strip_suffix("/Chart.yaml").filter(|d| !d.contains('/')).map(str::to_owned))
        .collect();
    tops.dedup();
    if tops.is_empty() {
        return Err(TreeError::NoChart { archive: shown.to_owned() });
    }
    Ok(tops.into_iter().map(|t| (format!("{shown}!/{t}"), Tree::Archive(ar.clone(), t))).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn archives_under_a_chart_directory_draw_on_its_one_budget() {
        let tmp = tempfile::tempdir().unwrap();
        let charts = tmp.path().join("charts");
        std::fs::create_dir(&charts).unwrap();
        // Two subchart archives of 60 KiB each: either fits a 100 KiB budget, both do not.
        let sub = crate::chart::tests::tgz(&[("s/Chart.yaml", b"name: s\n"), ("s/values.yaml", &[b'#'; 60 * 1024])]);
        std::fs::write(charts.join("a.tgz"), &sub).unwrap();
        std::fs::write(charts.join("b.tgz"), &sub).unwrap();
        let budget = Arc::new(Budget::with_bytes(100 * 1024));
        let e = Tree::Dir(tmp.path().to_path_buf(), budget).subcharts("c").unwrap_err();
        assert!(matches!(e, TreeError::Archive { error: ArchiveError::TooLarge { .. }, .. }), "{e}");
        assert_eq!(Tree::dir(tmp.path()).subcharts("c").unwrap().len(), 2);
    }
}
