//! The dependency files audit reads, in the shared model of [`crate::chart::meta`], with every
//! wrong shape an [`AuditError`] that names the file and position.

use crate::chart::meta::{self, Reading};
pub use crate::chart::meta::{DEPENDENCY_KEYS, Dependency, DependencyFile, FileKind, helm_lock_digest};

use super::AuditError;

/// Parses a dependency file strictly; YAML errors and wrong shapes are errors with
/// `file:line:col`.
///
/// # Errors
/// [`AuditError::Invalid`].
pub fn parse(file: &str, kind: FileKind, text: &str) -> Result<DependencyFile, AuditError> {
    meta::parse(file, kind, text, Reading::Strict).map_err(|e| AuditError::Invalid {
        file: file.to_owned(),
        line: e.pos().line,
        col: e.pos().col,
        message: e.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_shapes_are_errors_with_positions() {
        let e = parse("Chart.yaml", FileKind::Chart, "dependencies: 3\n").unwrap_err();
        assert_eq!(e.to_string(), "Chart.yaml:1:15: `dependencies` must be a list");
        let e = parse("Chart.yaml", FileKind::Chart, "a: [\n").unwrap_err();
        assert!(e.to_string().starts_with("Chart.yaml:"), "{e}");
    }
}
