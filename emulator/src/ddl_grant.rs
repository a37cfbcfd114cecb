//! GRANT / REVOKE for the emulator (privileges on account, databases, schemas, tables, views, warehouses;
//! ALL and FUTURE objects in a schema or database; roles to roles and users; OWNERSHIP transfer), parsed
//! by hand because sqlparser 0.64 rejects several Snowflake forms (`ON FUTURE TABLES IN DATABASE`,
//! `CREATE TABLE ON SCHEMA`). Also applies future grants to newly created objects.
//!
//! Must not render results or decide visibility.

use super::account_usage;
use super::ddl::{DdlContext, resolve_object, resolve_schema};
use super::lexer::Cursor;
use super::model::Account;
use super::model_types::{FutureGrant, FutureScope, Grant, GrantTarget, Grantee, TableKind};
use super::result::SqlError;

const OK: &str = "Statement executed successfully.";

/// What a GRANT/REVOKE names after ON.
enum On {
    One(GrantTarget),
    All { object_type: &'static str, scope: FutureScope },
    Future { object_type: &'static str, scope: FutureScope },
}

pub fn grant(account: &mut Account, ctx: &mut DdlContext, c: &mut Cursor) -> Result<String, SqlError> {
    let is_grant = c.kw("GRANT");
    if !is_grant {
        c.expect_kw("REVOKE")?;
    }
    let grant_option_for = !is_grant && c.kws(&["GRANT", "OPTION", "FOR"]);
    if c.peek_kw("ROLE") {
        c.kw("ROLE");
        return role_grant(account, ctx, c, is_grant);
    }
    if c.peek_kw("DATABASE") && c.word_at(1).as_deref() == Some("ROLE") {
        return super::ddl_database_role::grant_role(account, ctx, c, is_grant);
    }
    let privileges = privileges(c)?;
    c.expect_kw("ON")?;
    let on = on_clause(ctx, c)?;
    if is_grant {
        c.expect_kw("TO")?
    } else {
        c.expect_kw("FROM")?
    }
    let grantee = if c.kws(&["DATABASE", "ROLE"]) {
        let (db, r) = super::ddl_database_role::existing(account, ctx, c)?;
        if on_database(&on) != Some(db.as_str()) {
            return Err(super::ddl_database_role::outside_database(&db, &r));
        }
        if privileges.iter().any(|p| p == "OWNERSHIP") {
            return Err(SqlError::syntax(
                "OWNERSHIP transfer to a database role is not supported by the emulator",
            ));
        }
        Grantee::DatabaseRole(db, r)
    } else {
        c.kw("ROLE");
        let r = c.ident()?;
        if !account.role_exists(&r) {
            return Err(SqlError::does_not_exist("Role", &r));
        }
        Grantee::Role(r)
    };
    let grantee_database = match &grantee {
        Grantee::DatabaseRole(d, _) => Some(d.clone()),
        _ => None,
    };
    let with_grant_option = is_grant && c.kws(&["WITH", "GRANT", "OPTION"]);
    let now = account.tick(ctx.now_ms);
    let targets = match on {
        On::Future { object_type, scope } => {
            check_scope(account, &scope)?;
            for p in expand(&privileges, object_type) {
                account.future_grants.retain(|f| {
                    !(f.privilege == p
                        && f.object_type == object_type
                        && f.scope == scope
                        && f.grantee == grantee.name()
                        && f.grantee_database == grantee_database)
                });
                if is_grant {
                    account.future_grants.push(FutureGrant {
                        privilege: p,
                        object_type: object_type.to_string(),
                        scope: scope.clone(),
                        grantee: grantee.name().to_string(),
                        grantee_database: grantee_database.clone(),
                        grant_option: with_grant_option,
                        created_on: now,
                    });
                }
            }
            return Ok(OK.into());
        }
        On::All { object_type, scope } => {
            check_scope(account, &scope)?;
            all_targets(account, object_type, &scope)
        }
        // The shared SNOWFLAKE database takes only IMPORTED PRIVILEGES (it opens ACCOUNT_USAGE).
        On::One(GrantTarget::Database(d))
            if d == account_usage::DATABASE && privileges.iter().all(|p| p == "IMPORTED PRIVILEGES") =>
        {
            vec![GrantTarget::Database(d)]
        }
        On::One(t) => vec![check_target(account, t)?],
    };
    for target in targets {
        let kind = target_type(&target);
        for p in expand(&privileges, kind) {
            if p == "OWNERSHIP" && is_grant {
                transfer_ownership(account, &target, grantee.name(), &ctx.role, now);
                continue;
            }
            let same = |g: &Grant| g.privilege == p && g.target == target && g.grantee == grantee;
            if is_grant {
                if let Some(g) = account.grants.iter_mut().find(|g| same(g)) {
                    g.grant_option |= with_grant_option;
                } else {
                    account.grants.push(Grant {
                        privilege: p,
                        target: target.clone(),
                        grantee: grantee.clone(),
                        grant_option: with_grant_option,
                        granted_by: ctx.role.clone(),
                        created_on: now,
                    });
                }
            } else if grant_option_for {
                account.grants.iter_mut().filter(|g| same(g)).for_each(|g| g.grant_option = false);
            } else {
                account.revoke_grants(ctx.now_ms, same);
            }
        }
    }
    Ok(OK.into())
}

fn role_grant(
    account: &mut Account,
    ctx: &DdlContext,
    c: &mut Cursor,
    is_grant: bool,
) -> Result<String, SqlError> {
    let role = c.ident()?;
    if is_grant {
        c.expect_kw("TO")?
    } else {
        c.expect_kw("FROM")?
    }
    let grantee = if c.kw("USER") {
        let u = c.ident()?;
        if account.user(&u).is_none() {
            return Err(SqlError::does_not_exist("User", &u));
        }
        Grantee::User(u)
    } else {
        c.kw("ROLE");
        let r = c.ident()?;
        if !account.role_exists(&r) {
            return Err(SqlError::does_not_exist("Role", &r));
        }
        Grantee::Role(r)
    };
    if !account.role_exists(&role) {
        return Err(SqlError::does_not_exist("Role", &role));
    }
    let target = GrantTarget::Role(role);
    if is_grant {
        // A re-grant replaces the live row (ACCOUNT_USAGE records no new row for it).
        account.grants.retain(|g| !(g.target == target && g.grantee == grantee));
    } else {
        account.revoke_grants(ctx.now_ms, |g| g.target == target && g.grantee == grantee);
    }
    if is_grant {
        let now = account.tick(ctx.now_ms);
        account.grants.push(Grant {
            privilege: "USAGE".into(),
            target,
            grantee,
            grant_option: false,
            granted_by: ctx.role.clone(),
            created_on: now,
        });
    }
    Ok(OK.into())
}

/// Privilege list up to ON: `SELECT, INSERT`, `CREATE SCHEMA`, `ALL [PRIVILEGES]`.
fn privileges(c: &mut Cursor) -> Result<Vec<String>, SqlError> {
    let mut out = Vec::new();
    let mut cur: Vec<String> = Vec::new();
    loop {
        if c.peek_kw("ON") || c.at_end() {
            break;
        }
        if c.token(&sqlparser::tokenizer::Token::Comma) {
            out.push(cur.join(" "));
            cur.clear();
            continue;
        }
        let w = c.word_at(0).ok_or_else(|| c.unexpected("privilege"))?;
        c.kw(&w);
        cur.push(w);
    }
    if !cur.is_empty() {
        out.push(cur.join(" "));
    }
    if out.is_empty() {
        return Err(c.unexpected("privilege"));
    }
    Ok(out.into_iter().map(|p| if p == "ALL PRIVILEGES" { "ALL".into() } else { p }).collect())
}

fn plural_type(c: &mut Cursor) -> Result<&'static str, SqlError> {
    for (words, t) in [
        (&["MATERIALIZED", "VIEWS"][..], "MATERIALIZED_VIEW"),
        (&["EXTERNAL", "TABLES"][..], "EXTERNAL_TABLE"),
        (&["TABLES"][..], "TABLE"),
        (&["VIEWS"][..], "VIEW"),
        (&["SCHEMAS"][..], "SCHEMA"),
    ] {
        if c.kws(words) {
            return Ok(t);
        }
    }
    Err(c.unexpected("TABLES, VIEWS or SCHEMAS"))
}

fn on_clause(ctx: &DdlContext, c: &mut Cursor) -> Result<On, SqlError> {
    if c.kw("ACCOUNT") {
        return Ok(On::One(GrantTarget::Account));
    }
    for (future, kw) in [(false, "ALL"), (true, "FUTURE")] {
        if c.kw(kw) {
            let object_type = plural_type(c)?;
            c.expect_kw("IN")?;
            let scope = if c.kw("DATABASE") {
                FutureScope::Database(c.ident()?)
            } else {
                c.expect_kw("SCHEMA")?;
                let (d, s) = resolve_schema(ctx, c.object_name()?)?;
                FutureScope::Schema(d, s)
            };
            return Ok(if future {
                On::Future { object_type, scope }
            } else {
                On::All { object_type, scope }
            });
        }
    }
    let t = if c.kw("DATABASE") {
        GrantTarget::Database(c.ident()?)
    } else if c.kw("SCHEMA") {
        let (d, s) = resolve_schema(ctx, c.object_name()?)?;
        GrantTarget::Schema(d, s)
    } else if c.kw("WAREHOUSE") {
        GrantTarget::Warehouse(c.ident()?)
    } else if c.kw("USER") {
        GrantTarget::User(c.ident()?)
    } else if c.kw("ROLE") {
        GrantTarget::Role(c.ident()?)
    } else {
        let kind = if c.kws(&["MATERIALIZED", "VIEW"]) {
            "MATERIALIZED_VIEW"
        } else if c.kws(&["EXTERNAL", "TABLE"]) {
            "EXTERNAL_TABLE"
        } else if c.kw("VIEW") {
            "VIEW"
        } else {
            c.kw("TABLE");
            "TABLE"
        };
        let (database, schema, name) = resolve_object(ctx, c.object_name()?)?;
        GrantTarget::Object { kind, database, schema, name }
    };
    Ok(On::One(t))
}

fn target_type(t: &GrantTarget) -> &'static str {
    match t {
        GrantTarget::Account => "ACCOUNT",
        GrantTarget::Database(_) => "DATABASE",
        GrantTarget::Schema(..) => "SCHEMA",
        GrantTarget::Object { kind, .. } => kind,
        GrantTarget::Warehouse(_) => "WAREHOUSE",
        GrantTarget::Role(_) => "ROLE",
        GrantTarget::User(_) => "USER",
        GrantTarget::DatabaseRole(..) => "DATABASE_ROLE",
    }
}

/// The database a GRANT's object lives in (`None` for account-level objects).
fn on_database(on: &On) -> Option<&str> {
    match on {
        On::All { scope, .. } | On::Future { scope, .. } => match scope {
            FutureScope::Database(d) | FutureScope::Schema(d, _) => Some(d),
        },
        On::One(GrantTarget::Database(d) | GrantTarget::Schema(d, _) | GrantTarget::DatabaseRole(d, _)) => {
            Some(d)
        }
        On::One(GrantTarget::Object { database, .. }) => Some(database),
        On::One(_) => None,
    }
}

/// `ALL` expands to the object type's documented privileges.
fn expand(privs: &[String], object_type: &str) -> Vec<String> {
    let all: &[&str] = match object_type {
        "ACCOUNT" => &[
            "CREATE DATABASE",
            "CREATE WAREHOUSE",
            "CREATE ROLE",
            "CREATE USER",
            "MANAGE GRANTS",
            "MONITOR USAGE",
        ],
        "DATABASE" => &["USAGE", "MONITOR", "CREATE SCHEMA", "MODIFY"],
        "SCHEMA" => &["USAGE", "MONITOR", "MODIFY", "CREATE TABLE", "CREATE VIEW"],
        "TABLE" => &["SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES"],
        "WAREHOUSE" => &["USAGE", "OPERATE", "MONITOR", "MODIFY"],
        _ => &["SELECT", "REFERENCES"],
    };
    let mut out = Vec::new();
    for p in privs {
        if p == "ALL" {
            out.extend(all.iter().map(|s| s.to_string()));
        } else {
            out.push(p.clone());
        }
    }
    out
}

fn check_scope(account: &Account, scope: &FutureScope) -> Result<(), SqlError> {
    match scope {
        FutureScope::Database(d) => {
            account.database(d).map(|_| ()).ok_or_else(|| SqlError::does_not_exist("Database", d))
        }
        FutureScope::Schema(d, s) => account
            .schema(d, s)
            .map(|_| ())
            .ok_or_else(|| SqlError::does_not_exist("Schema", &format!("{d}.{s}"))),
    }
}

/// Check the target exists; table-like targets get the object's real kind (`ON TABLE v` for a view).
fn check_target(account: &Account, t: GrantTarget) -> Result<GrantTarget, SqlError> {
    if let GrantTarget::Object { database, schema, name, .. } = &t
        && let Some(found) = account.table(database, schema, name)
    {
        let kind = found.kind.object_type();
        return Ok(GrantTarget::Object {
            kind,
            database: database.clone(),
            schema: schema.clone(),
            name: name.clone(),
        });
    }
    let ok = match &t {
        GrantTarget::Account => true,
        GrantTarget::Database(d) => account.database(d).is_some(),
        GrantTarget::Schema(d, s) => account.schema(d, s).is_some(),
        GrantTarget::Object { .. } => false,
        GrantTarget::Warehouse(w) => account.warehouses.iter().any(|x| &x.name == w),
        GrantTarget::Role(r) => account.role_exists(r),
        GrantTarget::User(u) => account.user(u).is_some(),
        GrantTarget::DatabaseRole(d, r) => super::ddl_database_role::exists(account, d, r),
    };
    if ok {
        return Ok(t);
    }
    let (kind, name) = match &t {
        GrantTarget::Database(d) => ("Database", d.clone()),
        GrantTarget::Schema(d, s) => ("Schema", format!("{d}.{s}")),
        GrantTarget::Object { database, schema, name, .. } => {
            ("Object", format!("{database}.{schema}.{name}"))
        }
        GrantTarget::Warehouse(w) => ("Warehouse", w.clone()),
        GrantTarget::Role(r) => ("Role", r.clone()),
        GrantTarget::User(u) => ("User", u.clone()),
        GrantTarget::DatabaseRole(d, r) => ("Database role", format!("{d}.{r}")),
        GrantTarget::Account => ("Account", String::new()),
    };
    Err(SqlError::does_not_exist(kind, &name))
}

fn all_targets(account: &Account, object_type: &'static str, scope: &FutureScope) -> Vec<GrantTarget> {
    let mut out = Vec::new();
    let (db, only_schema) = match scope {
        FutureScope::Database(d) => (d, None),
        FutureScope::Schema(d, s) => (d, Some(s)),
    };
    let Some(database) = account.database(db) else { return out };
    for s in &database.schemas {
        if only_schema.is_some_and(|o| *o != s.name) {
            continue;
        }
        if object_type == "SCHEMA" {
            out.push(GrantTarget::Schema(db.clone(), s.name.clone()));
            continue;
        }
        for t in s.tables.iter().filter(|t| t.kind.object_type() == object_type) {
            out.push(GrantTarget::Object {
                kind: object_type,
                database: db.clone(),
                schema: s.name.clone(),
                name: t.name.clone(),
            });
        }
    }
    out
}

/// GRANT OWNERSHIP: the old OWNERSHIP grant goes, the object's owner changes.
fn transfer_ownership(account: &mut Account, target: &GrantTarget, to: &str, by: &str, now: i64) {
    account.grants.retain(|g| !(g.privilege == "OWNERSHIP" && &g.target == target));
    account.grants.push(Grant {
        privilege: "OWNERSHIP".into(),
        target: target.clone(),
        grantee: Grantee::Role(to.to_string()),
        grant_option: true,
        granted_by: by.to_string(),
        created_on: now,
    });
    let owner = to.to_string();
    match target {
        GrantTarget::Database(d) => {
            if let Some(x) = account.database_mut(d) {
                x.owner = owner;
            }
        }
        GrantTarget::Schema(d, s) => {
            if let Some(x) = account.schema_mut(d, s) {
                x.owner = owner;
            }
        }
        GrantTarget::Object { database, schema, name, .. } => {
            if let Some(x) = account.table_mut(database, schema, name) {
                x.owner = owner;
            }
        }
        GrantTarget::Warehouse(w) => {
            if let Some(x) = account.warehouse_mut(w) {
                x.owner = owner;
            }
        }
        _ => {}
    }
}

/// Apply the future grants that match a newly created object. Schema-level future grants for an object
/// type take precedence over database-level ones (Snowflake's documented rule).
pub fn apply_future_grants(
    account: &mut Account,
    db: &str,
    schema: Option<&str>,
    object_type: &str,
    target: &GrantTarget,
    now: i64,
) {
    let matches_schema = |f: &FutureGrant| {
        f.object_type == object_type
            && matches!(&f.scope, FutureScope::Schema(d, s) if d == db && Some(s.as_str()) == schema)
    };
    let schema_level: Vec<FutureGrant> =
        account.future_grants.iter().filter(|f| matches_schema(f)).cloned().collect();
    let chosen = if schema_level.is_empty() {
        account
            .future_grants
            .iter()
            .filter(|f| {
                f.object_type == object_type && matches!(&f.scope, FutureScope::Database(d) if d == db)
            })
            .cloned()
            .collect()
    } else {
        schema_level
    };
    let granted_by = account.database(db).map(|d| d.owner.clone()).unwrap_or_default();
    for f in chosen {
        if f.privilege == "OWNERSHIP" {
            transfer_ownership(account, target, &f.grantee, &granted_by, now);
            continue;
        }
        // A grant the object already holds (kept by COPY GRANTS) is not granted twice.
        let grantee = match f.grantee_database {
            Some(d) => Grantee::DatabaseRole(d, f.grantee),
            None => Grantee::Role(f.grantee),
        };
        if account
            .grants
            .iter()
            .any(|g| g.target == *target && g.privilege == f.privilege && g.grantee == grantee)
        {
            continue;
        }
        account.grants.push(Grant {
            privilege: f.privilege,
            target: target.clone(),
            grantee,
            grant_option: f.grant_option,
            granted_by: granted_by.clone(),
            created_on: now,
        });
    }
}

/// The `granted_on` word for a table kind (`TABLE`, `VIEW`, `MATERIALIZED_VIEW`, `EXTERNAL_TABLE`).
pub fn granted_on_word(kind: TableKind) -> &'static str {
    kind.object_type()
}
