//! `snowcat crawl --once`: one crawl of one account into the catalog, with a progress line on a terminal
//! and a summary (table or JSON). Exit 0 complete, 3 partial, 1 failed, 2 usage.
//!
//! Owns the flags, the account's name (the config's `name`, --account, else asked of Snowflake) and the
//! printing; the crawl itself is `crate::crawl::crawl`. With --config the account's `[accounts.auth]`
//! method authenticates (unless --token-file is given) and `[log] level` sets the stderr log filter
//! (RUST_LOG overrides it). A crawl that never authenticated says only what failed and what to fix. Must
//! not print a token.

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
use crate::sqlapi::{Client, ClientConfig, SqlApiError};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Table,
    Json,
}

#[derive(Debug, Args)]
#[command(after_help = "The catalog records the account under the `name` of its --config entry; else under \
--account; else under the name Snowflake gives, asked once per crawl: CURRENT_ORGANIZATION_NAME()-\
CURRENT_ACCOUNT_NAME() in lower case (CURRENT_ACCOUNT(), the locator, when either is empty). So crawls \
through different URLs (a proxy, another port) of one account share one history. The summary's first \
line names it. Histories recorded under another name move with `snowcat rename-account OLD NEW`.")]
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
    /// Read every table's columns, even when an incremental run would do (a full reconcile; runs are
    /// otherwise full only on the first run, after one that did not complete, after a catalog upgrade and
    /// every `full_every_hours`).
    #[arg(long)]
    pub full: bool,
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
    let mut fix = None;
    let mut log = (LogFormat::Auto, "warn".to_string());
    if let Some(path) = &args.config {
        let cfg = crate::config::load(path).map_err(|e| UsageError(e.to_string()))?;
        log = (cfg.log.format, cfg.log.level.clone());
        let index = match &args.account_name {
            Some(n) => cfg.accounts.iter().position(|a| &a.name == n),
            None if cfg.accounts.len() == 1 => Some(0),
            None => None,
        }
        .ok_or_else(|| UsageError("pick an account of the config with --account-name NAME".into()))?;
        let acct = &cfg.accounts[index];
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
            fix = Some(crate::auth::hint::config_fix(
                &acct.auth,
                &format!("accounts[{index}].auth"),
                &acct.name,
            ));
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
    opts.full = args.full;
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
    let fix = fix.unwrap_or_else(|| settings.token_fix());
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
    let (account, named_by) = match (account_label, settings.account.clone()) {
        (Some(name), _) => (name, "the config's `name`"),
        (None, Some(id)) => (id, "--account"),
        (None, None) => {
            let name = ask_account_name(&client, &opts, &fix, cancel.clone()).await?;
            adopt_url_history(&catalog, settings.url.as_deref(), &name)?;
            (name, "Snowflake's CURRENT_ORGANIZATION_NAME()-CURRENT_ACCOUNT_NAME()")
        }
    };
    let terminal = std::io::stderr().is_terminal();
    let bar = Bar { last: Mutex::new(std::time::Instant::now()) };
    let none = crate::crawl::NoProgress;
    let progress: &dyn Progress = if terminal { &bar } else { &none };
    let report = crate::crawl::crawl(&client, &catalog, &account, &opts, progress, cancel).await?;
    if terminal {
        eprintln!();
    }
    if report.never_authenticated && args.format == Format::Table {
        // What failed, its code, and what to do: nothing else happened to report.
        return Err(not_authenticated(
            report.error.as_deref().unwrap_or("authentication failed"),
            report.run_id,
            &fix,
        ));
    }
    print(&report, &account, named_by, args.format)?;
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

/// The account's name from Snowflake, when neither --config nor --account gave one.
async fn ask_account_name(
    client: &Client,
    opts: &CrawlOptions,
    fix: &str,
    cancel: CancellationToken,
) -> anyhow::Result<String> {
    let (role, warehouse) = (opts.role.as_deref(), opts.warehouse.as_deref());
    match crate::crawl::identity::ask_account_name(client, role, warehouse, opts.statement_timeout, cancel)
        .await
    {
        Ok(name) => Ok(name),
        Err(e @ (SqlApiError::Auth { .. } | SqlApiError::Token { .. })) => {
            Err(not_authenticated(&e.to_string(), None, fix))
        }
        Err(e) => Err(anyhow::anyhow!(
            "cannot ask Snowflake which account this is (pass --account NAME to name it yourself): {e}"
        )),
    }
}

/// A crawl whose credentials were refused before anything ran: two lines, the error with its code and
/// the fix.
fn not_authenticated(error: &str, run_id: Option<i64>, fix: &str) -> anyhow::Error {
    let run = run_id.map(|r| format!(" (run {r})")).unwrap_or_default();
    anyhow::anyhow!("crawl failed{run}, not authenticated: {}\nfix: {fix}", error.replace('\n', " "))
}

/// Crawls without --account used to record the account under the URL they reached it through. When the
/// catalog holds such a history for this very URL and none under the name Snowflake gives, it becomes that
/// account's history (other URL-named histories are renamed with `snowcat rename-account`).
fn adopt_url_history(catalog: &std::path::Path, url: Option<&str>, name: &str) -> anyhow::Result<()> {
    let Some(url) = url else { return Ok(()) };
    if !catalog.exists() {
        return Ok(());
    }
    let mut cat = crate::catalog::Catalog::open(catalog)?;
    let names = cat.account_names()?;
    if names.iter().any(|n| n == url) && !names.iter().any(|n| n == name) {
        cat.rename_account(url, name)?;
        eprintln!("the history recorded under {url} is now account {name} (the name Snowflake gives)");
    }
    Ok(())
}

/// The summary with the account it was recorded under, and where that name came from.
#[derive(serde::Serialize)]
struct Summary<'a> {
    account: &'a str,
    account_named_by: &'a str,
    #[serde(flatten)]
    report: &'a RunReport,
}

fn print(report: &RunReport, account: &str, named_by: &str, format: Format) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    match format {
        Format::Json => {
            let summary = Summary { account, account_named_by: named_by, report };
            writeln!(out, "{}", serde_json::to_string_pretty(&summary)?)?
        }
        Format::Table => write!(out, "account: {account} (named by {named_by})\n{}", report.render_text())?,
    }
    Ok(())
}
