//! The catalog: snapshots, versions, diffs and history of an account's metadata in one SQLite file.
//!
//! The only module that touches SQLite for the product (the emulator keeps its own private engine). Takes
//! typed objects grouped by listing scope with each scope's outcome; knows nothing of HTTP or the SQL API.

pub mod access;
pub mod accounts;
pub mod changes;
pub mod error;
pub mod history;
pub mod incremental;
mod key;
mod kind;
pub mod lookup;
pub mod model;
pub mod model_access;
pub mod model_pipeline;
pub mod query;
pub mod retention;
pub mod run;
pub mod scope;
pub mod snapshot;
pub mod store;

mod diff;
mod diff_access;
mod diff_kinds;
mod ledger;
mod rename;

pub use changes::{ChangeKind, Severity};
pub use error::{CatalogError, Result};
pub use incremental::CrawlBasis;
pub use model::*;
pub use run::{RunCounts, RunMode, RunStatus, RunSummary, RunWriter};
pub use scope::{Coverage, ScopeKey, ScopeOutcome};
pub use store::Catalog;
