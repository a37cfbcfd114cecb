//! `SNOWFLAKE.ACCOUNT_USAGE.POLICY_REFERENCES`, `MASKING_POLICIES`, `ROW_ACCESS_POLICIES`, `TAGS`,
//! `TAG_REFERENCES` and `ROLES` with the documented columns (metadata-shapes-2 §2.4, §3.3, §3.5, §4.3): one view for the
//! whole account, direct tag assignments only (no inheritance), policy and tag comments as VARIANT. Ids
//! are the object's creation tick (stable for its life). Dropped policies and tags are not kept (no
//! DELETED rows), and the 2 h latency is not emulated.
//!
//! Knows nothing of SQL text; `info_schema.rs` loads these rows into SQLite and runs the query.

use rusqlite::types::Value as Sql;

use super::info_rows::Ty::{self, Bool, Ltz, Num, Obj, Text};
use super::model::Account;
use super::model_access::{PolicyKind, Tagged};

pub const VIEWS: [&str; 6] =
    ["POLICY_REFERENCES", "MASKING_POLICIES", "ROW_ACCESS_POLICIES", "TAGS", "TAG_REFERENCES", "ROLES"];

/// ROLES (metadata-shapes-2 §2.4): account roles and database roles, one statement for the whole account.
const ROLES: &[(&str, Ty)] = &[
    ("ROLE_ID", Num),
    ("CREATED_ON", Ltz),
    ("DELETED_ON", Ltz),
    ("NAME", Text),
    ("COMMENT", Text),
    ("OWNER", Text),
    ("ROLE_TYPE", Text),
    ("ROLE_DATABASE_NAME", Text),
    ("ROLE_INSTANCE_ID", Num),
    ("OWNER_ROLE_TYPE", Text),
    ("IS_FROM_ORGANIZATION_USER_GROUP", Bool),
];

const POLICY_REFERENCES: &[(&str, Ty)] = &[
    ("POLICY_DB", Text),
    ("POLICY_SCHEMA", Text),
    ("POLICY_ID", Num),
    ("POLICY_NAME", Text),
    ("POLICY_KIND", Text),
    ("REF_DATABASE_NAME", Text),
    ("REF_SCHEMA_NAME", Text),
    ("REF_ENTITY_NAME", Text),
    ("REF_ENTITY_DOMAIN", Text),
    ("REF_COLUMN_NAME", Text),
    ("REF_ARG_COLUMN_NAMES", Text),
    ("TAG_DATABASE", Text),
    ("TAG_SCHEMA", Text),
    ("TAG_NAME", Text),
    ("POLICY_STATUS", Text),
];

const POLICIES: &[(&str, Ty)] = &[
    ("POLICY_NAME", Text),
    ("POLICY_ID", Num),
    ("POLICY_SCHEMA_ID", Num),
    ("POLICY_SCHEMA", Text),
    ("POLICY_CATALOG_ID", Num),
    ("POLICY_CATALOG", Text),
    ("POLICY_OWNER", Text),
    ("POLICY_SIGNATURE", Text),
    ("POLICY_RETURN_TYPE", Text),
    ("POLICY_BODY", Text),
    ("POLICY_COMMENT", Obj),
    ("CREATED", Ltz),
    ("LAST_ALTERED", Ltz),
    ("DELETED", Ltz),
    ("OWNER_ROLE_TYPE", Text),
    ("OPTIONS", Obj),
];

const TAGS: &[(&str, Ty)] = &[
    ("TAG_ID", Num),
    ("TAG_NAME", Text),
    ("TAG_SCHEMA_ID", Num),
    ("TAG_SCHEMA", Text),
    ("TAG_DATABASE_ID", Num),
    ("TAG_DATABASE", Text),
    ("TAG_OWNER", Text),
    ("TAG_COMMENT", Obj),
    ("CREATED", Ltz),
    ("LAST_ALTERED", Ltz),
    ("DELETED", Ltz),
    ("ALLOWED_VALUES", Obj),
    ("OWNER_ROLE_TYPE", Text),
    ("PROPAGATE", Text),
    ("ON_CONFLICT", Text),
];

const TAG_REFERENCES: &[(&str, Ty)] = &[
    ("TAG_DATABASE", Text),
    ("TAG_SCHEMA", Text),
    ("TAG_ID", Num),
    ("TAG_NAME", Text),
    ("TAG_VALUE", Text),
    ("OBJECT_DATABASE", Text),
    ("OBJECT_SCHEMA", Text),
    ("OBJECT_ID", Num),
    ("OBJECT_NAME", Text),
    ("OBJECT_DELETED", Ltz),
    ("DOMAIN", Text),
    ("COLUMN_ID", Num),
    ("COLUMN_NAME", Text),
    ("APPLY_METHOD", Text),
];

pub fn columns(view: &str) -> &'static [(&'static str, Ty)] {
    match view {
        "POLICY_REFERENCES" => POLICY_REFERENCES,
        "TAGS" => TAGS,
        "TAG_REFERENCES" => TAG_REFERENCES,
        "ROLES" => ROLES,
        _ => POLICIES,
    }
}

fn txt(v: &str) -> Sql {
    Sql::Text(v.to_string())
}

fn variant(v: Option<&str>) -> Sql {
    v.map_or(Sql::Null, |s| Sql::Text(serde_json::Value::String(s.to_string()).to_string()))
}

fn tag_id(account: &Account, db: &str, schema: &str, name: &str) -> Sql {
    let t = account.governance.tags.iter().find(|t| t.database == db && t.schema == schema && t.name == name);
    t.map_or(Sql::Null, |t| Sql::Integer(t.created_on))
}

/// Feed every row of `view` to `emit`.
pub fn rows(account: &Account, view: &str, emit: &mut dyn FnMut(Vec<Sql>)) {
    let g = &account.governance;
    match view {
        "ROLES" => {
            for r in &account.roles {
                emit(vec![
                    Sql::Integer(r.created_on),
                    Sql::Integer(r.created_on),
                    Sql::Null,
                    txt(&r.name),
                    if r.comment.is_empty() { Sql::Null } else { txt(&r.comment) },
                    txt(&r.owner),
                    txt("ROLE"),
                    Sql::Null,
                    Sql::Null,
                    if r.owner.is_empty() { Sql::Null } else { txt("ROLE") },
                    Sql::Integer(0),
                ]);
            }
            for r in &account.database_roles {
                emit(vec![
                    Sql::Integer(r.created_on),
                    Sql::Integer(r.created_on),
                    Sql::Null,
                    txt(&r.name),
                    r.comment.as_deref().map_or(Sql::Null, txt),
                    txt(&r.owner),
                    txt("DATABASE_ROLE"),
                    txt(&r.database),
                    Sql::Null,
                    txt("ROLE"),
                    Sql::Integer(0),
                ]);
            }
        }
        "POLICY_REFERENCES" => {
            for r in &g.policy_refs {
                let Some(table) = account.table(&r.object.database, &r.object.schema, &r.object.name) else {
                    continue;
                };
                let policy = g.policies.iter().find(|p| {
                    p.kind == r.kind
                        && p.database == r.policy.database
                        && p.schema == r.policy.schema
                        && p.name == r.policy.name
                });
                let args = if r.kind == PolicyKind::Masking && r.arg_columns.is_empty() {
                    Sql::Null
                } else {
                    txt(&serde_json::to_string(&r.arg_columns).unwrap_or_default())
                };
                emit(vec![
                    txt(&r.policy.database),
                    txt(&r.policy.schema),
                    policy.map_or(Sql::Null, |p| Sql::Integer(p.created_on)),
                    txt(&r.policy.name),
                    txt(r.kind.word()),
                    txt(&r.object.database),
                    txt(&r.object.schema),
                    txt(&r.object.name),
                    txt(if table.kind.is_view() { "VIEW" } else { "TABLE" }),
                    r.column.as_deref().map_or(Sql::Null, txt),
                    args,
                    Sql::Null,
                    Sql::Null,
                    Sql::Null,
                    txt("ACTIVE"),
                ]);
            }
        }
        "MASKING_POLICIES" | "ROW_ACCESS_POLICIES" => {
            let kind = if view == "MASKING_POLICIES" { PolicyKind::Masking } else { PolicyKind::RowAccess };
            for p in g.policies.iter().filter(|p| p.kind == kind) {
                let sig: Vec<String> = p.signature.iter().map(|(a, t)| format!("{a} {t}")).collect();
                let options = p.exempt_other_policies.then_some(r#"{"EXEMPT_OTHER_POLICIES":"TRUE"}"#);
                emit(vec![
                    txt(&p.name),
                    Sql::Integer(p.created_on),
                    account.schema(&p.database, &p.schema).map_or(Sql::Null, |s| Sql::Integer(s.created_on)),
                    txt(&p.schema),
                    account.database(&p.database).map_or(Sql::Null, |d| Sql::Integer(d.created_on)),
                    txt(&p.database),
                    txt(&p.owner),
                    txt(&format!("({})", sig.join(", "))),
                    txt(&p.return_type),
                    txt(&p.body),
                    variant(p.comment.as_deref()),
                    Sql::Integer(p.created_on),
                    Sql::Integer(p.created_on),
                    Sql::Null,
                    txt("ROLE"),
                    options.map_or(Sql::Null, txt),
                ]);
            }
        }
        "TAGS" => {
            for t in &g.tags {
                let allowed = t.allowed_values.as_ref().map(|v| serde_json::to_string(v).unwrap_or_default());
                emit(vec![
                    Sql::Integer(t.created_on),
                    txt(&t.name),
                    account.schema(&t.database, &t.schema).map_or(Sql::Null, |s| Sql::Integer(s.created_on)),
                    txt(&t.schema),
                    account.database(&t.database).map_or(Sql::Null, |d| Sql::Integer(d.created_on)),
                    txt(&t.database),
                    txt(&t.owner),
                    variant(t.comment.as_deref()),
                    Sql::Integer(t.created_on),
                    Sql::Integer(t.created_on),
                    Sql::Null,
                    allowed.map_or(Sql::Null, |a| txt(&a)),
                    txt("ROLE"),
                    Sql::Null,
                    Sql::Null,
                ]);
            }
        }
        _ => {
            for r in &g.tag_refs {
                // DATABASE rows carry the database in OBJECT_NAME with OBJECT_DATABASE empty (§4.3).
                let (odb, osch, oname, domain, column) = match &r.on {
                    Tagged::Database(d) => ("", "", d.as_str(), "DATABASE", None),
                    Tagged::Schema(d, s) => (d.as_str(), "", s.as_str(), "SCHEMA", None),
                    Tagged::Table(o) => {
                        (o.database.as_str(), o.schema.as_str(), o.name.as_str(), "TABLE", None)
                    }
                    Tagged::Column(o, c) => {
                        (o.database.as_str(), o.schema.as_str(), o.name.as_str(), "COLUMN", Some(c.as_str()))
                    }
                };
                emit(vec![
                    txt(&r.tag.database),
                    txt(&r.tag.schema),
                    tag_id(account, &r.tag.database, &r.tag.schema, &r.tag.name),
                    txt(&r.tag.name),
                    txt(&r.value),
                    txt(odb),
                    txt(osch),
                    Sql::Null,
                    txt(oname),
                    Sql::Null,
                    txt(domain),
                    Sql::Null,
                    column.map_or(Sql::Null, txt),
                    txt("MANUAL"),
                ]);
            }
        }
    }
}
