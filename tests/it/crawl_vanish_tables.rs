//! Tables and views that vanish from INFORMATION_SCHEMA between two crawls. INFORMATION_SCHEMA returns only
//! objects the role holds a privilege on, so a revoked table looks exactly like a dropped one there. With
//! MANAGE GRANTS the crawler asks SHOW (which still lists a revoked table) and removes only what was really
//! dropped; without it nothing in the schema is removed and the gap says `unverified`. Either way the
//! revoked table, its columns and constraints stay current, and a column dropped elsewhere in the same
//! schema is still reported.

use std::path::Path;
use std::time::Duration;

use crate::crawl_support::*;
use snowcat::catalog::{Catalog, Object, ObjectKey, ObjectKind, RunStatus};
use snowcat::crawl::{CrawlOptions, RunReport};
use snowflake_emulator::EmulatorHandle;
use snowflake_emulator::model::Account;
use tokio_util::sync::CancellationToken;

const ROLE: &str = "SNOWCAT_CRAWLER";

fn opts() -> CrawlOptions {
    CrawlOptions { role: Some(ROLE.into()), warehouse: Some("CRAWLER_WH".into()), ..CrawlOptions::default() }
}

/// Run `sql` through the SQL API as ACCOUNTADMIN.
async fn admin(emu: &EmulatorHandle, sql: &str) {
    let req = snowcat::sqlapi::StatementRequest::new(sql).role("ACCOUNTADMIN");
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    client(emu)
        .execute_collect(req, deadline, CancellationToken::new())
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

/// The sample account plus a throw-away table and view the crawler can see (future grants give it
/// REFERENCES), and MANAGE GRANTS for the crawler when `manage_grants`.
async fn setup(manage_grants: bool, info_limit: Option<usize>) -> EmulatorHandle {
    let mut sql = snowflake_emulator::sample_sql().to_string();
    sql.push_str("\nCREATE TABLE SALES.CORE.SCRAP (X INT, Y INT);\n");
    if manage_grants {
        sql.push_str("USE ROLE SECURITYADMIN;\nGRANT MANAGE GRANTS ON ACCOUNT TO ROLE SNOWCAT_CRAWLER;\n");
    }
    start(Account::from_sql(&sql).unwrap(), 10_000, info_limit).await
}

/// Between the runs: the crawler loses every privilege on CUSTOMERS (table) and ACTIVE_CUSTOMERS (view),
/// SCRAP and VIP_CUSTOMERS are really dropped, and PRODUCTS loses a column.
const CHANGES: [&str; 5] = [
    "REVOKE ALL PRIVILEGES ON TABLE SALES.CORE.CUSTOMERS FROM ROLE SNOWCAT_CRAWLER",
    "REVOKE ALL PRIVILEGES ON VIEW SALES.REPORTING.ACTIVE_CUSTOMERS FROM ROLE SNOWCAT_CRAWLER",
    "DROP TABLE SALES.CORE.SCRAP",
    "DROP VIEW SALES.REPORTING.VIP_CUSTOMERS",
    "ALTER TABLE SALES.CORE.PRODUCTS DROP COLUMN WEIGHT_KG",
];

fn objects_of(db: &Path, schema: &str, table: &str) -> Vec<Object> {
    snapshot(db)
        .into_iter()
        .filter(|o| {
            let p = &o.key().parts;
            matches!(o.kind(), ObjectKind::Table | ObjectKind::Column | ObjectKind::Constraint)
                && p[0] == "SALES"
                && p[1] == schema
                && p[2] == table
        })
        .collect()
}

/// `kind/name` of every change of `change` in run `run` under SALES, name = `schema.table[.column]`.
fn changes(db: &Path, run: i64, change: &str) -> Vec<String> {
    let cat = Catalog::open(db).unwrap();
    let mut stmt = cat
        .connection()
        .prepare(
            "SELECT kind, p2, p3, p4 FROM changes WHERE run_id = ?1 AND change = ?2 AND p1 = 'SALES'
             AND kind IN ('table', 'column', 'constraint') ORDER BY kind, p2, p3, p4",
        )
        .unwrap();
    stmt.query_map(rusqlite::params![run, change], |r| {
        let (k, s, t, c): (String, String, String, String) = (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?);
        Ok(if c.is_empty() || k != "column" { format!("{k}/{s}.{t}") } else { format!("{k}/{s}.{t}.{c}") })
    })
    .unwrap()
    .map(Result::unwrap)
    .collect()
}

/// (scope, outcome, error_code) rows of coverage_v for the latest run.
fn coverage(db: &Path) -> Vec<(String, String, Option<String>)> {
    let cat = Catalog::open(db).unwrap();
    let mut stmt = cat
        .connection()
        .prepare(
            "SELECT scope, outcome, error_code FROM coverage_v WHERE account_name = 'acct' ORDER BY scope",
        )
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).unwrap().map(Result::unwrap).collect()
}

fn vanish_checks(emu: &EmulatorHandle) -> Vec<String> {
    statements(emu).into_iter().filter(|s| s.starts_with("SHOW TERSE")).collect()
}

/// Crawl twice with nothing changed in between (no extra statement), apply [`CHANGES`], crawl again.
async fn scenario(
    emu: &EmulatorHandle,
    db: &Path,
    opts: &CrawlOptions,
) -> (Vec<Object>, Vec<Object>, RunReport) {
    let first = crawl(emu, db, opts).await;
    assert_ne!(first.status, RunStatus::Failed, "{}", first.render_text());
    let again = crawl(emu, db, opts).await;
    assert!(again.changes.is_empty(), "{}", again.render_text());
    assert_eq!(vanish_checks(emu), Vec::<String>::new(), "nothing vanished: no extra statement");
    let customers = objects_of(db, "CORE", "CUSTOMERS");
    let active = objects_of(db, "REPORTING", "ACTIVE_CUSTOMERS");
    assert!(customers.iter().any(|o| o.kind() == ObjectKind::Column), "{customers:?}");
    assert!(customers.iter().any(|o| o.kind() == ObjectKind::Constraint), "{customers:?}");
    assert!(active.iter().any(|o| o.kind() == ObjectKind::Column), "{active:?}");
    for sql in CHANGES {
        admin(emu, sql).await;
    }
    let r = crawl(emu, db, opts).await;
    assert_eq!(r.status, RunStatus::Partial, "{}", r.render_text());
    (customers, active, r)
}

#[tokio::test]
async fn with_manage_grants_a_revoked_table_is_a_gap_and_a_dropped_one_is_removed() {
    let emu = setup(true, None).await;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    let (customers, active, r) = scenario(&emu, &db, &opts()).await;
    assert_kept_and_removed(&db, &r, &customers, &active);
    // One SHOW per affected schema and kind, nothing for the others.
    assert_eq!(
        vanish_checks(&emu),
        [
            "SHOW TERSE TABLES IN SCHEMA \"SALES\".\"CORE\" LIMIT 10000",
            "SHOW TERSE VIEWS IN SCHEMA \"SALES\".\"REPORTING\" LIMIT 10000"
        ]
    );
    emu.shutdown().await;
}

/// The same when COLUMNS answers 090030 (20-row threshold) database-wide and for SALES.CORE: the per-schema
/// (SALES.REPORTING) and two-table batch (SALES.CORE) fallbacks ledger the kept tables' columns the same way.
#[tokio::test]
async fn with_manage_grants_and_column_fallbacks_the_outcome_is_the_same() {
    let emu = setup(true, Some(20)).await;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    let (customers, active, r) = scenario(&emu, &db, &CrawlOptions { column_batch: 2, ..opts() }).await;
    assert_kept_and_removed(&db, &r, &customers, &active);
    let all = statements(&emu);
    let columns_of = |schema: &str| {
        let schema = format!("TABLE_SCHEMA = '{schema}'");
        all.iter().filter(move |s| s.contains("INFORMATION_SCHEMA.COLUMNS") && s.contains(&schema))
    };
    assert!(columns_of("REPORTING").count() >= 3, "per schema in every crawl");
    assert!(columns_of("CORE").filter(|s| s.contains("TABLE_NAME IN (")).count() >= 6, "batches too");
    emu.shutdown().await;
}

fn assert_kept_and_removed(db: &Path, r: &RunReport, customers: &[Object], active: &[Object]) {
    let run = r.run_id.unwrap();

    // The revoked table and view are kept exactly as they were, columns and constraints included.
    assert_eq!(objects_of(db, "CORE", "CUSTOMERS"), customers);
    assert_eq!(objects_of(db, "REPORTING", "ACTIVE_CUSTOMERS"), active);
    // The real drops are removed (with their columns), and so is the dropped column; nothing else.
    assert_eq!(
        changes(db, run, "removed"),
        [
            "column/CORE.PRODUCTS.WEIGHT_KG",
            "column/CORE.SCRAP.X",
            "column/CORE.SCRAP.Y",
            "column/REPORTING.VIP_CUSTOMERS.CUSTOMER_ID",
            "table/CORE.SCRAP",
            "table/REPORTING.VIP_CUSTOMERS",
        ],
        "{}",
        r.render_text()
    );
    let modified = changes(db, run, "modified");
    assert!(modified.iter().all(|c| c == "table/CORE.PRODUCTS"), "only the altered table: {modified:?}");

    // The gap names the hidden objects, in the report and in coverage_v.
    for (scope, name) in [("tables:SALES.CORE", "CUSTOMERS"), ("tables:SALES.REPORTING", "ACTIVE_CUSTOMERS")]
    {
        let gap = r.gaps.iter().find(|g| g.scope == scope).unwrap_or_else(|| panic!("{}", r.render_text()));
        assert_eq!((gap.outcome.as_str(), gap.code.as_deref()), ("denied", Some("not_visible")), "{gap:?}");
        assert!(gap.message.as_deref().is_some_and(|m| m.contains(name) && m.contains("SHOW")), "{gap:?}");
    }
    let cov = coverage(db);
    let denied = |s: &str| (s.to_string(), "denied".to_string(), Some("not_visible".to_string()));
    for scope in [
        "tables:SALES.CORE",
        "columns:SALES.CORE.CUSTOMERS",
        "tables:SALES.REPORTING",
        "columns:SALES.REPORTING.ACTIVE_CUSTOMERS",
    ] {
        assert!(cov.contains(&denied(scope)), "{scope} missing from {cov:?}");
    }
    assert!(!cov.iter().any(|(s, ..)| s.contains("PRODUCTS") || s.contains("SCRAP")), "{cov:?}");
}

#[tokio::test]
async fn without_manage_grants_nothing_vanished_is_removed_and_the_gap_is_unverified() {
    let emu = setup(false, None).await;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    let before: Vec<ObjectKey> = {
        let (_, _, r) = scenario(&emu, &db, &opts()).await;
        let run = r.run_id.unwrap();
        // Only the column dropped from a table the role still sees is removed.
        assert_eq!(changes(&db, run, "removed"), ["column/CORE.PRODUCTS.WEIGHT_KG"], "{}", r.render_text());
        for (scope, name) in
            [("tables:SALES.CORE", "CUSTOMERS"), ("tables:SALES.REPORTING", "ACTIVE_CUSTOMERS")]
        {
            let gap =
                r.gaps.iter().find(|g| g.scope == scope).unwrap_or_else(|| panic!("{}", r.render_text()));
            assert_eq!(
                (gap.outcome.as_str(), gap.code.as_deref()),
                ("denied", Some("unverified")),
                "{gap:?}"
            );
            let m = gap.message.as_deref().unwrap_or_default();
            assert!(m.contains(name) && m.contains(ROLE) && m.contains("MANAGE GRANTS"), "{gap:?}");
        }
        snapshot(&db).iter().map(Object::key).collect()
    };
    // The dropped table and view are still current too: the role cannot tell them from revoked ones.
    for (schema, table) in [("CORE", "SCRAP"), ("REPORTING", "VIP_CUSTOMERS"), ("CORE", "CUSTOMERS")] {
        assert!(
            before.iter().any(|k| k.kind == ObjectKind::Table && k.parts[1] == schema && k.parts[2] == table),
            "{schema}.{table}"
        );
    }
    assert!(
        vanish_checks(&emu).is_empty(),
        "no SHOW TABLES without MANAGE GRANTS: {:?}",
        vanish_checks(&emu)
    );
    let cov = coverage(&db);
    let unverified = |s: &str| (s.to_string(), "denied".to_string(), Some("unverified".to_string()));
    for scope in ["tables:SALES.CORE", "columns:SALES.CORE.CUSTOMERS", "columns:SALES.CORE.SCRAP"] {
        assert!(cov.contains(&unverified(scope)), "{scope} missing from {cov:?}");
    }
    emu.shutdown().await;
}

/// The SHOW that verifies vanished tables pages by name like every single-parent SHOW listing: a revoked
/// table on a later page is still found, so it is kept, and the drop is still removed.
#[tokio::test]
async fn the_verifying_show_paginates() {
    let emu = setup(true, None).await;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    let paged = CrawlOptions { show_limit: 2, ..opts() };
    crawl(&emu, &db, &paged).await;
    let orders = objects_of(&db, "CORE", "ORDERS");
    assert!(!orders.is_empty());
    admin(&emu, "REVOKE ALL PRIVILEGES ON TABLE SALES.CORE.ORDERS FROM ROLE SNOWCAT_CRAWLER").await;
    admin(&emu, "DROP TABLE SALES.CORE.SCRAP").await;
    let r = crawl(&emu, &db, &paged).await;
    assert_eq!(objects_of(&db, "CORE", "ORDERS"), orders, "{}", r.render_text());
    let removed = changes(&db, r.run_id.unwrap(), "removed");
    assert_eq!(removed, ["column/CORE.SCRAP.X", "column/CORE.SCRAP.Y", "table/CORE.SCRAP"]);
    // CORE now has CUSTOMERS, ORDERS, ORDER_LINES, PRODUCTS: two full pages, then an empty one.
    assert_eq!(
        vanish_checks(&emu),
        [
            "SHOW TERSE TABLES IN SCHEMA \"SALES\".\"CORE\" LIMIT 2",
            "SHOW TERSE TABLES IN SCHEMA \"SALES\".\"CORE\" LIMIT 2 FROM 'ORDERS'",
            "SHOW TERSE TABLES IN SCHEMA \"SALES\".\"CORE\" LIMIT 2 FROM 'PRODUCTS'",
        ]
    );
    emu.shutdown().await;
}

/// Benchmark (ignored; `cargo test -p snowcat --test it crawl_vanish_tables:: -- --ignored --nocapture`, table count from
/// `SNOWCAT_BENCH_TABLES`, default 10,000 tables x 20 columns): what reading the previous state at crawl
/// start costs with the narrow read (databases, schemas, tables) against streaming the whole last run.
#[tokio::test]
#[ignore]
async fn bench_previous_state_read() {
    use snowcat::catalog::{Column, Database, RunCounts, Schema, ScopeKey, Table};
    let n: usize = std::env::var("SNOWCAT_BENCH_TABLES").ok().and_then(|v| v.parse().ok()).unwrap_or(10_000);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.db");
    let mut cat = Catalog::open(&path).unwrap();
    let mut w = cat.begin_run("acct").unwrap();
    w.put(&ScopeKey::Databases, [Object::Database(Database { name: "D".into(), ..Default::default() })])
        .unwrap();
    let schemas: Vec<Object> = (0..10)
        .map(|s| Object::Schema(Schema { database: "D".into(), name: format!("S{s}"), ..Default::default() }))
        .collect();
    w.put(&ScopeKey::Schemas { database: "D".into() }, schemas).unwrap();
    for t in 0..n {
        let (s, name) = (format!("S{}", t % 10), format!("T{t:07}"));
        let scope = ScopeKey::Tables { database: "D".into(), schema: None };
        let table = Table { database: "D".into(), schema: s.clone(), name: name.clone(), ..Table::default() };
        w.put(&scope, [Object::Table(Table { table_type: "BASE TABLE".into(), ..table })]).unwrap();
        let cols = (0..20).map(|c| {
            let col =
                Column { database: "D".into(), schema: s.clone(), table: name.clone(), ..Column::default() };
            Object::Column(Column { name: format!("C{c:02}"), data_type: "NUMBER".into(), ..col })
        });
        w.put(&ScopeKey::Columns { database: "D".into(), schema: None, table: None }, cols).unwrap();
    }
    w.commit(RunStatus::Complete, RunCounts::default()).unwrap();
    let cat = Catalog::open_read_only(&path).unwrap();
    let (mut all, mut narrow) = (0usize, 0usize);
    let started = std::time::Instant::now();
    cat.for_each_at("acct", None, |_, _| {
        all += 1;
        Ok(())
    })
    .unwrap();
    let whole = started.elapsed();
    let started = std::time::Instant::now();
    let kinds = [ObjectKind::Database, ObjectKind::Schema, ObjectKind::Table];
    cat.for_each_current("acct", &kinds, |_, _| {
        narrow += 1;
        Ok(())
    })
    .unwrap();
    let current = started.elapsed();
    println!("whole last run: {all} objects in {whole:?}; databases+schemas+tables: {narrow} in {current:?}");
    assert_eq!(narrow, 1 + 10 + n);
}

/// SHOW TABLES does not list external tables, so one gone from INFORMATION_SCHEMA cannot be verified even
/// with MANAGE GRANTS: it is kept and the schema's listing says `unverified`; no SHOW is spent on it.
#[tokio::test]
async fn a_vanished_external_table_is_unverified_even_with_manage_grants() {
    let emu = setup(true, None).await;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    admin(&emu, "GRANT REFERENCES ON EXTERNAL TABLE SALES.STAGING.EXT_CLICKS TO ROLE SNOWCAT_CRAWLER").await;
    crawl(&emu, &db, &opts()).await;
    let ext = objects_of(&db, "STAGING", "EXT_CLICKS");
    assert!(ext.iter().any(|o| o.kind() == ObjectKind::Column), "{ext:?}");
    admin(&emu, "REVOKE ALL PRIVILEGES ON EXTERNAL TABLE SALES.STAGING.EXT_CLICKS FROM ROLE SNOWCAT_CRAWLER")
        .await;
    let r = crawl(&emu, &db, &opts()).await;
    assert_eq!(objects_of(&db, "STAGING", "EXT_CLICKS"), ext, "{}", r.render_text());
    assert!(changes(&db, r.run_id.unwrap(), "removed").is_empty());
    let gap = r.gaps.iter().find(|g| g.scope == "tables:SALES.STAGING").expect("a gap");
    assert_eq!((gap.outcome.as_str(), gap.code.as_deref()), ("denied", Some("unverified")), "{gap:?}");
    assert!(gap.message.as_deref().is_some_and(|m| m.contains("EXT_CLICKS")), "{gap:?}");
    assert!(vanish_checks(&emu).is_empty(), "{:?}", vanish_checks(&emu));
    emu.shutdown().await;
}
