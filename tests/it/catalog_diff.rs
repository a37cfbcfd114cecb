//! Data-driven diff tests: for every kind and change kind, write a base run and a changed run and compare
//! the change rows a user would read from `changes_v` with what the severity rules say.

use crate::catalog_support::*;
use snowcat::catalog::*;

fn base() -> Vec<Object> {
    let mut t1_comment = table_obj("D", "S", "T1");
    t1_comment.comment = Some("orders".into());
    vec![
        db("D"),
        schema("D", "S"),
        Object::Table(t1_comment),
        table("D", "S", "T2"),
        col("D", "S", "T1", "A", 1),
        col("D", "S", "T1", "B", 2),
        col("D", "S", "T2", "X", 1),
        pk("D", "S", "T1", "PK_T1", &["A"]),
        grant("ANALYST", "SELECT", "TABLE", "D.S.T1"),
        member("ANALYST", "USER", "ALICE"),
        future("D", Some("S"), "TABLE", "SELECT", "ANALYST"),
        Object::Warehouse(warehouse("WH")),
    ]
}

type Expected = Vec<(&'static str, &'static str, &'static str, Option<&'static str>, &'static str)>;

fn find<'a>(objs: &'a mut [Object], key: &[&str]) -> &'a mut Object {
    objs.iter_mut()
        .find(|o| {
            let k = o.key();
            k.parts.iter().zip(key).all(|(a, b)| a == b) && k.parts[key.len()..].iter().all(String::is_empty)
                || (k.kind == ObjectKind::Constraint && k.parts[..4].iter().zip(key).all(|(a, b)| a == b))
        })
        .unwrap()
}

fn check(name: &str, change: impl FnOnce(&mut Vec<Object>), expected: Expected) {
    let dir = tempfile::tempdir().unwrap();
    let mut cat = Catalog::open(dir.path().join("c.db")).unwrap();
    let before = base();
    write_run(&mut cat, "acct", scopes_for(&before));
    let mut after = before.clone();
    change(&mut after);
    write_run(&mut cat, "acct", scopes_for(&after));
    let mut got = latest_changes(&cat);
    got.sort();
    let mut want: Vec<_> = expected
        .into_iter()
        .map(|(k, n, c, f, s)| {
            (k.to_string(), n.to_string(), c.to_string(), f.map(str::to_string), s.to_string())
        })
        .collect();
    want.sort();
    assert_eq!(got, want, "case {name}");
    // The rebuilt snapshot is exactly the state written.
    let mut snap = cat.snapshot("acct", None).unwrap();
    let mut expect_state: Vec<Object> = after
        .into_iter()
        .map(|o| match o {
            Object::Table(mut t) => {
                t.stats = TableStats::default();
                Object::Table(t)
            }
            Object::Warehouse(mut w) => {
                w.stats = WarehouseStats::default();
                Object::Warehouse(w)
            }
            o => o,
        })
        .collect();
    snap.sort_by_key(Object::key);
    expect_state.sort_by_key(Object::key);
    assert_eq!(snap, expect_state, "snapshot after case {name}");
}

fn set_table(objs: &mut [Object], name: &str, f: impl FnOnce(&mut Table)) {
    if let Object::Table(t) = find(objs, &["D", "S", name]) {
        f(t)
    }
}

fn set_col(objs: &mut [Object], t: &str, c: &str, f: impl FnOnce(&mut Column)) {
    if let Object::Column(x) = find(objs, &["D", "S", t, c]) {
        f(x)
    }
}

#[test]
fn unchanged_run_records_nothing() {
    check("unchanged", |_| {}, vec![]);
}

#[test]
fn database_and_schema_changes() {
    check("db added", |o| o.push(db("E")), vec![("database", "E", "added", None, "additive")]);
    check(
        "schema comment",
        |o| {
            if let Object::Schema(s) = find(o, &["D", "S"]) {
                s.comment = Some("raw data".into())
            }
        },
        vec![("schema", "D.S", "modified", Some("comment"), "cosmetic")],
    );
    check(
        "db owner",
        |o| {
            if let Object::Database(d) = find(o, &["D"]) {
                d.owner = Some("OTHER".into())
            }
        },
        vec![("database", "D", "modified", Some("owner"), "security")],
    );
    // A dropped database takes everything under it (its listing completed and it is gone).
    check(
        "db dropped",
        |o| {
            o.retain(|x| {
                !matches!(
                    x,
                    Object::Database(_)
                        | Object::Schema(_)
                        | Object::Table(_)
                        | Object::Column(_)
                        | Object::Constraint(_)
                        | Object::FutureGrant(_)
                )
            })
        },
        vec![
            ("database", "D", "removed", None, "breaking"),
            ("schema", "D.S", "removed", None, "breaking"),
            ("table", "D.S.T1", "removed", None, "breaking"),
            ("table", "D.S.T2", "removed", None, "breaking"),
            ("column", "D.S.T1.A", "removed", None, "breaking"),
            ("column", "D.S.T1.B", "removed", None, "breaking"),
            ("column", "D.S.T2.X", "removed", None, "breaking"),
            ("constraint", "D.S.T1.PK_T1", "removed", None, "breaking"),
            ("future_grant", "SELECT on future TABLE in D.S to ANALYST", "removed", None, "security"),
        ],
    );
}

#[test]
fn table_changes() {
    check(
        "table added",
        |o| o.extend([table("D", "S", "T3"), col("D", "S", "T3", "Z", 1)]),
        vec![
            ("table", "D.S.T3", "added", None, "additive"),
            ("column", "D.S.T3.Z", "added", None, "additive"),
        ],
    );
    check(
        "table removed",
        |o| o.retain(|x| !x.key().parts.contains(&"T2".to_string())),
        vec![
            ("table", "D.S.T2", "removed", None, "breaking"),
            ("column", "D.S.T2.X", "removed", None, "breaking"),
        ],
    );
    check(
        "comment",
        |o| set_table(o, "T1", |t| t.comment = Some("all orders".into())),
        vec![("table", "D.S.T1", "modified", Some("comment"), "cosmetic")],
    );
    check(
        "owner",
        |o| set_table(o, "T1", |t| t.owner = Some("ETL".into())),
        vec![("table", "D.S.T1", "modified", Some("owner"), "security")],
    );
    check(
        "create or replace",
        |o| set_table(o, "T1", |t| t.created = Some("2026-02-01T00:00:00.000Z".into())),
        vec![("table", "D.S.T1", "replaced", Some("created"), "breaking")],
    );
    // Same created timestamp and same columns under a new name: one rename, columns and PK move silently.
    check(
        "rename",
        |o| {
            for x in o.iter_mut() {
                match x {
                    Object::Table(t) if t.name == "T1" => t.name = "T9".into(),
                    Object::Column(c) if c.table == "T1" => c.table = "T9".into(),
                    Object::Constraint(c) if c.table == "T1" => c.table = "T9".into(),
                    _ => {}
                }
            }
        },
        vec![("table", "D.S.T9", "renamed", Some("name"), "breaking")],
    );
    // A new name with a different created timestamp is not evidence of a rename.
    check(
        "drop and create",
        |o| {
            for x in o.iter_mut() {
                match x {
                    Object::Table(t) if t.name == "T2" => {
                        t.name = "T8".into();
                        t.created = Some("2026-03-01T00:00:00.000Z".into())
                    }
                    Object::Column(c) if c.table == "T2" => c.table = "T8".into(),
                    _ => {}
                }
            }
        },
        vec![
            ("table", "D.S.T2", "removed", None, "breaking"),
            ("column", "D.S.T2.X", "removed", None, "breaking"),
            ("table", "D.S.T8", "added", None, "additive"),
            ("column", "D.S.T8.X", "added", None, "additive"),
        ],
    );
    // Row counts, bytes and last_altered are statistics, never schema changes.
    check(
        "stats only",
        |o| {
            set_table(o, "T1", |t| {
                t.stats = TableStats { row_count: Some(5), bytes: Some(1024), last_altered: None }
            })
        },
        vec![],
    );
}

#[test]
fn column_changes() {
    check(
        "widened",
        |o| set_col(o, "T1", "B", |c| c.character_maximum_length = Some(200)),
        vec![("column", "D.S.T1.B", "modified", Some("character_maximum_length"), "additive")],
    );
    check(
        "narrowed",
        |o| set_col(o, "T1", "B", |c| c.character_maximum_length = Some(10)),
        vec![("column", "D.S.T1.B", "modified", Some("character_maximum_length"), "breaking")],
    );
    check(
        "type changed",
        |o| {
            set_col(o, "T1", "B", |c| {
                c.data_type = "NUMBER".into();
                c.character_maximum_length = None;
                c.numeric_precision = Some(38);
                c.numeric_scale = Some(0);
            })
        },
        vec![
            ("column", "D.S.T1.B", "modified", Some("data_type"), "breaking"),
            ("column", "D.S.T1.B", "modified", Some("character_maximum_length"), "additive"),
            ("column", "D.S.T1.B", "modified", Some("numeric_precision"), "breaking"),
            ("column", "D.S.T1.B", "modified", Some("numeric_scale"), "breaking"),
        ],
    );
    check(
        "not null",
        |o| set_col(o, "T1", "A", |c| c.is_nullable = false),
        vec![("column", "D.S.T1.A", "modified", Some("is_nullable"), "breaking")],
    );
    check(
        "comment",
        |o| set_col(o, "T1", "A", |c| c.comment = Some("id".into())),
        vec![("column", "D.S.T1.A", "modified", Some("comment"), "cosmetic")],
    );
    check(
        "added",
        |o| o.push(col("D", "S", "T1", "C", 3)),
        vec![("column", "D.S.T1.C", "added", None, "additive")],
    );
    check(
        "removed",
        |o| o.retain(|x| x.key().parts[3] != "B" || x.kind() != ObjectKind::Column),
        vec![("column", "D.S.T1.B", "removed", None, "breaking")],
    );
    check(
        "renamed",
        |o| set_col(o, "T1", "B", |c| c.name = "B2".into()),
        vec![("column", "D.S.T1.B2", "renamed", Some("name"), "breaking")],
    );
}

#[test]
fn constraint_grant_and_warehouse_changes() {
    check(
        "pk removed",
        |o| o.retain(|x| x.kind() != ObjectKind::Constraint),
        vec![("constraint", "D.S.T1.PK_T1", "removed", None, "breaking")],
    );
    check(
        "fk added",
        |o| o.push(fk("D", "S", "T2", "FK_T2", &["X"], ("D", "S", "T1", "PK_T1"), &["A"])),
        vec![("constraint", "D.S.T2.FK_T2", "added", None, "additive")],
    );
    check(
        "pk columns changed",
        |o| {
            if let Object::Constraint(c) = find(o, &["D", "S", "T1", "PK_T1"]) {
                c.columns = vec!["A".into(), "B".into()]
            }
        },
        vec![("constraint", "D.S.T1.PK_T1", "modified", Some("columns"), "breaking")],
    );
    check(
        "grant added",
        |o| o.push(grant("ANALYST", "SELECT", "TABLE", "D.S.T2")),
        vec![("grant", "SELECT on TABLE D.S.T2 to ROLE ANALYST", "added", None, "security")],
    );
    check(
        "grant revoked",
        |o| o.retain(|x| x.kind() != ObjectKind::Grant),
        vec![("grant", "SELECT on TABLE D.S.T1 to ROLE ANALYST", "removed", None, "security")],
    );
    check(
        "grant option",
        |o| {
            for x in o.iter_mut() {
                if let Object::Grant(g) = x {
                    g.grant_option = true
                }
            }
        },
        vec![(
            "grant",
            "SELECT on TABLE D.S.T1 to ROLE ANALYST",
            "modified",
            Some("grant_option"),
            "security",
        )],
    );
    check(
        "membership",
        |o| o.push(member("ANALYST", "ROLE", "SYSADMIN")),
        vec![("role_membership", "role ANALYST to ROLE SYSADMIN", "added", None, "security")],
    );
    check(
        "membership revoked",
        |o| o.retain(|x| x.kind() != ObjectKind::RoleMembership),
        vec![("role_membership", "role ANALYST to USER ALICE", "removed", None, "security")],
    );
    check(
        "future grant",
        |o| o.push(future("D", None, "SCHEMA", "USAGE", "ANALYST")),
        vec![("future_grant", "USAGE on future SCHEMA in D to ANALYST", "added", None, "security")],
    );
    let wh = |f: fn(&mut Warehouse)| {
        move |o: &mut Vec<Object>| {
            if let Object::Warehouse(w) = find(o, &["WH"]) {
                f(w)
            }
        }
    };
    check(
        "wh size",
        wh(|w| w.size = Some("Large".into())),
        vec![("warehouse", "WH", "modified", Some("size"), "additive")],
    );
    check(
        "wh owner",
        wh(|w| w.owner = Some("X".into())),
        vec![("warehouse", "WH", "modified", Some("owner"), "security")],
    );
    check(
        "wh comment",
        wh(|w| w.comment = Some("bi".into())),
        vec![("warehouse", "WH", "modified", Some("comment"), "cosmetic")],
    );
    check(
        "wh state only",
        wh(|w| {
            w.stats = WarehouseStats {
                state: Some("STARTED".into()),
                running: Some(3),
                queued: Some(1),
                started_clusters: Some(1),
            }
        }),
        vec![],
    );
    check(
        "wh dropped",
        |o| o.retain(|x| x.kind() != ObjectKind::Warehouse),
        vec![("warehouse", "WH", "removed", None, "breaking")],
    );
}

/// The first run is a baseline (nothing reads as added), but only while nothing was ever known: after a
/// complete crawl of an empty account, what appears next is `added`; runs that failed before recording
/// anything leave the next complete run a baseline.
#[test]
fn an_empty_complete_crawl_is_the_baseline_and_failed_runs_are_not() {
    let dir = tempfile::tempdir().unwrap();
    let mut cat = Catalog::open(dir.path().join("c.db")).unwrap();
    write_run(&mut cat, "empty", scopes_for(&[]));
    write_run(&mut cat, "empty", scopes_for(&[db("D"), schema("D", "S")]));
    let added: Vec<_> = latest_changes(&cat).into_iter().filter(|c| c.2 == "added").map(|c| c.1).collect();
    assert_eq!(added, ["D", "D.S"]);

    let failed = {
        let w = cat.begin_run("late").unwrap();
        w.commit(RunStatus::Failed, RunCounts::default()).unwrap()
    };
    let first = write_run(&mut cat, "late", scopes_for(&[db("D")]));
    assert!(first.run_id > failed.run_id);
    let changes = cat
        .changes(&snowcat::catalog::query::ChangeFilter {
            account: Some("late".into()),
            ..Default::default()
        })
        .unwrap();
    assert!(changes.is_empty(), "{changes:?}");
}

/// CREATE OR REPLACE gives unnamed constraints new `SYS_CONSTRAINT_<uuid>` names: the same definition on
/// the same table is not a removal plus an addition, and a foreign key following the new parent key name
/// is cosmetic. A user-named constraint that changes name still reads as removed and added.
#[test]
fn system_named_constraints_recreated_with_their_table_are_not_changes() {
    let run = |pk_name: &str, named: &str| {
        vec![
            db("D"),
            schema("D", "S"),
            table("D", "S", "P"),
            table("D", "S", "C"),
            pk("D", "S", "P", pk_name, &["ID"]),
            pk("D", "S", "C", named, &["ID"]),
            fk("D", "S", "C", "SYS_CONSTRAINT_fk-1", &["P_ID"], ("D", "S", "P", pk_name), &["ID"]),
        ]
    };
    let dir = tempfile::tempdir().unwrap();
    let mut cat = Catalog::open(dir.path().join("c.db")).unwrap();
    write_run(&mut cat, "acct", scopes_for(&run("SYS_CONSTRAINT_aaaa-1", "PK_C")));
    write_run(&mut cat, "acct", scopes_for(&run("SYS_CONSTRAINT_bbbb-2", "PK_CHILD")));
    let mut got: Vec<(String, String, String, Option<String>, String)> = latest_changes(&cat);
    got.sort();
    let want = vec![
        ("constraint".into(), "D.S.C.PK_C".into(), "removed".into(), None, "breaking".into()),
        ("constraint".into(), "D.S.C.PK_CHILD".into(), "added".into(), None, "additive".into()),
        (
            "constraint".into(),
            "D.S.C.SYS_CONSTRAINT_fk-1".into(),
            "modified".into(),
            Some("referenced_constraint".into()),
            "cosmetic".into(),
        ),
    ];
    assert_eq!(got, want);
    // The parent key is current under its new name.
    let current: Vec<String> = cat
        .connection()
        .prepare("SELECT constraint_name FROM current_constraints WHERE table_name = 'P'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(current, ["SYS_CONSTRAINT_bbbb-2"]);
}
