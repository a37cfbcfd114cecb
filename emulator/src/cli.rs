//! The command line of the emulator, shared by its own binary (`snowflake-emulator`) and `snowcat emulator`:
//! load the account (DDL files, a generated account, or the built-in sample), start the server, print the
//! base URL alone on the first stdout line once it accepts connections, and serve until SIGTERM/SIGINT.
//!
//! Owns the flags and their errors; no protocol logic lives here.

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::Args;

use crate::Emulator;
use crate::handle::StartError;
use crate::model::{Account, GenerateSpec};

/// The flags of `snowflake-emulator` and `snowcat emulator`.
#[derive(Debug, Args)]
pub struct EmulatorArgs {
    /// DDL files that build the account, run in order (default: the built-in sample account).
    #[arg(long = "account", value_name = "FILE.sql")]
    pub accounts: Vec<PathBuf>,
    /// Generate a large account instead: DATABASESxSCHEMASxTABLESxCOLUMNS, e.g. 20x25x200x20.
    #[arg(long, value_name = "DxSxTxC", conflicts_with = "accounts")]
    pub generate: Option<GenerateSpec>,
    /// With --generate: add this many database roles (spread over the databases, granted privileges and
    /// to account roles), e.g. 200 for the access benchmark.
    #[arg(long, value_name = "N", default_value_t = 0, requires = "generate")]
    pub generate_database_roles: usize,
    /// With --generate: add this many masking policies, each attached to a text column.
    #[arg(long, value_name = "M", default_value_t = 0, requires = "generate")]
    pub generate_masking_policies: usize,
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

/// Why serving from the command line stopped.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// The flags or the files they name are wrong (exit code 2).
    #[error("{0}")]
    Usage(String),
    /// The built-in sample account does not load (a bug).
    #[error("the built-in sample account does not load: {0}")]
    Sample(crate::model::LoadError),
    /// The server could not start.
    #[error("cannot start the emulator: {0}")]
    Start(#[from] StartError),
    /// Stdout or the signal handlers failed.
    #[error("{what}: {source}")]
    Io { what: &'static str, source: std::io::Error },
}

fn parse_duration(s: &str) -> Result<Duration, String> {
    humantime::parse_duration(s).map_err(|e| e.to_string())
}

/// Serve as the flags say until SIGTERM or SIGINT.
pub async fn run(args: EmulatorArgs) -> Result<(), CliError> {
    if !args.listen.ip().is_loopback() && !args.allow_non_loopback {
        return Err(CliError::Usage(format!(
            "--listen {} is not a loopback address; the emulator accepts any token by default. \
             Pass --allow-non-loopback to do it anyway.",
            args.listen
        )));
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
    let handle = builder.start().await?;
    let io = |source| CliError::Io { what: "cannot write to stdout", source };
    {
        let mut out = std::io::stdout().lock();
        writeln!(out, "{}", handle.base_url()).map_err(io)?;
        out.flush().map_err(io)?;
    }
    wait_for_signal().await?;
    handle.shutdown().await;
    Ok(())
}

fn load_account(args: &EmulatorArgs) -> Result<Account, CliError> {
    if let Some(spec) = args.generate {
        let mut account = Account::generate(spec);
        let access = crate::generate_access::AccessSpec {
            database_roles: args.generate_database_roles,
            masking_policies: args.generate_masking_policies,
        };
        crate::generate_access::add_access(&mut account, access);
        return Ok(account);
    }
    if args.accounts.is_empty() {
        return Account::from_sql(crate::sample_sql()).map_err(CliError::Sample);
    }
    let mut files = Vec::new();
    for path in &args.accounts {
        let text = std::fs::read_to_string(path)
            .map_err(|e| CliError::Usage(format!("cannot read --account {}: {e}", path.display())))?;
        files.push((path, text));
    }
    let script = files.iter().map(|(_, t)| t.as_str()).collect::<Vec<_>>().join("\n;\n");
    Account::from_sql(&script).map_err(|e| {
        let file = files
            .iter()
            .find(|(_, t)| t.contains(e.snippet.trim()))
            .map_or_else(|| "one of the --account files".to_string(), |(p, _)| p.display().to_string());
        CliError::Usage(format!("cannot load the account from {file}: {e}"))
    })
}

async fn wait_for_signal() -> Result<(), CliError> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut term = signal(SignalKind::terminate())
        .map_err(|source| CliError::Io { what: "cannot listen for SIGTERM", source })?;
    tokio::select! {
        _ = term.recv() => {}
        res = tokio::signal::ctrl_c() => {
            res.map_err(|source| CliError::Io { what: "cannot listen for SIGINT", source })?;
        }
    }
    Ok(())
}
