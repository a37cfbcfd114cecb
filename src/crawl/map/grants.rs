//! SHOW GRANTS TO ROLE / OF ROLE and SHOW FUTURE GRANTS rows -> grants, role memberships, future grants.

use super::{flag, name, split_name, text, time};
use crate::catalog::{FutureGrant, Grant, RoleMembership};
use crate::sqlapi::{Row, SqlApiError};

/// One row of SHOW GRANTS TO ROLE. Rows granting a role (`USAGE` on `ROLE`) are role memberships and come
/// from SHOW GRANTS OF ROLE instead, so they yield `None` here (OWNERSHIP of a role stays a grant).
pub fn grant(row: &Row) -> Result<Option<Grant>, SqlApiError> {
    grant_keeping(row, true)
}

/// Like [`grant`]; `database_roles_as_grants` false also leaves out the database roles the role holds
/// (`USAGE` on `DATABASE_ROLE`), which are memberships when SHOW GRANTS OF DATABASE ROLE lists them.
pub fn grant_keeping(row: &Row, database_roles_as_grants: bool) -> Result<Option<Grant>, SqlApiError> {
    let granted_on = name(row, "granted_on")?;
    let privilege = name(row, "privilege")?;
    if granted_on.eq_ignore_ascii_case("ROLE") && privilege.eq_ignore_ascii_case("USAGE") {
        return Ok(None);
    }
    if !database_roles_as_grants
        && granted_on.eq_ignore_ascii_case("DATABASE_ROLE")
        && privilege.eq_ignore_ascii_case("USAGE")
    {
        return Ok(None);
    }
    Ok(Some(Grant {
        grantee_type: text(row, "granted_to")?.unwrap_or_else(|| "ROLE".into()),
        grantee_name: name(row, "grantee_name")?,
        granted_on,
        name: name(row, "name")?,
        privilege,
        grant_option: flag(row, "grant_option")?,
        granted_by: text(row, "granted_by")?,
        created: time(row, "created_on")?,
    }))
}

/// One row of SHOW GRANTS OF ROLE.
pub fn membership(row: &Row) -> Result<RoleMembership, SqlApiError> {
    Ok(RoleMembership {
        role: name(row, "role")?,
        grantee_type: text(row, "granted_to")?.unwrap_or_else(|| "ROLE".into()),
        grantee_name: name(row, "grantee_name")?,
        granted_by: text(row, "granted_by")?,
        created: time(row, "created_on")?,
        role_type: None,
    })
}

/// One row of SHOW FUTURE GRANTS; the database and schema come from the `name` (`DB.<TABLE>`,
/// `DB.SCH.<TABLE>`).
pub fn future_grant(row: &Row) -> Result<FutureGrant, SqlApiError> {
    let raw = name(row, "name")?;
    let parts = split_name(&raw);
    let (database, schema) = match parts.as_slice() {
        [d, _] => (d.clone(), None),
        [d, s, _] => (d.clone(), Some(s.clone())),
        _ => {
            return Err(SqlApiError::Value {
                column: "name".into(),
                column_type: "text".into(),
                value: raw,
                reason: "expected DB.<TYPE> or DB.SCHEMA.<TYPE>".into(),
            });
        }
    };
    let grantee_type = text(row, "grant_to")?.unwrap_or_else(|| "ROLE".into());
    let mut grantee_name = name(row, "grantee_name")?;
    if grantee_type.eq_ignore_ascii_case("DATABASE_ROLE") {
        // A database role holds future grants only in its own database; SHOW prints it bare here.
        grantee_name = super::access::qualify(&database, &grantee_name);
    }
    Ok(FutureGrant {
        database,
        schema,
        grant_on: name(row, "grant_on")?,
        privilege: name(row, "privilege")?,
        grantee_name,
        grantee_type,
        grant_option: flag(row, "grant_option")?,
        created: time(row, "created_on")?,
    })
}
