//! Findings and errors, and the one place that renders them in every output format.
//!
//! `lint`, `audit`, `validate` and `generate` all report through [`Diagnostic`]; the formats
//! (`text`, `json`, `github`, `sarif`, `junit`) are written here so that they cannot drift apart.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::IsTerminal as _;

use serde::Serialize;

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; never fails a run by default.
    Info,
    /// Likely a problem.
    Warning,
    /// A problem that breaks a deploy.
    Error,
}

impl Severity {
    /// The lower-case name used in every output format.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// A place in an input file; line and column are 1-based.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Location {
    /// The file as the user named it (or `<stdin>`).
    pub file: String,
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub column: u32,
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diagnostic {
    /// A stable rule or check id, e.g. `probe-initial-delay-only`.
    pub rule: String,
    /// How serious it is.
    pub severity: Severity,
    /// One sentence saying what is wrong.
    pub message: String,
    /// Where, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    /// The fix, in one sentence.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// Extra fields a command adds to its JSON output (object, pointer, chart, ...).
    #[serde(flatten)]
    pub fields: BTreeMap<String, serde_json::Value>,
    /// A source excerpt already cut by [`clip_line`] and its caret column, for findings whose
    /// source text is not kept whole.
    #[serde(skip)]
    pub snippet: Option<(String, u32)>,
}

impl Diagnostic {
    /// A finding with no location yet.
    pub fn new(rule: impl Into<String>, severity: Severity, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            rule: rule.into(),
            severity,
            message: clip_message(message.into()),
            location: None,
            help: None,
            fields: BTreeMap::new(),
            snippet: None,
        }
    }

    /// Sets the location.
    #[must_use]
    pub fn at(mut self, file: impl Into<String>, line: u32, column: u32) -> Diagnostic {
        self.location = Some(Location { file: file.into(), line, column });
        self
    }

    /// Sets the one-sentence fix.
    #[must_use]
    pub fn help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    /// Adds a field to the JSON output; a string is cut like a message (a 20 MB object name
    /// must not be held, and copied, once per finding).
    #[must_use]
    pub fn field(mut self, key: &str, value: impl Into<serde_json::Value>) -> Diagnostic {
        let value = match value.into() {
            serde_json::Value::String(s) => serde_json::Value::String(clip_message(s)),
            other => other,
        };
        self.fields.insert(key.to_string(), value);
        self
    }
}

/// Output formats shared by every command.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    /// `file:line:col: message` with the source line and a caret.
    #[default]
    Text,
    /// One JSON document.
    Json,
    /// GitHub Actions workflow commands.
    Github,
    /// A SARIF 2.1.0 log.
    Sarif,
    /// A JUnit XML report.
    Junit,
}

/// The lowest severity that fails a run (exit 1); `never` only reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum FailOn {
    /// Exit 1 when there is an error.
    #[default]
    Error,
    /// Exit 1 when there is a warning or an error.
    Warning,
    /// Exit 1 on any finding.
    Info,
    /// Always exit 0 after a successful run.
    Never,
}

impl FailOn {
    /// The severity at and above which findings fail the run.
    pub fn threshold(self) -> Option<Severity> {
        match self {
            FailOn::Error => Some(Severity::Error),
            FailOn::Warning => Some(Severity::Warning),
            FailOn::Info => Some(Severity::Info),
            FailOn::Never => None,
        }
    }

    /// The name used on the command line and in JSON output.
    pub fn as_str(self) -> &'static str {
        match self {
            FailOn::Error => "error",
            FailOn::Warning => "warning",
            FailOn::Info => "info",
            FailOn::Never => "never",
        }
    }
}

/// A named group of findings: one run of `validate`, one chart of `audit`, one input of `lint`.
/// JUnit writes one test case per group.
#[derive(Debug, Clone, Default)]
pub struct Group {
    /// The test-case name.
    pub name: String,
    /// What was found.
    pub diagnostics: Vec<Diagnostic>,
}

/// Rule metadata that SARIF carries in `tool.driver.rules`.
#[derive(Debug, Clone)]
pub struct RuleInfo {
    /// The rule id.
    pub id: String,
    /// One-line description.
    pub summary: String,
    /// Default severity.
    pub severity: Severity,
}

/// Source texts by file name, for excerpts in the text format.
pub type Sources = BTreeMap<String, String>;

/// Everything one command reports, in the shape every format reads; [`render`] turns it into
/// the chosen format, so the per-format dispatch exists once.
#[derive(Debug, Clone, Default)]
pub struct Report<'a> {
    /// The command: the SARIF tool component and the JUnit suite.
    pub tool: &'a str,
    /// The findings by group, for text and JUnit.
    pub groups: Vec<Group>,
    /// The findings as code scanning should attach them (GitHub, SARIF), when they are located
    /// differently from `groups`.
    pub annotations: Option<Vec<Group>>,
    /// Source texts for the text format's excerpts.
    pub sources: Sources,
    /// What the text format prints after the findings (the command's summary).
    pub text_footer: String,
    /// The command's JSON document (its own schema under `schemas/`).
    pub document: serde_json::Value,
    /// Rule metadata for SARIF.
    pub rules: Vec<RuleInfo>,
    /// The severity at which JUnit marks a test case failed.
    pub fail_at: Option<Severity>,
}

/// Renders `report` in `format`; `color` only matters for text.
///
/// Every string of the findings and of the JSON document (messages, object names, pointers,
/// file names) is cut to [`crate::limits::MAX_MESSAGE_CHARS`] here, the one place every format
/// passes, so a 20 MB name never becomes a 20 MB line per finding in any format.
pub fn render(format: Format, report: &Report<'_>, color: bool) -> String {
    let groups: Vec<Group> = report.groups.iter().map(bounded_group).collect();
    let annotations: Option<Vec<Group>> = report.annotations.as_ref().map(|a| a.iter().map(bounded_group).collect());
    let annotations = annotations.as_ref().unwrap_or(&groups);
    match format {
        Format::Text => {
            let mut out = render_text(&groups, &report.sources, color);
            out.push_str(&report.text_footer);
            out
        }
        Format::Json => json_document(&bounded_json(&report.document)),
        Format::Github => render_github(annotations),
        Format::Sarif => render_sarif(report.tool, annotations, &report.rules),
        Format::Junit => render_junit(report.tool, &groups, report.fail_at),
    }
}

fn bounded_group(g: &Group) -> Group {
    Group { name: clip_message(g.name.clone()), diagnostics: g.diagnostics.iter().map(bounded_diagnostic).collect() }
}

fn bounded_diagnostic(d: &Diagnostic) -> Diagnostic {
    Diagnostic {
        rule: clip_message(d.rule.clone()),
        severity: d.severity,
        message: clip_message(d.message.clone()),
        location: d.location.as_ref().map(|l| Location { file: clip_message(l.file.clone()), ..l.clone() }),
        help: d.help.clone().map(clip_message),
        fields: d.fields.iter().map(|(k, v)| (k.clone(), bounded_json(v))).collect(),
        snippet: d.snippet.clone(),
    }
}

/// `v` with every string and key cut by [`clip_message`].
fn bounded_json(v: &serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match v {
        Value::String(s) => Value::String(clip_message(s.clone())),
        Value::Array(a) => Value::Array(a.iter().map(bounded_json).collect()),
        Value::Object(o) => Value::Object(o.iter().map(|(k, v)| (clip_message(k.clone()), bounded_json(v))).collect()),
        other => other.clone(),
    }
}

/// A JSON document as every command prints it: pretty, newline-terminated.
pub fn json_document(doc: &impl Serialize) -> String {
    let mut s = serde_json::to_string_pretty(doc).unwrap_or_default();
    s.push('\n');
    s
}

/// Findings per severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counts {
    /// Errors.
    pub errors: usize,
    /// Warnings.
    pub warnings: usize,
    /// Info.
    pub info: usize,
}

/// Counts `diagnostics` per severity.
pub fn counts<'d>(diagnostics: impl IntoIterator<Item = &'d Diagnostic>) -> Counts {
    let mut c = Counts::default();
    for d in diagnostics {
        match d.severity {
            Severity::Error => c.errors += 1,
            Severity::Warning => c.warnings += 1,
            Severity::Info => c.info += 1,
        }
    }
    c
}

/// `1 error`, `2 errors`: `n` with the word in its number.
pub fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// When text output is colored (`--color`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ColorChoice {
    /// On a terminal, unless `NO_COLOR` is set.
    #[default]
    Auto,
    /// Always, even through a pipe or with `NO_COLOR` (an explicit flag outranks the variable).
    Always,
    /// Never.
    Never,
}

// The choice is process-wide because every renderer asks; 0 auto, 1 always, 2 never.
static COLOR: std::sync::atomic::AtomicU8 = std::sync::atomic::AtomicU8::new(0);

/// Sets what [`color_wanted`] answers for the rest of the process.
pub fn set_color(choice: ColorChoice) {
    let v = match choice {
        ColorChoice::Auto => 0,
        ColorChoice::Always => 1,
        ColorChoice::Never => 2,
    };
    COLOR.store(v, std::sync::atomic::Ordering::Relaxed);
}

/// Where each line of a text starts, so that finding a line costs a lookup, not a scan.
#[derive(Debug, Clone, Default)]
pub struct LineIndex {
    starts: Vec<usize>,
    /// Per line: true when it is all ASCII, so that clipping it needs no character count.
    ascii: Vec<bool>,
}

impl LineIndex {
    /// Indexes `text`.
    pub fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        let mut ascii = Vec::new();
        let mut all = true;
        for (i, b) in text.bytes().enumerate() {
            if b == b'\n' {
                starts.push(i + 1);
                ascii.push(all);
                all = true;
            } else if !b.is_ascii() {
                all = false;
            }
        }
        ascii.push(all);
        LineIndex { starts, ascii }
    }

    /// Line `n` of `text` cut around `column` by [`clip_line`], in time bounded by the cut for
    /// ASCII lines however long they are.
    pub fn snippet(&self, text: &str, n: u32, column: u32) -> Option<(String, u32)> {
        let line = self.line(text, n)?;
        let ascii = usize::try_from(n).ok().and_then(|n| self.ascii.get(n - 1)).copied().unwrap_or(false);
        Some(clip(line, column, Some(ascii)))
    }

    /// Line `n` (1-based) of `text`, the text this index was built from, without its line end.
    pub fn line<'t>(&self, text: &'t str, n: u32) -> Option<&'t str> {
        let i = usize::try_from(n).ok()?.checked_sub(1)?;
        let start = *self.starts.get(i)?;
        if start >= text.len() && i > 0 {
            return None;
        }
        let end = self.starts.get(i + 1).map_or(text.len(), |e| e - 1);
        let line = text.get(start..end)?;
        Some(line.strip_suffix('\r').unwrap_or(line))
    }
}

/// At most [`crate::limits::MAX_SNIPPET_CHARS`] characters of `line` around the 1-based
/// `column`, with `…` where it was cut; returns the excerpt and the caret's column in it.
pub fn clip_line(line: &str, column: u32) -> (String, u32) {
    clip(line, column, None)
}

fn clip(line: &str, column: u32, ascii: Option<bool>) -> (String, u32) {
    let max = crate::limits::MAX_SNIPPET_CHARS;
    let col = usize::try_from(column.max(1)).unwrap_or(usize::MAX) - 1;
    // Cheap case first: a short line is kept whole (byte length bounds the char count).
    if line.len() <= max {
        return (line.to_string(), column);
    }
    let start = col.saturating_sub(max / 2);
    let mut out = String::new();
    let mut caret = col - start + 1;
    if start > 0 {
        out.push('…');
        caret += 1;
    }
    // ASCII lines (minified JSON, mostly) are cut by bytes: `is_ascii` is fast where counting
    // characters once per finding is not.
    let cut_end = if ascii.unwrap_or_else(|| line.is_ascii()) {
        let from = start.min(line.len());
        let to = (from + max).min(line.len());
        out.push_str(&line[from..to]);
        to < line.len()
    } else {
        let mut chars = line.chars().skip(start);
        out.extend(chars.by_ref().take(max));
        chars.next().is_some()
    };
    if cut_end {
        out.push('…');
    }
    (out, u32::try_from(caret).unwrap_or(u32::MAX))
}

/// A message cut to [`crate::limits::MAX_MESSAGE_CHARS`] characters, marked where cut. The
/// middle goes, so that both a prefix (`Deployment/<huge name>: `) and the sentence after it
/// stay readable.
pub fn clip_message(message: String) -> String {
    let max = crate::limits::MAX_MESSAGE_CHARS;
    if message.len() <= max {
        return message;
    }
    let half = max / 2;
    let head = message.char_indices().nth(half).map(|(i, _)| i);
    let tail = message.char_indices().rev().nth(half - 1).map(|(i, _)| i);
    match (head, tail) {
        (Some(h), Some(t)) if h < t => format!("{}… ({} bytes cut) …{}", &message[..h], t - h, &message[t..]),
        _ => message,
    }
}

/// Whether text output should be colored: per `--color`; by default a terminal, and `NO_COLOR` unset.
pub fn color_wanted() -> bool {
    match COLOR.load(std::sync::atomic::Ordering::Relaxed) {
        1 => true,
        2 => false,
        _ => std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
    }
}

/// The text format: one block per finding, with source excerpt when the source is known.
pub fn render_text(groups: &[Group], sources: &Sources, color: bool) -> String {
    let mut out = String::new();
    let paint = |code: &str, s: &str| if color { format!("\x1b[{code}m{s}\x1b[0m") } else { s.to_string() };
    let mut indexes: std::collections::HashMap<&str, LineIndex> = std::collections::HashMap::new();
    for d in groups.iter().flat_map(|g| &g.diagnostics) {
        let sev = match d.severity {
            Severity::Error => paint("1;31", "error"),
            Severity::Warning => paint("1;33", "warning"),
            Severity::Info => paint("1;36", "info"),
        };
        if let Some(loc) = &d.location {
            let _ = write!(out, "{}: ", paint("1", &loc.to_string()));
        }
        let _ = writeln!(out, "{sev}[{}]: {}", d.rule, d.message);
        if let Some(loc) = &d.location {
            let excerpt = d.snippet.clone().or_else(|| {
                let text = sources.get(&loc.file)?;
                let index = indexes.entry(&loc.file).or_insert_with(|| LineIndex::new(text));
                index.snippet(text, loc.line, loc.column)
            });
            if let Some((line, column)) = excerpt {
                out.push_str(&format_excerpt(loc.line, &line, column, color));
            }
        }
        if let Some(help) = &d.help {
            let _ = writeln!(out, "  = help: {help}");
        }
    }
    out
}

/// The source line at `line` with a caret under `column`, as the text format shows it; empty
/// when the text has no such line.
pub fn excerpt(text: &str, line: u32, column: u32, color: bool) -> String {
    LineIndex::new(text)
        .snippet(text, line, column)
        .map(|(src, col)| format_excerpt(line, &src, col, color))
        .unwrap_or_default()
}

/// True when `s` holds something shaped like a credential: GitHub, GitLab and Slack tokens,
/// AWS access key ids, PEM blocks, JWTs. Messages and excerpts never quote such a value.
pub fn looks_secret(s: &str) -> bool {
    const PREFIXES: [&str; 12] = [
        "ghp_",
        "gho_",
        "ghu_",
        "ghs_",
        "ghr_",
        "github_pat_",
        "-----BEGIN",
        "xoxb-",
        "xoxp-",
        "xoxa-",
        "xoxr-",
        "glpat-",
    ];
    if PREFIXES.iter().any(|p| s.contains(p)) {
        return true;
    }
    let b = s.as_bytes();
    let key_id =
        |i: usize| b.get(i + 4..i + 20).is_some_and(|t| t.iter().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()));
    let b64url = |c: &u8| c.is_ascii_alphanumeric() || *c == b'-' || *c == b'_';
    // A JWT: `eyJ` (base64 of `{"`), more base64url, a dot, more base64url.
    let jwt = |i: usize| {
        let rest = &b[i + 3..];
        let head = rest.iter().take_while(|c| b64url(c)).count();
        rest.get(head) == Some(&b'.') && rest.get(head + 1).is_some_and(b64url)
    };
    (0..b.len()).any(|i| match &b[i..] {
        [b'A', b'K' | b'S', b'I', b'A', ..] => key_id(i),
        [b'e', b'y', b'J', ..] => jwt(i),
        _ => false,
    })
}

/// A value as a message quotes it: at most [`crate::limits::MAX_SNIPPET_CHARS`] characters
/// from its start, and `<redacted>` when it looks like a credential ([`looks_secret`]).
pub fn quote_value(s: &str) -> String {
    if looks_secret(s) { "<redacted>".into() } else { clip_line(s, 1).0 }
}

/// An excerpt line with a credential-shaped value hidden: what precedes the caret (the key)
/// is kept when it is clean, the rest is `<redacted>`.
fn redact_excerpt(src: &str, column: u32) -> (String, u32) {
    if !looks_secret(src) {
        return (src.to_string(), column);
    }
    let before: String = src.chars().take(column.saturating_sub(1) as usize).collect();
    if looks_secret(&before) { ("<redacted>".into(), 1) } else { (before + "<redacted>", column) }
}

/// The excerpt block: a gutter, the (clipped) source line and a caret under `column`.
fn format_excerpt(line: u32, src: &str, column: u32, color: bool) -> String {
    let (src, column) = redact_excerpt(src, column);
    let src = src.as_str();
    let num = line.to_string();
    let gutter = " ".repeat(num.len());
    let caret_pad: String =
        src.chars().take(column.saturating_sub(1) as usize).map(|c| if c == '\t' { '\t' } else { ' ' }).collect();
    let caret = if color { "\x1b[1;31m^\x1b[0m" } else { "^" };
    format!("{gutter} |\n{num} | {src}\n{gutter} | {caret_pad}{caret}\n")
}

/// One line per finding, no excerpt: `file:line:col: severity[rule]: message`.
pub fn render_concise(diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in diagnostics {
        if let Some(loc) = &d.location {
            let _ = write!(out, "{loc}: ");
        }
        let object = d
            .fields
            .get("object")
            .and_then(|o| o.as_str())
            .map(|o| format!("{}: ", clip_message(o.to_string())))
            .unwrap_or_default();
        let _ = writeln!(out, "{}[{}]: {object}{}", d.severity.as_str(), d.rule, d.message);
    }
    out
}

fn escape_github_data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

fn escape_github_prop(s: &str) -> String {
    escape_github_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// GitHub workflow commands: `::error file=…,line=…,col=…,title=…::message`.
pub fn render_github(groups: &[Group]) -> String {
    let mut out = String::new();
    for d in groups.iter().flat_map(|g| &g.diagnostics) {
        let level = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let mut props = Vec::new();
        if let Some(loc) = &d.location {
            props.push(format!("file={}", escape_github_prop(&loc.file)));
            props.push(format!("line={}", loc.line));
            props.push(format!("col={}", loc.column));
        }
        props.push(format!("title={}", escape_github_prop(&d.rule)));
        let mut msg = d.message.clone();
        if let Some(help) = &d.help {
            msg.push_str(" (");
            msg.push_str(help);
            msg.push(')');
        }
        let _ = writeln!(out, "::{level} {}::{}", props.join(","), escape_github_data(&msg));
    }
    out
}

/// A SARIF 2.1.0 log with one run.
pub fn render_sarif(tool: &str, groups: &[Group], rules: &[RuleInfo]) -> String {
    let level = |s: Severity| match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    };
    let mut rule_list: Vec<RuleInfo> = rules.to_vec();
    for d in groups.iter().flat_map(|g| &g.diagnostics) {
        if !rule_list.iter().any(|r| r.id == d.rule) {
            rule_list.push(RuleInfo { id: d.rule.clone(), summary: d.rule.clone(), severity: d.severity });
        }
    }
    let results: Vec<serde_json::Value> = groups
        .iter()
        .flat_map(|g| &g.diagnostics)
        .map(|d| {
            let mut text = d.message.clone();
            if let Some(help) = &d.help {
                text.push_str(" Fix: ");
                text.push_str(help);
            }
            let mut r = serde_json::json!({
                "ruleId": d.rule,
                "ruleIndex": rule_list.iter().position(|r| r.id == d.rule).unwrap_or(0),
                "level": level(d.severity),
                "message": {"text": text},
            });
            if let Some(loc) = &d.location {
                r["locations"] = serde_json::json!([{
                    "physicalLocation": {
                        "artifactLocation": {"uri": loc.file},
                        "region": {"startLine": loc.line.max(1), "startColumn": loc.column.max(1)}
                    }
                }]);
            }
            r
        })
        .collect();
    let rules_json: Vec<serde_json::Value> = rule_list
        .iter()
        .map(|r| {
            serde_json::json!({
                "id": r.id,
                "shortDescription": {"text": r.summary},
                "defaultConfiguration": {"level": level(r.severity)},
            })
        })
        .collect();
    let log = serde_json::json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "chartwright",
                "informationUri": "https://github.com/chartwright/chartwright",
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "fullName": format!("chartwright {tool}"),
                "rules": rules_json,
            }},
            "results": results,
        }]
    });
    let mut s = serde_json::to_string_pretty(&log).unwrap_or_default();
    s.push('\n');
    s
}

fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if c.is_control() && c != '\n' && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}

/// A JUnit XML report: one test case per group; a group fails when it has an error
/// (or a finding at or above `fail_at`).
pub fn render_junit(suite: &str, groups: &[Group], fail_at: Option<Severity>) -> String {
    let failing = |g: &Group| g.diagnostics.iter().any(|d| fail_at.is_some_and(|f| d.severity >= f));
    let failures = groups.iter().filter(|g| failing(g)).count();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(out, "<testsuites name=\"chartwright\" tests=\"{}\" failures=\"{failures}\">", groups.len());
    let _ = writeln!(
        out,
        "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failures}\" errors=\"0\">",
        xml_escape(suite),
        groups.len()
    );
    for g in groups {
        let _ = write!(out, "    <testcase classname=\"{}\" name=\"{}\"", xml_escape(suite), xml_escape(&g.name));
        if g.diagnostics.is_empty() {
            out.push_str("/>\n");
            continue;
        }
        out.push_str(">\n");
        let body: Vec<String> = g
            .diagnostics
            .iter()
            .map(|d| {
                let loc = d.location.as_ref().map(|l| format!("{l}: ")).unwrap_or_default();
                format!("{loc}{}[{}]: {}", d.severity.as_str(), d.rule, d.message)
            })
            .collect();
        if failing(g) {
            let first = g
                .diagnostics
                .iter()
                .find(|d| fail_at.is_some_and(|f| d.severity >= f))
                .map(|d| d.message.as_str())
                .unwrap_or("");
            let _ = writeln!(
                out,
                "      <failure message=\"{}\" type=\"{}\">{}</failure>",
                xml_escape(first),
                xml_escape(suite),
                xml_escape(&body.join("\n"))
            );
        } else {
            let _ = writeln!(out, "      <system-out>{}</system-out>", xml_escape(&body.join("\n")));
        }
        out.push_str("    </testcase>\n");
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn render_sends_code_scanning_formats_the_annotations_and_the_rest_the_groups() {
        let moved = vec![Group {
            name: "chart/templates/d.yaml".into(),
            diagnostics: vec![Diagnostic::new("r", Severity::Error, "m").at("chart/templates/d.yaml", 1, 1)],
        }];
        let report = Report {
            tool: "lint",
            groups: sample(),
            annotations: Some(moved),
            text_footer: "footer\n".into(),
            document: serde_json::json!({"a": 1}),
            ..Report::default()
        };
        assert!(render(Format::Github, &report, false).contains("file=chart/templates/d.yaml"));
        assert!(render(Format::Sarif, &report, false).contains("chart/templates/d.yaml"));
        assert!(!render(Format::Junit, &report, false).contains("chart/templates/d.yaml"));
        let text = render(Format::Text, &report, false);
        assert!(text.contains("deploy.yaml:2:10") && text.ends_with("footer\n"), "{text}");
        assert_eq!(render(Format::Json, &report, false), "{\n  \"a\": 1\n}\n");
    }

    #[test]
    fn counts_and_plural_agree_with_the_summaries() {
        let c = counts(sample().iter().flat_map(|g| &g.diagnostics));
        assert_eq!((c.errors, c.warnings, c.info), (0, 1, 0));
        assert_eq!(plural(1, "chart", "charts"), "1 chart");
        assert_eq!(plural(0, "info", "info"), "0 info");
        assert_eq!(plural(2, "info", "infos"), "2 infos");
    }

    fn sample() -> Vec<Group> {
        vec![Group {
            name: "deploy.yaml".into(),
            diagnostics: vec![
                Diagnostic::new("image-latest", Severity::Warning, "image uses tag latest, a:b")
                    .at("deploy.yaml", 2, 10)
                    .help("pin a version"),
            ],
        }]
    }

    #[test]
    fn text_points_a_caret_at_the_column() {
        let mut sources = Sources::new();
        sources.insert("deploy.yaml".into(), "kind: Pod\nimage:   nginx:latest\n".into());
        let text = render_text(&sample(), &sources, false);
        assert!(text.starts_with("deploy.yaml:2:10: warning[image-latest]: image uses tag latest"), "{text}");
        assert!(text.contains("2 | image:   nginx:latest\n  |          ^\n"), "{text}");
        assert!(text.contains("= help: pin a version"));
    }

    #[test]
    fn credential_shapes_are_recognised_and_ordinary_text_is_not() {
        for s in [
            "ghp_x",
            "token github_pat_1",
            "AKIAIOSFODNN7EXAMPLE",
            "x ASIAIOSFODNN7EXAMPL2",
            "-----BEGIN CERTIFICATE-----",
            "xoxp-1",
            "glpat-x",
            "Bearer eyJhbGciOi.eyJzdWIi.sig",
        ] {
            assert!(looks_secret(s), "{s}");
        }
        for s in ["AKIA", "AKIAlowercase000000", "ASKA0000000000000000", "eyJ without dot", "nginx:1.27", "ghp"] {
            assert!(!looks_secret(s), "{s}");
        }
        assert_eq!(quote_value("ghp_x"), "<redacted>");
        assert_eq!(quote_value(&"a".repeat(10_000)).chars().count(), crate::limits::MAX_SNIPPET_CHARS + 1);
        assert_eq!(redact_excerpt("token: ghp_abc", 8), ("token: <redacted>".to_string(), 8));
        assert_eq!(redact_excerpt("ghp_abc: 1", 10), ("<redacted>".to_string(), 1));
        assert_eq!(redact_excerpt("plain: 1", 8), ("plain: 1".to_string(), 8));
    }

    #[test]
    fn long_messages_keep_their_start_and_end() {
        let m = format!("Deployment/{}: no CPU limit", "a".repeat(100_000));
        let cut = clip_message(m);
        assert!(cut.starts_with("Deployment/aaa") && cut.ends_with("aaa: no CPU limit"), "{cut}");
        assert!(cut.contains("bytes cut)") && cut.chars().count() < crate::limits::MAX_MESSAGE_CHARS + 40);
        assert_eq!(clip_message("short".into()), "short");
        let wide = "é".repeat(5000);
        assert!(clip_message(wide).chars().count() < crate::limits::MAX_MESSAGE_CHARS + 40);
    }

    #[test]
    fn long_lines_are_clipped_around_the_column() {
        let line = format!("{}X{}", "a".repeat(100_000), "b".repeat(100_000));
        let (cut, caret) = clip_line(&line, 100_001);
        assert!(cut.chars().count() <= crate::limits::MAX_SNIPPET_CHARS + 2, "{}", cut.len());
        assert_eq!(cut.chars().nth(caret as usize - 1), Some('X'));
        assert!(cut.starts_with('…') && cut.ends_with('…'));
        assert_eq!(clip_line("short", 3), ("short".to_string(), 3));
    }

    #[test]
    fn line_index_finds_lines_without_scanning() {
        let text = "a\r\nbb\n\nccc";
        let ix = LineIndex::new(text);
        assert_eq!(ix.line(text, 1), Some("a"));
        assert_eq!(ix.line(text, 2), Some("bb"));
        assert_eq!(ix.line(text, 3), Some(""));
        assert_eq!(ix.line(text, 4), Some("ccc"));
        assert_eq!(ix.line(text, 5), None);
        assert_eq!(ix.line(text, 0), None);
    }

    #[test]
    fn github_escapes_properties_and_data() {
        let out = render_github(&sample());
        assert_eq!(
            out,
            "::warning file=deploy.yaml,line=2,col=10,title=image-latest::image uses tag latest, a:b (pin a version)\n"
        );
    }

    #[test]
    fn junit_fails_groups_at_or_above_the_threshold() {
        let xml = render_junit("lint", &sample(), Some(Severity::Warning));
        assert!(xml.contains("failures=\"1\""));
        let xml = render_junit("lint", &sample(), Some(Severity::Error));
        assert!(xml.contains("failures=\"0\"") && xml.contains("<system-out>"));
    }

    #[test]
    fn sarif_lists_rules_and_regions() {
        let log: serde_json::Value = serde_json::from_str(&render_sarif("lint", &sample(), &[])).unwrap();
        assert_eq!(log["version"], "2.1.0");
        assert_eq!(log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startColumn"], 10);
        assert_eq!(log["runs"][0]["tool"]["driver"]["rules"][0]["id"], "image-latest");
    }
}
