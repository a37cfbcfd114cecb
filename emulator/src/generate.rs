//! Deterministic generator for large accounts (`--generate DxSxTxC`): databases, schemas, tables (about
//! 10% views), columns of mixed types, PKs on most tables, some UNIQUE keys, FKs (some cross-schema), a
//! role hierarchy of a few dozen roles, users, grants in the thousands, future grants and warehouses.
//!
//! Builds the model directly (no DDL parsing) so 100k tables / 2M columns take seconds. Must stay
//! deterministic: the same spec always yields the same account.

use super::ddl_account::new_warehouse;
use super::model::{Account, GenerateSpec};
use super::model_types::{
    Column, Constraint, ConstraintKind, DataType, Database, ForeignRef, FutureGrant, FutureScope, Grant,
    GrantTarget, Grantee, Schema, Table, TableKind, User,
};

const DB_WORDS: [&str; 8] = ["SALES", "FINANCE", "MARKETING", "PRODUCT", "OPS", "HR", "SUPPORT", "LOGISTICS"];
const SCHEMA_WORDS: [&str; 6] = ["RAW", "STAGING", "CORE", "MART", "SANDBOX", "ARCHIVE"];
const COL_WORDS: [&str; 8] =
    ["NAME", "AMOUNT", "CREATED_AT", "IS_ACTIVE", "EVENT_DATE", "PAYLOAD", "SCORE", "CODE"];
const ROLE_WORDS: [&str; 6] = ["ANALYST", "ENGINEER", "LOADER", "REPORTER", "AUDITOR", "SCIENTIST"];
pub const CRAWLER_ROLE: &str = "SNOWCAT_CRAWLER";

pub use super::generate_pipeline::add_sequences_and_tasks;

fn col_type(i: usize) -> DataType {
    match i % 8 {
        0 => DataType::Text { length: 256 },
        1 => DataType::Number { precision: 18, scale: 2 },
        2 => DataType::TimestampNtz { scale: 9 },
        3 => DataType::Boolean,
        4 => DataType::Date,
        5 => DataType::Variant,
        6 => DataType::Float,
        _ => DataType::Text { length: 16 },
    }
}

pub(super) fn grant(privilege: &str, target: GrantTarget, role: &str, at: i64) -> Grant {
    Grant {
        privilege: privilege.to_string(),
        target,
        grantee: Grantee::Role(role.to_string()),
        grant_option: privilege == "OWNERSHIP",
        granted_by: "SYSADMIN".to_string(),
        created_on: at,
    }
}

fn columns(spec: &GenerateSpec) -> Vec<Column> {
    (0..spec.columns.max(1))
        .map(|c| Column {
            name: if c == 0 {
                "ID".to_string()
            } else {
                format!("{}_{c:03}", COL_WORDS[c % COL_WORDS.len()])
            },
            data_type: if c == 0 { DataType::Number { precision: 38, scale: 0 } } else { col_type(c) },
            nullable: c != 0,
            default: None,
            identity: None,
            comment: if c % 10 == 3 { Some("generated column".into()) } else { None },
        })
        .collect()
}

pub fn generate(spec: GenerateSpec) -> Account {
    let mut a = Account::empty();
    let t0 = a.clock_ms;
    let roles: Vec<String> =
        (0..30).map(|r| format!("{}_{r:02}", ROLE_WORDS[r % ROLE_WORDS.len()])).collect();
    let mut all_roles = roles.clone();
    all_roles.push(CRAWLER_ROLE.to_string());
    for (i, r) in all_roles.iter().enumerate() {
        a.roles.push(super::model_types::Role {
            name: r.clone(),
            owner: "USERADMIN".into(),
            comment: String::new(),
            created_on: t0 + i as i64,
        });
        // Hierarchy: a tree under SYSADMIN (role r is granted to role (r-1)/3).
        let parent =
            if i == 0 || i == roles.len() { "SYSADMIN".to_string() } else { roles[(i - 1) / 3].clone() };
        a.grants.push(Grant {
            granted_by: "USERADMIN".into(),
            ..grant("USAGE", GrantTarget::Role(r.clone()), &parent, t0)
        });
    }
    for u in 0..50 {
        let name = format!("USER_{u:03}");
        let role = roles[u % roles.len()].clone();
        a.users.push(User {
            name: name.clone(),
            login_name: name.clone(),
            display_name: name.clone(),
            email: Some(format!("user{u}@example.com")),
            default_role: Some(role.clone()),
            default_warehouse: Some("WH_00".into()),
            default_namespace: None,
            disabled: u % 25 == 24,
            comment: None,
            owner: "USERADMIN".into(),
            created_on: t0 + u as i64,
            has_password: u % 2 == 0,
            has_rsa_public_key: u % 2 == 1,
            user_type: None,
        });
        let g = Grant {
            grantee: Grantee::User(name),
            granted_by: "USERADMIN".into(),
            ..grant("USAGE", GrantTarget::Role(role), "SYSADMIN", t0)
        };
        a.grants.push(g);
    }
    for w in 0..6 {
        let name = format!("WH_{w:02}");
        let mut wh = new_warehouse(&name, "SYSADMIN", t0, w);
        wh.size = ["X-Small", "Small", "Medium", "Large", "X-Large", "2X-Large"][w].into();
        wh.state = if w % 2 == 0 { "STARTED" } else { "SUSPENDED" }.into();
        a.grants.push(grant("OWNERSHIP", GrantTarget::Warehouse(name.clone()), "SYSADMIN", t0));
        a.grants.push(grant("USAGE", GrantTarget::Warehouse(name.clone()), &roles[w], t0));
        a.grants.push(grant("USAGE", GrantTarget::Warehouse(name), CRAWLER_ROLE, t0));
        a.warehouses.push(wh);
    }
    let template = columns(&spec);
    let mut at = t0 + 1_000;
    for d in 0..spec.databases {
        let db = format!("{}_{d:02}", DB_WORDS[d % DB_WORDS.len()]);
        let mut database = Database {
            name: db.clone(),
            owner: "SYSADMIN".into(),
            comment: Some(format!("Generated database {d}")),
            transient: false,
            retention_time: 1,
            created_on: at,
            last_altered: at,
            schemas: Vec::with_capacity(spec.schemas),
        };
        a.grants.push(grant("OWNERSHIP", GrantTarget::Database(db.clone()), "SYSADMIN", at));
        a.grants.push(grant("USAGE", GrantTarget::Database(db.clone()), CRAWLER_ROLE, at));
        a.grants.push(grant("USAGE", GrantTarget::Database(db.clone()), &roles[d % roles.len()], at));
        a.future_grants.push(FutureGrant {
            privilege: "REFERENCES".into(),
            object_type: "TABLE".into(),
            scope: FutureScope::Database(db.clone()),
            grantee: CRAWLER_ROLE.into(),
            grantee_database: None,
            grant_option: false,
            created_on: at,
        });
        for s in 0..spec.schemas {
            let sc = format!("{}_{s:03}", SCHEMA_WORDS[s % SCHEMA_WORDS.len()]);
            let mut schema = Schema {
                name: sc.clone(),
                owner: "SYSADMIN".into(),
                comment: None,
                transient: s % 6 == 1,
                managed_access: s % 12 == 5,
                retention_time: 1,
                created_on: at,
                last_altered: at,
                tables: Vec::with_capacity(spec.tables),
                objects: Default::default(),
            };
            a.grants.push(grant("OWNERSHIP", GrantTarget::Schema(db.clone(), sc.clone()), "SYSADMIN", at));
            a.grants.push(grant("USAGE", GrantTarget::Schema(db.clone(), sc.clone()), CRAWLER_ROLE, at));
            if s % 4 == 0 {
                let role = &roles[(d + s) % roles.len()];
                a.grants.push(grant("USAGE", GrantTarget::Schema(db.clone(), sc.clone()), role, at));
                a.future_grants.push(FutureGrant {
                    privilege: "SELECT".into(),
                    object_type: "TABLE".into(),
                    scope: FutureScope::Schema(db.clone(), sc.clone()),
                    grantee: role.clone(),
                    grantee_database: None,
                    grant_option: false,
                    created_on: at,
                });
            }
            for t in 0..spec.tables {
                at += 1;
                let name = format!("T_{t:05}");
                let kind = if t % 10 == 9 {
                    TableKind::View
                } else if t % 17 == 0 {
                    TableKind::Transient
                } else {
                    TableKind::Base
                };
                let mut table = Table {
                    name: name.clone(),
                    kind,
                    owner: "SYSADMIN".into(),
                    comment: if t % 5 == 0 { Some(format!("Table {t} of {sc}")) } else { None },
                    view_text: None,
                    secure: false,
                    cluster_by: None,
                    rows: if kind.is_view() { 0 } else { (t as u64 * 7919) % 1_000_000 },
                    bytes: if kind.is_view() { 0 } else { (t as u64 * 7919 % 1_000_000) * 64 },
                    retention_time: if kind == TableKind::Transient { 0 } else { 1 },
                    created_on: at,
                    last_altered: at,
                    last_ddl: at,
                    columns: template.clone(),
                    constraints: Vec::new(),
                    dynamic: None,
                };
                if kind.is_view() {
                    table.view_text = Some(format!(
                        "CREATE VIEW {db}.{sc}.{name} AS SELECT * FROM {db}.{sc}.T_{:05}",
                        t - 1
                    ));
                } else {
                    add_constraints(&mut table, &db, &sc, s, t, at);
                }
                let target = GrantTarget::Object {
                    kind: kind.object_type(),
                    database: db.clone(),
                    schema: sc.clone(),
                    name,
                };
                a.grants.push(grant("OWNERSHIP", target.clone(), "SYSADMIN", at));
                a.grants.push(grant("REFERENCES", target.clone(), CRAWLER_ROLE, at));
                if t % 20 == 1 {
                    a.grants.push(grant("SELECT", target, &roles[(d + s + t) % roles.len()], at));
                }
                schema.tables.push(table);
            }
            super::generate_pipeline::pipeline_objects(&mut a, &mut schema, &db, s, at);
            database.schemas.push(schema);
        }
        a.databases.push(database);
    }
    a.clock_ms = at + 1_000;
    a
}

/// PK on ~90% of tables, UNIQUE on ~10%, FK to the previous table on ~30% (every 10th one across schemas).
fn add_constraints(table: &mut Table, db: &str, sc: &str, s: usize, t: usize, at: i64) {
    let has_pk = |t: usize| t % 10 != 8 && t % 10 != 9;
    if has_pk(t) {
        let name = if t.is_multiple_of(3) { format!("PK_{}", table.name) } else { sys_name(s, t) };
        table.constraints.push(Constraint {
            name,
            kind: ConstraintKind::PrimaryKey,
            columns: vec!["ID".into()],
            rely: t.is_multiple_of(4),
            enforced: false,
            comment: None,
            created_on: at,
            references: None,
        });
    }
    if t % 10 == 2 && table.columns.len() > 1 {
        table.constraints.push(Constraint {
            name: format!("UQ_{}", table.name),
            kind: ConstraintKind::Unique,
            columns: vec![table.columns[1].name.clone()],
            rely: false,
            enforced: false,
            comment: None,
            created_on: at,
            references: None,
        });
    }
    if t % 10 < 3 && t > 0 && has_pk(t - 1) {
        let cross = t.is_multiple_of(10) && s > 0;
        let parent_schema = if cross {
            format!("{}_{:03}", SCHEMA_WORDS[(s - 1) % SCHEMA_WORDS.len()], s - 1)
        } else {
            sc.to_string()
        };
        let parent_name = if t - 1 == 0 || (t - 1).is_multiple_of(3) {
            format!("PK_T_{:05}", t - 1)
        } else {
            sys_name(s - usize::from(cross), t - 1)
        };
        table.constraints.push(Constraint {
            name: format!("FK_{}_{}", table.name, t - 1),
            kind: ConstraintKind::ForeignKey,
            columns: vec!["ID".into()],
            rely: false,
            enforced: false,
            comment: None,
            created_on: at,
            references: Some(ForeignRef {
                database: db.to_string(),
                schema: parent_schema,
                table: format!("T_{:05}", t - 1),
                columns: vec!["ID".into()],
                constraint_name: parent_name,
                update_rule: "NO ACTION".into(),
                delete_rule: "NO ACTION".into(),
            }),
        });
    }
}

fn sys_name(s: usize, t: usize) -> String {
    let h = ((s as u64) << 32 | t as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    format!(
        "SYS_CONSTRAINT_{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}",
        h >> 32,
        (h >> 16) & 0xffff,
        h & 0xfff,
        s & 0xfff,
        t
    )
}
