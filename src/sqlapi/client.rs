//! `Client`: one pooled rustls HTTP client per account, and the four raw calls of the SQL API v2
//! (`submit`, `status`, `partition`, `cancel`), each with retries, 401 token refresh and status counting.
//!
//! Owns headers, URLs, per-request timeouts, gzip decoding (done here rather than by reqwest, so the bytes on
//! the wire can be counted) and the retry loop. Statement life-cycle (poll, cancel on deadline, streaming)
//! lives in `stream.rs`. Must never log or format a token.

use std::io::Read;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::time::Duration;

use reqwest::Url;
use secrecy::ExposeSecret;
use serde_json::Value;

use super::account::{account_base_url, parse_base_url};
use super::error::{Phase, SqlApiError};
use super::observe::{NoopObserver, Observer, Tee};
use super::request::StatementRequest;
use super::response::{
    CancelStatus, StatementResponse, decode_cancel, decode_error, decode_partition, decode_statement,
    error_code,
};
use super::retry::{
    BackoffPolicy, RetryReason, TokenRefreshes, next_retry_delay, parse_retry_after, retry_reason,
};
use super::row::{Row, Schema};
use super::token::TokenSource;

/// Tunables of a [`Client`]. The defaults suit Snowflake; tests shorten the delays.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// Timeout of one HTTP request (a synchronous POST may wait ~45 s server-side).
    pub request_timeout: Duration,
    pub connect_timeout: Duration,
    /// Backoff while polling a running statement (default 50 ms doubling to 2 s).
    pub poll: BackoffPolicy,
    /// Backoff between retries of a failed request (429, 5xx, transport): default 200 ms doubling to 4 s,
    /// jittered; a longer `Retry-After` from the server wins.
    pub retry: BackoffPolicy,
    /// Retries of one request after its first attempt (the 401 refresh does not count); default 10.
    pub max_retries: u32,
    /// Time budget of one request's retries, from its first attempt: no retry is started whose wait would
    /// end later (default 2 min, like the Snowflake connectors' retry timeout). Whichever of this and
    /// `max_retries` is reached first ends the retrying.
    pub retry_budget: Duration,
    /// Result partitions fetched ahead of the one being read.
    pub prefetch: usize,
    /// Timeout of the best-effort cancel sent on deadline or cancellation.
    pub cancel_timeout: Duration,
}

impl Default for ClientConfig {
    fn default() -> Self {
        ClientConfig {
            request_timeout: Duration::from_secs(90),
            connect_timeout: Duration::from_secs(10),
            poll: BackoffPolicy::POLL,
            retry: BackoffPolicy::RETRY,
            max_retries: 10,
            retry_budget: Duration::from_secs(120),
            prefetch: 3,
            cancel_timeout: Duration::from_secs(10),
        }
    }
}

/// Builds a [`Client`].
pub struct ClientBuilder {
    base: Url,
    tokens: Arc<dyn TokenSource>,
    observer: Arc<dyn Observer>,
    config: ClientConfig,
}

impl ClientBuilder {
    pub fn observer(mut self, observer: Arc<dyn Observer>) -> Self {
        self.observer = observer;
        self
    }
    pub fn config(mut self, config: ClientConfig) -> Self {
        self.config = config;
        self
    }
    pub fn build(self) -> Result<Client, SqlApiError> {
        let http = reqwest::Client::builder()
            .user_agent(concat!("snowcat/", env!("CARGO_PKG_VERSION")))
            // Decoded in `call` instead, so the compressed size can be counted.
            .gzip(false)
            .connect_timeout(self.config.connect_timeout)
            .pool_idle_timeout(Duration::from_secs(60))
            .build()
            .map_err(|e| SqlApiError::InvalidRequest(format!("cannot build the HTTP client: {e}")))?;
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base: self.base,
                tokens: self.tokens,
                observer: self.observer,
                config: self.config,
            }),
        })
    }
}

/// A SQL API v2 client. Cheap to clone (shares one connection pool).
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client").field("base_url", &self.inner.base.as_str()).finish_non_exhaustive()
    }
}

pub(crate) struct Inner {
    http: reqwest::Client,
    base: Url,
    tokens: Arc<dyn TokenSource>,
    pub(crate) observer: Arc<dyn Observer>,
    pub(crate) config: ClientConfig,
}

/// Retries and bytes accumulated over the requests of one statement.
#[derive(Debug, Default)]
pub(crate) struct CallStats {
    pub retries: AtomicU32,
    /// Body bytes as received (compressed when gzip).
    pub bytes: AtomicU64,
    /// Body bytes after decompression.
    pub decoded_bytes: AtomicU64,
}

enum Verb<'a> {
    Get,
    Post(Option<&'a Value>),
}

impl Client {
    /// A client for `https://<account>.snowflakecomputing.com`.
    pub fn for_account(account: &str, tokens: Arc<dyn TokenSource>) -> Result<ClientBuilder, SqlApiError> {
        Ok(Self::builder(account_base_url(account)?, tokens))
    }

    /// A client for an explicit base URL (the emulator, a proxy).
    pub fn for_url(url: &str, tokens: Arc<dyn TokenSource>) -> Result<ClientBuilder, SqlApiError> {
        Ok(Self::builder(parse_base_url(url)?, tokens))
    }

    pub fn builder(base: Url, tokens: Arc<dyn TokenSource>) -> ClientBuilder {
        ClientBuilder { base, tokens, observer: Arc::new(NoopObserver), config: ClientConfig::default() }
    }

    pub fn base_url(&self) -> &Url {
        &self.inner.base
    }

    pub fn config(&self) -> &ClientConfig {
        &self.inner.config
    }

    /// A client sharing this one's connection pool, token source and config whose events go to this
    /// client's observer and also to `extra` (e.g. a [`Totals`](super::Totals) for one crawl run).
    pub fn with_observer(&self, extra: Arc<dyn Observer>) -> Client {
        let inner = &self.inner;
        Client {
            inner: Arc::new(Inner {
                http: inner.http.clone(),
                base: inner.base.clone(),
                tokens: inner.tokens.clone(),
                observer: Arc::new(Tee(inner.observer.clone(), extra)),
                config: inner.config.clone(),
            }),
        }
    }

    fn url(&self, segments: &[&str]) -> Result<Url, SqlApiError> {
        let mut url = self.inner.base.clone();
        {
            let mut path = url
                .path_segments_mut()
                .map_err(|_| SqlApiError::InvalidRequest("base URL cannot have a path".into()))?;
            path.pop_if_empty().extend(["api", "v2", "statements"]).extend(segments);
        }
        Ok(url)
    }

    /// One HTTP exchange with retries (429/5xx/transport, within `max_retries` and `retry_budget`), 401
    /// refreshes (see [`TokenRefreshes`]), and `retry=true` on POST resubmissions. Returns the final status and (decompressed) body;
    /// non-retryable statuses are returned as is for the caller's decoder.
    async fn call(
        &self,
        phase: Phase,
        verb: Verb<'_>,
        url: Url,
        mut query: Vec<(&'static str, String)>,
        stats: &CallStats,
    ) -> Result<(u16, Vec<u8>), SqlApiError> {
        let inner = &self.inner;
        let mut backoff = inner.config.retry.start();
        let first_attempt = tokio::time::Instant::now();
        let mut attempts = 0u32;
        let mut refreshes = TokenRefreshes::default();
        let is_post = matches!(verb, Verb::Post(_));
        loop {
            let token = inner.tokens.token().await.map_err(|e| SqlApiError::Token { phase, message: e.0 })?;
            let mut req = match verb {
                Verb::Get => inner.http.get(url.clone()),
                Verb::Post(body) => {
                    let r = inner.http.post(url.clone());
                    match body {
                        Some(b) => r.json(b),
                        None => r.header(reqwest::header::CONTENT_TYPE, "application/json").body("{}"),
                    }
                }
            };
            req = req
                .query(&query)
                .timeout(inner.config.request_timeout)
                .header(reqwest::header::ACCEPT, "application/json")
                .header(reqwest::header::ACCEPT_ENCODING, "gzip")
                .header("X-Snowflake-Authorization-Token-Type", token.token_type.header_value())
                .bearer_auth(token.secret.expose_secret());
            for (name, value) in inner.tokens.extra_headers() {
                req = req.header(name, value);
            }
            let mut retry_after = None;
            let outcome = match req.send().await {
                Ok(resp) => {
                    let status = resp.status().as_u16();
                    inner.observer.http_status(phase, status);
                    let header = |name| resp.headers().get(name).and_then(|v| v.to_str().ok());
                    retry_after = header(reqwest::header::RETRY_AFTER)
                        .and_then(|v| parse_retry_after(v, chrono::Utc::now()));
                    let gzipped = header(reqwest::header::CONTENT_ENCODING).is_some_and(is_gzip);
                    match resp.bytes().await {
                        Ok(raw) => {
                            stats.bytes.fetch_add(raw.len() as u64, Ordering::Relaxed);
                            gunzip_if(phase, gzipped, &raw).map(|body| (status, body))
                        }
                        Err(e) => Err(transport(phase, &e)),
                    }
                }
                Err(e) => Err(transport(phase, &e)),
            };
            let err = match outcome {
                Ok((status, body)) => {
                    stats.decoded_bytes.fetch_add(body.len() as u64, Ordering::Relaxed);
                    if status == 401
                        && refreshes
                            .on_unauthorized(token.secret.expose_secret(), error_code(&body).as_deref())
                    {
                        inner.tokens.invalidate(&token);
                        self.note_retry(phase, RetryReason::Unauthorized, stats, &mut query, is_post);
                        continue;
                    }
                    if status == 429 || (500..600).contains(&status) {
                        decode_error(phase, status, &body)
                    } else {
                        return Ok((status, body));
                    }
                }
                Err(e) => e,
            };
            let Some(reason) = retry_reason(&err) else { return Err(err) };
            attempts += 1;
            let Some(delay) = next_retry_delay(
                &mut backoff,
                attempts,
                inner.config.max_retries,
                inner.config.retry_budget,
                first_attempt.elapsed(),
                retry_after,
            ) else {
                tracing::debug!(phase = %phase, reason = reason.as_str(), retries = attempts - 1, "giving up");
                return Err(err);
            };
            tracing::debug!(phase = %phase, reason = reason.as_str(), ?delay, "retrying SQL API request");
            self.note_retry(phase, reason, stats, &mut query, is_post);
            tokio::time::sleep(delay).await;
        }
    }

    fn note_retry(
        &self,
        phase: Phase,
        reason: RetryReason,
        stats: &CallStats,
        query: &mut Vec<(&'static str, String)>,
        is_post: bool,
    ) {
        stats.retries.fetch_add(1, Ordering::Relaxed);
        self.inner.observer.retry(phase, reason);
        // A resubmitted POST keeps its requestId and says retry=true, so Snowflake never runs it twice.
        if is_post && phase == Phase::Submit && !query.iter().any(|(k, _)| *k == "retry") {
            query.push(("retry", "true".into()));
        }
    }

    pub(crate) async fn submit_with(
        &self,
        req: &StatementRequest,
        stats: &CallStats,
    ) -> Result<StatementResponse, SqlApiError> {
        let body = req.body();
        let (status, bytes) =
            self.call(Phase::Submit, Verb::Post(Some(&body)), self.url(&[])?, req.query(), stats).await?;
        decode_statement(Phase::Submit, status, &bytes, !req.nullable)
    }

    pub(crate) async fn status_with(
        &self,
        handle: &str,
        null_string_is_null: bool,
        stats: &CallStats,
    ) -> Result<StatementResponse, SqlApiError> {
        let url = self.url(&[handle])?;
        let (status, bytes) = self.call(Phase::Poll, Verb::Get, url, request_id_query(), stats).await?;
        decode_statement(Phase::Poll, status, &bytes, null_string_is_null)
    }

    pub(crate) async fn partition_with(
        &self,
        handle: &str,
        n: usize,
        schema: &Arc<Schema>,
        stats: &CallStats,
    ) -> Result<Vec<Row>, SqlApiError> {
        let mut query = request_id_query();
        query.push(("partition", n.to_string()));
        let (status, bytes) =
            self.call(Phase::Partition, Verb::Get, self.url(&[handle])?, query, stats).await?;
        decode_partition(status, &bytes, schema)
    }

    /// `POST /api/v2/statements`: run a statement (sync or async per `req.async_exec`).
    pub async fn submit(&self, req: &StatementRequest) -> Result<StatementResponse, SqlApiError> {
        self.submit_with(req, &CallStats::default()).await
    }

    /// `GET /api/v2/statements/{handle}`: still running (202), or done with metadata and partition 0.
    pub async fn status(&self, handle: &str) -> Result<StatementResponse, SqlApiError> {
        self.status_with(handle, false, &CallStats::default()).await
    }

    /// `GET /api/v2/statements/{handle}?partition=N`: the rows of partition `n` (metadata from `status`).
    pub async fn partition(
        &self,
        handle: &str,
        n: usize,
        schema: &Arc<Schema>,
    ) -> Result<Vec<Row>, SqlApiError> {
        self.partition_with(handle, n, schema, &CallStats::default()).await
    }

    /// `POST /api/v2/statements/{handle}/cancel` (200 even if the statement already finished).
    pub async fn cancel(&self, handle: &str) -> Result<CancelStatus, SqlApiError> {
        let url = self.url(&[handle, "cancel"])?;
        let (status, bytes) = self
            .call(Phase::Cancel, Verb::Post(None), url, request_id_query(), &CallStats::default())
            .await?;
        decode_cancel(status, &bytes)
    }
}

/// `Content-Encoding: gzip` (or the legacy `x-gzip`).
fn is_gzip(encoding: &str) -> bool {
    encoding
        .split(',')
        .map(str::trim)
        .any(|e| e.eq_ignore_ascii_case("gzip") || e.eq_ignore_ascii_case("x-gzip"))
}

/// The body as sent, or gunzipped when the server compressed it. A broken gzip stream is a transport error
/// (the body was damaged on the way), which is retried like a reset.
fn gunzip_if(phase: Phase, gzipped: bool, raw: &[u8]) -> Result<Vec<u8>, SqlApiError> {
    if !gzipped {
        return Ok(raw.to_vec());
    }
    let mut out = Vec::with_capacity(raw.len().saturating_mul(4));
    flate2::read::MultiGzDecoder::new(raw).read_to_end(&mut out).map_err(|e| SqlApiError::Transport {
        phase,
        message: format!("body could not be read: gzip: {e}"),
    })?;
    Ok(out)
}

fn request_id_query() -> Vec<(&'static str, String)> {
    vec![("requestId", uuid::Uuid::new_v4().to_string())]
}

/// A transport error without URL query or headers (reqwest's Display may include the URL; ours has no secret,
/// but keep it short).
fn transport(phase: Phase, e: &reqwest::Error) -> SqlApiError {
    let kind = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "connection failed"
    } else if e.is_body() || e.is_decode() {
        "body could not be read"
    } else {
        "request failed"
    };
    let mut message = kind.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        message.push_str(": ");
        message.push_str(&s.to_string());
        source = s.source();
    }
    SqlApiError::Transport { phase, message }
}
