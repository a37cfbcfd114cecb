//! The change feed: NDJSON lines parse, a local webhook receives exactly the selected changes, retries.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::{Json, Router, extract::State, http::StatusCode, routing::post};
use snowcat::config::NotificationsConfig;
use snowcat::daemon::{ChangeEvent, ChangeFeed, WebhookSummary};
use snowcat::metrics::Metrics;
use uuid::Uuid;

#[derive(Clone, Default)]
struct Hook {
    received: Arc<Mutex<Vec<WebhookSummary>>>,
    failures_left: Arc<Mutex<u32>>,
    attempts: Arc<Mutex<u32>>,
}

async fn receive(State(h): State<Hook>, Json(body): Json<WebhookSummary>) -> StatusCode {
    *h.attempts.lock().unwrap() += 1;
    let mut left = h.failures_left.lock().unwrap();
    if *left > 0 {
        *left -= 1;
        return StatusCode::SERVICE_UNAVAILABLE;
    }
    h.received.lock().unwrap().push(body);
    StatusCode::NO_CONTENT
}

async fn webhook(failures: u32) -> (String, Hook) {
    let hook = Hook::default();
    *hook.failures_left.lock().unwrap() = failures;
    let app = Router::new().route("/hook", post(receive)).with_state(hook.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, hook)
}

fn change(
    run: Uuid,
    kind: &str,
    change: &str,
    key: &str,
    severity: &str,
    grantee: Option<&str>,
) -> ChangeEvent {
    ChangeEvent {
        run_id: run,
        account: "prod".into(),
        kind: kind.into(),
        change: change.into(),
        object_key: key.into(),
        field: (change == "modified").then(|| "data_type".to_string()),
        before: (change != "added").then(|| serde_json::json!("NUMBER(38,0)")),
        after: (change != "removed").then(|| serde_json::json!("VARCHAR(10)")),
        severity: severity.into(),
        grantee: grantee.map(String::from),
    }
}

fn run_changes(run: Uuid) -> Vec<ChangeEvent> {
    vec![
        change(run, "column", "modified", "DB.S.T.C", "breaking", None),
        change(run, "table", "added", "DB.S.NEW", "additive", None),
        change(run, "grant", "added", "SELECT ON DB.S.T TO PUBLIC", "security", Some("PUBLIC")),
        change(run, "grant", "added", "SELECT ON DB.S.T TO ANALYST", "security", Some("ANALYST")),
        change(run, "table", "removed", "DB.S.OLD", "breaking", None),
    ]
}

fn cfg(ndjson: Option<std::path::PathBuf>, url: Option<String>) -> NotificationsConfig {
    NotificationsConfig {
        ndjson_path: ndjson,
        webhook_url: url,
        webhook_timeout: Duration::from_secs(5),
        webhook_attempts: 3,
        kinds: vec![],
        severities: vec!["breaking".into()],
        include_grants_to_public: true,
    }
}

#[tokio::test]
async fn ndjson_and_webhook_get_exactly_the_selected_changes_of_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("changes.ndjson");
    let (url, hook) = webhook(0).await;
    let feed = ChangeFeed::new(&cfg(Some(path.clone()), Some(url)), Metrics::new().unwrap()).unwrap();
    let run = Uuid::now_v7();
    let all = run_changes(run);
    // "Breaking changes and any grant to PUBLIC": items 0, 2 and 4, in order.
    let want: Vec<ChangeEvent> = vec![all[0].clone(), all[2].clone(), all[4].clone()];
    let report = feed.publish(run, "prod", &all).await;
    assert_eq!(report.selected, 3);
    assert_eq!(report.ndjson, Some(Ok(())));
    assert_eq!(report.webhook, Some(Ok(1)));

    let text = std::fs::read_to_string(&path).unwrap();
    let lines: Vec<ChangeEvent> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines, want);
    let raw: serde_json::Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    assert_eq!(raw["run_id"], run.to_string());
    assert_eq!(raw["before"], "NUMBER(38,0)");

    let received = hook.received.lock().unwrap().clone();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].run_id, run);
    assert_eq!(received[0].changes, want);
    assert_eq!(received[0].counts.get("breaking"), Some(&2));
    assert_eq!(received[0].counts.get("security"), Some(&1));

    // A second run appends; earlier lines stay.
    let run2 = Uuid::now_v7();
    feed.publish(run2, "prod", &run_changes(run2)[..1]).await;
    assert_eq!(std::fs::read_to_string(&path).unwrap().lines().count(), 4);
}

#[tokio::test]
async fn a_failing_webhook_is_retried_then_given_up_without_failing() {
    let (url, hook) = webhook(1).await;
    let metrics = Metrics::new().unwrap();
    let feed = ChangeFeed::new(&cfg(None, Some(url)), metrics.clone())
        .unwrap()
        .with_backoff_min(Duration::from_millis(10));
    let run = Uuid::now_v7();
    let report = feed.publish(run, "prod", &run_changes(run)).await;
    assert_eq!(report.webhook, Some(Ok(2)), "one 503 then success");
    assert_eq!(hook.received.lock().unwrap().len(), 1);

    let (url, hook) = webhook(100).await;
    let feed = ChangeFeed::new(&cfg(None, Some(url)), metrics.clone())
        .unwrap()
        .with_backoff_min(Duration::from_millis(10));
    let report = feed.publish(run, "prod", &run_changes(run)).await;
    let err = report.webhook.unwrap().unwrap_err();
    assert!(err.contains("503") && err.contains("3 attempt"), "{err}");
    assert_eq!(*hook.attempts.lock().unwrap(), 3);
    assert!(
        metrics.render().contains("snowcat_feed_deliveries_total{outcome=\"failed\",sink=\"webhook\"} 1")
    );

    // Nothing reachable at all: still just a reported failure.
    let feed = ChangeFeed::new(&cfg(None, Some("http://127.0.0.1:1/hook".into())), metrics)
        .unwrap()
        .with_backoff_min(Duration::from_millis(10));
    assert!(feed.publish(run, "prod", &run_changes(run)).await.webhook.unwrap().is_err());
}
