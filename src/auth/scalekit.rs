//! The Scalekit Agent Auth transport: a client-credentials token from `{env_url}/oauth/token` (refreshed
//! before expiry and on 401), SQL API calls sent through `{env_url}/proxy/api/v2/...` with the
//! `connection_name` and `identifier` headers, the magic (authorization) link, and the connected-account
//! status check (scalekit-agent-auth.md §2, §4, §5, §8).
//!
//! Owns the Scalekit side only; the user's Snowflake token never reaches snowcat. Never logs the client
//! secret or the Scalekit token.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use reqwest::Url;
use secrecy::{ExposeSecret, SecretString};

use super::AuthError;
use super::secret::SecretSource;
use crate::sqlapi::{BoxFuture, Token, TokenError, TokenSource, TokenType};

/// Settings of a [`ScalekitSource`].
#[derive(Debug, Clone)]
pub struct ScalekitOptions {
    /// `https://<env>.scalekit.com` (no trailing slash needed).
    pub env_url: String,
    pub client_id: String,
    pub client_secret: SecretSource,
    /// The Snowflake connection's name in Scalekit (`connection_name` header, `connector` field).
    pub connection_name: String,
    /// The connected account's identifier (the user).
    pub identifier: String,
}

#[derive(Default)]
struct Cached {
    token: Option<(SecretString, Instant)>,
    account_checked: bool,
}

/// Scalekit bearer tokens plus the proxy headers.
pub struct ScalekitSource {
    opts: ScalekitOptions,
    base: Url,
    http: reqwest::Client,
    cached: Mutex<Cached>,
    refreshing: tokio::sync::Mutex<()>,
}

impl std::fmt::Debug for ScalekitSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ScalekitSource")
            .field("env_url", &self.opts.env_url)
            .field("connection_name", &self.opts.connection_name)
            .field("identifier", &self.opts.identifier)
            .finish_non_exhaustive()
    }
}

#[derive(serde::Deserialize)]
struct TokenReply {
    access_token: SecretString,
    #[serde(default)]
    expires_in: Option<u64>,
}

impl ScalekitSource {
    pub fn new(opts: ScalekitOptions) -> Result<Self, AuthError> {
        let base = Url::parse(opts.env_url.trim_end_matches('/'))
            .map_err(|e| AuthError::Config(format!("scalekit env_url {:?}: {e}", opts.env_url)))?;
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()
            .map_err(|e| AuthError::Http(format!("cannot build the HTTP client: {e}")))?;
        Ok(ScalekitSource {
            opts,
            base,
            http,
            cached: Mutex::new(Cached::default()),
            refreshing: Default::default(),
        })
    }

    /// The base URL the SQL API client must use: `{env_url}/proxy`.
    pub fn proxy_base_url(&self) -> String {
        format!("{}/proxy", self.opts.env_url.trim_end_matches('/'))
    }

    fn url(&self, path: &str) -> Result<Url, AuthError> {
        self.base.join(path).map_err(|e| AuthError::Config(format!("scalekit URL {path}: {e}")))
    }

    fn cached(&self) -> std::sync::MutexGuard<'_, Cached> {
        self.cached.lock().unwrap_or_else(|p| p.into_inner())
    }

    async fn fetch_token(&self) -> Result<SecretString, AuthError> {
        if let Some((t, due)) = &self.cached().token
            && Instant::now() < *due
        {
            return Ok(t.clone());
        }
        let _one = self.refreshing.lock().await;
        if let Some((t, due)) = &self.cached().token
            && Instant::now() < *due
        {
            return Ok(t.clone());
        }
        let secret = self.opts.client_secret.read("Scalekit client secret")?;
        let url = self.url("/oauth/token")?;
        let resp = self
            .http
            .post(url.clone())
            .form(&[
                ("grant_type", "client_credentials"),
                ("client_id", self.opts.client_id.as_str()),
                ("client_secret", secret.expose_secret()),
            ])
            .send()
            .await
            .map_err(|e| AuthError::Http(format!("Scalekit token endpoint {url}: {}", e.without_url())))?;
        let status = resp.status().as_u16();
        let body =
            resp.bytes().await.map_err(|e| AuthError::Http(format!("Scalekit token endpoint: {e}")))?;
        if !(200..300).contains(&status) {
            let v: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
            let field = |k: &str| v.get(k).and_then(|x| x.as_str()).map(str::to_string);
            let why = field("error_description").or_else(|| field("error")).or_else(|| field("message"));
            return Err(AuthError::NeedsOperator(format!(
                "Scalekit refused the client credentials of {} (HTTP {status}): {}",
                self.opts.client_id,
                why.unwrap_or_default()
            )));
        }
        let reply: TokenReply = serde_json::from_slice(&body)
            .map_err(|_| AuthError::Http("Scalekit token endpoint: unexpected reply".into()))?;
        // Refresh 60 s before expiry (like the lite SDK), or at 80% for short lifetimes.
        let life = Duration::from_secs(reply.expires_in.unwrap_or(3600).max(1));
        let early = life.saturating_sub(Duration::from_secs(60)).max(life.mul_f64(0.8));
        self.cached().token = Some((reply.access_token.clone(), Instant::now() + early));
        Ok(reply.access_token)
    }

    /// The connected account's status (`ACTIVE`, `PENDING_AUTH`, `EXPIRED`, ...).
    pub async fn account_status(&self) -> Result<String, AuthError> {
        let token = self.fetch_token().await?;
        let mut url = self.url("/api/v1/connected_accounts/details")?;
        url.query_pairs_mut()
            .append_pair("connector", &self.opts.connection_name)
            .append_pair("identifier", &self.opts.identifier);
        let resp = self.http.get(url).bearer_auth(token.expose_secret()).send().await.map_err(|e| {
            AuthError::Http(format!("Scalekit connected account lookup: {}", e.without_url()))
        })?;
        let status = resp.status().as_u16();
        if status == 404 {
            return Err(self.not_active("not found (run `snowcat auth login --scalekit`)"));
        }
        let v: serde_json::Value = resp.json().await.unwrap_or_default();
        if !(200..300).contains(&status) {
            let msg = v.get("message").and_then(|m| m.as_str()).unwrap_or_default();
            return Err(AuthError::Http(format!("Scalekit connected account lookup: HTTP {status}: {msg}")));
        }
        Ok(v.pointer("/connected_account/status")
            .and_then(|s| s.as_str())
            .unwrap_or("CONNECTION_STATUS_UNSPECIFIED")
            .to_string())
    }

    fn not_active(&self, what: &str) -> AuthError {
        AuthError::NeedsOperator(format!(
            "Scalekit connected account {:?} on connection {:?} is {what}",
            self.opts.identifier, self.opts.connection_name
        ))
    }

    /// Fail unless the connected account is ACTIVE, naming its status.
    pub async fn ensure_active(&self) -> Result<(), AuthError> {
        let status = self.account_status().await?;
        if status == "ACTIVE" {
            return Ok(());
        }
        Err(self.not_active(&format!(
            "{status}, not ACTIVE; run `snowcat auth login --scalekit` and have the user open the link"
        )))
    }

    /// The authorization ("magic") link for the user; creates the connected account if needed.
    pub async fn magic_link(&self) -> Result<String, AuthError> {
        let token = self.fetch_token().await?;
        let url = self.url("/api/v1/connected_accounts/magic_link")?;
        let body =
            serde_json::json!({"connector": self.opts.connection_name, "identifier": self.opts.identifier});
        let resp = self
            .http
            .post(url)
            .bearer_auth(token.expose_secret())
            .json(&body)
            .send()
            .await
            .map_err(|e| AuthError::Http(format!("Scalekit magic link: {}", e.without_url())))?;
        let status = resp.status().as_u16();
        let v: serde_json::Value = resp.json().await.unwrap_or_default();
        match v.get("link").and_then(|l| l.as_str()) {
            Some(link) if (200..300).contains(&status) => Ok(link.to_string()),
            _ => Err(AuthError::Http(format!(
                "Scalekit magic link: HTTP {status}: {}",
                v.get("message").and_then(|m| m.as_str()).unwrap_or_default()
            ))),
        }
    }

    async fn token_now(&self) -> Result<Token, AuthError> {
        if !self.cached().account_checked {
            self.ensure_active().await?;
            self.cached().account_checked = true;
        }
        Ok(Token { secret: self.fetch_token().await?, token_type: TokenType::OAuth })
    }
}

impl TokenSource for ScalekitSource {
    fn token(&self) -> BoxFuture<'_, Result<Token, TokenError>> {
        Box::pin(async move { self.token_now().await.map_err(TokenError::from) })
    }

    /// A 401 through the proxy: new Scalekit token, and check the connected account again.
    fn invalidate(&self, rejected: &Token) {
        let mut c = self.cached();
        if c.token.as_ref().is_some_and(|(t, _)| t.expose_secret() == rejected.secret.expose_secret()) {
            c.token = None;
        }
        c.account_checked = false;
    }

    fn extra_headers(&self) -> Vec<(&'static str, String)> {
        vec![
            ("connection_name", self.opts.connection_name.clone()),
            ("identifier", self.opts.identifier.clone()),
        ]
    }
}
