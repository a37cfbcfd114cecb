//! The pipeline and code kinds across runs, over HTTP against the emulator's sample account: a secure
//! view's hidden text is never a change, a view definition breaks only with its columns, and a task
//! suspended, a stream gone stale and a dynamic table moved to another warehouse are recorded with the
//! severities docs/catalog.md gives.

use std::path::Path;
use std::time::Duration;

use crate::crawl_support::*;
use snowcat::catalog::query::{ChangeFilter, ChangeRow};
use snowcat::catalog::{Catalog, RunStatus};
use snowcat::crawl::CrawlOptions;
use snowflake_emulator::EmulatorHandle;
use tokio_util::sync::CancellationToken;

async fn admin(emu: &EmulatorHandle, sql: &str) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    client(emu)
        .execute_collect(snowcat::sqlapi::StatementRequest::new(sql), deadline, CancellationToken::new())
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

fn as_role(role: &str) -> CrawlOptions {
    CrawlOptions { role: Some(role.into()), ..CrawlOptions::default() }
}

/// The changes of the latest run.
fn latest(db: &Path) -> Vec<ChangeRow> {
    Catalog::open(db).unwrap().changes(&ChangeFilter::default()).unwrap()
}

fn view_text(db: &Path, view: &str) -> (Option<String>, i64) {
    let cat = Catalog::open(db).unwrap();
    cat.connection()
        .query_row("SELECT text, text_hidden FROM current_views WHERE view_name = ?1", [view], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap()
}

#[tokio::test]
async fn a_secure_views_hidden_text_is_never_a_change() {
    let emu = start(sample(), 10_000, None).await;
    admin(&emu, "GRANT MANAGE GRANTS ON ACCOUNT TO ROLE SNOWCAT_CRAWLER").await;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    // The crawler sees the secure view in SHOW (MANAGE GRANTS) but does not hold its owner role.
    let r = crawl(&emu, &db, &as_role("SNOWCAT_CRAWLER")).await;
    assert!(matches!(r.status, RunStatus::Complete | RunStatus::Partial), "{}", r.render_text());
    assert_eq!(view_text(&db, "VIP_CUSTOMERS"), (None, 1));
    // ACCOUNTADMIN holds SYSADMIN, the owner: the text appears, which is not a change either.
    let r = crawl(&emu, &db, &CrawlOptions::default()).await;
    assert_eq!(r.status, RunStatus::Complete, "{}", r.render_text());
    let (text, hidden) = view_text(&db, "VIP_CUSTOMERS");
    assert!(text.as_deref().is_some_and(|t| t.contains("SECURE VIEW")) && hidden == 0, "{text:?}");
    let views: Vec<_> = latest(&db).into_iter().filter(|c| c.object_kind == "view").collect();
    assert!(views.is_empty(), "first sight of a text is no change: {views:?}");
    // Hidden again: the last text seen is kept, and nothing is reported.
    let r = crawl(&emu, &db, &as_role("SNOWCAT_CRAWLER")).await;
    assert!(matches!(r.status, RunStatus::Complete | RunStatus::Partial), "{}", r.render_text());
    assert_eq!(view_text(&db, "VIP_CUSTOMERS"), (text, 1));
    let views: Vec<_> = latest(&db).into_iter().filter(|c| c.object_kind == "view").collect();
    assert!(views.is_empty(), "hidden is not changed: {views:?}");
}

#[tokio::test]
async fn definitions_severities_and_operational_changes() {
    let emu = start(sample(), 10_000, None).await;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    assert_eq!(crawl(&emu, &db, &CrawlOptions::default()).await.status, RunStatus::Complete);
    // Same columns, new logic: additive. New columns: breaking.
    admin(
        &emu,
        "CREATE OR REPLACE VIEW SALES.REPORTING.ACTIVE_CUSTOMERS COPY GRANTS AS \
         SELECT CUSTOMER_ID, EMAIL FROM SALES.CORE.CUSTOMERS WHERE NOT IS_ACTIVE",
    )
    .await;
    admin(
        &emu,
        "CREATE OR REPLACE VIEW FINANCE.LEDGER.BALANCES COPY GRANTS AS \
         SELECT ACCOUNT_ID, CURRENCY, SUM(AMOUNT) AS BALANCE FROM FINANCE.LEDGER.ENTRIES GROUP BY 1, 2",
    )
    .await;
    admin(&emu, "ALTER TASK SALES.PIPELINE.REFRESH_REPORTS SUSPEND").await;
    admin(&emu, "ALTER DYNAMIC TABLE SALES.PIPELINE.CUSTOMER_TOTALS SET WAREHOUSE = COMPUTE_WH").await;
    admin(&emu, "ALTER DYNAMIC TABLE SALES.PIPELINE.CUSTOMER_TOTALS SUSPEND").await;
    admin(&emu, "CREATE OR REPLACE TABLE SALES.PIPELINE.RAW_ORDERS (PAYLOAD VARIANT)").await;
    admin(&emu, "ALTER SEQUENCE SALES.PIPELINE.ORDER_SEQ SET INCREMENT = 5").await;
    admin(&emu, "DROP FUNCTION SALES.PIPELINE.NET_AMOUNT(NUMBER)").await;
    let r = crawl(&emu, &db, &CrawlOptions::default()).await;
    assert_eq!(r.status, RunStatus::Complete, "{}", r.render_text());
    let changes = latest(&db);
    let find = |kind: &str, name: &str, field: Option<&str>| -> Vec<&ChangeRow> {
        changes
            .iter()
            .filter(|c| c.object_kind == kind && c.object_name == name && c.field.as_deref() == field)
            .collect()
    };
    let sev = |kind, name, field| -> Vec<&str> {
        find(kind, name, field).iter().map(|c| c.severity.as_str()).collect()
    };
    assert_eq!(sev("view", "SALES.REPORTING.ACTIVE_CUSTOMERS", Some("text")), ["additive"]);
    assert_eq!(sev("view", "FINANCE.LEDGER.BALANCES", Some("text")), ["breaking"], "{changes:#?}");
    let task = find("task", "SALES.PIPELINE.REFRESH_REPORTS", Some("state"));
    assert_eq!(
        task.iter()
            .map(|c| (c.severity.as_str(), c.before.as_deref(), c.after.as_deref()))
            .collect::<Vec<_>>(),
        [("operational", Some("started"), Some("suspended"))]
    );
    assert_eq!(sev("dynamic_table", "SALES.PIPELINE.CUSTOMER_TOTALS", Some("warehouse")), ["additive"]);
    assert_eq!(
        sev("dynamic_table", "SALES.PIPELINE.CUSTOMER_TOTALS", Some("scheduling_state")),
        ["operational"]
    );
    assert_eq!(sev("stream", "SALES.PIPELINE.RAW_ORDERS_STREAM", Some("stale")), ["operational"]);
    assert_eq!(sev("sequence", "SALES.PIPELINE.ORDER_SEQ", Some("increment")), ["additive"]);
    // One overload dropped, the other kept.
    assert_eq!(sev("function", "SALES.PIPELINE.NET_AMOUNT(NUMBER)", None), ["breaking"]);
    assert!(find("function", "SALES.PIPELINE.NET_AMOUNT(NUMBER, FLOAT)", None).is_empty());
    // Nothing else among the pipeline kinds, and the next crawl of the unchanged account is quiet.
    let again = crawl(&emu, &db, &CrawlOptions::default()).await;
    assert_eq!(again.total_changes(), 0, "{:?}", again.changes_by_kind);
}

/// Switched off, a kind runs no statement and records nothing; its objects are not removed either (a
/// filtered kind's listing never completes).
#[tokio::test]
async fn a_switched_off_kind_costs_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    let first = start(sample(), 10_000, None).await;
    assert_eq!(crawl(&first, &db, &CrawlOptions::default()).await.status, RunStatus::Complete);
    let emu = start(sample(), 10_000, None).await;
    let mut opts = CrawlOptions::default();
    opts.filters.kinds.tasks = false;
    opts.filters.kinds.functions = false;
    let r = crawl(&emu, &db, &opts).await;
    assert_eq!(r.status, RunStatus::Complete, "{}", r.render_text());
    let stmts = statements(&emu);
    assert!(!stmts.iter().any(|s| s.contains("SHOW TASKS") || s.contains("USER FUNCTIONS")), "{stmts:#?}");
    assert!(!stmts.iter().any(|s| s.contains("INFORMATION_SCHEMA.FUNCTIONS")));
    let objects = snapshot(&db);
    assert_eq!(count(&objects, snowcat::catalog::ObjectKind::Task), 2, "kept, not removed");
    assert_eq!(count(&objects, snowcat::catalog::ObjectKind::Function), 3);
    assert_eq!(r.total_changes(), 0, "{:?}", r.changes_by_kind);
}
