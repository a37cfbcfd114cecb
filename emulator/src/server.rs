//! The emulator's HTTP server: routes, shared state, the auth + fault gate every API request passes, and
//! the small admin endpoints (`/emulator/faults`, `/emulator/log`).
//!
//! Owns routing and the request gate. Statement submission is in `submit`, status/cancel in `poll`, body
//! shapes in `replies`. Never logs tokens.

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use tokio_util::sync::CancellationToken;

use super::faults::{FaultState, Faults, Injected};
use super::handle::{Executor, Options};
use super::handles::StatementStore;
use super::replies::{self, Reply};
use super::requestlog::RequestLog;
use super::tokens::{Principal, TokenRejection, TokenType, TokenVerifier};
use super::{poll, submit};

/// Everything a request handler can reach.
pub struct Shared {
    pub executor: Arc<Mutex<Box<dyn Executor>>>,
    pub store: StatementStore,
    pub faults: Arc<Mutex<FaultState>>,
    pub log: RequestLog,
    pub verifier: Arc<dyn TokenVerifier>,
    pub options: Options,
    pub shutdown: CancellationToken,
}

impl Shared {
    pub fn faults(&self) -> std::sync::MutexGuard<'_, FaultState> {
        self.faults.lock().unwrap_or_else(|p| p.into_inner())
    }
}

pub type AppState = State<Arc<Shared>>;

/// Serve until the shutdown token fires.
pub async fn serve(listener: tokio::net::TcpListener, shared: Arc<Shared>, extra: Router) {
    let shutdown = shared.shutdown.clone();
    let app = Router::new()
        .route("/api/v2/statements", post(submit::submit))
        .route("/api/v2/statements/{handle}", get(poll::status))
        .route("/api/v2/statements/{handle}/cancel", post(poll::cancel))
        .route("/emulator/faults", get(get_faults).post(set_faults))
        .route("/emulator/log", get(get_log).delete(clear_log))
        .with_state(shared)
        .merge(extra);
    let result =
        axum::serve(listener, app).with_graceful_shutdown(async move { shutdown.cancelled().await }).await;
    if let Err(err) = result {
        tracing::error!(error = %err, "emulator server stopped");
    }
}

/// The gate before every API request: a valid bearer token, then any injected fault.
/// Returns the principal, or the reply to send instead.
pub fn admit(shared: &Shared, headers: &HeaderMap) -> Result<Principal, Reply> {
    let Some(auth) = headers.get(header::AUTHORIZATION) else {
        // Recorded behaviour: no Authorization header at all is a 400 (sql-api-v2.md §2, §3.3).
        return Err(Reply::code_message(
            StatusCode::BAD_REQUEST,
            "390146",
            "Incoming request does not contain a valid authorization header.",
        ));
    };
    let token_type = match headers.get("X-Snowflake-Authorization-Token-Type") {
        None => TokenType::Oauth,
        Some(v) => match v.to_str().ok().and_then(TokenType::from_header) {
            Some(t) => t,
            None => return Err(rejected(TokenRejection::invalid(TokenType::Oauth))),
        },
    };
    let token = auth
        .to_str()
        .ok()
        .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
        .map(str::trim)
        .unwrap_or("");
    if token.is_empty() {
        return Err(rejected(TokenRejection::invalid(token_type)));
    }
    let principal = shared.verifier.verify(token, token_type).map_err(rejected)?;
    match shared.faults().on_request(token) {
        None => Ok(principal),
        Some(Injected::TokenExpired) => Err(rejected(TokenRejection::expired())),
        Some(Injected::Status(status)) => Err(replies::injected_status(status)),
    }
}

fn rejected(r: TokenRejection) -> Reply {
    Reply::code_message(StatusCode::UNAUTHORIZED, &r.code, &r.message)
}

async fn get_faults(State(shared): AppState) -> Response {
    let faults = shared.faults().faults().clone();
    axum::Json(faults).into_response()
}

/// `POST /emulator/faults` with a [`Faults`] JSON object replaces the whole fault configuration.
async fn set_faults(State(shared): AppState, body: Bytes) -> Response {
    match serde_json::from_slice::<Faults>(&body) {
        Ok(faults) => {
            shared.faults().set(faults.clone());
            axum::Json(faults).into_response()
        }
        Err(err) => (StatusCode::BAD_REQUEST, format!("invalid faults: {err}")).into_response(),
    }
}

async fn get_log(State(shared): AppState) -> Response {
    axum::Json(shared.log.snapshot()).into_response()
}

async fn clear_log(State(shared): AppState) -> Response {
    shared.log.clear();
    StatusCode::NO_CONTENT.into_response()
}
