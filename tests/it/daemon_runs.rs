//! The run loop with fake crawlers: overlapping runs are skipped and counted, shutdown cancels runs and
//! waits at most the grace period, reloads reschedule, changes reach the webhook.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use snowcat::config::{Config, load_str};
use snowcat::daemon::{self, AccountCrawler, CrawlFuture, DaemonDeps, RunContext, RunReport};
use snowcat::metrics::{Metrics, RunStatus};
use snowcat::serve::Readiness;
use tokio::sync::{Notify, mpsc};
use tokio_util::sync::CancellationToken;

/// Waits until `cond` holds, polling; fails the test after a generous bound (a hang, not a speed check).
async fn eventually(what: &str, cond: impl Fn() -> bool) {
    for _ in 0..600 {
        if cond() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("never happened: {what}");
}

fn config(extra_account: &str, grace: &str) -> Config {
    let text = format!(
        r#"
[daemon]
shutdown_grace = "{grace}"
[[accounts]]
name = "prod"
url = "http://127.0.0.1:1"
schedule = "* * * * * *"
run_at_start = true
[accounts.auth.pat]
token_env = "NOPE"
{extra_account}
"#
    );
    load_str(&text, Vec::<(String, String)>::new()).unwrap()
}

/// A crawler that stays in its run until released or cancelled.
#[derive(Default)]
struct Slow {
    started: AtomicUsize,
    running: AtomicUsize,
    max_running: AtomicUsize,
    release: Notify,
    ignore_cancel: bool,
}

impl AccountCrawler for Slow {
    fn crawl(&self, ctx: RunContext) -> CrawlFuture<'_> {
        Box::pin(async move {
            self.started.fetch_add(1, Ordering::SeqCst);
            let now = self.running.fetch_add(1, Ordering::SeqCst) + 1;
            self.max_running.fetch_max(now, Ordering::SeqCst);
            let status = if self.ignore_cancel {
                self.release.notified().await;
                RunStatus::Success
            } else {
                tokio::select! {
                    () = ctx.cancel.cancelled() => RunStatus::Cancelled,
                    () = self.release.notified() => RunStatus::Success,
                }
            };
            self.running.fetch_sub(1, Ordering::SeqCst);
            RunReport::with_status(status)
        })
    }
}

fn deps(crawler: Arc<dyn AccountCrawler>) -> (DaemonDeps, Arc<Metrics>) {
    let metrics = Metrics::new().unwrap();
    (DaemonDeps { crawler, metrics: metrics.clone(), readiness: Arc::new(Readiness::default()) }, metrics)
}

#[tokio::test]
async fn a_due_run_is_skipped_while_the_previous_one_is_going_and_shutdown_cancels_it() {
    let slow = Arc::new(Slow::default());
    let (deps, metrics) = deps(slow.clone());
    let shutdown = CancellationToken::new();
    let (_tx, rx) = mpsc::channel(1);
    let daemon = tokio::spawn(daemon::run(config("", "30s"), deps, shutdown.clone(), rx));

    // Every second is due; the first run never ends by itself, so later ones are skipped.
    eventually("two skipped runs", || metrics.skipped_count("prod") >= 2).await;
    assert_eq!(slow.started.load(Ordering::SeqCst), 1);
    assert_eq!(slow.max_running.load(Ordering::SeqCst), 1);

    shutdown.cancel();
    let exit = daemon.await.unwrap();
    assert_eq!(exit.abandoned_runs, 0);
    assert_eq!(metrics.runs_count("prod", RunStatus::Cancelled), 1);
    assert_eq!(metrics.runs_count("prod", RunStatus::Success), 0);
}

#[tokio::test]
async fn after_a_run_ends_the_next_due_one_starts() {
    let slow = Arc::new(Slow::default());
    let (deps, metrics) = deps(slow.clone());
    let shutdown = CancellationToken::new();
    let (_tx, rx) = mpsc::channel(1);
    let daemon = tokio::spawn(daemon::run(config("", "30s"), deps, shutdown.clone(), rx));
    eventually("first run started", || slow.started.load(Ordering::SeqCst) == 1).await;
    slow.release.notify_one();
    eventually("second run started", || slow.started.load(Ordering::SeqCst) >= 2).await;
    assert_eq!(metrics.runs_count("prod", RunStatus::Success), 1);
    assert_eq!(slow.max_running.load(Ordering::SeqCst), 1);
    shutdown.cancel();
    assert_eq!(daemon.await.unwrap().abandoned_runs, 0);
}

#[tokio::test]
async fn a_run_that_ignores_cancel_is_abandoned_after_the_grace_period() {
    let slow = Arc::new(Slow { ignore_cancel: true, ..Slow::default() });
    let (deps, _metrics) = deps(slow.clone());
    let shutdown = CancellationToken::new();
    let (_tx, rx) = mpsc::channel(1);
    let daemon = tokio::spawn(daemon::run(config("", "200ms"), deps, shutdown.clone(), rx));
    eventually("run started", || slow.started.load(Ordering::SeqCst) == 1).await;
    shutdown.cancel();
    assert_eq!(daemon.await.unwrap().abandoned_runs, 1);
}

/// Counts runs per account and returns immediately.
#[derive(Default)]
struct Counting {
    prod: AtomicUsize,
    dev: AtomicUsize,
}

impl AccountCrawler for Counting {
    fn crawl(&self, ctx: RunContext) -> CrawlFuture<'_> {
        Box::pin(async move {
            let counter = if ctx.account.name == "dev" { &self.dev } else { &self.prod };
            counter.fetch_add(1, Ordering::SeqCst);
            RunReport::with_status(RunStatus::Success)
        })
    }
}

#[tokio::test]
async fn a_reload_adds_an_account_without_a_restart() {
    let counting = Arc::new(Counting::default());
    let (deps, _metrics) = deps(counting.clone());
    let shutdown = CancellationToken::new();
    let (tx, rx) = mpsc::channel(1);
    let daemon = tokio::spawn(daemon::run(config("", "5s"), deps, shutdown.clone(), rx));
    eventually("prod ran", || counting.prod.load(Ordering::SeqCst) >= 1).await;
    assert_eq!(counting.dev.load(Ordering::SeqCst), 0);
    let dev = "[[accounts]]\nname = \"dev\"\nurl = \"http://127.0.0.1:1\"\nschedule = \"* * * * * *\"\n\
               [accounts.auth.pat]\ntoken_env = \"NOPE\"\n";
    tx.send(config(dev, "5s")).await.unwrap();
    eventually("dev ran after the reload", || counting.dev.load(Ordering::SeqCst) >= 1).await;
    shutdown.cancel();
    assert_eq!(daemon.await.unwrap().abandoned_runs, 0);
}

#[tokio::test]
async fn a_reload_that_removes_an_account_disarms_its_job() {
    let counting = Arc::new(Counting::default());
    let (deps, _metrics) = deps(counting.clone());
    let shutdown = CancellationToken::new();
    let (tx, rx) = mpsc::channel(1);
    let dev = "[[accounts]]\nname = \"dev\"\nurl = \"http://127.0.0.1:1\"\nschedule = \"* * * * * *\"\n\
               [accounts.auth.pat]\ntoken_env = \"NOPE\"\n";
    let daemon = tokio::spawn(daemon::run(config(dev, "5s"), deps, shutdown.clone(), rx));
    eventually("dev ran", || counting.dev.load(Ordering::SeqCst) >= 1).await;
    tx.send(config("", "5s")).await.unwrap();
    // Once prod has run again after the reload was taken, dev's job is gone: its count must stay put
    // while prod keeps running every second.
    let prod_at_reload = counting.prod.load(Ordering::SeqCst);
    eventually("prod ran after the reload", || counting.prod.load(Ordering::SeqCst) >= prod_at_reload + 2)
        .await;
    let dev_after = counting.dev.load(Ordering::SeqCst);
    let prod_now = counting.prod.load(Ordering::SeqCst);
    eventually("prod ran twice more", || counting.prod.load(Ordering::SeqCst) >= prod_now + 2).await;
    assert_eq!(counting.dev.load(Ordering::SeqCst), dev_after, "dev still fires after its removal");
    shutdown.cancel();
    assert_eq!(daemon.await.unwrap().abandoned_runs, 0);
}

/// Returns a fixed set of changes from every run.
struct WithChanges;

impl AccountCrawler for WithChanges {
    fn crawl(&self, ctx: RunContext) -> CrawlFuture<'_> {
        Box::pin(async move {
            let ev = |kind: &str, key: &str, severity: &str| snowcat::daemon::ChangeEvent {
                run_id: ctx.run_id,
                account: ctx.account.name.clone(),
                kind: kind.into(),
                change: "removed".into(),
                object_key: key.into(),
                field: None,
                before: Some(serde_json::json!({"name": key})),
                after: None,
                severity: severity.into(),
                grantee: None,
            };
            let mut report = RunReport::with_status(RunStatus::Success);
            report.changes = vec![ev("table", "DB.S.T1", "breaking"), ev("column", "DB.S.T2.C", "breaking")];
            report.objects = vec![("table", 41)];
            report
        })
    }
}

#[tokio::test]
async fn the_webhook_receives_exactly_the_changes_of_each_run() {
    use axum::{Json, Router, extract::State, routing::post};
    use std::sync::Mutex;
    type Got = Arc<Mutex<Vec<snowcat::daemon::WebhookSummary>>>;
    async fn receive(State(got): State<Got>, Json(body): Json<snowcat::daemon::WebhookSummary>) {
        got.lock().unwrap().push(body);
    }
    let got: Got = Arc::default();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let app = Router::new().route("/hook", post(receive)).with_state(got.clone());
    tokio::spawn(async move { axum::serve(listener, app).await });

    let mut cfg = config("", "5s");
    cfg.notifications.webhook_url = Some(url);
    let (deps, metrics) = deps(Arc::new(WithChanges));
    let shutdown = CancellationToken::new();
    let (_tx, rx) = mpsc::channel(1);
    let daemon = tokio::spawn(daemon::run(cfg, deps, shutdown.clone(), rx));
    eventually("two webhook deliveries", || got.lock().unwrap().len() >= 2).await;
    shutdown.cancel();
    daemon.await.unwrap();

    let got = got.lock().unwrap().clone();
    assert_ne!(got[0].run_id, got[1].run_id, "one delivery per run");
    for summary in &got {
        assert_eq!(summary.account, "prod");
        let keys: Vec<&str> = summary.changes.iter().map(|c| c.object_key.as_str()).collect();
        assert_eq!(keys, vec!["DB.S.T1", "DB.S.T2.C"]);
        assert!(summary.changes.iter().all(|c| c.run_id == summary.run_id));
    }
    let text = metrics.render();
    assert!(text.contains("snowcat_objects{account=\"prod\",kind=\"table\"} 41"), "{text}");
    assert!(
        text.contains("snowcat_changes_total{account=\"prod\",kind=\"column\",severity=\"breaking\"}"),
        "{text}"
    );
}
