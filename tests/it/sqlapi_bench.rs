//! Benchmark (ignored by default): stream 1,000,000 rows through `Client::execute` from the emulator on
//! 127.0.0.1 and report rows/s and peak memory. Not a timed test: it asserts only that every row arrived
//! in order. Run: `cargo test --release -p snowcat --test it sqlapi_bench:: -- --ignored --nocapture`.
//!
//! The emulator runs in the same process and materialises the result first (one warm-up run); the peak
//! counter (VmHWM) is then reset through `/proc/self/clear_refs`, so the reported peak covers the streaming
//! run: the client's partitions in flight plus the emulator encoding each partition.

use std::time::Instant;

use crate::sqlapi_support::*;
use futures_util::StreamExt;
use snowcat::sqlapi::{StatementRequest, StatementResponse};
use tokio_util::sync::CancellationToken;

const ROWS: i64 = 1_000_000;

fn status_kib(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "benchmark: run with --ignored --nocapture"]
async fn stream_one_million_rows_through_execute() {
    let emu = emulator().start().await.unwrap();
    let c = client(&emu);
    let mut req = StatementRequest::new(format!("rows {ROWS}"));
    let rid = req.request_id.to_string();

    // Warm-up: run the statement once so the emulator holds the result; the timed run replays it by
    // requestId (retry=true), so only partition transfer and decoding are measured.
    let warm = Instant::now();
    let first = c.submit(&req).await.unwrap();
    let StatementResponse::Done(page) = first else { panic!("expected a synchronous result") };
    println!(
        "warm-up (emulator runs + encodes partition 0): {:?}, {} partitions",
        warm.elapsed(),
        page.partitions.len()
    );
    drop(page);
    req.retry = true;

    let reset = std::fs::write("/proc/self/clear_refs", "5").is_ok();
    let rss_before = status_kib("VmRSS:").unwrap_or(0);
    let started = Instant::now();
    let mut stream = c.execute(req, far(), CancellationToken::new()).await.unwrap();
    let mut n = 0i64;
    let mut label_bytes = 0usize;
    while let Some(row) = stream.next().await {
        let row = row.unwrap();
        assert_eq!(row.req::<i64>("N").unwrap(), n);
        label_bytes += row.cell("LABEL").unwrap().text().map_or(0, str::len);
        n += 1;
    }
    let elapsed = started.elapsed();
    assert_eq!(n, ROWS);
    assert_eq!(emu.log().executions_for_request(&rid), 1, "the timed run replayed the warm-up statement");
    let hwm = status_kib("VmHWM:").unwrap_or(0);
    println!(
        "streamed {n} rows ({label_bytes} label bytes) in {elapsed:?}: {:.0} rows/s",
        n as f64 / elapsed.as_secs_f64()
    );
    println!(
        "memory: VmRSS before {} MiB, VmHWM during streaming {} MiB (peak counter reset: {reset})",
        rss_before / 1024,
        hwm / 1024
    );
}
