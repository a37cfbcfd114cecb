//! Rebuilding the state of an account as it was after any committed run (from version intervals).
//!
//! Read-only. A version is part of the snapshot at run R when `first_run <= R` and it had not ended by R
//! (`end_run IS NULL OR end_run > R`). Failed or cancelled runs write no versions, so the snapshot at such a
//! run equals the one at the committed run before it.

use rusqlite::OptionalExtension;

use super::diff::key_from_row;
use super::error::{CatalogError, Result};
use super::model::{Object, ObjectKey, ObjectKind};
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

    /// Stream the current objects of `account` of the given `kinds` (the state after its latest committed
    /// run: uncommitted runs write no versions) in key order. Reads only those kinds through the
    /// `versions_current` index, so listing databases, schemas and tables never touches the columns.
    pub fn for_each_current(
        &self,
        account: &str,
        kinds: &[ObjectKind],
        mut f: impl FnMut(&ObjectKey, Object) -> Result<()>,
    ) -> Result<()> {
        let Some(acc) = self.account_id(account, false)? else { return Ok(()) };
        let mut stmt = self.conn.prepare_cached(
            "SELECT kind, p1, p2, p3, p4, p5, attrs FROM versions
             WHERE account_id = ?1 AND kind = ?2 AND end_run IS NULL ORDER BY p1, p2, p3, p4, p5",
        )?;
        let mut sorted: Vec<ObjectKind> = kinds.to_vec();
        sorted.sort_by_key(|k| k.as_str());
        sorted.dedup();
        for kind in sorted {
            let mut rows = stmt.query(rusqlite::params![acc, kind.as_str()])?;
            while let Some(row) = rows.next()? {
                let Some(key) = key_from_row(row, 0)? else { continue };
                let attrs: String = row.get(6)?;
                f(&key, Object::from_stored(&key, &attrs)?)?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{Column, Database, RunCounts, RunStatus, Schema, ScopeKey, ScopeOutcome, Table};

    fn table(name: &str) -> Object {
        let t = Table { database: "D".into(), schema: "S".into(), name: name.into(), ..Table::default() };
        Object::Table(Table { table_type: "BASE TABLE".into(), ..t })
    }

    fn column(table: &str) -> Object {
        let c = Column {
            database: "D".into(),
            schema: "S".into(),
            table: table.into(),
            name: "C".into(),
            ..Default::default()
        };
        Object::Column(Column { data_type: "NUMBER".into(), ..c })
    }

    /// Run 1 records D.S.{T1, T2, T3}; run 2 sees only T1, ledgers the schema listing denied and T2 on its
    /// own as complete: T2 (and its column) is removed, T3 is kept, and the current read agrees.
    #[test]
    fn a_per_table_scope_removes_only_that_table_and_current_reads_only_the_asked_kinds() {
        let dir = tempfile::tempdir().unwrap();
        let mut cat = Catalog::open(dir.path().join("c.db")).unwrap();
        let tables = ScopeKey::Tables { database: "D".into(), schema: Some("S".into()) };
        let columns = ScopeKey::Columns { database: "D".into(), schema: Some("S".into()), table: None };
        let mut w = cat.begin_run("a").unwrap();
        w.put(&ScopeKey::Databases, [Object::Database(Database { name: "D".into(), ..Default::default() })])
            .unwrap();
        let s = Schema { database: "D".into(), name: "S".into(), ..Default::default() };
        w.put(&ScopeKey::Schemas { database: "D".into() }, [Object::Schema(s)]).unwrap();
        w.put(&tables, ["T1", "T2", "T3"].map(table)).unwrap();
        w.put(&columns, ["T1", "T2", "T3"].map(column)).unwrap();
        w.commit(RunStatus::Complete, RunCounts::default()).unwrap();

        let mut w = cat.begin_run("a").unwrap();
        w.put(&tables, [table("T1")]).unwrap();
        let denied = ScopeOutcome::Denied { code: "not_visible".into(), message: "hidden".into() };
        w.finish_scope(&tables, denied, None).unwrap();
        let t2 = ScopeKey::Table { database: "D".into(), schema: "S".into(), table: "T2".into() };
        assert_eq!(t2.label(), "table:D.S.T2");
        w.finish_scope(&t2, ScopeOutcome::Complete, None).unwrap();
        let summary = w.commit(RunStatus::Partial, RunCounts::default()).unwrap();
        assert_eq!(summary.total_changes(), 2, "T2 and its column: {summary:?}");

        let mut seen = Vec::new();
        cat.for_each_current("a", &[ObjectKind::Table, ObjectKind::Database], |k, _| {
            seen.push((k.kind, k.parts[..3].join(".")));
            Ok(())
        })
        .unwrap();
        let want =
            [(ObjectKind::Database, "D.."), (ObjectKind::Table, "D.S.T1"), (ObjectKind::Table, "D.S.T3")];
        assert_eq!(seen, want.map(|(k, n)| (k, n.to_string())));
        let at: Vec<_> = cat
            .snapshot("a", None)
            .unwrap()
            .into_iter()
            .filter(|o| matches!(o.kind(), ObjectKind::Table | ObjectKind::Database))
            .map(|o| (o.kind(), o.key().parts[..3].join(".")))
            .collect();
        assert_eq!(at, seen, "the current read is the latest snapshot, narrowed");
        let mut none = 0;
        cat.for_each_current("other", &[ObjectKind::Table], |_, _| {
            none += 1;
            Ok(())
        })
        .unwrap();
        assert_eq!(none, 0);
    }
}
