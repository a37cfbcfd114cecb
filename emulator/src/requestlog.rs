//! The emulator's request log: every submit, poll, cancel and statement execution, in order, so tests can
//! assert what a client did (e.g. that a retried statement ran exactly once).
//!
//! Owns the log entries and their storage only. Never records tokens or other secrets.

use std::sync::{Arc, Mutex};
use std::time::Instant;

use serde::Serialize;

/// What a log entry records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    /// `POST /api/v2/statements`.
    Submit,
    /// `GET /api/v2/statements/{handle}` (with or without `partition`).
    Status,
    /// `POST /api/v2/statements/{handle}/cancel`.
    Cancel,
    /// The engine ran a statement (one per real execution; a replayed requestId adds none).
    Execution,
}

/// One log entry. Fields that do not apply to a kind are `None`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LogEntry {
    /// 0-based position in the log.
    pub seq: u64,
    pub kind: EntryKind,
    /// Milliseconds since the emulator started.
    pub at_ms: u64,
    pub statement: Option<String>,
    pub role: Option<String>,
    pub request_id: Option<String>,
    pub handle: Option<String>,
    pub partition: Option<usize>,
    /// HTTP status answered (0 for an execution, which answers no request itself).
    pub status: u16,
    /// Snowflake code answered (`090001`, `333334`, `002003`, ...), when the body had one.
    pub code: Option<String>,
    /// Time spent answering the request, or running the statement, in milliseconds.
    pub elapsed_ms: u64,
    /// True when a submit was answered from an earlier statement with the same requestId.
    pub replayed: bool,
}

impl LogEntry {
    /// A blank entry of a kind; the caller fills in what applies.
    pub fn new(kind: EntryKind) -> Self {
        LogEntry {
            seq: 0,
            kind,
            at_ms: 0,
            statement: None,
            role: None,
            request_id: None,
            handle: None,
            partition: None,
            status: 0,
            code: None,
            elapsed_ms: 0,
            replayed: false,
        }
    }
}

/// A shared, append-only log. Cloning shares the same log.
#[derive(Debug, Clone)]
pub struct RequestLog {
    started: Instant,
    entries: Arc<Mutex<Vec<LogEntry>>>,
}

impl Default for RequestLog {
    fn default() -> Self {
        RequestLog { started: Instant::now(), entries: Arc::default() }
    }
}

impl RequestLog {
    /// Append an entry, stamping its `seq` and `at_ms`.
    pub fn push(&self, mut entry: LogEntry) {
        entry.at_ms = u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX);
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        entry.seq = entries.len() as u64;
        entries.push(entry);
    }

    /// A copy of every entry so far.
    pub fn snapshot(&self) -> Vec<LogEntry> {
        self.entries.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// How many times the engine ran statements submitted with this requestId.
    pub fn executions_for_request(&self, request_id: &str) -> usize {
        self.snapshot()
            .iter()
            .filter(|e| e.kind == EntryKind::Execution && e.request_id.as_deref() == Some(request_id))
            .count()
    }

    /// Forget every entry (the admin endpoint's `DELETE /emulator/log`).
    pub fn clear(&self) {
        self.entries.lock().unwrap_or_else(|p| p.into_inner()).clear();
    }
}
