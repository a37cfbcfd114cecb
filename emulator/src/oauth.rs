//! The emulator's Snowflake OAuth endpoints (sql-api-v2.md §8.1-8.3) for one custom security integration:
//! `GET /oauth/authorize` (auto-approve setting instead of a login page; PKCE S256; `state` echoed) and
//! `POST /oauth/token-request` (authorization-code and refresh grants, HTTP Basic or body client auth,
//! single-use refresh tokens, configurable lifetimes, Snowflake's error bodies).
//!
//! Owns the OAuth server side; issued access tokens are registered in [`Credentials`]. Never logs a token.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use base64::Engine as _;
use serde_json::json;
use sha2::{Digest, Sha256};

use super::credentials::Credentials;

/// One `CREATE SECURITY INTEGRATION ... TYPE = OAUTH OAUTH_CLIENT = CUSTOM` plus the user who consents.
#[derive(Debug, Clone)]
pub struct Integration {
    pub client_id: String,
    pub client_secret: String,
    /// `OAUTH_REDIRECT_URI` (must match exactly).
    pub redirect_uri: String,
    /// The user the auto-approved consent logs in as.
    pub user: String,
    /// `OAUTH_ACCESS_TOKEN_VALIDITY` (default 600 s).
    pub access_token_validity: Duration,
    /// `OAUTH_REFRESH_TOKEN_VALIDITY` (default 7776000 s).
    pub refresh_token_validity: Duration,
    /// `OAUTH_ISSUE_REFRESH_TOKENS` (default true).
    pub issue_refresh_tokens: bool,
    /// `OAUTH_SINGLE_USE_REFRESH_TOKENS_REQUIRED` (default false).
    pub single_use_refresh_tokens: bool,
    /// `OAUTH_ENFORCE_PKCE` (default false).
    pub enforce_pkce: bool,
    /// Approve every authorization request at once (no login page). Default true.
    pub auto_approve: bool,
}

impl Integration {
    pub fn new(client_id: &str, client_secret: &str, redirect_uri: &str, user: &str) -> Self {
        Integration {
            client_id: client_id.into(),
            client_secret: client_secret.into(),
            redirect_uri: redirect_uri.into(),
            user: user.into(),
            access_token_validity: Duration::from_secs(600),
            refresh_token_validity: Duration::from_secs(7_776_000),
            issue_refresh_tokens: true,
            single_use_refresh_tokens: false,
            enforce_pkce: false,
            auto_approve: true,
        }
    }
}

struct CodeGrant {
    redirect_uri: String,
    challenge: Option<String>,
    role: Option<String>,
    refresh: bool,
    issued: Instant,
}

struct RefreshGrant {
    role: Option<String>,
    expires: Instant,
}

#[derive(Default)]
struct Grants {
    codes: HashMap<String, CodeGrant>,
    refresh: HashMap<String, RefreshGrant>,
    refreshes_served: usize,
}

/// The OAuth server state.
pub struct OAuthServer {
    integration: Integration,
    credentials: Arc<Credentials>,
    grants: Mutex<Grants>,
}

const CODE_LIFETIME: Duration = Duration::from_secs(600);

fn random_token(prefix: &str) -> String {
    let mut buf = [0u8; 24];
    rand::fill(&mut buf[..]);
    format!("{prefix}{}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(buf))
}

impl OAuthServer {
    pub fn new(integration: Integration, credentials: Arc<Credentials>) -> Arc<OAuthServer> {
        Arc::new(OAuthServer { integration, credentials, grants: Mutex::new(Grants::default()) })
    }

    fn grants(&self) -> std::sync::MutexGuard<'_, Grants> {
        self.grants.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The routes, ready to merge into the emulator (`EmulatorBuilder::routes`).
    pub fn router(self: &Arc<Self>) -> Router {
        Router::new()
            .route("/oauth/authorize", get(authorize))
            .route("/oauth/token-request", post(token_request))
            .with_state(self.clone())
    }

    /// Expire every refresh token issued so far (test hook: "the operator was away for 90 days").
    pub fn expire_refresh_tokens(&self) {
        for g in self.grants().refresh.values_mut() {
            g.expires = Instant::now();
        }
    }

    /// How many refresh grants succeeded.
    pub fn refreshes_served(&self) -> usize {
        self.grants().refreshes_served
    }

    fn issue(&self, role: Option<String>, with_refresh: bool) -> serde_json::Value {
        let i = &self.integration;
        let access = random_token("emu-at-");
        self.credentials.add_access_token(&access, &i.user, role.as_deref(), i.access_token_validity);
        let mut body = json!({
            "access_token": access,
            "expires_in": i.access_token_validity.as_secs(),
            "token_type": "Bearer",
            "username": i.user.to_ascii_uppercase(),
        });
        if with_refresh {
            let refresh = random_token("emu-rt-");
            let expires = Instant::now() + i.refresh_token_validity;
            self.grants().refresh.insert(refresh.clone(), RefreshGrant { role, expires });
            body["refresh_token"] = json!(refresh);
            body["refresh_token_expires_in"] = json!(i.refresh_token_validity.as_secs());
        }
        body
    }
}

type St = State<Arc<OAuthServer>>;

fn oauth_error(status: StatusCode, error: &str, message: &str) -> Response {
    let body = json!({"data": null, "message": message, "code": null, "success": false, "error": error});
    (status, axum::Json(body)).into_response()
}

fn redirect_with(redirect_uri: &str, params: &[(&str, &str)]) -> Response {
    let mut url = redirect_uri.to_string();
    url.push(if url.contains('?') { '&' } else { '?' });
    let q: Vec<String> = params.iter().map(|(k, v)| format!("{k}={}", pct(v))).collect();
    url.push_str(&q.join("&"));
    (StatusCode::FOUND, [(header::LOCATION, url)]).into_response()
}

fn pct(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

async fn authorize(State(srv): St, Query(q): Query<HashMap<String, String>>) -> Response {
    let i = &srv.integration;
    let get = |k: &str| q.get(k).map(String::as_str).unwrap_or_default();
    if get("client_id") != i.client_id {
        return oauth_error(StatusCode::BAD_REQUEST, "invalid_client", "Invalid consent request.");
    }
    if get("redirect_uri") != i.redirect_uri {
        return oauth_error(StatusCode::BAD_REQUEST, "invalid_request", "Redirect URI mismatch (390307).");
    }
    let state = get("state");
    let deny = |error: &str, desc: &str| {
        redirect_with(&i.redirect_uri, &[("error", error), ("error_description", desc), ("state", state)])
    };
    if get("response_type") != "code" {
        return deny("unsupported_response_type", "response_type must be code");
    }
    let challenge = q.get("code_challenge").cloned();
    match (&challenge, get("code_challenge_method")) {
        (Some(_), "S256") => {}
        (Some(_), _) => return deny("invalid_request", "code_challenge_method must be S256"),
        (None, _) if i.enforce_pkce => return deny("invalid_request", "PKCE is required"),
        (None, _) => {}
    }
    let scopes: Vec<&str> = get("scope").split(' ').filter(|s| !s.is_empty()).collect();
    let role = scopes.iter().find_map(|s| s.strip_prefix("session:role:")).map(str::to_string);
    if !i.auto_approve {
        return (StatusCode::FORBIDDEN, "the emulator has no consent page; enable auto_approve")
            .into_response();
    }
    let code = random_token("emu-code-");
    let grant = CodeGrant {
        redirect_uri: i.redirect_uri.clone(),
        challenge,
        role,
        refresh: scopes.contains(&"refresh_token"),
        issued: Instant::now(),
    };
    srv.grants().codes.insert(code.clone(), grant);
    redirect_with(&i.redirect_uri, &[("code", &code), ("state", state)])
}

fn form(body: &Bytes) -> HashMap<String, String> {
    let text = String::from_utf8_lossy(body);
    Uri::builder()
        .path_and_query(format!("/?{}", text.trim()))
        .build()
        .ok()
        .and_then(|uri| Query::<HashMap<String, String>>::try_from_uri(&uri).ok())
        .map(|Query(m)| m)
        .unwrap_or_default()
}

/// Client id and secret from HTTP Basic (url-encoded parts) or the body.
fn client_auth(headers: &HeaderMap, f: &HashMap<String, String>) -> Option<(String, String)> {
    if let Some(basic) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
    {
        let raw = base64::engine::general_purpose::STANDARD.decode(basic.trim()).ok()?;
        let text = String::from_utf8(raw).ok()?;
        let (id, secret) = text.split_once(':')?;
        let m = form(&Bytes::from(format!("id={id}&secret={secret}")));
        return Some((m.get("id")?.clone(), m.get("secret")?.clone()));
    }
    Some((f.get("client_id")?.clone(), f.get("client_secret")?.clone()))
}

async fn token_request(State(srv): St, headers: HeaderMap, body: Bytes) -> Response {
    let f = form(&body);
    let i = &srv.integration;
    match client_auth(&headers, &f) {
        Some((id, secret)) if id == i.client_id && secret == i.client_secret => {}
        _ => return oauth_error(StatusCode::UNAUTHORIZED, "invalid_client", "Invalid client credentials."),
    }
    let get = |k: &str| f.get(k).map(String::as_str).unwrap_or_default();
    match get("grant_type") {
        "authorization_code" => {
            let Some(grant) = srv.grants().codes.remove(get("code")) else {
                return oauth_error(StatusCode::BAD_REQUEST, "invalid_grant", "Invalid authorization code.");
            };
            if grant.issued.elapsed() > CODE_LIFETIME {
                return oauth_error(StatusCode::BAD_REQUEST, "invalid_grant", "Authorization code expired.");
            }
            if get("redirect_uri") != grant.redirect_uri {
                return oauth_error(StatusCode::BAD_REQUEST, "invalid_grant", "Redirect URI mismatch.");
            }
            if let Some(challenge) = &grant.challenge {
                let computed = base64::engine::general_purpose::URL_SAFE_NO_PAD
                    .encode(Sha256::digest(get("code_verifier").as_bytes()));
                if &computed != challenge {
                    return oauth_error(
                        StatusCode::BAD_REQUEST,
                        "invalid_grant",
                        "PKCE verification failed.",
                    );
                }
            }
            let body = srv.issue(grant.role, grant.refresh && i.issue_refresh_tokens);
            (StatusCode::OK, axum::Json(body)).into_response()
        }
        "refresh_token" => {
            let single_use = i.single_use_refresh_tokens || get("enable_single_use_refresh_tokens") == "true";
            let role = {
                let mut g = srv.grants();
                let role = match g.refresh.get(get("refresh_token")) {
                    None => {
                        return oauth_error(
                            StatusCode::BAD_REQUEST,
                            "invalid_grant",
                            "Invalid refresh token.",
                        );
                    }
                    Some(r) if r.expires <= Instant::now() => {
                        return oauth_error(
                            StatusCode::BAD_REQUEST,
                            "invalid_grant",
                            "Refresh token expired.",
                        );
                    }
                    Some(r) => r.role.clone(),
                };
                if single_use {
                    g.refresh.remove(get("refresh_token"));
                }
                g.refreshes_served += 1;
                role
            };
            let body = srv.issue(role, single_use);
            (StatusCode::OK, axum::Json(body)).into_response()
        }
        _ => oauth_error(StatusCode::BAD_REQUEST, "unsupported_grant_type", "Unsupported grant type."),
    }
}
