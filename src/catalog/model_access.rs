//! The catalog's access kinds (issue 16): database roles, masking and row-access policies with the objects
//! they protect, and tags with the objects they are set on. Grants to database roles and their memberships
//! are `grant` / `role_membership` objects whose role is named `DB.ROLE` (see [`database_role_name`]).
//!
//! Keys are `#[serde(skip)]` like every other kind. A policy's body is a *detail*: when the role may not
//! see it (DESCRIBE refused or empty) it is left out with `body_hidden` set, and the catalog keeps the last
//! body it saw instead of recording a change; a body the role may not see is never stored. Tag
//! references are the *direct* assignments; inheritance is computed by the catalog view
//! `effective_tags_v`, never here.

use serde::{Deserialize, Serialize};

fn is_false(b: &bool) -> bool {
    !*b
}

/// A name part as SHOW prints it inside a dotted name: bare when it is a plain upper-case identifier, else
/// double-quoted (embedded `"` doubled).
pub fn show_part(s: &str) -> String {
    let plain = s.chars().next().is_some_and(|c| c.is_ascii_uppercase() || c == '_')
        && s.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_' || c == '$');
    if plain { s.to_string() } else { format!("\"{}\"", s.replace('"', "\"\"")) }
}

/// The one spelling of a database role's name in the catalog: `DB.ROLE`, each part quoted only when it
/// needs it (`"my db".ANALYST`). Grants to it, its memberships and the access view all use this form.
pub fn database_role_name(database: &str, role: &str) -> String {
    format!("{}.{}", show_part(database), show_part(role))
}

/// A database role (SHOW DATABASE ROLES IN DATABASE). Its counters and session flags are derived or
/// session state and are not kept.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct DatabaseRole {
    #[serde(skip)]
    pub database: String,
    /// The bare role name (SHOW prints no database column).
    #[serde(skip)]
    pub name: String,
    pub owner: Option<String>,
    pub owner_role_type: Option<String>,
    pub comment: Option<String>,
    pub created: Option<String>,
}

/// A masking or row-access policy (SHOW ... POLICIES, body from DESCRIBE).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Policy {
    #[serde(skip)]
    pub database: String,
    #[serde(skip)]
    pub schema: String,
    #[serde(skip)]
    pub name: String,
    /// `MASKING_POLICY` or `ROW_ACCESS_POLICY` (SHOW's `kind`).
    #[serde(skip)]
    pub policy_kind: String,
    /// `(VAL VARCHAR)`; `None` while hidden.
    pub signature: Option<String>,
    pub return_type: Option<String>,
    /// The SQL expression; `None` while hidden.
    pub body: Option<String>,
    /// The role may not DESCRIBE this policy (needs APPLY or OWNERSHIP): body and signature unknown.
    #[serde(default, skip_serializing_if = "is_false")]
    pub body_hidden: bool,
    /// `EXEMPT_OTHER_POLICIES` and the like, as SHOW prints them; `None` when empty.
    pub options: Option<String>,
    pub owner: Option<String>,
    pub owner_role_type: Option<String>,
    pub comment: Option<String>,
    pub created: Option<String>,
}

impl Policy {
    /// `DB.SCHEMA.POLICY`, parts quoted only where needed: how references name their policy.
    pub fn full_name(&self) -> String {
        format!("{}.{}.{}", show_part(&self.database), show_part(&self.schema), show_part(&self.name))
    }
}

/// A policy attached to a table or view (row access) or one of its columns (masking)
/// (INFORMATION_SCHEMA.POLICY_REFERENCES).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PolicyReference {
    #[serde(skip)]
    pub database: String,
    #[serde(skip)]
    pub schema: String,
    /// The protected table or view.
    #[serde(skip)]
    pub entity: String,
    /// The masked column; empty for a row-access policy.
    #[serde(skip)]
    pub column: String,
    /// `DB.SCHEMA.POLICY` (see [`Policy::full_name`]).
    #[serde(skip)]
    pub policy: String,
    /// `MASKING_POLICY`, `ROW_ACCESS_POLICY`, ...
    pub policy_kind: Option<String>,
    /// `TABLE` or `VIEW`.
    pub domain: Option<String>,
    /// The columns passed to the policy (row access, conditional masking), as Snowflake prints them.
    pub arg_columns: Option<String>,
    /// `DB.SCHEMA.TAG` when the policy reaches the column through a tag.
    pub via_tag: Option<String>,
    /// `ACTIVE`, or why the policy does not apply.
    pub status: Option<String>,
}

/// A tag (SHOW TAGS).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Tag {
    #[serde(skip)]
    pub database: String,
    #[serde(skip)]
    pub schema: String,
    #[serde(skip)]
    pub name: String,
    /// The permitted values as Snowflake prints them; `None` when any value is allowed.
    pub allowed_values: Option<String>,
    pub owner: Option<String>,
    pub owner_role_type: Option<String>,
    pub comment: Option<String>,
    pub created: Option<String>,
}

impl Tag {
    /// `DB.SCHEMA.TAG`, parts quoted only where needed: how references name their tag.
    pub fn full_name(&self) -> String {
        format!("{}.{}.{}", show_part(&self.database), show_part(&self.schema), show_part(&self.name))
    }
}

/// A tag set directly on a database, schema, table, view or column (ACCOUNT_USAGE.TAG_REFERENCES). Unused
/// key parts are empty: a database's tag has only `database`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct TagReference {
    #[serde(skip)]
    pub database: String,
    #[serde(skip)]
    pub schema: String,
    #[serde(skip)]
    pub object: String,
    #[serde(skip)]
    pub column: String,
    /// `DB.SCHEMA.TAG` (see [`Tag::full_name`]).
    #[serde(skip)]
    pub tag: String,
    pub value: Option<String>,
    /// `DATABASE`, `SCHEMA`, `TABLE`, `COLUMN`, ...
    pub domain: Option<String>,
    /// `MANUAL`, `CLASSIFIED`, `PROPAGATED`.
    pub apply_method: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_role_names_quote_only_what_needs_it() {
        assert_eq!(database_role_name("SALES", "ANALYST"), "SALES.ANALYST");
        assert_eq!(database_role_name("my db", "R\"1"), "\"my db\".\"R\"\"1\"");
        assert_eq!(database_role_name("A.B", "R"), "\"A.B\".R");
    }
}
