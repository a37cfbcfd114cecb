//! The streamable HTTP transport under `/mcp`, for `snowcat run`'s server: rmcp's service behind a guard
//! that answers 403 to a request whose `Origin` is neither a loopback origin nor configured (the spec's
//! defence against DNS rebinding), and 401 to one without the bearer token when a token is set (it must be
//! whenever the server listens beyond loopback).
//!
//! Owns the guard and the service's settings; limits (body size, in-flight requests) are the operator
//! server's. Must not log or echo the token.

use std::sync::Arc;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
use rmcp::transport::streamable_http_server::{StreamableHttpServerConfig, StreamableHttpService};
use secrecy::{ExposeSecret, SecretString};
use tokio_util::sync::CancellationToken;

use super::McpServer;

/// The path the transport is served under.
pub const PATH: &str = "/mcp";

/// Who may call `/mcp`.
#[derive(Clone)]
pub struct Access {
    /// The bearer token clients must send; `None` only on a loopback listener.
    pub token: Option<SecretString>,
    /// Browser origins allowed besides loopback ones (`https://app.example.com`, `http://host:8080`).
    pub allowed_origins: Vec<String>,
    /// The listener is on a loopback address (then rmcp's loopback `Host` check stays on).
    pub loopback: bool,
}

impl std::fmt::Debug for Access {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Access")
            .field("token", &self.token.as_ref().map(|_| "<set>"))
            .field("allowed_origins", &self.allowed_origins)
            .field("loopback", &self.loopback)
            .finish()
    }
}

/// `scheme://host[:port]` lower-cased, without a trailing slash.
fn normalize(origin: &str) -> String {
    origin.trim().trim_end_matches('/').to_ascii_lowercase()
}

/// An origin served from this machine: `http(s)://localhost`, `127.0.0.1` or `[::1]`, any port.
fn is_loopback_origin(origin: &str) -> bool {
    let Some((scheme, rest)) = origin.split_once("://") else { return false };
    if scheme != "http" && scheme != "https" {
        return false;
    }
    let host = match rest.strip_prefix('[') {
        Some(v6) => v6.split_once(']').map(|(h, _)| h).unwrap_or(""),
        None => rest.split(':').next().unwrap_or(""),
    };
    matches!(host, "localhost" | "127.0.0.1" | "::1")
}

/// Whether `headers` may pass, and the refusal (status and body) otherwise.
fn check(access: &Access, headers: &HeaderMap) -> Result<(), (StatusCode, String)> {
    if let Some(origin) = headers.get(header::ORIGIN) {
        let origin = normalize(origin.to_str().unwrap_or(""));
        let allowed =
            is_loopback_origin(&origin) || access.allowed_origins.iter().any(|o| normalize(o) == origin);
        if !allowed {
            let body = format!("origin {origin:?} is not allowed; add it to [mcp] allowed_origins\n");
            return Err((StatusCode::FORBIDDEN, body));
        }
    }
    if let Some(token) = &access.token {
        let sent = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
            .unwrap_or("");
        if !constant_time_eq(sent.trim().as_bytes(), token.expose_secret().as_bytes()) {
            let body = "a bearer token is required (Authorization: Bearer ...)\n".to_string();
            return Err((StatusCode::UNAUTHORIZED, body));
        }
    }
    Ok(())
}

/// Equal bytes, compared without an early exit on the first difference.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

async fn guard(State(access): State<Arc<Access>>, req: Request, next: Next) -> Response {
    match check(&access, req.headers()) {
        Ok(()) => next.run(req).await,
        Err((status, body)) => {
            let mut resp = (status, body).into_response();
            if status == StatusCode::UNAUTHORIZED {
                resp.headers_mut()
                    .insert(header::WWW_AUTHENTICATE, header::HeaderValue::from_static("Bearer"));
            }
            resp
        }
    }
}

/// The `/mcp` routes: `server` behind the guard, sessions ended when `shutdown` fires.
pub fn router(
    server: McpServer,
    access: Access,
    max_body_bytes: usize,
    shutdown: CancellationToken,
) -> Router {
    let mut config = StreamableHttpServerConfig::default()
        .with_cancellation_token(shutdown)
        .with_max_request_body_bytes(max_body_bytes);
    if !access.loopback {
        // Beyond loopback the Host is whatever name clients use; the bearer token guards the endpoint.
        config = config.disable_allowed_hosts();
    }
    let service =
        StreamableHttpService::new(move || Ok(server.clone()), LocalSessionManager::default().into(), config);
    Router::new().nest_service(PATH, service).layer(middleware::from_fn_with_state(Arc::new(access), guard))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(header::HeaderName::from_bytes(k.as_bytes()).unwrap(), v.parse().unwrap());
        }
        h
    }

    #[test]
    fn origins_and_tokens_are_checked() {
        let open =
            Access { token: None, allowed_origins: vec!["https://App.example.com/".into()], loopback: true };
        assert!(check(&open, &headers(&[])).is_ok(), "no Origin: not a browser");
        assert!(check(&open, &headers(&[("origin", "http://localhost:6274")])).is_ok());
        assert!(check(&open, &headers(&[("origin", "http://[::1]:80")])).is_ok());
        assert!(check(&open, &headers(&[("origin", "https://app.example.com")])).is_ok());
        for foreign in ["https://evil.example", "http://localhost.evil.example", "null", "file://localhost"] {
            let refused = check(&open, &headers(&[("origin", foreign)])).unwrap_err();
            assert_eq!(refused.0, StatusCode::FORBIDDEN, "{foreign}");
        }
        let locked = Access { token: Some(SecretString::from("s3cret")), ..open };
        assert_eq!(check(&locked, &headers(&[])).unwrap_err().0, StatusCode::UNAUTHORIZED);
        let wrong = headers(&[("authorization", "Bearer s3cres")]);
        assert_eq!(check(&locked, &wrong).unwrap_err().0, StatusCode::UNAUTHORIZED);
        assert!(check(&locked, &headers(&[("authorization", "Bearer s3cret")])).is_ok());
        assert!(format!("{locked:?}").contains("<set>") && !format!("{locked:?}").contains("s3cret"));
    }
}
