//! The run loop: each account's runs are fired by tokio-cron-scheduler one-shot jobs ([`super::cron`]),
//! runs are spawned into one `TaskTracker`, never two runs of one account at once (a due run that finds
//! the previous one still going is skipped and counted), config reloads disarm the old jobs and arm new
//! ones without touching runs in flight, shutdown stops the scheduler, cancels runs and waits a grace
//! period.
//!
//! Must not know what a crawl does (that is the [`AccountCrawler`]'s job) nor how signals arrive.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use chrono::Utc;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use tracing::Instrument;
use uuid::Uuid;

use super::crawler::{AccountCrawler, RunContext};
use super::cron::{self, Armed, CronDriver};
use super::feed::ChangeFeed;
use super::schedule::Schedule;
use crate::config::{AccountConfig, Config};
use crate::config::{CHANGE_KINDS, SEVERITIES};
use crate::metrics::{Metrics, RunStatus};
use crate::serve::Readiness;

/// What the daemon needs from the outside.
#[derive(Clone)]
pub struct DaemonDeps {
    /// Runs one crawl.
    pub crawler: Arc<dyn AccountCrawler>,
    /// Where run metrics go.
    pub metrics: Arc<Metrics>,
    /// Where run outcomes are reported for `/readyz`.
    pub readiness: Arc<Readiness>,
}

/// How the daemon ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DaemonExit {
    /// Runs still going when the grace period ran out (0 for a clean stop).
    pub abandoned_runs: usize,
    /// Set when the job scheduler could not start (nothing was scheduled).
    pub scheduler_error: Option<String>,
}

/// Per-account state that survives reloads.
#[derive(Default)]
struct Slot {
    running: AtomicBool,
    started_once: AtomicBool,
}

/// Clears the running flag when a run ends, even by panic.
struct RunningGuard(Arc<Slot>);

impl Drop for RunningGuard {
    fn drop(&mut self) {
        self.0.running.store(false, Ordering::SeqCst);
    }
}

struct Shared {
    deps: DaemonDeps,
    runs: TaskTracker,
    shutdown: CancellationToken,
    slots: std::sync::Mutex<HashMap<String, Arc<Slot>>>,
}

impl Shared {
    fn slot(&self, name: &str) -> Arc<Slot> {
        let mut slots = self.slots.lock().unwrap_or_else(|e| e.into_inner());
        slots.entry(name.to_string()).or_default().clone()
    }
}

/// The staleness `/readyz` uses for an account: `[http] stale_after`, else twice its schedule's gap + 5 min.
pub fn stale_after(config: &Config, schedule: &Schedule) -> Duration {
    config.http.stale_after.unwrap_or_else(|| {
        let gap = schedule.typical_gap(Utc::now()).unwrap_or(Duration::from_secs(86_400));
        gap.saturating_mul(2) + Duration::from_secs(300)
    })
}

/// Run the daemon until `shutdown` is cancelled; apply each config received on `reloads` (already
/// validated). Returns after in-flight runs ended or `[daemon] shutdown_grace` passed.
pub async fn run(
    config: Config,
    deps: DaemonDeps,
    shutdown: CancellationToken,
    mut reloads: mpsc::Receiver<Config>,
) -> DaemonExit {
    let shared = Arc::new(Shared {
        deps,
        runs: TaskTracker::new(),
        shutdown: shutdown.clone(),
        slots: std::sync::Mutex::new(HashMap::new()),
    });
    let driver = match CronDriver::start().await {
        Ok(d) => d,
        Err(e) => {
            tracing::error!(error = %e, "cannot schedule runs");
            return DaemonExit { abandoned_runs: 0, scheduler_error: Some(e.to_string()) };
        }
    };
    let mut current = config;
    let mut loops = start_loops(&shared, &driver, &current);
    tracing::info!(accounts = current.accounts.len(), "daemon started");
    loop {
        tokio::select! {
            () = shutdown.cancelled() => break,
            next = reloads.recv() => {
                let Some(next) = next else {
                    // No more reloads can come; keep running until shutdown.
                    shutdown.cancelled().await;
                    break;
                };
                loops.stop().await;
                current = next;
                loops = start_loops(&shared, &driver, &current);
                tracing::info!(accounts = current.accounts.len(), "configuration reloaded");
            }
        }
    }
    loops.stop().await;
    driver.shutdown().await;
    shared.runs.close();
    let grace = current.daemon.shutdown_grace;
    tracing::info!(
        in_flight = shared.runs.len(),
        grace_s = grace.as_secs_f64(),
        "shutting down: waiting for runs"
    );
    if tokio::time::timeout(grace, shared.runs.wait()).await.is_ok() {
        tracing::info!("all runs ended; stopped");
        DaemonExit { abandoned_runs: 0, scheduler_error: None }
    } else {
        let abandoned = shared.runs.len();
        tracing::warn!(abandoned, "grace period over; abandoning runs still going");
        DaemonExit { abandoned_runs: abandoned, scheduler_error: None }
    }
}

struct Loops {
    armed: Arc<Armed>,
}

impl Loops {
    async fn stop(&self) {
        self.armed.disarm().await;
    }
}

fn start_loops(shared: &Arc<Shared>, driver: &CronDriver, config: &Config) -> Loops {
    let token = shared.shutdown.child_token();
    let armed = driver.generation(token);
    let feed = match ChangeFeed::new(&config.notifications, shared.deps.metrics.clone()) {
        Ok(f) => Some(Arc::new(f)),
        Err(e) => {
            tracing::error!(error = %e, "change feed disabled");
            None
        }
    };
    let mut ready = Vec::new();
    let now = Utc::now();
    for account in &config.accounts {
        let schedule = match Schedule::for_account(account) {
            Ok(s) => s,
            Err(e) => {
                // Validation rejects this before we get here; never crash the daemon for it.
                tracing::error!(account = %account.name, error = %e, "account not scheduled");
                continue;
            }
        };
        ready.push((account.name.clone(), stale_after(config, &schedule)));
        shared.deps.metrics.init_account(&account.name);
        let ctx = Arc::new(LoopCtx { shared: shared.clone(), account: account.clone(), feed: feed.clone() });
        let slot = shared.slot(&account.name);
        let first_time = !slot.started_once.swap(true, Ordering::SeqCst);
        if account.run_at_start && first_time {
            try_start(&ctx, &slot);
        }
        let fire: cron::Fire = Arc::new(move || try_start(&ctx, &slot));
        tokio::spawn(cron::arm(armed.clone(), account.name.clone(), schedule, now, fire));
    }
    shared.deps.readiness.set_accounts(&ready, Utc::now());
    shared.deps.readiness.set_config_valid(true);
    Loops { armed }
}

struct LoopCtx {
    shared: Arc<Shared>,
    account: AccountConfig,
    feed: Option<Arc<ChangeFeed>>,
}

fn try_start(ctx: &LoopCtx, slot: &Arc<Slot>) {
    let name = &ctx.account.name;
    let metrics = &ctx.shared.deps.metrics;
    if slot.running.compare_exchange(false, true, Ordering::SeqCst, Ordering::SeqCst).is_err() {
        metrics.run_skipped(name);
        tracing::warn!(account = %name, "previous run still going; this run is skipped");
        return;
    }
    let guard = RunningGuard(slot.clone());
    let run_id = Uuid::now_v7();
    let run_ctx = RunContext {
        run_id,
        account: ctx.account.clone(),
        cancel: ctx.shared.shutdown.child_token(),
        metrics: metrics.clone(),
    };
    let shared = ctx.shared.clone();
    let feed = ctx.feed.clone();
    let span = tracing::info_span!("run", account = %name, run_id = %run_id);
    ctx.shared.runs.spawn(
        async move {
            let _guard = guard;
            run_one(shared, feed, run_ctx).await;
        }
        .instrument(span),
    );
}

fn bounded(value: &str, allowed: &[&'static str]) -> &'static str {
    allowed.iter().copied().find(|a| *a == value).unwrap_or("other")
}

async fn run_one(shared: Arc<Shared>, feed: Option<Arc<ChangeFeed>>, ctx: RunContext) {
    let account = ctx.account.name.clone();
    let run_id = ctx.run_id;
    let metrics = shared.deps.metrics.clone();
    tracing::info!("run started");
    let started = Instant::now();
    let report = shared.deps.crawler.crawl(ctx).await;
    let finished = Utc::now();
    let elapsed = started.elapsed();
    metrics.run_finished(&account, report.status, elapsed, finished.timestamp_millis() as f64 / 1000.0);
    shared.deps.readiness.run_finished(&account, report.status, finished);
    for (kind, count) in &report.objects {
        metrics.objects_current(&account, kind, *count);
    }
    if report.status != RunStatus::Cancelled {
        metrics.scopes_not_visible(&account, report.scopes_not_visible);
    }
    for change in &report.changes {
        metrics.changes(
            &account,
            bounded(&change.kind, CHANGE_KINDS),
            bounded(&change.severity, SEVERITIES),
            1,
        );
        if change.severity == "operational" {
            let event = crate::metrics::operational_event(change.field.as_deref(), change.after.as_ref());
            metrics.operational_change(
                &account,
                bounded(&change.kind, crate::metrics::OPERATIONAL_KINDS),
                event,
            );
        }
    }
    match report.status {
        RunStatus::Failed => tracing::error!(
            status = report.status.as_str(),
            duration_s = elapsed.as_secs_f64(),
            error = report.error.as_deref().unwrap_or("unknown"),
            statements = report.transfer.statements,
            retries = report.transfer.retries,
            "run failed"
        ),
        status => tracing::info!(
            status = status.as_str(),
            duration_s = elapsed.as_secs_f64(),
            changes = report.changes.len(),
            statements = report.transfer.statements,
            retries = report.transfer.retries,
            bytes_received = report.transfer.bytes_received,
            "run finished"
        ),
    }
    if let Some(feed) = feed
        && !report.changes.is_empty()
        && report.status != RunStatus::Cancelled
    {
        let outcome = feed.publish(run_id, &account, &report.changes).await;
        tracing::debug!(selected = outcome.selected, "change feed published");
    }
}
