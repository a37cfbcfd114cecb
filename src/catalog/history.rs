//! One object through time: its versions (what it looked like from which run to which), the changes to it
//! and to what it contains (columns of a table, tables of a schema, ...) and the grants on it, and the
//! object as it was at any committed run.
//!
//! Read-only, over the version intervals and `changes_v`. Objects are found first with `lookup`; this file
//! takes their keys.

use rusqlite::{OptionalExtension, params_from_iter};
use schemars::JsonSchema;
use serde::Serialize;
use serde_json::Value;

use super::error::Result;
use super::lookup::grant_part;
use super::model::{ObjectKey, ObjectKind};
use super::query::{ChangeRow, change_columns, change_row};
use super::store::Catalog;

/// One version of an object: its attributes from run `first_run` until run `end_run` (exclusive; `None`
/// while current).
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct VersionRow {
    pub first_run: i64,
    /// When `first_run` finished.
    pub first_seen: Option<String>,
    pub end_run: Option<i64>,
    /// When `end_run` finished: the first crawl that no longer saw this version.
    pub ended: Option<String>,
    pub attrs: Value,
}

/// A grant on an object, as of some run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct GrantRow {
    pub privilege: String,
    /// `ROLE`, `DATABASE_ROLE`, `USER`, `SHARE`, ...
    pub grantee_type: String,
    pub grantee_name: String,
    pub grant_option: bool,
    /// The run since which the catalog has seen this grant.
    pub since_run: i64,
}

/// The `GRANTED_ON` words and the printed name SHOW GRANTS uses for the object `key` names, if it can hold
/// grants.
fn grant_target(key: &ObjectKey) -> Option<(&'static [&'static str], String)> {
    let p = &key.parts;
    let name = |n: usize| p[..n].iter().map(|s| grant_part(s)).collect::<Vec<_>>().join(".");
    match key.kind {
        ObjectKind::Database => Some((&["DATABASE"], name(1))),
        ObjectKind::Schema => Some((&["SCHEMA"], name(2))),
        ObjectKind::Table | ObjectKind::View => {
            Some((&["TABLE", "VIEW", "MATERIALIZED_VIEW", "EXTERNAL_TABLE", "DYNAMIC_TABLE"], name(3)))
        }
        ObjectKind::DynamicTable => Some((&["DYNAMIC_TABLE"], name(3))),
        ObjectKind::Stream => Some((&["STREAM"], name(3))),
        ObjectKind::Task => Some((&["TASK"], name(3))),
        ObjectKind::Pipe => Some((&["PIPE"], name(3))),
        ObjectKind::Stage => Some((&["STAGE"], name(3))),
        ObjectKind::Sequence => Some((&["SEQUENCE"], name(3))),
        ObjectKind::Warehouse => Some((&["WAREHOUSE"], name(1))),
        _ => None,
    }
}

/// How many leading key parts name `key` (and prefix everything it contains).
fn prefix_len(kind: ObjectKind) -> usize {
    super::lookup::name_parts(kind).unwrap_or(1)
}

impl Catalog {
    /// Every version of exactly `key` in `account`, oldest first.
    pub fn object_versions(&self, account: &str, key: &ObjectKey) -> Result<Vec<VersionRow>> {
        let Some(acc) = self.account_id(account, false)? else { return Ok(Vec::new()) };
        let mut stmt = self.conn.prepare(
            "SELECT v.first_run, f.finished_at, v.end_run, e.finished_at, v.attrs FROM versions v
             LEFT JOIN runs f ON f.id = v.first_run LEFT JOIN runs e ON e.id = v.end_run
             WHERE v.account_id = ?1 AND v.kind = ?2 AND v.p1 = ?3 AND v.p2 = ?4 AND v.p3 = ?5 AND v.p4 = ?6
               AND v.p5 = ?7
             ORDER BY v.first_run",
        )?;
        let p = &key.parts;
        let args = [
            acc.to_string(),
            key.kind.as_str().to_string(),
            p[0].clone(),
            p[1].clone(),
            p[2].clone(),
            p[3].clone(),
            p[4].clone(),
        ];
        let rows = stmt.query_map(params_from_iter(args), |r| {
            let attrs: String = r.get(4)?;
            Ok(VersionRow {
                first_run: r.get(0)?,
                first_seen: r.get(1)?,
                end_run: r.get(2)?,
                ended: r.get(3)?,
                attrs: serde_json::from_str(&attrs).unwrap_or(Value::String(attrs)),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Changes to `key`, to everything it contains, and to grants on it, in run then change order, after
    /// `(run_id, change_id)`.
    pub fn object_changes(
        &self,
        account: &str,
        key: &ObjectKey,
        after: Option<(i64, i64)>,
        limit: usize,
    ) -> Result<Vec<ChangeRow>> {
        let n = prefix_len(key.kind);
        // A database, schema, table or view contains what its key prefixes: schemas, tables, views, columns,
        // keys, future grants and the pipeline kinds (grants, memberships and warehouses are keyed otherwise).
        let contained = match key.kind {
            ObjectKind::Database
            | ObjectKind::Schema
            | ObjectKind::Table
            | ObjectKind::View
            | ObjectKind::DynamicTable => "c.kind NOT IN ('grant', 'role_membership', 'warehouse')",
            _ => "c.kind = ?3",
        };
        let prefix: String = (0..n).map(|i| format!(" AND c.p{} = ?{}", i + 1, i + 4)).collect();
        let (granted_on, grant_name) = grant_target(key).unwrap_or((&[], String::new()));
        let on: Vec<String> = granted_on.iter().map(|w| format!("'{w}'")).collect();
        let grants = if on.is_empty() {
            String::new()
        } else {
            format!(" OR (c.kind = 'grant' AND c.p3 IN ({}) AND c.p4 = ?8)", on.join(", "))
        };
        let sql = format!(
            "SELECT {} FROM changes_v v JOIN changes c ON c.id = v.change_id
             WHERE v.account_name = ?1 AND ((({contained}){prefix}){grants})
               AND (?9 IS NULL OR (v.run_id, v.change_id) > (?9, ?10))
             ORDER BY v.run_id, v.change_id LIMIT ?2",
            change_columns("v")
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let p = &key.parts;
        let (after_run, after_change) = after.unzip();
        let params = rusqlite::params![
            account,
            limit as i64,
            key.kind.as_str(),
            p[0],
            p[1],
            p[2],
            p[3],
            grant_name,
            after_run,
            after_change
        ];
        let rows = stmt.query_map(params, change_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The stored attributes of the object `key` as it was after run `run`, if it existed then.
    pub fn attrs_at(&self, account: &str, key: &ObjectKey, run: i64) -> Result<Option<Value>> {
        let Some(acc) = self.account_id(account, false)? else { return Ok(None) };
        let p = &key.parts;
        let attrs: Option<String> = self
            .conn
            .query_row(
                "SELECT attrs FROM versions WHERE account_id = ?1 AND kind = ?2 AND p1 = ?3 AND p2 = ?4
                   AND p3 = ?5 AND p4 = ?6 AND p5 = ?7 AND first_run <= ?8 AND (end_run IS NULL OR end_run > ?8)",
                rusqlite::params![acc, key.kind.as_str(), p[0], p[1], p[2], p[3], p[4], run],
                |r| r.get(0),
            )
            .optional()?;
        Ok(attrs.map(|a| serde_json::from_str(&a).unwrap_or(Value::String(a))))
    }

    /// Grants directly on the object `key` as of run `run`, by privilege then grantee.
    pub fn grants_on(&self, account: &str, key: &ObjectKey, run: i64) -> Result<Vec<GrantRow>> {
        let Some(acc) = self.account_id(account, false)? else { return Ok(Vec::new()) };
        let Some((granted_on, name)) = grant_target(key) else { return Ok(Vec::new()) };
        let on: Vec<String> = granted_on.iter().map(|w| format!("'{w}'")).collect();
        let sql = format!(
            "SELECT p5, p1, p2, coalesce(attrs ->> '$.grant_option', 0), first_run FROM versions
             WHERE account_id = ?1 AND kind = 'grant' AND p3 IN ({}) AND p4 = ?2
               AND first_run <= ?3 AND (end_run IS NULL OR end_run > ?3)
             ORDER BY p5, p1, p2",
            on.join(", ")
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map(rusqlite::params![acc, name, run], |r| {
            Ok(GrantRow {
                privilege: r.get(0)?,
                grantee_type: r.get(1)?,
                grantee_name: r.get(2)?,
                grant_option: r.get::<_, i64>(3)? != 0,
                since_run: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
