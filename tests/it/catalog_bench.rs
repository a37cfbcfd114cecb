//! Benchmark (ignored; run once with `cargo test --release -p snowcat --test it catalog_bench:: -- --ignored --nocapture`):
//! first write of a 100k-table / 2M-column account, an unchanged run, a 1% change. Prints time, peak
//! memory (VmHWM, reset between phases) and file growth, and compares the first write with a plain
//! prepared-statement insert of the same rows. Asserts only sizes (the unchanged run adds < 64 KB).

use std::path::Path;
use std::time::Instant;

use crate::catalog_support::*;
use snowcat::catalog::*;

const COLUMNS_PER_TABLE: usize = 20;
const DATABASES: usize = 10;
const SCHEMAS: usize = 10;

fn tables_total() -> usize {
    std::env::var("SNOWCAT_BENCH_TABLES").ok().and_then(|v| v.parse().ok()).unwrap_or(100_000)
}

fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

fn peak_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb: f64 = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0);
    kb / 1024.0
}

fn file_size(path: &Path) -> u64 {
    let wal = path.with_extension("db-wal");
    std::fs::metadata(path).map(|m| m.len()).unwrap_or(0)
        + std::fs::metadata(wal).map(|m| m.len()).unwrap_or(0)
}

/// The objects of table number `t`, changed when `(t + c) % 100 == 0` and `changed` is set (1% of columns,
/// 1% of tables' comments).
fn table_objects(t: usize, changed: bool) -> (Vec<Object>, Vec<Object>) {
    let (d, s) = (t % DATABASES, (t / DATABASES) % SCHEMAS);
    let (dn, sn, tn) = (format!("DB_{d:02}"), format!("SCHEMA_{s:02}"), format!("TABLE_{t:06}"));
    let mut tb = table_obj(&dn, &sn, &tn);
    tb.created = Some("2026-01-02T00:00:00.000Z".into());
    tb.stats.row_count = Some(t as i64);
    if changed && t.is_multiple_of(100) {
        tb.comment = Some("changed".into());
    }
    let mut cols = Vec::with_capacity(COLUMNS_PER_TABLE);
    for c in 0..COLUMNS_PER_TABLE {
        let mut cl = col_obj(&dn, &sn, &tn, &format!("COLUMN_{c:02}"), c as i64 + 1);
        if changed && (t + c).is_multiple_of(100) {
            cl.character_maximum_length = Some(200);
        }
        cols.push(Object::Column(cl));
    }
    (vec![Object::Table(tb)], cols)
}

fn write(cat: &mut Catalog, changed: bool) -> RunSummary {
    let n = tables_total();
    let mut w = cat.begin_run("bench").unwrap();
    let dbs: Vec<Object> = (0..DATABASES).map(|d| db(&format!("DB_{d:02}"))).collect();
    w.put(&ScopeKey::Databases, dbs).unwrap();
    w.finish_scope(&ScopeKey::Databases, ScopeOutcome::Complete, None).unwrap();
    for d in 0..DATABASES {
        let dn = format!("DB_{d:02}");
        let schemas: Vec<Object> = (0..SCHEMAS).map(|s| schema(&dn, &format!("SCHEMA_{s:02}"))).collect();
        let sk = ScopeKey::Schemas { database: dn.clone() };
        w.put(&sk, schemas).unwrap();
        w.finish_scope(&sk, ScopeOutcome::Complete, None).unwrap();
        let tk = ScopeKey::Tables { database: dn.clone(), schema: None };
        let ck = ScopeKey::Columns { database: dn.clone(), schema: None, table: None };
        for t in (d..n).step_by(DATABASES) {
            let (tables, cols) = table_objects(t, changed);
            w.put(&tk, tables).unwrap();
            w.put(&ck, cols).unwrap();
        }
        w.finish_scope(&tk, ScopeOutcome::Complete, None).unwrap();
        w.finish_scope(&ck, ScopeOutcome::Complete, None).unwrap();
    }
    w.commit(RunStatus::Complete, RunCounts::default()).unwrap()
}

fn checkpoint(cat: &Catalog) {
    cat.connection().query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(())).unwrap();
}

fn plain_insert(path: &Path) -> f64 {
    let mut conn = rusqlite::Connection::open(path).unwrap();
    conn.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;
         CREATE TABLE plain (account_id INTEGER, kind TEXT, p1 TEXT, p2 TEXT, p3 TEXT, p4 TEXT, p5 TEXT,
                             attrs TEXT, first_run INTEGER);",
    )
    .unwrap();
    let start = Instant::now();
    let tx = conn.transaction().unwrap();
    {
        let mut stmt = tx.prepare("INSERT INTO plain VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, 1)").unwrap();
        for t in 0..tables_total() {
            let (tables, cols) = table_objects(t, false);
            for o in tables.into_iter().chain(cols) {
                let k = o.key();
                let p = &k.parts;
                stmt.execute(rusqlite::params![
                    k.kind.as_str(),
                    p[0],
                    p[1],
                    p[2],
                    p[3],
                    p[4],
                    o.attrs_json().unwrap()
                ])
                .unwrap();
            }
        }
    }
    tx.commit().unwrap();
    start.elapsed().as_secs_f64()
}

#[test]
#[ignore = "benchmark: run once with --release --ignored --nocapture"]
fn bench_first_unchanged_and_one_percent_runs() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bench.db");
    let n = tables_total();
    println!("account: {n} tables, {} columns", n * COLUMNS_PER_TABLE);

    reset_peak();
    let plain = plain_insert(&dir.path().join("plain.db"));
    println!("plain prepared insert (no indexes): {plain:.1} s, peak {:.0} MiB", peak_mib());

    let mut cat = Catalog::open(&path).unwrap();
    let mut size = file_size(&path);
    for (label, changed) in [("first write", false), ("unchanged run", false), ("1% change", true)] {
        reset_peak();
        let start = Instant::now();
        let summary = write(&mut cat, changed);
        let secs = start.elapsed().as_secs_f64();
        checkpoint(&cat);
        let now = file_size(&path);
        println!(
            "{label}: {secs:.1} s, peak {:.0} MiB, file +{} KiB (total {} MiB), {} objects, {} changes",
            peak_mib(),
            (now.saturating_sub(size)) / 1024,
            now / (1024 * 1024),
            summary.objects,
            summary.total_changes()
        );
        if label == "first write" {
            println!("first write / plain insert = {:.2}x", secs / plain);
        }
        if label == "unchanged run" {
            assert_eq!(summary.total_changes(), 0);
            assert!(
                now.saturating_sub(size) < 64 * 1024,
                "unchanged run grew the file by {} bytes",
                now - size
            );
        }
        size = now;
    }
}
