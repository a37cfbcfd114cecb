//! `/metrics`, `/healthz`, `/readyz` over real HTTP on 127.0.0.1.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use snowcat::metrics::{Metrics, RunStatus};
use snowcat::serve::{self, HttpLimits, Readiness, ServeState};
use tokio_util::sync::CancellationToken;

struct Server {
    base: String,
    metrics: Arc<Metrics>,
    readiness: Arc<Readiness>,
    stop: CancellationToken,
    task: tokio::task::JoinHandle<Result<(), serve::ServeError>>,
}

async fn start() -> Server {
    start_with(Duration::from_secs(5)).await
}

async fn start_with(request_timeout: Duration) -> Server {
    let metrics = Metrics::new().unwrap();
    let readiness = Arc::new(Readiness::default());
    let listener = serve::bind("127.0.0.1:0".parse().unwrap()).await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let stop = CancellationToken::new();
    let limits = HttpLimits { request_timeout, max_header_bytes: 4096, max_body_bytes: 1024 };
    let state = ServeState { metrics: metrics.clone(), readiness: readiness.clone() };
    let task = tokio::spawn(serve::serve(listener, state, limits, stop.clone()));
    Server { base, metrics, readiness, stop, task }
}

#[tokio::test]
async fn healthz_and_metrics_over_http() {
    let s = start().await;
    let client = reqwest::Client::new();
    let r = client.get(format!("{}/healthz", s.base)).send().await.unwrap();
    assert_eq!(r.status(), 200);

    s.metrics.run_finished("prod", RunStatus::Success, Duration::from_secs(3), 1_800_000_000.0);
    s.metrics.run_skipped("prod");
    s.metrics.changes("prod", "grant", "security", 2);
    let r = client.get(format!("{}/metrics", s.base)).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/plain"));
    let text = r.text().await.unwrap();
    for line in [
        "snowcat_runs_total{account=\"prod\",status=\"success\"} 1",
        "snowcat_run_duration_seconds_count{account=\"prod\"} 1",
        "snowcat_last_successful_run_timestamp_seconds{account=\"prod\"} 1800000000",
        "snowcat_skipped_runs_total{account=\"prod\"} 1",
        "snowcat_changes_total{account=\"prod\",kind=\"grant\",severity=\"security\"} 2",
    ] {
        assert!(text.lines().any(|l| l == line), "missing `{line}` in:\n{text}");
    }
    assert!(text.contains("snowcat_build_info{version=\""));

    // Only GET is routed; oversized headers are refused.
    let r = client.post(format!("{}/metrics", s.base)).send().await.unwrap();
    assert_eq!(r.status(), 405);
    let r = client.get(format!("{}/healthz", s.base)).header("x-big", "a".repeat(8000)).send().await.unwrap();
    assert_eq!(r.status(), 431);

    s.stop.cancel();
    s.task.await.unwrap().unwrap();
}

#[tokio::test]
async fn readyz_flips_when_runs_go_stale() {
    let s = start().await;
    let client = reqwest::Client::new();
    let url = format!("{}/readyz", s.base);
    // Nothing configured yet: not ready (config not marked valid, catalog not checked).
    assert_eq!(client.get(&url).send().await.unwrap().status(), 503);

    s.readiness.set_config_valid(true);
    s.readiness.set_catalog(Ok(()));
    let now = Utc::now();
    // prod was configured two hours ago and has never finished a run; dev is fresh.
    s.readiness.set_accounts(&[("prod".into(), Duration::from_secs(3600))], now - chrono::Duration::hours(2));
    s.readiness.set_accounts(
        &[("prod".into(), Duration::from_secs(3600)), ("dev".into(), Duration::from_secs(3600))],
        now,
    );
    let r = client.get(&url).send().await.unwrap();
    assert_eq!(r.status(), 503);
    let body: serde_json::Value = r.json().await.unwrap();
    let stale: Vec<&str> =
        body["stale_accounts"].as_array().unwrap().iter().map(|a| a["account"].as_str().unwrap()).collect();
    assert_eq!(stale, vec!["prod"]);

    // A failed run does not make it fresh; a successful one does.
    s.readiness.run_finished("prod", RunStatus::Failed, Utc::now());
    assert_eq!(client.get(&url).send().await.unwrap().status(), 503);
    s.readiness.run_finished("prod", RunStatus::Success, Utc::now());
    let r = client.get(&url).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["ready"], true);

    // The last good run ages past the limit: stale again.
    s.readiness.run_finished("dev", RunStatus::Partial, Utc::now() - chrono::Duration::hours(3));
    s.readiness.set_accounts(&[("dev".into(), Duration::from_secs(3600))], Utc::now());
    let body: serde_json::Value = client.get(&url).send().await.unwrap().json().await.unwrap();
    assert_eq!(body["stale_accounts"][0]["account"], "dev");

    s.stop.cancel();
    s.task.await.unwrap().unwrap();
}

#[tokio::test]
async fn a_connection_that_never_finishes_its_headers_is_closed() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let s = start_with(Duration::from_millis(100)).await;
    let mut conn = tokio::net::TcpStream::connect(s.base.trim_start_matches("http://")).await.unwrap();
    conn.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n").await.unwrap();
    let mut buf = Vec::new();
    // The server closes it (idle limit 300 ms); the outer bound only guards against a hang.
    let read = tokio::time::timeout(Duration::from_secs(30), conn.read_to_end(&mut buf)).await;
    assert!(read.is_ok(), "connection still open");
    assert!(buf.is_empty() || !String::from_utf8_lossy(&buf).contains("200 OK"));
    // The server still answers others.
    let r = reqwest::get(format!("{}/healthz", s.base)).await.unwrap();
    assert_eq!(r.status(), 200);
    s.stop.cancel();
}
