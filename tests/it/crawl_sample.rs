//! The sample account crawled over HTTP into a catalog: every object kind and the attributes the emulator's
//! model holds come back exactly; names with quotes, spaces, lowercase and unicode survive.

use std::collections::BTreeSet;

use crate::crawl_support::*;
use chrono::{SecondsFormat, TimeZone, Utc};
use snowcat::catalog::{Object, ObjectKey, ObjectKind, RunStatus};
use snowcat::crawl::CrawlOptions;
use snowflake_emulator::model::Account;
use snowflake_emulator::model_types::{ConstraintKind, GrantTarget, Grantee, TableKind};
use snowflake_emulator::show_grants::target_name;

fn ts(ms: i64) -> Option<String> {
    Some(Utc.timestamp_millis_opt(ms).unwrap().to_rfc3339_opts(SecondsFormat::Millis, true))
}

/// Every key the crawl must produce, from the emulator's own model (as ACCOUNTADMIN sees it).
fn expected_keys(a: &Account) -> BTreeSet<ObjectKey> {
    let mut keys = BTreeSet::new();
    for d in &a.databases {
        keys.insert(ObjectKey::new(ObjectKind::Database, &[&d.name]));
        for s in d.schemas.iter().filter(|s| s.name != "INFORMATION_SCHEMA") {
            keys.insert(ObjectKey::new(ObjectKind::Schema, &[&d.name, &s.name]));
            for t in &s.tables {
                keys.insert(ObjectKey::new(ObjectKind::Table, &[&d.name, &s.name, &t.name]));
                for c in &t.columns {
                    keys.insert(ObjectKey::new(ObjectKind::Column, &[&d.name, &s.name, &t.name, &c.name]));
                }
                for c in &t.constraints {
                    let ty = match c.kind {
                        ConstraintKind::PrimaryKey => "PRIMARY KEY",
                        ConstraintKind::Unique => "UNIQUE",
                        ConstraintKind::ForeignKey => "FOREIGN KEY",
                    };
                    keys.insert(ObjectKey::new(
                        ObjectKind::Constraint,
                        &[&d.name, &s.name, &t.name, &c.name, ty],
                    ));
                }
            }
        }
    }
    for g in &a.grants {
        match (&g.target, &g.grantee) {
            (GrantTarget::Role(r), grantee) if g.privilege == "USAGE" => {
                let ty = if matches!(grantee, Grantee::Role(_)) { "ROLE" } else { "USER" };
                keys.insert(ObjectKey::new(ObjectKind::RoleMembership, &[r, ty, grantee.name()]));
            }
            (target, Grantee::Role(r)) => {
                let (on, name) = target_name(target);
                keys.insert(ObjectKey::new(ObjectKind::Grant, &["ROLE", r, &on, &name, &g.privilege]));
            }
            _ => {}
        }
    }
    for f in &a.future_grants {
        let (d, s) = match &f.scope {
            snowflake_emulator::model_types::FutureScope::Database(d) => (d.as_str(), ""),
            snowflake_emulator::model_types::FutureScope::Schema(d, s) => (d.as_str(), s.as_str()),
        };
        keys.insert(ObjectKey::new(
            ObjectKind::FutureGrant,
            &[d, s, &f.object_type, &f.privilege, &f.grantee],
        ));
    }
    for w in &a.warehouses {
        keys.insert(ObjectKey::new(ObjectKind::Warehouse, &[&w.name]));
    }
    keys
}

#[tokio::test]
async fn sample_account_round_trips_into_the_catalog() {
    let account = sample();
    let emu = start(account.clone(), 10_000, None).await;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    let report = crawl(&emu, &db, &CrawlOptions::default()).await;
    assert_eq!(report.status, RunStatus::Complete, "{}", report.render_text());
    let objects = snapshot(&db);
    let got: BTreeSet<ObjectKey> = objects.iter().map(Object::key).collect();
    let want = expected_keys(&account);
    let missing: Vec<_> = want.difference(&got).map(ObjectKey::display).collect();
    let extra: Vec<_> = got.difference(&want).map(ObjectKey::display).collect();
    assert!(missing.is_empty() && extra.is_empty(), "missing {missing:#?}\nextra {extra:#?}");
    for kind in ObjectKind::ALL {
        assert!(count(&objects, kind) > 0, "no {kind} crawled");
    }

    // Attributes, kind by kind, against the model.
    for o in &objects {
        match o {
            Object::Database(d) => {
                let m = account.database(&d.name).unwrap();
                assert_eq!(d.comment, m.comment, "{}", d.name);
                assert_eq!(d.owner.as_deref().unwrap_or(""), m.owner, "{}", d.name);
                assert_eq!(d.is_transient, m.transient);
                assert_eq!(d.retention_time, Some(i64::from(m.retention_time)));
                assert_eq!(d.created, ts(m.created_on));
            }
            Object::Schema(s) => {
                let m = account.schema(&s.database, &s.name).unwrap();
                assert_eq!(
                    (s.comment.clone(), s.is_transient, s.is_managed_access),
                    (m.comment.clone(), m.transient, m.managed_access)
                );
                assert_eq!(s.owner.as_deref().unwrap_or(""), m.owner);
                assert_eq!(s.created, ts(m.created_on));
            }
            Object::Table(t) => {
                let m = account.table(&t.database, &t.schema, &t.name).unwrap();
                let want_type = match m.kind {
                    TableKind::View => "VIEW",
                    TableKind::MaterializedView => "MATERIALIZED VIEW",
                    TableKind::External => "EXTERNAL TABLE",
                    TableKind::Temporary => "TEMPORARY TABLE",
                    TableKind::Base | TableKind::Transient => "BASE TABLE",
                };
                assert_eq!(t.table_type, want_type, "{}", t.name);
                assert_eq!(t.comment, m.comment, "{}", t.name);
                assert_eq!(t.owner.as_deref().unwrap_or(""), m.owner);
                assert_eq!(t.is_transient, m.kind == TableKind::Transient, "{}", t.name);
                assert_eq!(t.created, ts(m.created_on));
                assert_eq!(t.last_ddl, ts(m.last_ddl));
            }
            Object::Column(c) => {
                let t = account.table(&c.database, &c.schema, &c.table).unwrap();
                let (i, m) = t.columns.iter().enumerate().find(|(_, m)| m.name == c.name).unwrap();
                assert_eq!(c.ordinal_position, i as i64 + 1, "{}.{}", c.table, c.name);
                assert_eq!(c.is_nullable, m.nullable, "{}.{}", c.table, c.name);
                assert_eq!(c.comment.as_deref(), m.comment.as_deref(), "{}.{}", c.table, c.name);
                assert_eq!(c.column_default.as_deref(), m.default.as_deref(), "{}.{}", c.table, c.name);
                assert_eq!(c.is_identity, m.identity.is_some(), "{}.{}", c.table, c.name);
                assert!(!c.data_type.is_empty());
            }
            Object::Constraint(c) => {
                let t = account.table(&c.database, &c.schema, &c.table).unwrap();
                let m = t.constraints.iter().find(|m| m.name == c.name).unwrap();
                assert_eq!(c.columns, m.columns, "{}", c.name);
                assert_eq!(c.rely, m.rely, "{}", c.name);
                if let Some(r) = &m.references {
                    assert_eq!(c.referenced_table.as_deref(), Some(r.table.as_str()));
                    assert_eq!(c.referenced_columns, r.columns, "{}", c.name);
                    assert_eq!(c.delete_rule.as_deref(), Some(r.delete_rule.as_str()));
                }
            }
            Object::Warehouse(w) => {
                let m = account.warehouses.iter().find(|m| m.name == w.name).unwrap();
                assert_eq!(w.size.as_deref(), Some(m.size.as_str()));
                assert_eq!(w.auto_suspend, m.auto_suspend.map(i64::from), "{}", w.name);
                assert_eq!(w.auto_resume, m.auto_resume);
                assert_eq!(w.max_cluster_count, Some(i64::from(m.max_cluster_count)));
                assert_eq!(w.scaling_policy.as_deref(), Some(m.scaling_policy.as_str()));
                assert_eq!(w.resource_monitor, m.resource_monitor);
                assert_eq!(w.enable_query_acceleration, m.enable_query_acceleration);
                assert_eq!(w.comment, m.comment);
            }
            Object::Grant(g) => assert!(!g.privilege.is_empty()),
            Object::RoleMembership(_) | Object::FutureGrant(_) => {}
        }
    }
    // The awkward names are there, exactly as stored.
    for key in [
        ObjectKey::new(ObjectKind::Table, &["SALES", "Legacy Import", "order \"archive\""]),
        ObjectKey::new(ObjectKind::Column, &["SALES", "Legacy Import", "order \"archive\"", "Ünïcödé"]),
        ObjectKey::new(ObjectKind::Schema, &["marketing db", "Campaigns 2025"]),
    ] {
        assert!(got.contains(&key), "{}", key.display());
    }

    // A second crawl of the unchanged account changes nothing.
    let again = crawl(&emu, &db, &CrawlOptions::default()).await;
    assert_eq!(again.status, RunStatus::Complete);
    assert_eq!(again.total_changes(), 0, "{:?}", again.changes_by_kind);
}
