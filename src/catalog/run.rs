//! The run lifecycle and the streaming writer the crawler feeds.
//!
//! `Catalog::begin_run` -> `RunWriter::put` (any number of batches, staged in a TEMP table, never held in
//! memory) -> `finish_scope` per listing -> `commit` (diff + versions + changes + ledger in ONE
//! transaction, so readers see the whole run or nothing) or `abort`. The diff itself lives in `diff`.

use std::collections::BTreeMap;

use serde::Serialize;

use super::changes::{ChangeKind, Severity};
use super::error::{CatalogError, Result};
use super::ledger::LedgerEntry;
use super::model::{Object, ObjectKind};
use super::scope::{ScopeKey, ScopeOutcome};
use super::store::Catalog;

/// How many staged rows go into one TEMP-table transaction.
const STAGE_BATCH: usize = 20_000;

/// Terminal status of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RunStatus {
    /// Every scope was seen.
    Complete,
    /// Some scopes failed, were denied, truncated or filtered; what was seen is recorded.
    Partial,
    /// The crawl failed (e.g. authentication); nothing from it is recorded as state.
    Failed,
    /// Stopped by the user or shutdown.
    Cancelled,
}

impl RunStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            RunStatus::Complete => "complete",
            RunStatus::Partial => "partial",
            RunStatus::Failed => "failed",
            RunStatus::Cancelled => "cancelled",
        }
    }
}

/// How much of the account a run read (see docs/crawl.md, "Incremental crawls").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RunMode {
    /// Every listing read.
    #[default]
    Full,
    /// Columns re-read only for tables whose CREATED or LAST_DDL moved; the rest carried over.
    Incremental,
}

impl RunMode {
    pub fn as_str(self) -> &'static str {
        match self {
            RunMode::Full => "full",
            RunMode::Incremental => "incremental",
        }
    }
}

/// Counts the crawler knows (the catalog counts objects and changes itself).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RunCounts {
    pub statements: u64,
    pub rows: u64,
    /// HTTP requests the SQL API client repeated.
    pub retries: u64,
    /// SQL API response body bytes received on the wire.
    pub bytes_received: u64,
}

/// What a committed run did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RunSummary {
    pub run_id: i64,
    /// Objects received (after de-duplication).
    pub objects: u64,
    /// Number of change rows, by (kind, change, severity).
    pub changes: BTreeMap<(ObjectKind, ChangeKind, Severity), u64>,
    /// Scopes that did not complete.
    pub incomplete_scopes: u64,
}

impl RunSummary {
    pub fn total_changes(&self) -> u64 {
        self.changes.values().sum()
    }

    pub fn count_severity(&self, s: Severity) -> u64 {
        self.changes.iter().filter(|((_, _, sev), _)| *sev == s).map(|(_, n)| n).sum()
    }
}

/// A run in progress. Dropping it without `commit` leaves the run `running` (marked abandoned next time).
#[derive(Debug)]
pub struct RunWriter<'c> {
    pub(crate) cat: &'c mut Catalog,
    pub(crate) run_id: i64,
    pub(crate) account_id: i64,
    pub(crate) ledger: BTreeMap<String, LedgerEntry>,
    pub(crate) rows_in_tx: usize,
    pub(crate) in_tx: bool,
    /// The account had no versions when the run began (see `diff::apply_baseline`).
    pub(crate) baseline: bool,
    pub(crate) staged: u64,
    pub(crate) mode: RunMode,
    /// Tag names marking sensitive objects, written with the run (`sensitive_tags`); `None` keeps the
    /// catalog's current list.
    pub(crate) sensitive_tags: Option<Vec<String>>,
}

impl Catalog {
    /// Start a run for `account`: marks this account's runs left `running` as `abandoned`, records the new
    /// run as `running` and prepares an empty staging area.
    pub fn begin_run(&mut self, account: &str) -> Result<RunWriter<'_>> {
        let account_id = self
            .account_id(account, true)?
            .ok_or_else(|| CatalogError::Invalid(format!("account {account:?} could not be created")))?;
        self.conn.execute(
            "UPDATE runs SET status = 'abandoned', finished_at = coalesce(finished_at, ?2)
             WHERE account_id = ?1 AND status = 'running'",
            rusqlite::params![account_id, now()],
        )?;
        self.conn.execute(
            "INSERT INTO runs (account_id, started_at, status) VALUES (?1, ?2, 'running')",
            rusqlite::params![account_id, now()],
        )?;
        let run_id = self.conn.last_insert_rowid();
        let baseline = super::diff::is_baseline(&self.conn, account_id)?;
        super::diff::create_stage(&self.conn, baseline)?;
        Ok(RunWriter {
            baseline,
            cat: self,
            run_id,
            account_id,
            ledger: BTreeMap::new(),
            rows_in_tx: 0,
            in_tx: false,
            staged: 0,
            mode: RunMode::Full,
            sensitive_tags: None,
        })
    }
}

impl RunWriter<'_> {
    pub fn run_id(&self) -> i64 {
        self.run_id
    }

    /// Record what kind of run this is (written with the run's outcome; `Full` unless set).
    pub fn set_mode(&mut self, mode: RunMode) {
        self.mode = mode;
    }

    /// The tag names that mark sensitive objects for this account from this run on (config
    /// `sensitive_tags`); they decide which tag and access changes the diff calls `security`.
    pub fn set_sensitive_tags(&mut self, tags: Vec<String>) {
        self.sensitive_tags = Some(tags);
    }

    /// Stage objects listed by `scope`. Call as often as rows arrive; a later duplicate of the same object
    /// replaces the earlier one.
    pub fn put<I>(&mut self, scope: &ScopeKey, objects: I) -> Result<()>
    where
        I: IntoIterator<Item = Object>,
    {
        let label = scope.label();
        let entry = self.ledger.entry(label.clone()).or_insert_with(|| LedgerEntry::pending(scope));
        let mut n = 0u64;
        {
            if !self.in_tx {
                self.cat.conn.execute_batch("BEGIN")?;
                self.in_tx = true;
            }
            let mut stmt = self.cat.conn.prepare_cached(super::diff::STAGE_INSERT)?;
            for obj in objects {
                let key = obj.key();
                let attrs = obj.attrs_json()?;
                let stats = obj.stats_json()?;
                let p = &key.parts;
                stmt.execute(rusqlite::params![
                    key.kind.as_str(),
                    p[0],
                    p[1],
                    p[2],
                    p[3],
                    p[4],
                    attrs,
                    stats
                ])?;
                n += 1;
                self.rows_in_tx += 1;
                if self.rows_in_tx >= STAGE_BATCH {
                    self.cat.conn.execute_batch("COMMIT; BEGIN")?;
                    self.rows_in_tx = 0;
                }
            }
        }
        entry.rows += n;
        self.staged += n;
        Ok(())
    }

    /// Record how the listing of `scope` ended, with the statement handle that produced it.
    pub fn finish_scope(
        &mut self,
        scope: &ScopeKey,
        outcome: ScopeOutcome,
        handle: Option<&str>,
    ) -> Result<()> {
        let entry = self.ledger.entry(scope.label()).or_insert_with(|| LedgerEntry::pending(scope));
        entry.outcome = Some(outcome);
        entry.handle = handle.map(str::to_string);
        Ok(())
    }

    fn end_stage_tx(&mut self) -> Result<()> {
        if self.in_tx {
            self.cat.conn.execute_batch("COMMIT")?;
            self.in_tx = false;
            self.rows_in_tx = 0;
        }
        Ok(())
    }

    /// Diff the staged objects against the current state and make the run visible, atomically.
    /// Scopes never finished count as `failed` (no removals). `Failed`/`Cancelled` runs record the ledger
    /// but change no state.
    pub fn commit(mut self, status: RunStatus, counts: RunCounts) -> Result<RunSummary> {
        self.end_stage_tx()?;
        let conn = &mut self.cat.conn;
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let mut summary = RunSummary { run_id: self.run_id, ..RunSummary::default() };
        let complete: Vec<_> = self
            .ledger
            .values()
            .filter(|e| e.outcome.as_ref().is_some_and(ScopeOutcome::is_complete) && e.scope.lists_objects())
            .map(|e| e.scope.coverage())
            .collect();
        if let Some(tags) = &self.sensitive_tags {
            tx.execute("DELETE FROM sensitive_tags WHERE account_id = ?1", [self.account_id])?;
            for t in tags {
                tx.execute(
                    "INSERT OR IGNORE INTO sensitive_tags (account_id, tag) VALUES (?1, ?2)",
                    rusqlite::params![self.account_id, t],
                )?;
            }
        }
        if matches!(status, RunStatus::Complete | RunStatus::Partial) {
            summary = super::diff::apply(&tx, self.account_id, self.run_id, &complete, self.baseline)?;
        }
        summary.incomplete_scopes = self
            .ledger
            .values()
            .filter(|e| !e.is_complete() && e.outcome != Some(ScopeOutcome::Carried))
            .count() as u64;
        super::ledger::write(&tx, self.run_id, self.ledger.values())?;
        let error_summary = super::ledger::error_summary(self.ledger.values());
        tx.execute(
            "UPDATE runs SET status = ?2, finished_at = ?3, statements = ?4, rows = ?5, objects = ?6,
                 changes = ?7, error_summary = ?8, retries = ?9, bytes_received = ?10, mode = ?11,
                 catalog_version = ?12 WHERE id = ?1",
            rusqlite::params![
                self.run_id,
                status.as_str(),
                now(),
                counts.statements as i64,
                counts.rows as i64,
                summary.objects as i64,
                summary.total_changes() as i64,
                error_summary,
                i64::try_from(counts.retries).unwrap_or(i64::MAX),
                i64::try_from(counts.bytes_received).unwrap_or(i64::MAX),
                self.mode.as_str(),
                super::store::supported_version()
            ],
        )?;
        tx.commit()?;
        super::diff::drop_stage(&self.cat.conn)?;
        Ok(summary)
    }

    /// End the run without recording any state: status `failed` or `cancelled`, with an error summary.
    pub fn abort(mut self, status: RunStatus, error: &str) -> Result<()> {
        self.end_stage_tx()?;
        let tx = self.cat.conn.transaction()?;
        super::ledger::write(&tx, self.run_id, self.ledger.values())?;
        tx.execute(
            "UPDATE runs SET status = ?2, finished_at = ?3, error_summary = ?4, mode = ?5 WHERE id = ?1",
            rusqlite::params![self.run_id, status.as_str(), now(), error, self.mode.as_str()],
        )?;
        tx.commit()?;
        super::diff::drop_stage(&self.cat.conn)?;
        Ok(())
    }
}

/// Now as RFC 3339 UTC with milliseconds (sortable text).
pub(crate) fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}
