//! SHOW DATABASE ROLES / GRANTS TO and OF DATABASE ROLE / ... POLICIES / TAGS, DESCRIBE ... POLICY,
//! POLICY_REFERENCES and ACCOUNT_USAGE.TAG_REFERENCES rows -> the access kinds, by column name.
//!
//! Database-role names are normalised to one spelling, `DB.ROLE` (`catalog::database_role_name`): SHOW
//! prints them bare in some listings and qualified in others (metadata-shapes-2 §2.2), and a bare name is
//! qualified with the database it was listed in.

use super::{name, split_name, text, time};
use crate::catalog::{
    DatabaseRole, Grant, Policy, PolicyReference, RoleMembership, Tag, TagReference, database_role_name,
    show_part,
};
use crate::sqlapi::{Row, SqlApiError};

/// `name` qualified with `database` unless it already is `DB.ROLE`.
pub fn qualify(database: &str, name: &str) -> String {
    match split_name(name).as_slice() {
        [d, r] => database_role_name(d, r),
        _ => database_role_name(database, name),
    }
}

/// One row of SHOW DATABASE ROLES IN DATABASE `database` (which SHOW does not print).
pub fn database_role(database: &str, row: &Row) -> Result<DatabaseRole, SqlApiError> {
    Ok(DatabaseRole {
        database: database.to_string(),
        name: name(row, "name")?,
        owner: text(row, "owner")?,
        owner_role_type: text(row, "owner_role_type")?,
        comment: text(row, "comment")?,
        created: time(row, "created_on")?,
    })
}

/// One row of SHOW GRANTS TO DATABASE ROLE `qualified`. A database role granted to it (`USAGE` on
/// `DATABASE_ROLE`) is a membership, listed by SHOW GRANTS OF that role: `None` here.
pub fn grant_to_database_role(qualified: &str, row: &Row) -> Result<Option<Grant>, SqlApiError> {
    let Some(mut g) = super::grants::grant(row)? else { return Ok(None) };
    if g.granted_on.eq_ignore_ascii_case("DATABASE_ROLE") && g.privilege.eq_ignore_ascii_case("USAGE") {
        return Ok(None);
    }
    g.grantee_type = "DATABASE_ROLE".into();
    g.grantee_name = qualified.to_string();
    Ok(Some(g))
}

/// One row of SHOW GRANTS OF DATABASE ROLE `qualified` (in `database`): who holds it.
pub fn membership(database: &str, qualified: &str, row: &Row) -> Result<RoleMembership, SqlApiError> {
    let grantee_type = text(row, "granted_to")?.unwrap_or_else(|| "ROLE".into());
    let raw = name(row, "grantee_name")?;
    let grantee_name =
        if grantee_type.eq_ignore_ascii_case("DATABASE_ROLE") { qualify(database, &raw) } else { raw };
    Ok(RoleMembership {
        role: qualified.to_string(),
        grantee_type,
        grantee_name,
        granted_by: text(row, "granted_by")?,
        created: time(row, "created_on")?,
        role_type: Some("DATABASE_ROLE".into()),
    })
}

/// One row of SHOW MASKING / ROW ACCESS POLICIES; `kind` is the fallback when SHOW prints none.
pub fn policy(kind: &str, row: &Row) -> Result<Policy, SqlApiError> {
    let options = text(row, "options")?.filter(|o| o != "\"\"" && o != "''");
    Ok(Policy {
        database: name(row, "database_name")?,
        schema: name(row, "schema_name")?,
        name: name(row, "name")?,
        policy_kind: text(row, "kind")?.unwrap_or_else(|| kind.to_string()),
        signature: None,
        return_type: None,
        body: None,
        body_hidden: true,
        options,
        owner: text(row, "owner")?,
        owner_role_type: text(row, "owner_role_type")?,
        comment: text(row, "comment")?,
        created: time(row, "created_on")?,
    })
}

/// Fill in what DESCRIBE ... POLICY shows. A row without a body leaves the policy hidden.
pub fn apply_describe(p: &mut Policy, row: &Row) -> Result<(), SqlApiError> {
    let body = text(row, "body")?;
    if body.is_some() {
        p.signature = text(row, "signature")?;
        p.return_type = text(row, "return_type")?;
        p.body = body;
        p.body_hidden = false;
    }
    Ok(())
}

/// One row of POLICY_REFERENCES of policy `full_name`; rows on anything but a table or view are left out.
pub fn policy_reference(full_name: &str, row: &Row) -> Result<Option<PolicyReference>, SqlApiError> {
    let domain = text(row, "REF_ENTITY_DOMAIN")?.map(|d| d.to_ascii_uppercase());
    if !matches!(domain.as_deref(), Some("TABLE" | "VIEW") | None) {
        return Ok(None);
    }
    let via_tag = match (text(row, "TAG_DATABASE")?, text(row, "TAG_SCHEMA")?, text(row, "TAG_NAME")?) {
        (Some(d), Some(s), Some(t)) => Some(format!("{}.{}.{}", show_part(&d), show_part(&s), show_part(&t))),
        _ => None,
    };
    Ok(Some(PolicyReference {
        database: name(row, "REF_DATABASE_NAME")?,
        schema: name(row, "REF_SCHEMA_NAME")?,
        entity: name(row, "REF_ENTITY_NAME")?,
        column: text(row, "REF_COLUMN_NAME")?.unwrap_or_default(),
        policy: full_name.to_string(),
        policy_kind: text(row, "POLICY_KIND")?,
        domain,
        arg_columns: text(row, "REF_ARG_COLUMN_NAMES")?,
        via_tag,
        status: text(row, "POLICY_STATUS")?,
    }))
}

/// One row of SHOW TAGS.
pub fn tag(row: &Row) -> Result<Tag, SqlApiError> {
    Ok(Tag {
        database: name(row, "database_name")?,
        schema: name(row, "schema_name")?,
        name: name(row, "name")?,
        allowed_values: text(row, "allowed_values")?,
        owner: text(row, "owner")?,
        owner_role_type: text(row, "owner_role_type")?,
        comment: text(row, "comment")?,
        created: time(row, "created_on")?,
    })
}

/// One row of ACCOUNT_USAGE.TAG_REFERENCES; assignments on anything but a database, schema, table, view
/// or column are left out. A DATABASE row names the database in OBJECT_NAME (OBJECT_DATABASE empty), a
/// SCHEMA row the schema; a COLUMN row names the table in OBJECT_NAME.
pub fn tag_reference(row: &Row) -> Result<Option<TagReference>, SqlApiError> {
    let domain = name(row, "DOMAIN")?.to_ascii_uppercase();
    let object = name(row, "OBJECT_NAME")?;
    let db = text(row, "OBJECT_DATABASE")?;
    let (database, schema, object, column) = match domain.as_str() {
        "DATABASE" => (db.unwrap_or_else(|| object.clone()), String::new(), String::new(), String::new()),
        "SCHEMA" => (name(row, "OBJECT_DATABASE")?, object, String::new(), String::new()),
        "TABLE" | "VIEW" | "MATERIALIZED VIEW" | "EXTERNAL TABLE" | "DYNAMIC TABLE" => {
            (name(row, "OBJECT_DATABASE")?, name(row, "OBJECT_SCHEMA")?, object, String::new())
        }
        "COLUMN" => {
            (name(row, "OBJECT_DATABASE")?, name(row, "OBJECT_SCHEMA")?, object, name(row, "COLUMN_NAME")?)
        }
        _ => return Ok(None),
    };
    let tag = format!(
        "{}.{}.{}",
        show_part(&name(row, "TAG_DATABASE")?),
        show_part(&name(row, "TAG_SCHEMA")?),
        show_part(&name(row, "TAG_NAME")?)
    );
    Ok(Some(TagReference {
        database,
        schema,
        object,
        column,
        tag,
        value: text(row, "TAG_VALUE")?,
        domain: Some(domain),
        apply_method: text(row, "APPLY_METHOD")?,
    }))
}

#[cfg(test)]
mod tests {
    use super::qualify;

    #[test]
    fn bare_database_role_names_take_the_listing_database() {
        assert_eq!(qualify("SALES", "ANALYST"), "SALES.ANALYST");
        assert_eq!(qualify("SALES", "OTHER.ANALYST"), "OTHER.ANALYST");
        assert_eq!(qualify("my db", "R"), "\"my db\".R");
        assert_eq!(qualify("D", "\"my db\".\"r\""), "\"my db\".\"r\"");
    }
}
