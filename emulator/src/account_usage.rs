//! `SNOWFLAKE.ACCOUNT_USAGE.GRANTS_TO_ROLES` and `GRANTS_TO_USERS` as Snowflake documents them (the
//! policy and tag views are in `account_usage_governance.rs`): one view
//! for the whole account (the querying role's hierarchy does not narrow it), revoked grants kept with
//! `DELETED_ON` set, grants on dropped objects omitted, `GRANT_OPTION` a BOOLEAN, `NAME` the bare object
//! name with its parents in `TABLE_CATALOG` / `TABLE_SCHEMA`, `GRANTED_TO` `ACCOUNT ROLE` or `USER`.
//! Reading them needs ACCOUNTADMIN in the role's hierarchy or IMPORTED PRIVILEGES on database SNOWFLAKE.
//! The views' latency (up to 2 h) is not emulated: rows appear at once.
//!
//! Knows nothing of SQL text; `info_schema.rs` loads these rows into SQLite and runs the query.

use rusqlite::types::Value as Sql;

use super::account_usage_governance as governance;
use super::info_rows::Ty::{self, Bool, Ltz, Text};
use super::model::Account;
use super::model_types::{Grant, GrantTarget, Grantee};
use super::show_grants::ACCOUNT_NAME;
use super::visibility::role_closure;

/// The database and schema that hold the views.
pub const DATABASE: &str = "SNOWFLAKE";
pub const SCHEMA: &str = "ACCOUNT_USAGE";
pub const VIEWS: [&str; 8] = [
    "GRANTS_TO_ROLES",
    "GRANTS_TO_USERS",
    "POLICY_REFERENCES",
    "MASKING_POLICIES",
    "ROW_ACCESS_POLICIES",
    "TAGS",
    "TAG_REFERENCES",
    "ROLES",
];

const GRANTS_TO_ROLES: &[(&str, Ty)] = &[
    ("CREATED_ON", Ltz),
    ("MODIFIED_ON", Ltz),
    ("PRIVILEGE", Text),
    ("GRANTED_ON", Text),
    ("NAME", Text),
    ("TABLE_CATALOG", Text),
    ("TABLE_SCHEMA", Text),
    ("GRANTED_TO", Text),
    ("GRANTEE_NAME", Text),
    ("GRANT_OPTION", Bool),
    ("GRANTED_BY", Text),
    ("DELETED_ON", Ltz),
    ("GRANTED_BY_ROLE_TYPE", Text),
    ("OBJECT_INSTANCE", Text),
];

const GRANTS_TO_USERS: &[(&str, Ty)] = &[
    ("CREATED_ON", Ltz),
    ("DELETED_ON", Ltz),
    ("ROLE", Text),
    ("GRANTED_TO", Text),
    ("GRANTEE_NAME", Text),
    ("GRANTED_BY", Text),
];

/// The documented columns of a view, in order.
pub fn columns(view: &str) -> &'static [(&'static str, Ty)] {
    match view {
        "GRANTS_TO_USERS" => GRANTS_TO_USERS,
        v if governance::VIEWS.contains(&v) => governance::columns(v),
        _ => GRANTS_TO_ROLES,
    }
}

/// Whether `role` may read SNOWFLAKE.ACCOUNT_USAGE: ACCOUNTADMIN in its hierarchy, or IMPORTED PRIVILEGES
/// on database SNOWFLAKE granted to a role in it.
pub fn may_read(account: &Account, role: &str) -> bool {
    let closure = role_closure(account, role);
    closure.contains("ACCOUNTADMIN")
        || account.grants.iter().any(|g| {
            g.privilege == "IMPORTED PRIVILEGES"
                && g.target == GrantTarget::Database(DATABASE.into())
                && matches!(&g.grantee, Grantee::Role(r) if closure.contains(r))
        })
}

fn text(v: &str) -> Sql {
    Sql::Text(v.to_string())
}

fn opt(v: Option<&str>) -> Sql {
    v.map_or(Sql::Null, text)
}

fn granted_by(g: &Grant) -> Sql {
    // Documented: empty for privileges granted by the SNOWFLAKE system role.
    text(&g.granted_by)
}

/// `(GRANTED_ON, NAME, TABLE_CATALOG, TABLE_SCHEMA)` of a grant target: the bare name and its parents.
fn target_cols(target: &GrantTarget) -> (String, String, Option<&str>, Option<&str>) {
    match target {
        GrantTarget::Account => ("ACCOUNT".into(), ACCOUNT_NAME.into(), None, None),
        GrantTarget::Database(d) => ("DATABASE".into(), d.clone(), None, None),
        GrantTarget::Schema(d, s) => ("SCHEMA".into(), s.clone(), Some(d), None),
        GrantTarget::Object { kind, database, schema, name } => {
            (kind.to_string(), name.clone(), Some(database), Some(schema))
        }
        GrantTarget::Warehouse(w) => ("WAREHOUSE".into(), w.clone(), None, None),
        GrantTarget::Role(r) => ("ROLE".into(), r.clone(), None, None),
        GrantTarget::User(u) => ("USER".into(), u.clone(), None, None),
        // Bare name, its database in TABLE_CATALOG (metadata-shapes-2 §2.4, L).
        GrantTarget::DatabaseRole(d, r) => ("DATABASE_ROLE".into(), r.clone(), Some(d), None),
    }
}

/// Feed every row of `view` (live grants, then revoked ones with their DELETED_ON) to `emit`.
pub fn rows(account: &Account, view: &str, emit: &mut dyn FnMut(Vec<Sql>)) {
    if governance::VIEWS.contains(&view) {
        return governance::rows(account, view, emit);
    }
    let live = account.grants.iter().map(|g| (g, None));
    let revoked = account.revoked_grants.iter().map(|(g, at)| (g, Some(*at)));
    for (g, deleted_on) in live.chain(revoked) {
        let deleted = deleted_on.map_or(Sql::Null, Sql::Integer);
        match (view, &g.target, &g.grantee) {
            ("GRANTS_TO_USERS", GrantTarget::Role(role), Grantee::User(user)) => emit(vec![
                Sql::Integer(g.created_on),
                deleted,
                text(role),
                text("USER"),
                text(user),
                granted_by(g),
            ]),
            ("GRANTS_TO_USERS", ..) | ("GRANTS_TO_ROLES", GrantTarget::Role(_), Grantee::User(_)) => {}
            (_, target, grantee) => {
                let (granted_on, name, catalog, schema) = target_cols(target);
                let granted_to = match grantee {
                    Grantee::Role(_) => "ACCOUNT ROLE",
                    Grantee::DatabaseRole(..) => "DATABASE_ROLE",
                    Grantee::User(_) => "USER",
                };
                emit(vec![
                    Sql::Integer(g.created_on),
                    Sql::Integer(deleted_on.unwrap_or(g.created_on)),
                    text(&g.privilege),
                    text(&granted_on),
                    text(&name),
                    opt(catalog),
                    opt(schema),
                    text(granted_to),
                    text(grantee.name()),
                    Sql::Integer(i64::from(g.grant_option)),
                    granted_by(g),
                    deleted,
                    text(if g.granted_by.is_empty() { "" } else { "ROLE" }),
                    Sql::Null,
                ])
            }
        }
    }
}
