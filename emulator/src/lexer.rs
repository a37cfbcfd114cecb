//! Statement splitting and a small token cursor for the emulator's hand parsers (SHOW, GRANT, warehouse,
//! role and user DDL that sqlparser 0.64 does not parse, or parses lossily).
//!
//! Tokens come from sqlparser's own Snowflake tokenizer so quoting, escapes and comments behave like the
//! rest of the emulator. Knows nothing about the account model.

use sqlparser::dialect::SnowflakeDialect;
use sqlparser::tokenizer::{Token, Tokenizer};

use super::result::SqlError;

/// Split a script into statements on top-level `;`, respecting quotes, `$$` strings and comments.
/// Empty statements (only whitespace/comments) are dropped. sqlparser cannot be trusted with this:
/// `CREATE DATABASE` swallows the following `;`.
pub fn split_statements(script: &str) -> Vec<&str> {
    let bytes = script.as_bytes();
    let mut out = Vec::new();
    let (mut i, mut start) = (0usize, 0usize);
    while i < bytes.len() {
        match bytes[i] {
            b'\'' | b'"' => {
                let q = bytes[i];
                i += 1;
                while i < bytes.len() {
                    if bytes[i] == b'\\' && q == b'\'' {
                        i += 2;
                        continue;
                    }
                    if bytes[i] == q {
                        if i + 1 < bytes.len() && bytes[i + 1] == q {
                            i += 2;
                            continue;
                        }
                        break;
                    }
                    i += 1;
                }
            }
            b'$' if bytes.get(i + 1) == Some(&b'$') => {
                i += 2;
                while i + 1 < bytes.len() && !(bytes[i] == b'$' && bytes[i + 1] == b'$') {
                    i += 1;
                }
                i += 1;
            }
            b'-' if bytes.get(i + 1) == Some(&b'-') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i + 1 < bytes.len() && !(bytes[i] == b'*' && bytes[i + 1] == b'/') {
                    i += 1;
                }
                i += 1;
            }
            b';' => {
                out.push(&script[start..i]);
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    if start < script.len() {
        out.push(&script[start..]);
    }
    out.into_iter().filter(|s| has_content(s)).collect()
}

fn has_content(stmt: &str) -> bool {
    tokenize(stmt).map(|t| !t.is_empty()).unwrap_or(true)
}

/// Tokenize one statement, dropping whitespace and comments.
pub fn tokenize(sql: &str) -> Result<Vec<Token>, SqlError> {
    let dialect = SnowflakeDialect {};
    let tokens = Tokenizer::new(&dialect, sql).tokenize().map_err(|e| SqlError::syntax(e.to_string()))?;
    Ok(tokens
        .into_iter()
        .filter(|t| !matches!(t, Token::Whitespace(_) | Token::SemiColon | Token::EOF))
        .collect())
}

/// The stored form of an identifier: unquoted upper-cased, quoted kept verbatim.
pub fn normalize_ident(value: &str, quoted: bool) -> String {
    if quoted { value.to_string() } else { value.to_uppercase() }
}

/// A cursor over a statement's tokens with keyword-level helpers. Keywords match unquoted words only.
pub struct Cursor {
    tokens: Vec<Token>,
    pos: usize,
}

impl Cursor {
    pub fn new(sql: &str) -> Result<Cursor, SqlError> {
        Ok(Cursor { tokens: tokenize(sql)?, pos: 0 })
    }

    pub fn at_end(&self) -> bool {
        self.pos >= self.tokens.len()
    }

    pub fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos)
    }

    /// The upper-cased unquoted word at offset `ahead`, if any.
    pub fn word_at(&self, ahead: usize) -> Option<String> {
        match self.tokens.get(self.pos + ahead) {
            Some(Token::Word(w)) if w.quote_style.is_none() => Some(w.value.to_uppercase()),
            _ => None,
        }
    }

    pub fn peek_kw(&self, kw: &str) -> bool {
        self.word_at(0).as_deref() == Some(kw)
    }

    /// Consume `kw` if it is next.
    pub fn kw(&mut self, kw: &str) -> bool {
        if self.peek_kw(kw) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    /// Consume the whole keyword sequence if it is next.
    pub fn kws(&mut self, kws: &[&str]) -> bool {
        if kws.iter().enumerate().all(|(i, k)| self.word_at(i).as_deref() == Some(*k)) {
            self.pos += kws.len();
            true
        } else {
            false
        }
    }

    pub fn expect_kw(&mut self, kw: &str) -> Result<(), SqlError> {
        if self.kw(kw) { Ok(()) } else { Err(self.unexpected(kw)) }
    }

    pub fn token(&mut self, t: &Token) -> bool {
        if self.peek() == Some(t) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    pub fn unexpected(&self, wanted: &str) -> SqlError {
        let found = self.peek().map_or("end of input".to_string(), |t| format!("'{t}'"));
        SqlError::syntax(format!(
            "syntax error line 1 at position {}: unexpected {found}, expected {wanted}.",
            self.pos
        ))
    }

    /// One identifier part, normalized to its stored form.
    pub fn ident(&mut self) -> Result<String, SqlError> {
        match self.tokens.get(self.pos) {
            Some(Token::Word(w)) => {
                let v = normalize_ident(&w.value, w.quote_style.is_some());
                self.pos += 1;
                Ok(v)
            }
            _ => Err(self.unexpected("identifier")),
        }
    }

    /// A dotted name `a[.b[.c]]`, each part normalized.
    pub fn object_name(&mut self) -> Result<Vec<String>, SqlError> {
        let mut parts = vec![self.ident()?];
        while self.token(&Token::Period) {
            parts.push(self.ident()?);
        }
        Ok(parts)
    }

    /// A single-quoted string literal (or `$$...$$`).
    pub fn string(&mut self) -> Result<String, SqlError> {
        match self.tokens.get(self.pos) {
            Some(Token::SingleQuotedString(s)) => {
                let s = s.clone();
                self.pos += 1;
                Ok(s)
            }
            Some(Token::DollarQuotedString(s)) => {
                let s = s.value.clone();
                self.pos += 1;
                Ok(s)
            }
            _ => Err(self.unexpected("string literal")),
        }
    }

    pub fn number(&mut self) -> Result<i64, SqlError> {
        let neg = self.token(&Token::Minus);
        match self.tokens.get(self.pos) {
            Some(Token::Number(n, _)) => {
                let v: i64 = n.parse().map_err(|_| self.unexpected("integer"))?;
                self.pos += 1;
                Ok(if neg { -v } else { v })
            }
            _ => Err(self.unexpected("integer")),
        }
    }

    /// A property value: string, number, or bare word (upper-cased), as text.
    pub fn value_text(&mut self) -> Result<String, SqlError> {
        match self.tokens.get(self.pos).cloned() {
            Some(Token::SingleQuotedString(s)) => {
                self.pos += 1;
                Ok(s)
            }
            Some(Token::Number(n, _)) => {
                self.pos += 1;
                Ok(n)
            }
            Some(Token::Word(_)) => Ok(self.object_name()?.join(".")),
            _ => Err(self.unexpected("value")),
        }
    }

    /// Parse `KEY [=] value` pairs until the end of the statement or a keyword not followed by `=`.
    pub fn properties(&mut self) -> Result<Vec<(String, String)>, SqlError> {
        let mut props = Vec::new();
        self.kw("WITH");
        while let Some(key) = self.word_at(0) {
            self.pos += 1;
            self.token(&Token::Eq);
            props.push((key, self.value_text()?));
            self.token(&Token::Comma);
        }
        Ok(props)
    }

    /// Skip one token (clauses the emulator accepts but does not model).
    pub fn advance(&mut self) {
        self.pos += 1;
    }

    pub fn expect_end(&self) -> Result<(), SqlError> {
        if self.at_end() { Ok(()) } else { Err(self.unexpected("end of statement")) }
    }
}

/// Byte offset of the first top-level (outside quotes, `$$` strings and parentheses) position where
/// `pred(text before, text from here)` holds.
pub fn find_top_level(sql: &str, pred: impl Fn(&str, &str) -> bool) -> Option<usize> {
    let b = sql.as_bytes();
    let (mut i, mut depth) = (0usize, 0i32);
    while i < b.len() {
        match b[i] {
            q @ (b'\'' | b'"') => {
                i += 1;
                while i < b.len() && b[i] != q {
                    i += if b[i] == b'\\' && q == b'\'' { 2 } else { 1 };
                }
            }
            b'$' if b.get(i + 1) == Some(&b'$') => {
                i += 2;
                while i + 1 < b.len() && !(b[i] == b'$' && b[i + 1] == b'$') {
                    i += 1;
                }
                i += 1;
            }
            b'(' => depth += 1,
            b')' => depth -= 1,
            _ if depth == 0 && sql.is_char_boundary(i) && pred(&sql[..i], &sql[i..]) => return Some(i),
            _ => {}
        }
        i += 1;
    }
    None
}

/// Split a CREATE statement at its first top-level `AS` keyword (outside quotes, `$$` strings and
/// parentheses): the head with the name and properties, and the body (a query, a COPY, a task's SQL).
pub fn split_at_as(sql: &str) -> Option<(&str, &str)> {
    let is_as = |before: &str, rest: &str| {
        let r = rest.as_bytes();
        r.len() >= 2
            && r[..2].eq_ignore_ascii_case(b"AS")
            && before.as_bytes().last().is_some_and(u8::is_ascii_whitespace)
            && r.get(2).is_none_or(|c| c.is_ascii_whitespace() || *c == b'(')
    };
    find_top_level(sql, is_as).map(|i| (sql[..i].trim_end(), sql[i + 2..].trim()))
}

/// A value as a single-quoted literal for generated SQL text that the emulator parses again (Snowflake
/// dialect: a backslash escapes inside string literals, so it is doubled too, as is `'`).
pub fn quote_str(s: &str) -> String {
    format!("'{}'", s.replace('\\', "\\\\").replace('\'', "''"))
}

/// A token back as SQL text, for the DDL rewrites that tokenize, drop words and parse the rest. Quoted
/// identifiers and strings are written here: sqlparser's printer leaves a `"` after a backslash, and an
/// already doubled `""`, undoubled, so `"a\""b"` would come back as a different (or broken) identifier. In
/// a quoted identifier a backslash is an ordinary character and `""` is the only escape.
pub fn token_text(t: &Token) -> String {
    match t {
        Token::SingleQuotedString(s) => quote_str(s),
        Token::Word(w) if w.quote_style == Some('"') => format!("\"{}\"", w.value.replace('"', "\"\"")),
        other => other.to_string(),
    }
}

/// Quote an identifier part when Snowflake would need quotes to read it back (SHOW GRANTS `name`).
pub fn quote_ident_if_needed(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars().next().is_some_and(|c| c.is_ascii_uppercase() || c == '_')
        && s.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_' || c == '$');
    if plain { s.to_string() } else { format!("\"{}\"", s.replace('"', "\"\"")) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_on_top_level_semicolons_only() {
        let s = "CREATE DATABASE D; COMMENT ON TABLE T IS 'a;b'; -- x;y\nCREATE TABLE \"a;b\" (c INT);;";
        let parts = split_statements(s);
        assert_eq!(parts.len(), 3, "{parts:?}");
        assert!(parts[1].contains("'a;b'"));
        assert!(parts[2].contains("\"a;b\""));
    }

    #[test]
    fn cursor_normalizes_identifiers() {
        let mut c = Cursor::new("grant usage on database \"my Db\".sch to role r1").unwrap();
        assert!(c.kws(&["GRANT", "USAGE", "ON", "DATABASE"]));
        assert_eq!(c.object_name().unwrap(), vec!["my Db".to_string(), "SCH".to_string()]);
        assert!(c.kw("TO") && c.kw("ROLE"));
        assert_eq!(c.ident().unwrap(), "R1");
        assert!(c.at_end());
    }

    #[test]
    fn tokens_round_trip_quotes_and_backslashes_in_identifiers_and_strings() {
        for name in ["\\'\"\\\"", "a\"\"b", "\\\"", "x\\", "\"", "plain"] {
            for sql in [format!("\"{}\"", name.replace('"', "\"\"")), quote_str(name)] {
                let tokens = tokenize(&sql).unwrap();
                let again: String = tokens.iter().map(token_text).collect();
                assert_eq!(tokenize(&again).unwrap(), tokens, "{sql} came back as {again}");
            }
        }
        let w = tokenize("\"\\'\"\"\\\"\"\"").unwrap();
        assert!(matches!(&w[0], Token::Word(w) if w.value == "\\'\"\\\""), "{w:?}");
        let s = tokenize(&quote_str("back\\slash\\")).unwrap();
        assert_eq!(s, vec![Token::SingleQuotedString("back\\slash\\".into())]);
    }

    #[test]
    fn quotes_only_when_needed() {
        assert_eq!(quote_ident_if_needed("SALES_1"), "SALES_1");
        assert_eq!(quote_ident_if_needed("lower"), "\"lower\"");
        assert_eq!(quote_ident_if_needed("a\"b"), "\"a\"\"b\"");
    }
}
