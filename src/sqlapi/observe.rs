//! Observability hooks: the `Observer` trait the daemon backs with Prometheus, a no-op default, and
//! [`Totals`], an observer that sums one caller's statements (a crawl run's bytes and retries).
//!
//! Owns the shape of what is reported (statement outcomes, HTTP status counts, retries, bytes). Must not
//! carry SQL text, bind values or tokens: only kinds, handles, counts and durations.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::Mutex;
use std::time::Duration;

use super::error::Phase;
use super::retry::RetryReason;

/// What one statement cost, reported once when `execute` finishes (successfully or not).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementReport {
    /// The request's kind label (`show`, `select`, or the caller's label).
    pub kind: String,
    pub handle: Option<String>,
    pub request_id: String,
    pub duration: Duration,
    /// Requests repeated because of 429/5xx/transport/401.
    pub retries: u32,
    /// Response body bytes received on the wire (the gzip size when the body was compressed), over every
    /// request of the statement (submit, polls, partitions, retried attempts).
    pub bytes: u64,
    /// The same bodies after decompression (equal to `bytes` when nothing was compressed).
    pub decoded_bytes: u64,
    pub rows: u64,
    /// `ok`, or an error's outcome label (`sql_error`, `timeout`, `cancelled`, ...).
    pub outcome: String,
}

/// Receives client events. Every method has a no-op default; implementations must be cheap.
pub trait Observer: Send + Sync {
    /// One HTTP response was received.
    fn http_status(&self, phase: Phase, status: u16) {
        let _ = (phase, status);
    }
    /// A request is being retried.
    fn retry(&self, phase: Phase, reason: RetryReason) {
        let _ = (phase, reason);
    }
    /// A statement run through `execute` finished (stream drained, failed or dropped).
    fn statement_finished(&self, report: &StatementReport) {
        let _ = report;
    }
}

/// The default observer: ignores everything.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoopObserver;

impl Observer for NoopObserver {}

/// Passes every event to two observers (the client's own, then one a caller added).
pub(crate) struct Tee(pub Arc<dyn Observer>, pub Arc<dyn Observer>);

impl Observer for Tee {
    fn http_status(&self, phase: Phase, status: u16) {
        self.0.http_status(phase, status);
        self.1.http_status(phase, status);
    }
    fn retry(&self, phase: Phase, reason: RetryReason) {
        self.0.retry(phase, reason);
        self.1.retry(phase, reason);
    }
    fn statement_finished(&self, report: &StatementReport) {
        self.0.statement_finished(report);
        self.1.statement_finished(report);
    }
}

/// Sums of what a [`Totals`] observer saw.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TotalsSnapshot {
    /// Statements finished (any outcome).
    pub statements: u64,
    /// Retried requests, every reason (statements and cancels).
    pub retries: u64,
    /// Retried requests by [`RetryReason::as_str`].
    pub retries_by_reason: BTreeMap<&'static str, u64>,
    /// Response body bytes on the wire, summed over finished statements.
    pub bytes: u64,
    /// The same after decompression.
    pub decoded_bytes: u64,
}

/// An observer that sums statements, retries and bytes; add it to a client with
/// [`Client::with_observer`](super::Client::with_observer) for the duration of one job (a crawl run).
#[derive(Debug, Default)]
pub struct Totals {
    inner: Mutex<TotalsSnapshot>,
}

impl Totals {
    pub fn snapshot(&self) -> TotalsSnapshot {
        self.inner.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

impl Observer for Totals {
    fn retry(&self, _phase: Phase, reason: RetryReason) {
        let mut t = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        t.retries += 1;
        *t.retries_by_reason.entry(reason.as_str()).or_default() += 1;
    }
    fn statement_finished(&self, report: &StatementReport) {
        let mut t = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        t.statements += 1;
        t.bytes += report.bytes;
        t.decoded_bytes += report.decoded_bytes;
    }
}
