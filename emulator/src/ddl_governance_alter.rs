//! The ALTER forms that attach and detach policies and tags:
//! `ALTER {TABLE | VIEW | MATERIALIZED VIEW} t {MODIFY | ALTER} [COLUMN] c {SET MASKING POLICY p [USING
//! (c, ...)] [FORCE] | UNSET MASKING POLICY | SET TAG t = 'v'[, ...] | UNSET TAG t[, ...]}`,
//! `ALTER TABLE t {ADD ROW ACCESS POLICY p ON (c, ...) | DROP ROW ACCESS POLICY p | DROP ALL ROW ACCESS
//! POLICIES}`, and `ALTER {DATABASE | SCHEMA | TABLE | VIEW} x {SET | UNSET} TAG ...`.
//!
//! [`try_alter`] answers `None` for any other ALTER, which then goes to the regular ALTER handlers.
//! Must not render results or decide visibility.

use sqlparser::tokenizer::Token;

use super::ddl::{DdlContext, resolve_object, resolve_schema};
use super::ddl_policy::{find, find_tag, title};
use super::lexer::Cursor;
use super::model::Account;
use super::model_access::{ObjectName, PolicyKind, PolicyRef, TagRef, Tagged};
use super::result::SqlError;

const OK: &str = "Statement executed successfully.";

/// Apply the statement if it is a policy or tag ALTER; `None` otherwise.
pub fn try_alter(account: &mut Account, ctx: &DdlContext, sql: &str) -> Option<Result<String, SqlError>> {
    let mut c = Cursor::new(sql).ok()?;
    c.kw("ALTER");
    let kind = if c.kw("DATABASE") {
        "DATABASE"
    } else if c.kw("SCHEMA") {
        "SCHEMA"
    } else if c.kw("TABLE") {
        "TABLE"
    } else if c.kw("VIEW") || c.kws(&["MATERIALIZED", "VIEW"]) {
        "VIEW"
    } else {
        return None;
    };
    let if_exists = c.kws(&["IF", "EXISTS"]);
    let parts = c.object_name().ok()?;
    let governs = |c: &Cursor| {
        let w: Vec<String> = (0..5).filter_map(|i| c.word_at(i)).collect();
        let w: Vec<&str> = w.iter().map(String::as_str).collect();
        matches!(w.as_slice(), ["SET" | "UNSET", "TAG", ..] | ["ADD" | "DROP", "ROW", "ACCESS", "POLICY", ..])
            || matches!(w.as_slice(), ["DROP", "ALL", "ROW", "ACCESS", ..])
            || matches!(w.as_slice(), ["MODIFY" | "ALTER", "COLUMN", _, "SET" | "UNSET", "MASKING" | "TAG"])
            || matches!(w.as_slice(), ["MODIFY" | "ALTER", _, "SET" | "UNSET", "MASKING" | "TAG", ..])
            || column_quoted_governs(c)
    };
    if !governs(&c) {
        return None;
    }
    Some(apply(account, ctx, &mut c, kind, parts, if_exists))
}

/// `MODIFY [COLUMN] "quoted col" SET ...`: the quoted column is not a word, so look past it.
fn column_quoted_governs(c: &Cursor) -> bool {
    let lead = c.word_at(0);
    if !matches!(lead.as_deref(), Some("MODIFY" | "ALTER")) {
        return false;
    }
    let skip = if c.word_at(1).as_deref() == Some("COLUMN") { 3 } else { 2 };
    matches!(c.word_at(skip).as_deref(), Some("SET" | "UNSET"))
        && matches!(c.word_at(skip + 1).as_deref(), Some("MASKING" | "TAG"))
}

fn apply(
    account: &mut Account,
    ctx: &DdlContext,
    c: &mut Cursor,
    kind: &str,
    parts: Vec<String>,
    if_exists: bool,
) -> Result<String, SqlError> {
    let target = match kind {
        "DATABASE" => {
            let [d] = parts.as_slice() else { return Err(SqlError::syntax("invalid database name")) };
            ctx.check_database(d)?;
            if account.database(d).is_none() {
                return missing(if_exists, "Database", d);
            }
            Tagged::Database(d.clone())
        }
        "SCHEMA" => {
            let (d, s) = resolve_schema(ctx, parts)?;
            if account.schema(&d, &s).is_none() {
                return missing(if_exists, "Schema", &format!("{d}.{s}"));
            }
            Tagged::Schema(d, s)
        }
        _ => {
            let (d, s, t) = resolve_object(ctx, parts)?;
            match account.table(&d, &s, &t) {
                Some(tb) if tb.kind.is_view() == (kind == "VIEW") => {}
                _ => {
                    return missing(
                        if_exists,
                        if kind == "VIEW" { "View" } else { "Table" },
                        &format!("{d}.{s}.{t}"),
                    );
                }
            }
            Tagged::Table(ObjectName::new(&d, &s, &t))
        }
    };
    let touched = if let Tagged::Table(o) = &target { Some(o.clone()) } else { None };
    let done = act(account, ctx, c, target)?;
    // A successful policy or tag change moves LAST_ALTERED and LAST_DDL (metadata-shapes-2 §9.9).
    if let Some(o) = touched {
        let now = account.tick(ctx.now_ms);
        if let Some(t) = account.table_mut(&o.database, &o.schema, &o.name) {
            t.last_altered = now;
            t.last_ddl = now;
        }
    }
    Ok(done)
}

fn act(account: &mut Account, ctx: &DdlContext, c: &mut Cursor, target: Tagged) -> Result<String, SqlError> {
    if c.kw("SET") {
        c.expect_kw("TAG")?;
        return set_tags(account, ctx, c, target);
    }
    if c.kw("UNSET") {
        c.expect_kw("TAG")?;
        return unset_tags(account, ctx, c, &target);
    }
    let Tagged::Table(object) = target else { return Err(SqlError::syntax("unsupported ALTER")) };
    if c.kw("MODIFY") || c.kw("ALTER") {
        c.kw("COLUMN");
        let column = c.ident()?;
        let known = account
            .table(&object.database, &object.schema, &object.name)
            .is_some_and(|t| t.columns.iter().any(|x| x.name == column));
        if !known {
            return Err(SqlError::new(
                "000904",
                "42000",
                format!("SQL compilation error: error line 1 at position 0\ninvalid identifier '{column}'"),
            ));
        }
        let on = Tagged::Column(object.clone(), column.clone());
        if c.kws(&["SET", "TAG"]) {
            return set_tags(account, ctx, c, on);
        }
        if c.kws(&["UNSET", "TAG"]) {
            return unset_tags(account, ctx, c, &on);
        }
        if c.kws(&["SET", "MASKING", "POLICY"]) {
            return set_masking(account, ctx, c, object, column);
        }
        c.expect_kw("UNSET")?;
        c.expect_kw("MASKING")?;
        c.expect_kw("POLICY")?;
        c.expect_end()?;
        let refs = &mut account.governance.policy_refs;
        refs.retain(|r| {
            !(r.kind == PolicyKind::Masking && r.object == object && r.column.as_ref() == Some(&column))
        });
        return Ok(OK.into());
    }
    row_access(account, ctx, c, object)
}

fn missing(if_exists: bool, kind: &str, name: &str) -> Result<String, SqlError> {
    if if_exists { Ok(OK.into()) } else { Err(SqlError::does_not_exist(kind, name)) }
}

fn policy(
    account: &Account,
    ctx: &DdlContext,
    c: &mut Cursor,
    kind: PolicyKind,
) -> Result<ObjectName, SqlError> {
    let (d, s, n) = resolve_object(ctx, c.object_name()?)?;
    let id = ObjectName::new(&d, &s, &n);
    match find(account, kind, &id) {
        Some(_) => Ok(id),
        None => Err(SqlError::does_not_exist(&title(kind), &format!("{d}.{s}.{n}"))),
    }
}

fn column_list(c: &mut Cursor) -> Result<Vec<String>, SqlError> {
    if !c.token(&Token::LParen) {
        return Err(c.unexpected("("));
    }
    let mut cols = vec![c.ident()?];
    while c.token(&Token::Comma) {
        cols.push(c.ident()?);
    }
    if !c.token(&Token::RParen) {
        return Err(c.unexpected(")"));
    }
    Ok(cols)
}

fn set_masking(
    account: &mut Account,
    ctx: &DdlContext,
    c: &mut Cursor,
    object: ObjectName,
    column: String,
) -> Result<String, SqlError> {
    let id = policy(account, ctx, c, PolicyKind::Masking)?;
    let using = if c.kw("USING") { column_list(c)? } else { vec![column.clone()] };
    let force = c.kw("FORCE");
    c.expect_end()?;
    let arity =
        find(account, PolicyKind::Masking, &id).map_or(0, |i| account.governance.policies[i].signature.len());
    if using.first() != Some(&column) || using.len() != arity {
        return Err(SqlError::syntax(format!(
            "Masking policy {} takes {arity} argument(s); USING must list the masked column first, then the others.",
            id.name
        )));
    }
    let refs = &mut account.governance.policy_refs;
    let same_col = |r: &PolicyRef| {
        r.kind == PolicyKind::Masking && r.object == object && r.column.as_ref() == Some(&column)
    };
    if refs.iter().any(same_col) {
        if !force {
            return Err(SqlError::syntax(format!(
                "Specified column already attached to another masking policy. A column cannot be attached to multiple masking policies. Please drop the current association in order to attach a new masking policy. (column {column})"
            )));
        }
        refs.retain(|r| !same_col(r));
    }
    refs.push(PolicyRef {
        kind: PolicyKind::Masking,
        policy: id,
        object,
        column: Some(column),
        arg_columns: using[1..].to_vec(),
    });
    Ok(OK.into())
}

fn row_access(
    account: &mut Account,
    ctx: &DdlContext,
    c: &mut Cursor,
    object: ObjectName,
) -> Result<String, SqlError> {
    let is_rap = |r: &PolicyRef, o: &ObjectName| r.kind == PolicyKind::RowAccess && r.object == *o;
    if c.kws(&["DROP", "ALL", "ROW", "ACCESS", "POLICIES"]) {
        c.expect_end()?;
        account.governance.policy_refs.retain(|r| !is_rap(r, &object));
        return Ok(OK.into());
    }
    if c.kws(&["DROP", "ROW", "ACCESS", "POLICY"]) {
        let id = policy(account, ctx, c, PolicyKind::RowAccess)?;
        let before = account.governance.policy_refs.len();
        account.governance.policy_refs.retain(|r| !(is_rap(r, &object) && r.policy == id));
        if before == account.governance.policy_refs.len() {
            return Err(SqlError::syntax(format!(
                "Row access policy {} is not attached to {}.",
                id.name, object.name
            )));
        }
        if !c.token(&Token::Comma) {
            c.expect_end()?;
            return Ok(OK.into());
        }
    }
    c.expect_kw("ADD")?;
    c.expect_kw("ROW")?;
    c.expect_kw("ACCESS")?;
    c.expect_kw("POLICY")?;
    let id = policy(account, ctx, c, PolicyKind::RowAccess)?;
    c.expect_kw("ON")?;
    let cols = column_list(c)?;
    c.expect_end()?;
    if account.governance.policy_refs.iter().any(|r| is_rap(r, &object)) {
        return Err(SqlError::syntax(format!(
            "Object {} already has a row access policy; a table or view takes only one.",
            object.name
        )));
    }
    let table = account.table(&object.database, &object.schema, &object.name);
    if let Some(bad) = cols.iter().find(|x| !table.is_some_and(|t| t.columns.iter().any(|tc| &&tc.name == x)))
    {
        return Err(SqlError::new(
            "000904",
            "42000",
            format!("SQL compilation error:\ninvalid identifier '{bad}'"),
        ));
    }
    account.governance.policy_refs.push(PolicyRef {
        kind: PolicyKind::RowAccess,
        policy: id,
        object,
        column: None,
        arg_columns: cols,
    });
    Ok(OK.into())
}

fn tag_name(account: &Account, ctx: &DdlContext, c: &mut Cursor) -> Result<(ObjectName, usize), SqlError> {
    let (d, s, n) = resolve_object(ctx, c.object_name()?)?;
    let id = ObjectName::new(&d, &s, &n);
    let i = find_tag(account, &id).ok_or_else(|| SqlError::does_not_exist("Tag", &format!("{d}.{s}.{n}")))?;
    Ok((id, i))
}

fn set_tags(account: &mut Account, ctx: &DdlContext, c: &mut Cursor, on: Tagged) -> Result<String, SqlError> {
    let mut pairs = Vec::new();
    loop {
        let (id, i) = tag_name(account, ctx, c)?;
        if !c.token(&Token::Eq) {
            return Err(c.unexpected("="));
        }
        let value = c.string()?;
        if let Some(allowed) = &account.governance.tags[i].allowed_values
            && !allowed.contains(&value)
        {
            return Err(SqlError::syntax(format!(
                "Tag {} does not allow the value '{value}'; allowed values: {}.",
                id.name,
                allowed.join(", ")
            )));
        }
        pairs.push((id, value));
        if !c.token(&Token::Comma) {
            break;
        }
    }
    c.expect_end()?;
    for (tag, value) in pairs {
        let refs = &mut account.governance.tag_refs;
        refs.retain(|r| !(r.tag == tag && r.on == on));
        refs.push(TagRef { tag, on: on.clone(), value });
    }
    Ok(OK.into())
}

fn unset_tags(
    account: &mut Account,
    ctx: &DdlContext,
    c: &mut Cursor,
    on: &Tagged,
) -> Result<String, SqlError> {
    let mut tags = vec![tag_name(account, ctx, c)?.0];
    while c.token(&Token::Comma) {
        tags.push(tag_name(account, ctx, c)?.0);
    }
    c.expect_end()?;
    account.governance.tag_refs.retain(|r| !(tags.contains(&r.tag) && r.on == *on));
    Ok(OK.into())
}
