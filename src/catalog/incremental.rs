//! What an incremental crawl may rely on: the account's latest runs (was the last one complete, when was
//! the last full one, which catalog schema wrote it) and which schemas' columns the latest committed run
//! read or carried completely. The crawler decides from this whether a run may be incremental and which
//! columns listings it may skip.
//!
//! Read-only; decides nothing (the crawler's `incremental` module does).

use std::collections::BTreeSet;

use rusqlite::OptionalExtension;

use super::error::Result;
use super::scope::ScopeKey;
use super::store::Catalog;

/// The account's run history as far as incremental crawling needs it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CrawlBasis {
    /// Status of the latest run of any status (`running` when one was left behind by a crash).
    pub last_status: Option<String>,
    /// Catalog schema version the latest committed (complete or partial) run was written with (`None` for
    /// runs recorded before versions were kept).
    pub last_catalog_version: Option<i64>,
    /// When the latest complete full run started (RFC 3339 UTC); runs recorded before modes existed count
    /// as full.
    pub last_full_started_at: Option<String>,
    /// `(database, schema)` whose columns the latest committed run ledgered `complete` or `carried` as one
    /// scope, with no per-table columns scope of that schema left incomplete.
    pub columns_read: BTreeSet<(String, String)>,
}

impl Catalog {
    /// The basis of the next run of `account` (empty for an account never crawled).
    pub fn crawl_basis(&self, account: &str) -> Result<CrawlBasis> {
        let mut basis = CrawlBasis::default();
        let Some(acc) = self.account_id(account, false)? else { return Ok(basis) };
        basis.last_status = self
            .conn
            .query_row("SELECT status FROM runs WHERE account_id = ?1 ORDER BY id DESC LIMIT 1", [acc], |r| {
                r.get(0)
            })
            .optional()?;
        basis.last_full_started_at = self
            .conn
            .query_row(
                "SELECT started_at FROM runs WHERE account_id = ?1 AND status = 'complete'
                     AND coalesce(mode, 'full') = 'full' ORDER BY id DESC LIMIT 1",
                [acc],
                |r| r.get(0),
            )
            .optional()?;
        let committed: Option<(i64, Option<i64>)> = self
            .conn
            .query_row(
                "SELECT id, catalog_version FROM runs WHERE account_id = ?1 AND status IN ('complete', 'partial')
                 ORDER BY id DESC LIMIT 1",
                [acc],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let Some((run, version)) = committed else { return Ok(basis) };
        basis.last_catalog_version = version;
        let mut stmt = self.conn.prepare(
            "SELECT scope_json, outcome FROM scope_ledger WHERE run_id = ?1 AND object_kind = 'column'",
        )?;
        let mut rows = stmt.query([run])?;
        let mut broken = BTreeSet::new();
        while let Some(row) = rows.next()? {
            let json: String = row.get(0)?;
            let outcome: String = row.get(1)?;
            let Ok(ScopeKey::Columns { database, schema: Some(schema), table }) = serde_json::from_str(&json)
            else {
                continue;
            };
            let read = outcome == "complete" || outcome == "carried";
            match (table, read) {
                (None, true) => {
                    basis.columns_read.insert((database, schema));
                }
                (None, false) | (Some(_), false) => {
                    broken.insert((database, schema));
                }
                (Some(_), true) => {}
            }
        }
        basis.columns_read.retain(|k| !broken.contains(k));
        Ok(basis)
    }
}
