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

/// Set when the process started with standard output closed.
static STDOUT_CLOSED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Notes whether the process started with standard output closed. Rust's runtime puts
/// `/dev/null` on a closed standard descriptor before `main`, which would make the report
/// vanish without an error; this runs earlier, as an ELF constructor, while the descriptor is
/// still closed. (A `> /dev/null` the user asked for is not affected.)
extern "C" fn note_closed_stdout() {
    // SAFETY: F_GETFD only reads the descriptor's flags; nothing else of the process is used.
    if unsafe { libc::fcntl(libc::STDOUT_FILENO, libc::F_GETFD) } == -1 {
        STDOUT_CLOSED.store(true, std::sync::atomic::Ordering::SeqCst);
    }
}

#[used]
#[unsafe(link_section = ".init_array")]
static NOTE_CLOSED_STDOUT: extern "C" fn() = note_closed_stdout;

/// Writes a report to stdout. A report that cannot be written is an error (exit 2), whether
/// stdout is closed, full or a pipe nobody reads: CI must never take a lost report for a
/// clean run.
pub fn print_out(s: &str) -> anyhow::Result<()> {
    use std::io::Write as _;
    if STDOUT_CLOSED.load(std::sync::atomic::Ordering::SeqCst) {
        anyhow::bail!("cannot write the report: standard output is closed");
    }
    let mut out = std::io::stdout().lock();
    out.write_all(s.as_bytes()).and_then(|()| out.flush()).map_err(|e| {
        let why = match e.kind() {
            std::io::ErrorKind::BrokenPipe => "the reading end of the pipe is closed".to_string(),
            std::io::ErrorKind::StorageFull => "no space left on device".to_string(),
            _ => {
                let s = e.to_string();
                s.split(" (os error").next().unwrap_or(&s).to_lowercase()
            }
        };
        anyhow::anyhow!("cannot write the report to standard output: {why}")
    })
}
