//! `validate --lint`: the `lint` rules run on each values run's rendered objects, with a
//! per-file policy from the `validate:` section of `.chartwright.yaml`, so a production
//! values file can be held to stricter rules (an error for a `latest` tag or missing
//! resources) than a development one:
//!
//! ```yaml
//! lint:                      # the base: what `chartwright lint` reads
//!   disable: [readiness-probe-missing]
//! validate:
//!   lint:
//!     - files: "values-prod*.yaml"     # `*` any text, `?` one character; matched against the
//!       severity:                      # run's file as given and its file name
//!         image-latest-tag: error
//!         cpu-request-missing: error
//!     - files: "ci/*"
//!       disable: [memory-limit-missing]
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::diag::Severity;
use crate::lint::LintConfig;
use crate::yaml::{self, Node};

/// Why the policy file cannot be used (exit code 2).
#[derive(Debug, thiserror::Error)]
pub enum PolicyError {
    /// The file cannot be read.
    #[error("{0}")]
    Read(#[from] crate::textfile::ReadError),
    /// The base `lint:` section is broken.
    #[error("{0}")]
    Lint(#[from] crate::lint::config::ConfigError),
    /// The `validate:` section is broken.
    #[error("{file}:{line}:{col}: {message}")]
    Invalid {
        /// The config file.
        file: String,
        /// 1-based line.
        line: u32,
        /// 1-based column.
        col: u32,
        /// What is wrong.
        message: String,
    },
}

/// One entry of `validate.lint`: the runs it applies to and what it changes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FilePolicy {
    /// Glob over the run's values file.
    pub files: String,
    /// Severity overrides by rule id.
    pub severity: BTreeMap<String, Severity>,
    /// Rules that do not run for these files.
    pub disable: BTreeSet<String>,
}

/// The lint configuration of `validate --lint`: the `lint:` section, then every matching
/// file policy in order (a later one wins).
#[derive(Debug, Clone, Default)]
pub struct Policy {
    /// The base configuration.
    pub base: LintConfig,
    /// `validate.lint` entries.
    pub files: Vec<FilePolicy>,
}

impl Policy {
    /// Reads `.chartwright.yaml`-style text.
    ///
    /// # Errors
    /// Either section is malformed or names an unknown rule.
    pub fn from_text(file: &str, text: &str) -> Result<Policy, PolicyError> {
        let base = LintConfig::from_text(file, text)?;
        let err = |n: &Node, message: String| PolicyError::Invalid {
            file: file.to_string(),
            line: n.pos.line,
            col: n.pos.col,
            message,
        };
        let mut files = Vec::new();
        let docs = yaml::parse_stream(text).unwrap_or_default();
        let section = docs.into_iter().next().and_then(|d| d.root).and_then(|r| r.get("validate").cloned());
        let Some(section) = section.filter(|s| !s.is_null()) else { return Ok(Policy { base, files }) };
        let map = section.as_map().ok_or_else(|| err(&section, "`validate` must be a mapping".into()))?;
        for (k, v) in map {
            if k.as_str() != Some("lint") {
                return Err(err(
                    k,
                    format!("unknown key `{}` in `validate` (expected lint)", k.as_str().unwrap_or("")),
                ));
            }
            let list = v
                .as_seq()
                .ok_or_else(|| err(v, "`validate.lint` must be a list of {files, severity, disable}".into()))?;
            for item in list {
                files.push(file_policy(item, &err)?);
            }
        }
        Ok(Policy { base, files })
    }

    /// Reads the policy file at `path`.
    ///
    /// # Errors
    /// See [`Policy::from_text`].
    pub fn from_file(path: &Path) -> Result<Policy, PolicyError> {
        let display = path.display().to_string();
        let text = crate::textfile::read(path, &display)?;
        Policy::from_text(&display, &text)
    }

    /// The configuration for a run of `file` (`None`: the chart's defaults).
    pub fn for_run(&self, file: Option<&Path>) -> LintConfig {
        let mut cfg = self.base.clone();
        let Some(file) = file else { return cfg };
        let full = file.display().to_string();
        let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        for p in &self.files {
            if crate::denylist::glob_match(&p.files, &full) || crate::denylist::glob_match(&p.files, &name) {
                cfg.severity.extend(p.severity.iter().map(|(k, v)| (k.clone(), *v)));
                cfg.disabled.extend(p.disable.iter().cloned());
            }
        }
        cfg
    }
}

fn file_policy(item: &Node, err: &dyn Fn(&Node, String) -> PolicyError) -> Result<FilePolicy, PolicyError> {
    let map = item.as_map().ok_or_else(|| err(item, "each `validate.lint` entry must be a mapping".into()))?;
    let mut out = FilePolicy::default();
    let rule = |n: &Node| -> Result<String, PolicyError> {
        let id = n.as_str().ok_or_else(|| err(n, "a rule id must be a string".into()))?;
        if crate::lint::rules::find(id).is_none() {
            return Err(err(n, format!("unknown rule `{id}` (chartwright lint --list-rules lists them)")));
        }
        Ok(id.to_string())
    };
    for (k, v) in map {
        match k.as_str().unwrap_or_default() {
            "files" => out.files = v.as_str().ok_or_else(|| err(v, "`files` must be a glob".into()))?.to_string(),
            "severity" => {
                let m = v
                    .as_map()
                    .ok_or_else(|| err(v, "`severity` must map rule ids to error, warning or info".into()))?;
                for (rk, rv) in m {
                    let sev = match rv.as_str() {
                        Some("error") => Severity::Error,
                        Some("warning") => Severity::Warning,
                        Some("info") => Severity::Info,
                        _ => return Err(err(rv, "a severity is error, warning or info".into())),
                    };
                    out.severity.insert(rule(rk)?, sev);
                }
            }
            "disable" => {
                let items: Vec<&Node> = match v.as_seq() {
                    Some(s) => s.iter().collect(),
                    None => vec![v],
                };
                for n in items {
                    out.disable.insert(rule(n)?);
                }
            }
            other => return Err(err(k, format!("unknown key `{other}` (expected files, severity, disable)"))),
        }
    }
    if out.files.is_empty() {
        return Err(err(item, "a `validate.lint` entry needs `files`".into()));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_production_glob_raises_severities_for_matching_files_only() {
        let text = "lint:\n  disable: [readiness-probe-missing]\nvalidate:\n  lint:\n    - files: \"values-prod*.yaml\"\n      severity:\n        image-latest-tag: error\n";
        let p = Policy::from_text("c.yaml", text).unwrap();
        let prod = p.for_run(Some(Path::new("env/values-prod-eu.yaml")));
        assert_eq!(prod.severity.get("image-latest-tag"), Some(&Severity::Error));
        assert!(prod.disabled.contains("readiness-probe-missing"));
        let dev = p.for_run(Some(Path::new("values-dev.yaml")));
        assert!(dev.severity.is_empty());
    }

    #[test]
    fn an_unknown_rule_in_a_policy_names_its_position() {
        let text = "validate:\n  lint:\n    - files: x\n      disable: [no-such-rule]\n";
        let e = Policy::from_text("c.yaml", text).unwrap_err().to_string();
        assert!(e.starts_with("c.yaml:4:17: unknown rule `no-such-rule`"), "{e}");
    }
}
