//! The emulator's SQL API v2 protocol over real HTTP on 127.0.0.1, driven by plain reqwest, with a tiny
//! executor standing in for the engine. Expected shapes come from `shared/snowflake/sql-api-v2.md`.

use std::io::Read;
use std::time::Duration;

use serde_json::{Value as Json, json};
use snowflake_emulator::engine::{Binding, Session};
use snowflake_emulator::faults::{Faults, SlowRule};
use snowflake_emulator::requestlog::EntryKind;
use snowflake_emulator::result::{QueryResult, SqlError};
use snowflake_emulator::{Emulator, EmulatorBuilder, EmulatorHandle, Executor};

use snowflake_emulator::testing::test_statement;

/// Answers a few made-up statements: `rows N`, `types`, `fail`, anything else -> one row.
struct TestExecutor;

impl Executor for TestExecutor {
    fn execute(&mut self, session: &Session, sql: &str, _b: &[Binding]) -> Result<QueryResult, SqlError> {
        test_statement(session, sql)
    }

    fn role_exists(&self, role: &str) -> bool {
        matches!(role, "ACCOUNTADMIN" | "ANALYST")
    }
}

fn builder() -> EmulatorBuilder {
    Emulator::with_executor(TestExecutor).sync_threshold(Duration::from_secs(10))
}

fn client() -> reqwest::Client {
    reqwest::Client::builder().no_gzip().build().unwrap()
}

fn slow(contains: &str, ms: u64) -> Faults {
    Faults { slow_statements: vec![SlowRule { contains: contains.into(), ms }], ..Faults::default() }
}

async fn submit(emu: &EmulatorHandle, query: &str, body: Json) -> reqwest::Response {
    client()
        .post(format!("{}/api/v2/statements{query}", emu.base_url()))
        .bearer_auth("any-token")
        .header("Accept", "application/json")
        .header("User-Agent", "snowcat-tests/0.1")
        .json(&body)
        .send()
        .await
        .unwrap()
}

async fn get(emu: &EmulatorHandle, path: &str) -> reqwest::Response {
    client().get(format!("{}{path}", emu.base_url())).bearer_auth("any-token").send().await.unwrap()
}

async fn json_of(resp: reqwest::Response) -> (u16, Json) {
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap())
}

fn gunzip(bytes: &[u8]) -> Json {
    let mut text = String::new();
    flate2::read::GzDecoder::new(bytes).read_to_string(&mut text).unwrap();
    serde_json::from_str(&text).unwrap()
}

#[tokio::test]
async fn every_jsonv2_type_and_rowtype() {
    let emu = builder().start().await.unwrap();
    let (status, body) = json_of(submit(&emu, "", json!({"statement": "types"})).await).await;
    assert_eq!(status, 200);
    assert_eq!(body["code"], "090001");
    assert_eq!(body["sqlState"], "00000");
    assert_eq!(body["message"], "Statement executed successfully.");
    assert_eq!(body["resultSetMetaData"]["format"], "jsonv2");
    assert_eq!(body["resultSetMetaData"]["numRows"], 2);
    let types: Vec<&str> = body["resultSetMetaData"]["rowType"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["type"].as_str().unwrap())
        .collect();
    assert_eq!(
        types,
        [
            "fixed",
            "fixed",
            "real",
            "real",
            "real",
            "real",
            "text",
            "boolean",
            "date",
            "time",
            "timestamp_ntz",
            "timestamp_ltz",
            "timestamp_tz",
            "variant",
            "object",
            "array",
            "binary"
        ]
    );
    let rt = &body["resultSetMetaData"]["rowType"];
    assert_eq!(rt[0]["precision"], 10);
    assert_eq!(rt[0]["scale"], 2);
    assert_eq!(rt[0]["length"], Json::Null);
    assert_eq!(rt[6]["length"], 16777216);
    assert_eq!(rt[6]["byteLength"], 67108864);
    assert_eq!(rt[6]["precision"], Json::Null);
    assert_eq!(rt[9]["precision"], 0);
    assert_eq!(rt[9]["scale"], 9);
    assert_eq!(rt[16]["length"], 8388608);
    assert_eq!(rt[0]["database"], "DB");
    assert_eq!(rt[0]["collation"], Json::Null);
    let row = &body["data"][0];
    let expected = [
        "12.50",
        "12345678901234567890123456789012345678",
        "1.5",
        "NaN",
        "inf",
        "-inf",
        "héllo \"q\"",
        "true",
        "20735",
        "45296.123456789",
        "1791549296.123456789",
        "1791549296.123",
        "1791524096.123456789 1860",
        "\"s\"",
        "{\n  \"a\": 1\n}",
        "[\n  1,\n  2\n]",
        "DEADBEEF",
    ];
    for (i, want) in expected.iter().enumerate() {
        assert_eq!(row[i], *want, "column {i}");
    }
    assert!(body["data"][1].as_array().unwrap().iter().all(Json::is_null));
    let handle = body["statementHandle"].as_str().unwrap();
    let rid = body["requestId"].as_str().unwrap();
    assert_eq!(body["statementStatusUrl"], format!("/api/v2/statements/{handle}?requestId={rid}"));
    assert!(body["createdOn"].as_i64().unwrap() > 1_700_000_000_000);
}

#[tokio::test]
async fn nullable_false_renders_null_as_string() {
    let emu = builder().start().await.unwrap();
    let (status, body) = json_of(submit(&emu, "?nullable=false", json!({"statement": "types"})).await).await;
    assert_eq!(status, 200);
    assert!(body["data"][1].as_array().unwrap().iter().all(|c| c == "null"));
}

#[tokio::test]
async fn multi_partition_result_gzip_and_link() {
    let emu = builder().partition_rows(1000).start().await.unwrap();
    let resp = client()
        .post(format!("{}/api/v2/statements", emu.base_url()))
        .bearer_auth("t")
        .header("Accept-Encoding", "gzip")
        .json(&json!({"statement": "rows 2500"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["content-encoding"], "gzip");
    let link = resp.headers()["link"].to_str().unwrap().to_string();
    let body = gunzip(&resp.bytes().await.unwrap());
    let meta = &body["resultSetMetaData"];
    assert_eq!(meta["numRows"], 2500);
    let counts: Vec<i64> =
        meta["partitionInfo"].as_array().unwrap().iter().map(|p| p["rowCount"].as_i64().unwrap()).collect();
    assert_eq!(counts, [1000, 1000, 500]);
    assert_eq!(body["data"].as_array().unwrap().len(), 1000);
    let handle = body["statementHandle"].as_str().unwrap().to_string();
    assert!(link.contains(&format!("/api/v2/statements/{handle}?requestId=")));
    assert!(link.contains("&partition=1>; rel=\"next\""), "{link}");
    assert!(link.contains("&partition=2>; rel=\"last\""), "{link}");

    let mut seen = 1000;
    for n in 1..3 {
        let resp = client()
            .get(format!("{}/api/v2/statements/{handle}?partition={n}", emu.base_url()))
            .bearer_auth("t")
            .header("Accept-Encoding", "gzip")
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 200);
        assert_eq!(resp.headers()["content-encoding"], "gzip");
        let part = gunzip(&resp.bytes().await.unwrap());
        let obj = part.as_object().unwrap();
        assert_eq!(obj.keys().collect::<Vec<_>>(), ["data"], "partition > 0 carries only data");
        let rows = part["data"].as_array().unwrap();
        assert_eq!(rows[0][0], seen.to_string());
        seen += rows.len();
    }
    assert_eq!(seen, 2500);
    // Without Accept-Encoding the same partition comes back plain.
    let resp = get(&emu, &format!("/api/v2/statements/{handle}?partition=2")).await;
    assert!(resp.headers().get("content-encoding").is_none());
    let (_, part) = json_of(resp).await;
    assert_eq!(part["data"].as_array().unwrap().len(), 500);
}

#[tokio::test]
async fn async_statement_is_polled_to_completion() {
    let emu = builder().faults(slow("rows 3", 300)).start().await.unwrap();
    let (status, body) = json_of(submit(&emu, "?async=true", json!({"statement": "rows 3"})).await).await;
    assert_eq!(status, 202);
    assert_eq!(body["code"], "333334");
    assert!(body["message"].as_str().unwrap().starts_with("Asynchronous execution in progress."));
    let url = body["statementStatusUrl"].as_str().unwrap().to_string();
    assert!(!url.contains("requestId"), "202 status URL has no requestId");
    let mut polls = 0;
    let done = loop {
        let (status, body) = json_of(get(&emu, &url).await).await;
        if status == 200 {
            break body;
        }
        assert_eq!(status, 202);
        assert_eq!(body["code"], "333334");
        polls += 1;
        assert!(polls < 200, "statement never finished");
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert_eq!(done["resultSetMetaData"]["numRows"], 3);
    assert_eq!(done["data"][2][1], "row 2");
}

#[tokio::test]
async fn sync_post_turns_into_202_after_threshold() {
    let emu = builder().sync_threshold(Duration::ZERO).faults(slow("rows", 300)).start().await.unwrap();
    let (status, body) = json_of(submit(&emu, "", json!({"statement": "rows 1"})).await).await;
    assert_eq!(status, 202);
    assert_eq!(body["code"], "333334");
}

#[tokio::test]
async fn cancel_then_get_answers_000604() {
    let emu = builder().faults(slow("rows", 60_000)).start().await.unwrap();
    let (_, body) = json_of(submit(&emu, "?async=true", json!({"statement": "rows 1"})).await).await;
    let handle = body["statementHandle"].as_str().unwrap().to_string();
    let resp = client()
        .post(format!("{}/api/v2/statements/{handle}/cancel", emu.base_url()))
        .bearer_auth("t")
        .send()
        .await
        .unwrap();
    let (status, body) = json_of(resp).await;
    assert_eq!(status, 200);
    assert_eq!(body["code"], "000604");
    assert_eq!(body["statementStatusUrl"], format!("/api/statements/{handle}"));
    let (status, body) = json_of(get(&emu, &format!("/api/v2/statements/{handle}")).await).await;
    assert_eq!(status, 422);
    assert_eq!(body["code"], "000604");
    assert_eq!(body["sqlState"], "57014");
    let log = emu.request_log();
    assert!(log.iter().any(|e| e.kind == EntryKind::Cancel && e.handle.as_deref() == Some(&handle)));
    assert!(!log.iter().any(|e| e.kind == EntryKind::Execution), "a cancelled slow statement never ran");
}

#[tokio::test]
async fn retry_with_same_request_id_returns_the_original_without_running_again() {
    let emu = builder().start().await.unwrap();
    let rid = "11111111-2222-3333-4444-555555555555";
    let q = format!("?requestId={rid}&retry=true");
    let (s1, first) = json_of(submit(&emu, &q, json!({"statement": "rows 2"})).await).await;
    let (s2, second) = json_of(submit(&emu, &q, json!({"statement": "rows 5"})).await).await;
    assert_eq!((s1, s2), (200, 200));
    assert_eq!(first["statementHandle"], second["statementHandle"]);
    assert_eq!(first["createdOn"], second["createdOn"]);
    assert_eq!(second["requestId"], rid);
    assert_eq!(second["resultSetMetaData"]["numRows"], 2, "the new SQL text is ignored");
    assert_eq!(emu.log().executions_for_request(rid), 1);
    let submits: Vec<bool> =
        emu.request_log().iter().filter(|e| e.kind == EntryKind::Submit).map(|e| e.replayed).collect();
    assert_eq!(submits, [false, true]);
}

#[tokio::test]
async fn timeout_answers_408_and_cancels() {
    let emu = builder().faults(slow("rows", 60_000)).start().await.unwrap();
    let (status, body) = json_of(submit(&emu, "", json!({"statement": "rows 1", "timeout": 1})).await).await;
    assert_eq!(status, 408);
    assert_eq!(body["code"], "000630");
    assert_eq!(body["sqlState"], "57014");
    assert!(body["message"].as_str().unwrap().contains("timeout of 1 second(s)"));
    let handle = body["statementHandle"].as_str().unwrap();
    let (status, body) = json_of(get(&emu, &format!("/api/v2/statements/{handle}")).await).await;
    assert_eq!((status, body["code"].as_str().unwrap()), (422, "000630"));
}

#[tokio::test]
async fn failures_are_422_with_code_state_and_handle() {
    let emu = builder().start().await.unwrap();
    let (status, body) = json_of(submit(&emu, "", json!({"statement": "fail"})).await).await;
    assert_eq!(status, 422);
    assert_eq!(body["code"], "002003");
    assert_eq!(body["sqlState"], "02000");
    assert!(body["message"].as_str().unwrap().contains("does not exist or not authorized"));
    assert!(body["statementHandle"].as_str().is_some());
}

#[tokio::test]
async fn request_errors_empty_sql_multi_statement_and_role() {
    let emu = builder().start().await.unwrap();
    let (status, body) = json_of(submit(&emu, "", json!({"statement": "  "})).await).await;
    assert_eq!((status, body["code"].as_str().unwrap()), (400, "000900"));
    assert!(body["statementHandle"].is_null());
    let (status, body) = json_of(submit(&emu, "", json!({"statement": "select 1; select 2"})).await).await;
    assert_eq!((status, body["code"].as_str().unwrap()), (422, "000008"));
    assert_eq!(body["message"], "Actual statement count 2 did not match the desired statement count 1.");
    let (status, body) = json_of(submit(&emu, "", json!({"statement": "x", "role": "NOBODY"})).await).await;
    assert_eq!((status, body["code"].as_str().unwrap()), (400, "390186"));
    let (status, body) = json_of(submit(&emu, "", json!({"statement": "x", "role": "ANALYST"})).await).await;
    assert_eq!((status, body["data"][0][0].as_str().unwrap()), (200, "ANALYST"));
    let (status, body) = json_of(submit(&emu, "", json!({"statement": "x"})).await).await;
    assert_eq!((status, body["data"][0][0].as_str().unwrap()), (200, "ACCOUNTADMIN"), "default role");
    let resp = client()
        .post(format!("{}/api/v2/statements", emu.base_url()))
        .bearer_auth("t")
        .body("not json")
        .send()
        .await
        .unwrap();
    let (status, body) = json_of(resp).await;
    assert_eq!((status, body["code"].as_str().unwrap()), (400, "390142"));
}

#[tokio::test]
async fn unknown_handle_and_bad_partition_are_400() {
    let emu = builder().partition_rows(2).start().await.unwrap();
    let (status, body) =
        json_of(get(&emu, "/api/v2/statements/01ffffff-0000-0000-0000-000000000000").await).await;
    assert_eq!((status, body["code"].as_str().unwrap()), (400, "000709"));
    let (_, body) = json_of(submit(&emu, "", json!({"statement": "rows 3"})).await).await;
    let handle = body["statementHandle"].as_str().unwrap();
    for bad in ["2", "9", "-1", "x"] {
        let (status, body) =
            json_of(get(&emu, &format!("/api/v2/statements/{handle}?partition={bad}")).await).await;
        assert_eq!((status, body["code"].as_str().unwrap()), (400, "391922"), "partition={bad}");
    }
    assert!(body_message_names_range(&emu, handle).await);
}

async fn body_message_names_range(emu: &EmulatorHandle, handle: &str) -> bool {
    let (_, body) = json_of(get(emu, &format!("/api/v2/statements/{handle}?partition=9")).await).await;
    body["message"].as_str().unwrap().contains("between 0 and 1, but '9' is specified")
}

#[tokio::test]
async fn tokens_missing_wrong_and_by_type() {
    let emu = builder().token("right").start().await.unwrap();
    let url = format!("{}/api/v2/statements", emu.base_url());
    let body = json!({"statement": "x"});
    let (status, b) = json_of(client().post(&url).json(&body).send().await.unwrap()).await;
    assert_eq!((status, b["code"].as_str().unwrap()), (400, "390146"));
    let cases = [("KEYPAIR_JWT", "390144"), ("OAUTH", "390303")];
    for (ty, code) in cases {
        let resp = client()
            .post(&url)
            .bearer_auth("wrong")
            .header("X-Snowflake-Authorization-Token-Type", ty)
            .json(&body)
            .send()
            .await
            .unwrap();
        let (status, b) = json_of(resp).await;
        assert_eq!((status, b["code"].as_str().unwrap()), (401, code), "{ty}");
        assert!(!b.to_string().contains("wrong"), "the token is never echoed");
    }
    let (status, _) =
        json_of(client().post(&url).bearer_auth("right").json(&body).send().await.unwrap()).await;
    assert_eq!(status, 200);
    assert!(!serde_json::to_string(&emu.request_log()).unwrap().contains("right"));
}

#[tokio::test]
async fn scripted_and_seeded_rate_faults() {
    let emu = builder()
        .faults(Faults { next_statuses: vec![429, 503], ..Faults::default() })
        .start()
        .await
        .unwrap();
    let (s, b) = json_of(submit(&emu, "", json!({"statement": "x"})).await).await;
    assert_eq!((s, b["code"].as_str().unwrap()), (429, "390505"));
    assert_eq!(submit(&emu, "", json!({"statement": "x"})).await.status(), 503);
    assert_eq!(submit(&emu, "", json!({"statement": "x"})).await.status(), 200);
    assert_eq!(emu.log().snapshot().iter().filter(|e| e.kind == EntryKind::Execution).count(), 1);

    // The same seed gives the same sequence of 429s, on two separate servers.
    let faults = Faults { seed: 42, rate_429: 0.5, ..Faults::default() };
    let mut runs = Vec::new();
    for _ in 0..2 {
        let emu = builder().faults(faults.clone()).start().await.unwrap();
        let mut seq = Vec::new();
        for _ in 0..20 {
            seq.push(submit(&emu, "", json!({"statement": "x"})).await.status().as_u16());
        }
        runs.push(seq);
    }
    assert_eq!(runs[0], runs[1]);
    assert!(runs[0].contains(&429) && runs[0].contains(&200), "{:?}", runs[0]);
}

#[tokio::test]
async fn token_expiry_after_requests() {
    let emu = builder()
        .faults(Faults { token_expires_after_requests: Some(2), ..Faults::default() })
        .start()
        .await
        .unwrap();
    assert_eq!(submit(&emu, "", json!({"statement": "x"})).await.status(), 200);
    assert_eq!(submit(&emu, "", json!({"statement": "x"})).await.status(), 200);
    let (s, b) = json_of(submit(&emu, "", json!({"statement": "x"})).await).await;
    assert_eq!((s, b["code"].as_str().unwrap()), (401, "390318"));
    let fresh = client()
        .post(format!("{}/api/v2/statements", emu.base_url()))
        .bearer_auth("a-new-token")
        .json(&json!({"statement": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(fresh.status(), 200, "a new token works again");
}

#[tokio::test]
async fn reset_and_malformed_partitions() {
    let faults = Faults {
        reset_partition: Some(1),
        reset_times: 1,
        malformed_partition: Some(2),
        ..Faults::default()
    };
    let emu = builder().partition_rows(100).faults(faults).start().await.unwrap();
    let (_, body) = json_of(submit(&emu, "", json!({"statement": "rows 300"})).await).await;
    let handle = body["statementHandle"].as_str().unwrap();
    let p1 = format!("/api/v2/statements/{handle}?partition=1");
    let resp = client().get(format!("{}{p1}", emu.base_url())).bearer_auth("t").send().await;
    match resp {
        Ok(resp) => assert!(resp.bytes().await.is_err(), "the body is cut mid-way"),
        Err(err) => assert!(!err.is_status(), "the connection broke: {err}"),
    }
    let (s, healed) = json_of(get(&emu, &p1).await).await;
    assert_eq!((s, healed["data"].as_array().unwrap().len()), (200, 100));
    let text = get(&emu, &format!("/api/v2/statements/{handle}?partition=2")).await.text().await.unwrap();
    assert!(serde_json::from_str::<Json>(&text).is_err(), "malformed partition is not JSON");
}

#[tokio::test]
async fn admin_endpoints_set_faults_and_read_the_log() {
    let emu = builder().start().await.unwrap();
    let resp = client()
        .post(format!("{}/emulator/faults", emu.base_url()))
        .json(&json!({"next_statuses": [503]}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(emu.faults().next_statuses, [503]);
    assert_eq!(submit(&emu, "", json!({"statement": "x"})).await.status(), 503);
    assert_eq!(submit(&emu, "", json!({"statement": "x", "role": "ANALYST"})).await.status(), 200);
    let log: Json =
        client().get(format!("{}/emulator/log", emu.base_url())).send().await.unwrap().json().await.unwrap();
    let entries = log.as_array().unwrap();
    let statuses: Vec<(String, i64)> = entries
        .iter()
        .filter(|e| e["kind"] == "submit")
        .map(|e| (e["statement"].as_str().unwrap_or("").to_string(), e["status"].as_i64().unwrap()))
        .collect();
    assert_eq!(statuses, [("".to_string(), 503), ("x".to_string(), 200)]);
    let exec = entries.iter().find(|e| e["kind"] == "execution").unwrap();
    assert_eq!(exec["role"], "ANALYST");
    assert_eq!(exec["code"], "090001");
    let bad = client()
        .post(format!("{}/emulator/faults", emu.base_url()))
        .body("{\"nope\":1}")
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);
}

#[tokio::test]
async fn server_stops_on_drop() {
    let emu = builder().start().await.unwrap();
    let base = emu.base_url();
    drop(emu);
    tokio::time::sleep(Duration::from_millis(50)).await;
    let fresh = reqwest::Client::builder().no_gzip().pool_max_idle_per_host(0).build().unwrap();
    assert!(fresh.get(format!("{base}/emulator/log")).send().await.is_err());
}

#[tokio::test]
async fn multi_statement_request_has_child_handles() {
    let emu = builder().start().await.unwrap();
    let body =
        json!({"statement": "rows 2; use role ANALYST; x", "parameters": {"MULTI_STATEMENT_COUNT": "3"}});
    let (status, parent) = json_of(submit(&emu, "", body).await).await;
    assert_eq!(status, 200);
    assert_eq!(parent["resultSetMetaData"]["rowType"][0]["name"], "multiple statement execution");
    assert_eq!(parent["data"], json!([["Multiple statements executed successfully."]]));
    let children: Vec<String> = parent["statementHandles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h.as_str().unwrap().to_string())
        .collect();
    assert_eq!(children.len(), 3);
    let (s, first) = json_of(get(&emu, &format!("/api/v2/statements/{}", children[0])).await).await;
    assert_eq!((s, first["resultSetMetaData"]["numRows"].as_i64().unwrap()), (200, 2));
    let (_, third) = json_of(get(&emu, &format!("/api/v2/statements/{}", children[2])).await).await;
    assert_eq!(
        third["data"][0][0], "ANALYST",
        "USE ROLE inside the request changes the next statement's role"
    );

    // Count 0 means "any number"; a failure stops the rest and fails the parent with 100132.
    let body = json!({"statement": "x; fail; rows 1", "parameters": {"MULTI_STATEMENT_COUNT": 0}});
    let (status, failed) =
        json_of(submit(&emu, "?requestId=22222222-0000-4000-8000-000000000000", body).await).await;
    assert_eq!((status, failed["code"].as_str().unwrap()), (422, "100132"));
    assert_eq!(failed["sqlState"], "P0000");
    // The documented shape: the failing statement, where it starts, its own message; no child handles.
    let message = failed["message"].as_str().unwrap();
    assert!(
        message.starts_with(
            "JavaScript execution error: Uncaught Execution of multiple statements failed on statement \"fail\" \
             (at line 1, position 3).\n"
        ),
        "{message}"
    );
    assert!(message.contains("does not exist or not authorized"), "{message}");
    assert!(failed.get("statementHandles").is_none(), "a failed request lists no children: {failed}");
    assert!(failed["statementHandle"].as_str().is_some_and(|h| !h.is_empty()));
    assert_eq!(
        emu.log().executions_for_request("22222222-0000-4000-8000-000000000000"),
        2,
        "rows 1 never ran"
    );
}

#[tokio::test]
async fn session_commands_alone_and_wrong_content_type_are_refused() {
    let emu = builder().start().await.unwrap();
    let (status, body) = json_of(submit(&emu, "", json!({"statement": "BEGIN"})).await).await;
    assert_eq!((status, body["code"].as_str().unwrap()), (422, "391911"));
    assert_eq!(body["message"], "Command not supported by SQL API: TRANSACTION_BEGIN");
    let resp = client()
        .post(format!("{}/api/v2/statements", emu.base_url()))
        .bearer_auth("t")
        .header("Content-Type", "text/plain")
        .body("{\"statement\": \"x\"}")
        .send()
        .await
        .unwrap();
    let (status, body) = json_of(resp).await;
    assert_eq!((status, body["status"].as_str().unwrap()), (400, "400"));
}

#[tokio::test]
async fn token_expiry_after_time_and_latency_faults() {
    let faults = Faults { token_expires_after_ms: Some(200), ..Faults::default() };
    let emu = builder().faults(faults).start().await.unwrap();
    assert_eq!(submit(&emu, "", json!({"statement": "x"})).await.status(), 200);
    tokio::time::sleep(Duration::from_millis(250)).await;
    let (s, b) = json_of(submit(&emu, "", json!({"statement": "x"})).await).await;
    assert_eq!((s, b["code"].as_str().unwrap()), (401, "390318"));

    emu.set_faults(Faults { statement_latency_ms: 150, ..Faults::default() });
    let (s, b) = json_of(submit(&emu, "?async=true", json!({"statement": "x"})).await).await;
    assert_eq!(s, 202, "a statement with latency is still running right after submit");
    let handle = b["statementHandle"].as_str().unwrap().to_string();
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(get(&emu, &format!("/api/v2/statements/{handle}")).await.status(), 200);
}
