//! `chartwright completions` and `chartwright man`, both written from the clap definitions so
//! that they list exactly the flags the binary accepts.

use std::path::PathBuf;

use anyhow::Context as _;
use clap::CommandFactory as _;

/// Arguments of `completions`.
#[derive(Debug, clap::Args)]
pub struct CompletionsArgs {
    /// The shell to write a completion script for.
    #[arg(value_enum)]
    shell: clap_complete::Shell,
}

/// Arguments of `man`.
#[derive(Debug, clap::Args)]
pub struct ManArgs {
    /// Write chartwright.1 and chartwright-<command>.1 here instead of printing chartwright.1.
    #[arg(long, value_name = "DIR")]
    dir: Option<PathBuf>,
}

/// Prints the completion script on stdout.
pub fn completions(a: CompletionsArgs) -> anyhow::Result<u8> {
    let mut cmd = super::Cli::command();
    let mut buf = Vec::new();
    clap_complete::generate(a.shell, &mut cmd, "chartwright", &mut buf);
    super::print_out(&String::from_utf8_lossy(&buf))?;
    Ok(0)
}

/// Prints the top-level man page, or writes every page into `--dir`.
pub fn man(a: ManArgs) -> anyhow::Result<u8> {
    let cmd = super::Cli::command();
    let Some(dir) = a.dir else {
        let mut buf = Vec::new();
        clap_mangen::Man::new(cmd).render(&mut buf)?;
        super::print_out(&String::from_utf8_lossy(&buf))?;
        return Ok(0);
    };
    std::fs::create_dir_all(&dir).with_context(|| format!("{}: cannot create the directory", dir.display()))?;
    clap_mangen::generate_to(cmd, &dir).with_context(|| format!("{}: cannot write the man pages", dir.display()))?;
    Ok(0)
}
