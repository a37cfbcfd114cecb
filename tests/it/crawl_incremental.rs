//! Incremental crawls against the emulator: an unchanged re-crawl reads no columns and ledgers them
//! `carried`; DDL that moves CREATED or LAST_DDL is re-read and recorded exactly as a full crawl records
//! it; the runs that must be full are; the blind spots (changes that move no LAST_DDL) are either caught
//! by a statement every run makes or left to the next full reconcile, as docs/crawl.md lists them.

use std::path::Path;

use snowcat::catalog::{Catalog, RunMode};
use snowcat::crawl::CrawlOptions;
use snowflake_emulator::EmulatorHandle;

use super::crawl_incremental_support::{changes_of, current_of, ddl};
use super::crawl_support::{crawl, sample, start, statements};

fn columns_statements(emu: &EmulatorHandle) -> usize {
    statements(emu).iter().filter(|s| s.contains("INFORMATION_SCHEMA.COLUMNS")).count()
}

fn full() -> CrawlOptions {
    CrawlOptions { full: true, ..CrawlOptions::default() }
}

/// (scope, outcome, read_run) of the latest run's coverage_v rows.
fn coverage(db: &Path) -> Vec<(String, String, Option<i64>)> {
    let cat = Catalog::open(db).unwrap();
    let mut stmt =
        cat.connection().prepare("SELECT scope, outcome, read_run FROM coverage_v ORDER BY scope").unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).unwrap().map(Result::unwrap).collect()
}

fn run_modes(db: &Path) -> Vec<(String, String, i64)> {
    let cat = Catalog::open(db).unwrap();
    let mut stmt =
        cat.connection().prepare("SELECT status, mode, carried_scopes FROM runs_v ORDER BY run_id").unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).unwrap().map(Result::unwrap).collect()
}

#[tokio::test]
async fn an_unchanged_recrawl_reads_no_columns_and_ledgers_them_carried() {
    let emu = start(sample(), 10_000, None).await;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    let first = crawl(&emu, &db, &CrawlOptions::default()).await;
    assert_eq!((first.mode, first.mode_reason.as_str()), (RunMode::Full, "first run"));
    let read = columns_statements(&emu);
    assert!(read > 0);
    let before = current_of(&db);

    let second = crawl(&emu, &db, &CrawlOptions::default()).await;
    assert_eq!(second.mode, RunMode::Incremental, "{}", second.render_text());
    assert_eq!(second.status, snowcat::catalog::RunStatus::Complete, "{}", second.render_text());
    assert_eq!(columns_statements(&emu), read, "no COLUMNS statement in an unchanged incremental run");
    assert_eq!(second.total_changes(), 0);
    assert!(second.statements < first.statements, "{} vs {}", second.statements, first.statements);
    assert!(second.bytes_received < first.bytes_received);
    assert_eq!(current_of(&db), before, "the catalog's state is what the full run left");
    let run1 = first.run_id.unwrap();
    let cov = coverage(&db);
    assert!(
        cov.iter().any(|(s, o, r)| s == "columns:SALES.CORE" && o == "carried" && *r == Some(run1)),
        "{cov:?}"
    );
    assert!(cov.iter().all(|(_, o, _)| o == "carried"), "nothing but carried scopes: {cov:?}");

    // A third run carries from the run that last READ the scope, not from the run that carried it.
    crawl(&emu, &db, &CrawlOptions::default()).await;
    let cov = coverage(&db);
    assert!(cov.iter().any(|(s, _, r)| s == "columns:SALES.CORE" && *r == Some(run1)), "{cov:?}");
    let modes = run_modes(&db);
    assert_eq!((modes[0].0.as_str(), modes[0].1.as_str()), ("complete", "full"));
    assert_eq!((modes[1].0.as_str(), modes[1].1.as_str()), ("complete", "incremental"));
    assert!(modes[1].2 > 0 && modes[0].2 == 0, "{modes:?}");
}

/// DDL of every kind that moves CREATED or LAST_DDL, between two crawls.
const DDL: [&str; 9] = [
    "ALTER TABLE SALES.CORE.PRODUCTS ADD COLUMN COLOR VARCHAR(20)",
    "ALTER TABLE SALES.CORE.CUSTOMERS DROP COLUMN CREATED_AT",
    "ALTER TABLE SALES.CORE.ORDERS RENAME COLUMN STATUS TO ORDER_STATUS",
    "ALTER TABLE FINANCE.DIM.CURRENCIES ALTER COLUMN NAME SET DATA TYPE VARCHAR(80)",
    "CREATE OR REPLACE TABLE SALES.STAGING.RAW_EVENTS (EVENT_ID NUMBER, BODY VARIANT)",
    "ALTER TABLE SALES.CORE.ORDER_LINES RENAME TO SALES.CORE.ORDER_ITEMS",
    "DROP TABLE SALES.\"Legacy Import\".lower_case_table",
    "CREATE TABLE \"marketing db\".\"Campaigns 2025\".SPEND (CAMPAIGN_ID INT, AMOUNT NUMBER(12,2))",
    "COMMENT ON TABLE SALES.REPORTING.DAILY_REVENUE IS 'revenue per day'",
];

#[tokio::test]
async fn changed_tables_are_reread_and_recorded_as_a_full_crawl_records_them() {
    let emu = start(sample(), 10_000, None).await;
    let dir = tempfile::tempdir().unwrap();
    let (inc, all) = (dir.path().join("inc.db"), dir.path().join("full.db"));
    crawl(&emu, &inc, &CrawlOptions::default()).await;
    crawl(&emu, &all, &full()).await;
    for sql in DDL {
        ddl(&emu, sql).await;
    }
    let before = columns_statements(&emu);
    let a = crawl(&emu, &inc, &CrawlOptions::default()).await;
    let batches = columns_statements(&emu) - before;
    let b = crawl(&emu, &all, &full()).await;
    assert_eq!((a.mode, b.mode), (RunMode::Incremental, RunMode::Full));
    assert!(batches > 0 && batches <= 5, "one exact-name batch per changed database, got {batches}");
    assert_eq!(current_of(&inc), current_of(&all), "the same current state");
    let (ca, cb) = (changes_of(&inc, a.run_id.unwrap()), changes_of(&all, b.run_id.unwrap()));
    assert_eq!(ca, cb, "the same change rows");
    for want in ["column/added SALES.CORE.PRODUCTS.COLOR", "column/removed SALES.CORE.CUSTOMERS.CREATED_AT"] {
        assert!(ca.iter().any(|c| c.starts_with(want)), "{want} missing from {ca:#?}");
    }
    assert!(ca.iter().any(|c| c.starts_with("table/replaced SALES.STAGING.RAW_EVENTS")), "{ca:#?}");
}

#[tokio::test]
async fn runs_that_must_be_full_are_and_say_why() {
    let emu = start(sample(), 10_000, None).await;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    crawl(&emu, &db, &CrawlOptions::default()).await;
    let r = crawl(&emu, &db, &full()).await;
    assert_eq!((r.mode, r.mode_reason.as_str()), (RunMode::Full, "requested"));
    let every_run = CrawlOptions { full_every_hours: 0, ..CrawlOptions::default() };
    let r = crawl(&emu, &db, &every_run).await;
    assert_eq!((r.mode, r.mode_reason.as_str()), (RunMode::Full, "full_every_hours elapsed"));
    // A run that did not complete (its deadline passed at once) makes the next one full.
    let hurried =
        CrawlOptions { deadline: Some(std::time::Duration::from_millis(1)), ..CrawlOptions::default() };
    let r = crawl(&emu, &db, &hurried).await;
    assert_ne!(r.status, snowcat::catalog::RunStatus::Complete, "{}", r.render_text());
    let r = crawl(&emu, &db, &CrawlOptions::default()).await;
    assert_eq!((r.mode, r.mode_reason.as_str()), (RunMode::Full, "the last run did not complete"));
    let r = crawl(&emu, &db, &CrawlOptions::default()).await;
    assert_eq!(r.mode, RunMode::Incremental);
    // After a catalog schema change (runs recorded by an older snowcat have no catalog_version).
    Catalog::open(&db).unwrap().connection().execute("UPDATE runs SET catalog_version = NULL", []).unwrap();
    let r = crawl(&emu, &db, &CrawlOptions::default()).await;
    assert_eq!((r.mode, r.mode_reason.as_str()), (RunMode::Full, "the catalog's schema changed"));
}

#[tokio::test]
async fn blind_spots_are_caught_by_every_run_or_by_the_next_full_reconcile() {
    let emu = start(sample(), 10_000, None).await;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    crawl(&emu, &db, &CrawlOptions::default()).await;
    // Grants and revokes move no LAST_DDL, but the grant listings run in every run.
    ddl(&emu, "GRANT SELECT ON TABLE SALES.CORE.ORDERS TO ROLE \"Marketing Ops\"").await;
    // COMMENT ON COLUMN moves no LAST_DDL (Snowflake documents no effect; the emulator moves none).
    ddl(&emu, "COMMENT ON COLUMN SALES.CORE.ORDERS.TOTAL IS 'gross, in cents'").await;
    let r = crawl(&emu, &db, &CrawlOptions::default()).await;
    assert_eq!(r.mode, RunMode::Incremental);
    let c = changes_of(&db, r.run_id.unwrap());
    assert!(
        c.iter().any(|c| c.starts_with("grant/added ROLE.Marketing Ops.TABLE.SALES.CORE.ORDERS")),
        "{c:#?}"
    );
    assert!(!c.iter().any(|c| c.contains("ORDERS.TOTAL")), "the column comment waits for a full run: {c:#?}");
    let r = crawl(&emu, &db, &full()).await;
    let c = changes_of(&db, r.run_id.unwrap());
    assert!(c.iter().any(|c| c.starts_with("column/modified SALES.CORE.ORDERS.TOTAL.")), "{c:#?}");
}

/// Through the binary: the second `crawl --once` is incremental, `--full` forces a full one, and the
/// summary and `--format json` say which and why.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cli_says_which_mode_and_full_forces_a_full_run() {
    let emu = start(sample(), 10_000, None).await;
    let dir = tempfile::tempdir().unwrap();
    let base = super::crawl_support::crawl_once_args(&emu.base_url(), dir.path());
    let first = super::crawl_support::snowcat(base.clone()).await;
    let text = String::from_utf8_lossy(&first.stdout).to_string();
    assert!(text.contains("mode: full (first run)"), "{text}");
    let second = super::crawl_support::snowcat(base.clone()).await;
    let text = String::from_utf8_lossy(&second.stdout).to_string();
    assert_eq!(second.status.code(), Some(0), "{text}");
    assert!(text.contains("mode: incremental"), "{text}");
    let mut full = base.clone();
    full.extend(["--full".into(), "--format".into(), "json".into()]);
    let third = super::crawl_support::snowcat(full).await;
    let json: serde_json::Value = serde_json::from_slice(&third.stdout).unwrap();
    assert_eq!((json["mode"].as_str(), json["mode_reason"].as_str()), (Some("full"), Some("requested")));
}
