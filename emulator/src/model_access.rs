//! The plain data types of the account's access layer beyond account roles: database roles, masking and
//! row-access policies with their attachments, and tags with their assignments.
//!
//! Data only: no parsing, no rendering, no visibility rules. Attachments live here, not on `Column`, so
//! a generated account with millions of columns pays nothing for them.

/// A database role (`CREATE DATABASE ROLE db.r`). It lives in its database and dies with it.
#[derive(Debug, Clone)]
pub struct DatabaseRole {
    pub database: String,
    pub name: String,
    pub owner: String,
    pub comment: Option<String>,
    pub created_on: i64,
}

/// The two policy kinds the emulator models (Enterprise Edition).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PolicyKind {
    Masking,
    RowAccess,
}

impl PolicyKind {
    /// The `kind` of SHOW and the `POLICY_KIND` of POLICY_REFERENCES.
    pub fn word(self) -> &'static str {
        match self {
            PolicyKind::Masking => "MASKING_POLICY",
            PolicyKind::RowAccess => "ROW_ACCESS_POLICY",
        }
    }

    /// The words of DDL and error messages (`MASKING POLICY`).
    pub fn ddl(self) -> &'static str {
        match self {
            PolicyKind::Masking => "MASKING POLICY",
            PolicyKind::RowAccess => "ROW ACCESS POLICY",
        }
    }
}

/// A schema-level policy: `CREATE MASKING POLICY p AS (val VARCHAR) RETURNS VARCHAR -> body`.
#[derive(Debug, Clone)]
pub struct Policy {
    pub kind: PolicyKind,
    pub database: String,
    pub schema: String,
    pub name: String,
    /// `(argument name, canonical type text)` in order.
    pub signature: Vec<(String, String)>,
    /// Canonical type text (`VARCHAR(16777216)`, `BOOLEAN`).
    pub return_type: String,
    pub body: String,
    pub comment: Option<String>,
    pub owner: String,
    /// `EXEMPT_OTHER_POLICIES = TRUE` (masking only).
    pub exempt_other_policies: bool,
    pub created_on: i64,
}

/// A (database, schema, name) triple naming a schema object.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ObjectName {
    pub database: String,
    pub schema: String,
    pub name: String,
}

impl ObjectName {
    pub fn new(database: &str, schema: &str, name: &str) -> Self {
        ObjectName { database: database.into(), schema: schema.into(), name: name.into() }
    }
}

/// A policy attached to a table or view: to one column (masking) or to the object (row access).
#[derive(Debug, Clone)]
pub struct PolicyRef {
    pub kind: PolicyKind,
    pub policy: ObjectName,
    pub object: ObjectName,
    /// The protected column (masking policies); `None` for row-access policies.
    pub column: Option<String>,
    /// The `USING (...)` columns after the first (masking) or the `ON (...)` columns (row access).
    pub arg_columns: Vec<String>,
}

/// A tag: `CREATE TAG t ALLOWED_VALUES 'a', 'b' COMMENT = '...'`.
#[derive(Debug, Clone)]
pub struct Tag {
    pub database: String,
    pub schema: String,
    pub name: String,
    /// `None`: any value is allowed.
    pub allowed_values: Option<Vec<String>>,
    pub comment: Option<String>,
    pub owner: String,
    pub created_on: i64,
}

/// What a tag is set on.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Tagged {
    Database(String),
    Schema(String, String),
    /// A table-like object (table, view, materialized view, ...).
    Table(ObjectName),
    Column(ObjectName, String),
}

/// One direct tag assignment (`ALTER ... SET TAG t = 'v'`).
#[derive(Debug, Clone)]
pub struct TagRef {
    pub tag: ObjectName,
    pub on: Tagged,
    pub value: String,
}

/// Policies, their attachments, tags and their assignments.
#[derive(Debug, Clone, Default)]
pub struct Governance {
    pub policies: Vec<Policy>,
    pub policy_refs: Vec<PolicyRef>,
    pub tags: Vec<Tag>,
    pub tag_refs: Vec<TagRef>,
}
