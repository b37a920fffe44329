//! Writing a chart safely: nothing the user owns is replaced without `--force`, `--force` never
//! replaces an input, a repository or a directory that is not a chart, and no failure leaves a
//! half-written chart or a temporary directory behind.
//!
//! The chart is staged in a hidden `.chartwright-<pid>-*` directory beside the target and renamed
//! into place. Where a rename cannot work (the target is a mount point, such as a container
//! volume) the chart is staged inside the target and moved into it entry by entry. Staging
//! directories of runs that were killed are removed by the next run in the same place.

use std::path::{Component, Path, PathBuf};

use crate::generate::Chart;

/// Prefix of the staging directories; the pid that follows lets a later run tell a stale one
/// (its process is gone) from one in use by a concurrent run.
const STAGING_PREFIX: &str = ".chartwright-";

/// The file chartwright writes into each staging directory it creates: only a directory holding
/// it is ever removed as stale, so a user's own `.chartwright-4000000-backup` is never touched.
const STAGING_MARKER: &str = ".chartwright-staging";

/// How often a rename race with a concurrent run is retried before giving up.
const SWAP_ATTEMPTS: usize = 64;

/// Why a chart could not be written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// The target exists and is not empty.
    #[error("{0}: output directory exists and is not empty; pass --force to replace it")]
    NotEmpty(PathBuf),
    /// The target exists and is a file.
    #[error("{0}: output path exists and is not a directory")]
    NotADirectory(PathBuf),
    /// `--force` was asked to replace something it must never replace.
    #[error("{path}: refusing to replace it with --force: {why}; choose another --output")]
    Refused {
        /// The output as the user named it.
        path: PathBuf,
        /// Why it is off limits.
        why: String,
    },
    /// A file name of the chart that would land outside the chart (a generator bug: file names
    /// come from sanitised slugs, and this is the proof at the last step).
    #[error("{0}: refusing to write a chart file outside the output directory")]
    Escapes(PathBuf),
    /// Filesystem error.
    #[error("{path}: {source}")]
    Io {
        /// Where (the user's path, never a staging path).
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> WriteError + '_ {
    move |source| WriteError::Io { path: path.to_path_buf(), source }
}

/// Writes the chart to `out`. `inputs` are the paths the chart was generated from (`-` for
/// stdin is ignored): `--force` refuses any output that overlaps one of them.
pub fn write_chart(chart: &Chart, out: &Path, force: bool, inputs: &[PathBuf]) -> Result<(), WriteError> {
    let target = absolute(out).map_err(io(out))?;
    let exists = std::fs::symlink_metadata(&target).is_ok();
    if exists && !target.is_dir() {
        return Err(WriteError::NotADirectory(out.to_path_buf()));
    }
    // One listing of one directory: a concurrent run may swap the target between two looks,
    // but an open directory keeps listing the one it opened.
    let listing: Vec<std::ffi::OsString> = if exists {
        std::fs::read_dir(&target).map_err(io(out))?.filter_map(|e| e.ok().map(|e| e.file_name())).collect()
    } else {
        Vec::new()
    };
    let non_empty = !listing.is_empty();
    if force {
        check_replaceable(out, &target, &listing, inputs)?;
    } else if non_empty {
        return Err(WriteError::NotEmpty(out.to_path_buf()));
    }
    let parent = target.parent().map_or_else(|| target.clone(), Path::to_path_buf);
    std::fs::create_dir_all(&parent).map_err(io(&parent))?;
    remove_stale_staging(&parent);
    if exists && is_mount_point(&target, &parent) {
        remove_stale_staging(&target);
        return write_in_place(chart, out, &target);
    }
    let staged = stage(chart, out, &parent)?;
    swap_into_place(staged, out, &target, &parent)
}

/// The checks `--force` makes before it replaces anything.
fn check_replaceable(
    out: &Path,
    target: &Path,
    listing: &[std::ffi::OsString],
    inputs: &[PathBuf],
) -> Result<(), WriteError> {
    let refuse = |why: String| Err(WriteError::Refused { path: out.to_path_buf(), why });
    if target.parent().is_none() {
        return refuse("it is the root directory".into());
    }
    if let Some(home) = std::env::var_os("HOME").filter(|h| !h.is_empty()).and_then(|h| absolute(Path::new(&h)).ok()) {
        if home.starts_with(target) {
            return refuse("it is the home directory or holds it".into());
        }
    }
    if let Ok(cwd) = std::env::current_dir().and_then(|c| absolute(&c)) {
        if cwd.starts_with(target) {
            return refuse("it is the working directory or holds it".into());
        }
    }
    for input in inputs.iter().filter(|i| i.as_os_str() != "-") {
        let Ok(abs) = absolute(input) else { continue };
        if abs == target {
            return refuse(format!("it is the input {}", input.display()));
        }
        if abs.starts_with(target) {
            return refuse(format!("it holds the input {}", input.display()));
        }
        if target.starts_with(&abs) {
            return refuse(format!("it lies inside the input {}", input.display()));
        }
    }
    if listing.is_empty() {
        return Ok(());
    }
    if listing.iter().any(|n| n == ".git") {
        return refuse("it holds a .git directory".into());
    }
    if !listing.iter().any(|n| n == "Chart.yaml") {
        return refuse("it is not empty and holds no Chart.yaml, so it is not a chart".into());
    }
    Ok(())
}

/// `path` made absolute with symlinks resolved as far as it exists, and `.`/`..` folded in the
/// part that does not exist yet, so two spellings of one place compare equal.
fn absolute(path: &Path) -> std::io::Result<PathBuf> {
    let joined = if path.is_absolute() { path.to_path_buf() } else { std::env::current_dir()?.join(path) };
    let mut existing = joined.clone();
    let mut rest = Vec::new();
    loop {
        if let Ok(c) = existing.canonicalize() {
            existing = c;
            break;
        }
        match (existing.file_name().map(ToOwned::to_owned), existing.parent().map(Path::to_path_buf)) {
            (Some(name), Some(parent)) => {
                rest.push(name);
                existing = parent;
            }
            // `..` at the end, or nothing that exists: fold lexically below.
            _ => break,
        }
    }
    let mut out = PathBuf::new();
    for c in existing.components().chain(rest.iter().rev().map(|n| Component::Normal(n))) {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    Ok(out)
}

/// A directory whose device differs from its parent's (or that is its own parent) cannot be
/// renamed: it is a mount point.
#[cfg(unix)]
fn is_mount_point(dir: &Path, parent: &Path) -> bool {
    use std::os::unix::fs::MetadataExt as _;
    match (std::fs::metadata(dir), std::fs::metadata(parent)) {
        (Ok(d), Ok(p)) => d.dev() != p.dev() || d.ino() == p.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn is_mount_point(_dir: &Path, _parent: &Path) -> bool {
    false
}

/// Removes staging directories in `dir` left by runs that no longer exist (killed, or the
/// machine went down), so they do not pile up.
fn remove_stale_staging(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let name = e.file_name();
        let Some(rest) = name.to_str().and_then(|n| n.strip_prefix(STAGING_PREFIX)) else { continue };
        let Some(pid) = rest.split('-').next().and_then(|p| p.parse::<u32>().ok()) else { continue };
        // `file_type` does not follow a symlink, nor does `symlink_metadata`: a link is never
        // taken for a staging directory or its marker.
        let marked = std::fs::symlink_metadata(e.path().join(STAGING_MARKER)).is_ok_and(|m| m.is_file());
        if !process_alive(pid) && e.file_type().is_ok_and(|t| t.is_dir()) && marked {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

/// Whether process `pid` runs; where that cannot be known, it is assumed to.
fn process_alive(pid: u32) -> bool {
    let proc = Path::new("/proc");
    if !proc.join("self").exists() {
        return true;
    }
    pid == std::process::id() || proc.join(pid.to_string()).exists()
}

/// A new staging directory in `inside`, marked as chartwright's own.
fn staging_dir(inside: &Path, what: &str) -> std::io::Result<tempfile::TempDir> {
    let dir = tempfile::Builder::new()
        .prefix(&format!("{STAGING_PREFIX}{}-{what}", std::process::id()))
        .tempdir_in(inside)?;
    mark(dir.path())?;
    Ok(dir)
}

fn mark(dir: &Path) -> std::io::Result<()> {
    std::fs::write(dir.join(STAGING_MARKER), "a staging directory of chartwright generate; removed when stale\n")
}

/// Takes the marker out before the directory becomes something else (the chart, or the place
/// the old chart is moved to); a run killed just then leaves an unmarked leftover, never a
/// marked chart.
fn unmark(dir: &Path) -> std::io::Result<()> {
    std::fs::remove_file(dir.join(STAGING_MARKER))
}

/// Writes every file under `root`; errors name the file as it will be in `out`. Each file is
/// proven to land inside `root` before it is written: its relative path has plain components
/// only, and the directory it goes into resolves (symlinks followed) to a place under `root`.
fn write_files(chart: &Chart, root: &Path, out: &Path) -> Result<(), WriteError> {
    let real_root = root.canonicalize().map_err(io(out))?;
    for (rel, content) in &chart.files {
        let shown = out.join(rel);
        if !is_plain_relative(Path::new(rel)) {
            return Err(WriteError::Escapes(shown));
        }
        let path = root.join(rel);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(io(&shown))?;
            let real = dir.canonicalize().map_err(io(&shown))?;
            if !real.starts_with(&real_root) {
                return Err(WriteError::Escapes(shown));
            }
        }
        std::fs::write(&path, content).map_err(io(&shown))?;
    }
    Ok(())
}

/// A relative path of normal components only: no root, no `..`, no `.`, no empty name.
fn is_plain_relative(rel: &Path) -> bool {
    !rel.as_os_str().is_empty()
        && !rel.to_string_lossy().contains(['\\', '\0'])
        && rel.components().all(|c| matches!(c, Component::Normal(_)))
}

/// The chart written to a staging directory in `parent`, removed again on failure.
fn stage(chart: &Chart, out: &Path, parent: &Path) -> Result<tempfile::TempDir, WriteError> {
    let tmp = staging_dir(parent, "new-").map_err(io(parent))?;
    write_files(chart, tmp.path(), out)?;
    Ok(tmp)
}

/// Renames the staged chart to `target`, moving an existing directory aside first so a failed
/// rename can be undone. A concurrent run may put its chart in place between our two renames:
/// then ours is retried, so the last run wins with a whole chart and nothing is left over.
fn swap_into_place(staged: tempfile::TempDir, out: &Path, target: &Path, parent: &Path) -> Result<(), WriteError> {
    let mut aside = Vec::new();
    unmark(staged.path()).map_err(io(out))?;
    let mut result = Err(WriteError::Io { path: out.to_path_buf(), source: std::io::ErrorKind::ResourceBusy.into() });
    for attempt in 0..SWAP_ATTEMPTS {
        if attempt > 0 {
            // Runs that collided back off by different amounts (their pids differ), so on a busy
            // machine one of them gets both renames in before the next one moves it aside.
            let jitter = u64::from(std::process::id() % 7);
            std::thread::sleep(std::time::Duration::from_millis((attempt as u64).min(20) * (1 + jitter)));
        }
        if std::fs::symlink_metadata(target).is_ok() {
            // rename(2) needs the placeholder empty: its marker is put back once the old chart
            // is in it.
            let old = match staging_dir(parent, "old-").and_then(|d| unmark(d.path()).map(|()| d)) {
                Ok(d) => d.keep(),
                Err(e) => {
                    result = Err(WriteError::Io { path: parent.to_path_buf(), source: e });
                    break;
                }
            };
            // rename(2) replaces the empty placeholder directory atomically.
            match std::fs::rename(target, &old) {
                Ok(()) => {
                    let _ = mark(&old);
                    aside.push(old);
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    let _ = std::fs::remove_dir(&old);
                }
                Err(e) => {
                    let _ = std::fs::remove_dir(&old);
                    result = Err(WriteError::Io { path: out.to_path_buf(), source: e });
                    break;
                }
            }
        }
        match std::fs::rename(staged.path(), target) {
            Ok(()) => {
                result = Ok(());
                break;
            }
            // Another run placed its chart meanwhile (it may even be gone again by now): move
            // whatever is there aside and try again.
            Err(e) if matches!(e.kind(), std::io::ErrorKind::DirectoryNotEmpty | std::io::ErrorKind::AlreadyExists) => {
                result = Err(WriteError::Io { path: out.to_path_buf(), source: e });
            }
            Err(e) => {
                result = Err(WriteError::Io { path: out.to_path_buf(), source: e });
                break;
            }
        }
    }
    if result.is_ok() {
        // The staged directory is now the target: keep TempDir from deleting it.
        let _ = staged.keep();
    } else if let Some(first) = aside.first() {
        // Put the user's chart back; if even that fails, keep it where it is rather than lose it.
        if std::fs::symlink_metadata(target).is_ok() || std::fs::rename(first, target).is_err() {
            aside.remove(0);
        }
    }
    for old in &aside {
        let _ = std::fs::remove_dir_all(old);
    }
    result
}

/// Writes into a directory that cannot be renamed (a mount point): the chart is staged inside
/// it, the old contents (already checked to be a chart, or nothing) are removed, and the staged
/// entries are moved up.
fn write_in_place(chart: &Chart, out: &Path, target: &Path) -> Result<(), WriteError> {
    let staged = staging_dir(target, "new-").map_err(io(out))?;
    write_files(chart, staged.path(), out)?;
    let staged_name = staged.path().file_name().map(ToOwned::to_owned);
    for e in std::fs::read_dir(target).map_err(io(out))? {
        let e = e.map_err(io(out))?;
        if Some(e.file_name()) == staged_name {
            continue;
        }
        let p = e.path();
        let removed = if e.file_type().is_ok_and(|t| t.is_dir()) {
            std::fs::remove_dir_all(&p)
        } else {
            std::fs::remove_file(&p)
        };
        removed.map_err(io(&out.join(e.file_name())))?;
    }
    for e in std::fs::read_dir(staged.path()).map_err(io(out))? {
        let e = e.map_err(io(out))?;
        if e.file_name() == STAGING_MARKER {
            continue;
        }
        std::fs::rename(e.path(), target.join(e.file_name())).map_err(io(&out.join(e.file_name())))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chart() -> Chart {
        let mut files = std::collections::BTreeMap::new();
        files.insert("Chart.yaml".to_string(), "name: x\n".to_string());
        files.insert("templates/a.yaml".to_string(), "a: 1\n".to_string());
        Chart { files, notes: Vec::new(), problems: Vec::new(), unrenderable: Vec::new() }
    }

    #[test]
    fn in_place_write_replaces_a_chart_and_leaves_no_staging() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("vol");
        std::fs::create_dir_all(dir.join("templates")).unwrap();
        std::fs::write(dir.join("Chart.yaml"), "old").unwrap();
        std::fs::write(dir.join("templates/old.yaml"), "old").unwrap();
        write_in_place(&chart(), &dir, &dir).unwrap();
        let mut names: Vec<_> =
            std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
        names.sort();
        assert_eq!(names, ["Chart.yaml", "templates"]);
        assert_eq!(std::fs::read_to_string(dir.join("Chart.yaml")).unwrap(), "name: x\n");
        assert!(!dir.join("templates/old.yaml").exists());
    }

    #[test]
    fn stale_staging_of_dead_runs_is_removed_and_live_ones_kept() {
        let tmp = tempfile::tempdir().unwrap();
        // pid_max is at most 2^22 on Linux, so this pid never runs.
        let dead = tmp.path().join(".chartwright-999999999-new-abc");
        let live = tmp.path().join(format!(".chartwright-{}-new-abc", std::process::id()));
        let foreign = tmp.path().join(".chartwright-notes");
        // Named like a dead run's staging directory, but not marked: the user's own.
        let users = tmp.path().join(".chartwright-4000000-backup");
        for d in [&dead, &live, &foreign, &users] {
            std::fs::create_dir_all(d).unwrap();
        }
        for d in [&dead, &live] {
            mark(d).unwrap();
        }
        remove_stale_staging(tmp.path());
        assert!(!dead.exists());
        assert!(live.exists());
        assert!(foreign.exists());
        assert!(users.exists());
    }

    #[test]
    fn a_chart_file_named_outside_the_output_is_refused_before_anything_is_written() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("out");
        std::fs::create_dir(&dir).unwrap();
        for bad in ["../escaped.yaml", "templates/../../escaped.yaml", "/tmp/escaped.yaml", "a\\b.yaml", ""] {
            let mut c = chart();
            c.files.insert(bad.to_string(), "x: 1\n".to_string());
            let err = write_files(&c, &dir, &dir).unwrap_err();
            assert!(matches!(err, WriteError::Escapes(_)), "{bad}: {err}");
        }
        assert!(!tmp.path().join("escaped.yaml").exists());
    }

    #[test]
    fn absolute_folds_dots_in_paths_that_do_not_exist() {
        let tmp = tempfile::tempdir().unwrap();
        let base = tmp.path().canonicalize().unwrap();
        assert_eq!(absolute(&base.join("a/../b/./c")).unwrap(), base.join("b/c"));
        assert_eq!(absolute(&base.join(".")).unwrap(), base);
    }
}
