//! The read-only guard of `snowflake_execute_query`: a small SQL tokenizer of our own that finds the
//! statements of a text and the first keyword of each.
//!
//! Comments (`--`, `//`, `/* */`), single-quoted strings (with `''` and backslash escapes, as Snowflake reads
//! them), double-quoted identifiers, `$$` bodies and semicolons inside any of them are skipped; a text that
//! ends inside one is refused. Statements chained with the pipe operator `->>` are checked one by one, since
//! Snowflake runs every link of a chain. In read-only mode a statement must start with SELECT, SHOW,
//! DESCRIBE, DESC, WITH or EXPLAIN, and a WITH statement must not hold INSERT, UPDATE, DELETE or MERGE.
//!
//! This is a seatbelt, not the boundary: it does not judge functions with side effects (a sequence's
//! NEXTVAL, SYSTEM$ functions). The role's privileges are what keeps an account safe. Must not depend on
//! sqlparser (the production build carries none) and must stay conservative: when in doubt, refuse.

/// First keywords a read-only statement may start with.
pub const READ_KEYWORDS: &[&str] = &["SELECT", "SHOW", "DESCRIBE", "DESC", "WITH", "EXPLAIN"];

/// Keywords that make a WITH statement write.
const WRITE_IN_WITH: &[&str] = &["INSERT", "UPDATE", "DELETE", "MERGE"];

/// Why a statement text was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GuardError {
    #[error("the statement is empty")]
    Empty,
    #[error("the statement ends inside {0}; close it")]
    Unterminated(&'static str),
    #[error("the text holds {0} statements; send one statement per request (MULTI_STATEMENT_COUNT = 1)")]
    MultipleStatements(usize),
    #[error(
        "{keyword} is not allowed in read-only mode: a statement must start with SELECT, SHOW, DESCRIBE, \
         DESC, WITH or EXPLAIN (the server runs with --allow-write off)"
    )]
    NotReadOnly { keyword: String },
    #[error("a WITH statement that uses {keyword} writes; read-only mode allows WITH ... SELECT only")]
    WriteInWith { keyword: String },
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    /// An unquoted word, upper-cased.
    Word(String),
    Semicolon,
    /// The flow operator `->>`.
    Pipe,
    OpenParen,
    /// Anything else: numbers, operators, strings, quoted identifiers, `$$` bodies.
    Other,
}

fn tokenize(text: &str) -> Result<Vec<Token>, GuardError> {
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    let at = |i: usize| chars.get(i).copied();
    while let Some(c) = at(i) {
        match c {
            c if c.is_ascii_whitespace() => i += 1,
            '-' if at(i + 1) == Some('-') => i = skip_line(&chars, i),
            '/' if at(i + 1) == Some('/') => i = skip_line(&chars, i),
            '/' if at(i + 1) == Some('*') => {
                let end = find(&chars, i + 2, &['*', '/']).ok_or(GuardError::Unterminated("a /* comment"))?;
                i = end + 2;
            }
            '-' if at(i + 1) == Some('>') && at(i + 2) == Some('>') => {
                tokens.push(Token::Pipe);
                i += 3;
            }
            '\'' => {
                i = skip_string(&chars, i + 1)?;
                tokens.push(Token::Other);
            }
            '"' => {
                i = skip_quoted_identifier(&chars, i + 1)?;
                tokens.push(Token::Other);
            }
            '$' if at(i + 1) == Some('$') => {
                let end = find(&chars, i + 2, &['$', '$']).ok_or(GuardError::Unterminated("a $$ body"))?;
                i = end + 2;
                tokens.push(Token::Other);
            }
            ';' => {
                tokens.push(Token::Semicolon);
                i += 1;
            }
            '(' => {
                tokens.push(Token::OpenParen);
                i += 1;
            }
            c if c.is_ascii_alphabetic() || c == '_' => {
                let start = i;
                while at(i).is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$') {
                    i += 1;
                }
                tokens.push(Token::Word(chars[start..i].iter().collect::<String>().to_ascii_uppercase()));
            }
            _ => {
                tokens.push(Token::Other);
                i += 1;
            }
        }
    }
    Ok(tokens)
}

/// The index just past the end of a `--` or `//` comment (its newline, or the end of the text).
fn skip_line(chars: &[char], from: usize) -> usize {
    chars[from..].iter().position(|&c| c == '\n').map_or(chars.len(), |n| from + n + 1)
}

/// Where `pattern` next starts at or after `from`.
fn find(chars: &[char], from: usize, pattern: &[char]) -> Option<usize> {
    (from..chars.len()).find(|&i| chars[i..].starts_with(pattern))
}

/// Past a single-quoted string whose opening quote is just before `from`: `''` and `\x` are escapes.
fn skip_string(chars: &[char], mut i: usize) -> Result<usize, GuardError> {
    loop {
        match chars.get(i) {
            None => return Err(GuardError::Unterminated("a 'string'")),
            Some('\\') => i += 2,
            Some('\'') if chars.get(i + 1) == Some(&'\'') => i += 2,
            Some('\'') => return Ok(i + 1),
            Some(_) => i += 1,
        }
    }
}

/// Past a double-quoted identifier whose opening quote is just before `from`: `""` is an escape.
fn skip_quoted_identifier(chars: &[char], mut i: usize) -> Result<usize, GuardError> {
    loop {
        match chars.get(i) {
            None => return Err(GuardError::Unterminated("a \"quoted identifier\"")),
            Some('"') if chars.get(i + 1) == Some(&'"') => i += 2,
            Some('"') => return Ok(i + 1),
            Some(_) => i += 1,
        }
    }
}

/// The statements of `text` (their tokens), empty ones (`;;`, a trailing `;`) left out.
fn statements(text: &str) -> Result<Vec<Vec<Token>>, GuardError> {
    let tokens = tokenize(text)?;
    Ok(tokens.split(|t| *t == Token::Semicolon).filter(|s| !s.is_empty()).map(<[Token]>::to_vec).collect())
}

/// How many statements `text` holds (comments, strings and trailing semicolons aside).
pub fn count_statements(text: &str) -> Result<usize, GuardError> {
    Ok(statements(text)?.len())
}

/// Refuse anything but one statement.
pub fn check_single(text: &str) -> Result<(), GuardError> {
    match count_statements(text)? {
        0 => Err(GuardError::Empty),
        1 => Ok(()),
        n => Err(GuardError::MultipleStatements(n)),
    }
}

/// Refuse anything but one read-only statement (every link of a `->>` chain read-only).
pub fn check_read_only(text: &str) -> Result<(), GuardError> {
    let mut all = statements(text)?;
    match all.len() {
        0 => return Err(GuardError::Empty),
        1 => {}
        n => return Err(GuardError::MultipleStatements(n)),
    }
    let statement = all.remove(0);
    for link in statement.split(|t| *t == Token::Pipe) {
        let first = link.iter().find(|t| **t != Token::OpenParen);
        let keyword = match first {
            Some(Token::Word(w)) => w.clone(),
            Some(_) => {
                return Err(GuardError::NotReadOnly { keyword: "a statement without a keyword".into() });
            }
            None => return Err(GuardError::Empty),
        };
        if !READ_KEYWORDS.contains(&keyword.as_str()) {
            return Err(GuardError::NotReadOnly { keyword });
        }
        if keyword == "WITH"
            && let Some(Token::Word(w)) =
                link.iter().find(|t| matches!(t, Token::Word(w) if WRITE_IN_WITH.contains(&w.as_str())))
        {
            return Err(GuardError::WriteInWith { keyword: w.clone() });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(text: &str) -> GuardError {
        check_read_only(text).expect_err(text)
    }

    #[test]
    fn read_statements_pass_with_comments_parens_and_a_trailing_semicolon() {
        for ok in [
            "SELECT 1",
            "  select * from t;",
            "SELECT 1;  -- done\n",
            "show tables in schema \"a;b\".c",
            "DESC TABLE t",
            "describe table t;",
            "EXPLAIN SELECT * FROM t",
            "EXPLAIN INSERT INTO t VALUES (1)",
            "WITH x AS (SELECT 1) SELECT * FROM x",
            "with recursive r (n) as (select 1 union all select n + 1 from r where n < 3) select * from r",
            "(SELECT 1) UNION (SELECT 2)",
            "/* leading; comment */ SELECT ';' AS semi, 'it''s', 'back\\'slash;' FROM t",
            "// a comment\nSELECT $$ ; DROP TABLE t; $$",
            "SELECT 1 ->> SELECT * FROM $1",
            "SHOW WAREHOUSES ->> SELECT \"name\" FROM $1 WHERE \"state\" = 'STARTED';",
            "SELECT update_date, \"DELETE\" FROM t",
            "SELECT 1;;",
        ] {
            assert_eq!(check_read_only(ok), Ok(()), "{ok}");
        }
    }

    #[test]
    fn writes_are_refused_by_their_first_keyword() {
        for (text, keyword) in [
            ("DROP TABLE t", "DROP"),
            ("insert into t values (1)", "INSERT"),
            ("GRANT SELECT ON TABLE t TO ROLE r", "GRANT"),
            ("  /* SELECT */ delete from t", "DELETE"),
            ("-- SELECT\nUPDATE t SET a = 1", "UPDATE"),
            ("CALL proc()", "CALL"),
            ("EXECUTE IMMEDIATE 'DROP TABLE t'", "EXECUTE"),
            ("BEGIN TRANSACTION", "BEGIN"),
            ("USE ROLE ACCOUNTADMIN", "USE"),
            ("((CREATE TABLE t (a INT)))", "CREATE"),
            ("SHOW TABLES ->> DROP TABLE t", "DROP"),
            ("SELECT 1 ->> INSERT INTO t SELECT * FROM $1", "INSERT"),
        ] {
            assert_eq!(refused(text), GuardError::NotReadOnly { keyword: keyword.into() }, "{text}");
        }
    }

    #[test]
    fn with_statements_that_write_are_refused() {
        for (text, keyword) in [
            ("WITH x AS (SELECT 1) DELETE FROM t WHERE a IN (SELECT * FROM x)", "DELETE"),
            ("with x as (select 1) insert into t select * from x", "INSERT"),
            ("WITH x AS (SELECT 1) MERGE INTO t USING x ON t.a = x.a WHEN MATCHED THEN DELETE", "MERGE"),
            ("WITH x AS (UPDATE t SET a = 1) SELECT 1", "UPDATE"),
        ] {
            assert_eq!(refused(text), GuardError::WriteInWith { keyword: keyword.into() }, "{text}");
        }
    }

    #[test]
    fn more_than_one_statement_is_refused_however_it_is_hidden() {
        for text in [
            "SELECT 1; DROP TABLE t",
            "SELECT 1; SELECT 2",
            "SELECT 'it\\'s'; DROP TABLE t",
            "SELECT 'a\\\\'; DROP TABLE t; --'",
            "SELECT \"x\"\"\"; DROP TABLE t",
            "SELECT 1 /* c */; /* c */ DROP TABLE t",
            "SELECT 1 -- c\n; DROP TABLE t",
            "SELECT $$a$$; DROP TABLE t",
            "; ; SELECT 1; SELECT 2 ;",
        ] {
            assert_eq!(refused(text), GuardError::MultipleStatements(2), "{text}");
        }
        assert_eq!(check_single("SELECT 1; SELECT 2; SELECT 3"), Err(GuardError::MultipleStatements(3)));
        assert_eq!(check_single("INSERT INTO t VALUES (';')"), Ok(()));
    }

    #[test]
    fn unterminated_and_empty_texts_are_refused() {
        assert_eq!(refused("SELECT 'abc"), GuardError::Unterminated("a 'string'"));
        assert_eq!(refused("SELECT 'abc\\'"), GuardError::Unterminated("a 'string'"));
        assert_eq!(refused("SELECT \"abc"), GuardError::Unterminated("a \"quoted identifier\""));
        assert_eq!(refused("SELECT 1 /* ; DROP TABLE t"), GuardError::Unterminated("a /* comment"));
        assert_eq!(refused("SELECT $$ ; DROP TABLE t"), GuardError::Unterminated("a $$ body"));
        assert_eq!(refused(""), GuardError::Empty);
        assert_eq!(refused(" ;; -- nothing\n"), GuardError::Empty);
        assert_eq!(refused("SELECT 1 ->>"), GuardError::Empty);
        assert_eq!(
            refused("42"),
            GuardError::NotReadOnly { keyword: "a statement without a keyword".into() }
        );
        // A non-ASCII space is not whitespace to the guard: refused rather than guessed at.
        assert!(matches!(refused("\u{a0}SELECT 1"), GuardError::NotReadOnly { .. }));
    }

    #[test]
    fn statement_counts_agree_with_the_clients_splitter() {
        for text in [
            "SELECT 1",
            "SELECT 1; SELECT 2;",
            "SELECT ';' -- ;\n; /* ; */ SELECT \"a;b\"",
            "CREATE FUNCTION f() RETURNS INT AS $$ 1; 2 $$; SELECT f()",
            "SELECT 'it''s; \\'; x'; ;; SELECT 2",
        ] {
            let ours = count_statements(text).unwrap();
            assert_eq!(ours, crate::sqlapi::split_statements(text).len(), "{text}");
        }
    }

    #[test]
    fn nested_comments_are_read_the_conservative_way() {
        // Ending the comment at the first */ shows more text to the checks, never less.
        assert_eq!(refused("/* /* */ SELECT 1; DROP TABLE t; /* */"), GuardError::MultipleStatements(2));
    }
}
