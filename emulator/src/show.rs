//! SHOW commands: the shared clause parser (TERSE, LIKE, IN scope, STARTS WITH, LIMIT n FROM 'name'),
//! Snowflake's filter semantics, the 10,000-row rules, and dispatch to the per-command renderers
//! (`show_objects.rs`, `show_account.rs`, `show_grants.rs`, `show_keys.rs`).
//!
//! Must not mutate the account.

use super::engine::Session;
use super::lexer::Cursor;
use super::model::Account;
use super::model_access::PolicyKind;
use super::result::{Column, ColumnType, QueryResult, SqlError, Value};
use super::visibility::View;

/// Where a SHOW looks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// No IN clause: the current database if any, else the account (TABLES also: current schema rule).
    Default,
    Account,
    Database(String),
    Schema(String, String),
    Table(String, String, String),
}

/// The clauses common to SHOW commands.
#[derive(Debug, Clone, Default)]
pub struct ShowOpts {
    pub terse: bool,
    pub like: Option<String>,
    pub scope: Option<Scope>,
    pub starts_with: Option<String>,
    pub limit: Option<usize>,
    pub from: Option<String>,
}

/// Engine settings a SHOW needs.
pub struct ShowCtx<'a> {
    pub account: &'a Account,
    pub session: &'a Session,
    pub view: View,
    /// The 10,000-row ceiling (configurable for tests).
    pub row_limit: usize,
}

pub fn execute(ctx: &ShowCtx, sql: &str) -> Result<QueryResult, SqlError> {
    let mut c = Cursor::new(sql)?;
    c.expect_kw("SHOW")?;
    let terse = c.kw("TERSE");
    if c.kw("FUTURE") {
        c.expect_kw("GRANTS")?;
        return super::show_grants::future(ctx, &mut c);
    }
    let what = c.word_at(0).ok_or_else(|| c.unexpected("object type"))?;
    c.kw(&what);
    let what = match what.as_str() {
        "PRIMARY" | "UNIQUE" | "IMPORTED" | "EXPORTED" => {
            c.expect_kw("KEYS")?;
            format!("{what} KEYS")
        }
        "MATERIALIZED" => {
            c.expect_kw("VIEWS")?;
            "MATERIALIZED VIEWS".into()
        }
        "DYNAMIC" => {
            c.expect_kw("TABLES")?;
            "DYNAMIC TABLES".into()
        }
        "MASKING" => {
            c.expect_kw("POLICIES")?;
            "MASKING POLICIES".into()
        }
        "ROW" => {
            c.expect_kw("ACCESS")?;
            c.expect_kw("POLICIES")?;
            "ROW ACCESS POLICIES".into()
        }
        "USER" if c.peek_kw("FUNCTIONS") || c.peek_kw("PROCEDURES") => {
            let w = c.word_at(0).unwrap_or_default();
            c.kw(&w);
            format!("USER {w}")
        }
        _ => what,
    };
    if what == "DATABASE" && c.kw("ROLES") {
        return super::show_database_roles::list(ctx, &mut c);
    }
    if what == "GRANTS" {
        return super::show_grants::grants(ctx, &mut c);
    }
    let keys = what.ends_with(" KEYS");
    let mut opts = parse_opts(ctx.session, &mut c, keys)?;
    // `LIKE ... LIMIT ... IN ...` (documented for SHOW ROW ACCESS POLICIES) as well as `LIKE ... IN ... LIMIT`.
    if opts.scope.is_none() && c.kw("IN") {
        opts.scope = Some(parse_scope(ctx.session, &mut c, keys)?);
    }
    opts.terse = terse;
    c.expect_end()?;
    match what.as_str() {
        "DATABASES" => super::show_objects::databases(ctx, &opts),
        "SCHEMAS" => super::show_objects::schemas(ctx, &opts),
        "TABLES" => super::show_objects::tables(ctx, &opts),
        "VIEWS" | "MATERIALIZED VIEWS" => super::show_objects::views(ctx, &opts, what.starts_with('M')),
        "WAREHOUSES" => super::show_account::warehouses(ctx, &opts),
        "ROLES" => super::show_account::roles(ctx, &opts),
        "USERS" => super::show_account::users(ctx, &opts),
        "MASKING POLICIES" => super::show_governance::policies(ctx, &opts, PolicyKind::Masking),
        "ROW ACCESS POLICIES" => super::show_governance::policies(ctx, &opts, PolicyKind::RowAccess),
        "TAGS" => super::show_governance::tags(ctx, &opts),
        "PRIMARY KEYS" | "UNIQUE KEYS" | "IMPORTED KEYS" | "EXPORTED KEYS" => {
            super::show_keys::keys(ctx, &opts, &what)
        }
        w if super::show_pipeline::COMMANDS.contains(&w) => super::show_pipeline::execute(ctx, &opts, w),
        _ => Err(SqlError::syntax(format!("unsupported SHOW {what}"))),
    }
}

fn parse_opts(session: &Session, c: &mut Cursor, keys: bool) -> Result<ShowOpts, SqlError> {
    let mut o = ShowOpts::default();
    c.kw("HISTORY");
    if c.kw("LIKE") {
        o.like = Some(c.string()?);
    }
    if c.kw("IN") {
        o.scope = Some(parse_scope(session, c, keys)?);
    }
    if c.kws(&["STARTS", "WITH"]) {
        o.starts_with = Some(c.string()?);
    }
    if c.kw("LIMIT") {
        let n = c.number()?;
        if !(1..=10_000).contains(&n) {
            return Err(SqlError::new(
                "001003",
                "42000",
                format!("SQL compilation error:\ninvalid value [{n}] for LIMIT: must be between 1 and 10000"),
            ));
        }
        o.limit = Some(n as usize);
        if c.kw("FROM") {
            o.from = Some(c.string()?);
        }
    }
    Ok(o)
}

fn no_current_db() -> SqlError {
    SqlError::new(
        "090105",
        "22000",
        "Cannot perform SHOW. This session does not have a current database. Call 'USE DATABASE', or use a qualified name.",
    )
}

/// `IN ACCOUNT | DATABASE [d] | SCHEMA [[d.]s] | TABLE [[d.]s.]t | <name>`; a bare name is a schema for
/// object listings and a table for the KEYS commands.
pub fn parse_scope(session: &Session, c: &mut Cursor, keys: bool) -> Result<Scope, SqlError> {
    let cur_db = || {
        session.database.clone().map(|d| super::lexer::normalize_ident(&d, true)).ok_or_else(no_current_db)
    };
    if c.kw("ACCOUNT") {
        return Ok(Scope::Account);
    }
    if c.kw("DATABASE") {
        return Ok(Scope::Database(
            if c.at_end() || c.word_at(0).is_some_and(|w| w == "STARTS" || w == "LIMIT") {
                cur_db()?
            } else {
                c.ident()?
            },
        ));
    }
    let kind = if c.kw("SCHEMA") {
        "SCHEMA"
    } else if c.kw("TABLE") || c.kw("VIEW") || keys {
        "TABLE"
    } else {
        "SCHEMA"
    };
    let mut p = if c.at_end() && kind == "SCHEMA" {
        vec![session.schema.clone().ok_or_else(no_current_db)?]
    } else {
        c.object_name()?
    };
    let scope = match (kind, p.len()) {
        ("SCHEMA", 1) => Scope::Schema(cur_db()?, p.remove(0)),
        ("SCHEMA", 2) => Scope::Schema(p.remove(0), p.remove(0)),
        ("TABLE", 1) => {
            Scope::Table(cur_db()?, session.schema.clone().ok_or_else(no_current_db)?, p.remove(0))
        }
        ("TABLE", 2) => Scope::Table(cur_db()?, p.remove(0), p.remove(0)),
        ("TABLE", 3) => Scope::Table(p.remove(0), p.remove(0), p.remove(0)),
        _ => return Err(SqlError::syntax("invalid scope name")),
    };
    Ok(scope)
}

/// Snowflake LIKE: `%` any run, `_` one character, `\` escapes; case-insensitive when `ci`.
pub fn like_match(pattern: &str, text: &str, ci: bool) -> bool {
    let norm = |s: &str| if ci { s.to_lowercase() } else { s.to_string() };
    let p: Vec<char> = norm(pattern).chars().collect();
    let t: Vec<char> = norm(text).chars().collect();
    // Tokens: Some(c) literal, None for '_' and a marker for '%'.
    #[derive(Clone, Copy, PartialEq)]
    enum Tok {
        Lit(char),
        One,
        Any,
    }
    let mut toks = Vec::new();
    let mut i = 0;
    while i < p.len() {
        match p[i] {
            '\\' if i + 1 < p.len() => {
                toks.push(Tok::Lit(p[i + 1]));
                i += 1;
            }
            '%' => toks.push(Tok::Any),
            '_' => toks.push(Tok::One),
            c => toks.push(Tok::Lit(c)),
        }
        i += 1;
    }
    // dp[j] = pattern prefix matches text prefix of length j.
    let mut dp = vec![false; t.len() + 1];
    dp[0] = true;
    for tok in toks {
        let mut next = vec![false; t.len() + 1];
        match tok {
            Tok::Any => {
                let mut any = false;
                for j in 0..=t.len() {
                    any |= dp[j];
                    next[j] = any;
                }
            }
            Tok::One => (1..=t.len()).for_each(|j| next[j] = dp[j - 1]),
            Tok::Lit(c) => (1..=t.len()).for_each(|j| next[j] = dp[j - 1] && t[j - 1] == c),
        }
        dp = next;
    }
    dp[t.len()]
}

/// How a SHOW treats results over the row ceiling.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Ceiling {
    /// DATABASES, SCHEMAS, TABLES, VIEWS: error without LIMIT.
    Error,
    /// WAREHOUSES and the rest: silent truncation.
    Truncate,
}

/// Apply LIKE / STARTS WITH / FROM / LIMIT and the ceiling to rows sorted by their sort key. `name` of a
/// row is what the clauses match.
pub fn finish(
    ctx: &ShowCtx,
    opts: &ShowOpts,
    columns: Vec<Column>,
    rows: Vec<(String, Vec<Value>)>,
    ceiling: Ceiling,
    what: &str,
) -> Result<QueryResult, SqlError> {
    let mut out: Vec<Vec<Value>> = Vec::new();
    let mut matched = 0usize;
    for (name, row) in rows {
        if opts.like.as_ref().is_some_and(|p| !like_match(p, &name, true)) {
            continue;
        }
        if opts.starts_with.as_ref().is_some_and(|s| !name.starts_with(s.as_str())) {
            continue;
        }
        if opts.from.as_ref().is_some_and(|f| name.as_bytes() <= f.as_bytes()) {
            continue;
        }
        matched += 1;
        if let Some(l) = opts.limit
            && out.len() >= l
        {
            continue;
        }
        out.push(row);
    }
    if opts.limit.is_none() && matched > ctx.row_limit {
        if ceiling == Ceiling::Error {
            return Err(SqlError::new(
                "002078",
                "54000",
                format!(
                    "SQL compilation error:\nThe result of SHOW {what} exceeds {} rows. Use LIMIT and FROM to paginate, or narrow the scope.",
                    ctx.row_limit
                ),
            ));
        }
        out.truncate(ctx.row_limit);
    }
    Ok(QueryResult { columns, rows: out, stats: Vec::new() })
}

// Column and value helpers shared by the SHOW renderers.

pub fn text(name: &str) -> Column {
    Column::expr(name, ColumnType::Text { length: 16_777_216 }, true)
}

pub fn ltz(name: &str) -> Column {
    Column::expr(name, ColumnType::TimestampLtz { scale: 3 }, true)
}

/// Text columns, except `created_on` which is TIMESTAMP_LTZ (the common SHOW layout).
pub fn cols(names: &[&str]) -> Vec<Column> {
    names.iter().map(|n| if *n == "created_on" { ltz(n) } else { text(n) }).collect()
}

pub fn num(name: &str) -> Column {
    Column::expr(name, ColumnType::Fixed { precision: 38, scale: 0 }, true)
}

pub fn obj(name: &str) -> Column {
    Column::expr(name, ColumnType::Object, true)
}

pub fn t(s: impl Into<String>) -> Value {
    Value::Text(s.into())
}

pub fn ts(ms: i64) -> Value {
    Value::TimestampLtz(i128::from(ms) * 1_000_000)
}

pub fn n(v: impl Into<i128>) -> Value {
    Value::Fixed(v.into())
}

pub fn yn(b: bool) -> Value {
    t(if b { "Y" } else { "N" })
}

pub fn tf(b: bool) -> Value {
    t(if b { "true" } else { "false" })
}

/// `''` for a missing SHOW text value.
pub fn opt(s: &Option<String>) -> Value {
    t(s.clone().unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::like_match;

    #[test]
    fn like_is_case_insensitive_with_wildcards() {
        assert!(like_match("sal%", "SALES", true));
        assert!(like_match("S_LES", "sales", true));
        assert!(!like_match("S_LES", "SALLES", true));
        assert!(like_match("%", "", true));
        assert!(like_match("a\\_b", "A_B", true));
        assert!(!like_match("a\\_b", "AXB", true));
    }
}
