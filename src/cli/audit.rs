//! `chartwright audit`.

/// Arguments of `audit`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `audit`.
pub fn run(_a: Args) -> anyhow::Result<u8> {
    anyhow::bail!("`audit` is not implemented yet")
}
