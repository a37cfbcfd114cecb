//! The seam between the daemon and the crawler: the daemon decides *when* an account runs and what
//! happens after; an [`AccountCrawler`] does the run. The real one is `cli::run::CatalogCrawler`.
//!
//! Must not know how a crawl works; it only carries the account, the run id, the cancel token and the
//! metrics in, and a [`RunReport`] out.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use super::feed::ChangeEvent;
use crate::config::AccountConfig;
use crate::metrics::{Metrics, RunStatus};

/// Everything a crawler gets for one run.
#[derive(Clone)]
pub struct RunContext {
    /// A time-ordered (v7) id for this run.
    pub run_id: Uuid,
    /// The account's configuration as of when the run started.
    pub account: AccountConfig,
    /// Cancelled on shutdown: cancel in-flight statements, end the run `cancelled`, keep the last snapshot.
    pub cancel: CancellationToken,
    /// Where statement, HTTP, retry, row and token metrics go.
    pub metrics: Arc<Metrics>,
}

/// What a run produced.
#[derive(Debug, Clone, PartialEq)]
pub struct RunReport {
    /// How it ended.
    pub status: RunStatus,
    /// Why it failed (never containing secrets), for `failed` runs.
    pub error: Option<String>,
    /// The changes recorded, already mapped from the catalog's change rows.
    pub changes: Vec<ChangeEvent>,
    /// Current objects per kind after the run (kind names as in the catalog).
    pub objects: Vec<(&'static str, u64)>,
    /// Scopes the run could not see.
    pub scopes_not_visible: u64,
    /// What the run cost the account: statements executed, requests retried, response bytes received.
    pub transfer: Transfer,
}

/// Statements, retries and bytes of one run (for its log line; the metrics count them as they happen).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Transfer {
    pub statements: u64,
    pub retries: u64,
    pub bytes_received: u64,
}

impl RunReport {
    /// A failed run with `error` and nothing else.
    pub fn failed(error: impl Into<String>) -> Self {
        Self {
            status: RunStatus::Failed,
            error: Some(error.into()),
            changes: Vec::new(),
            objects: Vec::new(),
            scopes_not_visible: 0,
            transfer: Transfer::default(),
        }
    }

    /// A run with `status` and nothing else.
    pub fn with_status(status: RunStatus) -> Self {
        Self {
            status,
            error: None,
            changes: Vec::new(),
            objects: Vec::new(),
            scopes_not_visible: 0,
            transfer: Transfer::default(),
        }
    }
}

/// A boxed future returned by [`AccountCrawler::crawl`].
pub type CrawlFuture<'a> = Pin<Box<dyn Future<Output = RunReport> + Send + 'a>>;

/// Runs one crawl of one account. Implementations must honour `ctx.cancel` promptly.
pub trait AccountCrawler: Send + Sync + 'static {
    /// Crawl `ctx.account` once.
    fn crawl(&self, ctx: RunContext) -> CrawlFuture<'_>;
}

/// A crawler whose every run fails with "crawler not wired" (for tests of the daemon without a crawl).
#[derive(Debug, Default, Clone, Copy)]
pub struct NotWiredCrawler;

impl AccountCrawler for NotWiredCrawler {
    fn crawl(&self, _ctx: RunContext) -> CrawlFuture<'_> {
        Box::pin(async { RunReport::failed("crawler not wired") })
    }
}
