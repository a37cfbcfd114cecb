//! Retention: prune old runs, their ledger and change rows, stats samples and (optionally) ended versions.
//!
//! Current state is never lost: the latest committed run of each account is always kept, current versions
//! (`end_run IS NULL`) are never deleted, and neither is any version still valid at a kept run.

use super::error::Result;
use super::snapshot::COMMITTED;
use super::store::Catalog;

/// What a prune removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PruneReport {
    pub runs: u64,
    pub versions: u64,
    pub stats_samples: u64,
}

impl Catalog {
    /// Delete runs that started more than `keep_days` ago (ledger and change rows go with them, by
    /// cascade), except each account's latest committed run. With `prune_versions`, also delete versions
    /// that ended at or before the oldest run still kept for their account.
    pub fn prune(&mut self, keep_days: u32, prune_versions: bool) -> Result<PruneReport> {
        let horizon = (chrono::Utc::now() - chrono::Duration::days(i64::from(keep_days)))
            .to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        let tx = self.conn.transaction()?;
        let runs = tx.execute(
            &format!(
                "DELETE FROM runs WHERE started_at < ?1 AND status <> 'running' AND id NOT IN
                     (SELECT max(id) FROM runs WHERE status IN {COMMITTED} GROUP BY account_id)"
            ),
            [&horizon],
        )? as u64;
        let versions = if prune_versions {
            tx.execute(
                "DELETE FROM versions WHERE end_run IS NOT NULL AND end_run <=
                     coalesce((SELECT min(r.id) FROM runs r WHERE r.account_id = versions.account_id), 0)",
                [],
            )? as u64
        } else {
            0
        };
        let stats_samples =
            tx.execute("DELETE FROM stats_history WHERE observed_at < ?1", [&horizon])? as u64;
        tx.commit()?;
        Ok(PruneReport { runs, versions, stats_samples })
    }
}
