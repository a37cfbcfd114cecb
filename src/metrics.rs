//! Every Prometheus metric snowcat exports, in one place. Labels are bounded (account, kind, outcome,
//! status); never object names. Must not do I/O beyond rendering the registry.
//!
//! Each [`Metrics`] owns its own registry (no global state), so tests are isolated. Bounded labels other than
//! the account are `&'static str` on purpose: callers pass constants, never values read from Snowflake.

use std::sync::Arc;
use std::time::Duration;

use prometheus::{
    Encoder, GaugeVec, HistogramOpts, HistogramVec, IntCounterVec, IntGauge, IntGaugeVec, Opts, Registry,
    TextEncoder,
};

/// Why metrics could not be created.
#[derive(Debug, thiserror::Error)]
#[error("cannot register metric: {0}")]
pub struct MetricsError(#[from] prometheus::Error);

/// How a crawl run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RunStatus {
    /// Every scope recorded.
    Success,
    /// Some scopes could not be seen.
    Partial,
    /// The run failed.
    Failed,
    /// The run was cancelled (shutdown).
    Cancelled,
}

impl RunStatus {
    /// The label value.
    pub fn as_str(self) -> &'static str {
        match self {
            RunStatus::Success => "success",
            RunStatus::Partial => "partial",
            RunStatus::Failed => "failed",
            RunStatus::Cancelled => "cancelled",
        }
    }
}

/// Retry reasons the SQL API client reports (`sqlapi::RetryReason::as_str`), pre-created per account.
pub const RETRY_REASONS: &[&str] = &["rate_limited", "server", "transport", "unauthorized"];

/// All of snowcat's metrics, registered in a private registry.
pub struct Metrics {
    registry: Registry,
    runs: IntCounterVec,
    runs_by_mode: IntCounterVec,
    run_duration: HistogramVec,
    last_success: GaugeVec,
    last_finished: GaugeVec,
    statements: IntCounterVec,
    statement_duration: HistogramVec,
    http_requests: IntCounterVec,
    retries: IntCounterVec,
    rows: IntCounterVec,
    bytes: IntCounterVec,
    objects: IntGaugeVec,
    changes: IntCounterVec,
    scopes_not_visible: IntGaugeVec,
    token_refreshes: IntCounterVec,
    token_refresh_failures: IntCounterVec,
    skipped_runs: IntCounterVec,
    catalog_size: IntGauge,
    feed_deliveries: IntCounterVec,
    config_reloads: IntCounterVec,
    operational: IntCounterVec,
}

/// Kinds whose changes can be operational (`Severity::Operational`).
pub const OPERATIONAL_KINDS: &[&str] = &["task", "stream", "dynamic_table"];
/// What an operational change did (the `event` label).
pub const OPERATIONAL_EVENTS: &[&str] = &["suspended", "resumed", "stale", "fresh", "other"];

/// The `event` label of an operational change of `kind`'s `field` to `after` (bounded: never a value read
/// from Snowflake, only one of `OPERATIONAL_EVENTS`).
pub fn operational_event(field: Option<&str>, after: Option<&serde_json::Value>) -> &'static str {
    let after = after.map(|v| v.as_str().map(str::to_ascii_lowercase).unwrap_or_else(|| v.to_string()));
    match (field, after.as_deref()) {
        (Some("state" | "scheduling_state"), Some("suspended")) => "suspended",
        (Some("state" | "scheduling_state"), Some("started" | "running" | "active")) => "resumed",
        (Some("stale"), Some("true")) => "stale",
        (Some("stale"), Some("false")) => "fresh",
        _ => "other",
    }
}

fn counter(r: &Registry, name: &str, help: &str, labels: &[&str]) -> Result<IntCounterVec, MetricsError> {
    let c = IntCounterVec::new(Opts::new(name, help), labels)?;
    r.register(Box::new(c.clone()))?;
    Ok(c)
}

fn histogram(
    r: &Registry,
    name: &str,
    help: &str,
    labels: &[&str],
    buckets: Vec<f64>,
) -> Result<HistogramVec, MetricsError> {
    let h = HistogramVec::new(HistogramOpts::new(name, help).buckets(buckets), labels)?;
    r.register(Box::new(h.clone()))?;
    Ok(h)
}

impl Metrics {
    /// Create and register every metric, with `snowcat_build_info` set for this binary.
    pub fn new() -> Result<Arc<Metrics>, MetricsError> {
        let r = Registry::new();
        let run_buckets = vec![1.0, 5.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0, 3600.0];
        let stmt_buckets = vec![0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0];
        let last_success = GaugeVec::new(
            Opts::new(
                "snowcat_last_successful_run_timestamp_seconds",
                "Unix time of the last successful run",
            ),
            &["account"],
        )?;
        r.register(Box::new(last_success.clone()))?;
        let last_finished = GaugeVec::new(
            Opts::new(
                "snowcat_last_run_finished_timestamp_seconds",
                "Unix time the last run ended, any status",
            ),
            &["account"],
        )?;
        r.register(Box::new(last_finished.clone()))?;
        let objects = IntGaugeVec::new(
            Opts::new("snowcat_objects", "Objects currently in the catalog, by kind"),
            &["account", "kind"],
        )?;
        r.register(Box::new(objects.clone()))?;
        let scopes_not_visible = IntGaugeVec::new(
            Opts::new(
                "snowcat_scopes_not_visible",
                "Scopes the last run could not see (denied, failed, truncated)",
            ),
            &["account"],
        )?;
        r.register(Box::new(scopes_not_visible.clone()))?;
        let catalog_size = IntGauge::new("snowcat_catalog_file_size_bytes", "Size of the catalog file")?;
        r.register(Box::new(catalog_size.clone()))?;
        let build = IntGaugeVec::new(
            Opts::new("snowcat_build_info", "Always 1; labels describe the build"),
            &["version"],
        )?;
        r.register(Box::new(build.clone()))?;
        build.with_label_values(&[env!("CARGO_PKG_VERSION")]).set(1);
        Ok(Arc::new(Metrics {
            runs: counter(&r, "snowcat_runs_total", "Crawl runs by final status", &["account", "status"])?,
            runs_by_mode: counter(
                &r,
                "snowcat_runs_by_mode_total",
                "Crawl runs that reached the catalog, by mode (full or incremental)",
                &["account", "mode"],
            )?,
            run_duration: histogram(
                &r,
                "snowcat_run_duration_seconds",
                "Wall time of crawl runs",
                &["account"],
                run_buckets,
            )?,
            last_success,
            last_finished,
            statements: counter(
                &r,
                "snowcat_statements_total",
                "SQL API statements by kind and outcome",
                &["account", "kind", "outcome"],
            )?,
            statement_duration: histogram(
                &r,
                "snowcat_statement_duration_seconds",
                "Statement wall time including polling",
                &["account", "kind"],
                stmt_buckets,
            )?,
            http_requests: counter(
                &r,
                "snowcat_http_requests_total",
                "SQL API HTTP requests by status code",
                &["account", "code"],
            )?,
            retries: counter(
                &r,
                "snowcat_retries_total",
                "Retried requests by reason",
                &["account", "reason"],
            )?,
            rows: counter(&r, "snowcat_rows_received_total", "Result rows received", &["account"])?,
            bytes: counter(
                &r,
                "snowcat_bytes_received_total",
                "SQL API response body bytes received on the wire (the gzip size when compressed)",
                &["account"],
            )?,
            objects,
            changes: counter(
                &r,
                "snowcat_changes_total",
                "Changes recorded, by object kind and severity",
                &["account", "kind", "severity"],
            )?,
            scopes_not_visible,
            token_refreshes: counter(
                &r,
                "snowcat_token_refreshes_total",
                "Successful token refreshes",
                &["account"],
            )?,
            token_refresh_failures: counter(
                &r,
                "snowcat_token_refresh_failures_total",
                "Failed token refreshes",
                &["account"],
            )?,
            skipped_runs: counter(
                &r,
                "snowcat_skipped_runs_total",
                "Scheduled runs skipped because the previous run was still going",
                &["account"],
            )?,
            catalog_size,
            feed_deliveries: counter(
                &r,
                "snowcat_feed_deliveries_total",
                "Change-feed deliveries by sink and outcome",
                &["sink", "outcome"],
            )?,
            config_reloads: counter(
                &r,
                "snowcat_config_reloads_total",
                "SIGHUP config reloads by outcome",
                &["outcome"],
            )?,
            operational: counter(
                &r,
                "snowcat_operational_changes_total",
                "Operational changes recorded (a task suspended or resumed, a stream gone stale, a dynamic \
                 table's scheduling suspended), by object kind and event",
                &["account", "kind", "event"],
            )?,
            registry: r,
        }))
    }

    /// Create `account`'s bounded counter series at 0 (statuses, skips, token refreshes, retry reasons,
    /// change kinds x severities), so they exist before the first event and `increase()` sees the first.
    pub fn init_account(&self, account: &str) {
        for status in [RunStatus::Success, RunStatus::Partial, RunStatus::Failed, RunStatus::Cancelled] {
            self.runs.with_label_values(&[account, status.as_str()]);
        }
        self.skipped_runs.with_label_values(&[account]);
        self.token_refreshes.with_label_values(&[account]);
        self.token_refresh_failures.with_label_values(&[account]);
        self.rows.with_label_values(&[account]);
        self.bytes.with_label_values(&[account]);
        for reason in RETRY_REASONS {
            self.retries.with_label_values(&[account, reason]);
        }
        for kind in crate::config::CHANGE_KINDS {
            for severity in crate::config::SEVERITIES {
                self.changes.with_label_values(&[account, kind, severity]);
            }
        }
        for kind in OPERATIONAL_KINDS {
            for event in OPERATIONAL_EVENTS {
                self.operational.with_label_values(&[account, kind, event]);
            }
        }
    }

    /// An operational change of `kind` was recorded (`event` from [`operational_event`]).
    pub fn operational_change(&self, account: &str, kind: &'static str, event: &'static str) {
        self.operational.with_label_values(&[account, kind, event]).inc();
    }

    /// A run ended: counts it, records its duration and the finish (and success) timestamps.
    pub fn run_finished(&self, account: &str, status: RunStatus, duration: Duration, finished_unix: f64) {
        self.runs.with_label_values(&[account, status.as_str()]).inc();
        self.run_duration.with_label_values(&[account]).observe(duration.as_secs_f64());
        self.last_finished.with_label_values(&[account]).set(finished_unix);
        if status == RunStatus::Success {
            self.last_success.with_label_values(&[account]).set(finished_unix);
        }
    }

    /// A run reached the catalog as `mode` (`full` or `incremental`).
    pub fn run_mode(&self, account: &str, mode: &'static str) {
        self.runs_by_mode.with_label_values(&[account, mode]).inc();
    }

    /// A statement ended (`kind` like `show_databases`, `outcome` like `ok`, `error`, `cancelled`).
    pub fn statement_finished(
        &self,
        account: &str,
        kind: &'static str,
        outcome: &'static str,
        duration: Duration,
    ) {
        self.statements.with_label_values(&[account, kind, outcome]).inc();
        self.statement_duration.with_label_values(&[account, kind]).observe(duration.as_secs_f64());
    }

    /// An HTTP response from the SQL API arrived.
    pub fn http_response(&self, account: &str, status_code: u16) {
        self.http_requests.with_label_values(&[account, &status_code.to_string()]).inc();
    }

    /// A request is retried (`reason` like `429`, `503`, `timeout`, `connect`).
    pub fn retry(&self, account: &str, reason: &'static str) {
        self.retries.with_label_values(&[account, reason]).inc();
    }

    /// A statement's result rows and its response body bytes as received on the wire arrived.
    pub fn received(&self, account: &str, rows: u64, bytes: u64) {
        self.rows.with_label_values(&[account]).inc_by(rows);
        self.bytes.with_label_values(&[account]).inc_by(bytes);
    }

    /// The catalog now holds `count` current objects of `kind`.
    pub fn objects_current(&self, account: &str, kind: &'static str, count: u64) {
        self.objects.with_label_values(&[account, kind]).set(i64::try_from(count).unwrap_or(i64::MAX));
    }

    /// `count` changes of `kind` and `severity` were recorded.
    pub fn changes(&self, account: &str, kind: &'static str, severity: &'static str, count: u64) {
        self.changes.with_label_values(&[account, kind, severity]).inc_by(count);
    }

    /// The last run could not see `count` scopes.
    pub fn scopes_not_visible(&self, account: &str, count: u64) {
        self.scopes_not_visible.with_label_values(&[account]).set(i64::try_from(count).unwrap_or(i64::MAX));
    }

    /// A token refresh succeeded (`ok`) or failed.
    pub fn token_refresh(&self, account: &str, ok: bool) {
        if ok { &self.token_refreshes } else { &self.token_refresh_failures }
            .with_label_values(&[account])
            .inc();
    }

    /// A scheduled run was skipped because the previous one was still going.
    pub fn run_skipped(&self, account: &str) {
        self.skipped_runs.with_label_values(&[account]).inc();
    }

    /// The catalog file is `bytes` long.
    pub fn catalog_size(&self, bytes: u64) {
        self.catalog_size.set(i64::try_from(bytes).unwrap_or(i64::MAX));
    }

    /// A change-feed delivery ended (`sink`: `ndjson` or `webhook`; `outcome`: `ok` or `failed`).
    pub fn feed_delivery(&self, sink: &'static str, outcome: &'static str) {
        self.feed_deliveries.with_label_values(&[sink, outcome]).inc();
    }

    /// A SIGHUP reload was applied (`ok`) or rejected (`invalid`).
    pub fn config_reload(&self, outcome: &'static str) {
        self.config_reloads.with_label_values(&[outcome]).inc();
    }

    /// Skipped-run count of one account (for tests and `/readyz`).
    pub fn skipped_count(&self, account: &str) -> u64 {
        self.skipped_runs.with_label_values(&[account]).get()
    }

    /// Run count of one account and status.
    pub fn runs_count(&self, account: &str, status: RunStatus) -> u64 {
        self.runs.with_label_values(&[account, status.as_str()]).get()
    }

    /// The Prometheus text exposition of every metric.
    pub fn render(&self) -> String {
        let mut buf = Vec::new();
        if let Err(e) = TextEncoder::new().encode(&self.registry.gather(), &mut buf) {
            return format!("# error encoding metrics: {e}\n");
        }
        String::from_utf8(buf).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operational_events_are_bounded() {
        use serde_json::json;
        assert_eq!(operational_event(Some("state"), Some(&json!("suspended"))), "suspended");
        assert_eq!(operational_event(Some("scheduling_state"), Some(&json!("RUNNING"))), "resumed");
        assert_eq!(operational_event(Some("stale"), Some(&json!(true))), "stale");
        assert_eq!(operational_event(Some("stale"), Some(&json!(false))), "fresh");
        assert_eq!(operational_event(Some("state"), Some(&json!("DROP TABLE x"))), "other");
        let m = Metrics::new().unwrap();
        m.init_account("prod");
        m.operational_change("prod", "task", "suspended");
        let text = m.render();
        assert!(
            text.contains(
                "snowcat_operational_changes_total{account=\"prod\",event=\"suspended\",kind=\"task\"} 1"
            ),
            "{text}"
        );
    }

    #[test]
    fn registries_are_isolated_and_render_the_prefix() {
        let a = Metrics::new().unwrap();
        let b = Metrics::new().unwrap();
        a.run_skipped("prod");
        assert_eq!(a.skipped_count("prod"), 1);
        assert_eq!(b.skipped_count("prod"), 0);
        let text = a.render();
        assert!(text.contains("snowcat_skipped_runs_total{account=\"prod\"} 1"), "{text}");
        assert!(text.contains("snowcat_build_info{version=\""), "{text}");
    }
}
