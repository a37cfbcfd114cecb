//! SHOW DATABASE ROLES IN DATABASE d, SHOW GRANTS TO / OF DATABASE ROLE d.r and SHOW FUTURE GRANTS TO
//! DATABASE ROLE d.r, with the columns metadata-shapes-2 §2 records (no `database_name` column in SHOW
//! DATABASE ROLES; `granted_to` / `grant_to` `DATABASE_ROLE`; `grantee_name` `DB.ROLE` in TO / OF).
//!
//! Read-only. A role sees a database's roles when it holds any privilege on the database, or MANAGE
//! GRANTS; otherwise the database does not exist for it (002003).

use super::lexer::{Cursor, quote_ident_if_needed as q};
use super::model_types::{GrantTarget, Grantee};
use super::result::{QueryResult, SqlError};
use super::show::{Ceiling, ShowCtx, ShowOpts, cols, finish, n, num, t, ts, yn};
use super::show_grants::{held_by, holders_of, limit};
use super::visibility::database_role_key;

/// `SHOW DATABASE ROLES [LIKE 'p'] IN DATABASE d [LIMIT n [FROM 'name']]` (cursor after ROLES). The
/// database name is required: there is no account-wide form.
pub fn list(ctx: &ShowCtx, c: &mut Cursor) -> Result<QueryResult, SqlError> {
    let mut opts = ShowOpts::default();
    if c.kw("LIKE") {
        opts.like = Some(c.string()?);
    }
    if !c.kws(&["IN", "DATABASE"]) || c.at_end() || c.peek_kw("LIMIT") {
        return Err(SqlError::syntax(
            "SHOW DATABASE ROLES requires IN DATABASE <name> (there is no account-wide form).",
        ));
    }
    let db = c.ident()?;
    if c.kw("LIMIT") {
        opts.limit = Some(limit_value(c)?);
        if c.kw("FROM") {
            opts.from = Some(c.string()?);
        }
    }
    c.expect_end()?;
    let account = ctx.account;
    if account.database(&db).is_none() || !ctx.view.show_database(&db) {
        return Err(SqlError::does_not_exist("Database", &db));
    }
    let mut list: Vec<_> = account.database_roles.iter().filter(|r| r.database == db).collect();
    list.sort_by(|a, b| a.name.as_bytes().cmp(b.name.as_bytes()));
    let rows = list
        .into_iter()
        .map(|r| {
            let target = GrantTarget::DatabaseRole(db.clone(), r.name.clone());
            let me = Grantee::DatabaseRole(db.clone(), r.name.clone());
            let usage = account.grants.iter().filter(|g| g.privilege == "USAGE");
            let of = usage.clone().filter(|g| g.target == target);
            let to_roles = of.clone().filter(|g| matches!(g.grantee, Grantee::Role(_))).count();
            let to_db_roles = of.filter(|g| matches!(g.grantee, Grantee::DatabaseRole(..))).count();
            let granted = usage
                .filter(|g| g.grantee == me && matches!(g.target, GrantTarget::DatabaseRole(..)))
                .count();
            let row = vec![
                ts(r.created_on),
                t(&r.name),
                yn(false),
                yn(false),
                yn(ctx.view.roles.contains(&database_role_key(&db, &r.name))),
                n(to_roles as i64),
                n(to_db_roles as i64),
                n(granted as i64),
                t(&r.owner),
                r.comment.as_ref().map_or(super::result::Value::Null, t),
                t("ROLE"),
            ];
            (r.name.clone(), row)
        })
        .collect();
    let names = [
        "created_on",
        "name",
        "is_default",
        "is_current",
        "is_inherited",
        "granted_to_roles",
        "granted_to_database_roles",
        "granted_database_roles",
        "owner",
        "comment",
        "owner_role_type",
    ];
    let columns =
        names.iter().map(|c| if c.starts_with("granted_") { num(c) } else { cols(&[c]).remove(0) }).collect();
    finish(ctx, &opts, columns, rows, Ceiling::Truncate, "DATABASE ROLES")
}

fn limit_value(c: &mut Cursor) -> Result<usize, SqlError> {
    let v = c.number()?;
    if !(1..=10_000).contains(&v) {
        return Err(SqlError::syntax(format!("invalid value [{v}] for LIMIT: must be between 1 and 10000")));
    }
    Ok(v as usize)
}

/// `[db.]r` of a visible, existing database role.
pub fn role_name(ctx: &ShowCtx, c: &mut Cursor) -> Result<(String, String), SqlError> {
    let mut p = c.object_name()?;
    let (db, r) = match p.len() {
        1 => {
            let db = ctx.session.database.clone().ok_or_else(|| SqlError::syntax("no current database"))?;
            (db, p.remove(0))
        }
        2 => {
            let r = p.remove(1);
            (p.remove(0), r)
        }
        _ => return Err(SqlError::syntax("invalid database role name")),
    };
    let known = ctx.account.database_roles.iter().any(|x| x.database == db && x.name == r);
    if !known || !ctx.view.show_database(&db) {
        return Err(SqlError::does_not_exist("Database role", &format!("{db}.{r}")));
    }
    Ok((db, r))
}

/// SHOW GRANTS TO DATABASE ROLE d.r: its privileges (USAGE on its database included) and the database
/// roles granted to it, in the TO ROLE layout.
pub fn grants_to(ctx: &ShowCtx, c: &mut Cursor) -> Result<QueryResult, SqlError> {
    let (db, r) = role_name(ctx, c)?;
    let lim = limit(c)?;
    c.expect_end()?;
    Ok(held_by(ctx, &Grantee::DatabaseRole(db, r), lim))
}

/// SHOW GRANTS OF DATABASE ROLE d.r: the account roles and database roles holding it.
pub fn grants_of(ctx: &ShowCtx, c: &mut Cursor) -> Result<QueryResult, SqlError> {
    let (db, r) = role_name(ctx, c)?;
    let lim = limit(c)?;
    c.expect_end()?;
    let display = format!("{}.{}", q(&db), q(&r));
    Ok(holders_of(ctx, &GrantTarget::DatabaseRole(db, r), &display, lim))
}
