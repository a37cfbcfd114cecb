//! The sample account crawled over HTTP into a catalog: every object kind and the attributes the emulator's
//! model holds come back exactly; names with quotes, spaces, lowercase and unicode survive.

use std::collections::BTreeSet;

use crate::crawl_support::*;
use chrono::{SecondsFormat, TimeZone, Utc};
use snowcat::catalog::{Object, ObjectKey, ObjectKind, RunStatus, database_role_name, show_part};
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
            let o = &s.objects;
            let at = |kind, name: &str| ObjectKey::new(kind, &[&d.name, &s.name, name]);
            keys.extend(o.streams.iter().map(|x| at(ObjectKind::Stream, &x.name)));
            keys.extend(o.tasks.iter().map(|x| at(ObjectKind::Task, &x.name)));
            keys.extend(o.pipes.iter().map(|x| at(ObjectKind::Pipe, &x.name)));
            keys.extend(o.stages.iter().map(|x| at(ObjectKind::Stage, &x.name)));
            keys.extend(o.sequences.iter().map(|x| at(ObjectKind::Sequence, &x.name)));
            for (kind, list) in [(ObjectKind::Function, &o.functions), (ObjectKind::Procedure, &o.procedures)]
            {
                for r in list {
                    keys.insert(ObjectKey::new(kind, &[&d.name, &s.name, &r.name, &r.signature()]));
                }
            }
            for t in &s.tables {
                keys.insert(ObjectKey::new(ObjectKind::Table, &[&d.name, &s.name, &t.name]));
                if t.kind.is_view() {
                    keys.insert(at(ObjectKind::View, &t.name));
                }
                if t.kind == TableKind::Dynamic {
                    keys.insert(at(ObjectKind::DynamicTable, &t.name));
                }
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
            // A database role held by a role, a database role or a user: a membership of `DB.ROLE`.
            (GrantTarget::DatabaseRole(d, r), grantee) if g.privilege == "USAGE" => {
                let (ty, name) = match grantee {
                    Grantee::Role(n) => ("ROLE", n.clone()),
                    Grantee::User(n) => ("USER", n.clone()),
                    Grantee::DatabaseRole(gd, gn) => ("DATABASE_ROLE", database_role_name(gd, gn)),
                };
                keys.insert(ObjectKey::new(
                    ObjectKind::RoleMembership,
                    &[&database_role_name(d, r), ty, &name],
                ));
            }
            (target, Grantee::Role(r)) => {
                let (on, name) = target_name(target);
                keys.insert(ObjectKey::new(ObjectKind::Grant, &["ROLE", r, &on, &name, &g.privilege]));
            }
            (target, Grantee::DatabaseRole(d, r)) => {
                let (on, name) = target_name(target);
                let grantee = database_role_name(d, r);
                keys.insert(ObjectKey::new(
                    ObjectKind::Grant,
                    &["DATABASE_ROLE", &grantee, &on, &name, &g.privilege],
                ));
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
    // Access (issue 16): database roles, policies and what they protect, tags and where they are set.
    for r in &a.database_roles {
        keys.insert(ObjectKey::new(ObjectKind::DatabaseRole, &[&r.database, &r.name]));
    }
    let g = &a.governance;
    let full = |d: &str, s: &str, n: &str| format!("{}.{}.{}", show_part(d), show_part(s), show_part(n));
    for p in &g.policies {
        keys.insert(ObjectKey::new(ObjectKind::Policy, &[&p.database, &p.schema, &p.name, p.kind.word()]));
    }
    for r in &g.policy_refs {
        let policy = full(&r.policy.database, &r.policy.schema, &r.policy.name);
        let o = &r.object;
        let column = r.column.clone().unwrap_or_default();
        keys.insert(ObjectKey::new(
            ObjectKind::PolicyReference,
            &[&o.database, &o.schema, &o.name, &column, &policy],
        ));
    }
    for t in &g.tags {
        keys.insert(ObjectKey::new(ObjectKind::Tag, &[&t.database, &t.schema, &t.name]));
    }
    for r in &g.tag_refs {
        use snowflake_emulator::model_access::Tagged;
        let tag = full(&r.tag.database, &r.tag.schema, &r.tag.name);
        let parts: [String; 4] = match &r.on {
            Tagged::Database(d) => [d.clone(), String::new(), String::new(), String::new()],
            Tagged::Schema(d, s) => [d.clone(), s.clone(), String::new(), String::new()],
            Tagged::Table(n) => [n.database.clone(), n.schema.clone(), n.name.clone(), String::new()],
            Tagged::Column(n, c) => [n.database.clone(), n.schema.clone(), n.name.clone(), c.clone()],
        };
        keys.insert(ObjectKey::new(
            ObjectKind::TagReference,
            &[&parts[0], &parts[1], &parts[2], &parts[3], &tag],
        ));
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
                    TableKind::Event => "EVENT TABLE",
                    TableKind::Base
                    | TableKind::Transient
                    | TableKind::Dynamic
                    | TableKind::Hybrid
                    | TableKind::Iceberg => "BASE TABLE",
                };
                assert_eq!(
                    (t.is_dynamic, t.is_hybrid, t.is_iceberg),
                    (m.kind == TableKind::Dynamic, m.kind == TableKind::Hybrid, m.kind == TableKind::Iceberg),
                    "{}",
                    t.name
                );
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
            // The access kinds are compared field by field with the model in access_e2e.
            Object::DatabaseRole(_)
            | Object::Policy(_)
            | Object::PolicyReference(_)
            | Object::Tag(_)
            | Object::TagReference(_) => {}
            pipeline => pipeline_matches_the_model(&account, pipeline),
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

    // Volatile state sits beside the versions, in the current views.
    let cat = snowcat::catalog::Catalog::open_read_only(&db).unwrap();
    let conn = cat.connection();
    let stale: Vec<(String, i64)> = conn
        .prepare("SELECT stream_name, stale FROM current_streams ORDER BY stream_name")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(stale, [("MONTHLY_REVENUE_CHANGES".into(), 0), ("RAW_ORDERS_STREAM".into(), 0)]);
    let state: String =
        conn.query_row("SELECT scheduling_state FROM current_dynamic_tables", [], |r| r.get(0)).unwrap();
    assert_eq!(state, "RUNNING");
    let next: i64 = conn.query_row("SELECT next_value FROM current_sequences", [], |r| r.get(0)).unwrap();
    assert_eq!(next, 1000);
    drop(cat);

    // A second crawl of the unchanged account changes nothing.
    let again = crawl(&emu, &db, &CrawlOptions::default()).await;
    assert_eq!(again.status, RunStatus::Complete);
    assert_eq!(again.total_changes(), 0, "{:?}", again.changes_by_kind);
}

/// One object of the pipeline and code kinds against the emulator's model, field by field.
fn pipeline_matches_the_model(account: &Account, o: &Object) {
    let k = o.key();
    let (d, s, n) = (&k.parts[0], &k.parts[1], &k.parts[2]);
    let schema = account.schema(d, s).unwrap_or_else(|| panic!("{}", k.display()));
    let objects = &schema.objects;
    match o {
        Object::View(v) => {
            let m = account.table(d, s, n).unwrap();
            assert_eq!(
                v.text, m.view_text,
                "{n}: ACCOUNTADMIN holds the owner role, so even secure text shows"
            );
            assert!(!v.text_hidden);
            assert_eq!((v.is_secure, v.is_materialized), (m.secure, m.kind == TableKind::MaterializedView));
            assert_eq!((v.owner.as_deref(), &v.comment), (Some(m.owner.as_str()), &m.comment));
            assert_eq!(v.created, ts(m.created_on));
        }
        Object::DynamicTable(t) => {
            let m = account.table(d, s, n).unwrap();
            let dy = m.dynamic.as_deref().unwrap();
            assert_eq!(t.text.as_deref(), Some(dy.text.as_str()));
            assert_eq!(t.target_lag.as_deref(), Some(dy.target_lag.as_str()));
            assert_eq!(t.warehouse.as_deref(), Some(dy.warehouse.as_str()));
            assert_eq!(t.refresh_mode.as_deref(), Some(dy.refresh_mode.as_str()));
            assert_eq!((t.owner.as_deref(), &t.comment), (Some(m.owner.as_str()), &m.comment));
            assert_eq!(t.created, ts(m.created_on));
        }
        Object::Stream(x) => {
            let m = objects.streams.iter().find(|m| &m.name == n).unwrap();
            assert_eq!(x.source.as_deref(), Some(m.source.as_str()));
            assert_eq!(x.source_type.as_deref(), Some(m.source_type.as_str()));
            assert_eq!((x.mode.as_deref(), x.stream_type.as_deref()), (Some(m.mode.as_str()), Some("DELTA")));
            assert_eq!((x.owner.as_deref(), &x.comment), (Some(m.owner.as_str()), &m.comment));
            assert_eq!(x.created, ts(m.created_on));
        }
        Object::Task(x) => {
            let m = objects.tasks.iter().find(|m| &m.name == n).unwrap();
            let root = m.predecessors.is_empty();
            assert_eq!(x.schedule, if root { m.schedule.clone() } else { None });
            assert_eq!(
                (&x.warehouse, &x.predecessors, &x.condition),
                (&m.warehouse, &m.predecessors, &m.condition)
            );
            assert_eq!(x.definition.as_deref(), Some(m.definition.as_str()));
            let state = if m.state == snowflake_emulator::model_pipeline::TaskState::Started {
                "started"
            } else {
                "suspended"
            };
            assert_eq!(x.state.as_deref(), Some(state));
            assert_eq!(x.allow_overlapping_execution, root.then_some(m.allow_overlapping_execution));
            assert_eq!((x.owner.as_deref(), &x.comment), (Some(m.owner.as_str()), &m.comment));
            assert_eq!(x.created, ts(m.created_on));
        }
        Object::Pipe(x) => {
            let m = objects.pipes.iter().find(|m| &m.name == n).unwrap();
            assert_eq!(x.definition.as_deref(), Some(m.definition.as_str()));
            assert_eq!(
                (&x.notification_channel, &x.integration, &x.pattern),
                (&m.notification_channel, &m.integration, &m.pattern)
            );
            assert_eq!(x.auto_ingest, m.notification_channel.is_some() || m.integration.is_some());
            assert_eq!((x.owner.as_deref(), &x.comment), (Some(m.owner.as_str()), &m.comment));
            assert_eq!(x.created, ts(m.created_on));
        }
        Object::Stage(x) => {
            let m = objects.stages.iter().find(|m| &m.name == n).unwrap();
            assert_eq!((&x.url, x.stage_type.as_deref()), (&m.url, Some(m.stage_type.as_str())));
            assert_eq!((&x.cloud, &x.storage_integration), (&m.cloud, &m.storage_integration));
            assert_eq!(
                (x.has_credentials, x.has_encryption_key, x.directory_enabled),
                (m.has_credentials, m.has_encryption_key, m.directory_enabled)
            );
            assert_eq!((x.owner.as_deref(), &x.comment), (Some(m.owner.as_str()), &m.comment));
            assert_eq!(x.created, ts(m.created_on));
        }
        Object::Function(r) | Object::Procedure(r) => {
            let list =
                if o.kind() == ObjectKind::Function { &objects.functions } else { &objects.procedures };
            let m = list.iter().find(|m| &m.name == n && m.signature() == r.signature).unwrap();
            assert_eq!(r.return_type.as_deref(), Some(m.returns.as_str()), "{n}{}", r.signature);
            assert_eq!(r.language.as_deref(), Some(m.language.as_str()), "{n}");
            assert_eq!(
                (r.body.as_deref(), r.body_hidden),
                (Some(m.body.as_str()), false),
                "{n}: the owner's view"
            );
            assert_eq!((r.is_secure, r.is_table_function), (m.secure, m.is_table_function()));
            assert_eq!(r.comment, m.comment);
            assert_eq!(r.created, ts(m.created_on));
        }
        Object::Sequence(q) => {
            let m = objects.sequences.iter().find(|m| &m.name == n).unwrap();
            assert_eq!((q.start, q.start_hidden), (Some(m.start), false));
            assert_eq!((q.increment, q.ordered), (Some(m.increment), m.ordered));
            assert_eq!((q.owner.as_deref(), &q.comment), (Some(m.owner.as_str()), &m.comment));
            assert_eq!(q.created, ts(m.created_on));
        }
        other => panic!("not a pipeline kind: {other:?}"),
    }
}
