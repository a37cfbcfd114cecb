//! Runs every example query of docs/catalog.md (taken from the file itself) against a populated catalog,
//! and drives the `snowcat migrate | runs | diff | show | search` commands on the same file.

use std::collections::BTreeMap;
use std::path::Path;

use crate::catalog_support::*;
use assert_cmd::Command;
use rusqlite::types::Value;
use snowcat::catalog::*;

const DOCS: &str = include_str!("../../docs/catalog.md");

/// `-- example: NAME` code blocks of the docs.
fn examples() -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for block in DOCS.split("```sql\n").skip(1) {
        let sql = block.split("```").next().unwrap();
        let name = sql.lines().next().unwrap().strip_prefix("-- example: ").unwrap().trim().to_string();
        out.insert(name, sql.to_string());
    }
    out
}

fn run_query(path: &Path, sql: &str) -> Vec<Vec<String>> {
    let conn =
        rusqlite::Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let mut stmt = conn.prepare(sql).unwrap();
    let n = stmt.column_count();
    stmt.query_map([], |r| {
        (0..n)
            .map(|i| {
                Ok(match r.get::<_, Value>(i)? {
                    Value::Null => "NULL".to_string(),
                    Value::Integer(v) => v.to_string(),
                    Value::Real(v) => v.to_string(),
                    Value::Text(s) => s,
                    Value::Blob(_) => "<blob>".to_string(),
                })
            })
            .collect()
    })
    .unwrap()
    .collect::<Result<_, _>>()
    .unwrap()
}

const DB: &str = "SALES";
const S: &str = "PUBLIC";

fn account_v1() -> Vec<Object> {
    vec![
        db(DB),
        schema(DB, S),
        table(DB, S, "ORDERS"),
        table(DB, S, "CUSTOMERS"),
        table(DB, S, "ITEMS"),
        table(DB, S, "OLD_TABLE"),
        col(DB, S, "ORDERS", "ID", 1),
        col(DB, S, "ORDERS", "NOTE", 2),
        col(DB, S, "CUSTOMERS", "ID", 1),
        col(DB, S, "ITEMS", "OLD_ID", 1),
        col(DB, S, "OLD_TABLE", "ID", 1),
        pk(DB, S, "ORDERS", "PK_ORDERS", &["ID"]),
        pk(DB, S, "OLD_TABLE", "PK_OLD", &["ID"]),
        fk(DB, S, "ITEMS", "FK_ITEMS_OLD", &["OLD_ID"], (DB, S, "OLD_TABLE", "PK_OLD"), &["ID"]),
        grant("ANALYST", "SELECT", "TABLE", "SALES.PUBLIC.ORDERS"),
        grant("SYSADMIN", "OWNERSHIP", "TABLE", "SALES.PUBLIC.ORDERS"),
        grant("ETL", "SELECT", "TABLE", "SALES.PUBLIC.CUSTOMERS"),
        member("ANALYST", "ROLE", "REPORTING"),
        member("REPORTING", "USER", "BOB"),
        member("ANALYST", "USER", "ALICE"),
        member("ETL", "USER", "CAROL"),
        Object::Warehouse(warehouse("BI_WH")),
    ]
}

/// Run 1 (backdated two days), then run 2: OLD_TABLE dropped (the FK on ITEMS is still listed), a column
/// narrowed, a comment added, and one grants scope denied.
fn populate(path: &Path) {
    let mut cat = Catalog::open(path).unwrap();
    let v1 = account_v1();
    write_run(&mut cat, "acct", scopes_for(&v1));
    cat.connection()
        .execute("UPDATE runs SET finished_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-2 days')", [])
        .unwrap();
    let mut v2: Vec<Object> = v1
        .into_iter()
        .filter(|o| {
            let k = o.key();
            !(k.parts[2] == "OLD_TABLE"
                && matches!(k.kind, ObjectKind::Table | ObjectKind::Column | ObjectKind::Constraint))
        })
        .collect();
    for o in &mut v2 {
        match o {
            Object::Column(c) if c.table == "ORDERS" && c.name == "NOTE" => {
                c.character_maximum_length = Some(10)
            }
            Object::Table(t) if t.name == "ORDERS" => t.comment = Some("one row per order".into()),
            _ => {}
        }
    }
    let mut scopes = scopes_for(&v2);
    scopes.push((
        ScopeKey::GrantsToRole { role: "X".into() },
        vec![],
        ScopeOutcome::Denied {
            code: "002003".into(),
            message: "Role 'X' does not exist or not authorized.".into(),
        },
    ));
    write_run(&mut cat, "acct", scopes);
}

fn rows(v: &[&[&str]]) -> Vec<Vec<String>> {
    v.iter().map(|r| r.iter().map(|s| s.to_string()).collect()).collect()
}

#[test]
fn every_docs_example_runs_and_answers_correctly() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.db");
    populate(&path);
    let ex = examples();
    assert_eq!(
        ex.keys().map(String::as_str).collect::<Vec<_>>(),
        [
            "access_of_user",
            "breaking_this_week",
            "coverage",
            "dangling_fks",
            "last_24h",
            "security_changes",
            "stopped_pipelines",
            "tables_without_pk",
            "unmasked_sensitive",
            "who_can_read"
        ]
    );

    // Only run 2 is within 24 h: OLD_TABLE, its column and PK removed, NOTE narrowed, ORDERS commented.
    let got: Vec<(String, String, String)> = run_query(&path, &ex["last_24h"])
        .into_iter()
        .map(|r| (r[3].clone(), r[4].clone(), r[8].clone()))
        .collect();
    let mut got_sorted = got.clone();
    got_sorted.sort();
    let want = [
        ("SALES.PUBLIC.OLD_TABLE", "removed", "breaking"),
        ("SALES.PUBLIC.OLD_TABLE.ID", "removed", "breaking"),
        ("SALES.PUBLIC.OLD_TABLE.PK_OLD", "removed", "breaking"),
        ("SALES.PUBLIC.ORDERS", "modified", "cosmetic"),
        ("SALES.PUBLIC.ORDERS.NOTE", "modified", "breaking"),
    ];
    let want: Vec<_> = want.iter().map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string())).collect();
    assert_eq!(got_sorted, want);

    let breaking: Vec<String> =
        run_query(&path, &ex["breaking_this_week"]).into_iter().map(|r| r[2].clone()).collect();
    assert_eq!(breaking.len(), 4, "{breaking:?}");
    assert!(breaking.contains(&"SALES.PUBLIC.ORDERS.NOTE".to_string()));

    assert_eq!(
        run_query(&path, &ex["who_can_read"]),
        rows(&[
            &["ROLE", "ANALYST"],
            &["ROLE", "REPORTING"],
            &["ROLE", "SYSADMIN"],
            &["USER", "ALICE"],
            &["USER", "BOB"]
        ])
    );
    assert_eq!(
        run_query(&path, &ex["tables_without_pk"]),
        rows(&[&["acct", DB, S, "CUSTOMERS"], &["acct", DB, S, "ITEMS"]])
    );
    assert_eq!(
        run_query(&path, &ex["dangling_fks"]),
        rows(&[&[DB, S, "ITEMS", "FK_ITEMS_OLD", "SALES.PUBLIC.OLD_TABLE"]])
    );
    assert_eq!(
        run_query(&path, &ex["coverage"]),
        rows(&[&[
            "acct",
            "grants_to_role:X",
            "denied",
            "002003",
            "Role 'X' does not exist or not authorized."
        ]])
    );
}

#[test]
fn every_documented_view_exists_with_its_documented_columns() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.db");
    populate(&path);
    let conn = rusqlite::Connection::open(&path).unwrap();
    for (view, cols) in [
        (
            "runs_v",
            "run_id account_name started_at finished_at status statements rows objects changes error_summary incomplete_scopes retries bytes_received mode carried_scopes",
        ),
        (
            "changes_v",
            "change_id run_id account_name run_time object_kind object_name database_name schema_name table_name column_name change field before after severity",
        ),
        (
            "coverage_v",
            "account_name run_id scope object_kind outcome error_code error_message statement_handle read_run",
        ),
        (
            "current_databases",
            "account_name database_name kind owner comment created retention_time is_transient origin since_run",
        ),
        (
            "current_schemas",
            "account_name database_name schema_name owner comment created retention_time is_transient is_managed_access since_run",
        ),
        (
            "current_tables",
            "account_name database_name schema_name table_name table_type owner comment created last_ddl clustering_key retention_time is_transient is_secure view_definition is_dynamic is_iceberg is_hybrid row_count bytes last_altered since_run",
        ),
        (
            "current_columns",
            "account_name database_name schema_name table_name column_name ordinal_position data_type character_maximum_length numeric_precision numeric_scale datetime_precision is_nullable column_default is_identity identity_start identity_increment comment since_run",
        ),
        (
            "current_constraints",
            "account_name database_name schema_name table_name constraint_name constraint_type column_names referenced_database_name referenced_schema_name referenced_table_name referenced_constraint_name referenced_column_names update_rule delete_rule rely enforced comment since_run",
        ),
        (
            "current_grants",
            "account_name privilege granted_on name granted_to grantee_name grant_option granted_by created_on since_run",
        ),
        (
            "current_role_memberships",
            "account_name role granted_to grantee_name granted_by created_on since_run",
        ),
        (
            "current_future_grants",
            "account_name database_name schema_name grant_on privilege grant_to grantee_name grant_option created_on since_run",
        ),
        (
            "current_warehouses",
            "account_name name size type auto_suspend auto_resume min_cluster_count max_cluster_count scaling_policy resource_monitor enable_query_acceleration owner comment created_on state running queued started_clusters since_run",
        ),
        (
            "current_views",
            "account_name database_name schema_name view_name text text_hidden is_secure is_materialized owner comment created since_run",
        ),
        (
            "current_dynamic_tables",
            "account_name database_name schema_name table_name text target_lag warehouse refresh_mode cluster_by owner comment created scheduling_state row_count bytes data_timestamp last_suspended_on since_run",
        ),
        (
            "current_streams",
            "account_name database_name schema_name stream_name source source_type type mode owner comment created stale stale_after invalid_reason since_run",
        ),
        (
            "current_tasks",
            "account_name database_name schema_name task_name state schedule warehouse predecessors condition definition allow_overlapping_execution error_integration owner comment created last_committed_on last_suspended_on last_suspended_reason since_run",
        ),
        (
            "current_pipes",
            "account_name database_name schema_name pipe_name definition auto_ingest notification_channel integration pattern error_integration owner comment created since_run",
        ),
        (
            "current_stages",
            "account_name database_name schema_name stage_name url type cloud storage_integration has_credentials has_encryption_key directory_enabled owner comment created since_run",
        ),
        (
            "current_functions",
            "account_name database_name schema_name function_name signature return_type language body body_hidden is_secure is_table_function comment created since_run",
        ),
        (
            "current_procedures",
            "account_name database_name schema_name procedure_name signature return_type language body body_hidden is_secure comment created since_run",
        ),
        (
            "current_sequences",
            "account_name database_name schema_name sequence_name start_value start_hidden increment ordered owner comment created next_value since_run",
        ),
        (
            "current_database_roles",
            "account_name database_name role_name qualified_name owner owner_role_type comment created since_run",
        ),
        (
            "current_policies",
            "account_name database_name schema_name policy_name policy_kind signature return_type body body_hidden options owner owner_role_type comment created since_run",
        ),
        (
            "current_policy_references",
            "account_name policy policy_kind database_name schema_name object_name column_name domain arg_columns via_tag status since_run",
        ),
        (
            "current_tags",
            "account_name database_name schema_name tag_name qualified_name allowed_values owner owner_role_type comment created is_sensitive since_run",
        ),
        (
            "current_tag_references",
            "account_name tag database_name schema_name object_name column_name domain tag_value apply_method is_sensitive since_run",
        ),
        (
            "effective_tags_v",
            "account_name object_type database_name schema_name object_name column_name tag tag_value how set_on relation_name is_sensitive",
        ),
        (
            "access_paths_v",
            "account_name object_type object database_name schema_name object_name column_name privilege principal_type principal path hops masking_policy tags since_run",
        ),
        (
            "access_paths_all_v",
            "account_name object_type object_name privilege principal_type principal path hops valid_from_run valid_to_run",
        ),
    ] {
        let stmt = conn.prepare(&format!("SELECT * FROM {view}")).unwrap();
        let mut got: Vec<&str> = stmt.column_names();
        let mut want: Vec<&str> = cols.split(' ').collect();
        got.sort();
        want.sort();
        assert_eq!(got, want, "view {view}");
        assert!(DOCS.contains(&format!("`{view}`")), "{view} is not documented");
    }
    let cols = run_query(
        &path,
        "SELECT column_names, constraint_type FROM current_constraints WHERE constraint_name = 'PK_ORDERS'",
    );
    assert_eq!(cols, rows(&[&["[\"ID\"]", "PRIMARY KEY"]]));
}

fn snowcat(path: &Path, args: &[&str]) -> assert_cmd::assert::Assert {
    Command::cargo_bin("snowcat")
        .unwrap()
        .args(args)
        .arg("--catalog")
        .arg(path)
        .env_remove("SNOWCAT_CATALOG")
        .assert()
}

#[test]
fn cli_commands_read_the_catalog() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.db");
    let out = snowcat(&path, &["migrate"]).success().get_output().stdout.clone();
    let version = format!("schema version {}", snowcat::catalog::store::supported_version());
    assert!(String::from_utf8_lossy(&out).contains(&version));
    populate(&path);

    let out = snowcat(&path, &["runs"]).success().get_output().stdout.clone();
    let text = String::from_utf8_lossy(&out);
    assert!(text.contains("partial") && text.contains("1 denied"), "{text}");

    let out = snowcat(&path, &["diff", "--severity", "breaking", "--format", "ndjson"])
        .success()
        .get_output()
        .stdout
        .clone();
    let lines: Vec<serde_json::Value> =
        String::from_utf8_lossy(&out).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 4);
    assert!(lines.iter().all(|l| l["severity"] == "breaking" && l["run_id"] == 2));

    // --from 0 --to 1: the first run is the baseline (no per-object "added" rows).
    let out = snowcat(&path, &["diff", "--from", "0", "--to", "1"]).success().get_output().stdout.clone();
    assert_eq!(String::from_utf8_lossy(&out).trim(), "no changes");
    let out = snowcat(&path, &["diff", "--from", "1", "--kind", "table", "--format", "json"])
        .success()
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let got: Vec<(&str, &str)> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["object_name"].as_str().unwrap(), c["change"].as_str().unwrap()))
        .collect();
    assert_eq!(got, [("SALES.PUBLIC.OLD_TABLE", "removed"), ("SALES.PUBLIC.ORDERS", "modified")]);

    let out = snowcat(&path, &["show", "SALES.PUBLIC.ORDERS"]).success().get_output().stdout.clone();
    let text = String::from_utf8_lossy(&out);
    assert!(text.contains("TEXT(10)") && text.contains("one row per order"), "{text}");
    let out =
        snowcat(&path, &["show", "SALES.PUBLIC.ORDERS", "--at", "1"]).success().get_output().stdout.clone();
    let text = String::from_utf8_lossy(&out);
    assert!(text.contains("TEXT(100)") && !text.contains("one row per order"), "{text}");
    snowcat(&path, &["show", "SALES.PUBLIC.OLD_TABLE", "--at", "1"]).success();
    // A time picks the last run finished by then: run 1 finished two days ago (backdated by populate).
    let yesterday = (chrono::Utc::now() - chrono::Duration::days(1)).to_rfc3339();
    snowcat(&path, &["show", "SALES.PUBLIC.OLD_TABLE", "--at", &yesterday]).success();
    snowcat(&path, &["show", "SALES.PUBLIC.OLD_TABLE", "--at", "2000-01-01T00:00:00Z"]).failure().code(1);
    snowcat(&path, &["show", "SALES.PUBLIC.OLD_TABLE"]).failure().code(1);
    snowcat(&path, &["show", "NOT_QUALIFIED"]).failure().code(2);
    snowcat(&path, &["diff", "--kind", "nonsense"]).failure().code(2);

    let out = snowcat(&path, &["search", "order"]).success().get_output().stdout.clone();
    let text = String::from_utf8_lossy(&out);
    assert!(text.contains("SALES.PUBLIC.ORDERS"), "{text}");
    assert!(!text.contains("CUSTOMERS"), "{text}");
}

#[test]
fn a_newer_catalog_is_refused_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.db");
    drop(Catalog::open(&path).unwrap());
    rusqlite::Connection::open(&path).unwrap().execute_batch("PRAGMA user_version = 99").unwrap();
    let err = Catalog::open(&path).unwrap_err().to_string();
    assert!(err.contains("schema version 99") && err.contains("newer"), "{err}");
    let out = snowcat(&path, &["runs"]).failure().code(1).get_output().stderr.clone();
    assert!(String::from_utf8_lossy(&out).contains("newer than this snowcat"));
    snowcat(&path, &["migrate"]).failure();
    snowcat(&dir.path().join("missing.db"), &["runs"]).failure().code(2);
}

/// The `stopped_pipelines` example finds a suspended task and a stale stream (volatile state).
#[test]
fn the_stopped_pipelines_example_finds_suspended_tasks_and_stale_streams() {
    use snowcat::catalog::{
        Catalog, Object, ObjectKind, RunCounts, RunStatus, ScopeKey, Stream, StreamStats, Task,
    };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.db");
    let mut cat = Catalog::open(&path).unwrap();
    let mut w = cat.begin_run("acct").unwrap();
    let place = |n: &str| ("D".to_string(), "S".to_string(), n.to_string());
    let (database, schema, name) = place("NIGHTLY");
    let task = Task { database, schema, name, state: Some("suspended".into()), ..Task::default() };
    let (database, schema, name) = place("CHANGES");
    let stats = StreamStats { stale: Some(true), ..StreamStats::default() };
    let stream = Stream { database, schema, name, stats, ..Stream::default() };
    let scope = |kind| ScopeKey::Kind { kind, database: Some("D".into()), schema: None };
    w.put(&scope(ObjectKind::Task), [Object::Task(task)]).unwrap();
    w.put(&scope(ObjectKind::Stream), [Object::Stream(stream)]).unwrap();
    w.commit(RunStatus::Complete, RunCounts::default()).unwrap();
    drop(cat);
    let rows = run_query(&path, &examples()["stopped_pipelines"]);
    assert_eq!(rows, [["stream", "D.S.CHANGES", "stale"], ["task", "D.S.NIGHTLY", "suspended"]]);
}
