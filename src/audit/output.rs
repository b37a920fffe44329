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
