//! The real crawler behind `snowcat run`: builds a SQL API client from an account's config (token source
//! from `auth::build_with_metrics`, kept across runs while the account's auth config is unchanged), runs `crawl::crawl` into the catalog, then maps the run into a daemon
//! [`RunReport`]: the run's change rows (from the catalog) as [`ChangeEvent`]s, current objects by kind,
//! scopes not visible. Client events become Prometheus metrics through [`MetricsObserver`]. Applies the
//! catalog's retention after each committed run.
//!
//! Glue only: must not plan statements, parse SQL API responses or write the catalog itself.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use crate::catalog::query::ChangeFilter;
use crate::catalog::{Catalog, RunStatus as CatalogStatus};
use crate::config::AccountConfig;
use crate::crawl::{self, CrawlOptions, NoProgress};
use crate::daemon::{AccountCrawler, ChangeEvent, CrawlFuture, RunContext, RunReport, Transfer};
use crate::metrics::{Metrics, RunStatus};
use crate::sqlapi::{Client, ClientConfig, Observer, StatementReport, TokenSource};

/// Crawls accounts into one catalog file.
pub struct CatalogCrawler {
    /// The catalog file (`[catalog] path`).
    catalog_path: PathBuf,
    /// `[retention] keep_days` (0 keeps everything).
    keep_days: u32,
    /// Per account: the auth-relevant config and the token source built from it (OAuth caches tokens).
    sources: Mutex<HashMap<String, CachedSource>>,
}

/// What a token source depends on: rebuilt when any of it changes on reload.
type AuthKey = (crate::config::AuthConfig, Option<String>, Option<String>);

/// A token source with the config it was built from and the proxy base URL it needs, if any.
type CachedSource = (AuthKey, Arc<dyn TokenSource>, Option<String>);

impl AccountCrawler for CatalogCrawler {
    fn crawl(&self, ctx: RunContext) -> CrawlFuture<'_> {
        Box::pin(self.run(ctx))
    }
}

impl CatalogCrawler {
    /// A crawler writing to `catalog_path`, pruning runs older than `keep_days` (0: never).
    pub fn new(catalog_path: PathBuf, keep_days: u32) -> Self {
        Self { catalog_path, keep_days, sources: Mutex::new(HashMap::new()) }
    }

    /// The account's token source (and proxy base URL), reused while its auth config is unchanged.
    fn tokens(
        &self,
        account: &AccountConfig,
        metrics: &Arc<Metrics>,
    ) -> Result<(Arc<dyn TokenSource>, Option<String>), String> {
        let key: AuthKey = (account.auth.clone(), account.account.clone(), account.url.clone());
        let mut sources = self.sources.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((k, tokens, base)) = sources.get(&account.name)
            && *k == key
        {
            return Ok((tokens.clone(), base.clone()));
        }
        let setup =
            crate::auth::build_with_metrics(account, Some(metrics.clone())).map_err(|e| e.to_string())?;
        sources.insert(account.name.clone(), (key, setup.tokens.clone(), setup.base_url.clone()));
        Ok((setup.tokens, setup.base_url))
    }

    async fn run(&self, ctx: RunContext) -> RunReport {
        let account = ctx.account.name.clone();
        let client = match self
            .tokens(&ctx.account, &ctx.metrics)
            .and_then(|(tokens, base)| client_for(&ctx.account, tokens, base.as_deref(), ctx.metrics.clone()))
        {
            Ok(c) => c,
            Err(e) => return RunReport::failed(e),
        };
        let mut opts = CrawlOptions::from_account_config(&ctx.account);
        opts.run_tag = Some(ctx.run_id.to_string());
        let report =
            match crawl::crawl(&client, &self.catalog_path, &account, &opts, &NoProgress, ctx.cancel.clone())
                .await
            {
                Ok(r) => r,
                Err(e) => return RunReport::failed(e.to_string()),
            };
        ctx.metrics.run_mode(&account, report.mode.as_str());
        let status = match report.status {
            CatalogStatus::Complete => RunStatus::Success,
            CatalogStatus::Partial => RunStatus::Partial,
            CatalogStatus::Cancelled => RunStatus::Cancelled,
            _ => RunStatus::Failed,
        };
        let mut out = RunReport::with_status(status);
        out.error = report.error.clone();
        out.scopes_not_visible = report.missing().count() as u64;
        out.transfer = Transfer {
            statements: report.statements,
            retries: report.retries,
            bytes_received: report.bytes_received,
        };
        if matches!(status, RunStatus::Success | RunStatus::Partial) {
            let path = self.catalog_path.clone();
            let keep_days = self.keep_days;
            let run_id = report.run_id;
            let uuid = ctx.run_id;
            let name = account.clone();
            let read =
                tokio::task::spawn_blocking(move || after_commit(&path, &name, run_id, uuid, keep_days));
            match read.await {
                Ok(Ok((changes, objects))) => {
                    out.changes = changes;
                    out.objects = objects;
                }
                Ok(Err(e)) => tracing::warn!(error = %e, "could not read the run's changes from the catalog"),
                Err(e) => tracing::warn!(error = %e, "catalog read task failed"),
            }
        }
        if let Ok(meta) = tokio::fs::metadata(&self.catalog_path).await {
            ctx.metrics.catalog_size(meta.len());
        }
        out
    }
}

/// The run's change events and the current object count per kind.
type AfterCommit = (Vec<ChangeEvent>, Vec<(&'static str, u64)>);

/// Read the committed run's changes and current object counts, then apply retention.
fn after_commit(
    path: &std::path::Path,
    account: &str,
    run_id: Option<i64>,
    uuid: uuid::Uuid,
    keep_days: u32,
) -> Result<AfterCommit, crate::catalog::CatalogError> {
    let mut catalog = Catalog::open(path)?;
    let mut changes = Vec::new();
    if let Some(run_id) = run_id {
        let filter = ChangeFilter {
            account: Some(account.to_string()),
            from: Some(run_id - 1),
            to: Some(run_id),
            ..ChangeFilter::default()
        };
        let grantees = grantees(&catalog, run_id)?;
        for row in catalog.changes(&filter)? {
            changes.push(ChangeEvent {
                run_id: uuid,
                account: account.to_string(),
                grantee: grantees.get(&row.change_id).cloned(),
                kind: row.object_kind,
                change: row.change,
                object_key: row.object_name,
                field: row.field,
                before: row.before.map(json_or_text),
                after: row.after.map(json_or_text),
                severity: row.severity,
            });
        }
    }
    let objects = current_objects(&catalog, account)?;
    if keep_days > 0 {
        let pruned = catalog.prune(keep_days, false)?;
        if pruned.runs > 0 {
            tracing::info!(runs = pruned.runs, keep_days, "retention pruned old runs");
        }
    }
    Ok((changes, objects))
}

/// Current objects per kind for `account` (every kind, zero included, so gauges drop to 0).
fn current_objects(
    catalog: &Catalog,
    account: &str,
) -> Result<Vec<(&'static str, u64)>, crate::catalog::CatalogError> {
    let mut stmt = catalog.connection().prepare(
        "SELECT v.kind, count(*) FROM versions v JOIN accounts a ON a.id = v.account_id
         WHERE a.name = ?1 AND v.end_run IS NULL GROUP BY v.kind",
    )?;
    let counted: Vec<(String, i64)> =
        stmt.query_map([account], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?;
    Ok(crate::catalog::ObjectKind::ALL
        .into_iter()
        .map(|k| {
            let n = counted.iter().find(|(name, _)| name == k.as_str()).map(|(_, n)| *n).unwrap_or(0);
            (k.as_str(), u64::try_from(n).unwrap_or(0))
        })
        .collect())
}

fn json_or_text(s: String) -> serde_json::Value {
    serde_json::from_str(&s).unwrap_or(serde_json::Value::String(s))
}

/// The grantee of each grant-like change of `run_id`, by change id (grant: p2, role membership: p3,
/// future grant: p5, as laid out in the catalog's `changes_v`).
fn grantees(
    catalog: &Catalog,
    run_id: i64,
) -> Result<std::collections::HashMap<i64, String>, crate::catalog::CatalogError> {
    let mut stmt = catalog.connection().prepare(
        "SELECT id, CASE kind WHEN 'grant' THEN p2 WHEN 'role_membership' THEN p3 ELSE p5 END
         FROM changes WHERE run_id = ?1 AND kind IN ('grant', 'role_membership', 'future_grant')",
    )?;
    let rows = stmt.query_map([run_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A client for `account` with `tokens`, at `base_url` when the auth transport proxies the API (else the
/// account's URL or identifier), reporting to `metrics`.
pub fn client_for(
    account: &AccountConfig,
    tokens: Arc<dyn TokenSource>,
    base_url: Option<&str>,
    metrics: Arc<Metrics>,
) -> Result<Client, String> {
    let builder = match (base_url.or(account.url.as_deref()), &account.account) {
        (Some(url), _) => Client::for_url(url, tokens),
        (None, Some(id)) => Client::for_account(id, tokens),
        (None, None) => return Err("the account has neither `account` nor `url`".to_string()),
    }
    .map_err(|e| e.to_string())?;
    let observer = Arc::new(MetricsObserver { metrics, account: account.name.clone() });
    builder.config(client_config(account)).observer(observer).build().map_err(|e| e.to_string())
}

/// The SQL API client settings an `[[accounts]]` entry asks for (retry limits); the rest are defaults.
pub fn client_config(account: &AccountConfig) -> ClientConfig {
    ClientConfig {
        max_retries: account.max_retries,
        retry_budget: account.retry_budget,
        ..ClientConfig::default()
    }
}

/// Feeds SQL API client events into Prometheus, labelled by account.
pub struct MetricsObserver {
    metrics: Arc<Metrics>,
    account: String,
}

impl Observer for MetricsObserver {
    fn http_status(&self, _phase: crate::sqlapi::Phase, status: u16) {
        self.metrics.http_response(&self.account, status);
    }

    fn retry(&self, _phase: crate::sqlapi::Phase, reason: crate::sqlapi::RetryReason) {
        self.metrics.retry(&self.account, reason.as_str());
    }

    fn statement_finished(&self, report: &StatementReport) {
        let kind = label(&report.kind);
        let outcome = label(&report.outcome);
        self.metrics.statement_finished(&self.account, kind, outcome, report.duration);
        self.metrics.received(&self.account, report.rows, report.bytes);
    }
}

/// Labels come from our own code (statement phases, outcome labels), but keep them bounded anyway: at most
/// 64 distinct short lowercase values are interned; anything else is `other`.
fn label(value: &str) -> &'static str {
    static SEEN: Mutex<Option<HashSet<&'static str>>> = Mutex::new(None);
    let ok = !value.is_empty()
        && value.len() <= 32
        && value.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if !ok {
        return "other";
    }
    let mut seen = SEEN.lock().unwrap_or_else(|e| e.into_inner());
    let seen = seen.get_or_insert_with(HashSet::new);
    if let Some(s) = seen.get(value) {
        return s;
    }
    if seen.len() >= 64 {
        return "other";
    }
    let leaked: &'static str = Box::leak(value.to_string().into_boxed_str());
    seen.insert(leaked);
    leaked
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_stay_bounded() {
        assert_eq!(label("show_databases"), "show_databases");
        assert_eq!(label("DROP TABLE x"), "other");
        assert_eq!(label(""), "other");
    }
}
