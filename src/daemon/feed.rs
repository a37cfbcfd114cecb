//! The change feed: after a run with changes, append the selected changes as NDJSON to a file and/or POST a
//! JSON summary to a webhook (timeout per attempt, exponential backoff between attempts).
//!
//! A failing sink is logged and counted, never returned as a run failure. Must not read the catalog: the
//! caller maps the catalog's changes to [`ChangeEvent`]s.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use backon::{ExponentialBuilder, Retryable};
use serde::{Deserialize, Serialize};
use tokio::io::AsyncWriteExt;
use uuid::Uuid;

use crate::config::NotificationsConfig;
use crate::metrics::Metrics;

/// One recorded change, as the feed publishes it (one NDJSON line, one element of the webhook's `changes`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChangeEvent {
    /// The run that recorded the change.
    pub run_id: Uuid,
    /// The account's configured name.
    pub account: String,
    /// Object kind: `database`, `schema`, `table`, `column`, `constraint`, `grant`, `role_membership`,
    /// `future_grant`, `warehouse`, `view`, `dynamic_table`, `stream`, `task`, `pipe`, `stage`, `function`,
    /// `procedure`, `sequence`.
    pub kind: String,
    /// What happened: `added`, `removed`, `modified`, `renamed`, `replaced`.
    pub change: String,
    /// The object's key in the catalog (e.g. `DB.SCHEMA.TABLE`).
    pub object_key: String,
    /// The attribute that changed (for `modified`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// The value before (absent for `added`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<serde_json::Value>,
    /// The value after (absent for `removed`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<serde_json::Value>,
    /// `breaking`, `security`, `additive`, `cosmetic` or `operational` (a task suspended or resumed, a
    /// stream gone stale, a dynamic table's scheduling suspended: select these with `severities`).
    pub severity: String,
    /// For grant-like changes: the role or user receiving the privilege (used by "grants to PUBLIC").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grantee: Option<String>,
}

impl ChangeEvent {
    /// Is this a grant (or revoke) to the PUBLIC role?
    pub fn is_grant_to_public(&self) -> bool {
        matches!(self.kind.as_str(), "grant" | "future_grant" | "role_membership")
            && self.grantee.as_deref().is_some_and(|g| g.eq_ignore_ascii_case("PUBLIC"))
    }
}

/// Which changes the feed publishes.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FeedFilter {
    /// Kinds to send; empty = all.
    pub kinds: Vec<String>,
    /// Severities to send; empty = all.
    pub severities: Vec<String>,
    /// Also send every grant to PUBLIC.
    pub include_grants_to_public: bool,
}

impl FeedFilter {
    /// The filter described by `[notifications]`.
    pub fn from_config(cfg: &NotificationsConfig) -> Self {
        Self {
            kinds: cfg.kinds.clone(),
            severities: cfg.severities.clone(),
            include_grants_to_public: cfg.include_grants_to_public,
        }
    }

    /// Does the feed publish `event`? (kind and severity both match) or (a grant to PUBLIC, when asked).
    pub fn selects(&self, event: &ChangeEvent) -> bool {
        let kind_ok = self.kinds.is_empty() || self.kinds.iter().any(|k| k == &event.kind);
        let sev_ok = self.severities.is_empty() || self.severities.iter().any(|s| s == &event.severity);
        (kind_ok && sev_ok) || (self.include_grants_to_public && event.is_grant_to_public())
    }
}

/// The JSON body POSTed to the webhook.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WebhookSummary {
    /// The run.
    pub run_id: Uuid,
    /// The account's configured name.
    pub account: String,
    /// Number of selected changes per severity.
    pub counts: BTreeMap<String, u64>,
    /// The selected changes, in the run's order.
    pub changes: Vec<ChangeEvent>,
}

/// What happened to one publication (for logs and tests; never a run failure).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FeedReport {
    /// Changes that passed the filter.
    pub selected: usize,
    /// NDJSON outcome, when configured and something was selected.
    pub ndjson: Option<Result<(), String>>,
    /// Webhook outcome (attempts used, or the last error), when configured and something was selected.
    pub webhook: Option<Result<u32, String>>,
}

/// Why the feed could not be built.
#[derive(Debug, thiserror::Error)]
#[error("cannot build the webhook HTTP client: {0}")]
pub struct FeedError(#[from] reqwest::Error);

struct Webhook {
    url: String,
    client: reqwest::Client,
    attempts: u32,
}

/// The configured sinks plus the filter.
pub struct ChangeFeed {
    filter: FeedFilter,
    ndjson: Option<PathBuf>,
    webhook: Option<Webhook>,
    metrics: Arc<Metrics>,
    backoff_min: Duration,
}

enum AttemptError {
    Retry(String),
    Fatal(String),
}

impl ChangeFeed {
    /// Build the feed described by `[notifications]`.
    pub fn new(cfg: &NotificationsConfig, metrics: Arc<Metrics>) -> Result<Self, FeedError> {
        let webhook = match &cfg.webhook_url {
            Some(url) => Some(Webhook {
                url: url.clone(),
                client: reqwest::Client::builder().timeout(cfg.webhook_timeout).build()?,
                attempts: cfg.webhook_attempts.max(1),
            }),
            None => None,
        };
        Ok(Self {
            filter: FeedFilter::from_config(cfg),
            ndjson: cfg.ndjson_path.clone(),
            webhook,
            metrics,
            backoff_min: Duration::from_millis(250),
        })
    }

    /// Shorten the first backoff delay (tests).
    pub fn with_backoff_min(mut self, d: Duration) -> Self {
        self.backoff_min = d;
        self
    }

    /// Publish the changes of one run. Never fails: outcomes are logged, counted and returned.
    pub async fn publish(&self, run_id: Uuid, account: &str, events: &[ChangeEvent]) -> FeedReport {
        let selected: Vec<ChangeEvent> = events.iter().filter(|e| self.filter.selects(e)).cloned().collect();
        let mut report = FeedReport { selected: selected.len(), ..FeedReport::default() };
        if selected.is_empty() {
            return report;
        }
        if let Some(path) = &self.ndjson {
            let outcome = append_ndjson(path, &selected).await;
            self.count("ndjson", &outcome);
            if let Err(e) = &outcome {
                tracing::warn!(account, %run_id, path = %path.display(), error = %e, "change feed: NDJSON append failed");
            }
            report.ndjson = Some(outcome);
        }
        if let Some(hook) = &self.webhook {
            let mut counts = BTreeMap::new();
            for e in &selected {
                *counts.entry(e.severity.clone()).or_insert(0) += 1;
            }
            let body = WebhookSummary { run_id, account: account.to_string(), counts, changes: selected };
            let outcome = self.post(hook, &body).await;
            self.count("webhook", &outcome);
            if let Err(e) = &outcome {
                tracing::warn!(account, %run_id, error = %e, "change feed: webhook delivery failed");
            }
            report.webhook = Some(outcome);
        }
        report
    }

    fn count<T>(&self, sink: &'static str, outcome: &Result<T, String>) {
        self.metrics.feed_delivery(sink, if outcome.is_ok() { "ok" } else { "failed" });
    }

    async fn post(&self, hook: &Webhook, body: &WebhookSummary) -> Result<u32, String> {
        let attempts = std::sync::atomic::AtomicU32::new(0);
        let backoff = ExponentialBuilder::default()
            .with_min_delay(self.backoff_min)
            .with_max_delay(Duration::from_secs(10))
            .with_max_times(hook.attempts.saturating_sub(1) as usize)
            .with_jitter();
        let attempt = || async {
            attempts.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            match hook.client.post(&hook.url).json(body).send().await {
                Ok(resp) if resp.status().is_success() => Ok(()),
                Ok(resp) if resp.status().is_server_error() || resp.status().as_u16() == 429 => {
                    Err(AttemptError::Retry(format!("HTTP {}", resp.status())))
                }
                Ok(resp) => Err(AttemptError::Fatal(format!("HTTP {}", resp.status()))),
                // Transport errors carry the URL; the webhook URL is configuration, not a secret.
                Err(e) => Err(AttemptError::Retry(e.without_url().to_string())),
            }
        };
        let result = attempt.retry(backoff).when(|e| matches!(e, AttemptError::Retry(_))).await;
        let used = attempts.load(std::sync::atomic::Ordering::Relaxed);
        match result {
            Ok(()) => Ok(used),
            Err(AttemptError::Retry(m) | AttemptError::Fatal(m)) => {
                Err(format!("{m} after {used} attempt(s)"))
            }
        }
    }
}

async fn append_ndjson(path: &PathBuf, events: &[ChangeEvent]) -> Result<(), String> {
    let mut buf = Vec::new();
    for e in events {
        serde_json::to_writer(&mut buf, e).map_err(|e| e.to_string())?;
        buf.push(b'\n');
    }
    let mut file = tokio::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .await
        .map_err(|e| format!("cannot open {}: {e}", path.display()))?;
    file.write_all(&buf).await.map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    file.flush().await.map_err(|e| format!("cannot flush {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(kind: &str, severity: &str, grantee: Option<&str>) -> ChangeEvent {
        ChangeEvent {
            run_id: Uuid::nil(),
            account: "a".into(),
            kind: kind.into(),
            change: "added".into(),
            object_key: "K".into(),
            field: None,
            before: None,
            after: None,
            severity: severity.into(),
            grantee: grantee.map(String::from),
        }
    }

    #[test]
    fn breaking_and_any_grant_to_public() {
        let f =
            FeedFilter { kinds: vec![], severities: vec!["breaking".into()], include_grants_to_public: true };
        assert!(f.selects(&ev("table", "breaking", None)));
        assert!(!f.selects(&ev("table", "additive", None)));
        assert!(f.selects(&ev("grant", "security", Some("public"))));
        assert!(!f.selects(&ev("grant", "security", Some("ANALYST"))));
        let all = FeedFilter::default();
        assert!(all.selects(&ev("column", "cosmetic", None)));
    }
}
