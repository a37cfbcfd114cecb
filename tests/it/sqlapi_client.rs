//! The SQL API client against the real emulator over HTTP on 127.0.0.1: results, partitions, types,
//! failures. Expected values come from `shared/snowflake/sql-api-v2.md` §3-§5, not from the client.

use std::sync::Arc;
use std::time::Duration;

use crate::sqlapi_support::*;
use chrono::{NaiveDate, NaiveTime};
use futures_util::StreamExt;
use serde_json::json;
use snowcat::sqlapi::{ColumnType, Phase, SqlApiError, StatementRequest, StatementResponse};
use snowflake_emulator::requestlog::EntryKind;
use tokio_util::sync::CancellationToken;

#[tokio::test]
async fn synchronous_post_that_turns_into_202_is_polled_to_the_result() {
    let emu = emulator()
        .sync_threshold(Duration::from_millis(100))
        .faults(slow("slowq", 600))
        .start()
        .await
        .unwrap();
    let c = client(&emu);
    let handle = match c.submit(&StatementRequest::new("slowq")).await.unwrap() {
        StatementResponse::Running(s) => s.handle,
        StatementResponse::Done(_) => panic!("a statement slower than the sync window must answer 202"),
    };
    let page = loop {
        match c.status(&handle).await.unwrap() {
            StatementResponse::Done(page) => break page,
            StatementResponse::Running(s) => assert_eq!(s.handle, handle),
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(page.handle, handle);
    assert_eq!(page.rows[0].get::<String>("role").unwrap().as_deref(), Some("ACCOUNTADMIN"));

    // execute() goes through the same 202 + polling path.
    let rows = c
        .execute_collect(StatementRequest::new("slowq again"), far(), CancellationToken::new())
        .await
        .unwrap();
    assert_eq!(rows.rows.len(), 1);
    let polls = emu.request_log().iter().filter(|e| e.kind == EntryKind::Status && e.status == 202).count();
    assert!(polls >= 1, "the client polled while the statement ran");
}

#[tokio::test]
async fn ten_partition_result_is_streamed_in_order_with_each_partition_fetched_once() {
    let emu = emulator().partition_rows(10).start().await.unwrap();
    let recorder = Arc::new(Recorder::default());
    let c = client_for(&emu.base_url(), static_token("t"), recorder.clone());
    let mut stream =
        c.execute(StatementRequest::new("rows 100"), far(), CancellationToken::new()).await.unwrap();
    assert_eq!(stream.num_rows(), 100);
    let mut seen = 0i64;
    while let Some(row) = stream.next().await {
        let row = row.unwrap();
        assert_eq!(row.req::<i64>("n").unwrap(), seen, "rows arrive in result order");
        assert_eq!(row.req::<String>("LABEL").unwrap(), format!("row {seen}"));
        seen += 1;
    }
    assert_eq!(seen, 100);
    drop(stream);
    let log = emu.request_log();
    for n in 1..10 {
        let fetched = log.iter().filter(|e| e.kind == EntryKind::Status && e.partition == Some(n)).count();
        assert_eq!(fetched, 1, "partition {n} fetched exactly once");
    }
    assert!(!log.iter().any(|e| e.partition == Some(10)), "no partition beyond partitionInfo");
    let reports = recorder.reports.lock().unwrap();
    assert_eq!(reports.len(), 1);
    assert_eq!((reports[0].rows, reports[0].outcome.as_str(), reports[0].kind.as_str()), (100, "ok", "rows"));
    assert!(reports[0].bytes > 0);
}

#[tokio::test]
async fn every_jsonv2_type_is_decoded_and_nulls_read_as_none() {
    let emu = emulator().start().await.unwrap();
    let c = client(&emu);
    for nullable in [true, false] {
        let mut req = StatementRequest::new("types");
        req.nullable = nullable;
        let rs = c.execute_collect(req, far(), CancellationToken::new()).await.unwrap();
        let cols = &rs.schema.columns;
        assert_eq!(cols[0].column_type, ColumnType::Fixed);
        assert_eq!((cols[0].precision, cols[0].scale), (Some(10), Some(2)));
        assert_eq!(cols[12].column_type, ColumnType::TimestampTz);
        let r = &rs.rows[0];
        assert_eq!(r.cell("FIX").unwrap().decimal().unwrap(), Some("12.50"));
        assert_eq!(r.req::<i128>("BIG").unwrap(), 12345678901234567890123456789012345678);
        assert_eq!(r.req::<f64>("R").unwrap(), 1.5);
        assert!(r.req::<f64>("R_NAN").unwrap().is_nan());
        assert_eq!(r.req::<f64>("R_INF").unwrap(), f64::INFINITY);
        assert_eq!(r.req::<f64>("R_NINF").unwrap(), f64::NEG_INFINITY);
        assert_eq!(r.req::<String>("TXT").unwrap(), "héllo \"q\"");
        assert!(r.req::<bool>("B").unwrap());
        assert_eq!(r.req::<NaiveDate>("D").unwrap(), NaiveDate::from_ymd_opt(2026, 10, 9).unwrap());
        assert_eq!(
            r.req::<NaiveTime>("TM").unwrap(),
            NaiveTime::from_hms_nano_opt(12, 34, 56, 123_456_789).unwrap()
        );
        assert_eq!(
            r.req::<chrono::NaiveDateTime>("NTZ").unwrap().to_string(),
            "2026-10-09 12:34:56.123456789"
        );
        let ltz: chrono::DateTime<chrono::Utc> = r.req("LTZ").unwrap();
        assert_eq!(ltz.to_rfc3339(), "2026-10-09T12:34:56.123+00:00");
        let tz: chrono::DateTime<chrono::FixedOffset> = r.req("TZ").unwrap();
        assert_eq!(tz.to_rfc3339(), "2026-10-09T12:34:56.123456789+07:00");
        assert_eq!(r.req::<serde_json::Value>("V").unwrap(), json!("s"));
        assert_eq!(r.req::<serde_json::Value>("O").unwrap(), json!({"a": 1}));
        assert_eq!(r.req::<serde_json::Value>("A").unwrap(), json!([1, 2]));
        assert_eq!(r.req::<Vec<u8>>("BIN").unwrap(), vec![0xDE, 0xAD, 0xBE, 0xEF]);
        let nulls = &rs.rows[1];
        for (i, col) in rs.schema.columns.iter().enumerate() {
            assert!(nulls.cell_at(i).unwrap().is_null(), "{} NULL with nullable={nullable}", col.name);
        }
        if !nullable {
            assert_eq!(nulls.raw_cells()[0].as_deref(), Some("null"), "nullable=false sends the string");
        }
    }
}

#[tokio::test]
async fn sql_failure_carries_code_state_and_handle_and_is_not_retried() {
    let emu = emulator().start().await.unwrap();
    let c = client(&emu);
    let req = StatementRequest::new("fail");
    let rid = req.request_id.to_string();
    let err = c.execute(req, far(), CancellationToken::new()).await.err().expect("fail must fail");
    match &err {
        SqlApiError::Sql { code, message, handle, .. } => {
            assert_eq!(code, "002003");
            assert!(message.contains("'NOPE' does not exist"), "{message}");
            assert!(handle.is_some());
        }
        other => panic!("expected a SQL error, got {other:?}"),
    }
    let text = err.to_string();
    assert!(text.contains("002003"), "{text}");
    let submits = emu
        .request_log()
        .iter()
        .filter(|e| e.kind == EntryKind::Submit && e.request_id.as_deref() == Some(rid.as_str()))
        .count();
    assert_eq!(submits, 1, "a failed statement is not resubmitted");
}

#[tokio::test]
async fn unknown_handle_and_bad_partition_are_typed_errors() {
    let emu = emulator().partition_rows(10).start().await.unwrap();
    let c = client(&emu);
    let err = c.status("01b2-nope").await.unwrap_err();
    assert_eq!(err.code(), Some("000709"), "{err}");
    assert_eq!(err.phase(), Phase::Poll);
    let rs = c.execute(StatementRequest::new("rows 25"), far(), CancellationToken::new()).await.unwrap();
    let (handle, schema) = (rs.handle().to_string(), rs.schema().clone());
    drop(rs);
    let p2 = c.partition(&handle, 2, &schema).await.unwrap();
    assert_eq!(
        p2.iter().map(|r| r.req::<i64>("N").unwrap()).collect::<Vec<_>>(),
        (20..25).collect::<Vec<_>>()
    );
    let err = c.partition(&handle, 9, &schema).await.unwrap_err();
    assert_eq!(err.code(), Some("391922"), "{err}");
}

#[tokio::test]
async fn cancel_of_a_finished_statement_still_succeeds() {
    let emu = emulator().start().await.unwrap();
    let c = client(&emu);
    let rs = c.execute_collect(StatementRequest::new("x"), far(), CancellationToken::new()).await.unwrap();
    let status = c.cancel(&rs.handle).await.unwrap();
    assert!(status.code.is_some());
}

#[tokio::test]
async fn cancelling_while_streaming_stops_with_a_typed_error() {
    let emu = emulator().partition_rows(5).start().await.unwrap();
    let c = client(&emu);
    let token = CancellationToken::new();
    let mut stream = c.execute(StatementRequest::new("rows 50"), far(), token.clone()).await.unwrap();
    assert_eq!(stream.next().await.unwrap().unwrap().req::<i64>("N").unwrap(), 0);
    token.cancel();
    let err = stream.next().await.unwrap().unwrap_err();
    assert!(matches!(err, SqlApiError::Cancelled { phase: Phase::Partition, .. }), "{err:?}");
    assert!(stream.next().await.is_none(), "nothing after the error");
}

#[tokio::test]
async fn request_fields_reach_the_server() {
    use snowcat::sqlapi::Binding;
    let emu = emulator().start().await.unwrap();
    let c = client(&emu);
    let req = StatementRequest::new("echo")
        .bind(Binding::fixed(-7))
        .bind(Binding::date(NaiveDate::from_ymd_opt(2026, 10, 9).unwrap()))
        .bind_at("who", Binding::text("ann"))
        .database("DB1")
        .schema("S1")
        .warehouse("WH1")
        .role("ANALYST")
        .parameter("QUERY_TAG", "snowcat-test");
    let rs = c.execute_collect(req, far(), CancellationToken::new()).await.unwrap();
    let seen: Vec<(String, String, Option<String>)> = rs
        .rows
        .iter()
        .map(|r| (r.req("KEY").unwrap(), r.req("TYPE").unwrap(), r.get("VALUE").unwrap()))
        .collect();
    let has = |k: &str, t: &str, v: Option<&str>| {
        assert!(seen.contains(&(k.into(), t.into(), v.map(String::from))), "{k} {t} {v:?} in {seen:?}")
    };
    has("1", "FIXED", Some("-7"));
    has("2", "DATE", Some("1791504000000"));
    has("who", "TEXT", Some("ann"));
    has("param:QUERY_TAG", "", Some("snowcat-test"));
    has("database", "", Some("DB1"));
    has("schema", "", Some("S1"));
    has("warehouse", "", Some("WH1"));
    has("role", "", Some("ANALYST"));
}

#[tokio::test]
async fn headers_sent_and_gzip_bodies_decoded() {
    use std::io::Write;
    use std::sync::Mutex;

    use axum::http::HeaderMap;
    use axum::response::IntoResponse;

    // A one-route server on 127.0.0.1 that records the request headers and answers a gzip-encoded result.
    let seen: Arc<Mutex<Option<HeaderMap>>> = Arc::default();
    let body = r#"{"resultSetMetaData":{"numRows":1,"format":"jsonv2","partitionInfo":[{"rowCount":1,"uncompressedSize":9}],
        "rowType":[{"name":"X","type":"fixed","nullable":true}]},"data":[["42"]],"code":"090001",
        "statementHandle":"h1","message":"Statement executed successfully."}"#;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(body.as_bytes()).unwrap();
    let gz = gz.finish().unwrap();
    let app = {
        let seen = seen.clone();
        axum::Router::new().route(
            "/api/v2/statements",
            axum::routing::post(move |headers: HeaderMap| {
                let (seen, gz) = (seen.clone(), gz.clone());
                async move {
                    *seen.lock().unwrap() = Some(headers);
                    ([("content-type", "application/json"), ("content-encoding", "gzip")], gz).into_response()
                }
            }),
        )
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    let c = client_for(&url, static_token("secret-abc"), Arc::new(Recorder::default()));
    let StatementResponse::Done(page) = c.submit(&StatementRequest::new("select 42")).await.unwrap() else {
        panic!("expected a result")
    };
    assert_eq!(page.rows[0].req::<i64>("x").unwrap(), 42);
    let h = seen.lock().unwrap().clone().unwrap();
    let get = |k: &str| h.get(k).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    assert_eq!(get("user-agent"), format!("snowcat/{}", env!("CARGO_PKG_VERSION")));
    assert!(get("accept-encoding").contains("gzip"), "{h:?}");
    assert_eq!(get("accept"), "application/json");
    assert_eq!(get("content-type"), "application/json");
    assert_eq!(get("authorization"), "Bearer secret-abc");
    assert_eq!(get("x-snowflake-authorization-token-type"), "OAUTH");
}
