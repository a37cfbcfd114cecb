//! Measurements, not assertions: run with `cargo test -p snowcat --test it daemon_bench:: -- --ignored --nocapture`.

use std::time::{Duration, Instant};

use chrono::Utc;
use snowcat::daemon::Schedule;
use snowcat::metrics::{Metrics, RunStatus};

#[test]
#[ignore = "benchmark; prints numbers"]
fn bench_schedule_config_and_metrics() {
    let s = Schedule::new("*/15 * * * *", "Europe/Berlin", Duration::ZERO).unwrap();
    let n = 10_000;
    let start = Instant::now();
    let mut t = Utc::now();
    for _ in 0..n {
        t = s.next_after(t).unwrap();
    }
    println!("next_after: {:.1} us/call ({n} calls)", start.elapsed().as_secs_f64() * 1e6 / n as f64);

    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/config/snowcat.example.toml")).unwrap();
    let start = Instant::now();
    for _ in 0..100 {
        snowcat::config::load_str(&text, Vec::<(String, String)>::new()).unwrap();
    }
    println!("load+validate example config: {:.2} ms", start.elapsed().as_secs_f64() * 1000.0 / 100.0);

    let m = Metrics::new().unwrap();
    for a in 0..20 {
        let account = format!("acct{a}");
        m.run_finished(&account, RunStatus::Success, Duration::from_secs(30), 1.8e9);
        for kind in ["show_databases", "show_schemas", "columns", "tables", "show_grants"] {
            m.statement_finished(&account, kind, "ok", Duration::from_millis(300));
        }
        for kind in ["database", "schema", "table", "column", "grant"] {
            m.objects_current(&account, kind, 1000);
        }
    }
    let start = Instant::now();
    let mut bytes = 0;
    for _ in 0..100 {
        bytes = m.render().len();
    }
    println!(
        "render /metrics (20 accounts, {bytes} bytes): {:.2} ms",
        start.elapsed().as_secs_f64() * 1000.0 / 100.0
    );
}

/// Records when each run starts.
struct Stamps(std::sync::Mutex<Vec<chrono::DateTime<Utc>>>);

impl snowcat::daemon::AccountCrawler for Stamps {
    fn crawl(&self, _ctx: snowcat::daemon::RunContext) -> snowcat::daemon::CrawlFuture<'_> {
        self.0.lock().unwrap().push(Utc::now());
        Box::pin(async { snowcat::daemon::RunReport::with_status(RunStatus::Success) })
    }
}

#[tokio::test]
#[ignore = "benchmark; prints numbers"]
async fn bench_firing_lateness_of_one_shot_jobs() {
    let text = "[[accounts]]\nname = \"prod\"\nurl = \"http://127.0.0.1:1\"\nschedule = \"* * * * * *\"\n\
                [accounts.auth.pat]\ntoken_env = \"NOPE\"\n";
    let cfg = snowcat::config::load_str(text, Vec::<(String, String)>::new()).unwrap();
    let stamps = std::sync::Arc::new(Stamps(std::sync::Mutex::new(Vec::new())));
    let deps = snowcat::daemon::DaemonDeps {
        crawler: stamps.clone(),
        metrics: Metrics::new().unwrap(),
        readiness: std::sync::Arc::new(snowcat::serve::Readiness::default()),
    };
    let stop = tokio_util::sync::CancellationToken::new();
    let (_tx, rx) = tokio::sync::mpsc::channel(1);
    let daemon = tokio::spawn(snowcat::daemon::run(cfg, deps, stop.clone(), rx));
    tokio::time::sleep(Duration::from_secs(11)).await;
    stop.cancel();
    daemon.await.unwrap();
    // Each run is due on a whole second: its lateness is the sub-second part of its start time.
    let late: Vec<f64> =
        stamps.0.lock().unwrap().iter().map(|t| f64::from(t.timestamp_subsec_millis())).collect();
    let max = late.iter().cloned().fold(0.0, f64::max);
    let mean = late.iter().sum::<f64>() / late.len().max(1) as f64;
    println!("one-shot firing: {} runs in 11 s, lateness mean {mean:.0} ms, max {max:.0} ms", late.len());
}
