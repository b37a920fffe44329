//! `chartwright lint`.

use std::path::{Path, PathBuf};

use chartwright::diag::{self, FailOn, Format, Group};
use chartwright::lint::{self, LintConfig};
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
        crate::cli::print_out(&lint::docs::rule_list(a.format))?;
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
    eprint!("{}", lint::output::load_errors(&loaded));
    if loaded.objects.is_empty() && loaded.invalid.is_empty() && !a.allow_empty {
        let inputs: Vec<String> = a
            .inputs
            .iter()
            .map(|p| if p.as_os_str() == "-" { "<stdin>".to_string() } else { p.display().to_string() })
            .collect();
        anyhow::bail!("no Kubernetes objects in {} (--allow-empty accepts that)", inputs.join(", "));
    }
    let report = lint::lint(&loaded, &cfg);
    let code_scanning = matches!(a.format, Format::Github | Format::Sarif);
    let output =
        lint::output::output(&report, &loaded, &cfg, a.fail_on, code_scanning.then_some(a.chart_root.as_deref()));
    let out = diag::render(a.format, &output, a.format == Format::Text && diag::color_wanted());
    crate::cli::print_out(&out)?;
    if !loaded.invalid.is_empty() {
        return Ok(2);
    }
    Ok(u8::from(lint::output::failed(&report, a.fail_on)))
}

fn unknown_rule(id: &str) -> anyhow::Error {
    anyhow::anyhow!("unknown rule `{id}` (chartwright lint --list-rules lists them)")
}

fn load_config(explicit: Option<&Path>) -> Result<LintConfig, lint::ConfigError> {
    if let Some(p) = explicit {
        return LintConfig::from_file(p);
    }
    let default = Path::new(".chartwright.yaml");
    if default.is_file() { LintConfig::from_file(default) } else { Ok(LintConfig::default()) }
}
