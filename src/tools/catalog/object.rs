//! One object from the catalog: as it was at a run or time (`catalog_object`), and its history
//! (`catalog_history`: versions, then the changes to it, to what it contains and to grants on it). Names
//! are read as typed in SQL or as stored; a name the catalog does not know is answered with the closest
//! names it does.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{CatalogSource, CatalogToolError, RunOrTime, limit};
use crate::catalog::history::{GrantRow, VersionRow};
use crate::catalog::lookup::{Found, When, name_parts};
use crate::catalog::query::ChangeRow;
use crate::catalog::{Catalog, ObjectKey, ObjectKind};
use crate::crawl::statements::parse_object_name;
use crate::tools::page::{PAGE_BYTES, cut_all, fit};
use crate::tools::params::ParamError;
use crate::tools::{Answer, cursor};

/// `catalog_object`.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
pub struct ObjectAt {
    /// The object, as typed in SQL or as stored: `SALES.CORE.ORDERS`, `"marketing db"."Campaigns 2025".CLICKS`,
    /// `SALES.CORE.ORDERS.TOTAL` (a column), `CRAWLER_WH` (a warehouse).
    pub object: String,
    /// database, schema, table (views too), view (its definition), dynamic_table, stream, task, pipe, stage,
    /// sequence, column, constraint or warehouse. Default: by the number of name parts (1 database, else
    /// warehouse; 2 schema; 3 table, else the other schema objects; 4 column).
    pub kind: Option<String>,
    /// A run id or an RFC 3339 time (default: the latest run).
    pub at: Option<RunOrTime>,
    /// The account (default: the only one in the catalog).
    pub account: Option<String>,
}

/// A named part of an object (a column, a constraint) with its attributes.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Named {
    pub name: String,
    pub attributes: Value,
}

/// The answer of `catalog_object`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ObjectAnswer {
    pub account: String,
    pub kind: String,
    /// The stored name, dotted (`SALES.CORE.ORDERS`).
    pub name: String,
    /// The run whose snapshot this is.
    pub as_of_run: i64,
    pub attributes: Value,
    /// A table's (or view's) columns, in ordinal order.
    pub columns: Vec<Named>,
    /// A table's primary, unique and foreign keys.
    pub constraints: Vec<Named>,
    /// Privileges granted directly on the object.
    pub grants: Vec<GrantRow>,
    /// Columns and grants left out to keep the answer under ~20k tokens.
    pub omitted: u64,
}

/// `catalog_history`.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
pub struct History {
    /// The object, as typed in SQL or as stored (see catalog_object); it may no longer exist.
    pub object: String,
    /// The kind, as for catalog_object (default: by the number of name parts).
    pub kind: Option<String>,
    /// The account (default: the only one in the catalog).
    pub account: Option<String>,
    /// Changes per page, oldest first (1-500, default 50).
    pub limit: Option<u32>,
    /// The next_cursor of the previous page.
    pub cursor: Option<String>,
}

/// The answer of `catalog_history`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct HistoryAnswer {
    pub account: String,
    pub kind: String,
    pub name: String,
    /// The object's versions, oldest first: from which run to which it looked like this (first page only).
    pub versions: Vec<VersionRow>,
    /// Changes to the object, to what it contains, and to grants on it.
    pub changes: Vec<ChangeRow>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

/// The kinds to try for a name of `parts` parts, given kind first.
fn kinds(given: &Option<String>, parts: usize) -> Result<Vec<ObjectKind>, ParamError> {
    let allowed = "database, schema, table, view, dynamic_table, stream, task, pipe, stage, sequence, column, \
                   constraint, warehouse";
    if let Some(k) = given {
        let norm = k.trim().to_ascii_lowercase();
        let kind = ObjectKind::parse(&norm).filter(|k| name_parts(*k).is_some()).ok_or_else(|| {
            ParamError::Invalid { param: "kind", message: format!("{k:?} is not one of: {allowed}") }
        })?;
        return Ok(vec![kind]);
    }
    Ok(match parts {
        1 => vec![ObjectKind::Database, ObjectKind::Warehouse],
        2 => vec![ObjectKind::Schema],
        3 => vec![
            ObjectKind::Table,
            ObjectKind::View,
            ObjectKind::DynamicTable,
            ObjectKind::Stream,
            ObjectKind::Task,
            ObjectKind::Pipe,
            ObjectKind::Stage,
            ObjectKind::Sequence,
        ],
        4 => vec![ObjectKind::Column, ObjectKind::Constraint],
        n => {
            return Err(ParamError::Invalid {
                param: "object",
                message: format!("has {n} name parts; name a database, schema, table, column or warehouse"),
            });
        }
    })
}

/// The ways `typed` may name stored parts: as SQL reads it (unquoted parts upper-cased), then as written.
fn candidates(typed: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    if let Ok(parts) = parse_object_name("object", typed) {
        out.push(parts);
    }
    if !typed.contains('"') {
        let raw: Vec<String> = typed.trim().split('.').map(str::to_string).collect();
        if !out.contains(&raw) {
            out.push(raw);
        }
    }
    out
}

/// The object `typed` names in `account` as of `when`, or a not-found error with the closest names.
fn locate(
    cat: &Catalog,
    account: &str,
    typed: &str,
    kind: &Option<String>,
    when: When,
) -> Result<ObjectKey, CatalogToolError> {
    let names = candidates(typed);
    let parts = names.first().map_or(0, Vec::len);
    if parts == 0 {
        return Err(
            ParamError::Invalid { param: "object", message: format!("{typed:?} names no object") }.into()
        );
    }
    let tried = kinds(kind, parts)?;
    let mut closest = Vec::new();
    for k in &tried {
        match cat.find_object(account, *k, &names, when)? {
            Found::One(key) => return Ok(key),
            Found::Missing { closest: c } if closest.is_empty() => closest = c,
            Found::Missing { .. } => {}
        }
    }
    let what = tried.iter().map(|k| k.as_str()).collect::<Vec<_>>().join(" or ");
    Err(CatalogToolError::NotFound { what, name: typed.to_string(), account: account.to_string(), closest })
}

fn dotted(key: &ObjectKey) -> String {
    key.parts[..name_parts(key.kind).unwrap_or(1)].join(".")
}

/// `catalog_object`.
pub fn object(src: &CatalogSource, args: &ObjectAt) -> Result<ObjectAnswer, CatalogToolError> {
    let cat = src.open()?;
    let account = src.account(&cat, &args.account)?;
    let run = match &args.at {
        Some(at) => at.run(&cat, &account, "at")?,
        None => cat.latest_run(&account)?.ok_or_else(|| ParamError::Invalid {
            param: "account",
            message: format!("{account} has no committed run yet"),
        })?,
    };
    let key = locate(&cat, &account, &args.object, &args.kind, When::AtRun(run))?;
    let mut attributes = cat.attrs_at(&account, &key, run)?.unwrap_or(Value::Null);
    cut_all(&mut attributes);
    let (mut columns, mut constraints) = (Vec::new(), Vec::new());
    // A view or dynamic table is also listed as a table (its TABLE_TYPE), with its columns.
    if matches!(key.kind, ObjectKind::Table | ObjectKind::View | ObjectKind::DynamicTable) {
        let p = &key.parts;
        if let Some(t) = cat.table_at(&account, &p[0], &p[1], &p[2], Some(run))? {
            let value = |v: serde_json::Result<Value>| v.unwrap_or(Value::Null);
            columns = t
                .columns
                .iter()
                .map(|c| Named { name: c.name.clone(), attributes: value(serde_json::to_value(c)) })
                .collect();
            constraints = t
                .constraints
                .iter()
                .map(|k| {
                    let mut attributes = value(serde_json::to_value(k));
                    if let Value::Object(m) = &mut attributes {
                        m.insert("constraint_type".into(), Value::from(k.constraint_type.as_str()));
                    }
                    Named { name: k.name.clone(), attributes }
                })
                .collect();
        }
    }
    columns.iter_mut().chain(constraints.iter_mut()).for_each(|c| {
        cut_all(&mut c.attributes);
    });
    let grants = cat.grants_on(&account, &key, run)?;
    let budget = PAGE_BYTES / 2;
    let (columns, omitted_columns) = fit(columns, budget);
    let (grants, omitted_grants) = fit(grants, budget / 2);
    Ok(ObjectAnswer {
        account,
        kind: key.kind.as_str().to_string(),
        name: dotted(&key),
        as_of_run: run,
        attributes,
        columns,
        constraints,
        grants,
        omitted: (omitted_columns + omitted_grants) as u64,
    })
}

/// `catalog_history`.
pub fn history(src: &CatalogSource, args: &History) -> Result<HistoryAnswer, CatalogToolError> {
    const TOOL: &str = "catalog_history";
    let cat = src.open()?;
    let account = src.account(&cat, &args.account)?;
    let n = limit(args.limit)?;
    let fp = cursor::fingerprint(args);
    let key = locate(&cat, &account, &args.object, &args.kind, When::Ever)?;
    let after = args.cursor.as_deref().map(|c| cursor::decode::<(i64, i64)>(c, TOOL, &fp)).transpose()?;
    let mut versions = if after.is_none() { cat.object_versions(&account, &key)? } else { Vec::new() };
    versions.iter_mut().for_each(|v| {
        cut_all(&mut v.attrs);
    });
    let versions = fit(versions, PAGE_BYTES / 2).0;
    let mut rows = cat.object_changes(&account, &key, after, n + 1)?;
    rows.iter_mut().for_each(super::lists::cut_change);
    let more = rows.len() > n;
    rows.truncate(n);
    let (changes, omitted) = fit(rows, PAGE_BYTES / 2);
    let next_cursor = (more || omitted > 0)
        .then(|| changes.last().map(|c| cursor::encode(TOOL, &fp, &(c.run_id, c.change_id))))
        .flatten();
    Ok(HistoryAnswer {
        account,
        kind: key.kind.as_str().to_string(),
        name: dotted(&key),
        versions,
        changes,
        next_cursor,
    })
}

impl Answer for ObjectAnswer {
    /// The object in a few lines: attributes, then columns, keys and grants one per line.
    fn text(&self) -> String {
        let mut out = format!(
            "{} {} (account {}, as of run {})\n{}",
            self.kind, self.name, self.account, self.as_of_run, self.attributes
        );
        for c in &self.columns {
            out.push_str(&format!("\ncolumn {} {}", c.name, c.attributes));
        }
        for k in &self.constraints {
            out.push_str(&format!("\nconstraint {} {}", k.name, k.attributes));
        }
        for g in &self.grants {
            out.push_str(&format!("\ngrant {} to {} {}", g.privilege, g.grantee_type, g.grantee_name));
        }
        if self.omitted > 0 {
            out.push_str(&format!("\n({} columns or grants left out)", self.omitted));
        }
        out
    }
}

impl Answer for HistoryAnswer {
    /// Versions then changes, one per line.
    fn text(&self) -> String {
        let mut out = format!("history of {} {} (account {})", self.kind, self.name, self.account);
        for v in &self.versions {
            let until = v.end_run.map_or("now".to_string(), |r| format!("run {r}"));
            out.push_str(&format!("\nversion from run {} until {until}: {}", v.first_run, v.attrs));
        }
        let mut lines = Vec::new();
        let _ = super::write_changes(&mut lines, &self.changes, true);
        out.push('\n');
        out.push_str(String::from_utf8_lossy(&lines).trim_end());
        out + &super::render::more(&self.next_cursor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_tried_as_sql_reads_them_then_as_written() {
        assert_eq!(
            candidates("sales.core.orders"),
            vec![vec!["SALES", "CORE", "ORDERS"], vec!["sales", "core", "orders"]]
        );
        assert_eq!(candidates("\"marketing db\".X"), vec![vec!["marketing db", "X"]]);
        assert_eq!(candidates("marketing db.Campaigns 2025"), vec![vec!["marketing db", "Campaigns 2025"]]);
        assert_eq!(kinds(&None, 1).unwrap(), [ObjectKind::Database, ObjectKind::Warehouse]);
        assert_eq!(kinds(&Some("VIEW".into()), 3).unwrap(), [ObjectKind::View]);
        assert_eq!(
            kinds(&None, 3).unwrap()[0],
            ObjectKind::Table,
            "a view is also a table (TABLE_TYPE VIEW)"
        );
        assert!(kinds(&Some("grant".into()), 3).is_err());
        assert!(kinds(&None, 5).is_err());
    }
}
