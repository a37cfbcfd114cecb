//! Observability hooks: the `Observer` trait the daemon backs with Prometheus, and a no-op default.
//!
//! Owns the shape of what is reported (statement outcomes, HTTP status counts, retries). Must not carry
//! SQL text, bind values or tokens: only kinds, handles, counts and durations.

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
    /// Response body bytes received (after decompression).
    pub bytes: u64,
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
