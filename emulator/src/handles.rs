//! The statement store: one entry per statement handle with its requestId, creation time, live state
//! (running / succeeded / failed / cancelled / timed out) and cancellation switch; plus the requestId index
//! that makes retried submissions idempotent.
//!
//! Owns statement bookkeeping only: it neither runs statements nor renders HTTP bodies.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::sync::watch;
use tokio_util::sync::CancellationToken;

use super::encode::Rendered;
use super::result::SqlError;

/// Where a statement is in its life.
#[derive(Debug, Clone)]
pub enum State {
    Running,
    Succeeded(Arc<Rendered>),
    Failed(SqlError),
    /// Cancelled by `POST .../cancel` (GET answers 422 `000604`).
    Cancelled,
    /// Ran past the request's `timeout` (seconds) and was cancelled (408 on POST, 422 on GET).
    TimedOut(u64),
}

impl State {
    pub fn is_running(&self) -> bool {
        matches!(self, State::Running)
    }
}

/// One submitted statement.
#[derive(Debug)]
pub struct Statement {
    pub handle: String,
    pub request_id: String,
    /// Epoch milliseconds.
    pub created_on: i64,
    pub sql: String,
    pub role: String,
    state: watch::Sender<State>,
    cancel: CancellationToken,
}

impl Statement {
    pub fn state(&self) -> State {
        self.state.borrow().clone()
    }

    /// A receiver that sees every state change (for waiting on completion).
    pub fn watch(&self) -> watch::Receiver<State> {
        self.state.subscribe()
    }

    /// Fires when the statement is cancelled (or times out), so its run can stop.
    pub fn cancelled(&self) -> CancellationToken {
        self.cancel.clone()
    }

    /// Move a running statement to a final state. A statement already final keeps its state (a cancel
    /// that came first wins over a late result). Returns whether the state changed.
    pub fn finish(&self, state: State) -> bool {
        let changed = self.state.send_if_modified(|cur| {
            if cur.is_running() {
                *cur = state;
                true
            } else {
                false
            }
        });
        if changed {
            self.cancel.cancel();
        }
        changed
    }
}

/// The outcome of registering a submission.
pub enum Registered {
    /// A new statement: the caller must run it.
    New(Arc<Statement>),
    /// The requestId was seen before: answer for that statement and do not run anything.
    Replay(Arc<Statement>),
}

/// Every statement this emulator has seen, by handle and by requestId.
#[derive(Debug, Default)]
pub struct StatementStore {
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    by_handle: HashMap<String, Arc<Statement>>,
    by_request: HashMap<String, String>,
}

impl StatementStore {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Register a submission, or find the statement an earlier submission with the same requestId made.
    pub fn register(&self, request_id: &str, sql: &str, role: &str) -> Registered {
        let mut inner = self.lock();
        if let Some(existing) = inner.by_request.get(request_id).and_then(|h| inner.by_handle.get(h)) {
            return Registered::Replay(existing.clone());
        }
        let (state, _) = watch::channel(State::Running);
        let stmt = Arc::new(Statement {
            handle: new_handle(),
            request_id: request_id.to_string(),
            created_on: chrono::Utc::now().timestamp_millis(),
            sql: sql.to_string(),
            role: role.to_string(),
            state,
            cancel: CancellationToken::new(),
        });
        inner.by_request.insert(request_id.to_string(), stmt.handle.clone());
        inner.by_handle.insert(stmt.handle.clone(), stmt.clone());
        Registered::New(stmt)
    }

    pub fn get(&self, handle: &str) -> Option<Arc<Statement>> {
        self.lock().by_handle.get(handle).cloned()
    }

    /// Cancel every running statement (on shutdown).
    pub fn cancel_all(&self) {
        for stmt in self.lock().by_handle.values() {
            stmt.finish(State::Cancelled);
        }
    }
}

/// A handle in Snowflake's shape (`01b2c3d4-0000-...`): a UUID whose first byte is 0x01.
fn new_handle() -> String {
    let mut bytes = *uuid::Uuid::new_v4().as_bytes();
    bytes[0] = 0x01;
    uuid::Uuid::from_bytes(bytes).hyphenated().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_request_id_replays_and_cancel_beats_late_result() {
        let store = StatementStore::default();
        let Registered::New(a) = store.register("r1", "select 1", "R") else { panic!("first is new") };
        let Registered::Replay(b) = store.register("r1", "select 2", "R") else { panic!("second replays") };
        assert_eq!(a.handle, b.handle);
        assert!(a.handle.starts_with("01"));
        assert!(a.finish(State::Cancelled));
        assert!(!a.finish(State::Failed(SqlError::syntax("late"))));
        assert!(matches!(store.get(&a.handle).unwrap().state(), State::Cancelled));
        assert!(a.cancelled().is_cancelled());
    }
}
