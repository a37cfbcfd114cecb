//! Database roles for the emulator: CREATE [OR REPLACE] / DROP DATABASE ROLE, GRANT / REVOKE DATABASE ROLE
//! ... TO/FROM {ROLE | DATABASE ROLE}, and the grantee clause `TO DATABASE ROLE db.r` that privilege grants
//! share (with the documented rule that a database role holds privileges only on its own database's
//! objects, and is granted only to account roles or database roles of the same database).
//!
//! Must not render results or decide visibility.

use super::ddl::{DdlContext, already_exists, grant_ownership};
use super::lexer::Cursor;
use super::model::Account;
use super::model_access::DatabaseRole;
use super::model_types::{Grant, GrantTarget, Grantee};
use super::result::SqlError;

const OK: &str = "Statement executed successfully.";

/// `[db.]name` of a database role: the session's database fills a bare name; the database must exist.
pub fn resolve(account: &Account, ctx: &DdlContext, c: &mut Cursor) -> Result<(String, String), SqlError> {
    let mut parts = c.object_name()?;
    let (db, name) = match parts.len() {
        1 => (ctx.database.clone().ok_or_else(no_current_database)?, parts.remove(0)),
        2 => {
            let n = parts.remove(1);
            (parts.remove(0), n)
        }
        _ => return Err(SqlError::syntax("invalid database role name")),
    };
    ctx.check_database(&db)?;
    if account.database(&db).is_none() {
        return Err(SqlError::does_not_exist("Database", &db));
    }
    Ok((db, name))
}

/// `[db.]name` of an existing database role, else 002003 naming it.
pub fn existing(account: &Account, ctx: &DdlContext, c: &mut Cursor) -> Result<(String, String), SqlError> {
    let (db, name) = resolve(account, ctx, c)?;
    if !exists(account, &db, &name) {
        return Err(not_found(&db, &name));
    }
    Ok((db, name))
}

pub fn exists(account: &Account, db: &str, name: &str) -> bool {
    account.database_roles.iter().any(|r| r.database == db && r.name == name)
}

pub fn not_found(db: &str, name: &str) -> SqlError {
    SqlError::does_not_exist("Database role", &format!("{db}.{name}"))
}

fn no_current_database() -> SqlError {
    SqlError::new(
        "090105",
        "22000",
        "Cannot perform this operation. This session does not have a current database. Call 'USE DATABASE', or use a qualified name.",
    )
}

/// The documented limit: a database role may hold privileges only on objects of its own database.
pub fn outside_database(db: &str, name: &str) -> SqlError {
    SqlError::new(
        "003011",
        "42501",
        format!(
            "SQL compilation error:\nDatabase role '{db}.{name}' can be granted privileges only on objects in database '{db}'."
        ),
    )
}

/// `CREATE [OR REPLACE] DATABASE ROLE [IF NOT EXISTS] [db.]name [COMMENT = '...']` (cursor after OR REPLACE).
pub fn create(
    account: &mut Account,
    ctx: &DdlContext,
    c: &mut Cursor,
    or_replace: bool,
) -> Result<String, SqlError> {
    c.expect_kw("DATABASE")?;
    c.expect_kw("ROLE")?;
    let ine = c.kws(&["IF", "NOT", "EXISTS"]);
    let (db, name) = resolve(account, ctx, c)?;
    let comment = c.properties()?.into_iter().find(|(k, _)| k == "COMMENT").map(|(_, v)| v);
    if exists(account, &db, &name) {
        if ine {
            return Ok(format!("{name} already exists, statement succeeded."));
        }
        if !or_replace {
            return Err(already_exists(&name));
        }
        remove(account, &db, &name);
    }
    let now = account.tick(ctx.now_ms);
    account.database_roles.push(DatabaseRole {
        database: db.clone(),
        name: name.clone(),
        owner: ctx.role.clone(),
        comment,
        created_on: now,
    });
    grant_ownership(account, ctx, GrantTarget::DatabaseRole(db.clone(), name.clone()), now);
    // A new database role holds USAGE on its database (metadata-shapes-2 §2.1).
    account.grants.push(Grant {
        privilege: "USAGE".into(),
        target: GrantTarget::Database(db.clone()),
        grantee: Grantee::DatabaseRole(db, name.clone()),
        grant_option: false,
        granted_by: ctx.role.clone(),
        created_on: now,
    });
    Ok(format!("Database role {name} successfully created."))
}

/// `DROP DATABASE ROLE [IF EXISTS] [db.]name` (cursor after DROP).
pub fn drop(account: &mut Account, ctx: &DdlContext, c: &mut Cursor) -> Result<String, SqlError> {
    c.expect_kw("DATABASE")?;
    c.expect_kw("ROLE")?;
    let if_exists = c.kws(&["IF", "EXISTS"]);
    let (db, name) = resolve(account, ctx, c)?;
    c.expect_end()?;
    if !exists(account, &db, &name) {
        if if_exists {
            return Ok(format!("Drop statement executed successfully ({name} already dropped)."));
        }
        return Err(not_found(&db, &name));
    }
    remove(account, &db, &name);
    Ok(format!("{name} successfully dropped."))
}

/// Remove a database role with every grant to it, of it, and its future grants.
pub fn remove(account: &mut Account, db: &str, name: &str) {
    account.database_roles.retain(|r| !(r.database == db && r.name == name));
    let me = Grantee::DatabaseRole(db.to_string(), name.to_string());
    let target = GrantTarget::DatabaseRole(db.to_string(), name.to_string());
    account.grants.retain(|g| g.grantee != me && g.target != target);
    account.future_grants.retain(|f| !(f.grantee == name && f.grantee_database.as_deref() == Some(db)));
}

/// Remove every database role of a dropped database.
pub fn remove_all_in(account: &mut Account, db: &str) {
    let names: Vec<String> =
        account.database_roles.iter().filter(|r| r.database == db).map(|r| r.name.clone()).collect();
    for n in names {
        remove(account, db, &n);
    }
}

/// `GRANT DATABASE ROLE [db.]r TO {ROLE p | DATABASE ROLE [db.]p}` and `REVOKE ... FROM ...` (cursor after
/// GRANT/REVOKE). A database role cannot be granted to a user, nor to a database role of another
/// database.
pub fn grant_role(
    account: &mut Account,
    ctx: &DdlContext,
    c: &mut Cursor,
    is_grant: bool,
) -> Result<String, SqlError> {
    c.expect_kw("DATABASE")?;
    c.expect_kw("ROLE")?;
    let (db, name) = existing(account, ctx, c)?;
    c.expect_kw(if is_grant { "TO" } else { "FROM" })?;
    let grantee = if c.kws(&["DATABASE", "ROLE"]) {
        let (pdb, p) = existing(account, ctx, c)?;
        if pdb != db {
            return Err(SqlError::new(
                "003011",
                "42501",
                format!(
                    "SQL compilation error:\nDatabase role '{db}.{name}' can be granted only to an account role or a database role in database '{db}'."
                ),
            ));
        }
        Grantee::DatabaseRole(pdb, p)
    } else if c.peek_kw("USER") {
        return Err(SqlError::syntax("Database roles cannot be granted directly to users."));
    } else {
        c.kw("ROLE");
        let r = c.ident()?;
        if !account.role_exists(&r) {
            return Err(SqlError::does_not_exist("Role", &r));
        }
        Grantee::Role(r)
    };
    c.expect_end()?;
    if grantee == Grantee::DatabaseRole(db.clone(), name.clone()) {
        return Err(SqlError::syntax(format!("Cannot grant database role '{db}.{name}' to itself.")));
    }
    let target = GrantTarget::DatabaseRole(db, name);
    let same = |g: &Grant| g.privilege == "USAGE" && g.target == target && g.grantee == grantee;
    if is_grant {
        if !account.grants.iter().any(same) {
            let now = account.tick(ctx.now_ms);
            account.grants.push(Grant {
                privilege: "USAGE".into(),
                target: target.clone(),
                grantee: grantee.clone(),
                grant_option: false,
                granted_by: ctx.role.clone(),
                created_on: now,
            });
        }
    } else {
        account.revoke_grants(ctx.now_ms, same);
    }
    Ok(OK.into())
}
