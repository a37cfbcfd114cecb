//! `snowcat mcp --config FILE [--account NAME]`: the Model Context Protocol server on stdio, for AI agents
//! (Claude Desktop, Claude Code, VS Code, ...). Logs go to stderr only; stdout carries the protocol. Exits
//! when the client closes stdin.
//!
//! Wiring only: picks the account, builds the live tools' client from its `[accounts.auth]` and the
//! catalog source from `[catalog]`, then hands over to `crate::mcp`. `snowcat run` builds its `/mcp`
//! transport with the same [`server`] and [`http_routes`].

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use clap::Args;
use secrecy::SecretString;
use tokio_util::sync::CancellationToken;

use super::run::crawler;
use super::{Outcome, UsageError};
use crate::config::{self, Config};
use crate::mcp::{McpOptions, McpServer, http};
use crate::metrics::Metrics;
use crate::serve::ExtraRoutes;
use crate::tools::catalog::CatalogSource;
use crate::tools::query::Live;

/// Arguments of `snowcat mcp`.
#[derive(Debug, Args)]
pub struct McpArgs {
    /// Config file (default: $SNOWCAT_CONFIG, else /etc/snowcat/snowcat.toml).
    #[arg(long, short = 'c', value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// The [[accounts]] entry to serve (default: [mcp] account, else the only one).
    #[arg(long, value_name = "NAME")]
    pub account: Option<String>,
    /// Let snowflake_execute_query run any statement, writes and several at once included (default:
    /// one read-only statement).
    #[arg(long)]
    pub allow_write: bool,
    /// Serve the catalog tools only: no live Snowflake tools, no Snowflake credentials used.
    #[arg(long)]
    pub catalog_only: bool,
}

/// The MCP server for `cfg`: the account named (or `[mcp] account`, or the only one), live tools unless
/// `catalog_only`, client events counted in `metrics`.
pub(crate) fn server(
    cfg: &Config,
    account: Option<&str>,
    allow_write: bool,
    catalog_only: bool,
    metrics: Arc<Metrics>,
) -> anyhow::Result<McpServer> {
    let names: Vec<&str> = cfg.accounts.iter().map(|a| a.name.as_str()).collect();
    let acct = match account.or(cfg.mcp.account.as_deref()) {
        Some(n) => cfg.accounts.iter().find(|a| a.name == n).ok_or_else(|| {
            UsageError(format!("no [[accounts]] entry is named {n:?} (there are: {})", names.join(", ")))
        })?,
        None => match cfg.accounts.as_slice() {
            [one] => one,
            _ => {
                return Err(UsageError(format!(
                    "pick an account with --account NAME or [mcp] account: {}",
                    names.join(", ")
                ))
                .into());
            }
        },
    };
    let live = if catalog_only {
        None
    } else {
        let setup = crate::auth::build_with_metrics(acct, Some(metrics.clone()))
            .map_err(|e| UsageError(e.to_string()))?;
        let client = crawler::client_for(acct, setup.tokens, setup.base_url.as_deref(), metrics)
            .map_err(|e| UsageError(format!("account {}: {e}", acct.name)))?;
        Some(Live {
            client,
            role: acct.role.clone(),
            warehouse: acct.warehouse.clone(),
            allow_write,
            wait: cfg.mcp.statement_wait,
        })
    };
    let catalog = CatalogSource { path: cfg.catalog.path.clone(), default_account: Some(acct.name.clone()) };
    Ok(McpServer::new(McpOptions { live, catalog }))
}

/// The `/mcp` routes of `snowcat run` when `[mcp] http` is on, for a server listening on `bound`.
pub(crate) fn http_routes(
    cfg: &Config,
    bound: SocketAddr,
    metrics: Arc<Metrics>,
    shutdown: CancellationToken,
) -> anyhow::Result<Option<ExtraRoutes>> {
    let mcp = &cfg.mcp;
    if !mcp.http {
        return Ok(None);
    }
    let token = match &mcp.bearer_token_file {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| UsageError(format!("mcp.bearer_token_file {}: {e}", path.display())))?;
            if text.trim().is_empty() {
                return Err(UsageError(format!("mcp.bearer_token_file {} is empty", path.display())).into());
            }
            Some(SecretString::from(text.trim().to_string()))
        }
        None if bound.ip().is_loopback() => None,
        None => {
            return Err(UsageError(format!(
                "mcp.bearer_token_file is required: /mcp would listen on {bound}"
            ))
            .into());
        }
    };
    let server = server(cfg, None, mcp.allow_write, mcp.catalog_only, metrics)?;
    let access = http::Access {
        token,
        allowed_origins: mcp.allowed_origins.clone(),
        loopback: bound.ip().is_loopback(),
    };
    let router = http::router(server, access, cfg.http.max_body_bytes, shutdown);
    Ok(Some(ExtraRoutes { router, answer_within: mcp.statement_wait }))
}

/// Serve MCP on stdio until the client closes stdin.
pub async fn run(args: McpArgs) -> anyhow::Result<Outcome> {
    let path = config::resolve_path(args.config.as_deref());
    let cfg = super::run::load_config(&path)?;
    // stdout is the protocol channel: every log line goes to stderr.
    crate::logging::init(cfg.log.format, &cfg.log.level)?;
    let metrics = Metrics::new().context("metrics registry")?;
    let allow_write = args.allow_write || cfg.mcp.allow_write;
    let catalog_only = args.catalog_only || cfg.mcp.catalog_only;
    let server = server(&cfg, args.account.as_deref(), allow_write, catalog_only, metrics)?;
    tracing::info!(
        config = %path.display(),
        tools = server.tools().len(),
        read_only = !allow_write,
        catalog_only,
        "serving MCP on stdio"
    );
    server.serve_stdio().await?;
    tracing::info!("stdin closed; MCP session over");
    Ok(Outcome::Success)
}
