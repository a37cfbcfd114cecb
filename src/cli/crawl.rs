//! `snowcat crawl --once`: one crawl of one account into the catalog, with a progress line on a terminal
//! and a summary (table or JSON). Exit 0 complete, 3 partial, 1 failed, 2 usage.
//!
//! Owns the flags and the printing; the crawl itself is `crate::crawl::crawl`. With --config the account's
//! `[accounts.auth]` method authenticates (unless --token-file is given) and `[log] level` sets the stderr
//! log filter (RUST_LOG overrides it). Must not print a token.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Duration;

use clap::{Args, ValueEnum};
use tokio_util::sync::CancellationToken;

use super::connection::{ConnectionArgs, ConnectionSettings};
use super::{Outcome, UsageError};
use crate::catalog::RunStatus;
use crate::config::LogFormat;
use crate::crawl::{CrawlOptions, GrantSource, Progress, ProgressSnapshot, RunReport};
use crate::sqlapi::{Client, ClientConfig};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Table,
    Json,
}

#[derive(Debug, Args)]
pub struct CrawlArgs {
    /// Crawl once and exit (the scheduled daemon is `snowcat run`).
    #[arg(long)]
    pub once: bool,
    /// A snowcat config file: the account's role, warehouse, filters and options come from it (flags win).
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// With --config: which `[[accounts]]` entry (default: the only one).
    #[arg(long = "account-name")]
    pub account_name: Option<String>,
    /// The catalog file (default: `catalog.path` of --config, else ./snowcat.db).
    #[arg(long)]
    pub catalog: Option<PathBuf>,
    /// Output format of the summary.
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
    /// Statements in flight at once.
    #[arg(long)]
    pub concurrency: Option<usize>,
    /// Databases to crawl (SQL LIKE, case-insensitive). Repeatable.
    #[arg(long = "include-database")]
    pub include_databases: Vec<String>,
    /// Databases to skip (SQL LIKE). Repeatable.
    #[arg(long = "exclude-database")]
    pub exclude_databases: Vec<String>,
    /// Schemas to skip (`SCHEMA` or `DB.SCHEMA`, SQL LIKE). Repeatable.
    #[arg(long = "exclude-schema")]
    pub exclude_schemas: Vec<String>,
    /// Read grants from SNOWFLAKE.ACCOUNT_USAGE (constant statements, up to 2 h behind).
    #[arg(long)]
    pub grants_from_account_usage: bool,
    #[command(flatten)]
    pub connection: ConnectionArgs,
}

/// A one-line progress display on stderr, redrawn with `\r`.
struct Bar {
    last: Mutex<std::time::Instant>,
}

impl Progress for Bar {
    fn update(&self, s: &ProgressSnapshot) {
        let mut last = self.last.lock().unwrap_or_else(|p| p.into_inner());
        if last.elapsed() < Duration::from_millis(100) && s.statements_done < s.statements_planned {
            return;
        }
        *last = std::time::Instant::now();
        let mut err = std::io::stderr().lock();
        let _ = write!(
            err,
            "\rcrawling: {}/{} statements, {} objects, {:.0}s   ",
            s.statements_done,
            s.statements_planned.max(s.statements_done),
            s.objects,
            s.elapsed.as_secs_f64()
        );
        let _ = err.flush();
    }
}

pub async fn run(args: CrawlArgs) -> anyhow::Result<Outcome> {
    if !args.once {
        return Err(UsageError("pass --once (the scheduled daemon is `snowcat run`)".into()).into());
    }
    let mut settings = args.connection.settings();
    let mut opts = CrawlOptions::default();
    let mut catalog = args.catalog.clone();
    let mut account_label = None;
    let mut configured_auth = None;
    let mut log = (LogFormat::Auto, "warn".to_string());
    if let Some(path) = &args.config {
        let cfg = crate::config::load(path).map_err(|e| UsageError(e.to_string()))?;
        log = (cfg.log.format, cfg.log.level.clone());
        let acct = match &args.account_name {
            Some(n) => cfg.accounts.iter().find(|a| &a.name == n),
            None if cfg.accounts.len() == 1 => cfg.accounts.first(),
            None => None,
        }
        .ok_or_else(|| UsageError("pick an account of the config with --account-name NAME".into()))?;
        opts = CrawlOptions::from_account_config(acct);
        settings = settings.overlay(ConnectionSettings {
            account: acct.account.clone(),
            url: acct.url.clone(),
            role: acct.role.clone(),
            warehouse: acct.warehouse.clone(),
            ..Default::default()
        });
        catalog = catalog.or(Some(cfg.catalog.path.clone()));
        account_label = Some(acct.name.clone());
        // The account's `[accounts.auth]` method, unless a token file is given on the command line.
        if settings.token_file.is_none() && !acct.auth.methods().is_empty() {
            configured_auth = Some(acct.clone());
        }
    }
    // Logs go to stderr: `[log] level` of --config (else warnings only); RUST_LOG overrides either.
    crate::logging::init(log.0, &log.1)?;
    opts.role = settings.role.clone();
    opts.warehouse = settings.warehouse.clone();
    if let Some(c) = args.concurrency {
        if c == 0 {
            return Err(UsageError("--concurrency must be at least 1".into()).into());
        }
        opts.concurrency = c;
    }
    opts.filters.include_databases.extend(args.include_databases.iter().cloned());
    opts.filters.exclude_databases.extend(args.exclude_databases.iter().cloned());
    opts.filters.exclude_schemas.extend(args.exclude_schemas.iter().cloned());
    if args.grants_from_account_usage {
        opts.grant_source = GrantSource::AccountUsage;
    }
    let client = match &configured_auth {
        Some(acct) => {
            let setup = crate::auth::build(acct).map_err(|e| UsageError(e.to_string()))?;
            let builder = match (setup.base_url.as_ref().or(settings.url.as_ref()), &settings.account) {
                (Some(url), _) => Client::for_url(url, setup.tokens),
                (None, Some(id)) => Client::for_account(id, setup.tokens),
                (None, None) => {
                    return Err(UsageError("the account has neither `account` nor `url`".into()).into());
                }
            }
            .map_err(|e| UsageError(e.to_string()))?;
            builder.config(crate::cli::run::crawler::client_config(acct)).build()?
        }
        None => settings.client(ClientConfig::default())?,
    };
    let account = account_label
        .or_else(|| settings.account.clone())
        .or_else(|| settings.url.clone())
        .unwrap_or_else(|| "default".into());
    let catalog = catalog.unwrap_or_else(|| PathBuf::from("snowcat.db"));
    let cancel = CancellationToken::new();
    let on_signal = cancel.clone();
    // Ctrl-C at a terminal, SIGTERM from a scheduler (a Kubernetes CronJob, systemd): cancel the statements
    // in flight on Snowflake and record the run as cancelled, rather than die with them running.
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    tokio::spawn(async move {
        tokio::select! {
            r = tokio::signal::ctrl_c() => if r.is_err() { return },
            _ = term.recv() => {}
        }
        on_signal.cancel();
    });
    let terminal = std::io::stderr().is_terminal();
    let bar = Bar { last: Mutex::new(std::time::Instant::now()) };
    let none = crate::crawl::NoProgress;
    let progress: &dyn Progress = if terminal { &bar } else { &none };
    let report = crate::crawl::crawl(&client, &catalog, &account, &opts, progress, cancel).await?;
    if terminal {
        eprintln!();
    }
    print(&report, args.format)?;
    match report.status {
        RunStatus::Complete => Ok(Outcome::Success),
        RunStatus::Partial => Ok(Outcome::Partial),
        RunStatus::Failed | RunStatus::Cancelled => Err(anyhow::anyhow!(
            "crawl {}: {}",
            report.status.as_str(),
            report.error.as_deref().unwrap_or("no detail")
        )),
    }
}

fn print(report: &RunReport, format: Format) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    match format {
        Format::Json => writeln!(out, "{}", serde_json::to_string_pretty(report)?)?,
        Format::Table => write!(out, "{}", report.render_text())?,
    }
    Ok(())
}
