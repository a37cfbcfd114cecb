//! CREATE [OR REPLACE] / DROP for masking policies, row-access policies and tags:
//! `CREATE MASKING POLICY p AS (val VARCHAR[, ...]) RETURNS VARCHAR -> body [COMMENT = '...']
//! [EXEMPT_OTHER_POLICIES = TRUE]`, `CREATE ROW ACCESS POLICY p AS (...) RETURNS BOOLEAN -> body`,
//! `CREATE TAG t [ALLOWED_VALUES 'a', 'b'] [COMMENT = '...']`. A policy still attached to a column or
//! table can be neither dropped nor replaced (documented); dropping a tag removes its assignments.
//!
//! Must not render results or decide visibility.

use super::ddl::{DdlContext, already_exists, resolve_object};
use super::lexer::Cursor;
use super::lexer::find_top_level;
use super::model::Account;
use super::model_access::{ObjectName, Policy, PolicyKind, Tag, Tagged};
use super::result::SqlError;
use super::types::parse_type;

/// Where a policy's trailing properties start in the text after `->` (a top-level `COMMENT =` or
/// `EXEMPT_OTHER_POLICIES =` preceded by whitespace).
fn props_start(rest: &str) -> usize {
    let is_prop = |s: &str| {
        ["COMMENT", "EXEMPT_OTHER_POLICIES"].iter().any(|k| {
            s.get(..k.len()).is_some_and(|p| p.eq_ignore_ascii_case(k))
                && s.get(k.len()..).is_some_and(|r| r.trim_start().starts_with('='))
        })
    };
    let mut at = 0;
    while let Some(off) = find_top_level(&rest[at..], |_, s| is_prop(s)) {
        let pos = at + off;
        if pos > 0 && rest.as_bytes()[pos - 1].is_ascii_whitespace() {
            return pos;
        }
        at = pos + 1;
    }
    rest.len()
}

fn canonical(ty: &str) -> String {
    let ty = ty.split_whitespace().collect::<Vec<_>>().join(" ").to_uppercase();
    parse_type(&ty).map_or(ty, |t| t.sql())
}

/// `CREATE [OR REPLACE] {MASKING | ROW ACCESS} POLICY ...` from the statement text.
pub fn create_policy(
    account: &mut Account,
    ctx: &DdlContext,
    sql: &str,
    kind: PolicyKind,
) -> Result<String, SqlError> {
    let arrow = find_top_level(sql, |_, s| s.starts_with("->"))
        .ok_or_else(|| SqlError::syntax(format!("{} needs '-> <body>'", kind.ddl())))?;
    let (head, rest) = (&sql[..arrow], &sql[arrow + 2..]);
    let p = props_start(rest);
    let body = rest[..p].trim().to_string();
    if body.is_empty() {
        return Err(SqlError::syntax("missing policy body after '->'"));
    }
    let mut c = Cursor::new(head)?;
    c.expect_kw("CREATE")?;
    let or_replace = c.kws(&["OR", "REPLACE"]);
    let words: Vec<&str> = kind.ddl().split(' ').collect();
    if !c.kws(&words) {
        return Err(c.unexpected(kind.ddl()));
    }
    let ine = c.kws(&["IF", "NOT", "EXISTS"]);
    let (db, schema, name) = resolve_object(ctx, c.object_name()?)?;
    if account.schema(&db, &schema).is_none() {
        return Err(SqlError::does_not_exist("Schema", &format!("{db}.{schema}")));
    }
    c.expect_kw("AS")?;
    let open = head.find('(').ok_or_else(|| c.unexpected("("))?;
    let close = head.rfind(')').filter(|c| *c > open).ok_or_else(|| SqlError::syntax("missing ')'"))?;
    let mut signature = Vec::new();
    for arg in head[open + 1..close].split(',').map(str::trim).filter(|a| !a.is_empty()) {
        let mut ac = Cursor::new(arg)?;
        let arg_name = ac.ident()?;
        let ty = arg[arg.find(char::is_whitespace).unwrap_or(arg.len())..].trim();
        if ty.is_empty() {
            return Err(SqlError::syntax(format!("argument {arg_name} needs a type")));
        }
        signature.push((arg_name, ty.split_whitespace().collect::<Vec<_>>().join(" ").to_uppercase()));
    }
    if signature.is_empty() {
        return Err(SqlError::syntax("a policy needs at least one argument"));
    }
    let after = &head[close + 1..];
    let mut rc = Cursor::new(after)?;
    rc.expect_kw("RETURNS")?;
    let k = after.to_ascii_uppercase().find("RETURNS").unwrap_or(0);
    let return_type = canonical(after.get(k + 7..).unwrap_or_default().trim());
    if return_type.is_empty() {
        return Err(SqlError::syntax("RETURNS needs a type"));
    }
    if kind == PolicyKind::RowAccess && return_type != "BOOLEAN" {
        return Err(SqlError::syntax("a row access policy must return BOOLEAN"));
    }
    let mut comment = None;
    let mut exempt = false;
    for (k, v) in Cursor::new(&rest[p..])?.properties()? {
        match k.as_str() {
            "COMMENT" => comment = Some(v),
            "EXEMPT_OTHER_POLICIES" => exempt = v.eq_ignore_ascii_case("TRUE"),
            _ => {}
        }
    }
    let id = ObjectName::new(&db, &schema, &name);
    if let Some(i) = find(account, kind, &id) {
        if ine {
            return Ok(format!("{name} already exists, statement succeeded."));
        }
        if !or_replace {
            return Err(already_exists(&name));
        }
        refuse_if_attached(account, kind, &id)?;
        account.governance.policies.remove(i);
    }
    let now = account.tick(ctx.now_ms);
    account.governance.policies.push(Policy {
        kind,
        database: db,
        schema,
        name: name.clone(),
        signature,
        return_type,
        body,
        comment,
        owner: ctx.role.clone(),
        exempt_other_policies: exempt,
        created_on: now,
    });
    Ok(format!("Policy {name} successfully created."))
}

pub fn find(account: &Account, kind: PolicyKind, id: &ObjectName) -> Option<usize> {
    account.governance.policies.iter().position(|p| {
        p.kind == kind && p.database == id.database && p.schema == id.schema && p.name == id.name
    })
}

fn refuse_if_attached(account: &Account, kind: PolicyKind, id: &ObjectName) -> Result<(), SqlError> {
    if account.governance.policy_refs.iter().any(|r| r.kind == kind && r.policy == *id) {
        return Err(SqlError::syntax(format!(
            "Policy {} cannot be dropped/replaced as it is associated with one or more entities.",
            id.name
        )));
    }
    Ok(())
}

/// `DROP {MASKING | ROW ACCESS} POLICY [IF EXISTS] name` (cursor after the kind words).
pub fn drop_policy(
    account: &mut Account,
    ctx: &DdlContext,
    c: &mut Cursor,
    kind: PolicyKind,
) -> Result<String, SqlError> {
    let if_exists = c.kws(&["IF", "EXISTS"]);
    let (db, schema, name) = resolve_object(ctx, c.object_name()?)?;
    c.expect_end()?;
    let id = ObjectName::new(&db, &schema, &name);
    let Some(i) = find(account, kind, &id) else {
        if if_exists {
            return Ok(format!("Drop statement executed successfully ({name} already dropped)."));
        }
        return Err(SqlError::does_not_exist(&title(kind), &format!("{db}.{schema}.{name}")));
    };
    refuse_if_attached(account, kind, &id)?;
    account.governance.policies.remove(i);
    Ok(format!("{name} successfully dropped."))
}

/// `Masking policy` / `Row access policy`, for messages.
pub fn title(kind: PolicyKind) -> String {
    let d = kind.ddl().to_lowercase();
    d[..1].to_uppercase() + &d[1..]
}

/// `CREATE [OR REPLACE] TAG [IF NOT EXISTS] t [ALLOWED_VALUES 'a'[, 'b' ...]] [COMMENT = '...']`.
pub fn create_tag(account: &mut Account, ctx: &DdlContext, sql: &str) -> Result<String, SqlError> {
    let mut c = Cursor::new(sql)?;
    c.expect_kw("CREATE")?;
    let or_replace = c.kws(&["OR", "REPLACE"]);
    c.expect_kw("TAG")?;
    let ine = c.kws(&["IF", "NOT", "EXISTS"]);
    let (db, schema, name) = resolve_object(ctx, c.object_name()?)?;
    if account.schema(&db, &schema).is_none() {
        return Err(SqlError::does_not_exist("Schema", &format!("{db}.{schema}")));
    }
    let mut allowed = None;
    if c.kw("ALLOWED_VALUES") {
        let mut vals = vec![c.string()?];
        while c.token(&sqlparser::tokenizer::Token::Comma) {
            vals.push(c.string()?);
        }
        if vals.len() > 300 {
            return Err(SqlError::syntax("ALLOWED_VALUES takes at most 300 values"));
        }
        allowed = Some(vals);
    }
    let comment = c.properties()?.into_iter().find(|(k, _)| k == "COMMENT").map(|(_, v)| v);
    let id = ObjectName::new(&db, &schema, &name);
    if let Some(i) = find_tag(account, &id) {
        if ine {
            return Ok(format!("{name} already exists, statement succeeded."));
        }
        if !or_replace {
            return Err(already_exists(&name));
        }
        account.governance.tags.remove(i);
        account.governance.tag_refs.retain(|r| r.tag != id);
    }
    let now = account.tick(ctx.now_ms);
    let tag = Tag {
        database: db,
        schema,
        name: name.clone(),
        allowed_values: allowed,
        comment,
        owner: ctx.role.clone(),
        created_on: now,
    };
    account.governance.tags.push(tag);
    Ok(format!("Tag {name} successfully created."))
}

pub fn find_tag(account: &Account, id: &ObjectName) -> Option<usize> {
    account
        .governance
        .tags
        .iter()
        .position(|t| t.database == id.database && t.schema == id.schema && t.name == id.name)
}

/// `DROP TAG [IF EXISTS] name` (cursor after TAG): its assignments go with it.
pub fn drop_tag(account: &mut Account, ctx: &DdlContext, c: &mut Cursor) -> Result<String, SqlError> {
    let if_exists = c.kws(&["IF", "EXISTS"]);
    let (db, schema, name) = resolve_object(ctx, c.object_name()?)?;
    c.expect_end()?;
    let id = ObjectName::new(&db, &schema, &name);
    let Some(i) = find_tag(account, &id) else {
        if if_exists {
            return Ok(format!("Drop statement executed successfully ({name} already dropped)."));
        }
        return Err(SqlError::does_not_exist("Tag", &format!("{db}.{schema}.{name}")));
    };
    account.governance.tags.remove(i);
    account.governance.tag_refs.retain(|r| r.tag != id);
    Ok(format!("{name} successfully dropped."))
}

/// A dropped database or schema takes its policies, tags and every attachment on its objects along.
pub fn forget_scope(account: &mut Account, db: &str, schema: Option<&str>) {
    let inside = |d: &str, s: &str| d == db && schema.is_none_or(|x| x == s);
    let g = &mut account.governance;
    g.policies.retain(|p| !inside(&p.database, &p.schema));
    g.tags.retain(|t| !inside(&t.database, &t.schema));
    g.policy_refs.retain(|r| {
        !inside(&r.policy.database, &r.policy.schema) && !inside(&r.object.database, &r.object.schema)
    });
    g.tag_refs.retain(|r| {
        let on = match &r.on {
            Tagged::Database(d) => schema.is_none() && d == db,
            Tagged::Schema(d, s) => inside(d, s),
            Tagged::Table(o) | Tagged::Column(o, _) => inside(&o.database, &o.schema),
        };
        !on && !inside(&r.tag.database, &r.tag.schema)
    });
}

/// A dropped or replaced table or view loses its policy attachments and tag assignments.
pub fn forget_object(account: &mut Account, db: &str, schema: &str, name: &str) {
    let id = ObjectName::new(db, schema, name);
    let g = &mut account.governance;
    g.policy_refs.retain(|r| r.object != id);
    g.tag_refs.retain(|r| !matches!(&r.on, Tagged::Table(o) | Tagged::Column(o, _) if *o == id));
}

/// Attachments follow a renamed table (`new_name`) or, with `columns = (old, new)`, a renamed column.
pub fn rename_object(
    account: &mut Account,
    old: &ObjectName,
    new_name: &str,
    columns: Option<(String, String)>,
) {
    let renamed = ObjectName::new(&old.database, &old.schema, new_name);
    let g = &mut account.governance;
    for r in g.policy_refs.iter_mut().filter(|r| r.object == *old) {
        r.object = renamed.clone();
        if let Some((from, to)) = &columns {
            if r.column.as_ref() == Some(from) {
                r.column = Some(to.clone());
            }
            r.arg_columns.iter_mut().filter(|c| *c == from).for_each(|c| *c = to.clone());
        }
    }
    for r in g.tag_refs.iter_mut() {
        match &mut r.on {
            Tagged::Table(o) if *o == *old => *o = renamed.clone(),
            Tagged::Column(o, c) if *o == *old => {
                *o = renamed.clone();
                if let Some((from, to)) = &columns
                    && c == from
                {
                    *c = to.clone();
                }
            }
            _ => {}
        }
    }
}
