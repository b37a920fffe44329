//! `chartwright lint`.

use std::path::{Path, PathBuf};

use chartwright::diag::{self, Diagnostic, FailOn, Format, Group, plural};
use chartwright::lint::{self, LintConfig, RULES};
use chartwright::manifest;

/// Arguments of `lint`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Manifest files or directories (walked recursively), or `-` for stdin (`helm template ... | chartwright lint -`).
    #[arg(value_name = "INPUT", required_unless_present_any = ["list_rules", "explain"])]
    inputs: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Lowest severity that makes the exit code 1.
    #[arg(long, value_enum, default_value_t = FailOn::Error, value_name = "SEVERITY")]
    fail_on: FailOn,
    /// Turn a rule off (repeatable).
    #[arg(long, value_name = "RULE")]
    disable: Vec<String>,
    /// Turn on a rule that the config file disables (repeatable).
    #[arg(long, value_name = "RULE")]
    enable: Vec<String>,
    /// Print the rules (id, default severity, summary) and exit.
    #[arg(long)]
    list_rules: bool,
    /// Print a rule's documentation (what it checks, why, how to fix, an example) and exit.
    #[arg(long, value_name = "RULE", exclusive = true)]
    explain: Option<String>,
    /// Configuration file [default: ./.chartwright.yaml when it exists].
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Succeed on input that holds no Kubernetes object (by default that exits 2, so that an empty
    /// `helm template` does not pass unnoticed).
    #[arg(long)]
    allow_empty: bool,
    /// The chart's directory in the repository, for piped `helm template` output: github and sarif
    /// findings then point at DIR/templates/... instead of the chart name's templates/....
    #[arg(long, value_name = "DIR")]
    chart_root: Option<PathBuf>,
}

/// Runs `lint`.
pub fn run(a: Args) -> anyhow::Result<u8> {
    if let Some(id) = &a.explain {
        let Some(rule) = lint::rules::find(id) else { return Err(unknown_rule(id)) };
        crate::cli::print_out(&lint::docs::explain(rule))?;
        return Ok(0);
    }
    if a.list_rules {
        crate::cli::print_out(&list_rules(a.format))?;
        return Ok(0);
    }
    let mut cfg = load_config(a.config.as_deref())?;
    for id in a.disable.iter().chain(&a.enable) {
        if lint::rules::find(id).is_none() {
            return Err(unknown_rule(id));
        }
    }
    cfg.disabled.extend(a.disable.iter().cloned());
    for id in &a.enable {
        cfg.disabled.remove(id);
    }
    // Duplicates are findings and a broken file does not stop the others: a whole repository
    // can be linted in one call.
    let options = manifest::LoadOptions { keep_duplicates: true, keep_going: true };
    let loaded = manifest::load_inputs_with(&a.inputs, options)?;
    if !loaded.warnings.is_empty() {
        let skipped = Group { name: "lint".into(), diagnostics: loaded.warnings.clone() };
        eprint!("{}", diag::render_text(&[skipped], &loaded.sources, false));
    }
    for e in &loaded.invalid {
        let manifest::LoadError::Yaml { file, pos, message } = e else {
            eprintln!("chartwright: error: {e}");
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
        eprintln!("chartwright: error: {file}:{line}:{col}: invalid YAML: {message}");
        eprint!("{}", diag::excerpt(text, line, col, false));
    }
    if loaded.objects.is_empty() && loaded.invalid.is_empty() && !a.allow_empty {
        let inputs: Vec<String> = a
            .inputs
            .iter()
            .map(|p| if p.as_os_str() == "-" { "<stdin>".to_string() } else { p.display().to_string() })
            .collect();
        anyhow::bail!("no Kubernetes objects in {} (--allow-empty accepts that)", inputs.join(", "));
    }
    let report = lint::lint(&loaded, &cfg);
    let threshold = a.fail_on.threshold();
    let failed = threshold.is_some_and(|t| report.findings.iter().any(|d| d.severity >= t));
    let output = diag::Report {
        tool: "lint",
        groups: groups(&loaded, &report.findings),
        annotations: matches!(a.format, Format::Github | Format::Sarif)
            .then(|| groups(&loaded, &in_templates(&loaded, &report, a.chart_root.as_deref()))),
        sources: loaded.sources.clone(),
        text_footer: summary_line(&report, &loaded),
        document: json(&report, &loaded, a.fail_on, failed),
        rules: lint::rule_infos(&cfg),
        fail_at: threshold,
    };
    let out = diag::render(a.format, &output, a.format == Format::Text && diag::color_wanted());
    crate::cli::print_out(&out)?;
    if !loaded.invalid.is_empty() {
        return Ok(2);
    }
    Ok(u8::from(failed))
}

fn unknown_rule(id: &str) -> anyhow::Error {
    anyhow::anyhow!("unknown rule `{id}` (chartwright lint --list-rules lists them)")
}

/// Findings on piped `helm template` output located in their chart template, for formats that
/// code scanning attaches to repository files: the file is the `# Source:` path (its chart
/// name replaced by `chart_root` when given) and the line is counted from the start of the
/// rendered document, which matches the template where no template logic precedes the field.
fn in_templates(loaded: &manifest::Loaded, report: &lint::Report, chart_root: Option<&Path>) -> Vec<Diagnostic> {
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

fn load_config(explicit: Option<&Path>) -> Result<LintConfig, lint::ConfigError> {
    if let Some(p) = explicit {
        return LintConfig::from_file(p);
    }
    let default = Path::new(".chartwright.yaml");
    if default.is_file() { LintConfig::from_file(default) } else { Ok(LintConfig::default()) }
}

/// One group per input file, findings included in file order. Outside JSON the message names
/// the object and the chart template, since those formats have no separate fields for them.
fn groups(loaded: &manifest::Loaded, findings: &[Diagnostic]) -> Vec<Group> {
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

fn summary_line(report: &lint::Report, loaded: &manifest::Loaded) -> String {
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

fn json(report: &lint::Report, loaded: &manifest::Loaded, fail_on: FailOn, failed: bool) -> serde_json::Value {
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

fn list_rules(format: Format) -> String {
    if format == Format::Json {
        let rules: Vec<serde_json::Value> = RULES
            .iter()
            .map(|r| {
                serde_json::json!({
                    "id": r.id,
                    "category": r.category.title(),
                    "severity": r.severity.as_str(),
                    "summary": r.summary,
                    "fix": r.fix,
                })
            })
            .collect();
        return diag::json_document(&rules);
    }
    let width = RULES.iter().map(|r| r.id.len()).max().unwrap_or(0);
    let mut s = String::new();
    for r in RULES {
        s.push_str(&format!("{:<width$}  {:<7}  {}\n", r.id, r.severity.as_str(), r.summary));
    }
    s
}
