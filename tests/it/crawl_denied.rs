//! A database the crawler's role may not use: SHOW lists it (MANAGE GRANTS) but INFORMATION_SCHEMA refuses
//! it (002003). The run goes on, ends `partial`, ledgers the scope as denied, and nothing under it is
//! reported removed.

use crate::crawl_support::*;
use snowcat::catalog::{Catalog, ObjectKind, RunStatus};
use snowcat::crawl::CrawlOptions;
use snowflake_emulator::model::Account;

#[tokio::test]
async fn a_denied_database_is_a_coverage_gap_not_a_removal() {
    let sql = format!(
        "{}\nUSE ROLE SECURITYADMIN;\nGRANT MANAGE GRANTS ON ACCOUNT TO ROLE SNOWCAT_CRAWLER;\n",
        snowflake_emulator::sample_sql()
    );
    let emu = start(Account::from_sql(&sql).unwrap(), 10_000, None).await;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");

    // First as ACCOUNTADMIN: HR and its table are recorded.
    let first = crawl(&emu, &db, &CrawlOptions::default()).await;
    assert_eq!(first.status, RunStatus::Complete, "{}", first.render_text());
    let hr_before: Vec<_> = snapshot(&db).into_iter().filter(|o| o.key().parts[0] == "HR").collect();
    assert!(hr_before.iter().any(|o| o.kind() == ObjectKind::Table));
    assert!(hr_before.iter().any(|o| o.kind() == ObjectKind::Column));

    // Then as the crawler role, which has no USAGE on HR.
    let opts = CrawlOptions {
        role: Some("SNOWCAT_CRAWLER".into()),
        warehouse: Some("CRAWLER_WH".into()),
        ..CrawlOptions::default()
    };
    let second = crawl(&emu, &db, &opts).await;
    assert_eq!(second.status, RunStatus::Partial, "{}", second.render_text());
    let gap = second.gaps.iter().find(|g| g.scope == "tables:HR").expect("tables:HR gap");
    assert_eq!((gap.outcome.as_str(), gap.code.as_deref()), ("denied", Some("002003")));
    let text = second.render_text();
    assert!(text.contains("tables:HR denied"), "{text}");

    // Nothing under HR was reported removed, and HR's objects are all still current.
    let run = second.run_id.unwrap();
    let cat = Catalog::open(&db).unwrap();
    let removed_under_hr: i64 = cat
        .connection()
        .query_row(
            "SELECT count(*) FROM changes WHERE run_id = ?1 AND change = 'removed' AND p1 = 'HR'",
            [run],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(removed_under_hr, 0);
    let hr_after: Vec<_> = snapshot(&db).into_iter().filter(|o| o.key().parts[0] == "HR").collect();
    assert_eq!(hr_after.len(), hr_before.len());
    // The ledger says why.
    let outcome: String = cat
        .connection()
        .query_row("SELECT outcome FROM scope_ledger WHERE run_id = ?1 AND scope = 'tables:HR'", [run], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(outcome, "denied");
}
