//! Chart archives (`.tgz`) read the one way both `validate` and `audit` use: entry paths
//! checked, and every archive of a chart tree (nested subchart archives included) drawing on
//! one [`Budget`] of decompressed bytes, entries and nesting depth (see [`crate::limits`]); and
//! Helm's (Masterminds) version constraints, which both check dependencies against; a chart's
//! metadata and dependency files ([`meta`]); a chart's files read
//! eagerly ([`files`], `.helmignore` applied) or its file tree read lazily ([`tree`]).

pub mod constraint;
pub mod files;
pub mod helmignore;
pub mod meta;
pub mod tree;

use std::collections::BTreeMap;
use std::io::Read as _;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use crate::limits;

/// Files of an archive by their path inside it (`./` dropped, `/` separators).
pub type Files = BTreeMap<String, Vec<u8>>;

/// Why an archive could not be read; the caller names the archive.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ArchiveError {
    /// Not gzip, not tar, or cut short.
    #[error("not a gzipped tar archive: {0}")]
    Corrupt(String),
    /// Bytes follow the gzip stream (a second archive glued on, or garbage).
    #[error("unexpected data after the end of the gzip stream")]
    TrailingData,
    /// An absolute path or a `..` component.
    #[error("entry {0:?} has an absolute path or a '..' component")]
    UnsafePath(String),
    /// The chart tree decompresses to more than the limit.
    #[error("the chart decompresses to more than {limit} bytes (Helm's MaxDecompressedChartSize)")]
    TooLarge {
        /// The limit.
        limit: u64,
    },
    /// One entry is larger than the limit.
    #[error("file {file:?} is larger than {limit} bytes (Helm's MaxDecompressedFileSize)")]
    FileTooLarge {
        /// The entry.
        file: String,
        /// The limit.
        limit: u64,
    },
    /// The chart tree has more entries than the limit.
    #[error("the chart has more than {limit} files")]
    TooManyFiles {
        /// The limit.
        limit: usize,
    },
    /// Subcharts nest deeper than the limit.
    #[error("subcharts nest more than {limit} levels deep")]
    TooDeep {
        /// The limit.
        limit: usize,
    },
}

/// What is left of the limits for one chart tree; shared by all its archives.
#[derive(Debug)]
pub struct Budget {
    bytes: AtomicU64,
    files: AtomicUsize,
}

impl Default for Budget {
    fn default() -> Self {
        Budget { bytes: AtomicU64::new(limits::MAX_CHART_BYTES), files: AtomicUsize::new(limits::MAX_CHART_FILES) }
    }
}

impl Budget {
    /// A budget of `bytes` decompressed bytes.
    #[cfg(test)]
    pub(crate) fn with_bytes(bytes: u64) -> Budget {
        Budget { bytes: AtomicU64::new(bytes), files: AtomicUsize::new(limits::MAX_CHART_FILES) }
    }

    fn take_bytes(&self, n: u64) -> Result<(), ArchiveError> {
        self.bytes
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |left| left.checked_sub(n))
            .map(|_| ())
            .map_err(|_| ArchiveError::TooLarge { limit: limits::MAX_CHART_BYTES })
    }

    fn take_file(&self) -> Result<(), ArchiveError> {
        self.files
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |left| left.checked_sub(1))
            .map(|_| ())
            .map_err(|_| ArchiveError::TooManyFiles { limit: limits::MAX_CHART_FILES })
    }
}

/// Reads a `.tgz` at subchart nesting level `depth` (0 for the chart itself), keeping the
/// regular files whose path `keep` accepts. Every entry counts against `budget`, kept or not.
///
/// # Errors
/// See [`ArchiveError`].
pub fn read_archive(
    bytes: &[u8],
    depth: usize,
    budget: &Budget,
    keep: &dyn Fn(&str) -> bool,
) -> Result<Files, ArchiveError> {
    if depth > limits::MAX_SUBCHART_DEPTH {
        return Err(ArchiveError::TooDeep { limit: limits::MAX_SUBCHART_DEPTH });
    }
    let corrupt = |e: std::io::Error| ArchiveError::Corrupt(e.to_string());
    // The bufread decoder stops at the end of the gzip member, so what follows can be checked.
    let mut gz = flate2::bufread::GzDecoder::new(bytes);
    let mut files = Files::new();
    {
        let mut ar = tar::Archive::new(&mut gz);
        for entry in ar.entries().map_err(corrupt)? {
            let mut entry = entry.map_err(corrupt)?;
            budget.take_file()?;
            let size = entry.size();
            let raw = entry.path().map_err(corrupt)?.to_string_lossy().replace('\\', "/");
            let path = raw.trim_start_matches("./").to_string();
            if path.starts_with('/') || path.split('/').any(|c| c == "..") {
                return Err(ArchiveError::UnsafePath(raw));
            }
            if size > limits::MAX_CHART_FILE_BYTES {
                return Err(ArchiveError::FileTooLarge { file: path, limit: limits::MAX_CHART_FILE_BYTES });
            }
            budget.take_bytes(size)?;
            if !entry.header().entry_type().is_file() || !keep(&path) {
                continue;
            }
            let mut data = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
            entry.by_ref().take(size).read_to_end(&mut data).map_err(corrupt)?;
            files.insert(path, data);
        }
    }
    // Drain what the tar reader left (padding, or a stream that goes on), within the budget,
    // so that the gzip checksum is verified and trailing bytes become visible.
    let mut rest = 0u64;
    let mut buf = [0u8; 8192];
    loop {
        let n = gz.read(&mut buf).map_err(corrupt)?;
        if n == 0 {
            break;
        }
        rest += n as u64;
        if rest > 1024 * 1024 {
            budget.take_bytes(rest)?;
            rest = 0;
        }
    }
    budget.take_bytes(rest)?;
    if !gz.into_inner().is_empty() {
        return Err(ArchiveError::TrailingData);
    }
    Ok(files)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A `.tgz` of `(path, bytes)` entries.
    pub(crate) fn tgz(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut b = tar::Builder::new(flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast()));
        for (path, data) in entries {
            let mut h = tar::Header::new_gnu();
            h.set_size(data.len() as u64);
            h.set_mode(0o644);
            h.set_entry_type(tar::EntryType::Regular);
            b.append_data(&mut h, path, *data).unwrap();
        }
        b.into_inner().unwrap().finish().unwrap()
    }

    #[test]
    fn kept_files_are_read_and_others_skipped() {
        let bytes = tgz(&[("c/Chart.yaml", b"name: c\n"), ("c/templates/x.yaml", b"x")]);
        let files = read_archive(&bytes, 0, &Budget::default(), &|p| p.ends_with("Chart.yaml")).unwrap();
        assert_eq!(files.keys().collect::<Vec<_>>(), vec!["c/Chart.yaml"]);
    }

    #[test]
    fn garbage_after_the_gzip_stream_is_refused() {
        let mut bytes = tgz(&[("c/Chart.yaml", b"name: c\n")]);
        bytes.extend_from_slice(b"garbage");
        assert_eq!(read_archive(&bytes, 0, &Budget::default(), &|_| true), Err(ArchiveError::TrailingData));
    }

    #[test]
    fn a_file_over_five_mib_is_refused_before_it_is_read() {
        let big = vec![b'a'; usize::try_from(limits::MAX_CHART_FILE_BYTES).unwrap() + 1];
        let bytes = tgz(&[("c/values.yaml", &big)]);
        let e = read_archive(&bytes, 0, &Budget::default(), &|_| true).unwrap_err();
        assert!(matches!(e, ArchiveError::FileTooLarge { .. }), "{e}");
    }

    #[test]
    fn the_budget_is_shared_and_depth_is_bounded() {
        let budget = Budget { bytes: AtomicU64::new(20_000), files: AtomicUsize::new(100) };
        let bytes = tgz(&[("c/a", &[b'x'; 15_000])]);
        read_archive(&bytes, 0, &budget, &|_| true).unwrap();
        let e = read_archive(&bytes, 1, &budget, &|_| true).unwrap_err();
        assert!(matches!(e, ArchiveError::TooLarge { .. }), "{e}");
        let e = read_archive(&bytes, limits::MAX_SUBCHART_DEPTH + 1, &Budget::default(), &|_| true).unwrap_err();
        assert!(matches!(e, ArchiveError::TooDeep { .. }), "{e}");
        let one_file = Budget { bytes: AtomicU64::new(1 << 20), files: AtomicUsize::new(1) };
        let two = tgz(&[("c/a", b"1"), ("c/b", b"2")]);
        assert_eq!(
            read_archive(&two, 0, &one_file, &|_| true),
            Err(ArchiveError::TooManyFiles { limit: limits::MAX_CHART_FILES })
        );
    }
}
