//! `chartwright generate`.

use std::path::PathBuf;

use chartwright::diag::{self, Group};
use chartwright::generate::{self, Options, SecretsMode};
use chartwright::manifest;

/// Arguments of `generate`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Manifest files or directories (walked recursively), or `-` for stdin.
    #[arg(required = true, value_name = "INPUT")]
    inputs: Vec<PathBuf>,
    /// Chart name (lower case, digits and dashes).
    #[arg(long)]
    name: String,
    /// Output directory [default: ./<NAME>].
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// Chart version.
    #[arg(long, default_value = "0.1.0")]
    chart_version: String,
    /// Application version [default: the main image's tag].
    #[arg(long)]
    app_version: Option<String>,
    /// Keep Secret values out of values.yaml (placeholder) or copy them in (inline).
    #[arg(long, value_enum, default_value_t = SecretsMode::Placeholder)]
    secrets: SecretsMode,
    /// Replace an existing non-empty output directory.
    #[arg(long)]
    force: bool,
    /// Directory with overrides of chartwright's own templates (Chart.yaml.tera, ...).
    #[arg(long, value_name = "DIR")]
    templates: Option<PathBuf>,
}

/// Runs `generate`.
pub fn run(a: Args) -> anyhow::Result<u8> {
    let loaded = match manifest::load_inputs(&a.inputs) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("chartwright: error: {e}");
            return Ok(2);
        }
    };
    let warnings = Group { name: "generate".into(), diagnostics: loaded.warnings.clone() };
    eprint!("{}", diag::render_text(&[warnings], &loaded.sources, false));
    let opts = Options {
        name: a.name.clone(),
        chart_version: a.chart_version,
        app_version: a.app_version,
        secrets: a.secrets,
        templates: a.templates,
    };
    let chart = match generate::generate(&loaded, &opts) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("chartwright: error: {e}");
            return Ok(2);
        }
    };
    for n in &chart.notes {
        eprintln!("note: {n}");
    }
    let out = a.output.unwrap_or_else(|| PathBuf::from(&a.name));
    if let Err(e) = generate::write_chart(&chart, &out, a.force) {
        eprintln!("chartwright: error: {e}");
        return Ok(2);
    }
    eprintln!("wrote chart {} ({} files) to {}", a.name, chart.files.len(), out.display());
    Ok(0)
}
