//! `docs/rules.md`, generated from the rule metadata so that the docs cannot drift from the code;
//! likewise the rule-id list of `schemas/chartwright-config.schema.json`.

use std::fmt::Write as _;

use super::rules::{Category, RULES, Rule};
use super::{BAD_IGNORE_RULE, IGNORE_ANNOTATION, apis};

const CONFIG_EXAMPLE: &str = r#"```yaml
lint:
  disable: [cpu-limit-missing]            # rules that do not run
  severity:                               # error | warning | info
    image-latest-tag: error
  memoryLimitRatio: 4                     # memory-limit-far-above-request threshold (default 2)
  ignore:                                 # per-object suppressions
    - rules: [pdb-blocks-drain]           # or "*"
      object: PodDisruptionBudget/etcd-*  # Kind/name; * matches anything
      namespace: storage                  # optional
      reason: quorum of 3, drained by hand  # optional, documentation only
```

"#;

/// One rule's reference (what `chartwright lint --explain RULE` prints): a title line, then the
/// same paragraphs as its section of `docs/rules.md`.
pub fn explain(r: &Rule) -> String {
    format!("{} ({})\n\n{}", r.id, r.category.title(), rule_body(r))
}

fn rule_body(r: &Rule) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "Default severity: **{}**. {}\n", r.severity.as_str(), r.summary);
    let _ = writeln!(s, "**What it checks.** {}\n", r.what);
    let _ = writeln!(s, "**Why it matters.** {}\n", r.why);
    let _ = writeln!(s, "**How to fix.** {}\n", r.fix);
    let _ = writeln!(s, "**Example** (flagged; `# <-` marks the reported line):\n\n```yaml\n{}```\n", r.example);
    s
}

/// `schema` (the text of `schemas/chartwright-config.schema.json`) with the `enum` of its
/// `$defs.ruleId` rewritten from [`RULES`] (then `*`); the rest of the schema is written by hand
/// and kept as it is. `None` when the schema has no such list.
pub fn config_schema(schema: &str) -> Option<String> {
    let def = schema.find("\"ruleId\": {")?;
    let open = def + schema[def..].find("\"enum\": [")? + "\"enum\": [".len();
    let close = open + schema[open..].find(']')?;
    // The closing `]` keeps its line; the ids go one a line, indented one step further.
    let line = schema[..close].rfind('\n')?;
    let indent = &schema[line + 1..close];
    let ids: Vec<String> = RULES.iter().map(|r| r.id).chain(["*"]).map(|id| format!("{indent}  \"{id}\"")).collect();
    Some(format!("{}\n{}{}", &schema[..open], ids.join(",\n"), &schema[line..]))
}

/// The rule reference as Markdown.
pub fn rules_markdown() -> String {
    let mut s = String::new();
    intro(&mut s);
    suppressing(&mut s);
    rule_sections(&mut s);
    api_table(&mut s);
    s
}

/// What `lint` reads, its exit codes and severities, and how it treats whole repositories.
fn intro(s: &mut String) {
    s.push_str("# chartwright lint rules\n\n");
    s.push_str("<!-- Generated from src/lint/rules/*.rs and src/lint/apis.yaml; do not edit. -->\n");
    s.push_str("<!-- Regenerate with: CHARTWRIGHT_BLESS=1 cargo test --test it -- lint:: -->\n\n");
    s.push_str(
        "`chartwright lint <INPUT>...` reads manifest files, directories or `-` (stdin, e.g. \
         `helm template my-release ./chart -f values-prod.yaml | chartwright lint -`) and reports each finding with \
         its rule id, severity, object (`Kind/name`), JSON pointer inside the object, `file:line:column` of the \
         offending field, the `# Source:` template when the input is `helm template` output, a message and the fix.\n\n",
    );
    s.push_str(
        "Exit codes: 0 when no finding reaches `--fail-on` (default `error`), 1 when one does, 2 for bad \
         invocations, unreadable or invalid input and invalid configuration.\n\n",
    );
    s.push_str(
        "Severities: **error** when the API server rejects the object or the failure is certain (a drain can \
         never pass, the HPA controller stops scaling); **warning** when the failure is the likely outcome but \
         the input alone cannot prove it (a missing object may be created elsewhere, the scheduler may be \
         lucky); **info** for hygiene. How each rule compares with kube-linter, kube-score and Polaris is in \
         [`peers.md`](peers.md).\n\n",
    );
    s.push_str(
        "**Whole repositories.** A directory is walked recursively and linted in one run. A file that is not \
         valid YAML is reported with its `file:line:col`, the offending line and a caret; the other files are \
         still linted and the run exits 2 at the end. Objects defined twice are `duplicate-object` findings \
         rather than a stop. `kustomization.yaml` files are not objects, but the ConfigMaps and Secrets their \
         generators create count as present.\n\n",
    );
    s.push_str(
        "**Empty input.** Input with no Kubernetes object at all exits 2 (`no Kubernetes objects in <inputs>`), \
         so `helm template ... | chartwright lint -` fails when the chart rendered nothing; `--allow-empty` \
         accepts it.\n\n",
    );
    s.push_str(
        "**Code scanning.** For `helm template` output read from stdin, the `github` and `sarif` formats put each \
         finding in its chart template (the `# Source:` path, e.g. `shop/templates/pdb.yaml`, with the line \
         counted from the start of the rendered document) so that annotations land on repository files; \
         `--chart-root DIR` replaces the chart name with the chart's directory in the repository \
         (`--chart-root deploy/charts/shop` gives `deploy/charts/shop/templates/pdb.yaml`).\n\n",
    );
}

/// Annotations and `.chartwright.yaml`.
fn suppressing(s: &mut String) {
    s.push_str("## Suppressing findings\n\n");
    let _ = writeln!(
        s,
        "**On the object.** Annotate the object (or its pod template) with `{IGNORE_ANNOTATION}: <rule>[,<rule>...][: reason]`; \
         `*` suppresses every rule:\n"
    );
    let _ = writeln!(
        s,
        "```yaml\nmetadata:\n  annotations:\n    {IGNORE_ANNOTATION}: \"pdb-blocks-drain,single-replica-with-pdb: etcd needs quorum; drained by hand\"\n```\n"
    );
    let _ = writeln!(
        s,
        "An annotation naming an unknown rule suppresses nothing and is reported as `{BAD_IGNORE_RULE}` (warning).\n"
    );
    s.push_str(
        "**In `.chartwright.yaml`.** The file is read from the current directory, or from `--config FILE`. \
         Only its `lint:` section belongs to `lint`; unknown keys or rule ids in it are errors (exit 2) \
         with their `file:line:col`.\n\n",
    );
    s.push_str(CONFIG_EXAMPLE);
    s.push_str(
        "On the command line, `--disable RULE` turns a rule off and `--enable RULE` turns back on a rule that the \
         config file disables.\n\n",
    );
}

/// The rule table, then each rule under its category.
fn rule_sections(s: &mut String) {
    s.push_str("## Rules\n\n| Rule | Severity | Summary |\n|---|---|---|\n");
    for r in RULES {
        let _ =
            writeln!(s, "| [`{}`](#{}) | {} | {} |", r.id, r.id, r.severity.as_str(), r.summary.replace('|', "\\|"));
    }
    s.push('\n');
    let mut category: Option<Category> = None;
    for r in RULES {
        if category != Some(r.category) {
            category = Some(r.category);
            let _ = writeln!(s, "## {}\n", r.category.title());
        }
        let _ = writeln!(s, "### {}\n", r.id);
        s.push_str(&rule_body(r));
    }
}

/// The API table of `api-removed` and `api-deprecated`, with its sources.
fn api_table(s: &mut String) {
    s.push_str("## The API table\n\n`api-removed` and `api-deprecated` read `src/lint/apis.yaml`:\n\n");
    s.push_str("| apiVersion | Kinds | Replacement | Removed in | Source |\n|---|---|---|---|---|\n");
    for e in apis::table() {
        let removed = e.removed_in.as_deref().map_or_else(
            || format!("deprecated ({})", e.since.as_deref().unwrap_or("no removal yet")),
            |r| format!("Kubernetes {r}"),
        );
        let _ = writeln!(
            s,
            "| `{}` | {} | {} | {removed} | {} |",
            e.api_version,
            e.kinds.join(", "),
            e.replacement.as_deref().map_or_else(|| "none".to_string(), |r| format!("`{r}`")),
            e.source
        );
    }
    s.push_str("\nSources:\n\n");
    for (k, v) in apis::sources() {
        let _ = writeln!(s, "- `{k}`: {v}");
    }
}

/// `lint --list-rules`: one line per rule (id, default severity, summary), or a JSON
/// document with their category and fix too.
pub fn rule_list(format: crate::diag::Format) -> String {
    if format == crate::diag::Format::Json {
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
        return crate::diag::json_document(&rules);
    }
    let width = RULES.iter().map(|r| r.id.len()).max().unwrap_or(0);
    let mut s = String::new();
    for r in RULES {
        s.push_str(&format!("{:<width$}  {:<7}  {}\n", r.id, r.severity.as_str(), r.summary));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documented_config_example_is_a_valid_config() {
        let yaml = CONFIG_EXAMPLE.trim().trim_start_matches("```yaml").trim_end_matches("```");
        let cfg = crate::lint::LintConfig::from_text("docs", yaml).unwrap();
        assert!(cfg.disabled.contains("cpu-limit-missing"));
        assert_eq!(cfg.ignores[0].namespace.as_deref(), Some("storage"));
    }
}
