//! Builders for catalog tests: objects with plausible defaults and a one-call run writer.
#![allow(dead_code)]

use snowcat::catalog::*;

pub fn db(name: &str) -> Object {
    Object::Database(Database {
        name: name.into(),
        kind: Some("STANDARD".into()),
        owner: Some("SYSADMIN".into()),
        created: Some("2026-01-01T00:00:00.000Z".into()),
        retention_time: Some(1),
        ..Default::default()
    })
}

pub fn schema(db: &str, name: &str) -> Object {
    Object::Schema(Schema {
        database: db.into(),
        name: name.into(),
        owner: Some("SYSADMIN".into()),
        created: Some("2026-01-01T00:00:00.000Z".into()),
        ..Default::default()
    })
}

pub fn table_obj(db: &str, s: &str, name: &str) -> Table {
    Table {
        database: db.into(),
        schema: s.into(),
        name: name.into(),
        table_type: "BASE TABLE".into(),
        owner: Some("SYSADMIN".into()),
        created: Some(format!("2026-01-02T00:00:00.000Z#{name}")),
        retention_time: Some(1),
        ..Default::default()
    }
}

pub fn table(db: &str, s: &str, name: &str) -> Object {
    Object::Table(table_obj(db, s, name))
}

pub fn col_obj(db: &str, s: &str, t: &str, name: &str, ord: i64) -> Column {
    Column {
        database: db.into(),
        schema: s.into(),
        table: t.into(),
        name: name.into(),
        ordinal_position: ord,
        data_type: "TEXT".into(),
        character_maximum_length: Some(100),
        is_nullable: true,
        ..Default::default()
    }
}

pub fn col(db: &str, s: &str, t: &str, name: &str, ord: i64) -> Object {
    Object::Column(col_obj(db, s, t, name, ord))
}

pub fn pk(db: &str, s: &str, t: &str, name: &str, cols: &[&str]) -> Object {
    Object::Constraint(Constraint {
        database: db.into(),
        schema: s.into(),
        table: t.into(),
        name: name.into(),
        constraint_type: ConstraintType::PrimaryKey,
        columns: cols.iter().map(|c| c.to_string()).collect(),
        referenced_database: None,
        referenced_schema: None,
        referenced_table: None,
        referenced_constraint: None,
        referenced_columns: vec![],
        update_rule: None,
        delete_rule: None,
        rely: false,
        enforced: false,
        comment: None,
    })
}

pub fn fk(
    db: &str,
    s: &str,
    t: &str,
    name: &str,
    cols: &[&str],
    to: (&str, &str, &str, &str),
    to_cols: &[&str],
) -> Object {
    let Object::Constraint(mut c) = pk(db, s, t, name, cols) else { unreachable!() };
    c.constraint_type = ConstraintType::ForeignKey;
    c.referenced_database = Some(to.0.into());
    c.referenced_schema = Some(to.1.into());
    c.referenced_table = Some(to.2.into());
    c.referenced_constraint = Some(to.3.into());
    c.referenced_columns = to_cols.iter().map(|c| c.to_string()).collect();
    c.update_rule = Some("NO ACTION".into());
    c.delete_rule = Some("NO ACTION".into());
    Object::Constraint(c)
}

pub fn grant(role: &str, privilege: &str, on: &str, name: &str) -> Object {
    Object::Grant(Grant {
        grantee_type: "ROLE".into(),
        grantee_name: role.into(),
        granted_on: on.into(),
        name: name.into(),
        privilege: privilege.into(),
        grant_option: false,
        granted_by: Some("SECURITYADMIN".into()),
        created: Some("2026-01-03T00:00:00.000Z".into()),
    })
}

pub fn member(role: &str, grantee_type: &str, grantee: &str) -> Object {
    Object::RoleMembership(RoleMembership {
        role: role.into(),
        grantee_type: grantee_type.into(),
        grantee_name: grantee.into(),
        granted_by: Some("SECURITYADMIN".into()),
        created: None,
        role_type: None,
    })
}

pub fn future(db: &str, s: Option<&str>, on: &str, privilege: &str, role: &str) -> Object {
    Object::FutureGrant(FutureGrant {
        database: db.into(),
        schema: s.map(str::to_string),
        grant_on: on.into(),
        privilege: privilege.into(),
        grantee_name: role.into(),
        grantee_type: "ROLE".into(),
        grant_option: false,
        created: None,
    })
}

pub fn warehouse(name: &str) -> Warehouse {
    Warehouse {
        name: name.into(),
        size: Some("X-Small".into()),
        warehouse_type: Some("STANDARD".into()),
        auto_suspend: Some(600),
        auto_resume: true,
        min_cluster_count: Some(1),
        max_cluster_count: Some(1),
        scaling_policy: Some("STANDARD".into()),
        owner: Some("SYSADMIN".into()),
        created: Some("2026-01-01T00:00:00.000Z".into()),
        ..Default::default()
    }
}

/// One scope of a run: its key, rows and outcome.
pub type ScopeRun = (ScopeKey, Vec<Object>, ScopeOutcome);

/// Write one run with every scope; status partial when any scope did not complete.
pub fn write_run(cat: &mut Catalog, account: &str, scopes: Vec<ScopeRun>) -> RunSummary {
    let partial = scopes.iter().any(|(_, _, o)| !o.is_complete());
    let mut w = cat.begin_run(account).unwrap();
    for (scope, objs, outcome) in scopes {
        w.put(&scope, objs).unwrap();
        w.finish_scope(&scope, outcome, Some("01b0-handle")).unwrap();
    }
    let status = if partial { RunStatus::Partial } else { RunStatus::Complete };
    w.commit(status, RunCounts { statements: 1, rows: 1, retries: 2, bytes_received: 3 }).unwrap()
}

/// Group objects into the natural complete scopes (one per kind and parent), as a crawler would.
pub fn scopes_for(objects: &[Object]) -> Vec<ScopeRun> {
    use std::collections::BTreeMap;
    let mut m: BTreeMap<ScopeKey, Vec<Object>> = BTreeMap::new();
    let mut always =
        vec![ScopeKey::Databases, ScopeKey::Warehouses, ScopeKey::AllGrants, ScopeKey::AllRoleMemberships];
    for t in [ConstraintType::PrimaryKey, ConstraintType::Unique, ConstraintType::ForeignKey] {
        always.push(ScopeKey::Constraints { constraint_type: t, database: None, schema: None });
    }
    for o in objects {
        match o {
            Object::Database(d) => {
                let database = d.name.clone();
                always.push(ScopeKey::Schemas { database: database.clone() });
                always.push(ScopeKey::Tables { database: database.clone(), schema: None });
                always.push(ScopeKey::Columns { database: database.clone(), schema: None, table: None });
                always.push(ScopeKey::FutureGrants { database, schema: None });
            }
            Object::Schema(s) => always
                .push(ScopeKey::FutureGrants { database: s.database.clone(), schema: Some(s.name.clone()) }),
            _ => {}
        }
    }
    for k in always {
        m.entry(k).or_default();
    }
    for o in objects {
        let k = o.key();
        let p = &k.parts;
        let scope = match o {
            Object::Database(_) => ScopeKey::Databases,
            Object::Schema(_) => ScopeKey::Schemas { database: p[0].clone() },
            Object::Table(_) => ScopeKey::Tables { database: p[0].clone(), schema: None },
            Object::Column(_) => ScopeKey::Columns { database: p[0].clone(), schema: None, table: None },
            Object::Constraint(c) => {
                ScopeKey::Constraints { constraint_type: c.constraint_type, database: None, schema: None }
            }
            Object::Grant(_) => ScopeKey::AllGrants,
            Object::RoleMembership(_) => ScopeKey::AllRoleMemberships,
            Object::FutureGrant(_) => ScopeKey::FutureGrants {
                database: p[0].clone(),
                schema: (!p[1].is_empty()).then(|| p[1].clone()),
            },
            Object::Warehouse(_) => ScopeKey::Warehouses,
            o => ScopeKey::Kind { kind: o.kind(), database: Some(p[0].clone()), schema: None },
        };
        m.entry(scope).or_default().push(o.clone());
    }
    m.into_iter().map(|(k, v)| (k, v, ScopeOutcome::Complete)).collect()
}

/// Changes of the latest run as (kind, object_name, change, field, severity) tuples.
pub fn latest_changes(cat: &Catalog) -> Vec<(String, String, String, Option<String>, String)> {
    let rows = cat.changes(&snowcat::catalog::query::ChangeFilter::default()).unwrap();
    rows.into_iter().map(|c| (c.object_kind, c.object_name, c.change, c.field, c.severity)).collect()
}
