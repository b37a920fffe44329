//! Writing a chart: into a temporary directory beside the target, renamed into place, so a
//! failure never leaves a half-written chart and nothing the user owns is replaced without
//! `--force`.

use std::path::{Path, PathBuf};

use super::Chart;

/// Why a chart could not be written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// The target exists and is not empty.
    #[error("{0}: output directory exists and is not empty; pass --force to replace it")]
    NotEmpty(PathBuf),
    /// The target exists and is a file.
    #[error("{0}: output path exists and is not a directory")]
    NotADirectory(PathBuf),
    /// Filesystem error.
    #[error("{path}: {source}")]
    Io {
        /// Where.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> WriteError + '_ {
    move |source| WriteError::Io { path: path.to_path_buf(), source }
}

/// Writes the chart to `out`.
pub fn write_chart(chart: &Chart, out: &Path, force: bool) -> Result<(), WriteError> {
    if out.exists() {
        if !out.is_dir() {
            return Err(WriteError::NotADirectory(out.to_path_buf()));
        }
        let non_empty = std::fs::read_dir(out).map_err(io(out))?.next().is_some();
        if non_empty && !force {
            return Err(WriteError::NotEmpty(out.to_path_buf()));
        }
    }
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent).map_err(io(&parent))?;
    let tmp = tempfile::Builder::new().prefix(".chartwright-").tempdir_in(&parent).map_err(io(&parent))?;
    for (rel, content) in &chart.files {
        let path = tmp.path().join(rel);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(io(dir))?;
        }
        std::fs::write(&path, content).map_err(io(&path))?;
    }
    let staged = tmp.keep();
    if out.exists() {
        // Move the old directory aside first, so that a failed rename can be undone.
        let old = parent.join(format!(".chartwright-old-{}", std::process::id()));
        std::fs::rename(out, &old).map_err(io(out))?;
        if let Err(e) = std::fs::rename(&staged, out) {
            let _ = std::fs::rename(&old, out);
            let _ = std::fs::remove_dir_all(&staged);
            return Err(WriteError::Io { path: out.to_path_buf(), source: e });
        }
        std::fs::remove_dir_all(&old).map_err(io(&old))?;
    } else if let Err(e) = std::fs::rename(&staged, out) {
        let _ = std::fs::remove_dir_all(&staged);
        return Err(WriteError::Io { path: out.to_path_buf(), source: e });
    }
    Ok(())
}
