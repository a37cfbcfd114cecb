//! Statement text at the protocol level: splitting a request into statements, the commands the SQL API
//! refuses on their own (`BEGIN`, `USE`, `PUT`, ... -> 422 `391911`), and running a multi-statement request
//! as a parent with child handles (sql-api-v2.md §1.3).
//!
//! Owns what the SQL API does around the engine; never parses SQL beyond leading keywords.

use super::engine::Session;
use super::result::{Column, ColumnType, QueryResult, SqlError, Value};

/// Split on `;` outside quotes and comments; trimmed, empty pieces dropped.
pub fn split_statements(sql: &str) -> Vec<String> {
    let mut pieces = Vec::new();
    let mut current = String::new();
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' | '"' => {
                current.push(c);
                while let Some(n) = chars.next() {
                    current.push(n);
                    if n == '\\' && c == '\'' {
                        if let Some(esc) = chars.next() {
                            current.push(esc);
                        }
                    } else if n == c {
                        break;
                    }
                }
            }
            '-' if chars.peek() == Some(&'-') => {
                for n in chars.by_ref() {
                    if n == '\n' {
                        current.push('\n');
                        break;
                    }
                }
            }
            '/' if chars.peek() == Some(&'*') => {
                chars.next();
                let mut prev = ' ';
                for n in chars.by_ref() {
                    if prev == '*' && n == '/' {
                        break;
                    }
                    prev = n;
                }
                current.push(' ');
            }
            ';' => pieces.push(std::mem::take(&mut current)),
            _ => current.push(c),
        }
    }
    pieces.push(current);
    pieces.into_iter().map(|p| p.trim().to_string()).filter(|p| !p.is_empty()).collect()
}

fn keywords(sql: &str, n: usize) -> Vec<String> {
    sql.split_whitespace().take(n).map(|w| w.trim_end_matches(';').to_ascii_uppercase()).collect()
}

/// The SQL API's name for a command it refuses as a single statement, if `sql` is one.
/// `TRANSACTION_BEGIN` and `PUT` are recorded; the other names follow the same pattern (unverified).
pub fn unsupported_alone(sql: &str) -> Option<&'static str> {
    let kw = keywords(sql, 2);
    match (kw.first().map(String::as_str), kw.get(1).map(String::as_str)) {
        (Some("BEGIN"), _) | (Some("START"), Some("TRANSACTION")) => Some("TRANSACTION_BEGIN"),
        (Some("COMMIT"), _) => Some("TRANSACTION_COMMIT"),
        (Some("ROLLBACK"), _) => Some("TRANSACTION_ROLLBACK"),
        (Some("USE"), _) => Some("USE"),
        (Some("PUT"), _) => Some("PUT"),
        (Some("GET"), _) => Some("GET"),
        _ => None,
    }
}

pub fn unsupported_error(command: &str) -> SqlError {
    SqlError::new("391911", "0A000", format!("Command not supported by SQL API: {command}"))
}

/// Inside a multi-statement request: handle session commands (USE, transactions) without the engine.
/// Returns `None` when the statement is for the engine.
pub fn session_command(session: &mut Session, sql: &str) -> Option<Result<QueryResult, SqlError>> {
    let kw = keywords(sql, 3);
    let first = kw.first()?.as_str();
    match first {
        "BEGIN" | "START" | "COMMIT" | "ROLLBACK" => Some(Ok(status_row("Statement executed successfully."))),
        "USE" => {
            let tokens: Vec<&str> = sql.trim().trim_end_matches(';').split_whitespace().collect();
            let second = tokens.get(1).map(|t| t.to_ascii_uppercase()).unwrap_or_default();
            let (kind, rest) = match second.as_str() {
                "DATABASE" | "SCHEMA" | "ROLE" | "WAREHOUSE" if tokens.len() > 2 => {
                    (second.clone(), &tokens[2..])
                }
                _ => ("NAME".to_string(), tokens.get(1..).unwrap_or_default()),
            };
            let parts = qualified_name(&rest.join(" "));
            match (kind.as_str(), parts.as_slice()) {
                (_, []) => return Some(Err(SqlError::syntax("USE needs a name"))),
                ("SCHEMA" | "NAME", [db, schema]) => {
                    session.database = Some(db.clone());
                    session.schema = Some(schema.clone());
                }
                ("SCHEMA", [schema]) => session.schema = Some(schema.clone()),
                ("ROLE", [role]) => session.role = role.clone(),
                ("WAREHOUSE", [wh]) => session.warehouse = Some(wh.clone()),
                ("DATABASE" | "NAME", [db]) => {
                    session.database = Some(db.clone());
                    session.schema = None;
                }
                _ => return Some(Err(SqlError::syntax(format!("invalid USE statement: {sql}")))),
            }
            Some(Ok(status_row("Statement executed successfully.")))
        }
        _ => None,
    }
}

/// Split `a."B c".d` into its parts: `"quoted"` keeps its case, a bare part is upper-cased.
fn qualified_name(text: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    let mut was_quoted = false;
    let mut chars = text.trim().chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                chars.next();
                current.push('"');
            }
            '"' => {
                quoted = !quoted;
                was_quoted = true;
            }
            '.' if !quoted => {
                parts.push(finish_part(&mut current, &mut was_quoted));
            }
            _ => current.push(c),
        }
    }
    if !current.is_empty() || was_quoted {
        parts.push(finish_part(&mut current, &mut was_quoted));
    }
    parts
}

fn finish_part(current: &mut String, was_quoted: &mut bool) -> String {
    let part = std::mem::take(current);
    let out = if *was_quoted { part } else { part.trim().to_ascii_uppercase() };
    *was_quoted = false;
    out
}

/// A one-row, one-column `status` result (what DDL and session commands return).
pub fn status_row(text: &str) -> QueryResult {
    QueryResult {
        columns: vec![Column::expr("status", ColumnType::Text { length: 16_777_216 }, false)],
        rows: vec![vec![Value::Text(text.to_string())]],
        stats: vec![],
    }
}

/// The parent's own result: one TEXT column `multiple statement execution` (sql-api-v2.md §1.3).
pub fn parent_result() -> QueryResult {
    QueryResult {
        columns: vec![Column::expr(
            "multiple statement execution",
            ColumnType::Text { length: 16_777_216 },
            false,
        )],
        rows: vec![vec![Value::Text("Multiple statements executed successfully.".into())]],
        stats: vec![],
    }
}

/// The parent's failure when child `index` (1-based) failed: 422 `100132` / `P0000`.
pub fn child_failed(index: usize, err: &SqlError) -> SqlError {
    SqlError::new(
        "100132",
        "P0000",
        format!(
            "Uncaught exception of type 'STATEMENT_ERROR' in SYSTEM$MULTISTMT at statement {index}: {}",
            err.message
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_outside_quotes_and_comments() {
        assert_eq!(split_statements("select 1"), ["select 1"]);
        assert_eq!(split_statements("select 1;"), ["select 1"]);
        assert_eq!(split_statements("select 1; select 2"), ["select 1", "select 2"]);
        assert_eq!(split_statements("select ';' -- ;\n; /* ; */"), ["select ';'"]);
        assert_eq!(split_statements("select \"a;b\" from t; ;"), ["select \"a;b\" from t"]);
    }

    #[test]
    fn refuses_session_commands_alone_and_runs_use_inside_multi() {
        assert_eq!(unsupported_alone("begin"), Some("TRANSACTION_BEGIN"));
        assert_eq!(unsupported_alone("PUT file:///x @s"), Some("PUT"));
        assert_eq!(unsupported_alone("SHOW TABLES"), None);
        let mut s = Session::default();
        assert!(session_command(&mut s, "use schema sales.\"Raw\"").is_some());
        assert_eq!((s.database.as_deref(), s.schema.as_deref()), (Some("SALES"), Some("Raw")));
        session_command(&mut s, "USE \"mixed Db\"").unwrap().unwrap();
        assert_eq!(s.database.as_deref(), Some("mixed Db"));
        session_command(&mut s, "use role ANALYST").unwrap().unwrap();
        assert_eq!(s.role, "ANALYST");
        assert!(session_command(&mut s, "SHOW TABLES").is_none());
    }
}
