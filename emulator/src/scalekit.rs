//! A local stand-in for Scalekit Agent Auth (scalekit-agent-auth.md §10): the client-credentials token
//! endpoint, the magic link (with a completion route a scripted browser follows), connected-account
//! lookups with statuses, and the `/proxy/...` pass-through that swaps the Scalekit bearer for the user's
//! Snowflake OAuth token and forwards to the emulator.
//!
//! Runs as its own loopback server (Scalekit is another host). Error bodies use the gateway envelope.
//! Never logs a token.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post};
use base64::Engine as _;
use serde_json::json;
use tokio_util::sync::CancellationToken;

/// The stand-in's environment.
#[derive(Debug, Clone)]
pub struct StandInConfig {
    pub client_id: String,
    pub client_secret: String,
    /// Connection names that exist (`snowflake` by default).
    pub connections: Vec<String>,
    /// The SQL API base URL the proxy forwards to (the emulator).
    pub upstream: String,
    /// The Snowflake OAuth token a connected account gets when the user completes the magic link.
    pub snowflake_token: String,
    /// Lifetime of the client-credentials token (default 86399 s).
    pub token_lifetime: Duration,
}

#[derive(Debug, Clone)]
struct Account {
    id: String,
    connector: String,
    identifier: String,
    status: String,
    snowflake_token: Option<String>,
}

#[derive(Default)]
struct Data {
    accounts: Vec<Account>,
    links: HashMap<String, usize>,
    tokens: Vec<String>,
    issued: usize,
    proxied: usize,
}

struct StandIn {
    cfg: StandInConfig,
    base: String,
    data: Mutex<Data>,
    http: reqwest::Client,
}

impl StandIn {
    fn data(&self) -> std::sync::MutexGuard<'_, Data> {
        self.data.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// A running stand-in. Dropping it stops the server.
pub struct ScalekitHandle {
    addr: SocketAddr,
    inner: Arc<StandIn>,
    shutdown: CancellationToken,
}

impl Drop for ScalekitHandle {
    fn drop(&mut self) {
        self.shutdown.cancel();
    }
}

fn random_id(prefix: &str) -> String {
    let mut buf = [0u8; 12];
    rand::fill(&mut buf[..]);
    format!("{prefix}{}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(buf))
}

impl ScalekitHandle {
    /// Start on `127.0.0.1:0`.
    pub async fn start(cfg: StandInConfig) -> std::io::Result<ScalekitHandle> {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
        let addr = listener.local_addr()?;
        let http = reqwest::Client::builder().build().map_err(std::io::Error::other)?;
        let inner = Arc::new(StandIn {
            cfg,
            base: format!("http://{addr}"),
            data: Mutex::new(Data::default()),
            http,
        });
        let app = Router::new()
            .route("/oauth/token", post(token))
            .route("/api/v1/connected_accounts/magic_link", post(magic_link))
            .route("/api/v1/connected_accounts/details", get(details))
            .route("/magic/{link}", get(complete_link))
            .route("/proxy/{*path}", any(proxy))
            .with_state(inner.clone());
        let shutdown = CancellationToken::new();
        let stop = shutdown.clone();
        tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async move { stop.cancelled().await })
                .await;
        });
        Ok(ScalekitHandle { addr, inner, shutdown })
    }

    /// `http://127.0.0.1:PORT` (the `env_url`).
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Create or update a connected account with a status (test setup), e.g. `EXPIRED`.
    pub fn set_account(
        &self,
        connector: &str,
        identifier: &str,
        status: &str,
        snowflake_token: Option<&str>,
    ) {
        let mut d = self.inner.data();
        let acct = Account {
            id: random_id("ca_"),
            connector: connector.into(),
            identifier: identifier.into(),
            status: status.into(),
            snowflake_token: snowflake_token.map(str::to_string),
        };
        match d.accounts.iter_mut().find(|a| a.connector == connector && a.identifier == identifier) {
            Some(a) => {
                a.status = acct.status;
                a.snowflake_token = acct.snowflake_token;
            }
            None => d.accounts.push(acct),
        }
    }

    /// Revoke every client-credentials token issued so far (the next call with one gets 401).
    pub fn revoke_tokens(&self) {
        self.inner.data().tokens.clear();
    }

    /// Client-credentials tokens issued so far.
    pub fn tokens_issued(&self) -> usize {
        self.inner.data().issued
    }

    /// Requests forwarded through the proxy so far.
    pub fn proxied(&self) -> usize {
        self.inner.data().proxied
    }
}

type St = State<Arc<StandIn>>;

/// The REST gateway's google.rpc.Status envelope.
fn status_error(http: StatusCode, code: u32, error_code: &str, message: &str) -> Response {
    let body = json!({"code": code, "message": message, "details": [{
        "@type": "type.googleapis.com/scalekit.v1.errdetails.ErrorInfo", "error_code": error_code}]});
    (http, axum::Json(body)).into_response()
}

fn unauthenticated() -> Response {
    status_error(StatusCode::UNAUTHORIZED, 16, "UNAUTHENTICATED", "Token empty or invalid")
}

fn bearer_ok(srv: &StandIn, headers: &HeaderMap) -> bool {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    !token.is_empty() && srv.data().tokens.iter().any(|t| t == token)
}

async fn token(State(srv): St, body: Bytes) -> Response {
    let text = String::from_utf8_lossy(&body);
    let f = Uri::builder()
        .path_and_query(format!("/?{}", text.trim()))
        .build()
        .ok()
        .and_then(|u| Query::<HashMap<String, String>>::try_from_uri(&u).ok())
        .map(|Query(m)| m)
        .unwrap_or_default();
    let get = |k: &str| f.get(k).map(String::as_str).unwrap_or_default();
    if get("grant_type") != "client_credentials"
        || get("client_id") != srv.cfg.client_id
        || get("client_secret") != srv.cfg.client_secret
    {
        let body = json!({"error": "invalid_client", "error_description": "invalid client credentials"});
        return (StatusCode::UNAUTHORIZED, axum::Json(body)).into_response();
    }
    let tok = random_id("sk-tok-");
    {
        let mut d = srv.data();
        d.tokens.push(tok.clone());
        d.issued += 1;
    }
    let body = json!({"access_token": tok, "token_type": "Bearer",
        "expires_in": srv.cfg.token_lifetime.as_secs(), "scope": "openid"});
    axum::Json(body).into_response()
}

async fn magic_link(State(srv): St, headers: HeaderMap, body: Bytes) -> Response {
    if !bearer_ok(&srv, &headers) {
        return unauthenticated();
    }
    let v: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
    let connector = v.get("connector").and_then(|c| c.as_str()).unwrap_or_default().to_string();
    let identifier = v.get("identifier").and_then(|c| c.as_str()).unwrap_or_default().to_string();
    if connector.is_empty() || identifier.is_empty() {
        return status_error(
            StatusCode::BAD_REQUEST,
            3,
            "INVALID_ARGUMENT",
            "connector and identifier required",
        );
    }
    if !srv.cfg.connections.contains(&connector) {
        return status_error(StatusCode::NOT_FOUND, 5, "RESOURCE_NOT_FOUND", "connection not found");
    }
    let mut d = srv.data();
    let idx = match d.accounts.iter().position(|a| a.connector == connector && a.identifier == identifier) {
        Some(i) => i,
        None => {
            d.accounts.push(Account {
                id: random_id("ca_"),
                connector,
                identifier,
                status: "PENDING_AUTH".into(),
                snowflake_token: None,
            });
            d.accounts.len() - 1
        }
    };
    let link = random_id("ml_");
    d.links.insert(link.clone(), idx);
    let expiry = chrono::Utc::now() + chrono::Duration::minutes(1);
    axum::Json(json!({"link": format!("{}/magic/{link}", srv.base), "expiry": expiry.to_rfc3339()}))
        .into_response()
}

/// What the user's browser reaches after consenting at Snowflake: the account becomes ACTIVE.
async fn complete_link(State(srv): St, Path(link): Path<String>) -> Response {
    let mut d = srv.data();
    let Some(idx) = d.links.remove(&link) else {
        return (StatusCode::NOT_FOUND, "unknown or used link").into_response();
    };
    let token = srv.cfg.snowflake_token.clone();
    if let Some(a) = d.accounts.get_mut(idx) {
        a.status = "ACTIVE".into();
        a.snowflake_token = Some(token);
    }
    (StatusCode::OK, "Snowflake connected. You can close this tab.").into_response()
}

async fn details(State(srv): St, headers: HeaderMap, Query(q): Query<HashMap<String, String>>) -> Response {
    if !bearer_ok(&srv, &headers) {
        return unauthenticated();
    }
    let get = |k: &str| q.get(k).map(String::as_str).unwrap_or_default();
    let d = srv.data();
    match d.accounts.iter().find(|a| a.connector == get("connector") && a.identifier == get("identifier")) {
        Some(a) => axum::Json(json!({"connected_account": {
            "id": a.id, "identifier": a.identifier, "provider": "SNOWFLAKE", "connector": a.connector,
            "status": a.status, "authorization_type": "OAUTH"}}))
        .into_response(),
        None => status_error(
            StatusCode::NOT_FOUND,
            5,
            "RESOURCE_NOT_FOUND",
            "Connected account not found - no account matches the specified criteria",
        ),
    }
}

async fn proxy(State(srv): St, method: Method, uri: Uri, headers: HeaderMap, body: Bytes) -> Response {
    if !bearer_ok(&srv, &headers) {
        return unauthenticated();
    }
    let h = |k: &str| headers.get(k).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    let (conn, ident) = (h("connection_name"), h("identifier"));
    let account = srv.data().accounts.iter().find(|a| a.connector == conn && a.identifier == ident).cloned();
    let Some(account) = account else {
        return status_error(StatusCode::NOT_FOUND, 5, "RESOURCE_NOT_FOUND", "connected account not found");
    };
    let (true, Some(sf_token)) = (account.status == "ACTIVE", account.snowflake_token) else {
        let msg = format!("connected account is {}", account.status);
        return status_error(StatusCode::BAD_REQUEST, 9, "FAILED_PRECONDITION", &msg);
    };
    let path_q = uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
    let upstream_path = path_q.strip_prefix("/proxy").unwrap_or(path_q);
    let url = format!("{}{upstream_path}", srv.cfg.upstream.trim_end_matches('/'));
    let mut req = srv.http.request(method, url).bearer_auth(sf_token).body(body);
    for name in [header::CONTENT_TYPE, header::ACCEPT] {
        if let Some(v) = headers.get(&name) {
            req = req.header(name, v);
        }
    }
    if let Some(v) = headers.get("X-Snowflake-Authorization-Token-Type") {
        req = req.header("X-Snowflake-Authorization-Token-Type", v);
    }
    srv.data().proxied += 1;
    match req.send().await {
        Ok(resp) => {
            let status = StatusCode::from_u16(resp.status().as_u16()).unwrap_or(StatusCode::BAD_GATEWAY);
            let ctype = resp.headers().get(header::CONTENT_TYPE).cloned();
            let bytes = resp.bytes().await.unwrap_or_default();
            let mut out = (status, bytes).into_response();
            if let Some(c) = ctype {
                out.headers_mut().insert(header::CONTENT_TYPE, c);
            }
            out
        }
        Err(_) => status_error(StatusCode::BAD_GATEWAY, 14, "UNAVAILABLE", "upstream unavailable"),
    }
}
