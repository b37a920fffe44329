//! `chartwright lint`: production failures that valid YAML still ships.
//!
//! Rules live one per file under [`rules`]; the engine here runs the enabled ones over loaded
//! objects, applies severity overrides and suppressions (annotation and config file), and sorts
//! the findings so that the same input always gives byte-identical output.

pub mod apis;
pub mod config;
pub mod context;
pub mod docs;
pub mod output;
pub mod producers;
pub mod rules;

use crate::diag::{Diagnostic, RuleInfo, Severity};
use crate::manifest::{Loaded, Object};
use crate::yaml::Node;

pub use config::{ConfigError, Ignore, LintConfig};
pub use rules::{RULES, Rule};

/// The annotation that suppresses rules on one object: `rule-a,rule-b` optionally followed by
/// `: reason`; `*` suppresses every rule.
pub const IGNORE_ANNOTATION: &str = "chartwright.io/ignore";

/// The id of the finding about a malformed ignore annotation.
pub const BAD_IGNORE_RULE: &str = "ignore-annotation-unknown-rule";

/// What a lint run found.
#[derive(Debug, Default)]
pub struct Report {
    /// Findings after suppression, sorted.
    pub findings: Vec<Diagnostic>,
    /// How many findings suppressions removed.
    pub suppressed: usize,
}

/// Runs every enabled rule over the loaded objects; findings are sorted by file, line, column,
/// rule and message. This is the entry point `generate` uses on its input.
pub fn lint_objects(loaded: &Loaded, cfg: &LintConfig) -> Vec<Diagnostic> {
    lint(loaded, cfg).findings
}

/// Like [`lint_objects`], and also counts suppressed findings.
pub fn lint(loaded: &Loaded, cfg: &LintConfig) -> Report {
    let cx = context::Ctx::new(loaded, cfg);
    let ignores: Vec<Vec<String>> = loaded.objects.iter().map(annotation_ignores).collect();
    let mut report = Report::default();
    for rule in RULES.iter().filter(|r| cfg.is_enabled(r.id)) {
        let mut out = context::Out { rule, found: Vec::new() };
        (rule.check)(&cx, &mut out);
        let severity = cfg.severity.get(rule.id).copied();
        for (index, mut d) in out.found {
            let obj = &loaded.objects[index];
            let by_annotation = ignores[index].iter().any(|r| r == "*" || r == rule.id);
            let by_config = cfg
                .ignores
                .iter()
                .any(|ig| ig.matches(rule.id, &obj.kind, obj.name.as_deref().unwrap_or(""), obj.namespace.as_deref()));
            if by_annotation || by_config {
                report.suppressed += 1;
                continue;
            }
            if let Some(s) = severity {
                d.severity = s;
            }
            report.findings.push(d);
        }
    }
    for obj in &loaded.objects {
        report.findings.extend(bad_ignores(obj));
    }
    report.findings.sort_by_cached_key(|d| {
        let l = d.location.as_ref();
        (l.map(|l| l.file.clone()), l.map(|l| l.line), l.map(|l| l.column), d.rule.clone(), d.message.clone())
    });
    report
}

/// The annotation nodes of an object and of its pod template: users put suppressions on either.
fn ignore_annotations(obj: &Object) -> Vec<(&Node, String)> {
    let keys = ["metadata", "annotations", IGNORE_ANNOTATION];
    let mut out = Vec::new();
    if let Some(a) = obj.node.path(&keys) {
        out.push((a, "/metadata/annotations/chartwright.io~1ignore".to_string()));
    }
    if let Some(kind) = crate::kube::WorkloadKind::of(&obj.kind) {
        let path = kind.pod_template_path();
        if let Some(a) = obj.node.path(path).and_then(|t| t.path(&keys)) {
            out.push((a, format!("/{}/metadata/annotations/chartwright.io~1ignore", path.join("/"))));
        }
    }
    out
}

/// Rule ids named by the object's ignore annotations (the reason after `:` dropped).
fn annotation_ignores(obj: &Object) -> Vec<String> {
    ignore_annotations(obj).into_iter().filter_map(|(n, _)| n.as_str()).flat_map(parse_ignore_value).collect()
}

fn parse_ignore_value(value: &str) -> Vec<String> {
    let ids = value.split_once(':').map_or(value, |(ids, _)| ids);
    ids.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect()
}

/// An annotation naming a rule that does not exist suppresses nothing; say so rather than let a
/// typo hide nothing silently.
fn bad_ignores(obj: &Object) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (node, ptr) in ignore_annotations(obj) {
        let ids = node.as_str().map(parse_ignore_value).unwrap_or_default();
        for id in ids.iter().filter(|id| id.as_str() != "*" && rules::find(id).is_none()) {
            let mut d = Diagnostic::new(
                BAD_IGNORE_RULE,
                Severity::Warning,
                format!("{IGNORE_ANNOTATION} names unknown rule {id}, so it suppresses nothing"),
            )
            .at(obj.file.to_string(), node.pos.line.max(1), node.pos.col.max(1))
            .help("Use rule ids from chartwright lint --list-rules, separated by commas.")
            .field("object", obj.display_name())
            .field("pointer", ptr.clone());
            if let Some(t) = &obj.template {
                d = d.field("template", t.clone());
            }
            out.push(d);
        }
    }
    out
}

/// SARIF rule metadata for the enabled rules, with configured severities.
pub fn rule_infos(cfg: &LintConfig) -> Vec<RuleInfo> {
    RULES
        .iter()
        .filter(|r| cfg.is_enabled(r.id))
        .map(|r| RuleInfo { id: r.id.to_string(), summary: r.summary.to_string(), severity: cfg.severity_of(r) })
        .collect()
}
