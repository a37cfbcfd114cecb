//! `snowcat emulator`: serve the Snowflake SQL API v2 emulator until SIGTERM/SIGINT.
//!
//! Loads the account (DDL files, a generated account, or the built-in sample), starts the server, prints the
//! base URL alone on the first stdout line once it accepts connections, and exits 0 on a signal. No protocol
//! logic lives here.

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;
use clap::Args;

use super::{Outcome, UsageError};
use crate::emulator::Emulator;
use crate::emulator::model::{Account, GenerateSpec};

#[derive(Debug, Args)]
pub struct EmulatorArgs {
    /// DDL files that build the account, run in order (default: the built-in sample account).
    #[arg(long = "account", value_name = "FILE.sql")]
    pub accounts: Vec<PathBuf>,
    /// Generate a large account instead: DATABASESxSCHEMASxTABLESxCOLUMNS, e.g. 20x25x200x20.
    #[arg(long, value_name = "DxSxTxC", conflicts_with = "accounts")]
    pub generate: Option<GenerateSpec>,
    /// Address to listen on; port 0 picks a free port.
    #[arg(long, default_value = "127.0.0.1:0")]
    pub listen: SocketAddr,
    /// Listen on a non-loopback address even though the emulator has no real security.
    #[arg(long)]
    pub allow_non_loopback: bool,
    /// Rows per result partition.
    #[arg(long, default_value_t = 10_000)]
    pub partition_rows: usize,
    /// Accept only this bearer token (default: any non-empty token).
    #[arg(long, env = "SNOWCAT_EMULATOR_TOKEN", hide_env_values = true)]
    pub token: Option<String>,
    /// How long a synchronous POST waits before answering 202, e.g. 45s or 0s.
    #[arg(long, value_parser = parse_duration, default_value = "45s")]
    pub sync_threshold: Duration,
    /// Role statements run as when the request names none.
    #[arg(long, default_value = "ACCOUNTADMIN")]
    pub default_role: String,
}

fn parse_duration(s: &str) -> Result<Duration, String> {
    humantime_serde::re::humantime::parse_duration(s).map_err(|e| e.to_string())
}

pub async fn run(args: EmulatorArgs) -> anyhow::Result<Outcome> {
    if !args.listen.ip().is_loopback() && !args.allow_non_loopback {
        return Err(UsageError(format!(
            "--listen {} is not a loopback address; the emulator accepts any token by default. \
             Pass --allow-non-loopback to do it anyway.",
            args.listen
        ))
        .into());
    }
    let account = load_account(&args)?;
    let mut builder = Emulator::builder(account)
        .listen(args.listen)
        .partition_rows(args.partition_rows)
        .sync_threshold(args.sync_threshold)
        .default_role(args.default_role.clone());
    if let Some(token) = &args.token {
        builder = builder.token(token.clone());
    }
    let handle = builder.start().await.context("cannot start the emulator")?;
    {
        let mut out = std::io::stdout().lock();
        writeln!(out, "{}", handle.base_url()).context("cannot write to stdout")?;
        out.flush().context("cannot write to stdout")?;
    }
    wait_for_signal().await?;
    handle.shutdown().await;
    Ok(Outcome::Success)
}

fn load_account(args: &EmulatorArgs) -> anyhow::Result<Account> {
    if let Some(spec) = args.generate {
        return Ok(Account::generate(spec));
    }
    if args.accounts.is_empty() {
        return Account::from_sql(crate::emulator::sample_sql())
            .map_err(|e| anyhow::anyhow!("the built-in sample account does not load: {e}"));
    }
    let mut files = Vec::new();
    for path in &args.accounts {
        let text = std::fs::read_to_string(path)
            .map_err(|e| UsageError(format!("cannot read --account {}: {e}", path.display())))?;
        files.push((path, text));
    }
    let script = files.iter().map(|(_, t)| t.as_str()).collect::<Vec<_>>().join("\n;\n");
    Account::from_sql(&script).map_err(|e| {
        let file = files
            .iter()
            .find(|(_, t)| t.contains(e.snippet.trim()))
            .map_or_else(|| "one of the --account files".to_string(), |(p, _)| p.display().to_string());
        UsageError(format!("cannot load the account from {file}: {e}")).into()
    })
}

async fn wait_for_signal() -> anyhow::Result<()> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut term = signal(SignalKind::terminate()).context("cannot listen for SIGTERM")?;
    tokio::select! {
        _ = term.recv() => {}
        res = tokio::signal::ctrl_c() => res.context("cannot listen for SIGINT")?,
    }
    Ok(())
}
