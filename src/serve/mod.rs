//! The operator-facing HTTP server: `/metrics`, `/healthz`, `/readyz`, and `/mcp` when the MCP transport
//! is on (its routes come from `crate::mcp::http`). Bounded (timeouts, body limits), loopback by default.
//! Must not crawl or write the catalog.
//!
//! Limits: every request is answered within `request_timeout` (408 otherwise; `/mcp` within its longest
//! tool wait plus `request_timeout`), requests whose headers exceed `max_header_bytes` get 431, bodies
//! over `max_body_bytes` get 413, at most 64 requests are handled at once (503 beyond); the operator
//! routes take GET/HEAD only. At most 128 connections are open at once and a connection with no progress
//! for three request timeouts (or the `/mcp` answer time) is closed (`conn.rs`). Graceful shutdown follows
//! the daemon's token.

mod conn;
mod ready;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;

pub use ready::{Readiness, ReadyReport, StaleAccount};

use crate::metrics::Metrics;

/// Requests handled at the same time.
const MAX_IN_FLIGHT: usize = 64;

/// Bounds on each request.
#[derive(Debug, Clone, Copy)]
pub struct HttpLimits {
    /// Longest time to answer.
    pub request_timeout: Duration,
    /// Largest total header size.
    pub max_header_bytes: usize,
    /// Largest body.
    pub max_body_bytes: usize,
}

impl HttpLimits {
    /// The limits from `[http]`.
    pub fn from_config(http: &crate::config::HttpConfig) -> Self {
        Self {
            request_timeout: http.request_timeout,
            max_header_bytes: http.max_header_bytes,
            max_body_bytes: http.max_body_bytes,
        }
    }
}

/// What the handlers read.
#[derive(Clone)]
pub struct ServeState {
    /// The metrics rendered at `/metrics`.
    pub metrics: Arc<Metrics>,
    /// The state `/readyz` evaluates.
    pub readiness: Arc<Readiness>,
}

#[derive(Clone)]
struct Guard {
    limits: HttpLimits,
    in_flight: Arc<Semaphore>,
}

/// Why the server could not run.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// Binding the address failed.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The server stopped with an error.
    #[error("HTTP server failed: {0}")]
    Serve(#[source] std::io::Error),
}

/// Bind the listener (done before anything else starts, so a busy port fails fast).
pub async fn bind(addr: SocketAddr) -> Result<TcpListener, ServeError> {
    TcpListener::bind(addr).await.map_err(|source| ServeError::Bind { addr, source })
}

/// The router with every route and limit.
pub fn router(state: ServeState, limits: HttpLimits) -> Router {
    let guard = Guard { limits, in_flight: Arc::new(Semaphore::new(MAX_IN_FLIGHT)) };
    Router::new()
        .route("/metrics", get(metrics))
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .with_state(state)
        .layer(middleware::from_fn_with_state(guard, bound))
}

/// Routes served next to the operator's, with the longest time one of their requests may take to answer
/// (the MCP transport: its longest tool wait).
pub struct ExtraRoutes {
    pub router: Router,
    pub answer_within: Duration,
}

/// Serve until `shutdown` is cancelled, then finish in-flight requests and return.
pub async fn serve(
    listener: TcpListener,
    state: ServeState,
    limits: HttpLimits,
    shutdown: CancellationToken,
) -> Result<(), ServeError> {
    serve_with(listener, state, limits, None, shutdown).await
}

/// [`serve`], plus `extra` routes bounded like the operator's but with their own answer time.
pub async fn serve_with(
    listener: TcpListener,
    state: ServeState,
    limits: HttpLimits,
    extra: Option<ExtraRoutes>,
    shutdown: CancellationToken,
) -> Result<(), ServeError> {
    // A request must be answered within two request timeouts of its first byte: one for its headers (so a
    // slow-loris trickle cannot hold a slot), one for the handler, which answers 408 at its own timeout.
    let mut idle = limits.request_timeout.saturating_mul(3);
    let mut answer = limits.request_timeout.saturating_mul(2);
    let mut app = router(state, limits);
    if let Some(extra) = extra {
        let slow = HttpLimits { request_timeout: extra.answer_within + limits.request_timeout, ..limits };
        let guard = Guard { limits: slow, in_flight: Arc::new(Semaphore::new(MAX_IN_FLIGHT)) };
        app = app.merge(extra.router.layer(middleware::from_fn_with_state(guard, bound)));
        idle = idle.max(slow.request_timeout + limits.request_timeout);
        answer = answer.max(slow.request_timeout + limits.request_timeout);
    }
    let listener = conn::BoundedListener::new(listener, idle).with_answer_deadline(answer);
    axum::serve(listener, app)
        .with_graceful_shutdown(async move { shutdown.cancelled().await })
        .await
        .map_err(ServeError::Serve)
}

async fn bound(State(guard): State<Guard>, req: Request, next: Next) -> Response {
    let Ok(_permit) = guard.in_flight.clone().try_acquire_owned() else {
        return (StatusCode::SERVICE_UNAVAILABLE, "too many requests in flight\n").into_response();
    };
    let header_bytes: usize = req.headers().iter().map(|(k, v)| k.as_str().len() + v.len() + 4).sum();
    if header_bytes > guard.limits.max_header_bytes {
        return (StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE, "request headers too large\n").into_response();
    }
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(0);
    if declared > guard.limits.max_body_bytes {
        return (StatusCode::PAYLOAD_TOO_LARGE, "request body too large\n").into_response();
    }
    match tokio::time::timeout(guard.limits.request_timeout, next.run(req)).await {
        Ok(resp) => resp,
        Err(_) => (StatusCode::REQUEST_TIMEOUT, "request timed out\n").into_response(),
    }
}

async fn metrics(State(state): State<ServeState>) -> Response {
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], state.metrics.render())
        .into_response()
}

async fn healthz() -> &'static str {
    "ok\n"
}

async fn readyz(State(state): State<ServeState>) -> Response {
    let report = state.readiness.check(chrono::Utc::now());
    let code = if report.ready { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    (code, axum::Json(report)).into_response()
}
