//! Statements for the access kinds (issue 16): database roles and their grants, masking and row-access
//! policies with their bodies and references, tags and where they are set. Names are quoted identifiers
//! and literals escaped exactly as in `statements`. Pure string building: no I/O, no knowledge of results.

use super::statements::{ident, literal, path};

/// `SHOW DATABASE ROLES IN DATABASE "d"` (there is no account-wide form).
pub fn show_database_roles(database: &str) -> String {
    format!("SHOW DATABASE ROLES IN DATABASE {}", ident(database))
}

/// `SHOW GRANTS TO DATABASE ROLE "d"."r"`: the privileges the database role holds.
pub fn show_grants_to_database_role(database: &str, role: &str) -> String {
    format!("SHOW GRANTS TO DATABASE ROLE {}", path(&[database, role]))
}

/// `SHOW GRANTS OF DATABASE ROLE "d"."r"`: the account roles, database roles and users holding it.
pub fn show_grants_of_database_role(database: &str, role: &str) -> String {
    format!("SHOW GRANTS OF DATABASE ROLE {}", path(&[database, role]))
}

/// The policy kinds crawled: SHOW's words, DESCRIBE's words, and the `kind` SHOW prints.
pub const POLICY_KINDS: [(&str, &str, &str); 2] = [
    ("MASKING POLICIES", "MASKING POLICY", "MASKING_POLICY"),
    ("ROW ACCESS POLICIES", "ROW ACCESS POLICY", "ROW_ACCESS_POLICY"),
];

/// `SHOW MASKING POLICIES IN ACCOUNT` (or ROW ACCESS POLICIES); `words` from [`POLICY_KINDS`].
pub fn show_policies(words: &str) -> String {
    format!("SHOW {words} IN ACCOUNT")
}

/// `DESCRIBE MASKING POLICY "d"."s"."p"` (or ROW ACCESS POLICY): signature, return type, body.
pub fn describe_policy(words: &str, database: &str, schema: &str, name: &str) -> String {
    format!("DESCRIBE {words} {}", path(&[database, schema, name]))
}

/// Every table and column one policy is attached to, from the policy's database's INFORMATION_SCHEMA
/// (needs a warehouse). The policy name is passed as a literal holding quoted identifiers.
pub fn policy_references(database: &str, schema: &str, name: &str) -> String {
    format!(
        "SELECT * FROM TABLE({}.INFORMATION_SCHEMA.POLICY_REFERENCES(POLICY_NAME => {}))",
        ident(database),
        literal(&path(&[database, schema, name]))
    )
}

/// `SHOW TAGS IN ACCOUNT`.
pub fn show_tags() -> String {
    "SHOW TAGS IN ACCOUNT".to_string()
}

/// Every direct tag assignment of the account, live rows only (`SNOWFLAKE.ACCOUNT_USAGE`, up to 2 h
/// behind; the only source whose statement count does not grow with tables and columns).
pub fn account_usage_tag_references() -> String {
    "SELECT TAG_DATABASE, TAG_SCHEMA, TAG_NAME, TAG_VALUE, OBJECT_DATABASE, OBJECT_SCHEMA, OBJECT_NAME, \
     DOMAIN, COLUMN_NAME, APPLY_METHOD FROM SNOWFLAKE.ACCOUNT_USAGE.TAG_REFERENCES WHERE OBJECT_DELETED IS NULL"
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_quoted_and_literals_escaped() {
        assert_eq!(show_database_roles("my\"db"), r#"SHOW DATABASE ROLES IN DATABASE "my""db""#);
        assert_eq!(show_grants_to_database_role("D", "R"), r#"SHOW GRANTS TO DATABASE ROLE "D"."R""#);
        assert_eq!(
            policy_references("D", "S", "it's"),
            r#"SELECT * FROM TABLE("D".INFORMATION_SCHEMA.POLICY_REFERENCES(POLICY_NAME => '"D"."S"."it''s"'))"#
        );
        assert_eq!(
            describe_policy("MASKING POLICY", "D", "S", "P"),
            r#"DESCRIBE MASKING POLICY "D"."S"."P""#
        );
    }
}
