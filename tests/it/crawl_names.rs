//! Names that try to break out of statements or patterns (quotes, `'`, `%`, `_`, spaces, unicode) are
//! crawled exactly, and a cancelled crawl ends `cancelled` without touching the last snapshot.

use std::time::Duration;

use crate::crawl_support::*;
use snowcat::catalog::{Object, ObjectKey, ObjectKind, RunStatus};
use snowcat::crawl::{CrawlOptions, NoProgress};
use snowflake_emulator::Emulator;
use snowflake_emulator::faults::{Faults, SlowRule};
use snowflake_emulator::model::Account;
use tokio_util::sync::CancellationToken;

const NAMES_SQL: &str = r#"
CREATE DATABASE "it's 100%_db";
CREATE SCHEMA "it's 100%_db"."a_b%'c";
CREATE TABLE "it's 100%_db"."a_b%'c"."o'neil ""q""" ("50%" INT, "x_y" TEXT, "ünï 'c'" DATE, CONSTRAINT "pk'1" PRIMARY KEY ("50%"));
CREATE TABLE "it's 100%_db"."a_b%'c".AXB (ID INT);
CREATE DATABASE "it_s 100%_db";
CREATE SCHEMA "it_s 100%_db".S;
CREATE TABLE "it_s 100%_db".S.T (C INT);
"#;

#[tokio::test]
async fn quotes_percent_underscore_and_unicode_names_round_trip() {
    let emu = start(Account::from_sql(NAMES_SQL).unwrap(), 10_000, None).await;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    let report = crawl(&emu, &db, &CrawlOptions::default()).await;
    assert_eq!(report.status, RunStatus::Complete, "{}", report.render_text());
    let objects = snapshot(&db);
    let keys: Vec<ObjectKey> = objects.iter().map(Object::key).collect();
    let d = "it's 100%_db";
    let s = "a_b%'c";
    let t = "o'neil \"q\"";
    for want in [
        ObjectKey::new(ObjectKind::Database, &[d]),
        ObjectKey::new(ObjectKind::Schema, &[d, s]),
        ObjectKey::new(ObjectKind::Table, &[d, s, t]),
        ObjectKey::new(ObjectKind::Table, &[d, s, "AXB"]),
        ObjectKey::new(ObjectKind::Column, &[d, s, t, "50%"]),
        ObjectKey::new(ObjectKind::Column, &[d, s, t, "ünï 'c'"]),
        ObjectKey::new(ObjectKind::Constraint, &[d, s, t, "pk'1", "PRIMARY KEY"]),
        ObjectKey::new(ObjectKind::Table, &["it_s 100%_db", "S", "T"]),
    ] {
        assert!(keys.contains(&want), "missing {}", want.display());
    }
    // Exactly the declared columns: a LIKE-style wildcard would have mixed the two look-alike databases.
    assert_eq!(count(&objects, ObjectKind::Column), 5);
    assert_eq!(count(&objects, ObjectKind::Table), 3);
}

#[tokio::test]
async fn a_cancelled_crawl_keeps_the_last_snapshot() {
    let faults = Faults {
        slow_statements: vec![SlowRule { contains: "INFORMATION_SCHEMA.COLUMNS".into(), ms: 5_000 }],
        ..Faults::default()
    };
    let emu = Emulator::builder(sample()).start().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    let first = crawl(&emu, &db, &CrawlOptions::default()).await;
    assert_eq!(first.status, RunStatus::Complete);
    let before = snapshot(&db);

    emu.set_faults(faults);
    let cancel = CancellationToken::new();
    let trigger = cancel.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(300)).await;
        trigger.cancel();
    });
    let client = client(&emu);
    let report = snowcat::crawl::crawl(&client, &db, "acct", &CrawlOptions::default(), &NoProgress, cancel)
        .await
        .unwrap();
    assert_eq!(report.status, RunStatus::Cancelled, "{}", report.render_text());
    assert_eq!(snapshot(&db), before);
    let runs = snowcat::catalog::Catalog::open(&db).unwrap().runs(Some("acct"), 10).unwrap();
    assert_eq!(runs.len(), 2);
    assert!(runs.iter().any(|r| r.status == "cancelled"), "{runs:?}");
}
