//! The outcome of `validate` and its outputs: the JSON document described by
//! `schemas/validate-output.schema.json`, and diagnostics for the shared renderers.

use serde::Serialize;

use crate::diag::{self, Diagnostic, Format, Group, RuleInfo, Severity, Sources};

/// Every run of one invocation.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// Whether the render stage ran (false: no Helm, or `--no-render`; template rules were
    /// not checked).
    pub rendered: bool,
    /// One entry per run, in command-line order.
    pub runs: Vec<RunReport>,
    /// Things worth saying that are not failures (printed on stderr).
    #[serde(skip)]
    pub notes: Vec<String>,
}

/// One run: defaults, the `-f` base, one values file, the `--set` family.
#[derive(Debug, Clone, Serialize)]
pub struct RunReport {
    /// The run's name: its values file, or `defaults`.
    #[serde(skip)]
    pub name: String,
    /// The values files in merge order (chart defaults first).
    pub values: Vec<String>,
    /// True when Helm would accept the values.
    pub valid: bool,
    /// True when Helm rendered the chart with this run's values (false: the render stage is
    /// off, or an earlier stage already refused the values).
    pub rendered: bool,
    /// What Helm would refuse.
    pub errors: Vec<ErrorOut>,
    /// `--strict`: what Helm accepts but likely is a mistake (keys nothing reads).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<ErrorOut>,
    /// Notes about this run (an empty file, ...), printed on stderr.
    #[serde(skip)]
    pub notes: Vec<String>,
}

/// One failure, located where the offending value was set.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ErrorOut {
    /// The chart or subchart (alias) whose schema failed.
    pub chart: String,
    /// JSON pointer into that chart's values, as Helm 4 prints it (`kube-schema`: into the
    /// rendered object).
    pub pointer: String,
    /// What is wrong (Helm 4's wording for schema failures).
    pub message: String,
    /// The schema keyword (`type`, `required`, ...), or `yaml`/`set` for unreadable input.
    pub keyword: String,
    /// The file (or `--set` flag) that set the value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// 1-based line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    /// 1-based column.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<u32>,
    /// A suggested fix.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// The failure in plain words (combinators: which alternatives failed and what to change).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explanation: Option<String>,
    /// For `oneOf`/`anyOf`: each alternative and why it failed.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub branches: Vec<super::explain::Branch>,
    /// The source line cut around the column, and the caret's column in it, for the text
    /// format's excerpt.
    #[serde(skip)]
    pub source_line: Option<(String, u32)>,
    /// For a render finding: the template position and the values its condition reads.
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub render: Option<RenderDetail>,
}

/// Where a render finding is in the templates and which values it depends on.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RenderDetail {
    /// `chart/templates/x.yaml:line:col` as Helm reports it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub template: Option<String>,
    /// The `.Values` keys the failing action and its enclosing conditions read, with where
    /// the run set each (none: not set anywhere).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub values_read: Vec<ValueRead>,
}

/// One key a failing template reads.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ValueRead {
    /// Dotted path from the root chart's values.
    pub key: String,
    /// The file (or `--set` flag) that set it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// 1-based line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    /// 1-based column.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<u32>,
}

impl ErrorOut {
    /// An error that is not located yet (see `locate_into`).
    pub fn new(
        chart: impl Into<String>,
        pointer: impl Into<String>,
        message: impl Into<String>,
        keyword: &str,
    ) -> ErrorOut {
        ErrorOut {
            chart: chart.into(),
            pointer: pointer.into(),
            message: message.into(),
            keyword: keyword.to_string(),
            file: None,
            line: None,
            column: None,
            help: None,
            explanation: None,
            branches: Vec::new(),
            source_line: None,
            render: None,
        }
    }
}

impl Report {
    /// True when every run is valid.
    pub fn all_valid(&self) -> bool {
        self.runs.iter().all(|r| r.valid)
    }

    /// True when some run has a warning.
    pub fn has_warnings(&self) -> bool {
        self.runs.iter().any(|r| !r.warnings.is_empty())
    }

    /// Notes of the invocation and of every run.
    pub fn all_notes(&self) -> Vec<String> {
        let mut out = self.notes.clone();
        for r in &self.runs {
            out.extend(r.notes.iter().cloned());
        }
        out
    }

    /// The JSON document (pretty, newline-terminated).
    pub fn to_json(&self) -> String {
        diag::json_document(self)
    }

    /// One diagnostics group per run.
    pub fn groups(&self) -> Vec<Group> {
        self.runs
            .iter()
            .map(|r| Group {
                name: r.name.clone(),
                diagnostics: r
                    .errors
                    .iter()
                    .map(|e| (e, Severity::Error))
                    .chain(r.warnings.iter().map(|w| (w, Severity::Warning)))
                    .map(|(e, severity)| {
                        let mut d = Diagnostic::new(e.keyword.clone(), severity, describe(e))
                            .field("chart", e.chart.clone())
                            .field("pointer", e.pointer.clone());
                        if let (Some(f), Some(l), Some(c)) = (&e.file, e.line, e.column) {
                            d = d.at(f.clone(), l, c);
                        }
                        if let Some(h) = &e.help {
                            d = d.help(h.clone());
                        }
                        d.snippet = e.source_line.clone();
                        d
                    })
                    .collect(),
            })
            .collect()
    }

    /// Renders in `format`; `color` only matters for text.
    pub fn render(&self, format: Format, color: bool) -> String {
        diag::render(format, &self.output(), color)
    }

    /// This report in the shared diagnostics model.
    pub fn output(&self) -> diag::Report<'static> {
        let invalid = self.runs.iter().filter(|r| !r.valid).count();
        let errors: usize = self.runs.iter().map(|r| r.errors.len()).sum();
        let warnings: usize = self.runs.iter().map(|r| r.warnings.len()).sum();
        let warned = if warnings > 0 { format!(", {warnings} warning(s)") } else { String::new() };
        diag::Report {
            tool: "validate",
            groups: self.groups(),
            annotations: None,
            sources: Sources::new(),
            text_footer: format!(
                "validate: {} run(s) checked, {invalid} invalid, {errors} error(s){warned}\n",
                self.runs.len()
            ),
            document: serde_json::to_value(self).unwrap_or_default(),
            rules: rules(),
            fail_at: Some(Severity::Error),
        }
    }
}

/// `chart: at '/pointer': message`, Helm 4's line with the chart in front.
fn describe(e: &ErrorOut) -> String {
    // Render and --lint findings carry Helm's (or the rule's) sentence, not a schema pointer.
    if e.render.is_some() || matches!(e.keyword.as_str(), "yaml" | "set" | "dependency") {
        return format!("{}: {}", e.chart, e.message);
    }
    format!("{}: at '{}': {}", e.chart, e.pointer, e.explanation.as_ref().unwrap_or(&e.message))
}

fn rules() -> Vec<RuleInfo> {
    vec![
        RuleInfo {
            id: "yaml".into(),
            summary: "Values file is not readable as Helm reads it".into(),
            severity: Severity::Error,
        },
        RuleInfo {
            id: "type".into(),
            summary: "Value has the wrong type for the schema".into(),
            severity: Severity::Error,
        },
        RuleInfo {
            id: "guard".into(),
            summary: "Values break a cross-field rule of the chart's validateValues template".into(),
            severity: Severity::Error,
        },
        RuleInfo {
            id: "dependency".into(),
            summary: "A dependency declared in Chart.yaml is missing from charts/".into(),
            severity: Severity::Error,
        },
        RuleInfo {
            id: "unread".into(),
            summary: "--strict: a key no template of the chart reads (Helm ignores it)".into(),
            severity: Severity::Warning,
        },
        RuleInfo {
            id: "template".into(),
            summary:
                "A template of the chart refuses these values when Helm renders it (fail, required, an execution error)"
                    .into(),
            severity: Severity::Error,
        },
        RuleInfo {
            id: "rendered-yaml".into(),
            summary: "The chart renders YAML that does not parse with these values".into(),
            severity: Severity::Error,
        },
        RuleInfo {
            id: "duplicate".into(),
            summary: "The chart renders one object twice with these values (an install fails)".into(),
            severity: Severity::Error,
        },
        RuleInfo {
            id: "kube-schema".into(),
            summary:
                "A rendered object is not valid for the target Kubernetes version (its API schema, or the chart's CRD)"
                    .into(),
            severity: Severity::Error,
        },
        RuleInfo {
            id: "render".into(),
            summary: "Helm refuses to render the chart with these values".into(),
            severity: Severity::Error,
        },
        RuleInfo { id: "required".into(), summary: "Required key is missing".into(), severity: Severity::Error },
        RuleInfo {
            id: "additionalProperties".into(),
            summary: "Key is not allowed by the schema".into(),
            severity: Severity::Error,
        },
        RuleInfo {
            id: "enum".into(),
            summary: "Value is not one of the allowed values".into(),
            severity: Severity::Error,
        },
    ]
}
