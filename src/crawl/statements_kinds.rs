//! Statements for the pipeline and code kinds: `SHOW <kind> IN ACCOUNT | DATABASE | SCHEMA` (with `LIMIT n
//! [FROM 'name']` for the commands that take it) and the per-database INFORMATION_SCHEMA detail queries
//! (routine bodies, sequence starts). Names are quoted identifiers, cursors escaped literals, exactly as in
//! `statements`. Pure string building: no I/O, no knowledge of results.

use super::statements::{StatementError, ident, literal, path, show_page};

/// Where a kind's SHOW looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope<'a> {
    Account,
    Database(&'a str),
    Schema(&'a str, &'a str),
}

/// `SHOW <words> IN <scope>[ LIMIT n [FROM 'name']]`; `words` like `STREAMS` or `USER FUNCTIONS`. Only a
/// single-schema listing may be paged with FROM (FROM compares names alone).
pub fn show_kind(
    words: &str,
    scope: Scope<'_>,
    limit: Option<u32>,
    from: Option<&str>,
) -> Result<String, StatementError> {
    let scope = match scope {
        Scope::Account => " IN ACCOUNT".to_string(),
        Scope::Database(d) => format!(" IN DATABASE {}", ident(d)),
        Scope::Schema(d, s) => format!(" IN SCHEMA {}", path(&[d, s])),
    };
    Ok(format!("SHOW {words}{scope}{}", show_page(limit, from)?))
}

/// Which detail query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    /// `INFORMATION_SCHEMA.FUNCTIONS`: language and body of each user function.
    Functions,
    /// `INFORMATION_SCHEMA.PROCEDURES`: language and body of each procedure.
    Procedures,
    /// `INFORMATION_SCHEMA.SEQUENCES`: each sequence's start value (SHOW SEQUENCES has none).
    Sequences,
}

/// The detail query of one database, or of one schema (the 090030 fallback).
pub fn details(detail: Detail, database: &str, schema: Option<&str>) -> String {
    let (view, prefix, columns) = match detail {
        Detail::Functions => {
            ("FUNCTIONS", "FUNCTION", "ARGUMENT_SIGNATURE, FUNCTION_LANGUAGE, FUNCTION_DEFINITION")
        }
        Detail::Procedures => {
            ("PROCEDURES", "PROCEDURE", "ARGUMENT_SIGNATURE, PROCEDURE_LANGUAGE, PROCEDURE_DEFINITION")
        }
        Detail::Sequences => ("SEQUENCES", "SEQUENCE", "START_VALUE"),
    };
    let filter = schema.map(|s| format!(" WHERE {prefix}_SCHEMA = {}", literal(s))).unwrap_or_default();
    format!(
        "SELECT {prefix}_SCHEMA, {prefix}_NAME, {columns} FROM {}.INFORMATION_SCHEMA.{view}{filter}",
        ident(database)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kind_listings_scope_and_page() {
        assert_eq!(
            show_kind("STREAMS", Scope::Account, Some(10_000), None).unwrap(),
            "SHOW STREAMS IN ACCOUNT LIMIT 10000"
        );
        assert_eq!(
            show_kind("USER FUNCTIONS", Scope::Database("d\"b"), None, None).unwrap(),
            "SHOW USER FUNCTIONS IN DATABASE \"d\"\"b\""
        );
        assert_eq!(
            show_kind("TASKS", Scope::Schema("D", "S"), Some(5), Some("it's")).unwrap(),
            "SHOW TASKS IN SCHEMA \"D\".\"S\" LIMIT 5 FROM 'it''s'"
        );
        assert!(show_kind("TASKS", Scope::Account, Some(0), None).is_err());
        assert_eq!(
            details(Detail::Sequences, "D", Some("S'1")),
            "SELECT SEQUENCE_SCHEMA, SEQUENCE_NAME, START_VALUE FROM \"D\".INFORMATION_SCHEMA.SEQUENCES \
             WHERE SEQUENCE_SCHEMA = 'S''1'"
        );
    }
}
