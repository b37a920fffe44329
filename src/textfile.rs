//! Reading inputs as UTF-8 text, with errors that name the path as the user gave it.
//!
//! Only regular files (symlinks followed) and stdin are read, and never more than a limit: a
//! FIFO would hang the run and `/dev/zero` would fill memory.

use std::io::Read as _;
use std::path::Path;

use crate::limits;

/// A file (or stdin) that could not be read as text.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// The OS refused. (The field is not named `source` so that a chain of errors prints the
    /// OS error once, not again as this error's cause.)
    #[error("{path}: cannot read: {err}")]
    Io {
        /// The path as shown to the user.
        path: String,
        /// The OS error.
        err: std::io::Error,
    },
    /// The bytes are not UTF-8.
    #[error("{path}: not valid UTF-8 text")]
    NotUtf8 {
        /// The path as shown to the user.
        path: String,
    },
    /// A FIFO, device, socket or directory where a file was expected.
    #[error("{path}: not a regular file ({what}); only regular files and stdin (`-`) are read")]
    NotRegular {
        /// The path as shown to the user.
        path: String,
        /// What it is instead.
        what: &'static str,
    },
    /// A symbolic link in a chart that resolves outside the chart. Helm follows such links
    /// (with a warning); chartwright refuses them, as it refuses a local `$ref` leaving the
    /// chart, so that a chart from a pull request cannot make it read and quote any file.
    #[error(
        "{path}: a symbolic link to {target}, outside the chart; chartwright reads only files inside the chart (copy the file into the chart)"
    )]
    OutsideChart {
        /// The link as shown to the user.
        path: String,
        /// Where it resolves.
        target: String,
    },
    /// Larger than the limit for its kind of input.
    #[error("{path}: larger than {limit} bytes, the limit for this input (see README, Limits)")]
    TooLarge {
        /// The path as shown to the user.
        path: String,
        /// The limit in bytes.
        limit: u64,
    },
}

/// Refuses `path` when it resolves outside `root` (already canonical); a path that cannot be
/// resolved is left to the read that follows, which names its error.
///
/// # Errors
/// [`ReadError::OutsideChart`].
pub fn check_inside(root: &Path, path: &Path, shown: &str) -> Result<(), ReadError> {
    match path.canonicalize() {
        Ok(real) if !real.starts_with(root) => {
            Err(ReadError::OutsideChart { path: shown.to_string(), target: real.display().to_string() })
        }
        _ => Ok(()),
    }
}

impl ReadError {
    /// An I/O error on `path`.
    pub fn io(path: impl Into<String>, source: std::io::Error) -> ReadError {
        ReadError::Io { path: path.into(), err: source }
    }
}

/// Bytes read from `path`, as text.
pub fn utf8(path: &str, bytes: Vec<u8>) -> Result<String, ReadError> {
    String::from_utf8(bytes).map_err(|_| ReadError::NotUtf8 { path: path.to_string() })
}

/// What a file type is, in words, when it is not a regular file.
pub fn kind_name(ft: std::fs::FileType) -> Option<&'static str> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt as _;
        if ft.is_fifo() {
            return Some("a FIFO");
        }
        if ft.is_char_device() {
            return Some("a character device");
        }
        if ft.is_block_device() {
            return Some("a block device");
        }
        if ft.is_socket() {
            return Some("a socket");
        }
    }
    if ft.is_dir() {
        return Some("a directory");
    }
    if ft.is_file() { None } else { Some("not a file") }
}

/// Reads at most `limit` bytes of a regular file; `shown` is how messages name it.
pub fn read_bytes(path: &Path, shown: &str, limit: u64) -> Result<Vec<u8>, ReadError> {
    let meta = std::fs::metadata(path).map_err(|source| ReadError::io(shown, source))?;
    if let Some(what) = kind_name(meta.file_type()) {
        return Err(ReadError::NotRegular { path: shown.to_string(), what });
    }
    let mut opts = std::fs::OpenOptions::new();
    opts.read(true);
    // If the path is swapped for a FIFO after the check, opening must not block.
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(&mut opts, libc::O_NONBLOCK);
    let file = opts.open(path).map_err(|source| ReadError::io(shown, source))?;
    let meta = file.metadata().map_err(|source| ReadError::io(shown, source))?;
    if let Some(what) = kind_name(meta.file_type()) {
        return Err(ReadError::NotRegular { path: shown.to_string(), what });
    }
    read_capped(file, shown, limit)
}

/// Reads at most `limit` bytes of stdin.
pub fn read_stdin(shown: &str, limit: u64) -> Result<Vec<u8>, ReadError> {
    read_capped(std::io::stdin().lock(), shown, limit)
}

fn read_capped(r: impl std::io::Read, shown: &str, limit: u64) -> Result<Vec<u8>, ReadError> {
    let mut bytes = Vec::new();
    r.take(limit.saturating_add(1)).read_to_end(&mut bytes).map_err(|source| ReadError::io(shown, source))?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge { path: shown.to_string(), limit });
    }
    Ok(bytes)
}

/// Reads a whole regular file (at most [`limits::MAX_INPUT_BYTES`]) as text.
pub fn read(path: &Path, shown: &str) -> Result<String, ReadError> {
    read_limited(path, shown, limits::MAX_INPUT_BYTES)
}

/// Reads a whole regular file of at most `limit` bytes as text.
pub fn read_limited(path: &Path, shown: &str, limit: u64) -> Result<String, ReadError> {
    utf8(shown, read_bytes(path, shown, limit)?)
}

/// Reads `path` if it exists: `Ok(None)` when it does not.
pub fn read_if_exists(path: &Path, shown: &str, limit: u64) -> Result<Option<Vec<u8>>, ReadError> {
    match read_bytes(path, shown, limit) {
        Ok(b) => Ok(Some(b)),
        Err(ReadError::Io { err, .. }) if err.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// Directories already entered by a walk, by device and inode: a symlink back up the tree is
/// entered once, so the walk stays linear instead of looping or growing exponentially.
#[derive(Debug, Default)]
pub struct Visited(std::collections::HashSet<(u64, u64)>);

impl Visited {
    /// True the first time the directory at `path` (symlinks followed) is seen.
    pub fn first_visit(&mut self, path: &Path) -> bool {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt as _;
            match std::fs::metadata(path) {
                Ok(m) => self.0.insert((m.dev(), m.ino())),
                Err(_) => true,
            }
        }
        #[cfg(not(unix))]
        {
            let _ = path;
            true
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn devices_and_directories_are_refused_without_reading() {
        let e = read_bytes(Path::new("/dev/zero"), "zero", 10).unwrap_err();
        assert!(e.to_string().contains("character device"), "{e}");
        let e = read_bytes(Path::new("/"), "root", 10).unwrap_err();
        assert!(e.to_string().contains("a directory"), "{e}");
    }

    #[test]
    fn files_over_the_limit_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f");
        std::fs::write(&p, b"0123456789").unwrap();
        assert_eq!(read_bytes(&p, "f", 10).unwrap().len(), 10);
        assert!(matches!(read_bytes(&p, "f", 9), Err(ReadError::TooLarge { limit: 9, .. })));
    }
}
