//! `snowcat run [--config FILE] [--log-format auto|text|json]`: the long-running service. Loads and
//! validates the config before binding anything, starts logging, the metrics/health server (with `/mcp`
//! when `[mcp] http` is on), signal handling, SIGHUP reloads and the scheduler, and exits 0 after a
//! graceful shutdown.
//!
//! Wiring only: the crawl goes through `daemon::AccountCrawler`, here the real crawler over the catalog
//! ([`crawler::CatalogCrawler`]); [`prepare_catalog`] opens and migrates the catalog before anything runs.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use clap::Args;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

pub(crate) mod crawler;

pub use crawler::CatalogCrawler;

use super::{Outcome, UsageError};
use crate::config::{self, Config, ConfigError, LogFormat};
use crate::daemon::{self, DaemonDeps};
use crate::metrics::Metrics;
use crate::serve::{self, HttpLimits, Readiness, ServeState};

/// Arguments of `snowcat run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Config file (default: $SNOWCAT_CONFIG, else /etc/snowcat/snowcat.toml).
    #[arg(long, short = 'c', value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Log format; overrides `[log] format`. `auto` is text on a terminal, JSON otherwise.
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub log_format: Option<LogFormat>,
}

/// Open the catalog (creating it if needed) and migrate it to the current schema.
pub fn prepare_catalog(path: &Path) -> Result<(), String> {
    crate::catalog::Catalog::open(path).map(|_| ()).map_err(|e| e.to_string())
}

/// Load and validate the config at `path`; every problem goes to stderr and makes a usage error (exit 2).
pub(crate) fn load_config(path: &Path) -> Result<Config> {
    match config::load(path) {
        Ok(cfg) => Ok(cfg),
        Err(ConfigError::Invalid(problems)) => {
            for p in &problems {
                eprintln!("config: {p}");
            }
            Err(UsageError(format!("{}: {} problem(s); nothing started", path.display(), problems.len()))
                .into())
        }
        Err(e) => Err(UsageError(e.to_string()).into()),
    }
}

/// Run the daemon until SIGTERM/SIGINT.
pub async fn run(args: RunArgs) -> Result<Outcome> {
    let path = config::resolve_path(args.config.as_deref());
    let cfg = load_config(&path)?;
    crate::logging::init(args.log_format.unwrap_or(cfg.log.format), &cfg.log.level)?;
    let addr: SocketAddr = cfg.http.listen.parse().context("http.listen")?;
    let listener = serve::bind(addr).await?;
    let bound = listener.local_addr().unwrap_or(addr);

    let metrics = Metrics::new()?;
    let readiness = Arc::new(Readiness::default());
    readiness.set_config_valid(true);
    let catalog_state = prepare_catalog(&cfg.catalog.path);
    if let Err(e) = &catalog_state {
        tracing::error!(error = %e, "catalog not ready");
    }
    readiness.set_catalog(catalog_state);

    let shutdown = CancellationToken::new();
    let server_stop = CancellationToken::new();
    let (reload_tx, reload_rx) = mpsc::channel(1);
    let (config_tx, config_rx) = mpsc::channel(1);
    daemon::shutdown::spawn_signal_handler(shutdown.clone(), reload_tx)
        .context("installing signal handlers")?;
    tokio::spawn(daemon::reload::reload_task(
        path.clone(),
        cfg.clone(),
        reload_rx,
        config_tx,
        metrics.clone(),
    ));
    tokio::spawn(watch_catalog_size(cfg.catalog.path.clone(), metrics.clone(), server_stop.clone()));
    let state = ServeState { metrics: metrics.clone(), readiness: readiness.clone() };
    let mcp = super::mcp::http_routes(&cfg, bound, metrics.clone(), server_stop.clone())?;
    if mcp.is_some() {
        tracing::info!(
            path = crate::mcp::http::PATH,
            read_only = !cfg.mcp.allow_write,
            "serving MCP over HTTP"
        );
    }
    let limits = HttpLimits::from_config(&cfg.http);
    let server = tokio::spawn(serve::serve_with(listener, state, limits, mcp, server_stop.clone()));
    tracing::info!(listen = %bound, config = %path.display(), "serving /metrics, /healthz, /readyz");

    let crawler = CatalogCrawler::new(cfg.catalog.path.clone(), cfg.retention.keep_days);
    let deps = DaemonDeps { crawler: Arc::new(crawler), metrics, readiness };
    let exit = daemon::run(cfg, deps, shutdown, config_rx).await;
    server_stop.cancel();
    match tokio::time::timeout(Duration::from_secs(2), server).await {
        Ok(Ok(Err(e))) => tracing::warn!(error = %e, "HTTP server ended with an error"),
        Err(_) => tracing::warn!("HTTP server did not stop within 2 s"),
        _ => {}
    }
    if exit.abandoned_runs > 0 {
        // Do not let the runtime wait for abandoned blocking work beyond the grace period.
        tracing::warn!(abandoned = exit.abandoned_runs, "exiting with runs abandoned");
        std::process::exit(0);
    }
    tracing::info!("stopped");
    Ok(Outcome::Success)
}

async fn watch_catalog_size(path: PathBuf, metrics: Arc<Metrics>, stop: CancellationToken) {
    loop {
        if let Ok(meta) = tokio::fs::metadata(&path).await {
            metrics.catalog_size(meta.len());
        }
        tokio::select! {
            () = stop.cancelled() => return,
            () = tokio::time::sleep(Duration::from_secs(30)) => {}
        }
    }
}
