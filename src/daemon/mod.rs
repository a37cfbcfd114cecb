//! `snowcat run`: schedules each account's crawls, owns shutdown (one CancellationToken, named tasks),
//! config reload and the change feed. Must not know the SQL API wire format or the catalog's SQL.
//!
//! - [`schedule`]: cron + time zone + jitter (croner 4; the module doc says why not the crate's cron jobs).
//! - [`cron`]: tokio-cron-scheduler one-shot jobs that fire each run at the croner-computed instant.
//! - [`supervisor`]: per-account loops, overlap skipping, runs in a `TaskTracker`, grace-period shutdown.
//! - [`crawler`]: the seam a real crawler plugs into ([`AccountCrawler`]).
//! - [`feed`]: NDJSON file and webhook change feed.
//! - [`shutdown`], [`reload`]: signals and SIGHUP reloads.

pub mod crawler;
pub mod cron;
pub mod feed;
pub mod reload;
pub mod schedule;
pub mod shutdown;
pub mod supervisor;

pub use crawler::{AccountCrawler, CrawlFuture, NotWiredCrawler, RunContext, RunReport, Transfer};
pub use feed::{ChangeEvent, ChangeFeed, FeedFilter, FeedReport, WebhookSummary};
pub use schedule::Schedule;
pub use supervisor::{DaemonDeps, DaemonExit, run};
