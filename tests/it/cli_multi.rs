//! Requests of several statements, as a user and as a library caller meet them: `snowcat sql` with
//! `;`-separated statements against the emulator's real engine prints one result per statement (its own
//! handle, rows and types), reports a failing statement the way Snowflake documents it (422 `100132`: the
//! statements before it ran without a result, the ones after it never ran), `--async` returns the parent
//! and `snowcat statement status` lists its children; `Client::execute_statements` streams each child's
//! partitions like a single statement's.

use std::collections::BTreeSet;
use std::process::{Command, Output};

use futures_util::StreamExt;
use snowcat::sqlapi::{StatementOutcome, StatementRequest};
use snowflake_emulator::requestlog::EntryKind;
use snowflake_emulator::{Emulator, EmulatorHandle};
use tokio_util::sync::CancellationToken;

use crate::sqlapi_support::{client, emulator, far};

const TOKEN: &str = "cli-multi-token";

struct Emu {
    handle: EmulatorHandle,
    dir: tempfile::TempDir,
}

async fn start() -> Emu {
    let mut account = snowflake_emulator::model::Account::empty();
    snowflake_emulator::ddl::load_script(
        &mut account,
        "CREATE DATABASE SALES; CREATE SCHEMA SALES.CORE; CREATE TABLE SALES.CORE.ORDERS (ID INT);",
    )
    .unwrap();
    let handle = Emulator::builder(account).token(TOKEN).start().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("token"), TOKEN).unwrap();
    Emu { handle, dir }
}

impl Emu {
    fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_snowcat"))
            .args(args)
            .env("SNOWCAT_URL", self.handle.base_url())
            .env("SNOWCAT_TOKEN_FILE", self.dir.path().join("token"))
            .env_remove("SNOWCAT_ACCOUNT")
            .output()
            .unwrap()
    }

    /// Handles the client fetched with `GET /api/v2/statements/{handle}`.
    fn fetched(&self) -> BTreeSet<String> {
        let log = self.handle.request_log();
        log.iter().filter(|e| e.kind == EntryKind::Status).filter_map(|e| e.handle.clone()).collect()
    }

    /// Statements the engine ran, in order.
    fn executed(&self) -> Vec<String> {
        let log = self.handle.request_log();
        log.iter().filter(|e| e.kind == EntryKind::Execution).filter_map(|e| e.statement.clone()).collect()
    }
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_statement_prints_its_own_result_and_every_child_is_fetched() {
    let emu = start().await;
    let text = "SELECT 1 AS A; SELECT 'two' AS B, 2 AS C; SELECT COUNT(*) AS N FROM SALES.INFORMATION_SCHEMA.TABLES \
                WHERE TABLE_SCHEMA = 'CORE'";
    let json = emu.run(&["sql", text, "--format", "json"]);
    assert_eq!(json.status.code(), Some(0), "{}", err(&json));
    let results: serde_json::Value = serde_json::from_str(&out(&json)).unwrap();
    let results = results.as_array().unwrap();
    assert_eq!(results.len(), 3, "one object per statement: {results:?}");
    let handles: BTreeSet<String> =
        results.iter().map(|r| r["handle"].as_str().unwrap().to_string()).collect();
    assert_eq!(handles.len(), 3, "each statement has its own handle");
    for (i, r) in results.iter().enumerate() {
        assert_eq!(r["statement"], i + 1);
        assert_eq!(r["status"], "succeeded");
    }
    assert_eq!(results[0]["rows"], serde_json::json!([{"A": 1}]));
    assert_eq!(results[1]["rows"][0]["B"], "two");
    assert_eq!(results[1]["rows"][0]["C"], 2);
    assert_eq!(results[2]["rows"], serde_json::json!([{"N": 1}]));
    assert_eq!(results[2]["sql"], text.split("; ").nth(2).unwrap());
    assert!(handles.is_subset(&emu.fetched()), "the emulator's log shows each child fetched");

    let table = emu.run(&["sql", text, "--format", "table"]);
    assert_eq!(table.status.code(), Some(0), "{}", err(&table));
    let text_out = out(&table);
    for n in 1..=3 {
        assert!(text_out.contains(&format!("-- statement {n} of 3 [")), "{text_out}");
    }
    assert_eq!(text_out.matches("(1 row)").count(), 3, "{text_out}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_statement_is_reported_as_snowflake_documents_it() {
    let emu = start().await;
    // The last statement fails: the two before it ran, and Snowflake returns no result for them.
    let last =
        emu.run(&["sql", "SELECT 1 AS A; SELECT 2 AS B; SELECT * FROM SALES.CORE.NOPE", "--format", "json"]);
    assert_eq!(last.status.code(), Some(1));
    let results: serde_json::Value = serde_json::from_str(&out(&last)).unwrap();
    let statuses: Vec<&str> =
        results.as_array().unwrap().iter().map(|r| r["status"].as_str().unwrap()).collect();
    assert_eq!(statuses, ["no_result", "no_result", "failed"]);
    let failed = &results[2];
    assert_eq!((failed["code"].as_str(), failed["sqlState"].as_str()), (Some("100132"), Some("P0000")));
    let message = failed["message"].as_str().unwrap();
    assert!(message.contains("Object 'SALES.CORE.NOPE' does not exist or not authorized."), "{message}");
    assert!(!message.contains("SYSTEM$MULTISTMT"), "the statement's own message, unwrapped: {message}");
    assert!(
        err(&last).contains("statement 3 of 3 failed: SQL error 100132 (SQL state P0000)"),
        "{}",
        err(&last)
    );
    assert_eq!(emu.executed().len(), 3, "all three ran");

    // A failure in the middle: the statement after it never runs.
    let middle =
        emu.run(&["sql", "SELECT 1 AS A; SELECT * FROM SALES.CORE.NOPE; SELECT 3 AS C", "--format", "table"]);
    assert_eq!(middle.status.code(), Some(1));
    let e = err(&middle);
    let lines: Vec<&str> = e.lines().collect();
    assert!(lines[0].starts_with("statement 1 of 3 ran, but a later statement failed"), "{e}");
    assert!(lines[1].starts_with("statement 2 of 3 failed: SQL error 100132"), "{e}");
    assert!(lines[2].starts_with("statement 3 of 3 did not run"), "{e}");
    assert_eq!(lines.get(3), Some(&"error: 1 of 3 statements failed"), "{e}");
    assert!(!emu.executed().iter().any(|s| s == "SELECT 3 AS C"), "{:?}", emu.executed());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn async_returns_the_parent_and_its_status_lists_the_children() {
    let emu = start().await;
    let submitted = emu.run(&["sql", "SELECT 1 AS A; SELECT 2 AS B", "--async"]);
    assert_eq!(submitted.status.code(), Some(0), "{}", err(&submitted));
    let parent = out(&submitted).trim().to_string();
    let mut children = Vec::new();
    for _ in 0..200 {
        let status = emu.run(&["statement", "status", &parent, "--format", "json"]);
        if let Ok(serde_json::Value::Array(items)) = serde_json::from_str::<serde_json::Value>(&out(&status))
        {
            children = items;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(children.len(), 2, "the parent lists its two statements");
    assert!(children.iter().all(|c| c["status"] == "succeeded"), "{children:?}");
    let second = children[1]["handle"].as_str().unwrap();
    assert_ne!(second, parent);
    let rows = emu.run(&["statement", "status", second, "--format", "json"]);
    let rows: serde_json::Value = serde_json::from_str(&out(&rows)).unwrap();
    assert_eq!(rows, serde_json::json!([{"B": 2}]), "a child is a statement of its own");
}

#[tokio::test]
async fn the_library_streams_every_partition_of_every_statement() {
    let emu = emulator().partition_rows(4).start().await.unwrap();
    let client = client(&emu);
    let req = StatementRequest::new("rows 10; rows 3");
    let mut results = client.execute_statements(req, far(), CancellationToken::new()).await.unwrap();
    assert_eq!(results.len(), 2);
    let mut counts = Vec::new();
    while let Some(r) = results.next().await {
        let StatementOutcome::Rows(mut rows) = r.outcome else {
            panic!("statement {:?} gave no rows", r.index)
        };
        let mut n = Vec::new();
        while let Some(row) = rows.next().await {
            n.push(row.unwrap().get::<i64>("N").unwrap().unwrap());
        }
        counts.push((r.index, r.text, n));
    }
    assert_eq!(counts[0], (Some(1), Some("rows 10".to_string()), (0..10).collect::<Vec<i64>>()));
    assert_eq!(counts[1], (Some(2), Some("rows 3".to_string()), vec![0, 1, 2]));
    // The child of 10 rows came in three partitions.
    let log = emu.request_log();
    let partitions =
        log.iter().filter(|e| e.kind == EntryKind::Status && e.partition.unwrap_or(0) > 0).count();
    assert_eq!(partitions, 2);

    // One statement is one result, its own.
    let mut one = client
        .execute_statements(StatementRequest::new("rows 2"), far(), CancellationToken::new())
        .await
        .unwrap();
    assert_eq!(one.len(), 1);
    let StatementOutcome::Rows(rows) = one.next().await.unwrap().outcome else { panic!("no rows") };
    assert_eq!(rows.handle(), one.parent_handle());
    assert!(one.next().await.is_none());
}
