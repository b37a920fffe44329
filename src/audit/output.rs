//! An audit in the shared diagnostics model ([`crate::diag::Report`]): the text summary and the
//! JSON document of `schemas/audit-output.schema.json`.

use crate::diag::{self, Severity, plural};

use super::{DenyList, Report};

impl Report {
    /// The audit for every format; `fail_at` marks JUnit test cases failed.
    pub fn output(&self, deny: &DenyList, fail_at: Option<Severity>) -> diag::Report<'static> {
        diag::Report {
            tool: "audit",
            groups: self.groups.clone(),
            annotations: None,
            sources: self.sources.clone(),
            text_footer: text_footer(self),
            document: json(self),
            rules: super::rule_infos(deny),
            fail_at,
        }
    }
}

/// The allowed findings and the summary, after the findings of the text format.
fn text_footer(report: &Report) -> String {
    let mut out = String::new();
    for s in &report.suppressed {
        let loc = s.diagnostic.location.as_ref().map(|l| format!("{l}: ")).unwrap_or_default();
        out.push_str(&format!(
            "{loc}allowed[{}]: {} (allow-list entry at {}: {})\n",
            s.diagnostic.rule, s.diagnostic.message, s.allowed_by, s.allow_reason
        ));
    }
    let c = report.counts();
    out.push_str(&format!(
        "audited {}: {}, {}, {}",
        plural(report.groups.len(), "chart", "charts"),
        plural(c.errors, "error", "errors"),
        plural(c.warnings, "warning", "warnings"),
        plural(c.info, "info", "infos")
    ));
    if !report.suppressed.is_empty() {
        out.push_str(&format!(", {} allowed", report.suppressed.len()));
    }
    out.push('\n');
    out
}

fn json(report: &Report) -> serde_json::Value {
    let c = report.counts();
    serde_json::json!({
        "tool": "chartwright audit",
        "charts": report.groups.iter().map(|g| serde_json::json!({"name": g.name, "findings": g.diagnostics})).collect::<Vec<_>>(),
        "allowed": report.suppressed,
        "summary": {"charts": report.groups.len(), "errors": c.errors, "warnings": c.warnings, "infos": c.info, "allowed": report.suppressed.len()},
    })
}

/// The documentation of a fixed check or of a deny-list entry (`--deny-list` files first, as matching does).
/// `audit --explain`.
pub fn explain(id: &str, deny: &DenyList) -> Option<String> {
    if let Some(c) = super::checks::find(id) {
        return Some(format!("{} (audit check)\n\nDefault severity: {}. {}\n", c.id, c.severity.as_str(), c.summary));
    }
    let e = deny.entries.iter().find(|e| e.id == id)?;
    let mut s = format!(
        "{} (deny-list entry, {}:{})\n\nSeverity: {}. {}\n",
        e.id,
        e.file,
        e.pos.line,
        e.severity.as_str(),
        e.reason
    );
    if let Some(since) = &e.since {
        s.push_str(&format!("Since: {since}\n"));
    }
    let mut replacements: Vec<(Option<&str>, &crate::denylist::Replacement)> =
        e.replacement.iter().map(|r| (None, r)).collect();
    replacements.extend(e.replacements.iter().map(|(k, r)| (Some(k.as_str()), r)));
    for (chart, r) in replacements {
        let target = match (&r.repository, &r.chart) {
            (Some(repo), Some(c)) => format!(" ({c} from {repo})"),
            (Some(repo), None) => format!(" ({repo})"),
            (None, Some(c)) => format!(" ({c})"),
            (None, None) => String::new(),
        };
        match chart {
            Some(c) => s.push_str(&format!("Replacement for {c}: {}{target}\n", r.text)),
            None => s.push_str(&format!("Replacement: {}{target}\n", r.text)),
        }
    }
    Some(s)
}
