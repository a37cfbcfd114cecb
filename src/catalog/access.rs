//! Who can reach what: typed reads of `access_paths_v` (now) and `access_paths_all_v` (at a past run).
//!
//! Read-only SQL over the catalog's own views; the paths are computed by the views (recursive SQL), never
//! here. Names are stored names (case-sensitive); this file turns them into the dotted form SHOW GRANTS
//! prints, which is how the views name objects.

use rusqlite::params;
use serde::Serialize;

use super::error::{CatalogError, Result};
use super::model_access::show_part;
use super::store::Catalog;

/// One privilege one principal holds on one object, and how.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccessPath {
    /// `DATABASE`, `SCHEMA`, `TABLE`, `VIEW`, `COLUMN`, ...
    pub object_type: String,
    /// The object as SHOW GRANTS names it (`DB.SCHEMA.TABLE`, a column as `DB.SCHEMA.TABLE.COLUMN`).
    pub object: String,
    pub privilege: String,
    /// `USER`, `ROLE` or `DATABASE_ROLE`.
    pub principal_type: String,
    pub principal: String,
    /// `USER U -> ROLE A -> DATABASE ROLE D.R -> SELECT on TABLE D.S.T`.
    pub path: String,
    /// Role grants between the principal and the privilege (0: held directly).
    pub hops: i64,
    /// A column's masking policy (`DB.S.POLICY`).
    pub masking_policy: Option<String>,
    /// A column's tags with their values, set on it or inherited (`{"DB.S.PII":"EMAIL"}`).
    pub tags: Option<String>,
}

/// What to ask about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccessQuery {
    /// Who reaches this database, schema, table/view or column (1 to 4 stored name parts).
    Object(Vec<String>),
    /// What this account role or database role (`DB.ROLE`) reaches.
    Role(String),
    /// What this user reaches.
    User(String),
}

const COLUMNS: &str =
    "object_type, object, privilege, principal_type, principal, path, hops, masking_policy, tags";

impl Catalog {
    /// The access paths answering `q` for `account`, now (`at = None`) or as they were at run `at`.
    /// Columns are answered now only; object and principal questions about the past cover databases,
    /// schemas, tables and views.
    pub fn access_paths(&self, account: &str, q: &AccessQuery, at: Option<i64>) -> Result<Vec<AccessPath>> {
        let (filter, name): (&str, String) = match q {
            AccessQuery::Object(parts) if parts.is_empty() || parts.len() > 4 => {
                return Err(CatalogError::Invalid(format!(
                    "expected DB, DB.SCHEMA, DB.SCHEMA.TABLE or DB.SCHEMA.TABLE.COLUMN, got {} parts",
                    parts.len()
                )));
            }
            AccessQuery::Object(parts) if parts.len() == 4 => {
                if at.is_some() {
                    return Err(CatalogError::Invalid(
                        "a column's access is answered for now only; ask for its table with --at".into(),
                    ));
                }
                let table: Vec<String> = parts[..3].iter().map(|p| show_part(p)).collect();
                (
                    "object_type = 'COLUMN' AND object = ?3",
                    format!("{}.{}", table.join("."), show_part(&parts[3])),
                )
            }
            AccessQuery::Object(parts) => {
                let name: Vec<String> = parts.iter().map(|p| show_part(p)).collect();
                ("object_type <> 'COLUMN' AND object = ?3", name.join("."))
            }
            AccessQuery::Role(r) => (
                "object_type <> 'COLUMN' AND principal_type IN ('ROLE', 'DATABASE_ROLE') AND principal = ?3",
                r.clone(),
            ),
            AccessQuery::User(u) => {
                ("object_type <> 'COLUMN' AND principal_type = 'USER' AND principal = ?3", u.clone())
            }
        };
        let source = match at {
            None => {
                "SELECT object_type, object, privilege, principal_type, principal, path, hops, masking_policy,
                     tags FROM access_paths_v WHERE account_name = ?1 AND ?2 IS NULL"
                    .to_string()
            }
            Some(_) => {
                "SELECT object_type, object_name AS object, privilege, principal_type, principal, path, hops,
                     NULL AS masking_policy, NULL AS tags
                 FROM access_paths_all_v WHERE account_name = ?1 AND valid_from_run <= ?2
                     AND (valid_to_run IS NULL OR valid_to_run > ?2)"
                    .to_string()
            }
        };
        let sql = format!(
            "SELECT DISTINCT {COLUMNS} FROM ({source}) WHERE {filter}
             ORDER BY object, privilege, principal_type, principal, hops, path"
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map(params![account, at, name], |r| {
            Ok(AccessPath {
                object_type: r.get(0)?,
                object: r.get(1)?,
                privilege: r.get(2)?,
                principal_type: r.get(3)?,
                principal: r.get(4)?,
                path: r.get(5)?,
                hops: r.get(6)?,
                masking_policy: r.get(7)?,
                tags: r.get(8)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }
}
