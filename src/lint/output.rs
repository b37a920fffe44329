//! A lint run in the shared diagnostics model ([`crate::diag::Report`]): findings grouped by
//! input file, the text summary and the JSON document of `schemas/lint-output.schema.json`.

use std::path::Path;

use crate::diag::{self, Diagnostic, FailOn, Group, plural};
use crate::manifest::Loaded;

use super::{LintConfig, Report};

/// True when a finding is at or above `fail_on`.
pub fn failed(report: &Report, fail_on: FailOn) -> bool {
    fail_on.threshold().is_some_and(|t| report.findings.iter().any(|d| d.severity >= t))
}

/// The run for every format. `code_scanning` is `Some(chart_root)` for the formats that attach
/// findings to repository files (GitHub, SARIF): findings on piped `helm template` output then
/// point at their chart template.
pub fn output(
    report: &Report,
    loaded: &Loaded,
    cfg: &LintConfig,
    fail_on: FailOn,
    code_scanning: Option<Option<&Path>>,
) -> diag::Report<'static> {
    diag::Report {
        tool: "lint",
        groups: groups(loaded, &report.findings),
        annotations: code_scanning.map(|root| groups(loaded, &in_templates(loaded, report, root))),
        sources: loaded.sources.clone(),
        text_footer: summary_line(report, loaded),
        document: json(report, loaded, fail_on, failed(report, fail_on)),
        rules: super::rule_infos(cfg),
        fail_at: fail_on.threshold(),
    }
}

/// Findings on piped `helm template` output located in their chart template, for formats that
/// code scanning attaches to repository files: the file is the `# Source:` path (its chart
/// name replaced by `chart_root` when given) and the line is counted from the start of the
/// rendered document, which matches the template where no template logic precedes the field.
fn in_templates(loaded: &Loaded, report: &Report, chart_root: Option<&Path>) -> Vec<Diagnostic> {
    // 1-based lines of the `# Source:` comments of the stream, in order.
    let comments: Vec<u32> = loaded
        .sources
        .get("<stdin>")
        .map(|text| {
            let lines = text.lines().enumerate().filter(|(_, l)| l.starts_with("# Source: "));
            lines.map(|(i, _)| u32::try_from(i + 1).unwrap_or(u32::MAX)).collect()
        })
        .unwrap_or_default();
    let mut findings = report.findings.clone();
    for d in &mut findings {
        let Some(template) = d.fields.get("template").and_then(|t| t.as_str()).map(str::to_string) else { continue };
        let Some(loc) = d.location.as_mut().filter(|l| l.file == "<stdin>") else { continue };
        let before = comments.partition_point(|&c| c <= loc.line);
        let Some(&comment) = before.checked_sub(1).map(|k| &comments[k]) else { continue };
        loc.line = loc.line.saturating_sub(comment).max(1);
        loc.file = match chart_root {
            Some(root) => {
                let root = root.to_string_lossy().replace('\\', "/");
                let root = root.trim_start_matches("./").trim_end_matches('/');
                let rest = template.split_once('/').map_or(template.as_str(), |(_, r)| r);
                if root.is_empty() || root == "." { rest.to_string() } else { format!("{root}/{rest}") }
            }
            None => template,
        };
    }
    findings
}

/// One group per input file, findings included in file order. Outside JSON the message names
/// the object and the chart template, since those formats have no separate fields for them.
fn groups(loaded: &Loaded, findings: &[Diagnostic]) -> Vec<Group> {
    let mut groups: Vec<Group> =
        loaded.sources.keys().map(|f| Group { name: f.clone(), diagnostics: Vec::new() }).collect();
    for d in findings {
        let mut d = d.clone();
        let object = d.fields.get("object").and_then(|v| v.as_str()).unwrap_or_default().to_string();
        if !object.is_empty() {
            d.message = format!("{object}: {}", d.message);
        }
        if let Some(t) = d.fields.get("template").and_then(|v| v.as_str()) {
            d.message = format!("{} (template {t})", d.message);
        }
        let file = d.location.as_ref().map(|l| l.file.clone()).unwrap_or_default();
        match groups.iter_mut().find(|g| g.name == file) {
            Some(g) => g.diagnostics.push(d),
            None => groups.push(Group { name: file, diagnostics: vec![d] }),
        }
    }
    groups
}

fn summary_line(report: &Report, loaded: &Loaded) -> String {
    let c = diag::counts(&report.findings);
    let objects = plural(loaded.objects.len(), "object", "objects");
    let mut s = if report.findings.is_empty() {
        format!("no findings in {objects} ({} suppressed)\n", report.suppressed)
    } else {
        format!(
            "{}, {}, {} in {objects} ({} suppressed)\n",
            plural(c.errors, "error", "errors"),
            plural(c.warnings, "warning", "warnings"),
            plural(c.info, "info", "info"),
            report.suppressed
        )
    };
    if !loaded.invalid.is_empty() {
        s.insert_str(
            s.len() - 1,
            &format!("; {} not valid YAML (see above)", plural(loaded.invalid.len(), "file", "files")),
        );
    }
    s
}

fn json(report: &Report, loaded: &Loaded, fail_on: FailOn, failed: bool) -> serde_json::Value {
    let c = diag::counts(&report.findings);
    serde_json::json!({
        "findings": report.findings,
        "summary": {
            "files": loaded.sources.len(),
            "objects": loaded.objects.len(),
            "errors": c.errors,
            "warnings": c.warnings,
            "info": c.info,
            "suppressed": report.suppressed,
            "failOn": fail_on.as_str(),
            "failed": failed,
        }
    })
}

/// The inputs that could not be read, one `chartwright: error: ...` each (with the offending
/// line for YAML errors): `lint` reports them all and lints the rest, so they are not one
/// error that ends the run.
pub fn load_errors(loaded: &Loaded) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    for e in &loaded.invalid {
        let crate::manifest::LoadError::Yaml { file, pos, message } = e else {
            let _ = writeln!(out, "chartwright: error: {e}");
            continue;
        };
        let text = loaded.sources.get(file).map(String::as_str).unwrap_or_default();
        // The parser reports an unexpected end of input one line past the last one.
        let last = u32::try_from(text.lines().count()).unwrap_or(u32::MAX);
        let (line, col) = if pos.line > last && last > 0 {
            let end = text.lines().last().map_or(0, |l| l.chars().count());
            (last, u32::try_from(end + 1).unwrap_or(u32::MAX))
        } else {
            (pos.line, pos.col)
        };
        let _ = writeln!(out, "chartwright: error: {file}:{line}:{col}: invalid YAML: {message}");
        out.push_str(&diag::excerpt(text, line, col, false));
    }
    out
}
