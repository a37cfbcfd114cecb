//! `GET /api/v2/statements/{handle}[?partition=N]` and `POST /api/v2/statements/{handle}/cancel`:
//! status while running, the result (partition 0 with metadata, or `{"data":...}` for `partition=N`),
//! failures, and cancellation (sql-api-v2.md §3.2–§3.4, §4).
//!
//! Owns the read side of a statement. Never runs anything.

use std::collections::HashMap;
use std::time::Instant;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::json;

use super::handles::State as StmtState;
use super::replies::{self, Reply};
use super::requestlog::{EntryKind, LogEntry};
use super::server::{AppState, Shared, admit};

pub async fn status(
    State(shared): AppState,
    Path(handle): Path<String>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let started = Instant::now();
    let mut entry = LogEntry::new(EntryKind::Status);
    entry.handle = Some(handle.clone());
    entry.request_id = query.get("requestId").cloned();
    let reply = status_reply(&shared, &handle, query.get("partition"), &headers, &mut entry).await;
    finish_log(&shared, entry, &reply, started);
    reply.into_response(&headers)
}

async fn status_reply(
    shared: &Shared,
    handle: &str,
    partition: Option<&String>,
    headers: &HeaderMap,
    entry: &mut LogEntry,
) -> Reply {
    if let Err(reply) = admit(shared, headers) {
        return reply;
    }
    let Some(stmt) = shared.store.get(handle) else {
        return replies::unknown_handle(StatusCode::BAD_REQUEST, handle);
    };
    entry.statement = Some(stmt.sql.clone());
    entry.role = Some(stmt.role.clone());
    match stmt.state() {
        StmtState::Running => replies::running(&stmt),
        StmtState::Failed(err) => replies::failure(&stmt, &err),
        StmtState::Cancelled => replies::failure(&stmt, &replies::cancelled_error()),
        StmtState::TimedOut(secs) => replies::failure(&stmt, &replies::timeout_error(secs)),
        StmtState::Succeeded(rendered) => {
            let count = rendered.partitions.len();
            let index = match partition.map(|p| p.trim().parse::<usize>()) {
                None => None,
                Some(Ok(n)) if n < count => Some(n),
                Some(_) => {
                    let given = partition.map_or("", |p| p.as_str());
                    return Reply::json(
                        StatusCode::BAD_REQUEST,
                        &json!({
                            "code": "391922",
                            "sqlState": "22023",
                            "message": format!(
                                "Invalid partition parameter. The partition must be long type parsable and \
                                 between 0 and {}, but '{given}' is specified.",
                                count - 1
                            ),
                            "statementHandle": stmt.handle,
                        }),
                    );
                }
            };
            entry.partition = Some(index.unwrap_or(0));
            let delay = shared.faults().partition_delay();
            if !delay.is_zero() {
                tokio::time::sleep(delay).await;
            }
            let reply = match index {
                None => Some(replies::result_set(&stmt, &rendered)),
                Some(n) => replies::partition(&stmt, &rendered, n),
            };
            let Some(mut reply) = reply else {
                return replies::unknown_handle(StatusCode::BAD_REQUEST, handle);
            };
            reply.fault = shared.faults().body_fault(index.unwrap_or(0));
            reply
        }
    }
}

pub async fn cancel(
    State(shared): AppState,
    Path(handle): Path<String>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let started = Instant::now();
    let mut entry = LogEntry::new(EntryKind::Cancel);
    entry.handle = Some(handle.clone());
    entry.request_id = query.get("requestId").cloned();
    let reply = match admit(&shared, &headers) {
        Err(reply) => reply,
        Ok(_) => match shared.store.get(&handle) {
            // The docs show cancelling an unknown handle as 422 000709.
            None => replies::unknown_handle(StatusCode::UNPROCESSABLE_ENTITY, &handle),
            Some(stmt) => {
                entry.statement = Some(stmt.sql.clone());
                entry.role = Some(stmt.role.clone());
                // Cancelling a finished statement also answers 200 and changes nothing.
                stmt.finish(StmtState::Cancelled);
                replies::cancel_ok(&stmt.handle)
            }
        },
    };
    finish_log(&shared, entry, &reply, started);
    reply.into_response(&headers)
}

fn finish_log(shared: &Shared, mut entry: LogEntry, reply: &Reply, started: Instant) {
    entry.status = reply.status.as_u16();
    entry.code = reply.code.clone();
    entry.elapsed_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    shared.log.push(entry);
}
