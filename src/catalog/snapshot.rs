//! Rebuilding the state of an account as it was after any committed run (from version intervals).
//!
//! Read-only. A version is part of the snapshot at run R when `first_run <= R` and it had not ended by R
//! (`end_run IS NULL OR end_run > R`). Failed or cancelled runs write no versions, so the snapshot at such a
//! run equals the one at the committed run before it.

use rusqlite::OptionalExtension;

use super::diff::key_from_row;
use super::error::{CatalogError, Result};
use super::model::{Object, ObjectKey};
use super::store::Catalog;

/// Statuses of runs whose versions and changes are visible to readers.
pub const COMMITTED: &str = "('complete', 'partial', 'failed', 'cancelled')";

impl Catalog {
    /// The latest committed run of `account`, if any.
    pub fn latest_run(&self, account: &str) -> Result<Option<i64>> {
        Ok(self
            .conn
            .query_row(
                &format!(
                    "SELECT max(r.id) FROM runs r JOIN accounts a ON a.id = r.account_id
                     WHERE a.name = ?1 AND r.status IN {COMMITTED}"
                ),
                [account],
                |r| r.get::<_, Option<i64>>(0),
            )
            .optional()?
            .flatten())
    }

    /// The last committed run of `account` that finished at or before `timestamp` (RFC 3339 text).
    pub fn run_at_time(&self, account: &str, timestamp: &str) -> Result<Option<i64>> {
        Ok(self
            .conn
            .query_row(
                &format!(
                    "SELECT max(r.id) FROM runs r JOIN accounts a ON a.id = r.account_id
                     WHERE a.name = ?1 AND r.status IN {COMMITTED} AND r.finished_at <= ?2"
                ),
                [account, timestamp],
                |r| r.get::<_, Option<i64>>(0),
            )
            .optional()?
            .flatten())
    }

    /// Every object of `account` as it was after run `run` (default: the latest committed run), in key order.
    pub fn snapshot(&self, account: &str, run: Option<i64>) -> Result<Vec<Object>> {
        let mut out = Vec::new();
        self.for_each_at(account, run, |_, o| {
            out.push(o);
            Ok(())
        })?;
        Ok(out)
    }

    /// Stream the snapshot of `account` at `run` without holding it in memory.
    pub fn for_each_at(
        &self,
        account: &str,
        run: Option<i64>,
        mut f: impl FnMut(&ObjectKey, Object) -> Result<()>,
    ) -> Result<()> {
        let Some(acc) = self.account_id(account, false)? else { return Ok(()) };
        let run = match run {
            Some(r) => r,
            None => match self.latest_run(account)? {
                Some(r) => r,
                None => return Ok(()),
            },
        };
        let mut stmt = self.conn.prepare(
            "SELECT kind, p1, p2, p3, p4, p5, attrs FROM versions
             WHERE account_id = ?1 AND first_run <= ?2 AND (end_run IS NULL OR end_run > ?2)
             ORDER BY kind, p1, p2, p3, p4, p5",
        )?;
        let mut rows = stmt.query([acc, run])?;
        while let Some(row) = rows.next()? {
            let key = key_from_row(row, 0)?.ok_or_else(|| {
                CatalogError::Invalid(format!("unknown object kind {:?}", row.get::<_, String>(0)))
            })?;
            let attrs: String = row.get(6)?;
            let obj = Object::from_stored(&key, &attrs)?;
            f(&key, obj)?;
        }
        Ok(())
    }
}
