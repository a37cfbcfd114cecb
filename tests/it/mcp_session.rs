//! `snowcat mcp`'s session behaviour through the real binary: the read-only guard refuses writes before
//! Snowflake sees them, `--allow-write` widens it (and says so) and runs several statements as one request, a cancelled call cancels its statement on
//! Snowflake, the 2026-07-28 era works as well as the `initialize` one, and the server exits when its
//! client closes stdin, having written nothing but JSON-RPC to stdout.

use std::process::Stdio;
use std::time::Duration;

use rmcp::model::{CallToolRequestParams, ClientRequest, ProtocolVersion, Request};
use rmcp::service::PeerRequestOptions;
use rmcp::transport::TokioChildProcess;
use rmcp::{ClientLifecycleMode, ClientServiceExt};
use serde_json::{Value, json};
use snowflake_emulator::faults::{Faults, SlowRule};
use snowflake_emulator::requestlog::EntryKind;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

use crate::mcp_support::{column, fixture, ok, refused};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_read_only_guard_refuses_writes_before_snowflake_sees_them() {
    let fx = fixture(Faults::default(), None).await;
    let c = fx.connect(&[]).await;
    for (statement, says) in [
        ("DROP TABLE SALES.CORE.ORDERS", "DROP is not allowed in read-only mode"),
        ("insert into SALES.CORE.ORDERS values (1)", "INSERT is not allowed in read-only mode"),
        ("GRANT SELECT ON TABLE SALES.CORE.ORDERS TO ROLE PUBLIC", "GRANT is not allowed in read-only mode"),
        ("SELECT 1; DROP TABLE SALES.CORE.ORDERS", "holds 2 statements"),
        ("WITH x AS (SELECT 1) DELETE FROM SALES.CORE.ORDERS", "WITH statement that uses DELETE writes"),
        ("SHOW TABLES ->> DROP TABLE SALES.CORE.ORDERS", "DROP is not allowed"),
    ] {
        let e = refused(&c, "snowflake_execute_query", json!({"statement": statement})).await;
        assert!(e.contains(says), "{statement}: {e}");
    }
    let e = refused(
        &c,
        "snowflake_execute_query",
        json!({"statement": "SHOW DATABASES", "parameters": {"MULTI_STATEMENT_COUNT": 2}}),
    )
    .await;
    assert!(e.contains("MULTI_STATEMENT_COUNT 2 is refused"), "{e}");
    assert!(fx.submitted().is_empty(), "nothing reached Snowflake: {:?}", fx.submitted());
    // A read goes through, one statement per request.
    let a = ok(&c, "snowflake_execute_query", json!({"statement": "show warehouses like 'CRAWLER%';"})).await;
    assert_eq!(column(&a, "name"), ["CRAWLER_WH"]);
    let submit = fx.emu.request_log().into_iter().find(|e| e.kind == EntryKind::Submit).unwrap();
    assert_eq!(submit.statement.as_deref(), Some("show warehouses like 'CRAWLER%';"));
    c.cancel().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn allow_write_widens_the_guard_runs_several_statements_and_the_annotations_say_so() {
    let fx = fixture(Faults::default(), None).await;
    let c = fx.connect(&["--allow-write"]).await;
    let tools = c.list_all_tools().await.unwrap();
    let exec = tools.iter().find(|t| t.name == "snowflake_execute_query").unwrap();
    let a = exec.annotations.as_ref().unwrap();
    assert_eq!((a.read_only_hint, a.destructive_hint), (Some(false), Some(true)));
    assert!(exec.description.as_deref().unwrap().contains("--allow-write"));
    ok(&c, "snowflake_execute_query", json!({"statement": "CREATE ROLE MCP_WRITER"})).await;
    let roles = ok(&c, "snowflake_execute_query", json!({"statement": "SHOW ROLES LIKE 'MCP%'"})).await;
    assert_eq!(column(&roles, "name"), ["MCP_WRITER"]);
    // Several statements run as one request, one answer each.
    let sql = "CREATE ROLE MCP_A; CREATE ROLE MCP_B; SHOW ROLES LIKE 'MCP_%'";
    let many = ok(&c, "snowflake_execute_query", json!({"statement": sql})).await;
    let statements = many["statements"].as_array().unwrap();
    let statuses: Vec<&str> = statements.iter().map(|s| s["status"].as_str().unwrap()).collect();
    assert_eq!(statuses, ["succeeded"; 3], "{many}");
    assert_eq!(statements[2]["statement"], "SHOW ROLES LIKE 'MCP_%'");
    assert_eq!(column(&statements[2]["result"], "name"), ["MCP_A", "MCP_B", "MCP_WRITER"]);
    let submit = fx.emu.request_log().into_iter().rfind(|e| e.kind == EntryKind::Submit).unwrap();
    assert_eq!(submit.statement.as_deref(), Some(sql), "one request");
    // A failing statement: the ones before it ran without a result, the ones after it never ran.
    let sql = "CREATE ROLE MCP_C; SHOW TABLES IN SCHEMA NO_SUCH_DB.NOPE; CREATE ROLE MCP_D";
    let failed = ok(&c, "snowflake_execute_query", json!({"statement": sql})).await;
    let statuses: Vec<&str> =
        failed["statements"].as_array().unwrap().iter().map(|s| s["status"].as_str().unwrap()).collect();
    assert_eq!(
        (failed["status"].as_str(), statuses),
        (Some("failed"), vec!["no_result", "failed", "not_run"])
    );
    c.cancel().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancelled_call_cancels_its_statement_on_snowflake() {
    let slow = SlowRule { contains: "SLOW_MARKER".into(), ms: 120_000 };
    let fx = fixture(Faults { slow_statements: vec![slow], ..Faults::default() }, None).await;
    let c = fx.connect(&[]).await;
    let sql = "SELECT TABLE_NAME FROM SALES.INFORMATION_SCHEMA.TABLES WHERE TABLE_NAME = 'SLOW_MARKER'";
    let args = json!({"statement": sql}).as_object().cloned().unwrap();
    let request = ClientRequest::CallToolRequest(Request::new(
        CallToolRequestParams::new("snowflake_execute_query").with_arguments(args),
    ));
    let handle = c.peer().send_cancellable_request(request, PeerRequestOptions::no_options()).await.unwrap();
    let submit = fx
        .wait_for_log("the slow statement's submission", |e| {
            e.kind == EntryKind::Submit && e.statement.as_deref() == Some(sql) && e.handle.is_some()
        })
        .await;
    handle.cancel(Some("the user gave up".into())).await.unwrap();
    let statement = submit.handle.unwrap();
    let cancel = fx
        .wait_for_log("a cancel", |e| e.kind == EntryKind::Cancel && e.handle.as_deref() == Some(&statement))
        .await;
    assert_eq!(cancel.status, 200, "{cancel:?}");
    // The session goes on.
    let a = ok(&c, "snowflake_show_warehouses", json!({"like_pattern": "COMPUTE%"})).await;
    assert_eq!(column(&a, "name"), ["COMPUTE_WH"]);
    c.cancel().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_stateless_2026_07_28_era_works_too() {
    let fx = fixture(Faults::default(), None).await;
    let (transport, _) =
        TokioChildProcess::builder(fx.command(&["--catalog-only"])).stderr(Stdio::null()).spawn().unwrap();
    let lifecycle = ClientLifecycleMode::Discover { preferred_versions: vec![ProtocolVersion::V_2026_07_28] };
    let c = ().serve_with_lifecycle(transport, lifecycle).await.unwrap();
    let tools = c.list_all_tools().await.unwrap();
    assert!(
        tools.iter().all(|t| t.name.starts_with("catalog_")),
        "--catalog-only lists the catalog tools only"
    );
    // No catalog yet: the answer says how to get one.
    let e = refused(&c, "catalog_runs", json!({})).await;
    assert!(e.contains("no catalog at") && e.contains("snowcat crawl --once"), "{e}");
    fx.crawl().await;
    let runs = ok(&c, "catalog_runs", json!({})).await;
    assert_eq!(runs["runs"][0]["account_name"], "sample");
    c.cancel().await.unwrap();
}

/// One JSON-RPC message per line from the server, with a guard against a hang.
async fn next_message(lines: &mut tokio::io::Lines<BufReader<tokio::process::ChildStdout>>) -> Value {
    let line =
        tokio::time::timeout(Duration::from_secs(120), lines.next_line()).await.unwrap().unwrap().unwrap();
    serde_json::from_str(&line)
        .unwrap_or_else(|e| panic!("stdout carried a line that is not JSON ({e}): {line}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_exits_when_stdin_closes_and_stdout_is_only_json_rpc() {
    let fx = fixture(Faults::default(), None).await;
    let mut child = fx
        .command(&[])
        .env("RUST_LOG", "info")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    // Read stderr as it comes, so a chatty log can never block the server on a full pipe.
    let mut err = child.stderr.take().unwrap();
    let stderr = tokio::spawn(async move {
        let mut text = String::new();
        tokio::io::AsyncReadExt::read_to_string(&mut err, &mut text).await.map(|_| text)
    });
    let mut stdin = child.stdin.take().unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let init = json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "raw", "version": "0"}}});
    stdin.write_all(format!("{init}\n").as_bytes()).await.unwrap();
    let reply = next_message(&mut lines).await;
    assert_eq!(reply["result"]["protocolVersion"], "2025-11-25", "{reply}");
    assert_eq!(reply["result"]["serverInfo"]["name"], "snowcat");
    let initialized = json!({"jsonrpc": "2.0", "method": "notifications/initialized"});
    let list = json!({"jsonrpc": "2.0", "id": 2, "method": "tools/list"});
    stdin.write_all(format!("{initialized}\n{list}\n").as_bytes()).await.unwrap();
    let tools = next_message(&mut lines).await;
    assert_eq!(tools["result"]["tools"].as_array().map(Vec::len), Some(22), "{tools}");
    drop(stdin);
    let status = tokio::time::timeout(Duration::from_secs(120), child.wait()).await.unwrap().unwrap();
    assert_eq!(status.code(), Some(0));
    assert!(lines.next_line().await.unwrap().is_none(), "nothing after the answers");
    let stderr = stderr.await.unwrap().unwrap();
    assert!(stderr.contains("serving MCP on stdio"), "logs go to stderr: {stderr}");
    assert!(!stderr.contains(crate::mcp_support::TOKEN), "the token never reaches a log");
}
