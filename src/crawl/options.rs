//! The crawler's public inputs: `CrawlOptions`, the `Progress` callback, and `CrawlError`.
//!
//! Plain data and traits; must not run statements.

use std::time::Duration;

use super::filters::Filters;
use crate::config::AccountConfig;
pub use crate::config::GrantSource;

/// How to crawl one account.
#[derive(Debug, Clone)]
pub struct CrawlOptions {
    /// Role every statement runs as (`None`: the user's default role).
    pub role: Option<String>,
    /// Warehouse every statement runs on (INFORMATION_SCHEMA needs one).
    pub warehouse: Option<String>,
    /// Statements in flight at once (default 8).
    pub concurrency: usize,
    pub filters: Filters,
    /// `Show` (per role, current) or `AccountUsage` (constant count, up to 2 h behind).
    pub grant_source: GrantSource,
    /// Longest one statement may run (sent to Snowflake and enforced client-side).
    pub statement_timeout: Duration,
    /// Longest the whole crawl may run; statements still running then are cancelled and the run ends
    /// `partial` with the unfinished scopes ledgered as failed.
    pub deadline: Option<Duration>,
    /// SHOW page size and the cap SHOW listings are checked against (Snowflake: 10,000).
    pub show_limit: u32,
    /// Tables per `TABLE_NAME IN (...)` batch in the 090030 fallback for COLUMNS.
    pub column_batch: usize,
    /// Objects per batch sent to the catalog writer.
    pub sink_batch: usize,
    /// Read everything even when an incremental run would do (`snowcat crawl --once --full`).
    pub full: bool,
    /// A run is full when the last complete full run started at least this many hours ago (0: always).
    pub full_every_hours: u32,
    /// A run id for QUERY_TAG (`snowcat:<run>:<phase>`); a fresh v7 UUID when `None`.
    pub run_tag: Option<String>,
    /// Tag names that mark an object as sensitive (recorded in the catalog with the run; they decide
    /// which tag and access changes are `security`).
    pub sensitive_tags: Vec<String>,
}

impl Default for CrawlOptions {
    fn default() -> Self {
        CrawlOptions {
            role: None,
            warehouse: None,
            concurrency: 8,
            filters: Filters::default(),
            grant_source: GrantSource::Show,
            statement_timeout: Duration::from_secs(600),
            deadline: None,
            show_limit: crate::crawl::statements::SHOW_LIMIT_MAX,
            column_batch: 500,
            sink_batch: 2_000,
            full: false,
            full_every_hours: 24,
            run_tag: None,
            sensitive_tags: vec!["PII".to_string()],
        }
    }
}

impl CrawlOptions {
    /// The options an `[[accounts]]` entry of the daemon's config asks for.
    pub fn from_account_config(a: &AccountConfig) -> CrawlOptions {
        CrawlOptions {
            role: a.role.clone(),
            warehouse: a.warehouse.clone(),
            concurrency: a.concurrency.max(1) as usize,
            filters: Filters::from_config(&a.filters),
            grant_source: a.grant_source,
            statement_timeout: a.statement_timeout,
            full_every_hours: a.full_every_hours,
            sensitive_tags: a.sensitive_tags.clone(),
            ..CrawlOptions::default()
        }
    }
}

/// Where a crawl is, for a progress bar or a log line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ProgressSnapshot {
    pub statements_done: u64,
    pub statements_planned: u64,
    pub objects: u64,
    pub elapsed: Duration,
}

/// Receives progress after every statement. Must be cheap and must not block.
pub trait Progress: Send + Sync {
    fn update(&self, snapshot: &ProgressSnapshot);
}

/// Ignores progress.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoProgress;

impl Progress for NoProgress {
    fn update(&self, _snapshot: &ProgressSnapshot) {}
}

/// A crawl that could not be recorded at all (the catalog or its writer failed). Statement failures are
/// not errors: they end up in the run's ledger and status.
#[derive(Debug, thiserror::Error)]
pub enum CrawlError {
    #[error("catalog: {0}")]
    Catalog(#[from] crate::catalog::CatalogError),
    #[error("the catalog writer stopped unexpectedly: {0}")]
    Writer(String),
}
