//! Account-level DDL for the emulator: CREATE ROLE / USER / WAREHOUSE, ALTER WAREHOUSE (SET, UNSET,
//! SUSPEND, RESUME, RENAME) and DROP of those. Hand-parsed: sqlparser 0.64 rejects ALTER WAREHOUSE,
//! CREATE ROLE ... COMMENT and some CREATE USER forms.
//!
//! Must not render results or decide visibility.

use super::ddl::{DdlContext, already_exists, grant_ownership};
use super::lexer::Cursor;
use super::model::Account;
use super::model_types::{GrantTarget, Grantee, Role, User, Warehouse};
use super::result::SqlError;

fn if_not_exists(c: &mut Cursor) -> bool {
    c.kws(&["IF", "NOT", "EXISTS"])
}

pub fn create_role(
    account: &mut Account,
    ctx: &DdlContext,
    c: &mut Cursor,
    or_replace: bool,
) -> Result<String, SqlError> {
    c.expect_kw("ROLE")?;
    let ine = if_not_exists(c);
    let name = c.ident()?;
    let props = c.properties()?;
    if account.role_exists(&name) {
        if ine {
            return Ok(format!("{name} already exists, statement succeeded."));
        }
        if !or_replace {
            return Err(already_exists(&name));
        }
        drop_named(account, "ROLE", &name);
    }
    let now = account.tick(ctx.now_ms);
    let comment = prop(&props, "COMMENT").unwrap_or_default();
    account.roles.push(Role { name: name.clone(), owner: ctx.role.clone(), comment, created_on: now });
    grant_ownership(account, ctx, GrantTarget::Role(name.clone()), now);
    Ok(format!("Role {name} successfully created."))
}

fn prop(props: &[(String, String)], key: &str) -> Option<String> {
    props.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v.clone())
}

fn truthy(v: &str) -> bool {
    v.eq_ignore_ascii_case("TRUE")
}

pub fn create_user(
    account: &mut Account,
    ctx: &DdlContext,
    c: &mut Cursor,
    or_replace: bool,
) -> Result<String, SqlError> {
    c.expect_kw("USER")?;
    let ine = if_not_exists(c);
    let name = c.ident()?;
    let props = c.properties()?;
    if account.user(&name).is_some() {
        if ine {
            return Ok(format!("{name} already exists, statement succeeded."));
        }
        if !or_replace {
            return Err(already_exists(&name));
        }
        drop_named(account, "USER", &name);
    }
    let now = account.tick(ctx.now_ms);
    let p = |k: &str| prop(&props, k);
    account.users.push(User {
        name: name.clone(),
        login_name: p("LOGIN_NAME").map_or(name.clone(), |v| v.to_uppercase()),
        display_name: p("DISPLAY_NAME").unwrap_or(name.clone()),
        email: p("EMAIL"),
        default_role: p("DEFAULT_ROLE"),
        default_warehouse: p("DEFAULT_WAREHOUSE"),
        default_namespace: p("DEFAULT_NAMESPACE"),
        disabled: p("DISABLED").is_some_and(|v| truthy(&v)),
        comment: p("COMMENT"),
        owner: ctx.role.clone(),
        created_on: now,
        has_password: p("PASSWORD").is_some(),
        has_rsa_public_key: p("RSA_PUBLIC_KEY").is_some(),
        user_type: p("TYPE"),
    });
    Ok(format!("User {name} successfully created."))
}

/// `XSMALL`, `X-Small`, `x2large`, ... -> SHOW WAREHOUSES display form.
fn size_display(v: &str) -> Result<String, SqlError> {
    let k: String = v.to_uppercase().chars().filter(|c| c.is_ascii_alphanumeric()).collect();
    let s = match k.as_str() {
        "XSMALL" => "X-Small",
        "SMALL" => "Small",
        "MEDIUM" => "Medium",
        "LARGE" => "Large",
        "XLARGE" => "X-Large",
        "XXLARGE" | "X2LARGE" | "2XLARGE" => "2X-Large",
        "XXXLARGE" | "X3LARGE" | "3XLARGE" => "3X-Large",
        "X4LARGE" | "4XLARGE" => "4X-Large",
        "X5LARGE" | "5XLARGE" => "5X-Large",
        "X6LARGE" | "6XLARGE" => "6X-Large",
        _ => return Err(SqlError::syntax(format!("invalid value '{v}' for property 'WAREHOUSE_SIZE'"))),
    };
    Ok(s.to_string())
}

fn set_warehouse_prop(w: &mut Warehouse, key: &str, v: &str) -> Result<(), SqlError> {
    let num = |v: &str| {
        v.parse::<u32>().map_err(|_| SqlError::syntax(format!("invalid value '{v}' for property '{key}'")))
    };
    match key {
        "WAREHOUSE_SIZE" => w.size = size_display(v)?,
        "WAREHOUSE_TYPE" => w.warehouse_type = v.to_uppercase().replace('_', "-"),
        "MIN_CLUSTER_COUNT" => w.min_cluster_count = num(v)?,
        "MAX_CLUSTER_COUNT" => w.max_cluster_count = num(v)?,
        "SCALING_POLICY" => w.scaling_policy = v.to_uppercase(),
        "AUTO_SUSPEND" => {
            w.auto_suspend = if v.eq_ignore_ascii_case("NULL") || v == "0" { None } else { Some(num(v)?) }
        }
        "AUTO_RESUME" => w.auto_resume = truthy(v),
        "INITIALLY_SUSPENDED" if truthy(v) => w.state = "SUSPENDED".into(),
        "RESOURCE_MONITOR" => {
            w.resource_monitor = if v.eq_ignore_ascii_case("NULL") { None } else { Some(v.to_string()) }
        }
        "COMMENT" => w.comment = Some(v.to_string()),
        "ENABLE_QUERY_ACCELERATION" => w.enable_query_acceleration = truthy(v),
        "QUERY_ACCELERATION_MAX_SCALE_FACTOR" => w.query_acceleration_max_scale_factor = num(v)?,
        _ => {}
    }
    Ok(())
}

pub fn new_warehouse(name: &str, owner: &str, now: i64, seq: usize) -> Warehouse {
    Warehouse {
        name: name.to_string(),
        state: "STARTED".into(),
        warehouse_type: "STANDARD".into(),
        size: "X-Small".into(),
        min_cluster_count: 1,
        max_cluster_count: 1,
        auto_suspend: Some(600),
        auto_resume: true,
        scaling_policy: "STANDARD".into(),
        resource_monitor: None,
        enable_query_acceleration: false,
        query_acceleration_max_scale_factor: 8,
        owner: owner.to_string(),
        comment: None,
        created_on: now,
        resumed_on: now,
        updated_on: now,
        uuid: format!("{:016}", 1_000_000_000 + seq as u64 * 7919),
    }
}

pub fn create_warehouse(
    account: &mut Account,
    ctx: &DdlContext,
    c: &mut Cursor,
    or_replace: bool,
) -> Result<String, SqlError> {
    c.expect_kw("WAREHOUSE")?;
    let ine = if_not_exists(c);
    let name = c.ident()?;
    let props = c.properties()?;
    if account.warehouses.iter().any(|w| w.name == name) {
        if ine {
            return Ok(format!("{name} already exists, statement succeeded."));
        }
        if !or_replace {
            return Err(already_exists(&name));
        }
        drop_named(account, "WAREHOUSE", &name);
    }
    let now = account.tick(ctx.now_ms);
    let mut w = new_warehouse(&name, &ctx.role, now, account.warehouses.len());
    for (k, v) in &props {
        set_warehouse_prop(&mut w, k, v)?;
    }
    account.warehouses.push(w);
    grant_ownership(account, ctx, GrantTarget::Warehouse(name.clone()), now);
    Ok(format!("Warehouse {name} successfully created."))
}

pub fn alter_warehouse(account: &mut Account, c: &mut Cursor) -> Result<String, SqlError> {
    c.expect_kw("ALTER")?;
    c.expect_kw("WAREHOUSE")?;
    let if_exists = c.kws(&["IF", "EXISTS"]);
    let name = c.ident()?;
    let now = account.tick(None);
    let Some(pos) = account.warehouses.iter().position(|w| w.name == name) else {
        if if_exists {
            return Ok("Statement executed successfully.".into());
        }
        return Err(SqlError::does_not_exist("Warehouse", &name));
    };
    if c.kws(&["RENAME", "TO"]) {
        let new = c.ident()?;
        account.warehouses[pos].name = new.clone();
        for g in &mut account.grants {
            if g.target == GrantTarget::Warehouse(name.clone()) {
                g.target = GrantTarget::Warehouse(new.clone());
            }
        }
    } else {
        let w = &mut account.warehouses[pos];
        if c.kw("SUSPEND") {
            w.state = "SUSPENDED".into();
        } else if c.kw("RESUME") {
            c.kws(&["IF", "SUSPENDED"]);
            w.state = "STARTED".into();
            w.resumed_on = now;
        } else if c.kw("SET") {
            for (k, v) in c.properties()? {
                set_warehouse_prop(w, &k, &v)?;
            }
        } else if c.kw("UNSET") {
            while let Some(k) = c.word_at(0) {
                c.kw(&k);
                match k.as_str() {
                    "COMMENT" => w.comment = None,
                    "RESOURCE_MONITOR" => w.resource_monitor = None,
                    _ => {}
                }
                c.token(&sqlparser::tokenizer::Token::Comma);
            }
        } else {
            return Err(c.unexpected("SET, UNSET, SUSPEND, RESUME or RENAME TO"));
        }
        w.updated_on = now;
    }
    c.expect_end()?;
    Ok("Statement executed successfully.".into())
}

/// Drop a warehouse, role or user; true if it existed. Grants to and on it go too.
pub fn drop_named(account: &mut Account, kind: &str, name: &str) -> bool {
    match kind {
        "WAREHOUSE" => {
            let before = account.warehouses.len();
            account.warehouses.retain(|w| w.name != name);
            account.remove_grants_on(|t| matches!(t, GrantTarget::Warehouse(w) if w == name));
            before != account.warehouses.len()
        }
        "ROLE" => {
            let before = account.roles.len();
            account.roles.retain(|r| r.name != name);
            account.grants.retain(|g| {
                g.grantee != Grantee::Role(name.to_string())
                    && !matches!(&g.target, GrantTarget::Role(r) if r == name)
            });
            account.future_grants.retain(|f| f.grantee != name);
            before != account.roles.len()
        }
        "USER" => {
            let before = account.users.len();
            account.users.retain(|u| u.name != name);
            account.grants.retain(|g| g.grantee != Grantee::User(name.to_string()));
            before != account.users.len()
        }
        _ => false,
    }
}
