//! The statement plan against generated accounts: the count is `19 + 7 x databases + 3 x roles + 2 x
//! database roles + 2 x policies` (plus the visibility check), never growing with tables or columns, SHOW pagination past the cap, the 090030 split down to table batches, and the
//! pipeline kinds' fallback from one account-wide SHOW to per-database and per-schema listings.

use crate::crawl_support::*;
use snowcat::catalog::{ObjectKind, RunStatus};
use snowcat::crawl::CrawlOptions;
use snowflake_emulator::model::{Account, GenerateSpec};

fn generated(databases: usize, schemas: usize, tables: usize, columns: usize) -> Account {
    Account::generate(GenerateSpec { databases, schemas, tables, columns })
}

fn count_like(stmts: &[String], needle: &str) -> usize {
    stmts.iter().filter(|s| s.contains(needle)).count()
}

#[tokio::test]
async fn statement_count_follows_the_plan_for_several_sizes() {
    for (d, s, t, c) in [(1, 2, 5, 3), (4, 3, 10, 4), (9, 2, 3, 2)] {
        let account = generated(d, s, t, c);
        let roles = account.roles.len();
        let emu = start(account.clone(), 10_000, None).await;
        let dir = tempfile::tempdir().unwrap();
        let report = crawl(&emu, &dir.path().join("c.db"), &CrawlOptions::default()).await;
        assert_eq!(report.status, RunStatus::Complete, "{}", report.render_text());
        let stmts = statements(&emu);
        assert_eq!(count_like(&stmts, "SHOW DATABASES"), 1);
        assert_eq!(count_like(&stmts, "SHOW WAREHOUSES"), 1);
        assert_eq!(count_like(&stmts, "SHOW SCHEMAS IN DATABASE"), d);
        assert_eq!(count_like(&stmts, "INFORMATION_SCHEMA.TABLES"), d);
        assert_eq!(count_like(&stmts, "INFORMATION_SCHEMA.COLUMNS"), d);
        assert_eq!(count_like(&stmts, "KEYS IN ACCOUNT"), 3);
        assert_eq!(count_like(&stmts, "SHOW ROLES"), 1);
        assert_eq!(count_like(&stmts, "SHOW GRANTS TO ROLE"), roles);
        assert_eq!(count_like(&stmts, "SHOW GRANTS OF ROLE"), roles);
        assert_eq!(count_like(&stmts, "SHOW FUTURE GRANTS TO ROLE"), roles);
        // Every generated schema has tables, so no visibility check is needed.
        assert_eq!(count_like(&stmts, "SCHEMATA"), 0);
        // One account-wide SHOW per pipeline kind; details once per database holding the kind.
        for show in ["VIEWS", "DYNAMIC TABLES", "STREAMS", "TASKS", "PIPES", "STAGES", "USER FUNCTIONS"] {
            assert_eq!(count_like(&stmts, &format!("SHOW {show} IN ACCOUNT")), 1, "{show}");
        }
        for show in ["USER PROCEDURES", "SEQUENCES"] {
            assert_eq!(count_like(&stmts, &format!("SHOW {show} IN ACCOUNT")), 1, "{show}");
        }
        for view in ["FUNCTIONS", "PROCEDURES", "SEQUENCES"] {
            assert_eq!(count_like(&stmts, &format!("INFORMATION_SCHEMA.{view}")), d, "{view}");
        }
        // Access (issue 16): database roles per database, two per database role, policies and tags
        // account-wide, two per policy (DESCRIBE, POLICY_REFERENCES), one ACCOUNT_USAGE.TAG_REFERENCES.
        let db_roles = account.database_roles.len();
        let policies = account.governance.policies.len();
        assert_eq!(count_like(&stmts, "SHOW DATABASE ROLES IN DATABASE"), d);
        assert_eq!(count_like(&stmts, "SHOW GRANTS TO DATABASE ROLE"), db_roles);
        assert_eq!(count_like(&stmts, "SHOW GRANTS OF DATABASE ROLE"), db_roles);
        assert_eq!(count_like(&stmts, "POLICIES IN ACCOUNT"), 2);
        assert_eq!(count_like(&stmts, "DESCRIBE"), policies);
        assert_eq!(count_like(&stmts, "POLICY_REFERENCES"), policies);
        assert_eq!(count_like(&stmts, "SHOW TAGS IN ACCOUNT"), 1);
        assert_eq!(count_like(&stmts, "ACCOUNT_USAGE.TAG_REFERENCES"), 1);
        assert_eq!(stmts.len(), 19 + 7 * d + 3 * roles + 2 * db_roles + 2 * policies, "{stmts:#?}");
        assert_eq!(report.statements as usize, stmts.len());
        let objects = snapshot(&dir.path().join("c.db"));
        assert_eq!(count(&objects, ObjectKind::Database), d);
        assert_eq!(count(&objects, ObjectKind::Schema), d * s);
        assert_eq!(count(&objects, ObjectKind::Table), d * s * t);
        assert_eq!(count(&objects, ObjectKind::Column), d * s * t * c);
    }
}

#[tokio::test]
async fn show_listings_paginate_past_the_cap() {
    let account = generated(7, 4, 2, 2);
    let emu = start(account, 3, None).await;
    let dir = tempfile::tempdir().unwrap();
    let mut opts = CrawlOptions { show_limit: 3, ..CrawlOptions::default() };
    opts.filters.kinds.warehouses = false;
    opts.filters.kinds.constraints = false;
    opts.filters.kinds.grants = false;
    let report = crawl(&emu, &dir.path().join("c.db"), &opts).await;
    assert_eq!(report.status, RunStatus::Complete, "{}", report.render_text());
    let stmts = statements(&emu);
    let pages: Vec<&String> = stmts.iter().filter(|s| s.starts_with("SHOW DATABASES")).collect();
    assert_eq!(pages.len(), 3, "{pages:#?}");
    assert!(pages[1].contains("LIMIT 3 FROM '"), "{}", pages[1]);
    // 4 schemas per database: pages of 3 and 1.
    assert_eq!(count_like(&stmts, "SHOW SCHEMAS IN DATABASE"), 7 * 2);
    let objects = snapshot(&dir.path().join("c.db"));
    assert_eq!(count(&objects, ObjectKind::Database), 7);
    assert_eq!(count(&objects, ObjectKind::Schema), 28);
    assert_eq!(count(&objects, ObjectKind::Table), 56);

    // SHOW WAREHOUSES cannot paginate: reaching the cap is a truncated scope and a partial run.
    opts.filters.kinds.warehouses = true;
    let report = crawl(&emu, &dir.path().join("c.db"), &opts).await;
    assert_eq!(report.status, RunStatus::Partial);
    assert!(
        report.gaps.iter().any(|g| g.scope == "warehouses" && g.outcome == "truncated"),
        "{:?}",
        report.gaps
    );
}

#[tokio::test]
async fn information_schema_too_much_data_splits_to_schemas_then_table_batches() {
    let account = generated(2, 3, 10, 5);
    let emu = start(account, 10_000, Some(25)).await;
    let dir = tempfile::tempdir().unwrap();
    let opts = CrawlOptions { column_batch: 4, ..CrawlOptions::default() };
    let report = crawl(&emu, &dir.path().join("c.db"), &opts).await;
    assert_eq!(report.status, RunStatus::Complete, "{}", report.render_text());
    let objects = snapshot(&dir.path().join("c.db"));
    assert_eq!(count(&objects, ObjectKind::Table), 60);
    assert_eq!(count(&objects, ObjectKind::Column), 300);
    let stmts = statements(&emu);
    // Tables: 1 database-wide (090030) + 3 per schema, per database.
    assert_eq!(count_like(&stmts, "INFORMATION_SCHEMA.TABLES"), 2 * 4);
    // Columns: 1 database-wide + 3 per schema (all 090030) + 3 batches of <= 4 tables per schema.
    assert_eq!(count_like(&stmts, "TABLE_NAME IN ("), 2 * 3 * 3);
    assert_eq!(count_like(&stmts, "INFORMATION_SCHEMA.COLUMNS"), 2 * (1 + 3 + 9));
}

#[tokio::test]
async fn key_listings_at_the_cap_are_rerun_per_database() {
    let account = generated(3, 1, 4, 2);
    let want: usize = account
        .databases
        .iter()
        .flat_map(|d| &d.schemas)
        .flat_map(|s| &s.tables)
        .map(|t| t.constraints.len())
        .sum();
    let emu = start(account, 10_000, None).await;
    let dir = tempfile::tempdir().unwrap();
    let mut opts = CrawlOptions { show_limit: 5, ..CrawlOptions::default() };
    opts.filters.kinds.warehouses = false;
    opts.filters.kinds.grants = false;
    let report = crawl(&emu, &dir.path().join("c.db"), &opts).await;
    assert_eq!(report.status, RunStatus::Complete, "{}", report.render_text());
    let stmts = statements(&emu);
    // 12 primary-key rows and 6 foreign-key rows reach the cap of 5; 3 unique-key rows do not.
    assert_eq!(count_like(&stmts, "SHOW PRIMARY KEYS IN DATABASE"), 3);
    assert_eq!(count_like(&stmts, "SHOW IMPORTED KEYS IN DATABASE"), 3);
    assert_eq!(count_like(&stmts, "SHOW UNIQUE KEYS IN DATABASE"), 0);
    let objects = snapshot(&dir.path().join("c.db"));
    assert_eq!(count(&objects, ObjectKind::Constraint), want);
}

#[tokio::test]
async fn the_crawl_future_is_send_so_the_daemon_can_spawn_it() {
    fn assert_send<T: Send>(t: T) -> T {
        t
    }
    let emu = start(generated(1, 1, 1, 1), 10_000, None).await;
    let dir = tempfile::tempdir().unwrap();
    let (client, path, opts) = (client(&emu), dir.path().join("c.db"), CrawlOptions::default());
    let fut = assert_send(snowcat::crawl::crawl(
        &client,
        &path,
        "acct",
        &opts,
        &snowcat::crawl::NoProgress,
        tokio_util::sync::CancellationToken::new(),
    ));
    assert_eq!(fut.await.unwrap().status, RunStatus::Complete);
}

/// More than 10,000 sequences (SHOW SEQUENCES truncates silently) and tasks (SHOW TASKS fails without
/// LIMIT): the account-wide listings reach the cap, each database is listed on its own, and every object
/// is recorded; a database still at the cap goes per schema (tasks paged with LIMIT ... FROM).
#[tokio::test]
async fn more_than_ten_thousand_objects_of_a_kind_crawl_through_the_fallback() {
    let mut account = generated(2, 2, 1, 1);
    snowflake_emulator::generate::add_sequences_and_tasks(&mut account, 2_600);
    let per_kind = 2 * 2 * 2_601;
    assert!(per_kind > 10_000);
    let emu = start(account.clone(), 10_000, None).await;
    let dir = tempfile::tempdir().unwrap();
    let mut opts = CrawlOptions::default();
    opts.filters.kinds.grants = false;
    let report = crawl(&emu, &dir.path().join("c.db"), &opts).await;
    assert_eq!(report.status, RunStatus::Complete, "{}", report.render_text());
    let objects = snapshot(&dir.path().join("c.db"));
    assert_eq!(count(&objects, ObjectKind::Sequence), per_kind);
    assert_eq!(count(&objects, ObjectKind::Task), per_kind);
    let stmts = statements(&emu);
    assert_eq!(count_like(&stmts, "SHOW TASKS IN ACCOUNT LIMIT 10000"), 1);
    assert_eq!(count_like(&stmts, "SHOW SEQUENCES IN ACCOUNT"), 1);
    assert_eq!(count_like(&stmts, "SHOW TASKS IN DATABASE"), 2);
    assert_eq!(count_like(&stmts, "SHOW SEQUENCES IN DATABASE"), 2);

    // A cap of 2,000 rows: each database (5,202 of each kind) is at the cap too, so schemas (2,601) are
    // listed one by one; tasks page past 2,000 with FROM, sequences (no LIMIT) are truncated, and a
    // truncated listing removes nothing.
    let emu = start(account, 2_000, None).await;
    let opts = CrawlOptions { show_limit: 2_000, ..opts };
    let report = crawl(&emu, &dir.path().join("c.db"), &opts).await;
    assert_eq!(report.status, RunStatus::Partial, "{}", report.render_text());
    let gaps: Vec<_> = report.missing().map(|g| (g.scope.as_str(), g.outcome.as_str())).collect();
    assert!(
        !gaps.is_empty() && gaps.iter().all(|(s, o)| s.starts_with("sequences:") && *o == "truncated"),
        "{gaps:?}"
    );
    let stmts = statements(&emu);
    assert!(
        count_like(&stmts, "SHOW TASKS IN SCHEMA") > 4,
        "paged per schema: {}",
        count_like(&stmts, "SHOW TASKS IN SCHEMA")
    );
    let objects = snapshot(&dir.path().join("c.db"));
    assert_eq!(count(&objects, ObjectKind::Task), per_kind, "every task, through FROM pages");
    assert_eq!(count(&objects, ObjectKind::Sequence), per_kind, "truncated listings remove nothing");
    assert!(report.changes_by_kind.keys().all(|k| !k.ends_with("/removed")), "{:?}", report.changes_by_kind);
}
