//! The fixed audit checks, one static each with its metadata: every finding of a check is made
//! by [`Check::diagnostic`], so its id and severity are written once. Deny-list hits are not
//! here: their id and severity come from the deny-list entry.

use crate::diag::{Diagnostic, Severity};

/// One fixed audit check.
#[derive(Debug, PartialEq, Eq)]
pub struct Check {
    /// The id shown in findings and accepted by `--explain` and allow-lists.
    pub id: &'static str,
    /// The severity of its findings.
    pub severity: Severity,
    /// One sentence for `--explain` and SARIF.
    pub summary: &'static str,
}

impl Check {
    /// A finding of this check.
    pub fn diagnostic(&self, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(self.id, self.severity, message)
    }
}

/// A dependency Helm refuses.
pub static DEPENDENCY_INVALID: Check = Check {
    id: "dependency-invalid",
    severity: Severity::Error,
    summary: "A dependency Helm refuses: no name, bad alias, or a name used twice.",
};
/// A dependency field Helm ignores.
pub static DEPENDENCY_UNKNOWN_KEY: Check = Check {
    id: "dependency-unknown-key",
    severity: Severity::Warning,
    summary: "A dependency field Helm silently ignores (often a typo).",
};
/// An unparsable version constraint.
pub static INVALID_CONSTRAINT: Check = Check {
    id: "invalid-constraint",
    severity: Severity::Error,
    summary: "A version constraint Helm cannot parse (Masterminds/semver).",
};
/// A repository-less dependency that is not vendored.
pub static VENDORED_CHART_MISSING: Check = Check {
    id: "vendored-chart-missing",
    severity: Severity::Error,
    summary: "A dependency without repository whose charts/<name> is absent.",
};
/// A vendored subchart outside the constraint.
pub static VENDORED_VERSION_MISMATCH: Check = Check {
    id: "vendored-version-mismatch",
    severity: Severity::Error,
    summary: "A vendored subchart whose version the constraint rejects.",
};
/// A `file://` dependency without a chart.
pub static FILE_DEPENDENCY_MISSING: Check = Check {
    id: "file-dependency-missing",
    severity: Severity::Error,
    summary: "A file:// dependency whose directory holds no chart.",
};
/// A `file://` chart outside the constraint.
pub static FILE_DEPENDENCY_VERSION: Check = Check {
    id: "file-dependency-version",
    severity: Severity::Error,
    summary: "A file:// chart whose version the constraint rejects.",
};
/// An `@name` repository nobody resolves.
pub static UNRESOLVED_REPOSITORY: Check = Check {
    id: "unresolved-repository",
    severity: Severity::Warning,
    summary: "An @name/alias:name repository not found in repositories.yaml.",
};
/// A stale lock.
pub static LOCK_OUT_OF_SYNC: Check = Check {
    id: "lock-out-of-sync",
    severity: Severity::Error,
    summary: "Chart.lock no longer matches the dependencies (helm dependency build refuses it).",
};
/// Bitnami's override switch.
pub static INSECURE_IMAGES_ALLOWED: Check = Check {
    id: "insecure-images-allowed",
    severity: Severity::Info,
    summary: "global.security.allowInsecureImages marks overridden Bitnami images.",
};
/// `--online`: nothing published satisfies the constraint.
pub static CONSTRAINT_UNSATISFIABLE: Check = Check {
    id: "constraint-unsatisfiable",
    severity: Severity::Error,
    summary: "No published version satisfies the constraint.",
};
/// `--online`: a newer version exists (a major jump is raised to a warning where it is found).
pub static NEWER_VERSION: Check = Check {
    id: "newer-version",
    severity: Severity::Info,
    summary: "A newer version than the resolved one is published.",
};
/// `--online`: the chart is deprecated.
pub static DEPRECATED_CHART: Check = Check {
    id: "deprecated-chart",
    severity: Severity::Warning,
    summary: "The repository marks the chart deprecated.",
};
/// `--online`: the chart is no longer published.
pub static CHART_GONE: Check =
    Check { id: "chart-gone", severity: Severity::Error, summary: "The repository no longer publishes the chart." };
/// `--online`: the locked version is no longer listed.
pub static LOCKED_VERSION_GONE: Check = Check {
    id: "locked-version-gone",
    severity: Severity::Warning,
    summary: "The repository no longer lists the locked version.",
};
/// `--online`: the repository is gone.
pub static REPOSITORY_GONE: Check = Check {
    id: "repository-gone",
    severity: Severity::Error,
    summary: "The repository answers 404/410 for its index or tags.",
};
/// `--online`: the repository could not be read.
pub static REPOSITORY_UNAVAILABLE: Check = Check {
    id: "repository-unavailable",
    severity: Severity::Warning,
    summary: "The repository could not be read (timeouts, errors, invalid index).",
};

/// Every fixed check, in the order `--explain` and SARIF list them.
pub static CHECKS: &[&Check] = &[
    &DEPENDENCY_INVALID,
    &DEPENDENCY_UNKNOWN_KEY,
    &INVALID_CONSTRAINT,
    &VENDORED_CHART_MISSING,
    &VENDORED_VERSION_MISMATCH,
    &FILE_DEPENDENCY_MISSING,
    &FILE_DEPENDENCY_VERSION,
    &UNRESOLVED_REPOSITORY,
    &LOCK_OUT_OF_SYNC,
    &INSECURE_IMAGES_ALLOWED,
    &CONSTRAINT_UNSATISFIABLE,
    &NEWER_VERSION,
    &DEPRECATED_CHART,
    &CHART_GONE,
    &LOCKED_VERSION_GONE,
    &REPOSITORY_GONE,
    &REPOSITORY_UNAVAILABLE,
];

/// The check with this id.
pub fn find(id: &str) -> Option<&'static Check> {
    CHECKS.iter().copied().find(|c| c.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_ids_are_unique_kebab_case_and_findable() {
        let mut ids: Vec<&str> = CHECKS.iter().map(|c| c.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), CHECKS.len(), "duplicate check id");
        for c in CHECKS {
            assert!(c.id.chars().all(|ch| ch.is_ascii_lowercase() || ch == '-'), "{}", c.id);
            assert_eq!(find(c.id), Some(*c));
            let d = c.diagnostic("m");
            assert_eq!((d.rule.as_str(), d.severity), (c.id, c.severity));
        }
    }
}
