//! Splitting a request's text into its statements the way Snowflake counts them: on `;` outside quotes
//! (`'...'`, `"..."`, `$$...$$`) and comments (`--`, `//`, `/* */`), empty pieces dropped.
//!
//! Owns the count (for `MULTI_STATEMENT_COUNT`) and where each statement starts (Snowflake's multi-statement
//! errors name the failing one by line and position). Does not parse SQL beyond that.

/// One statement of a request: its text as written (trimmed) and where it starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Piece {
    pub text: String,
    /// 1-based line of the statement's first character.
    pub line: usize,
    /// 0-based character position of that character within its line.
    pub column: usize,
}

/// The statements of `sql`, in order.
pub fn statements(sql: &str) -> Vec<Piece> {
    let chars: Vec<char> = sql.chars().collect();
    let mut pieces = Vec::new();
    let (mut line, mut column) = (1, 0);
    let mut begin: Option<(usize, usize, usize)> = None;
    let mut i = 0;
    while i < chars.len() {
        let (c, next) = (chars[i], chars.get(i + 1).copied());
        let skip = match (c, next) {
            ('-', Some('-')) | ('/', Some('/')) => until(&chars, i + 2, "\n"),
            ('/', Some('*')) => until(&chars, i + 2, "*/"),
            ('\'', _) => quoted(&chars, i + 1, '\''),
            ('"', _) => quoted(&chars, i + 1, '"'),
            ('$', Some('$')) => until(&chars, i + 2, "$$"),
            _ => i + 1,
        };
        let comment = matches!((c, next), ('-', Some('-')) | ('/', Some('/')) | ('/', Some('*')));
        if c == ';' {
            if let Some(start) = begin.take() {
                pieces.push(piece(&chars, start, i));
            }
        } else if begin.is_none() && !c.is_whitespace() && !comment {
            begin = Some((i, line, column));
        }
        for &ch in &chars[i..skip.min(chars.len())] {
            if ch == '\n' {
                line += 1;
                column = 0;
            } else {
                column += 1;
            }
        }
        i = skip;
    }
    if let Some(start) = begin {
        pieces.push(piece(&chars, start, chars.len()));
    }
    pieces
}

fn piece(chars: &[char], (at, line, column): (usize, usize, usize), end: usize) -> Piece {
    let text: String = chars[at..end.min(chars.len())].iter().collect();
    Piece { text: text.trim_end().to_string(), line, column }
}

/// The index just past the first `end` at or after `from` (or the end of the text).
fn until(chars: &[char], from: usize, end: &str) -> usize {
    let end: Vec<char> = end.chars().collect();
    (from..chars.len()).find(|&j| chars[j..].starts_with(&end)).map_or(chars.len(), |j| j + end.len())
}

/// The index just past the closing `quote` of a quoted run starting at `from` (`\` escapes in strings).
fn quoted(chars: &[char], from: usize, quote: char) -> usize {
    let mut j = from;
    while j < chars.len() {
        match chars[j] {
            '\\' if quote == '\'' => j += 2,
            c if c == quote => return j + 1,
            _ => j += 1,
        }
    }
    chars.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(sql: &str) -> Vec<String> {
        statements(sql).into_iter().map(|p| p.text).collect()
    }

    #[test]
    fn splits_outside_quotes_comments_and_dollar_blocks() {
        assert_eq!(texts("select 1"), ["select 1"]);
        assert_eq!(texts(" select 1 ; ;select 2;"), ["select 1", "select 2"]);
        assert_eq!(
            texts("select ';', 'it''s; ok', 'a\\';b' -- x;y\n; select \"a;b\""),
            ["select ';', 'it''s; ok', 'a\\';b' -- x;y", "select \"a;b\""]
        );
        assert_eq!(
            texts("create procedure p() as $$ a; b $$; call p() /* ; */"),
            ["create procedure p() as $$ a; b $$", "call p() /* ; */"]
        );
        assert_eq!(texts("-- only a comment;\n"), Vec::<String>::new());
    }

    #[test]
    fn each_statement_starts_where_snowflake_says() {
        // Snowflake's documented example: the third statement is "at line 1, position 75".
        let docs = "create or replace table table1 (i int); insert into table1 (i) values (1); insert into \
                    table1 (i) values ('This is not a valid integer.'); insert into table1 (i) values (2)";
        let third = &statements(docs)[2];
        assert_eq!((third.line, third.column), (1, 75));
        let at: Vec<(usize, usize)> = statements("select 1;\n  -- note\n  select 2;\n/* c */ select 3")
            .iter()
            .map(|p| (p.line, p.column))
            .collect();
        assert_eq!(at, [(1, 0), (3, 2), (4, 8)]);
    }
}
