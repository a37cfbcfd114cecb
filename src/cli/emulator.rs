//! `snowcat emulator`: serve the Snowflake SQL API v2 emulator until SIGTERM/SIGINT.

use clap::Args;

use super::Outcome;

#[derive(Debug, Args)]
pub struct EmulatorArgs {}

pub async fn run(_args: EmulatorArgs) -> anyhow::Result<Outcome> {
    anyhow::bail!("the emulator is not built yet")
}
