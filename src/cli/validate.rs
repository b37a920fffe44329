//! `chartwright validate`.

/// Arguments of `validate`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `validate`.
pub fn run(_a: Args) -> anyhow::Result<u8> {
    anyhow::bail!("`validate` is not implemented yet")
}
