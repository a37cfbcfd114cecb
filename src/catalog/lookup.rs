//! Finding an object by a name someone typed: the stored names exactly first, then a case-insensitive
//! match when only one object has it; otherwise the closest names of that kind, so an error can say what
//! to type instead.
//!
//! Read-only. Covers the kinds named by a dotted path (database, schema, table, column, constraint,
//! warehouse, and the schema-level view, dynamic table, stream, task, pipe, stage and sequence); grants
//! and memberships are found through their objects.

use rusqlite::params_from_iter;

use super::diff::key_from_row;
use super::error::Result;
use super::model::{ObjectKey, ObjectKind};
use super::store::Catalog;

/// Which versions count when looking an object up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    /// As of the latest committed run.
    Current,
    /// As of this run.
    AtRun(i64),
    /// At any time the catalog remembers (for history).
    Ever,
}

impl When {
    fn condition(self) -> String {
        match self {
            When::Current => "end_run IS NULL".into(),
            When::AtRun(r) => format!("first_run <= {r} AND (end_run IS NULL OR end_run > {r})"),
            When::Ever => "1".into(),
        }
    }
}

/// What a lookup found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    One(ObjectKey),
    /// Nothing by that name; the closest names of that kind, best first.
    Missing {
        closest: Vec<String>,
    },
}

/// How many name parts an object of `kind` is named by (`D.S.T` is 3), for the kinds named by a path.
pub fn name_parts(kind: ObjectKind) -> Option<usize> {
    match kind {
        ObjectKind::Database | ObjectKind::Warehouse => Some(1),
        ObjectKind::Schema => Some(2),
        ObjectKind::Table
        | ObjectKind::View
        | ObjectKind::DynamicTable
        | ObjectKind::Stream
        | ObjectKind::Task
        | ObjectKind::Pipe
        | ObjectKind::Stage
        | ObjectKind::Sequence => Some(3),
        ObjectKind::Column | ObjectKind::Constraint => Some(4),
        // Functions and procedures are named with their argument types; grants and memberships by their
        // objects.
        _ => None,
    }
}

/// `name` as SHOW GRANTS prints a name part: plain when it is an upper-case identifier, else quoted.
pub fn grant_part(name: &str) -> String {
    let plain = name.chars().next().is_some_and(|c| c.is_ascii_uppercase() || c == '_')
        && name.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_' || c == '$');
    if plain { name.to_string() } else { format!("\"{}\"", name.replace('"', "\"\"")) }
}

/// Edit distance between two strings, by characters.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1).min(row[j] + 1).min(diagonal + usize::from(ca != *cb));
            diagonal = above;
        }
    }
    row[b.len()]
}

/// How many closest names an error offers.
const CLOSEST: usize = 5;

impl Catalog {
    /// The object of `kind` in `account` named by one of `candidates` (each a list of stored name parts,
    /// tried in order), as of `when`.
    pub fn find_object(
        &self,
        account: &str,
        kind: ObjectKind,
        candidates: &[Vec<String>],
        when: When,
    ) -> Result<Found> {
        let Some(n) = name_parts(kind) else { return Ok(Found::Missing { closest: Vec::new() }) };
        let Some(acc) = self.account_id(account, false)? else {
            return Ok(Found::Missing { closest: Vec::new() });
        };
        for collate in ["", " COLLATE NOCASE"] {
            for parts in candidates.iter().filter(|p| p.len() == n) {
                let cond: String = (0..n).map(|i| format!(" AND p{} = ?{}{collate}", i + 1, i + 3)).collect();
                let sql = format!(
                    "SELECT DISTINCT kind, p1, p2, p3, p4, p5 FROM versions
                     WHERE account_id = ?1 AND kind = ?2{cond} AND {} LIMIT 2",
                    when.condition()
                );
                let mut stmt = self.conn.prepare(&sql)?;
                let args =
                    [acc.to_string(), kind.as_str().to_string()].into_iter().chain(parts.iter().cloned());
                let mut rows = stmt.query(params_from_iter(args))?;
                let mut found = Vec::new();
                while let Some(row) = rows.next()? {
                    found.extend(key_from_row(row, 0)?);
                }
                if let [one] = found.as_slice() {
                    return Ok(Found::One(one.clone()));
                }
            }
        }
        let typed = candidates.first().map(|p| p.join(".")).unwrap_or_default();
        Ok(Found::Missing { closest: self.closest_names(acc, kind, n, candidates.first(), &typed, when)? })
    }

    /// The names of `kind` closest to `typed` (columns: among the named table's columns).
    fn closest_names(
        &self,
        acc: i64,
        kind: ObjectKind,
        n: usize,
        parts: Option<&Vec<String>>,
        typed: &str,
        when: When,
    ) -> Result<Vec<String>> {
        let select: Vec<String> = (1..=n).map(|i| format!("p{i}")).collect();
        let within_table = kind == ObjectKind::Column || kind == ObjectKind::Constraint;
        let parent = match parts {
            Some(p) if within_table && p.len() == n => {
                " AND p1 = ?3 COLLATE NOCASE AND p2 = ?4 COLLATE NOCASE AND p3 = ?5 COLLATE NOCASE"
            }
            _ => "",
        };
        let sql = format!(
            "SELECT DISTINCT {} FROM versions WHERE account_id = ?1 AND kind = ?2{parent} AND {}",
            select.join(", "),
            when.condition()
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let mut args = vec![acc.to_string(), kind.as_str().to_string()];
        if !parent.is_empty()
            && let Some(p) = parts
        {
            args.extend(p.iter().take(3).cloned());
        }
        let names = stmt.query_map(params_from_iter(args), |r| {
            (0..n).map(|i| r.get::<_, String>(i)).collect::<rusqlite::Result<Vec<_>>>()
        })?;
        let typed = typed.to_lowercase();
        let mut scored = Vec::new();
        for name in names {
            let name = name?.join(".");
            scored.push((distance(&typed, &name.to_lowercase()), name));
        }
        scored.sort();
        scored.truncate(CLOSEST);
        Ok(scored.into_iter().map(|(_, name)| name).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances_and_grant_names() {
        assert_eq!(distance("sales", "sales"), 0);
        assert_eq!(distance("salse", "sales"), 2);
        assert_eq!(distance("", "abc"), 3);
        assert_eq!(distance("orders", "order"), 1);
        assert_eq!(grant_part("ORDERS"), "ORDERS");
        assert_eq!(grant_part("marketing db"), "\"marketing db\"");
        assert_eq!(grant_part("Legacy \"x\""), "\"Legacy \"\"x\"\"\"");
        assert_eq!(name_parts(ObjectKind::Table), Some(3));
        assert_eq!(name_parts(ObjectKind::Grant), None);
    }
}
