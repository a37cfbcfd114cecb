//! `grant_source = account_usage` against the emulator's SNOWFLAKE.ACCOUNT_USAGE views: two statements
//! record the same grants and role memberships as SHOW GRANTS per role; a revoke (kept in the view with
//! DELETED_ON set) reads as removed; a role that may not read ACCOUNT_USAGE gets a denied grants scope and
//! no grant reads as removed.

use std::collections::BTreeMap;
use std::time::Duration;

use crate::crawl_support::*;
use snowcat::catalog::{Catalog, Object, ObjectKind, RunStatus};
use snowcat::crawl::{CrawlOptions, GrantSource};
use snowcat::sqlapi::{ResultSet, StatementRequest};
use snowflake_emulator::EmulatorHandle;
use tokio_util::sync::CancellationToken;

fn usage() -> CrawlOptions {
    CrawlOptions { grant_source: GrantSource::AccountUsage, ..CrawlOptions::default() }
}

/// Grants and role memberships of the last run, by key.
fn grants(db: &std::path::Path) -> BTreeMap<String, Object> {
    snapshot(db)
        .into_iter()
        .filter(|o| matches!(o.kind(), ObjectKind::Grant | ObjectKind::RoleMembership))
        .map(|o| (o.key().display(), o))
        .collect()
}

async fn sql(emu: &EmulatorHandle, role: &str, text: &str) -> ResultSet {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    client(emu)
        .execute_collect(StatementRequest::new(text).role(role), deadline, CancellationToken::new())
        .await
        .unwrap_or_else(|e| panic!("{text}: {e}"))
}

#[tokio::test]
async fn account_usage_records_what_show_grants_records() {
    let emu = start(sample(), 10_000, None).await;
    let dir = tempfile::tempdir().unwrap();
    let (show_db, usage_db) = (dir.path().join("show.db"), dir.path().join("usage.db"));

    let shown = crawl(&emu, &show_db, &CrawlOptions::default()).await;
    assert_eq!(shown.status, RunStatus::Complete, "{}", shown.render_text());
    let before = statements(&emu).len();
    let used = crawl(&emu, &usage_db, &usage()).await;
    assert_eq!(used.status, RunStatus::Complete, "{}", used.render_text());

    // Two statements for every grant of the account, where SHOW needs three per role (the database roles'
    // holders still come from SHOW GRANTS OF DATABASE ROLE, one per database role).
    let run = &statements(&emu)[before..];
    let grant_statements: Vec<_> =
        run.iter().filter(|s| s.contains("GRANT") && !s.contains("OF DATABASE ROLE")).collect();
    assert_eq!(grant_statements.len(), 2, "{grant_statements:#?}");
    assert!(grant_statements.iter().all(|s| s.contains("SNOWFLAKE.ACCOUNT_USAGE")), "{grant_statements:#?}");

    let (by_show, by_usage) = (grants(&show_db), grants(&usage_db));
    assert!(by_show.len() > 50, "the sample account has grants: {}", by_show.len());
    let missing: Vec<_> = by_show.keys().filter(|k| !by_usage.contains_key(*k)).collect();
    let extra: Vec<_> = by_usage.keys().filter(|k| !by_show.contains_key(*k)).collect();
    assert!(missing.is_empty() && extra.is_empty(), "missing {missing:#?}\nextra {extra:#?}");
    for (key, o) in &by_show {
        assert_eq!(Some(o), by_usage.get(key), "{key}");
    }
}

#[tokio::test]
async fn a_revoke_reads_as_removed_although_the_view_keeps_the_row() {
    let emu = start(sample(), 10_000, None).await;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    assert_eq!(crawl(&emu, &db, &usage()).await.status, RunStatus::Complete);

    sql(&emu, "ACCOUNTADMIN", "REVOKE USAGE ON WAREHOUSE CRAWLER_WH FROM ROLE SNOWCAT_CRAWLER").await;
    sql(&emu, "ACCOUNTADMIN", "REVOKE ROLE SNOWCAT_CRAWLER FROM USER SNOWCAT").await;
    let kept = sql(
        &emu,
        "ACCOUNTADMIN",
        "SELECT PRIVILEGE, DELETED_ON FROM SNOWFLAKE.ACCOUNT_USAGE.GRANTS_TO_ROLES \
         WHERE NAME = 'CRAWLER_WH' AND GRANTEE_NAME = 'SNOWCAT_CRAWLER' AND DELETED_ON IS NOT NULL",
    )
    .await;
    assert_eq!(kept.rows.len(), 1, "the revoked grant stays in the view with DELETED_ON");

    let second = crawl(&emu, &db, &usage()).await;
    assert_eq!(second.status, RunStatus::Complete, "{}", second.render_text());
    let cat = Catalog::open(&db).unwrap();
    let mut removed: Vec<String> = cat
        .connection()
        .prepare("SELECT object_kind || ' ' || object_name FROM changes_v WHERE run_id = ?1 AND change = 'removed'")
        .unwrap()
        .query_map([second.run_id.unwrap()], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    removed.sort();
    assert_eq!(removed.len(), 3, "{removed:#?}");
    // SNOWCAT no longer reaches the PII table through the role: the cut path is reported too.
    assert_eq!(
        removed[0], "access_path REFERENCES on TABLE SALES.CORE.CUSTOMERS for USER SNOWCAT",
        "{removed:#?}"
    );
    assert!(removed[1].starts_with("grant USAGE on WAREHOUSE CRAWLER_WH"), "{removed:#?}");
    assert!(removed[2].starts_with("role_membership") && removed[2].contains("SNOWCAT"), "{removed:#?}");
}

#[tokio::test]
async fn a_role_without_access_to_account_usage_is_denied_not_emptied() {
    let emu = start(sample(), 10_000, None).await;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    assert_eq!(crawl(&emu, &db, &usage()).await.status, RunStatus::Complete);
    let grants_before = grants(&db).len();

    // SNOWCAT_CRAWLER has neither ACCOUNTADMIN nor IMPORTED PRIVILEGES on database SNOWFLAKE.
    let opts = CrawlOptions {
        role: Some("SNOWCAT_CRAWLER".into()),
        warehouse: Some("CRAWLER_WH".into()),
        ..usage()
    };
    let second = crawl(&emu, &db, &opts).await;
    assert_eq!(second.status, RunStatus::Partial, "{}", second.render_text());
    let gap = second.gaps.iter().find(|g| g.scope.starts_with("grants")).expect("a grants gap");
    assert_eq!((gap.outcome.as_str(), gap.code.as_deref()), ("denied", Some("002003")), "{gap:?}");
    let cat = Catalog::open(&db).unwrap();
    let removed: i64 = cat
        .connection()
        .query_row(
            "SELECT count(*) FROM changes_v WHERE run_id = ?1 AND change = 'removed' \
             AND object_kind IN ('grant', 'role_membership')",
            [second.run_id.unwrap()],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(removed, 0);
    assert_eq!(grants(&db).len(), grants_before);

    // IMPORTED PRIVILEGES on SNOWFLAKE opens the views to the role.
    sql(&emu, "ACCOUNTADMIN", "GRANT IMPORTED PRIVILEGES ON DATABASE SNOWFLAKE TO ROLE SNOWCAT_CRAWLER")
        .await;
    let third = crawl(&emu, &db, &opts).await;
    assert!(!third.gaps.iter().any(|g| g.scope.starts_with("grants")), "{}", third.render_text());
}
