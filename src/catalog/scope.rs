//! Listing scopes (what one listing statement covers) and their outcomes.
//!
//! A scope says which stored objects its listing is authoritative for: `covers` gives the object kind and
//! the key parts that must match. THE REMOVAL RULE lives on top of this: an object is removed only when a
//! scope covering it completed in the same run. No SQL here; the store turns coverage into WHERE clauses.

use serde::{Deserialize, Serialize};

use super::model::{ConstraintType, KEY_PARTS, ObjectKind};

/// One listing scope of a crawl.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(tag = "scope", rename_all = "snake_case")]
pub enum ScopeKey {
    /// SHOW DATABASES.
    Databases,
    /// SHOW SCHEMAS IN DATABASE d.
    Schemas { database: String },
    /// Tables and views of a database, or of one schema.
    Tables { database: String, schema: Option<String> },
    /// One table or view, checked on its own (e.g. a table gone from INFORMATION_SCHEMA that SHOW TABLES
    /// confirmed dropped while others of its schema are only hidden). Label `table:D.S.T`, distinct from
    /// the `tables:` labels so it never shares a ledger row with a schema-wide listing.
    Table { database: String, schema: String, table: String },
    /// Columns of a database, of one schema, or of one table.
    Columns { database: String, schema: Option<String>, table: Option<String> },
    /// SHOW <type> KEYS IN ACCOUNT | DATABASE d | SCHEMA d.s.
    Constraints { constraint_type: ConstraintType, database: Option<String>, schema: Option<String> },
    /// SHOW GRANTS TO ROLE r (privileges held by the role).
    GrantsToRole { role: String },
    /// SHOW GRANTS TO DATABASE ROLE d.r (grantee name `D.R`).
    GrantsToDatabaseRole { name: String },
    /// Every privilege grant of the account (ACCOUNT_USAGE.GRANTS_TO_ROLES).
    AllGrants,
    /// SHOW GRANTS OF ROLE r (who holds role r).
    GrantsOfRole { role: String },
    /// SHOW GRANTS TO USER u (roles held by the user).
    RolesOfUser { user: String },
    /// Every role membership (ACCOUNT_USAGE.GRANTS_TO_USERS plus role-to-role grants).
    AllRoleMemberships,
    /// SHOW FUTURE GRANTS IN DATABASE d (schema None) or IN SCHEMA d.s.
    FutureGrants { database: String, schema: Option<String> },
    /// SHOW FUTURE GRANTS TO ROLE r.
    FutureGrantsToRole { role: String },
    /// SHOW WAREHOUSES.
    Warehouses,
    /// One of the pipeline and code kinds (`ObjectKind::PIPELINE`) of a database, or of one schema; with
    /// no database, the account-wide listing (ledgered only when it fails: completion is per database).
    Kind { kind: ObjectKind, database: Option<String>, schema: Option<String> },
    /// A per-database detail statement of a kind (routine bodies, sequence starts). It enriches objects
    /// its kind's listing found and never decides a removal, even when it completes.
    Details { kind: ObjectKind, database: String },
    /// SHOW DATABASE ROLES IN DATABASE d.
    DatabaseRoles { database: String },
    /// SHOW GRANTS OF DATABASE ROLE d.r (who holds it; role name `D.R`).
    GrantsOfDatabaseRole { name: String },
    /// SHOW MASKING POLICIES / ROW ACCESS POLICIES IN ACCOUNT (`policy_kind` like `MASKING_POLICY`).
    Policies { policy_kind: String },
    /// DESCRIBE of one policy (`DB.S.P`): its body. Enriches, never removes.
    PolicyDetails { policy: String },
    /// POLICY_REFERENCES of one policy (`DB.S.P`): what it protects.
    PolicyReferences { policy: String },
    /// SHOW TAGS IN ACCOUNT.
    Tags,
    /// ACCOUNT_USAGE.TAG_REFERENCES: every direct tag assignment.
    TagReferences,
}

/// Which stored objects a scope is authoritative for: the kind and, per key part, a required value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Coverage {
    pub kind: ObjectKind,
    pub parts: [Option<String>; KEY_PARTS],
}

impl Coverage {
    fn new(kind: ObjectKind, fixed: &[(usize, &str)]) -> Coverage {
        let mut parts: [Option<String>; KEY_PARTS] = Default::default();
        for (i, v) in fixed {
            if let Some(slot) = parts.get_mut(*i) {
                *slot = Some((*v).to_string());
            }
        }
        Coverage { kind, parts }
    }

    /// Does this coverage include an object of `kind` with these key parts?
    pub fn matches(&self, kind: ObjectKind, parts: &[String; KEY_PARTS]) -> bool {
        self.kind == kind
            && self.parts.iter().zip(parts).all(|(want, got)| want.as_ref().is_none_or(|w| w == got))
    }
}

impl ScopeKey {
    /// The objects this listing is authoritative for.
    pub fn coverage(&self) -> Coverage {
        use ObjectKind as K;
        match self {
            ScopeKey::Databases => Coverage::new(K::Database, &[]),
            ScopeKey::Schemas { database } => Coverage::new(K::Schema, &[(0, database)]),
            ScopeKey::Tables { database, schema } => {
                let mut f = vec![(0, database.as_str())];
                if let Some(s) = schema {
                    f.push((1, s));
                }
                Coverage::new(K::Table, &f)
            }
            ScopeKey::Table { database, schema, table } => {
                Coverage::new(K::Table, &[(0, database), (1, schema), (2, table)])
            }
            ScopeKey::Columns { database, schema, table } => {
                let mut f = vec![(0, database.as_str())];
                if let Some(s) = schema {
                    f.push((1, s));
                    if let Some(t) = table {
                        f.push((2, t));
                    }
                }
                Coverage::new(K::Column, &f)
            }
            ScopeKey::Constraints { constraint_type, database, schema } => {
                let mut f = vec![(4, constraint_type.as_str())];
                if let Some(d) = database {
                    f.push((0, d));
                    if let Some(s) = schema {
                        f.push((1, s));
                    }
                }
                Coverage::new(K::Constraint, &f)
            }
            ScopeKey::GrantsToRole { role } => Coverage::new(K::Grant, &[(0, "ROLE"), (1, role)]),
            ScopeKey::GrantsToDatabaseRole { name } => {
                Coverage::new(K::Grant, &[(0, "DATABASE_ROLE"), (1, name)])
            }
            ScopeKey::AllGrants => Coverage::new(K::Grant, &[]),
            ScopeKey::GrantsOfRole { role } => Coverage::new(K::RoleMembership, &[(0, role)]),
            ScopeKey::RolesOfUser { user } => Coverage::new(K::RoleMembership, &[(1, "USER"), (2, user)]),
            ScopeKey::AllRoleMemberships => Coverage::new(K::RoleMembership, &[]),
            ScopeKey::FutureGrants { database, schema } => {
                Coverage::new(K::FutureGrant, &[(0, database), (1, schema.as_deref().unwrap_or(""))])
            }
            ScopeKey::FutureGrantsToRole { role } => Coverage::new(K::FutureGrant, &[(4, role)]),
            ScopeKey::Warehouses => Coverage::new(K::Warehouse, &[]),
            ScopeKey::Kind { kind, database, schema } => {
                let mut f = Vec::new();
                if let Some(d) = database {
                    f.push((0, d.as_str()));
                    if let Some(s) = schema {
                        f.push((1, s.as_str()));
                    }
                }
                Coverage::new(*kind, &f)
            }
            ScopeKey::Details { kind, database } => Coverage::new(*kind, &[(0, database)]),
            ScopeKey::DatabaseRoles { database } => Coverage::new(K::DatabaseRole, &[(0, database)]),
            ScopeKey::GrantsOfDatabaseRole { name } => Coverage::new(K::RoleMembership, &[(0, name)]),
            ScopeKey::Policies { policy_kind } => Coverage::new(K::Policy, &[(3, policy_kind)]),
            ScopeKey::PolicyDetails { .. } => Coverage::new(K::Policy, &[]),
            ScopeKey::PolicyReferences { policy } => Coverage::new(K::PolicyReference, &[(4, policy)]),
            ScopeKey::Tags => Coverage::new(K::Tag, &[]),
            ScopeKey::TagReferences => Coverage::new(K::TagReference, &[]),
        }
    }

    /// Does a complete listing of this scope decide removals? Detail statements only enrich.
    pub fn lists_objects(&self) -> bool {
        !matches!(self, ScopeKey::Details { .. } | ScopeKey::PolicyDetails { .. })
    }

    /// A stable text form used in the ledger, e.g. `tables:DB` or `columns:DB.S`.
    /// The scope's ledger label (`tables:D.S`, `grants_to_role:R`, ...), unique per scope: a name part
    /// holding `.`, `"` or `:` is written as a quoted identifier (`tables:D."S.T"`), so a schema named
    /// `S.T` never shares a label (and a ledger row) with table `T` of schema `S`.
    pub fn label(&self) -> String {
        fn q(s: &str) -> String {
            if s.is_empty() || s.contains(['.', '"', ':']) {
                format!("\"{}\"", s.replace('"', "\"\""))
            } else {
                s.to_string()
            }
        }
        let path = |parts: &[Option<&String>]| -> String {
            parts.iter().flatten().map(|p| q(p)).collect::<Vec<_>>().join(".")
        };
        match self {
            ScopeKey::Databases => "databases".into(),
            ScopeKey::Schemas { database } => format!("schemas:{}", q(database)),
            ScopeKey::Tables { database, schema } => {
                format!("tables:{}", path(&[Some(database), schema.as_ref()]))
            }
            ScopeKey::Table { database, schema, table } => {
                format!("table:{}", path(&[Some(database), Some(schema), Some(table)]))
            }
            ScopeKey::Columns { database, schema, table } => {
                // A table without its schema is never built; keep the old shape if it were.
                let table = if schema.is_some() { table.as_ref() } else { None };
                format!("columns:{}", path(&[Some(database), schema.as_ref(), table]))
            }
            ScopeKey::Constraints { constraint_type, database, schema } => {
                let t = constraint_type.as_str().to_lowercase().replace(' ', "_");
                match database {
                    Some(d) => format!("constraints/{t}:{}", path(&[Some(d), schema.as_ref()])),
                    None => format!("constraints/{t}:account"),
                }
            }
            ScopeKey::GrantsToRole { role } => format!("grants_to_role:{}", q(role)),
            // Already `DB.ROLE` as SHOW prints it, and the whole name is one part.
            ScopeKey::GrantsToDatabaseRole { name } => format!("grants_to_database_role:{name}"),
            ScopeKey::AllGrants => "grants:account".into(),
            ScopeKey::GrantsOfRole { role } => format!("grants_of_role:{}", q(role)),
            ScopeKey::RolesOfUser { user } => format!("roles_of_user:{}", q(user)),
            ScopeKey::AllRoleMemberships => "role_memberships:account".into(),
            ScopeKey::FutureGrants { database, schema } => {
                format!("future_grants:{}", path(&[Some(database), schema.as_ref()]))
            }
            ScopeKey::FutureGrantsToRole { role } => format!("future_grants_to_role:{}", q(role)),
            ScopeKey::Warehouses => "warehouses".into(),
            ScopeKey::Kind { kind, database: None, .. } => format!("{}s:account", kind.as_str()),
            ScopeKey::Kind { kind, database: Some(d), schema } => {
                format!("{}s:{}", kind.as_str(), path(&[Some(d), schema.as_ref()]))
            }
            ScopeKey::Details { kind, database } => format!("{}_details:{}", kind.as_str(), q(database)),
            ScopeKey::DatabaseRoles { database } => format!("database_roles:{}", q(database)),
            // Already dotted as SHOW prints them; the whole name is one part.
            ScopeKey::GrantsOfDatabaseRole { name } => format!("grants_of_database_role:{name}"),
            ScopeKey::Policies { policy_kind } => format!("policies/{}:account", policy_kind.to_lowercase()),
            ScopeKey::PolicyDetails { policy } => format!("policy_details:{policy}"),
            ScopeKey::PolicyReferences { policy } => format!("policy_references:{policy}"),
            ScopeKey::Tags => "tags:account".into(),
            ScopeKey::TagReferences => "tag_references:account".into(),
        }
    }
}

/// How a scope's listing ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum ScopeOutcome {
    /// Every row of the listing was received: the listing is authoritative (removals apply).
    Complete,
    /// The statement failed (error code and message from Snowflake or the client).
    Failed { code: String, message: String },
    /// Not authorised to see this scope.
    Denied { code: String, message: String },
    /// Rows were received but the listing hit a cap (e.g. the 10k SHOW ceiling).
    Truncated,
    /// Left out by configuration.
    Filtered,
    /// Not read in this run (an incremental run found nothing under it changed): its objects stay as the
    /// last run that read it left them. Never decides a removal; the ledger records that run (`read_run`).
    Carried,
}

impl ScopeOutcome {
    pub fn as_str(&self) -> &'static str {
        match self {
            ScopeOutcome::Complete => "complete",
            ScopeOutcome::Failed { .. } => "failed",
            ScopeOutcome::Denied { .. } => "denied",
            ScopeOutcome::Truncated => "truncated",
            ScopeOutcome::Filtered => "filtered",
            ScopeOutcome::Carried => "carried",
        }
    }

    pub fn is_complete(&self) -> bool {
        matches!(self, ScopeOutcome::Complete)
    }

    pub fn error(&self) -> Option<(&str, &str)> {
        match self {
            ScopeOutcome::Failed { code, message } | ScopeOutcome::Denied { code, message } => {
                Some((code, message))
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::ScopeKey;

    fn columns(d: &str, s: &str, t: &str) -> ScopeKey {
        ScopeKey::Columns { database: d.into(), schema: Some(s.into()), table: Some(t.into()) }
    }

    #[test]
    fn plain_names_keep_their_readable_labels() {
        assert_eq!(columns("SALES", "CORE", "ORDERS").label(), "columns:SALES.CORE.ORDERS");
        let t = ScopeKey::Tables { database: "marketing db".into(), schema: Some("PUBLIC".into()) };
        assert_eq!(t.label(), "tables:marketing db.PUBLIC");
        assert_eq!(ScopeKey::GrantsToRole { role: "ANALYST".into() }.label(), "grants_to_role:ANALYST");
    }

    #[test]
    fn names_with_dots_quotes_or_colons_never_share_a_label() {
        // Table T of schema S.X versus table X.T of schema S versus schema S, table X, T...
        let a = columns("D", "S.X", "T");
        let b = columns("D", "S", "X.T");
        assert_eq!(a.label(), r#"columns:D."S.X".T"#);
        assert_eq!(b.label(), r#"columns:D.S."X.T""#);
        let c = ScopeKey::Tables { database: "D.S".into(), schema: Some("X".into()) };
        let d = ScopeKey::Tables { database: "D".into(), schema: Some("S.X".into()) };
        assert_ne!(c.label(), d.label());
        let quoted = ScopeKey::Schemas { database: r#"a"b"#.into() };
        assert_eq!(quoted.label(), r#"schemas:"a""b""#);
        let colon = ScopeKey::GrantsToRole { role: "R:1".into() };
        assert_eq!(colon.label(), r#"grants_to_role:"R:1""#);
    }
}
