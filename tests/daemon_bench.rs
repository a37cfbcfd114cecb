//! Measurements, not assertions: run with `cargo test --test daemon_bench -- --ignored --nocapture`.

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
