//! Bytes and retries are counted: per statement (the `Observer`'s `StatementReport`, on the wire and
//! decoded), per caller (`Totals` added with `Client::with_observer`), and per crawl run (`RunReport` and its
//! text summary). Also: the retry time budget ends retrying before the retry count does. All over HTTP on
//! 127.0.0.1 (small axum servers with known bodies, and the emulator with scripted 429/503 answers).

use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use crate::sqlapi_support::{Recorder, client_for, emulator, far, fast_config, static_token};
use axum::response::IntoResponse;
use snowcat::catalog::RunStatus;
use snowcat::crawl::{CrawlOptions, NoProgress};
use snowcat::sqlapi::{Client, ClientConfig, Phase, RetryReason, SqlApiError, StatementRequest, Totals};
use snowflake_emulator::Emulator;
use snowflake_emulator::engine::Engine;
use snowflake_emulator::faults::Faults;
use snowflake_emulator::model::{Account, GenerateSpec};
use tokio_util::sync::CancellationToken;

/// A finished one-row result (statement handle `h1`), as the SQL API answers a POST.
const RESULT: &str = r#"{"resultSetMetaData":{"numRows":1,"format":"jsonv2","partitionInfo":[{"rowCount":1,"uncompressedSize":9}],
    "rowType":[{"name":"X","type":"fixed","nullable":true}]},"data":[["42"]],"code":"090001",
    "statementHandle":"h1","message":"Statement executed successfully."}"#;
/// A 503 body as Snowflake's front end sends it.
const UNAVAILABLE: &str = r#"{"code":"000000","message":"Service Unavailable"}"#;

/// A server on 127.0.0.1 whose `POST /api/v2/statements` answers 503 `UNAVAILABLE` `fail_first` times, then
/// the result, gzip-encoded when `gzip` (whatever the request accepted, like a server that always compresses).
async fn server(fail_first: usize, gzip: bool) -> (String, Vec<u8>) {
    let wire = if gzip {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(RESULT.as_bytes()).unwrap();
        gz.finish().unwrap()
    } else {
        RESULT.as_bytes().to_vec()
    };
    let calls = Arc::new(AtomicUsize::new(0));
    let body = wire.clone();
    let app = axum::Router::new().route(
        "/api/v2/statements",
        axum::routing::post(move || {
            let (calls, body) = (calls.clone(), body.clone());
            async move {
                if calls.fetch_add(1, Ordering::SeqCst) < fail_first {
                    let headers = [("content-type", "application/json")];
                    return (axum::http::StatusCode::SERVICE_UNAVAILABLE, headers, UNAVAILABLE)
                        .into_response();
                }
                let mut r = ([("content-type", "application/json")], body).into_response();
                if gzip {
                    r.headers_mut().insert("content-encoding", "gzip".parse().unwrap());
                }
                r
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, wire)
}

#[tokio::test]
async fn uncompressed_bytes_are_the_sum_of_every_body_received_retries_included() {
    let (url, wire) = server(1, false).await;
    let recorder = Arc::new(Recorder::default());
    let c = client_for(&url, static_token("t"), recorder.clone());
    let rs = c.execute_collect(StatementRequest::new("select 42"), far(), CancellationToken::new()).await;
    assert_eq!(rs.unwrap().rows[0].req::<i64>("x").unwrap(), 42);
    let reports = recorder.reports.lock().unwrap();
    let expected = (UNAVAILABLE.len() + RESULT.len()) as u64;
    assert_eq!(wire.len(), RESULT.len());
    assert_eq!((reports[0].bytes, reports[0].decoded_bytes), (expected, expected));
    assert_eq!(reports[0].retries, 1);
    assert_eq!(recorder.retries.lock().unwrap().as_slice(), [(Phase::Submit, RetryReason::Server)]);
}

#[tokio::test]
async fn gzip_bodies_count_their_compressed_size_on_the_wire_and_their_decoded_size() {
    let (url, wire) = server(0, true).await;
    assert_ne!(wire.len(), RESULT.len());
    let recorder = Arc::new(Recorder::default());
    let c = client_for(&url, static_token("t"), recorder.clone());
    let rs = c.execute_collect(StatementRequest::new("select 42"), far(), CancellationToken::new()).await;
    assert_eq!(rs.unwrap().rows[0].req::<i64>("x").unwrap(), 42);
    let r = &recorder.reports.lock().unwrap()[0];
    assert_eq!((r.bytes, r.decoded_bytes), (wire.len() as u64, RESULT.len() as u64));
}

#[tokio::test]
async fn totals_added_with_with_observer_see_retries_by_reason_and_the_same_bytes_as_the_reports() {
    let faults = Faults { next_statuses: vec![503, 429], ..Faults::default() };
    let emu = emulator().partition_rows(3).faults(faults).start().await.unwrap();
    let recorder = Arc::new(Recorder::default());
    let base = client_for(&emu.base_url(), static_token("t"), recorder.clone());
    let totals = Arc::new(Totals::default());
    let c = base.with_observer(totals.clone());
    for n in [10, 4] {
        let rs =
            c.execute_collect(StatementRequest::new(format!("rows {n}")), far(), CancellationToken::new());
        assert_eq!(rs.await.unwrap().rows.len(), n);
    }
    let reports = recorder.reports.lock().unwrap().clone();
    assert_eq!(reports.len(), 2, "the client's own observer still sees every statement");
    let t = totals.snapshot();
    assert_eq!(t.statements, 2);
    assert_eq!(t.retries, 2);
    assert_eq!(t.retries_by_reason, [("rate_limited", 1), ("server", 1)].into());
    assert_eq!(t.bytes, reports.iter().map(|r| r.bytes).sum::<u64>());
    assert_eq!(t.decoded_bytes, reports.iter().map(|r| r.decoded_bytes).sum::<u64>());
    assert!(t.bytes > 0 && t.decoded_bytes > 0);
    // The client it was derived from is untouched.
    base.execute_collect(StatementRequest::new("rows 1"), far(), CancellationToken::new()).await.unwrap();
    assert_eq!(totals.snapshot(), t);
}

#[tokio::test]
async fn the_retry_budget_ends_retrying_before_the_retry_count() {
    let emu = emulator().faults(Faults { rate_503: 1.0, ..Faults::default() }).start().await.unwrap();
    let recorder = Arc::new(Recorder::default());
    // fast_config backs off 5 ms doubling to 40 ms: 10 retries need at least 155 ms of waiting.
    let config = ClientConfig { max_retries: 10, retry_budget: Duration::from_millis(30), ..fast_config() };
    let c = Client::for_url(&emu.base_url(), static_token("t"))
        .unwrap()
        .config(config)
        .observer(recorder.clone())
        .build()
        .unwrap();
    let err = c.submit(&StatementRequest::new("x")).await.unwrap_err();
    assert!(matches!(err, SqlApiError::Server { status: 503, .. }), "{err:?}");
    assert!(recorder.retries.lock().unwrap().len() < 10);
}

#[test]
fn defaults_retry_ten_times_within_two_minutes_backing_off_to_four_seconds() {
    let c = ClientConfig::default();
    assert_eq!(
        (c.max_retries, c.retry_budget, c.retry.max),
        (10, Duration::from_secs(120), Duration::from_secs(4))
    );
}

#[tokio::test]
async fn a_crawl_reports_its_retries_and_bytes_received() {
    let account = Account::generate(GenerateSpec { databases: 2, schemas: 2, tables: 5, columns: 3 });
    let emu = Emulator::with_executor(Engine::new(account)).partition_rows(20).start().await.unwrap();
    emu.set_faults(Faults { next_statuses: vec![503, 429], ..Faults::default() });
    let recorder = Arc::new(Recorder::default());
    let client = client_for(&emu.base_url(), static_token("t"), recorder.clone());
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    let opts = CrawlOptions::default();
    let report = snowcat::crawl::crawl(&client, &db, "acct", &opts, &NoProgress, CancellationToken::new())
        .await
        .unwrap();
    assert_eq!(report.status, RunStatus::Complete, "{}", report.render_text());
    assert_eq!(report.retries, 2);
    assert_eq!(report.retries_by_reason, [("rate_limited".to_string(), 1), ("server".to_string(), 1)].into());
    let reports = recorder.reports.lock().unwrap().clone();
    assert_eq!(report.bytes_received, reports.iter().map(|r| r.bytes).sum::<u64>());
    assert_eq!(report.bytes_decoded, reports.iter().map(|r| r.decoded_bytes).sum::<u64>());
    assert!(report.bytes_received > 0);
    assert!(report.bytes_decoded > report.bytes_received, "the emulator gzips what the client accepts");
    let first = report.render_text().lines().next().unwrap().to_string();
    assert!(first.contains("received ("), "{first}");
    assert!(first.contains("2 retries (rate_limited 1, server 1)"), "{first}");
    // The catalog keeps them with the run.
    let conn = rusqlite::Connection::open(&db).unwrap();
    let (retries, bytes): (i64, i64) = conn
        .query_row("SELECT retries, bytes_received FROM runs_v WHERE run_id = ?1", [report.run_id], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert_eq!((retries, bytes), (2, report.bytes_received as i64));
}

#[test]
fn a_schema_version_1_catalog_migrates_and_its_old_runs_read_zero() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v1.db");
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        let v1 =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/01-initial/up.sql"));
        conn.execute_batch(&v1.unwrap()).unwrap();
        conn.execute_batch(
            "PRAGMA user_version = 1;
             INSERT INTO accounts (name) VALUES ('acct');
             INSERT INTO runs (account_id, started_at, finished_at, status, statements)
                 VALUES (1, '2026-01-01T00:00:00Z', '2026-01-01T00:01:00Z', 'complete', 7);",
        )
        .unwrap();
    }
    let cat = snowcat::catalog::Catalog::open(&path).unwrap();
    assert_eq!(cat.schema_version().unwrap(), snowcat::catalog::store::supported_version());
    let row: (i64, i64, i64) = cat
        .connection()
        .query_row("SELECT statements, retries, bytes_received FROM runs_v", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .unwrap();
    assert_eq!(row, (7, 0, 0));
}
