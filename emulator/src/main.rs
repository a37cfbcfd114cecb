//! The `snowflake-emulator` binary: serve a Snowflake SQL API v2 emulator on loopback until SIGTERM/SIGINT.
//!
//! Prints the base URL alone on the first stdout line. Exit codes: 0 after a signal, 1 when the server fails,
//! 2 for bad flags or account files. The same command is `snowcat emulator`.

use std::process::ExitCode;

use clap::Parser;
use snowflake_emulator::cli::{CliError, EmulatorArgs};

/// Serve a Snowflake SQL API v2 emulator over an in-memory account (tests, benchmarks, demos).
#[derive(Debug, Parser)]
#[command(name = "snowflake-emulator", version, about)]
struct Cli {
    #[command(flatten)]
    args: EmulatorArgs,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(err) => {
            eprintln!("error: cannot start the async runtime: {err}");
            return ExitCode::from(1);
        }
    };
    match runtime.block_on(snowflake_emulator::cli::run(cli.args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::from(if matches!(err, CliError::Usage(_)) { 2 } else { 1 })
        }
    }
}
