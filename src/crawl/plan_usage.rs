//! Grants from `SNOWFLAKE.ACCOUNT_USAGE` (grant_source = account_usage): two statements whatever the number
//! of roles, at the price of latency. ACCOUNT_USAGE views lag up to about 2 hours, so a grant or revoke made
//! in the last 2 h may not show yet (the next run catches it; a crawl never invents a removal from it, but a
//! recent revoke is reported late). Future grants are not in ACCOUNT_USAGE and are not crawled in this mode.
//!
//! Must not touch SQLite or HTTP directly.

use super::ctx::Ctx;
use super::map::{flag, name, text, time};
use super::options::CrawlError;
use super::plan::listing;
use super::statements::{self as sql, ident};
use crate::catalog::{Grant, Object, RoleMembership, ScopeKey};
use crate::sqlapi::{Row, SqlApiError};

/// Quote a name part the way SHOW GRANTS prints it: bare when it is a plain upper-case identifier.
fn show_part(s: &str) -> String {
    let plain = s.chars().next().is_some_and(|c| c.is_ascii_uppercase() || c == '_')
        && s.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_' || c == '$');
    if plain { s.to_string() } else { ident(s) }
}

/// GRANTED_TO as SHOW GRANTS spells it: the docs list `ACCOUNT ROLE` (and some accounts show `ROLE`) where
/// SHOW says `ROLE`, so the catalog keeps one spelling whichever grant source wrote the row.
fn grantee_type(granted_to: Option<String>) -> String {
    match granted_to {
        None => "ROLE".into(),
        Some(t) if t.eq_ignore_ascii_case("ACCOUNT ROLE") || t.eq_ignore_ascii_case("ACCOUNT_ROLE") => {
            "ROLE".into()
        }
        Some(t) => t,
    }
}

fn usage_grant(row: &Row, database_roles: bool) -> Result<Option<Object>, SqlApiError> {
    let granted_on = name(row, "GRANTED_ON")?;
    if database_roles
        && granted_on.eq_ignore_ascii_case("DATABASE_ROLE")
        && text(row, "PRIVILEGE")?.as_deref() == Some("USAGE")
    {
        // A database role held by a role: a membership, listed by SHOW GRANTS OF DATABASE ROLE.
        return Ok(None);
    }
    if granted_on.eq_ignore_ascii_case("ROLE") && text(row, "PRIVILEGE")?.as_deref() == Some("USAGE") {
        // A role granted to a role: a membership.
        return Ok(Some(Object::RoleMembership(RoleMembership {
            role: name(row, "NAME")?,
            grantee_type: "ROLE".into(),
            grantee_name: name(row, "GRANTEE_NAME")?,
            granted_by: text(row, "GRANTED_BY")?,
            created: time(row, "CREATED_ON")?,
            role_type: None,
        })));
    }
    let mut parts: Vec<String> = Vec::new();
    for col in ["TABLE_CATALOG", "TABLE_SCHEMA"] {
        if let Some(p) = text(row, col)? {
            parts.push(show_part(&p));
        }
    }
    parts.push(show_part(&name(row, "NAME")?));
    let grantee_type = grantee_type(text(row, "GRANTED_TO")?);
    let mut grantee_name = name(row, "GRANTEE_NAME")?;
    if grantee_type == "DATABASE_ROLE" {
        // The name form is undocumented (metadata-shapes-2 §2.4): qualify a bare name with its database.
        let db = match text(row, "TABLE_CATALOG")? {
            Some(d) => d,
            None => name(row, "NAME")?,
        };
        grantee_name = super::map::access::qualify(&db, &grantee_name);
    }
    Ok(Some(Object::Grant(Grant {
        grantee_type,
        grantee_name,
        granted_on,
        name: parts.join("."),
        privilege: name(row, "PRIVILEGE")?,
        grant_option: flag(row, "GRANT_OPTION")?,
        granted_by: text(row, "GRANTED_BY")?,
        created: time(row, "CREATED_ON")?,
    })))
}

fn usage_membership(row: &Row) -> Result<Option<Object>, SqlApiError> {
    Ok(Some(Object::RoleMembership(RoleMembership {
        role: name(row, "ROLE")?,
        grantee_type: text(row, "GRANTED_TO")?.unwrap_or_else(|| "USER".into()),
        grantee_name: name(row, "GRANTEE_NAME")?,
        granted_by: text(row, "GRANTED_BY")?,
        created: time(row, "CREATED_ON")?,
        role_type: None,
    })))
}

/// Two ACCOUNT_USAGE statements: GRANTS_TO_ROLES (privileges and role-to-role grants) and GRANTS_TO_USERS.
pub async fn grants(ctx: &Ctx<'_>) -> Result<(), CrawlError> {
    let g = ScopeKey::AllGrants;
    let database_roles = ctx.opts.filters.kinds.database_roles;
    listing(ctx, "grants_usage", sql::account_usage_grants_to_roles(), &g, None, |r| {
        usage_grant(r, database_roles)
    })
    .await?;
    let m = ScopeKey::AllRoleMemberships;
    listing(ctx, "memberships_usage", sql::account_usage_grants_to_users(), &m, None, usage_membership)
        .await?;
    Ok(())
}
