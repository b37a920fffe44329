//! The `chartwright` binary: parses arguments, runs a subcommand, maps the outcome to an exit
//! code (0 clean, 1 findings, 2 bad invocation or bad input).

use std::process::ExitCode;

use clap::{CommandFactory as _, FromArgMatches as _};

mod cli;

fn main() -> ExitCode {
    // One line instead of a backtrace; the library turns the panics it can expect into errors.
    std::panic::set_hook(Box::new(|info| {
        let loc = info.location().map(|l| format!(" at {}:{}", l.file(), l.line())).unwrap_or_default();
        eprintln!("chartwright: internal error{loc}; please report it");
    }));
    // clap writes help and usage errors before `--color` is parsed, so it gets the flag first.
    // args_os: a file name need not be UTF-8, and `args` would panic on one.
    let color = clap_color(std::env::args_os().skip(1).map(|a| a.to_string_lossy().into_owned()));
    let parsed = cli::Cli::command().color(color).try_get_matches().and_then(|m| cli::Cli::from_arg_matches(&m));
    let args = match parsed {
        Ok(a) => a,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match cli::run(args) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("chartwright: error: {e:#}");
            ExitCode::from(2)
        }
    }
}

/// The `--color` flag as clap's own choice, read ahead of parsing; `auto` when absent or bad.
fn clap_color(args: impl Iterator<Item = String>) -> clap::ColorChoice {
    let mut value = None;
    let mut args = args.take_while(|a| a != "--");
    while let Some(a) = args.next() {
        if a == "--color" {
            value = args.next();
        } else if let Some(v) = a.strip_prefix("--color=") {
            value = Some(v.to_string());
        }
    }
    match value.as_deref() {
        Some("always") => clap::ColorChoice::Always,
        Some("never") => clap::ColorChoice::Never,
        _ => clap::ColorChoice::Auto,
    }
}
