//! Benchmark (ignored; run with `cargo test --release -p snowcat --test it crawl_bench:: -- --ignored --nocapture`):
//! crawl a generated 20x25x200x20 account (100k tables, 2M columns) through the real binary, without and
//! with 100 ms injected statement latency, and print wall time, statements and the crawler's peak memory
//! (max RSS from /usr/bin/time). The emulator runs in the test process, so its memory is not counted.

use std::time::Instant;

use crate::crawl_support::*;
use snowflake_emulator::Emulator;
use snowflake_emulator::faults::Faults;
use snowflake_emulator::model::{Account, GenerateSpec};

fn crawl_binary(url: &str, dir: &std::path::Path, catalog: &str) -> (f64, String, String) {
    let token = dir.join("token");
    std::fs::write(&token, "bench").unwrap();
    let started = Instant::now();
    let out = std::process::Command::new("/usr/bin/time")
        .arg("-v")
        .arg(env!("CARGO_BIN_EXE_snowcat"))
        .args(["crawl", "--once", "--format", "json", "--url", url, "--token-file"])
        .arg(&token)
        .arg("--catalog")
        .arg(dir.join(catalog))
        .output()
        .unwrap();
    let secs = started.elapsed().as_secs_f64();
    (secs, String::from_utf8_lossy(&out.stdout).into(), String::from_utf8_lossy(&out.stderr).into())
}

fn time_field(time_output: &str, field: &str) -> String {
    time_output.lines().find_map(|l| l.trim().strip_prefix(field)).unwrap_or("?").trim().to_string()
}

fn max_rss_mb(time_output: &str) -> f64 {
    time_output
        .lines()
        .find_map(|l| l.trim().strip_prefix("Maximum resident set size (kbytes): "))
        .and_then(|v| v.trim().parse::<f64>().ok())
        .map_or(-1.0, |kb| kb / 1024.0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "benchmark: run explicitly with --release"]
async fn bench_crawl_100k_tables_2m_columns() {
    let spec = GenerateSpec { databases: 20, schemas: 25, tables: 200, columns: 20 };
    for latency in [0u64, 100] {
        let account = Account::generate(spec);
        let faults = Faults { statement_latency_ms: latency, ..Faults::default() };
        let emu = Emulator::builder(account).faults(faults).start().await.unwrap();
        let dir = tempfile::tempdir().unwrap();
        let url = emu.base_url();
        let d = dir.path().to_path_buf();
        let (secs, stdout, stderr) =
            tokio::task::spawn_blocking(move || crawl_binary(&url, &d, "c.db")).await.unwrap();
        let report: serde_json::Value = serde_json::from_str(&stdout).unwrap_or_default();
        println!(
            "BENCH latency={latency}ms wall={secs:.1}s crawler_user={}s crawler_sys={}s status={} statements={} \
             objects={} rows={} peak_rss={:.0}MB",
            time_field(&stderr, "User time (seconds):"),
            time_field(&stderr, "System time (seconds):"),
            report["status"],
            report["statements"],
            report["objects"],
            report["rows"],
            max_rss_mb(&stderr)
        );
        assert_eq!(report["status"], "complete", "{stdout}\n{stderr}");
        assert_eq!(statements(&emu).len() as u64, report["statements"].as_u64().unwrap());
    }
}
