//! SHOW GRANTS in every mode (TO ROLE, TO USER, OF ROLE, ON <object>, ON ACCOUNT, bare) and SHOW FUTURE
//! GRANTS (IN DATABASE, IN SCHEMA, TO ROLE), each with its own documented column list.
//!
//! Read-only. Only `LIMIT n` applies (no LIKE/STARTS WITH/FROM, as documented).

use super::lexer::{Cursor, quote_ident_if_needed as q};
use super::model_types::{FutureScope, Grant, GrantTarget, Grantee};
use super::result::{QueryResult, SqlError, Value};
use super::show::{ShowCtx, cols, t, tf, ts};

/// The account name reported for `ON ACCOUNT` grants.
pub const ACCOUNT_NAME: &str = "SNOWCAT_EMULATOR";

pub fn target_name(target: &GrantTarget) -> (String, String) {
    match target {
        GrantTarget::Account => ("ACCOUNT".into(), ACCOUNT_NAME.into()),
        GrantTarget::Database(d) => ("DATABASE".into(), q(d)),
        GrantTarget::Schema(d, s) => ("SCHEMA".into(), format!("{}.{}", q(d), q(s))),
        GrantTarget::Object { kind, database, schema, name } => {
            (kind.to_string(), format!("{}.{}.{}", q(database), q(schema), q(name)))
        }
        GrantTarget::Warehouse(w) => ("WAREHOUSE".into(), q(w)),
        GrantTarget::Role(r) => ("ROLE".into(), q(r)),
        GrantTarget::User(u) => ("USER".into(), q(u)),
        GrantTarget::DatabaseRole(d, r) => ("DATABASE_ROLE".into(), format!("{}.{}", q(d), q(r))),
    }
}

/// `granted_to` and `grantee_name`; a database role is `DB.ROLE` when `qualified` (TO / OF DATABASE ROLE),
/// bare otherwise (ON <object>, FUTURE IN), as metadata-shapes-2 §2.2 records.
pub fn grantee_cols(g: &Grantee, qualified: bool) -> (Value, Value) {
    match g {
        Grantee::Role(r) => (t("ROLE"), t(r)),
        Grantee::User(u) => (t("USER"), t(u)),
        Grantee::DatabaseRole(d, r) if qualified => (t("DATABASE_ROLE"), t(format!("{}.{}", q(d), q(r)))),
        Grantee::DatabaseRole(_, r) => (t("DATABASE_ROLE"), t(r)),
    }
}

pub fn limit(c: &mut Cursor) -> Result<Option<usize>, SqlError> {
    if c.kw("LIMIT") {
        let n = c.number()?;
        if !(1..=10_000).contains(&n) {
            return Err(SqlError::syntax(format!(
                "invalid value [{n}] for LIMIT: must be between 1 and 10000"
            )));
        }
        return Ok(Some(n as usize));
    }
    Ok(None)
}

pub fn result(
    columns: Vec<super::result::Column>,
    mut rows: Vec<Vec<Value>>,
    lim: Option<usize>,
) -> QueryResult {
    if let Some(l) = lim {
        rows.truncate(l);
    }
    QueryResult { columns, rows, stats: Vec::new() }
}

pub fn sorted(mut gs: Vec<&Grant>) -> Vec<&Grant> {
    gs.sort_by(|a, b| {
        (a.created_on, &a.privilege, target_name(&a.target).1).cmp(&(
            b.created_on,
            &b.privilege,
            target_name(&b.target).1,
        ))
    });
    gs
}

/// SHOW GRANTS TO ROLE r | TO DATABASE ROLE d.r: the privileges `who` holds.
pub fn held_by(ctx: &ShowCtx, who: &Grantee, lim: Option<usize>) -> QueryResult {
    let rows = sorted(ctx.account.grants.iter().filter(|g| &g.grantee == who).collect())
        .into_iter()
        .map(|g| {
            let (on, name) = target_name(&g.target);
            let (to, gname) = grantee_cols(&g.grantee, true);
            vec![
                ts(g.created_on),
                t(&g.privilege),
                t(on),
                t(name),
                to,
                gname,
                tf(g.grant_option),
                t(&g.granted_by),
            ]
        })
        .collect();
    let names = [
        "created_on",
        "privilege",
        "granted_on",
        "name",
        "granted_to",
        "grantee_name",
        "grant_option",
        "granted_by",
    ];
    result(cols(&names), rows, lim)
}

/// SHOW GRANTS OF ROLE r | OF DATABASE ROLE d.r: who holds `target` (its USAGE grants); `role` is the
/// role column as displayed.
pub fn holders_of(ctx: &ShowCtx, target: &GrantTarget, role: &str, lim: Option<usize>) -> QueryResult {
    let rows =
        sorted(ctx.account.grants.iter().filter(|g| &g.target == target && g.privilege == "USAGE").collect())
            .into_iter()
            .map(|g| {
                let (to, name) = grantee_cols(&g.grantee, true);
                vec![ts(g.created_on), t(role), to, name, t(&g.granted_by)]
            })
            .collect();
    result(cols(&["created_on", "role", "granted_to", "grantee_name", "granted_by"]), rows, lim)
}

pub fn grants(ctx: &ShowCtx, c: &mut Cursor) -> Result<QueryResult, SqlError> {
    let account = ctx.account;
    if c.kw("OF") {
        if c.kws(&["DATABASE", "ROLE"]) {
            return super::show_database_roles::grants_of(ctx, c);
        }
        c.expect_kw("ROLE")?;
        let role = c.ident()?;
        let lim = limit(c)?;
        c.expect_end()?;
        if !account.role_exists(&role) {
            return Err(SqlError::does_not_exist("Role", &role));
        }
        return Ok(holders_of(ctx, &GrantTarget::Role(role.clone()), &role, lim));
    }
    if c.kw("TO") {
        if c.kw("USER") {
            let user = c.ident()?;
            let lim = limit(c)?;
            c.expect_end()?;
            return to_user(ctx, &user, lim);
        }
        if c.kws(&["DATABASE", "ROLE"]) {
            return super::show_database_roles::grants_to(ctx, c);
        }
        c.expect_kw("ROLE")?;
        let role = c.ident()?;
        let lim = limit(c)?;
        c.expect_end()?;
        if !account.role_exists(&role) {
            return Err(SqlError::does_not_exist("Role", &role));
        }
        return Ok(held_by(ctx, &Grantee::Role(role), lim));
    }
    if c.kw("ON") {
        let target = on_target(ctx, c)?;
        let lim = limit(c)?;
        c.expect_end()?;
        let rows = sorted(account.grants.iter().filter(|g| g.target == target).collect())
            .into_iter()
            .map(|g| {
                let (on, name) = target_name(&g.target);
                let (to, gname) = grantee_cols(&g.grantee, false);
                let by_type = if g.granted_by.is_empty() { "" } else { "ROLE" };
                vec![
                    ts(g.created_on),
                    t(&g.privilege),
                    t(on),
                    t(name),
                    to,
                    gname,
                    tf(g.grant_option),
                    t(&g.granted_by),
                    t(by_type),
                ]
            })
            .collect();
        let names = [
            "created_on",
            "privilege",
            "granted_on",
            "name",
            "granted_to",
            "grantee_name",
            "grant_option",
            "granted_by",
            "granted_by_role_type",
        ];
        return Ok(result(cols(&names), rows, lim));
    }
    let lim = limit(c)?;
    c.expect_end()?;
    let user =
        ctx.session.user.clone().ok_or_else(|| SqlError::syntax("SHOW GRANTS needs a current user"))?;
    to_user(ctx, &user, lim)
}

/// TO USER (bundle 2025_01 layout): roles granted to the user (never PUBLIC) and direct privileges.
fn to_user(ctx: &ShowCtx, user: &str, lim: Option<usize>) -> Result<QueryResult, SqlError> {
    if ctx.account.user(user).is_none() {
        return Err(SqlError::does_not_exist("User", user));
    }
    let who = Grantee::User(user.to_string());
    let rows = sorted(ctx.account.grants.iter().filter(|g| g.grantee == who).collect())
        .into_iter()
        .filter(|g| g.target != GrantTarget::Role("PUBLIC".into()))
        .map(|g| {
            let (on, name) = target_name(&g.target);
            let role = match &g.target {
                GrantTarget::Role(r) => t(r),
                _ => Value::Null,
            };
            vec![
                ts(g.created_on),
                t(&g.privilege),
                t(on),
                t(name),
                role,
                t("USER"),
                t(user),
                tf(g.grant_option),
                t(&g.granted_by),
            ]
        })
        .collect();
    let names = [
        "created_on",
        "privilege",
        "granted_on",
        "name",
        "role",
        "granted_to",
        "grantee_name",
        "grant_option",
        "granted_by",
    ];
    Ok(result(cols(&names), rows, lim))
}

fn on_target(ctx: &ShowCtx, c: &mut Cursor) -> Result<GrantTarget, SqlError> {
    let s = ctx.session;
    let account = ctx.account;
    let view = &ctx.view;
    if c.kw("ACCOUNT") {
        return Ok(GrantTarget::Account);
    }
    if c.kws(&["DATABASE", "ROLE"]) {
        let (d, r) = super::show_database_roles::role_name(ctx, c)?;
        return Ok(GrantTarget::DatabaseRole(d, r));
    }
    if c.kw("DATABASE") {
        let d = c.ident()?;
        if account.database(&d).is_none() || !view.show_database(&d) {
            return Err(SqlError::does_not_exist("Database", &d));
        }
        return Ok(GrantTarget::Database(d));
    }
    if c.kw("SCHEMA") {
        let mut p = c.object_name()?;
        if p.len() == 1 {
            p.insert(0, s.database.clone().ok_or_else(|| SqlError::syntax("no current database"))?);
        }
        let (d, sc) = (p[0].clone(), p[1].clone());
        if account.schema(&d, &sc).is_none() || !view.show_schema(&d, &sc) {
            return Err(SqlError::does_not_exist("Schema", &format!("{d}.{sc}")));
        }
        return Ok(GrantTarget::Schema(d, sc));
    }
    if c.kw("WAREHOUSE") {
        let w = c.ident()?;
        if !account.warehouses.iter().any(|x| x.name == w) || !view.warehouse(&w) {
            return Err(SqlError::does_not_exist("Warehouse", &w));
        }
        return Ok(GrantTarget::Warehouse(w));
    }
    if c.kw("ROLE") {
        let r = c.ident()?;
        if !account.role_exists(&r) {
            return Err(SqlError::does_not_exist("Role", &r));
        }
        return Ok(GrantTarget::Role(r));
    }
    if c.kw("USER") {
        return Ok(GrantTarget::User(c.ident()?));
    }
    let _ =
        c.kws(&["MATERIALIZED", "VIEW"]) || c.kws(&["EXTERNAL", "TABLE"]) || c.kw("VIEW") || c.kw("TABLE");
    let mut p = c.object_name()?;
    while p.len() < 3 {
        let fill = if p.len() == 2 { s.database.clone() } else { s.schema.clone() };
        p.insert(0, fill.ok_or_else(|| SqlError::syntax("no current database or schema"))?);
    }
    let (d, sc, name) = (p[0].clone(), p[1].clone(), p[2].clone());
    match account.table(&d, &sc, &name) {
        Some(tb) if view.show_object(&d, &sc, &name) => {
            Ok(GrantTarget::Object { kind: tb.kind.object_type(), database: d, schema: sc, name })
        }
        _ => Err(SqlError::does_not_exist("Object", &format!("{d}.{sc}.{name}"))),
    }
}

/// SHOW FUTURE GRANTS IN DATABASE d | IN SCHEMA d.s | TO ROLE r.
pub fn future(ctx: &ShowCtx, c: &mut Cursor) -> Result<QueryResult, SqlError> {
    let account = ctx.account;
    let keep: Box<dyn Fn(&super::model_types::FutureGrant) -> bool> = if c.kw("IN") {
        if c.kw("DATABASE") {
            let d = c.ident()?;
            if account.database(&d).is_none() || !ctx.view.show_database(&d) {
                return Err(SqlError::does_not_exist("Database", &d));
            }
            Box::new(move |f| f.scope == FutureScope::Database(d.clone()))
        } else {
            c.expect_kw("SCHEMA")?;
            let mut p = c.object_name()?;
            if p.len() == 1 {
                p.insert(
                    0,
                    ctx.session.database.clone().ok_or_else(|| SqlError::syntax("no current database"))?,
                );
            }
            let (d, s) = (p[0].clone(), p[1].clone());
            if account.schema(&d, &s).is_none() || !ctx.view.show_schema(&d, &s) {
                return Err(SqlError::does_not_exist("Schema", &format!("{d}.{s}")));
            }
            Box::new(move |f| f.scope == FutureScope::Schema(d.clone(), s.clone()))
        }
    } else {
        c.expect_kw("TO")?;
        if c.kws(&["DATABASE", "ROLE"]) {
            let (db, r) = super::show_database_roles::role_name(ctx, c)?;
            Box::new(move |f| f.grantee == r && f.grantee_database.as_deref() == Some(db.as_str()))
        } else {
            c.expect_kw("ROLE")?;
            let r = c.ident()?;
            if !account.role_exists(&r) {
                return Err(SqlError::does_not_exist("Role", &r));
            }
            Box::new(move |f| f.grantee == r && f.grantee_database.is_none())
        }
    };
    let lim = limit(c)?;
    c.expect_end()?;
    let rows = account
        .future_grants
        .iter()
        .filter(|f| keep(f))
        .map(|f| {
            let name = match &f.scope {
                FutureScope::Database(d) => format!("{}.<{}>", q(d), f.object_type),
                FutureScope::Schema(d, s) => format!("{}.{}.<{}>", q(d), q(s), f.object_type),
            };
            vec![
                ts(f.created_on),
                t(&f.privilege),
                t(&f.object_type),
                t(name),
                t(if f.grantee_database.is_some() { "DATABASE_ROLE" } else { "ROLE" }),
                t(&f.grantee),
                tf(f.grant_option),
            ]
        })
        .collect();
    let names = ["created_on", "privilege", "grant_on", "name", "grant_to", "grantee_name", "grant_option"];
    Ok(result(cols(&names), rows, lim))
}
