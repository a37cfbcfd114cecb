//! Typed reads for the CLI and the MCP catalog tools: runs, changes between runs, one table at a run,
//! search by name or comment, a run's coverage gaps. Lists can be read a page at a time: each takes the
//! key of the last row already seen (keyset paging, stable while the daemon keeps writing).
//!
//! Read-only and built on the reader views (`runs_v`, `changes_v`) or version intervals. No formatting
//! here (the front ends print); no writes.

use schemars::JsonSchema;
use serde::Serialize;

use super::changes::Severity;
use super::error::{CatalogError, Result};
use super::model::{Column, Constraint, Object, ObjectKind, Table};
use super::snapshot::COMMITTED;
use super::store::Catalog;

/// One row of `runs_v`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct RunRow {
    pub run_id: i64,
    pub account_name: String,
    pub started_at: String,
    pub finished_at: Option<String>,
    pub status: String,
    pub statements: i64,
    pub rows: i64,
    pub objects: i64,
    pub changes: i64,
    pub incomplete_scopes: i64,
    pub error_summary: Option<String>,
}

/// One row of `changes_v`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct ChangeRow {
    pub change_id: i64,
    pub run_id: i64,
    pub account_name: String,
    pub run_time: Option<String>,
    pub object_kind: String,
    pub object_name: String,
    pub change: String,
    pub field: Option<String>,
    pub before: Option<String>,
    pub after: Option<String>,
    pub severity: String,
}

/// The columns of `changes_v` a [`ChangeRow`] reads, in [`change_row`]'s order.
const CHANGE_COLUMNS: [&str; 11] = [
    "change_id",
    "run_id",
    "account_name",
    "run_time",
    "object_kind",
    "object_name",
    "change",
    "field",
    "before",
    "after",
    "severity",
];

/// [`CHANGE_COLUMNS`] for a select list, each behind `alias.`.
pub(crate) fn change_columns(alias: &str) -> String {
    CHANGE_COLUMNS.iter().map(|c| format!("{alias}.{c}")).collect::<Vec<_>>().join(", ")
}

/// A [`ChangeRow`] from a row selecting [`change_columns`].
pub(crate) fn change_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ChangeRow> {
    Ok(ChangeRow {
        change_id: r.get(0)?,
        run_id: r.get(1)?,
        account_name: r.get(2)?,
        run_time: r.get(3)?,
        object_kind: r.get(4)?,
        object_name: r.get(5)?,
        change: r.get(6)?,
        field: r.get(7)?,
        before: r.get(8)?,
        after: r.get(9)?,
        severity: r.get(10)?,
    })
}

/// Which changes to list: runs in `(from, to]`; with neither (and no `since_time`), the latest committed
/// run of each account.
#[derive(Debug, Clone, Default)]
pub struct ChangeFilter {
    pub account: Option<String>,
    pub from: Option<i64>,
    pub to: Option<i64>,
    /// Only runs that finished after this RFC 3339 UTC time (`runs.finished_at` text order).
    pub since_time: Option<String>,
    /// Only runs that finished at or before this RFC 3339 UTC time.
    pub until_time: Option<String>,
    pub kind: Option<ObjectKind>,
    pub severity: Option<Severity>,
    /// SQL LIKE pattern (escape character `\`) on the printed object name (`changes_v.object_name`; ASCII
    /// case-insensitive).
    pub object: Option<String>,
    /// Only changes after this `(run_id, change_id)`, the key of the last change of the previous page.
    pub after: Option<(i64, i64)>,
    /// At most this many changes.
    pub limit: Option<usize>,
}

/// A table with its columns and constraints as of some run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableAt {
    pub account: String,
    pub run_id: i64,
    pub table: Table,
    pub columns: Vec<Column>,
    pub constraints: Vec<Constraint>,
}

/// One scope a run could not see completely (a row of the scope ledger whose outcome is not `complete`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct CoverageRow {
    pub run_id: i64,
    pub scope: String,
    pub object_kind: String,
    /// `failed`, `denied`, `truncated` or `filtered`.
    pub outcome: String,
    pub error_code: Option<String>,
    pub error_message: Option<String>,
    pub statement_handle: Option<String>,
}

/// What to search: `pattern` in names or comments, optionally one kind or account, a page at a time.
#[derive(Debug, Clone, Default)]
pub struct SearchFilter {
    /// Text to find (SQL LIKE when it holds `%` or `_`, else anywhere in the name or comment).
    pub pattern: String,
    pub kind: Option<ObjectKind>,
    pub account: Option<String>,
    /// Only hits after this `(account, kind, p1, p2, p3, p4)`, the key of the last hit of the previous page.
    pub after: Option<[String; 6]>,
    pub limit: usize,
}

/// An object or column whose name or comment matched a search.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct SearchHit {
    pub account_name: String,
    pub object_kind: String,
    pub object_name: String,
    pub comment: Option<String>,
    /// The hit's sort key, for the next page's `after`.
    #[serde(skip)]
    pub key: [String; 6],
}

impl Catalog {
    /// Names of the accounts in this catalog.
    pub fn accounts(&self) -> Result<Vec<String>> {
        let mut stmt = self.conn.prepare("SELECT name FROM accounts ORDER BY name")?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The given account, or the only one in the file.
    pub fn resolve_account(&self, account: Option<&str>) -> Result<String> {
        if let Some(a) = account {
            return Ok(a.to_string());
        }
        let all = self.accounts()?;
        match all.as_slice() {
            [one] => Ok(one.clone()),
            [] => Err(CatalogError::Invalid("the catalog has no runs yet".into())),
            _ => Err(CatalogError::Invalid(format!(
                "the catalog holds several accounts ({}); choose one with --account",
                all.join(", ")
            ))),
        }
    }

    /// Runs, newest first.
    pub fn runs(&self, account: Option<&str>, limit: usize) -> Result<Vec<RunRow>> {
        self.runs_before(account, None, limit)
    }

    /// Runs older than run `before` (all runs without it), newest first.
    pub fn runs_before(
        &self,
        account: Option<&str>,
        before: Option<i64>,
        limit: usize,
    ) -> Result<Vec<RunRow>> {
        let mut stmt = self.conn.prepare(
            "SELECT run_id, account_name, started_at, finished_at, status, statements, rows, objects, changes,
                    incomplete_scopes, error_summary
             FROM runs_v WHERE (?1 IS NULL OR account_name = ?1) AND (?3 IS NULL OR run_id < ?3)
             ORDER BY run_id DESC LIMIT ?2",
        )?;
        let rows = stmt.query_map(rusqlite::params![account, limit as i64, before], |r| {
            Ok(RunRow {
                run_id: r.get(0)?,
                account_name: r.get(1)?,
                started_at: r.get(2)?,
                finished_at: r.get(3)?,
                status: r.get(4)?,
                statements: r.get(5)?,
                rows: r.get(6)?,
                objects: r.get(7)?,
                changes: r.get(8)?,
                incomplete_scopes: r.get(9)?,
                error_summary: r.get(10)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Changes matching `filter`, in run then change order.
    pub fn changes(&self, filter: &ChangeFilter) -> Result<Vec<ChangeRow>> {
        let latest_only = filter.from.is_none()
            && filter.to.is_none()
            && filter.since_time.is_none()
            && filter.until_time.is_none();
        let range = if latest_only {
            format!(
                "c.run_id IN (SELECT max(r.id) FROM runs r WHERE r.status IN {COMMITTED} GROUP BY r.account_id)"
            )
        } else {
            "c.run_id > coalesce(?1, -1) AND c.run_id <= coalesce(?2, 9223372036854775807)".to_string()
        };
        let (after_run, after_change) = filter.after.unzip();
        let sql = format!(
            "SELECT {} FROM changes_v c
             WHERE {range} AND (?3 IS NULL OR account_name = ?3) AND (?4 IS NULL OR object_kind = ?4)
               AND (?5 IS NULL OR severity = ?5) AND (?7 IS NULL OR object_name LIKE ?7 ESCAPE '\\')
               AND (?6 IS NULL OR run_time > ?6) AND (?11 IS NULL OR run_time <= ?11)
               AND (?8 IS NULL OR (run_id, change_id) > (?8, ?9))
             ORDER BY run_id, change_id LIMIT ?10",
            change_columns("c")
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map(
            rusqlite::params![
                filter.from,
                filter.to,
                filter.account,
                filter.kind.map(ObjectKind::as_str),
                filter.severity.map(Severity::as_str),
                filter.since_time,
                filter.object,
                after_run,
                after_change,
                filter.limit.map_or(-1, |l| l as i64),
                filter.until_time,
            ],
            change_row,
        )?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// One table with its columns (by ordinal) and constraints as of `run` (default: latest).
    pub fn table_at(
        &self,
        account: &str,
        db: &str,
        schema: &str,
        table: &str,
        run: Option<i64>,
    ) -> Result<Option<TableAt>> {
        let Some(run_id) = (match run {
            Some(r) => Some(r),
            None => self.latest_run(account)?,
        }) else {
            return Ok(None);
        };
        let Some(acc) = self.account_id(account, false)? else { return Ok(None) };
        let mut stmt = self.conn.prepare(
            "SELECT kind, p1, p2, p3, p4, p5, attrs FROM versions
             WHERE account_id = ?1 AND kind IN ('table', 'column', 'constraint') AND p1 = ?2 AND p2 = ?3
               AND p3 = ?4 AND first_run <= ?5 AND end_run IS NULL
             UNION ALL
             SELECT kind, p1, p2, p3, p4, p5, attrs FROM versions
             WHERE account_id = ?1 AND kind IN ('table', 'column', 'constraint') AND p1 = ?2 AND p2 = ?3
               AND p3 = ?4 AND first_run <= ?5 AND end_run IS NOT NULL AND end_run > ?5",
        )?;
        let mut rows = stmt.query(rusqlite::params![acc, db, schema, table, run_id])?;
        let (mut t, mut columns, mut constraints) = (None, Vec::new(), Vec::new());
        while let Some(row) = rows.next()? {
            let Some(key) = super::diff::key_from_row(row, 0)? else { continue };
            match Object::from_stored(&key, &row.get::<_, String>(6)?)? {
                Object::Table(x) => t = Some(x),
                Object::Column(c) => columns.push(c),
                Object::Constraint(c) => constraints.push(c),
                _ => {}
            }
        }
        columns.sort_by_key(|c| c.ordinal_position);
        constraints.sort_by(|a, b| (a.constraint_type, &a.name).cmp(&(b.constraint_type, &b.name)));
        Ok(t.map(|table| TableAt { account: account.to_string(), run_id, table, columns, constraints }))
    }

    /// Current databases, schemas, tables, columns, warehouses, streams, tasks, pipes, stages, functions,
    /// procedures and sequences whose name or comment matches `pattern`
    /// (SQL LIKE, case-insensitive for ASCII; a pattern without `%` or `_` matches anywhere).
    pub fn search(&self, pattern: &str, limit: usize) -> Result<Vec<SearchHit>> {
        self.search_page(&SearchFilter { pattern: pattern.to_string(), limit, ..SearchFilter::default() })
    }

    /// [`Catalog::search`] narrowed to a kind or an account, a page at a time.
    pub fn search_page(&self, filter: &SearchFilter) -> Result<Vec<SearchHit>> {
        let pattern = &filter.pattern;
        let like = if pattern.contains('%') || pattern.contains('_') {
            pattern.to_string()
        } else {
            format!("%{pattern}%")
        };
        let mut stmt = self.conn.prepare(
            "SELECT a.name, v.kind,
                    v.p1 || CASE WHEN v.p2 = '' THEN '' ELSE '.' || v.p2 END
                         || CASE WHEN v.p3 = '' THEN '' ELSE '.' || v.p3 END
                         || CASE WHEN v.p4 = '' THEN '' WHEN v.kind IN ('function', 'procedure') THEN v.p4
                                 ELSE '.' || v.p4 END,
                    v.attrs ->> '$.comment', v.p1, v.p2, v.p3, v.p4
             FROM versions v JOIN accounts a ON a.id = v.account_id
             WHERE v.end_run IS NULL AND v.kind IN ('database', 'schema', 'table', 'column', 'warehouse',
                   'stream', 'task', 'pipe', 'stage', 'function', 'procedure', 'sequence')
               AND (CASE v.kind WHEN 'database' THEN v.p1 WHEN 'warehouse' THEN v.p1 WHEN 'schema' THEN v.p2
                                WHEN 'column' THEN v.p4 ELSE v.p3 END LIKE ?1
                    OR (v.attrs ->> '$.comment') LIKE ?1)
               AND (?3 IS NULL OR v.kind = ?3) AND (?4 IS NULL OR a.name = ?4)
               AND (?5 IS NULL OR (a.name, v.kind, v.p1, v.p2, v.p3, v.p4) > (?5, ?6, ?7, ?8, ?9, ?10))
             ORDER BY a.name, v.kind, v.p1, v.p2, v.p3, v.p4 LIMIT ?2",
        )?;
        let after = filter.after.clone().map(|k| k.map(Some)).unwrap_or_default();
        let params = rusqlite::params![
            like,
            filter.limit as i64,
            filter.kind.map(ObjectKind::as_str),
            filter.account,
            after[0],
            after[1],
            after[2],
            after[3],
            after[4],
            after[5],
        ];
        let rows = stmt.query_map(params, |r| {
            Ok(SearchHit {
                account_name: r.get(0)?,
                object_kind: r.get(1)?,
                object_name: r.get(2)?,
                comment: r.get(3)?,
                key: [r.get(0)?, r.get(1)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?],
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The scopes run `run` could not see completely (failed, denied, truncated, filtered), in scope order
    /// after `after`.
    pub fn coverage(&self, run: i64, after: Option<&str>, limit: usize) -> Result<Vec<CoverageRow>> {
        let mut stmt = self.conn.prepare(
            "SELECT run_id, scope, object_kind, outcome, error_code, error_message, statement_handle
             FROM scope_ledger WHERE run_id = ?1 AND outcome <> 'complete' AND (?2 IS NULL OR scope > ?2)
             ORDER BY scope LIMIT ?3",
        )?;
        let rows = stmt.query_map(rusqlite::params![run, after, limit as i64], |r| {
            Ok(CoverageRow {
                run_id: r.get(0)?,
                scope: r.get(1)?,
                object_kind: r.get(2)?,
                outcome: r.get(3)?,
                error_code: r.get(4)?,
                error_message: r.get(5)?,
                statement_handle: r.get(6)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
