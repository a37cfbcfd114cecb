//! `snowcat validate [--config FILE]`: load the config exactly as `snowcat run` would and print every
//! problem, each naming its key and bad value. Exit 0 when valid, 2 otherwise (for `ExecStartPre`).
//!
//! Must not open connections, bind ports or touch the catalog.

use std::path::PathBuf;

use anyhow::Result;
use clap::Args;

use super::{Outcome, UsageError};
use crate::config::{self, ConfigError};

/// Arguments of `snowcat validate`.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Config file (default: $SNOWCAT_CONFIG, else /etc/snowcat/snowcat.toml).
    #[arg(long, short = 'c', value_name = "FILE")]
    pub config: Option<PathBuf>,
}

/// Validate and report.
pub fn run(args: ValidateArgs) -> Result<Outcome> {
    let path = config::resolve_path(args.config.as_deref());
    match config::load(&path) {
        Ok(cfg) => {
            println!("{}: valid ({} account(s))", path.display(), cfg.accounts.len());
            Ok(Outcome::Success)
        }
        Err(ConfigError::Invalid(problems)) => {
            for p in &problems {
                println!("{p}");
            }
            Err(UsageError(format!("{}: {} problem(s)", path.display(), problems.len())).into())
        }
        Err(e) => Err(UsageError(e.to_string()).into()),
    }
}
