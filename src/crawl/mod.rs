//! The crawler: plans the metadata statements for an account, runs them with bounded concurrency through
//! `sqlapi`, maps rows to typed objects and feeds the catalog scope by scope. Must not touch SQLite directly.
//!
//! Entry point: [`crawl`]. Layout: `plan` (account-level statements), `plan_db` (per database), `keys`
//! (constraints), `plan_usage` (ACCOUNT_USAGE grants), `exec` (concurrency, tags, errors), `map` (rows ->
//! objects), `sink` (the catalog writer thread), `vanish` (databases/schemas gone since the last run: a drop
//! or a revoked grant), `vanish_tables` (the same for tables and views), `filters`, `report`, `statements`
//! (SQL text), `identity` (the account's name, asked of Snowflake when the caller has none), `plan_kinds` +
//! `statements_kinds` (views' definitions, dynamic tables, streams, tasks, pipes, stages, functions,
//! procedures, sequences).

mod ctx;
pub mod exec;
pub mod filters;
pub mod identity;
pub mod incremental;
mod keys;
pub mod map;
pub mod options;
mod plan;
mod plan_access;
mod plan_db;
mod plan_kinds;
mod plan_usage;
pub mod report;
pub mod sink;
pub mod statements;
pub mod statements_access;
pub mod statements_kinds;
mod vanish;
mod vanish_tables;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::atomic::Ordering;

use futures_util::StreamExt;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

pub use filters::Filters;
pub use options::{CrawlError, CrawlOptions, GrantSource, NoProgress, Progress, ProgressSnapshot};
pub use report::{CoverageGap, RunReport};

use crate::catalog::{ObjectKind, RunCounts, RunStatus, ScopeKey, ScopeOutcome};
use crate::sqlapi::{Client, Totals};
use ctx::Ctx;
use exec::{Exec, ExecConfig, Failure};
use plan_db::DbCoverage;

/// Crawl `account` through `client` into the catalog at `catalog_path`: one run, committed atomically.
///
/// Statement failures do not make this an error: they become ledgered scopes and the run ends `partial`
/// (or `failed` when authentication fails or the database listing itself fails). Cancelling `cancel` ends
/// the run `cancelled` without touching the last complete snapshot. `Err` only when the catalog cannot be
/// written.
pub async fn crawl(
    client: &Client,
    catalog_path: &Path,
    account: &str,
    opts: &CrawlOptions,
    progress: &dyn Progress,
    cancel: CancellationToken,
) -> Result<RunReport, CrawlError> {
    let started = Instant::now();
    // The previous state is read before the run begins, so the run being written is never part of it.
    let (previous, (mode, mode_reason, incremental)) = {
        let (path, acc, o) = (catalog_path.to_path_buf(), account.to_string(), opts.clone());
        tokio::task::spawn_blocking(move || -> Result<_, CrawlError> {
            let mut previous = vanish::load(&path, &acc)?;
            let hints = std::mem::take(&mut previous.hints);
            Ok((previous, incremental::load(&path, &acc, &o, hints)?))
        })
        .await
        .map_err(|e| CrawlError::Writer(format!("reading the previous run failed: {e}")))??
    };
    let sink = sink::Sink::open(
        catalog_path.to_path_buf(),
        account.to_string(),
        16,
        mode,
        opts.sensitive_tags.clone(),
    )
    .await?;
    let run_tag = opts.run_tag.clone().unwrap_or_else(|| uuid::Uuid::now_v7().to_string());
    let cfg = ExecConfig {
        role: opts.role.clone(),
        warehouse: opts.warehouse.clone(),
        run_tag,
        concurrency: opts.concurrency,
        statement_timeout: opts.statement_timeout,
        deadline: opts.deadline,
    };
    // This run's own tally of bytes and retries, alongside whatever observer the client already has.
    let totals = std::sync::Arc::new(Totals::default());
    let exec = Exec::new(client.with_observer(totals.clone()), cfg, cancel, progress);
    let kinds = &opts.filters.kinds;
    let pipeline = ObjectKind::PIPELINE.iter().filter(|k| opts.filters.pipeline(**k)).count() as u64;
    exec.plan(
        1 + u64::from(kinds.warehouses)
            + u64::from(kinds.grants)
            + 3 * u64::from(kinds.constraints)
            + pipeline
            + 2 * u64::from(kinds.policies)
            + u64::from(kinds.tags)
            + u64::from(kinds.tag_references),
    );
    let mut ctx = Ctx::new(&exec, &sink, opts, previous);
    ctx.incremental = incremental;
    let body = run_plan(&ctx).await;
    let gaps = std::mem::take(&mut *ctx.gaps.lock().unwrap_or_else(|p| p.into_inner()));
    let objects = std::mem::take(&mut *ctx.counts.lock().unwrap_or_else(|p| p.into_inner()));
    drop(ctx);
    let db_failure = body?;
    let tally = totals.snapshot();
    let counts = RunCounts {
        statements: exec.statements.load(Ordering::Relaxed),
        rows: exec.rows.load(Ordering::Relaxed),
        retries: tally.retries,
        bytes_received: tally.bytes,
    };
    let mut report = RunReport {
        run_id: Some(sink.run_id),
        status: RunStatus::Complete,
        mode,
        mode_reason: mode_reason.to_string(),
        error: None,
        never_authenticated: false,
        objects,
        changes: BTreeMap::new(),
        changes_by_kind: BTreeMap::new(),
        statements: counts.statements,
        retries: tally.retries,
        retries_by_reason: tally.retries_by_reason.iter().map(|(r, n)| (r.to_string(), *n)).collect(),
        bytes_received: tally.bytes,
        bytes_decoded: tally.decoded_bytes,
        rows: counts.rows,
        duration: std::time::Duration::ZERO,
        gaps,
    };
    let stop = if exec.cancelled_by_caller() {
        Some((RunStatus::Cancelled, "cancelled".to_string()))
    } else if let Some(e) = exec.fatal_error() {
        report.never_authenticated = exec.answered.load(Ordering::Relaxed) == 0;
        Some((RunStatus::Failed, e))
    } else {
        db_failure.map(|f| {
            let msg = match f.outcome().error() {
                Some((c, m)) => format!("SHOW DATABASES failed: {c} {m}"),
                None => "SHOW DATABASES failed".to_string(),
            };
            (RunStatus::Failed, msg)
        })
    };
    if let Some((status, error)) = stop {
        sink.abort(status, error.clone()).await?;
        report.status = status;
        report.error = Some(error);
    } else {
        report.status =
            if report.missing().next().is_some() { RunStatus::Partial } else { RunStatus::Complete };
        let summary = sink.commit(report.status, counts).await?;
        for ((kind, change, severity), n) in summary.changes {
            *report.changes.entry(severity).or_default() += n;
            *report.changes_by_kind.entry(format!("{kind}/{}", change.as_str())).or_default() += n;
        }
    }
    report.duration = started.elapsed();
    progress.update(&exec.snapshot());
    Ok(report)
}

/// The whole plan; `Ok(Some(failure))` when the database listing failed.
async fn run_plan(ctx: &Ctx<'_>) -> Result<Option<Failure>, CrawlError> {
    let kinds = &ctx.opts.filters.kinds;
    let (dbs, wh, gr, keys, pipeline, access) = tokio::join!(
        databases(ctx),
        async { if kinds.warehouses { plan::warehouses(ctx).await } else { Ok(()) } },
        async { if kinds.grants { plan::grants(ctx).await } else { Ok(()) } },
        async { if kinds.constraints { keys::list_account(ctx).await.map(Some) } else { Ok(None) } },
        plan_kinds::list_account(ctx),
        plan_access::account(ctx),
    );
    access?;
    wh?;
    gr?;
    let keys = keys?;
    let pipeline = pipeline?;
    let coverage = match dbs? {
        Ok(c) => c,
        Err(f) => return Ok(Some(f)),
    };
    if let Some(listed) = keys {
        keys::record(ctx, listed, &coverage).await?;
    }
    plan_kinds::record(ctx, pipeline, &coverage).await?;
    plan_access::database_roles(ctx, coverage.keys().cloned().collect()).await?;
    Ok(None)
}

/// SHOW DATABASES, then every crawled database's contents, a few at a time.
async fn databases(ctx: &Ctx<'_>) -> Result<Result<BTreeMap<String, DbCoverage>, Failure>, CrawlError> {
    let names = match plan::databases(ctx).await? {
        Ok(n) => n,
        Err(f) => return Ok(Err(f)),
    };
    let mut crawled = Vec::new();
    for db in names {
        if ctx.opts.filters.database(&db) {
            crawled.push(db);
        } else {
            let scope = ScopeKey::Schemas { database: db.clone() };
            ctx.finish(&scope, ScopeOutcome::Filtered, None).await?;
        }
    }
    let roles = u64::from(ctx.opts.filters.kinds.database_roles);
    ctx.exec.plan((3 + roles) * crawled.len() as u64);
    let width = ctx.opts.concurrency.max(1) * 2;
    let mut tasks = futures_util::stream::iter(crawled.into_iter().map(|db| async move {
        let cov = plan_db::crawl_database(ctx, &db).await;
        cov.map(|c| (db, c))
    }))
    .buffer_unordered(width);
    let mut coverage = BTreeMap::new();
    while let Some(r) = tasks.next().await {
        let (db, cov) = r?;
        coverage.insert(db, cov);
    }
    Ok(Ok(coverage))
}
