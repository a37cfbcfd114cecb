//! `POST /api/v2/statements`: read the request (query parameters, body, bindings), resolve the role,
//! register the statement (or replay an earlier one with the same requestId), run it in the background and
//! answer 200 / 202 / 408 / 422 as Snowflake does (sql-api-v2.md §1, §3, §6, §10).
//!
//! Owns submission and the statement run. Never runs a statement twice for one requestId.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::Deserialize;
use serde_json::Value as Json;

use super::encode::{self, Rendered};
use super::engine::{Binding, Session};
use super::handles::{Registered, State as StmtState, Statement};
use super::multi;
use super::replies::{self, Reply};
use super::requestlog::{EntryKind, LogEntry};
use super::result::{QueryResult, SqlError};
use super::server::{AppState, Shared, admit};

/// The POST body (sql-api-v2.md §1.1). Unknown fields (e.g. `resultSetMetaData`) are ignored.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Body {
    statement: Option<String>,
    timeout: Option<i64>,
    database: Option<String>,
    schema: Option<String>,
    warehouse: Option<String>,
    role: Option<String>,
    bindings: Option<serde_json::Map<String, Json>>,
    parameters: Option<serde_json::Map<String, Json>>,
}

/// The longest timeout Snowflake allows; `timeout: 0` means this.
const MAX_TIMEOUT_SECS: u64 = 604_800;

fn flag(query: &HashMap<String, String>, name: &str, default: bool) -> bool {
    query.get(name).map_or(default, |v| v.eq_ignore_ascii_case("true"))
}

pub async fn submit(
    State(shared): AppState,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let started = Instant::now();
    let mut entry = LogEntry::new(EntryKind::Submit);
    let reply = handle_submit(&shared, &query, &headers, &body, &mut entry).await;
    entry.status = reply.status.as_u16();
    entry.code = reply.code.clone();
    entry.elapsed_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    shared.log.push(entry);
    reply.into_response(&headers)
}

async fn handle_submit(
    shared: &Arc<Shared>,
    query: &HashMap<String, String>,
    headers: &HeaderMap,
    raw: &Bytes,
    entry: &mut LogEntry,
) -> Reply {
    let principal = match admit(shared, headers) {
        Ok(p) => p,
        Err(reply) => return reply,
    };
    let request_id = query.get("requestId").cloned().unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    entry.request_id = Some(request_id.clone());
    let asynchronous = flag(query, "async", false);
    let nullable = flag(query, "nullable", true);
    let content_type = headers.get(axum::http::header::CONTENT_TYPE).and_then(|v| v.to_str().ok());
    if content_type.is_some_and(|ct| !ct.trim_start().to_ascii_lowercase().starts_with("application/json")) {
        // Recorded: a non-JSON Content-Type gets the HTTP container's own 400 body (sql-api-v2.md §2).
        return Reply::json(
            StatusCode::BAD_REQUEST,
            &serde_json::json!({
                "servlet": "Jersey REST Service", "message": "Bad Request",
                "url": "/api/v2/statements", "status": "400",
            }),
        );
    }
    let body: Body = match serde_json::from_slice(raw) {
        Ok(b) => b,
        Err(_) => {
            return Reply::code_message(
                StatusCode::BAD_REQUEST,
                "390142",
                "Incoming request does not contain a valid payload.",
            );
        }
    };
    let sql = body.statement.clone().unwrap_or_default();
    entry.statement = Some(sql.clone());
    if sql.trim().is_empty() {
        return Reply::json(
            StatusCode::BAD_REQUEST,
            &serde_json::json!({
                "code": "000900", "message": "SQL compilation error:\nEmpty SQL statement.",
                "sqlState": "42601", "statementHandle": null,
            }),
        );
    }
    let explicit_role = body.role.clone().or(principal.default_role.clone());
    let role = explicit_role.clone().unwrap_or_else(|| shared.options.default_role.clone());
    entry.role = Some(role.clone());
    if let Some(role) = explicit_role
        && !role_exists(shared, &role).await
    {
        return Reply::code_message(
            StatusCode::BAD_REQUEST,
            "390186",
            &format!(
                "Role '{role}' specified in the connect string is not granted to this user. Contact your local \
                 system administrator, or attempt to login with another role, e.g. PUBLIC."
            ),
        );
    }
    let stmt = match shared.store.register(&request_id, &sql, &role) {
        Registered::Replay(stmt) => {
            // A known requestId answers for the original statement and ignores the new text (§6).
            entry.replayed = true;
            stmt
        }
        Registered::New(stmt) => {
            let prepared = prepare(&body, &principal.user, &role);
            match prepared {
                Ok((session, bindings, plan)) => {
                    let timeout = match body.timeout {
                        Some(t) if t > 0 => Some(u64::try_from(t).unwrap_or(MAX_TIMEOUT_SECS)),
                        _ => None,
                    };
                    tokio::spawn(run(
                        shared.clone(),
                        stmt.clone(),
                        session,
                        bindings,
                        plan,
                        timeout,
                        nullable,
                    ));
                }
                Err(err) => {
                    stmt.finish(StmtState::Failed(err));
                }
            }
            stmt
        }
    };
    entry.handle = Some(stmt.handle.clone());
    if !asynchronous {
        wait_until_done(&stmt, shared.options.sync_threshold).await;
    }
    answer_post(shared, &stmt)
}

async fn role_exists(shared: &Arc<Shared>, role: &str) -> bool {
    let executor = shared.executor.clone();
    let role = role.to_string();
    tokio::task::spawn_blocking(move || executor.lock().unwrap_or_else(|p| p.into_inner()).role_exists(&role))
        .await
        .unwrap_or(false)
}

/// Wait until the statement leaves `Running`, at most `limit`.
pub async fn wait_until_done(stmt: &Statement, limit: Duration) {
    let mut rx = stmt.watch();
    let _ = tokio::time::timeout(limit, rx.wait_for(|s| !s.is_running())).await;
}

/// The POST answer for a statement's current state.
fn answer_post(shared: &Shared, stmt: &Statement) -> Reply {
    match stmt.state() {
        StmtState::Running => replies::running(stmt),
        StmtState::Succeeded(rendered) => {
            let mut reply = replies::result_set(stmt, &rendered);
            reply.fault = shared.faults().body_fault(0);
            reply
        }
        StmtState::Failed(err) => replies::failure(stmt, &err),
        StmtState::Cancelled => replies::failure(stmt, &replies::cancelled_error()),
        StmtState::TimedOut(secs) => {
            replies::failure_with(StatusCode::REQUEST_TIMEOUT, stmt, &replies::timeout_error(secs))
        }
    }
}

/// Build the engine session and bindings, or the 422 error the request deserves before running.
fn prepare(
    body: &Body,
    user: &Option<String>,
    role: &str,
) -> Result<(Session, Vec<Binding>, Plan), SqlError> {
    let parameters: Vec<(String, String)> = body
        .parameters
        .iter()
        .flatten()
        .map(|(k, v)| (k.to_ascii_uppercase(), v.as_str().map_or_else(|| v.to_string(), str::to_string)))
        .collect();
    let sql = body.statement.as_deref().unwrap_or_default();
    let pieces = multi::split_pieces(sql);
    let count = pieces.len();
    let desired = parameters
        .iter()
        .find(|(k, _)| k == "MULTI_STATEMENT_COUNT")
        .map_or(Ok(1), |(_, v)| v.trim().parse::<usize>())
        .map_err(|_| SqlError::new("000008", "0A000", "Invalid value for MULTI_STATEMENT_COUNT."))?;
    if desired != 0 && desired != count {
        return Err(SqlError::new(
            "000008",
            "0A000",
            format!("Actual statement count {count} did not match the desired statement count {desired}."),
        ));
    }
    let plan = if desired == 1 {
        if let Some(command) = multi::unsupported_alone(sql) {
            return Err(multi::unsupported_error(command));
        }
        Plan::Single
    } else {
        if body.bindings.as_ref().is_some_and(|b| !b.is_empty()) {
            return Err(SqlError::new(
                "000008",
                "0A000",
                "Bindings are not supported in multi-statement requests.",
            ));
        }
        Plan::Multi(pieces)
    };
    let mut bindings = Vec::new();
    for (key, spec) in body.bindings.iter().flatten() {
        let type_name = spec.get("type").and_then(Json::as_str).unwrap_or("TEXT").to_ascii_uppercase();
        if matches!(type_name.as_str(), "VARIANT" | "OBJECT" | "ARRAY") {
            return Err(SqlError::new("002040", "22000", format!("Unsupported data type '{type_name}'.")));
        }
        let value = match spec.get("value") {
            None | Some(Json::Null) => None,
            Some(Json::String(s)) => Some(s.clone()),
            Some(other) => {
                return Err(SqlError::new(
                    "002099",
                    "22000",
                    format!("Binding {key}: only string values are supported here, got {other}."),
                ));
            }
        };
        bindings.push(Binding { key: key.clone(), type_name, value });
    }
    let session = Session {
        role: role.to_string(),
        user: user.clone(),
        database: body.database.clone(),
        schema: body.schema.clone(),
        warehouse: body.warehouse.clone(),
        parameters,
    };
    Ok((session, bindings, plan))
}

/// One statement, or the pieces of a multi-statement request.
enum Plan {
    Single,
    Multi(Vec<multi::Piece>),
}

/// Run the engine once, recording the execution in the request log under the request's id and the handle
/// of the statement that ran (a child's own handle inside a multi-statement request).
fn execute_logged(
    shared: &Shared,
    session: &Session,
    sql: &str,
    bindings: &[Binding],
    request: &Statement,
    ran: &Statement,
) -> Result<QueryResult, SqlError> {
    let started = Instant::now();
    let outcome = shared.executor.lock().unwrap_or_else(|p| p.into_inner()).execute(session, sql, bindings);
    let mut entry = LogEntry::new(EntryKind::Execution);
    entry.statement = Some(sql.to_string());
    entry.role = Some(session.role.clone());
    entry.request_id = Some(request.request_id.clone());
    entry.handle = Some(ran.handle.clone());
    entry.elapsed_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    entry.code = Some(match &outcome {
        Ok(_) => "090001".to_string(),
        Err(e) => e.code.clone(),
    });
    shared.log.push(entry);
    outcome
}

/// Run a multi-statement request: each piece as a child statement with its own handle, in order, stopping
/// at the first failure. Returns the parent's result or its 100132 failure.
fn run_multi(
    shared: &Shared,
    parent: &Statement,
    mut session: Session,
    pieces: &[multi::Piece],
    nullable: bool,
) -> Result<Rendered, SqlError> {
    let mut handles = Vec::new();
    for piece in pieces {
        let sql = &piece.text;
        if parent.cancelled().is_cancelled() {
            return Err(replies::cancelled_error());
        }
        let child_request = uuid::Uuid::new_v4().to_string();
        let Registered::New(child) = shared.store.register(&child_request, sql, &session.role) else {
            continue;
        };
        handles.push(child.handle.clone());
        let outcome = match multi::session_command(&mut session, sql) {
            Some(result) => result,
            None => execute_logged(shared, &session, sql, &[], parent, &child),
        };
        match outcome {
            Ok(result) => {
                let rendered = encode::render(&result, nullable, shared.options.partition_rows);
                child.finish(StmtState::Succeeded(Arc::new(rendered)));
            }
            Err(err) => {
                child.finish(StmtState::Failed(err.clone()));
                return Err(multi::child_failed(piece, &err));
            }
        }
    }
    let mut rendered = encode::render(&multi::parent_result(), nullable, shared.options.partition_rows);
    rendered.statement_handles = handles;
    Ok(rendered)
}

/// Run one statement: fault delays, then the engine on a blocking thread; stop early on cancel or timeout.
async fn run(
    shared: Arc<Shared>,
    stmt: Arc<Statement>,
    session: Session,
    bindings: Vec<Binding>,
    plan: Plan,
    timeout: Option<u64>,
    nullable: bool,
) {
    let delay = shared.faults().statement_delay(&stmt.sql);
    let cancel = stmt.cancelled();
    let limit = Duration::from_secs(timeout.unwrap_or(MAX_TIMEOUT_SECS));
    let work = async {
        tokio::time::sleep(delay).await;
        let shared = shared.clone();
        let stmt = stmt.clone();
        tokio::task::spawn_blocking(move || match plan {
            Plan::Single => execute_logged(&shared, &session, &stmt.sql, &bindings, &stmt, &stmt)
                .map(|r| encode::render(&r, nullable, shared.options.partition_rows)),
            Plan::Multi(pieces) => run_multi(&shared, &stmt, session, &pieces, nullable),
        })
        .await
    };
    tokio::select! {
        _ = cancel.cancelled() => {}
        _ = tokio::time::sleep(limit) => {
            stmt.finish(StmtState::TimedOut(timeout.unwrap_or(MAX_TIMEOUT_SECS)));
        }
        outcome = work => {
            let state = match outcome {
                Ok(Ok(rendered)) => StmtState::Succeeded(Arc::new(rendered)),
                Ok(Err(err)) => StmtState::Failed(err),
                Err(_) => StmtState::Failed(SqlError::new("000603", "XX000", "SQL execution internal error.")),
            };
            stmt.finish(state);
        }
    }
}
