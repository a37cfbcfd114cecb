//! [`OAuthSource`]: the daemon's OAuth token source. It refreshes the access token at a fraction of its
//! lifetime and again when Snowflake answers 401 (390303/390318), persists a rotated (single-use) refresh
//! token before using the new access token, and stops with one clear message when the refresh token is
//! expired or revoked.
//!
//! Owns the access-token cache and refresh serialisation. Never logs a token or the client secret.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use secrecy::{ExposeSecret, SecretString};

use super::flow::{LoginRequest, refresh_grant};
use super::relogin_message;
use super::store::{StoredToken, TokenStore};
use crate::auth::AuthError;
use crate::auth::secret::SecretSource;
use crate::metrics::Metrics;
use crate::sqlapi::{BoxFuture, Token, TokenError, TokenSource, TokenType};

/// Settings of an [`OAuthSource`] (and of `snowcat auth login`).
#[derive(Debug, Clone)]
pub struct OAuthOptions {
    /// The configured account name (token file name and messages).
    pub account_name: String,
    pub request: LoginRequest,
    pub client_secret: SecretSource,
    pub store: TokenStore,
    /// Refresh after this fraction of `expires_in` (default 0.8).
    pub refresh_at_fraction: f64,
}

#[derive(Default)]
struct Cached {
    access: Option<(SecretString, Instant)>,
    /// Set once the refresh token is refused: every later call fails fast with this message.
    dead: Option<String>,
}

/// OAuth access tokens with a managed lifecycle.
pub struct OAuthSource {
    opts: OAuthOptions,
    http: reqwest::Client,
    cached: Mutex<Cached>,
    refreshing: tokio::sync::Mutex<()>,
    metrics: Option<Arc<Metrics>>,
}

impl std::fmt::Debug for OAuthSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OAuthSource").field("account", &self.opts.account_name).finish_non_exhaustive()
    }
}

impl OAuthSource {
    pub fn new(opts: OAuthOptions) -> Result<Self, AuthError> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()
            .map_err(|e| AuthError::Http(format!("cannot build the HTTP client: {e}")))?;
        Ok(OAuthSource {
            opts,
            http,
            cached: Mutex::new(Cached::default()),
            refreshing: Default::default(),
            metrics: None,
        })
    }

    /// Count refreshes in `snowcat_token_refreshes_total` / `snowcat_token_refresh_failures_total`.
    pub fn with_metrics(mut self, metrics: Arc<Metrics>) -> Self {
        self.metrics = Some(metrics);
        self
    }

    fn count(&self, ok: bool) {
        if let Some(m) = &self.metrics {
            m.token_refresh(&self.opts.account_name, ok);
        }
    }

    fn cached(&self) -> std::sync::MutexGuard<'_, Cached> {
        self.cached.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn fresh(&self) -> Result<Option<Token>, AuthError> {
        let c = self.cached();
        if let Some(msg) = &c.dead {
            return Err(AuthError::NeedsOperator(msg.clone()));
        }
        Ok(c.access
            .as_ref()
            .filter(|(_, due)| Instant::now() < *due)
            .map(|(t, _)| Token { secret: t.clone(), token_type: TokenType::OAuth }))
    }

    async fn token_now(&self) -> Result<Token, AuthError> {
        if let Some(t) = self.fresh()? {
            return Ok(t);
        }
        let _one_at_a_time = self.refreshing.lock().await;
        if let Some(t) = self.fresh()? {
            return Ok(t);
        }
        let result = self.refresh().await;
        self.count(result.is_ok());
        result
    }

    async fn refresh(&self) -> Result<Token, AuthError> {
        let account = &self.opts.account_name;
        let stored = self.opts.store.load()?.ok_or_else(|| {
            AuthError::NeedsOperator(format!(
                "no OAuth refresh token stored for account {account} ({}); run `snowcat auth login --account \
                 {account}`",
                self.opts.store.path().display()
            ))
        })?;
        let secret = self.opts.client_secret.read("OAuth client secret")?;
        let reply =
            match refresh_grant(&self.http, &self.opts.request, &secret, &stored.refresh_token).await? {
                Ok(reply) => reply,
                Err(refusal) if refusal.error == "invalid_grant" || refusal.status == 401 => {
                    let msg = relogin_message(account, &format!("{}: {}", refusal.error, refusal.message));
                    // The error reaches the operator once, through the caller (`crawl --once` prints it,
                    // the daemon's `run failed` line carries it); logging it here too said it twice.
                    tracing::debug!(account = %account, "refresh token refused: {msg}");
                    self.cached().dead = Some(msg.clone());
                    return Err(AuthError::NeedsOperator(msg));
                }
                Err(refusal) => {
                    return Err(AuthError::Http(format!(
                        "OAuth refresh for account {account} failed ({}, HTTP {}): {}",
                        refusal.error, refusal.status, refusal.message
                    )));
                }
            };
        // Single-use refresh tokens: the old one is dead now, so the new one must be on disk before use.
        if let Some(rotated) = reply.refresh_token {
            let saved_at =
                SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or_default();
            self.opts.store.save(&StoredToken {
                refresh_token: rotated,
                saved_at,
                username: stored.username,
            })?;
            tracing::debug!(account = %account, "stored the rotated OAuth refresh token");
        }
        let lifetime = Duration::from_secs(reply.expires_in.unwrap_or(600).max(1));
        let due = Instant::now() + lifetime.mul_f64(self.opts.refresh_at_fraction.clamp(0.05, 0.95));
        self.cached().access = Some((reply.access_token.clone(), due));
        tracing::debug!(account = %account, expires_in = lifetime.as_secs(), "refreshed the OAuth access token");
        Ok(Token { secret: reply.access_token, token_type: TokenType::OAuth })
    }
}

impl TokenSource for OAuthSource {
    fn token(&self) -> BoxFuture<'_, Result<Token, TokenError>> {
        Box::pin(async move { self.token_now().await.map_err(TokenError::from) })
    }

    /// A 401 (390303 invalid / 390318 expired): drop the access token so the next call refreshes.
    fn invalidate(&self, rejected: &Token) {
        let mut c = self.cached();
        if c.access.as_ref().is_some_and(|(t, _)| t.expose_secret() == rejected.secret.expose_secret()) {
            c.access = None;
        }
    }
}
