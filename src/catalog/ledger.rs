//! The scope ledger: one row per listing scope per run, with outcome, error and statement handle.
//!
//! Written in the run's commit transaction. Decides nothing about removals itself (the writer asks it
//! which scopes completed).

use rusqlite::Transaction;

use super::error::Result;
use super::scope::{ScopeKey, ScopeOutcome};

/// A scope seen in the current run.
#[derive(Debug, Clone)]
pub(crate) struct LedgerEntry {
    pub scope: ScopeKey,
    /// `None` until `finish_scope`; an unfinished scope is recorded as failed.
    pub outcome: Option<ScopeOutcome>,
    pub handle: Option<String>,
    pub rows: u64,
}

impl LedgerEntry {
    pub fn pending(scope: &ScopeKey) -> LedgerEntry {
        LedgerEntry { scope: scope.clone(), outcome: None, handle: None, rows: 0 }
    }

    pub fn is_complete(&self) -> bool {
        self.outcome.as_ref().is_some_and(ScopeOutcome::is_complete)
    }

    fn outcome_or_unfinished(&self) -> ScopeOutcome {
        self.outcome.clone().unwrap_or(ScopeOutcome::Failed {
            code: "unfinished".into(),
            message: "the scope was never finished in this run".into(),
        })
    }
}

/// Write run `run_id`'s ledger rows. A `carried` scope gets `read_run`: the run that last read it, found
/// in the latest earlier committed row of the same scope (its own `read_run` when that one was carried too).
pub(crate) fn write<'a>(
    tx: &Transaction<'_>,
    run_id: i64,
    entries: impl Iterator<Item = &'a LedgerEntry>,
) -> Result<()> {
    let mut stmt = tx.prepare_cached(
        "INSERT OR REPLACE INTO scope_ledger
             (run_id, scope, scope_json, object_kind, outcome, error_code, error_message, statement_handle, rows,
              read_run)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9,
             CASE WHEN ?5 = 'carried' THEN
                 (SELECT CASE WHEN p.outcome = 'carried' THEN p.read_run ELSE p.run_id END
                  FROM scope_ledger p JOIN runs r ON r.id = p.run_id
                  WHERE p.scope = ?2 AND p.run_id < ?1 AND p.outcome IN ('complete', 'carried')
                    AND r.status IN ('complete', 'partial')
                    AND r.account_id = (SELECT account_id FROM runs WHERE id = ?1)
                  ORDER BY p.run_id DESC LIMIT 1)
             END)",
    )?;
    for e in entries {
        let outcome = e.outcome_or_unfinished();
        let (code, message) = match outcome.error() {
            Some((c, m)) => (Some(c.to_string()), Some(m.to_string())),
            None => (None, None),
        };
        stmt.execute(rusqlite::params![
            run_id,
            e.scope.label(),
            serde_json::to_string(&e.scope)?,
            e.scope.coverage().kind.as_str(),
            outcome.as_str(),
            code,
            message,
            e.handle,
            e.rows as i64
        ])?;
    }
    Ok(())
}

/// A one-line summary of the scopes that did not complete, e.g. `2 denied, 1 failed (first: ...)`.
pub(crate) fn error_summary<'a>(entries: impl Iterator<Item = &'a LedgerEntry>) -> Option<String> {
    let mut counts = std::collections::BTreeMap::<&'static str, usize>::new();
    let mut first = None;
    for e in entries.filter(|e| !e.is_complete() && e.outcome != Some(ScopeOutcome::Carried)) {
        let o = e.outcome_or_unfinished();
        *counts.entry(o.as_str()).or_default() += 1;
        if first.is_none()
            && let Some((code, msg)) = o.error()
        {
            first = Some(format!("{}: {code} {msg}", e.scope.label()));
        }
    }
    if counts.is_empty() {
        return None;
    }
    let parts: Vec<String> = counts.iter().map(|(k, n)| format!("{n} {k}")).collect();
    Some(match first {
        Some(f) => format!("{} (first: {f})", parts.join(", ")),
        None => parts.join(", "),
    })
}
