//! Lint configuration: the `lint:` section of `.chartwright.yaml` plus command-line overrides.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::diag::Severity;
use crate::yaml::{self, Node, Pos};

use super::rules;

/// Why a configuration file was rejected.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read as text.
    #[error(transparent)]
    Read(#[from] crate::textfile::ReadError),
    /// The file is not valid YAML or does not have the expected shape.
    #[error("{file}:{}:{}: {message}", pos.line, pos.col)]
    Invalid {
        /// The file.
        file: String,
        /// Where.
        pos: Pos,
        /// One sentence.
        message: String,
    },
}

/// A per-object suppression from the config file.
#[derive(Debug, Clone, PartialEq)]
pub struct Ignore {
    /// Rule ids; `*` matches every rule.
    pub rules: Vec<String>,
    /// `Kind/name`; `*` in either part matches anything. `None` matches every object.
    pub object: Option<String>,
    /// Namespace the object must be in, if set.
    pub namespace: Option<String>,
    /// Why (documentation only).
    pub reason: Option<String>,
}

impl Ignore {
    /// True when this entry suppresses `rule` on the object.
    pub fn matches(&self, rule: &str, kind: &str, name: &str, namespace: Option<&str>) -> bool {
        if !self.rules.iter().any(|r| r == "*" || r == rule) {
            return false;
        }
        if let Some(ns) = &self.namespace {
            if namespace != Some(ns.as_str()) {
                return false;
            }
        }
        let Some(pattern) = &self.object else { return true };
        let (pk, pn) = pattern.split_once('/').unwrap_or((pattern.as_str(), "*"));
        glob(pk, kind) && glob(pn, name)
    }
}

/// `*` matches any run of characters; everything else literally.
fn glob(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == text;
    }
    let mut rest = text;
    for (i, part) in parts.iter().enumerate() {
        if i == 0 {
            let Some(r) = rest.strip_prefix(part) else { return false };
            rest = r;
        } else if i == parts.len() - 1 {
            return rest.ends_with(part);
        } else {
            let Some(at) = rest.find(part) else { return false };
            rest = &rest[at + part.len()..];
        }
    }
    true
}

/// What `lint` runs and how it reports.
#[derive(Debug, Clone, PartialEq)]
pub struct LintConfig {
    /// Rules that do not run.
    pub disabled: BTreeSet<String>,
    /// Severity overrides by rule id.
    pub severity: BTreeMap<String, Severity>,
    /// Per-object suppressions.
    pub ignores: Vec<Ignore>,
    /// `memory-limit-far-above-request` fires above this limit/request ratio.
    pub memory_limit_ratio: f64,
}

impl Default for LintConfig {
    fn default() -> Self {
        LintConfig {
            disabled: BTreeSet::new(),
            severity: BTreeMap::new(),
            ignores: Vec::new(),
            memory_limit_ratio: 2.0,
        }
    }
}

impl LintConfig {
    /// Reads the `lint:` section of a `.chartwright.yaml`; other sections belong to other commands.
    pub fn from_file(path: &Path) -> Result<LintConfig, ConfigError> {
        let display = path.display().to_string();
        let text = crate::textfile::read(path, &display)?;
        LintConfig::from_text(&display, &text)
    }

    /// Parses configuration text; `file` names it in errors.
    pub fn from_text(file: &str, text: &str) -> Result<LintConfig, ConfigError> {
        let err = |pos: Pos, message: String| ConfigError::Invalid { file: file.to_string(), pos, message };
        let docs = yaml::parse_stream(text).map_err(|e| err(e.pos, format!("invalid YAML: {}", e.message)))?;
        let mut cfg = LintConfig::default();
        let Some(root) = docs.into_iter().next().and_then(|d| d.root).filter(|r| !r.is_null()) else {
            return Ok(cfg);
        };
        if root.as_map().is_none() {
            return Err(err(root.pos, "expected a mapping at the top level".into()));
        }
        let Some((_, lint)) = root.get_entry("lint") else { return Ok(cfg) };
        if lint.is_null() {
            return Ok(cfg);
        }
        let entries = lint.as_map().ok_or_else(|| err(lint.pos, "`lint` must be a mapping".into()))?;
        for (k, v) in entries {
            match k.as_str().unwrap_or_default() {
                "disable" => {
                    for item in string_list(v).map_err(|(p, m)| err(p, m))? {
                        check_rule(&item.1, item.0).map_err(|(p, m)| err(p, m))?;
                        cfg.disabled.insert(item.1);
                    }
                }
                "severity" => {
                    let m = v
                        .as_map()
                        .ok_or_else(|| err(v.pos, "`severity` must map rule ids to error, warning or info".into()))?;
                    for (rk, rv) in m {
                        let id = rk.as_str().unwrap_or_default().to_string();
                        check_rule(&id, rk.pos).map_err(|(p, m)| err(p, m))?;
                        let sev = match rv.as_str() {
                            Some("error") => Severity::Error,
                            Some("warning") => Severity::Warning,
                            Some("info") => Severity::Info,
                            _ => return Err(err(rv.pos, format!("severity of {id} must be error, warning or info"))),
                        };
                        cfg.severity.insert(id, sev);
                    }
                }
                "ignore" => {
                    let items = v.as_seq().ok_or_else(|| err(v.pos, "`ignore` must be a list".into()))?;
                    for item in items {
                        cfg.ignores.push(parse_ignore(item).map_err(|(p, m)| err(p, m))?);
                    }
                }
                "memoryLimitRatio" => {
                    let r = match &v.value {
                        yaml::Value::Int(i) => *i as f64,
                        yaml::Value::Float(f) => *f,
                        _ => f64::NAN,
                    };
                    if !(r.is_finite() && r >= 1.0) {
                        return Err(err(v.pos, "`memoryLimitRatio` must be a number of at least 1".into()));
                    }
                    cfg.memory_limit_ratio = r;
                }
                other => {
                    return Err(err(
                        k.pos,
                        format!(
                            "unknown key `{other}` in `lint` (expected disable, severity, ignore or memoryLimitRatio)"
                        ),
                    ));
                }
            }
        }
        Ok(cfg)
    }

    /// The severity a rule reports at.
    pub fn severity_of(&self, rule: &rules::Rule) -> Severity {
        self.severity.get(rule.id).copied().unwrap_or(rule.severity)
    }

    /// True when the rule runs.
    pub fn is_enabled(&self, id: &str) -> bool {
        !self.disabled.contains(id)
    }
}

type Located<T> = Result<T, (Pos, String)>;

fn check_rule(id: &str, pos: Pos) -> Located<()> {
    if id == "*" || rules::find(id).is_some() {
        return Ok(());
    }
    Err((pos, format!("unknown rule `{id}` (chartwright lint --list-rules lists them)")))
}

fn string_list(v: &Node) -> Located<Vec<(Pos, String)>> {
    match &v.value {
        yaml::Value::Str(s) => Ok(vec![(v.pos, s.clone())]),
        yaml::Value::Seq(items) => items
            .iter()
            .map(|i| i.as_str().map(|s| (i.pos, s.to_string())).ok_or((i.pos, "expected a rule id".to_string())))
            .collect(),
        _ => Err((v.pos, "expected a rule id or a list of rule ids".into())),
    }
}

fn parse_ignore(item: &Node) -> Located<Ignore> {
    let m = item.as_map().ok_or((item.pos, "each `ignore` entry must be a mapping".to_string()))?;
    let mut ig = Ignore { rules: Vec::new(), object: None, namespace: None, reason: None };
    for (k, v) in m {
        let text = || {
            v.as_str()
                .map(str::to_string)
                .ok_or((v.pos, format!("`{}` must be a string", k.as_str().unwrap_or_default())))
        };
        match k.as_str().unwrap_or_default() {
            "rule" | "rules" => {
                for (p, id) in string_list(v)? {
                    check_rule(&id, p)?;
                    ig.rules.push(id);
                }
            }
            "object" => ig.object = Some(text()?),
            "namespace" => ig.namespace = Some(text()?),
            "reason" => ig.reason = Some(text()?),
            other => {
                return Err((
                    k.pos,
                    format!("unknown key `{other}` in an ignore entry (expected rules, object, namespace or reason)"),
                ));
            }
        }
    }
    if ig.rules.is_empty() {
        return Err((item.pos, "an ignore entry needs `rules` (use \"*\" for every rule)".into()));
    }
    Ok(ig)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_lint_section_parses() {
        let cfg = LintConfig::from_text(
            "c.yaml",
            "audit: {x: 1}\nlint:\n  disable: [cpu-limit-missing]\n  severity: {image-latest-tag: error}\n  memoryLimitRatio: 4\n  ignore:\n  - rules: pdb-blocks-drain\n    object: PodDisruptionBudget/etcd-*\n    reason: quorum\n",
        )
        .unwrap();
        assert!(cfg.disabled.contains("cpu-limit-missing"));
        assert_eq!(cfg.severity["image-latest-tag"], Severity::Error);
        assert!((cfg.memory_limit_ratio - 4.0).abs() < f64::EPSILON);
        assert!(cfg.ignores[0].matches("pdb-blocks-drain", "PodDisruptionBudget", "etcd-main", None));
        assert!(!cfg.ignores[0].matches("pdb-blocks-drain", "PodDisruptionBudget", "web", None));
    }

    #[test]
    fn unknown_rules_and_keys_are_rejected_with_their_position() {
        let e = LintConfig::from_text("c.yaml", "lint:\n  disable: [no-such-rule]\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "c.yaml:2:13: unknown rule `no-such-rule` (chartwright lint --list-rules lists them)"
        );
        let e = LintConfig::from_text("c.yaml", "lint:\n  disabled: []\n").unwrap_err();
        assert!(e.to_string().starts_with("c.yaml:2:3: unknown key `disabled`"), "{e}");
    }
}
