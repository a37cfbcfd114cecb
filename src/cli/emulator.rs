//! `snowcat emulator`: the emulator crate's own command line (`snowflake_emulator::cli`), with its usage
//! errors mapped to snowcat's exit code 2. Built only with the `emulator` feature.

use snowflake_emulator::cli::{CliError, EmulatorArgs};

use super::{Outcome, UsageError};

pub async fn run(args: EmulatorArgs) -> anyhow::Result<Outcome> {
    match snowflake_emulator::cli::run(args).await {
        Ok(()) => Ok(Outcome::Success),
        Err(CliError::Usage(msg)) => Err(UsageError(msg).into()),
        Err(err) => Err(err.into()),
    }
}
