//! A chart's files read eagerly, from a directory or a `.tgz`, keeping only those the caller
//! selects: a directory is read as Helm's directory loader reads it (its root `.helmignore`
//! applied to the whole tree, every file held to Helm's per-file limit, symlink cycles
//! followed once) and an archive through [`super::read_archive`] under the chart's one
//! [`Budget`].

use std::path::Path;

use super::helmignore::{HelmIgnore, HelmIgnoreError};
use super::{ArchiveError, Budget, Files};
use crate::limits;
use crate::textfile::{self, ReadError};

/// Which files of a chart tree to read, by path in the chart (`/` separators).
pub struct Select<'a> {
    /// Files to keep.
    pub file: &'a dyn Fn(&str) -> bool,
    /// Directories worth descending into (the others cannot hold a kept file).
    pub dir: &'a dyn Fn(&str) -> bool,
}

/// Why a chart's files cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The chart, or a directory in it, cannot be read.
    #[error("{path}: cannot read the {what}: {err}")]
    Io {
        /// The path as shown to the user.
        path: String,
        /// `chart` or `directory`.
        what: &'static str,
        /// The OS error.
        err: std::io::Error,
    },
    /// A file is unreadable, not a regular file or too large.
    #[error(transparent)]
    Read(#[from] ReadError),
    /// An archive cannot be unpacked within the limits.
    #[error("{archive}: cannot load the chart archive: {error}")]
    Archive {
        /// The archive as shown to the user.
        archive: String,
        /// Why.
        error: ArchiveError,
    },
    /// The chart's `.helmignore` has a line Helm refuses.
    #[error(transparent)]
    Ignore(#[from] HelmIgnoreError),
    /// An archive that holds no chart files.
    #[error("{archive}: not a chart archive: no chart files found")]
    EmptyArchive {
        /// The archive as shown to the user.
        archive: String,
    },
}

/// The selected files of the chart at `path` (a directory or a `.tgz`), shown as `display`.
///
/// # Errors
/// See [`LoadError`].
pub fn load(path: &Path, display: &str, budget: &Budget, select: &Select<'_>) -> Result<Files, LoadError> {
    let meta =
        std::fs::metadata(path).map_err(|err| LoadError::Io { path: display.to_string(), what: "chart", err })?;
    if !meta.is_dir() {
        let bytes = textfile::read_bytes(path, display, limits::MAX_CHART_BYTES)?;
        return unpack(&bytes, display, 0, budget, select.file);
    }
    // Like Helm's directory loader, the chart root's .helmignore applies to the whole tree.
    let ignore_file = path.join(".helmignore");
    let ignore = match textfile::read_if_exists(&ignore_file, display, limits::MAX_CHART_FILE_BYTES)? {
        Some(b) => HelmIgnore::parse(&String::from_utf8_lossy(&b), &ignore_file.display().to_string())?,
        None => HelmIgnore::default(),
    };
    let mut files = Files::new();
    let mut visited = textfile::Visited::default();
    visited.first_visit(path);
    let real_root =
        path.canonicalize().map_err(|err| LoadError::Io { path: display.to_string(), what: "chart", err })?;
    let mut walk =
        Walk { root: path, real_root: &real_root, ignore: &ignore, select, out: &mut files, visited: &mut visited };
    walk.dir("")?;
    Ok(files)
}

/// The selected files of a chart archive at subchart nesting level `depth`; like Helm, the
/// first path component (the chart directory) is dropped.
///
/// # Errors
/// [`LoadError::Archive`], or [`LoadError::EmptyArchive`] when nothing is left.
pub fn unpack(
    bytes: &[u8],
    display: &str,
    depth: usize,
    budget: &Budget,
    keep: &dyn Fn(&str) -> bool,
) -> Result<Files, LoadError> {
    let files = super::read_archive(bytes, depth, budget, &|p| p.split_once('/').is_some_and(|(_, rel)| keep(rel)))
        .map_err(|error| LoadError::Archive { archive: display.to_string(), error })?;
    let out: Files = files
        .into_iter()
        .filter_map(|(path, data)| path.split_once('/').map(|(_, rel)| (rel.to_string(), data)))
        .collect();
    if out.is_empty() {
        return Err(LoadError::EmptyArchive { archive: display.to_string() });
    }
    Ok(out)
}

struct Walk<'a> {
    root: &'a Path,
    /// The root with symlinks resolved: every symlink read must resolve inside it.
    real_root: &'a Path,
    ignore: &'a HelmIgnore,
    select: &'a Select<'a>,
    out: &'a mut Files,
    visited: &'a mut textfile::Visited,
}

impl Walk<'_> {
    fn dir(&mut self, rel: &str) -> Result<(), LoadError> {
        let dir = if rel.is_empty() { self.root.to_path_buf() } else { self.root.join(rel) };
        let entries = std::fs::read_dir(&dir).map_err(|err| LoadError::Io {
            path: dir.display().to_string(),
            what: "directory",
            err,
        })?;
        let mut names: Vec<(String, bool, bool)> = Vec::new();
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            let is_dir = e.path().is_dir();
            let is_link = e.file_type().is_ok_and(|t| t.is_symlink());
            names.push((name, is_dir, is_link));
        }
        names.sort();
        for (name, is_dir, is_link) in names {
            let child = if rel.is_empty() { name } else { format!("{rel}/{name}") };
            if self.ignore.ignored(&child, is_dir) {
                continue;
            }
            let wanted = if is_dir { (self.select.dir)(&child) } else { (self.select.file)(&child) };
            if is_link && wanted {
                // Only links need the check: everything else below the root is inside it.
                let p = self.root.join(&child);
                textfile::check_inside(self.real_root, &p, &p.display().to_string())?;
            }
            if is_dir {
                // A symlink back up the tree is followed once, not forever.
                if (self.select.dir)(&child) && self.visited.first_visit(&self.root.join(&child)) {
                    self.dir(&child)?;
                }
            } else if (self.select.file)(&child) {
                // Helm's directory loader holds every file to MaxDecompressedFileSize too.
                let p = self.root.join(&child);
                let bytes = textfile::read_bytes(&p, &p.display().to_string(), limits::MAX_CHART_FILE_BYTES)?;
                self.out.insert(child, bytes);
            }
        }
        Ok(())
    }
}
