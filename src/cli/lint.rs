//! `chartwright lint`.

/// Arguments of `lint`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `lint`.
pub fn run(_a: Args) -> anyhow::Result<u8> {
    anyhow::bail!("`lint` is not implemented yet")
}
