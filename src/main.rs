//! The `snowcat` binary: parse the command line, hand over to `snowcat::cli`, map the outcome to an exit code.
//!
//! Exit codes: 0 success, 1 failure, 2 usage or configuration error, 3 partial result (a crawl that could not
//! see every scope). Nothing else lives here.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = snowcat::cli::Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(err) => {
            eprintln!("error: cannot start the async runtime: {err}");
            return ExitCode::from(1);
        }
    };
    match runtime.block_on(snowcat::cli::run(cli)) {
        Ok(outcome) => ExitCode::from(outcome.code()),
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(snowcat::cli::exit_code_for(&err))
        }
    }
}
