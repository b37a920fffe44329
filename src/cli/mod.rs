//! Command-line definition and dispatch; each subcommand is a thin module over the library.

mod audit;
mod generate;
mod lint;
mod shell;
mod validate;

use chartwright::diag::{self, ColorChoice};
use clap::{Parser, Subcommand};

/// Turn Kubernetes manifests into Helm charts, and keep charts honest.
#[derive(Debug, Parser)]
#[command(name = "chartwright", version, about, max_term_width = 100)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
    /// When to color text output (auto: on a terminal, unless NO_COLOR is set).
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Generate a parameterized Helm chart from loose manifests.
    Generate(generate::Args),
    /// Check values files against a chart's values.schema.json exactly as Helm would.
    Validate(validate::Args),
    /// Check chart dependencies and images against a deny-list of dead sources.
    Audit(audit::Args),
    /// Catch production failures in manifests (probes, PDBs, resources, APIs, wiring).
    Lint(lint::Args),
    /// Print a shell completion script (bash, zsh, fish, powershell).
    Completions(shell::CompletionsArgs),
    /// Print the man page, or write one page per command into a directory.
    Man(shell::ManArgs),
}

/// Runs the chosen subcommand; returns the exit code.
pub fn run(cli: Cli) -> anyhow::Result<u8> {
    diag::set_color(cli.color);
    match cli.command {
        Command::Generate(a) => generate::run(a),
        Command::Validate(a) => validate::run(a),
        Command::Audit(a) => audit::run(a),
        Command::Lint(a) => lint::run(a),
        Command::Completions(a) => shell::completions(a),
        Command::Man(a) => shell::man(a),
    }
}

/// Writes to stdout, turning a closed pipe into an error the caller can recognise.
pub fn print_out(s: &str) -> anyhow::Result<()> {
    use std::io::Write as _;
    let mut out = std::io::stdout().lock();
    out.write_all(s.as_bytes())?;
    out.flush()?;
    Ok(())
}
