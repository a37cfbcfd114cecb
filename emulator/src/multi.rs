//! Statement text at the protocol level: splitting a request into statements, the commands the SQL API
//! refuses on their own (`BEGIN`, `USE`, `PUT`, ... -> 422 `391911`), and running a multi-statement request
//! as a parent with child handles (sql-api-v2.md §1.3).
//!
//! Owns what the SQL API does around the engine; never parses SQL beyond leading keywords.

use super::engine::Session;
use super::result::{Column, ColumnType, QueryResult, SqlError, Value};

/// One statement of a request's text: its text (trimmed, comments dropped) and where it starts in the
/// request, as Snowflake counts in its multi-statement errors (1-based line, 0-based column in that line).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Piece {
    pub text: String,
    pub line: usize,
    pub column: usize,
}

/// Split on `;` outside quotes and comments; trimmed, empty pieces dropped.
pub fn split_statements(sql: &str) -> Vec<String> {
    split_pieces(sql).into_iter().map(|p| p.text).collect()
}

/// [`split_statements`], keeping where each statement starts.
pub fn split_pieces(sql: &str) -> Vec<Piece> {
    let mut pieces = Vec::new();
    let mut current = String::new();
    // Position of the next character read, and of the current piece's first visible character.
    let (mut line, mut column) = (1usize, 0usize);
    let mut start: Option<(usize, usize)> = None;
    let mut chars = sql.chars().peekable();
    while let Some(&c) = chars.peek() {
        let at = (line, column);
        next(&mut line, &mut column, &mut chars);
        if start.is_none() && !c.is_whitespace() && c != ';' && !is_comment_start(c, chars.peek()) {
            start = Some(at);
        }
        match c {
            '\'' | '"' => {
                current.push(c);
                while let Some(n) = next(&mut line, &mut column, &mut chars) {
                    current.push(n);
                    if n == '\\' && c == '\'' {
                        if let Some(esc) = next(&mut line, &mut column, &mut chars) {
                            current.push(esc);
                        }
                    } else if n == c {
                        break;
                    }
                }
            }
            '-' if chars.peek() == Some(&'-') => {
                while let Some(n) = next(&mut line, &mut column, &mut chars) {
                    if n == '\n' {
                        current.push('\n');
                        break;
                    }
                }
            }
            '/' if chars.peek() == Some(&'*') => {
                next(&mut line, &mut column, &mut chars);
                let mut prev = ' ';
                while let Some(n) = next(&mut line, &mut column, &mut chars) {
                    if prev == '*' && n == '/' {
                        break;
                    }
                    prev = n;
                }
                current.push(' ');
            }
            ';' => finish_piece(&mut pieces, &mut current, start.take()),
            _ => current.push(c),
        }
    }
    finish_piece(&mut pieces, &mut current, start.take());
    pieces
}

/// The next character, moving the (line, column) position past it.
fn next(
    line: &mut usize,
    column: &mut usize,
    chars: &mut std::iter::Peekable<std::str::Chars<'_>>,
) -> Option<char> {
    let c = chars.next()?;
    if c == '\n' {
        *line += 1;
        *column = 0;
    } else {
        *column += 1;
    }
    Some(c)
}

fn is_comment_start(c: char, next: Option<&char>) -> bool {
    matches!((c, next), ('-', Some('-')) | ('/', Some('*')))
}

fn finish_piece(pieces: &mut Vec<Piece>, current: &mut String, start: Option<(usize, usize)>) {
    let text = std::mem::take(current).trim().to_string();
    if let (false, Some((line, column))) = (text.is_empty(), start) {
        pieces.push(Piece { text, line, column });
    }
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

/// The parent's own result: one TEXT column `multiple statement execution` (sql-api-v2.md §1.3). Its
/// length is 134217728 and it is not nullable, as recorded (xo/dbimp `snowflake-087`).
pub fn parent_result() -> QueryResult {
    QueryResult {
        columns: vec![Column::expr(
            "multiple statement execution",
            ColumnType::Text { length: 134_217_728 },
            false,
        )],
        rows: vec![vec![Value::Text("Multiple statements executed successfully.".into())]],
        stats: vec![],
    }
}

/// The longest statement text a multi-statement failure quotes whole; longer ones are cut and end in `...`.
const QUOTED_CHARS: usize = 30;

/// The parent's failure when the statement `piece` failed with `err`: 422 `100132` / `P0000`, with the
/// message shape of Snowflake's "Handling errors when specifying multiple statements in a request": the
/// failing statement (cut to 30 characters), where it starts, and the statement's own message. The
/// statements after it do not run; the answer carries no `statementHandles`.
pub fn child_failed(piece: &Piece, err: &SqlError) -> SqlError {
    let quoted = if piece.text.chars().count() > QUOTED_CHARS {
        format!("{}...", piece.text.chars().take(QUOTED_CHARS).collect::<String>())
    } else {
        piece.text.clone()
    };
    SqlError::new(
        "100132",
        "P0000",
        format!(
            "JavaScript execution error: Uncaught Execution of multiple statements failed on statement \"{quoted}\" \
             (at line {}, position {}).\n{} in SYSTEM$MULTISTMT at '    throw `Execution of multiple statements \
             failed on statement {{0}} (at line {{1}}, position {{2}}).`.replace('{{1}}', LINES[i])' position 4\n\
             stackstrace: \nSYSTEM$MULTISTMT line: 10",
            piece.line, piece.column, err.message
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
    fn pieces_start_where_snowflake_counts_them() {
        // The docs' example: the third statement starts at line 1, position 75.
        let text = "create or replace table table1 (i int); insert into table1 (i) values (1); insert into \
                    table1 (i) values ('This is not a valid integer.'); insert into table1 (i) values (2)";
        let pieces = split_pieces(text);
        assert_eq!((pieces[2].line, pieces[2].column), (1, 75));
        let err = child_failed(
            &pieces[2],
            &SqlError::new("100038", "22018", "Numeric value 'x' is not recognized"),
        );
        assert!(
            err.message.starts_with(
                "JavaScript execution error: Uncaught Execution of multiple statements failed on statement \
                 \"insert into table1 (i) values ...\" (at line 1, position 75).\nNumeric value 'x' is not \
                 recognized in SYSTEM$MULTISTMT at '"
            ),
            "{}",
            err.message
        );
        let pieces = split_pieces("select 1;\n  -- note\n  select 'a;b';\n/* c */ select 3");
        let at: Vec<(usize, usize)> = pieces.iter().map(|p| (p.line, p.column)).collect();
        assert_eq!(at, [(1, 0), (3, 2), (4, 8)]);
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
