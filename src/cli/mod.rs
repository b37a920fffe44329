//! Command-line definition and dispatch; each subcommand is a thin module over the library.

mod generate;

use clap::{Parser, Subcommand};

/// Turn Kubernetes manifests into Helm charts, and keep charts honest.
#[derive(Debug, Parser)]
#[command(name = "chartwright", version, about, max_term_width = 100)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Generate a parameterized Helm chart from loose manifests.
    Generate(generate::Args),
}

/// Runs the chosen subcommand; returns the exit code.
pub fn run(cli: Cli) -> anyhow::Result<u8> {
    match cli.command {
        Command::Generate(a) => generate::run(a),
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
