//! Helpers of the incremental-crawl tests: DDL through the SQL API, and a catalog's current state and
//! change rows as comparable text.
#![allow(dead_code)]

use std::path::Path;

use snowcat::catalog::Catalog;
use snowflake_emulator::EmulatorHandle;

/// Run one statement on the emulator as its default role (the account's administrator).
pub async fn ddl(emu: &EmulatorHandle, sql: &str) {
    let r = post(emu, sql).await;
    assert_eq!(r.status(), 200, "{sql}: {}", r.text().await.unwrap());
}

/// Like `ddl`, but a statement the emulator refuses (e.g. dropping a table already gone) is ignored.
pub async fn try_ddl(emu: &EmulatorHandle, sql: &str) -> bool {
    post(emu, sql).await.status() == 200
}

async fn post(emu: &EmulatorHandle, sql: &str) -> reqwest::Response {
    reqwest::Client::new()
        .post(format!("{}/api/v2/statements", emu.base_url()))
        .bearer_auth("test-token")
        .json(&serde_json::json!({ "statement": sql }))
        .send()
        .await
        .unwrap()
}

/// Every current version of account `acct`: `kind p1.p2.p3.p4.p5 attrs`, sorted.
pub fn current_of(db: &Path) -> Vec<String> {
    let cat = Catalog::open(db).unwrap();
    let mut stmt = cat
        .connection()
        .prepare(
            "SELECT kind || ' ' || p1 || '.' || p2 || '.' || p3 || '.' || p4 || '.' || p5 || ' ' || attrs
             FROM versions WHERE end_run IS NULL ORDER BY 1",
        )
        .unwrap();
    stmt.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect()
}

/// Run `run`'s change rows: `kind/change p1.p2.p3.p4.p5 field before -> after severity`, sorted.
pub fn changes_of(db: &Path, run: i64) -> Vec<String> {
    let cat = Catalog::open(db).unwrap();
    let mut stmt = cat
        .connection()
        .prepare(
            "SELECT kind || '/' || change || ' ' || p1 || '.' || p2 || '.' || p3 || '.' || p4 || '.' || p5
                 || ' ' || coalesce(field, '') || ' ' || coalesce(before, '') || ' -> ' || coalesce(after, '')
                 || ' ' || severity
             FROM changes WHERE run_id = ?1 ORDER BY 1",
        )
        .unwrap();
    stmt.query_map([run], |r| r.get(0)).unwrap().map(Result::unwrap).collect()
}
