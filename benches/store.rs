//! The catalog's store phase against a plain prepared insert of the same rows (issue 18's "store ratio").
//!
//! usage: `cargo bench --bench store -- CATALOG [ACCOUNT]` where CATALOG holds a completed crawl (e.g. one
//! `snowcat crawl --once` of the 2m account from `benches/run.sh`'s setup) and ACCOUNT defaults to `bench`.
//!
//! It loads that crawl's objects into memory, then times, each in a fresh catalog file in a temporary
//! directory with the catalog's own pragmas (WAL, synchronous NORMAL):
//! - **plain**: one prepared `INSERT` per object of the same values the store stages (kind, five key parts,
//!   attributes JSON, statistics JSON, serialised here as the store does), in transactions of 20,000 rows;
//! - **first run**: `RunWriter::put` of every object (one kind-wide scope per kind) and `commit` into an
//!   empty catalog (the baseline: every object is new);
//! - **unchanged run**: the same objects again into that catalog: staged, compared, nothing written but
//!   the run, its ledger and the volatile statistics.
//!
//! Prints one line per phase and the ratios. Timing is wall clock of this process alone; nothing else
//! runs in it.

use std::collections::BTreeMap;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use snowcat::catalog::scope::{ScopeKey, ScopeOutcome};
use snowcat::catalog::{Catalog, Object, ObjectKind, RunCounts, RunStatus};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| a != "--bench").collect();
    let Some(path) = args.first() else {
        eprintln!("usage: cargo bench --bench store -- CATALOG [ACCOUNT]");
        return ExitCode::from(2);
    };
    let account = args.get(1).map_or("bench", String::as_str);
    match run(path, account) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("store bench: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(path: &str, account: &str) -> Result<(), Box<dyn std::error::Error>> {
    let objects = Catalog::open_read_only(path)?.snapshot(account, None)?;
    if objects.is_empty() {
        return Err(format!("{path} has no objects for account {account:?}").into());
    }
    let mut by_kind: BTreeMap<ObjectKind, Vec<Object>> = BTreeMap::new();
    for o in &objects {
        by_kind.entry(o.kind()).or_default().push(o.clone());
    }
    println!("{} objects of {} kinds from {path}", objects.len(), by_kind.len());
    let dir = tempfile::tempdir()?;

    let plain = plain_insert(&dir.path().join("plain.db"), &objects)?;
    let mut cat = Catalog::open(dir.path().join("store.db"))?;
    // Each run takes its objects by value, as the crawler hands them over; the copies are made untimed.
    let first = store(&mut cat, by_kind.clone())?;
    let unchanged = store(&mut cat, by_kind)?;

    let secs = |d: Duration| d.as_secs_f64();
    println!("plain prepared insert: {:.2} s", secs(plain));
    println!("store, first run:      {:.2} s  ({:.2}x plain)", secs(first), secs(first) / secs(plain));
    println!(
        "store, unchanged run:  {:.2} s  ({:.2}x plain)",
        secs(unchanged),
        secs(unchanged) / secs(plain)
    );
    Ok(())
}

/// The same values the store stages, through one prepared statement, 20,000 rows per transaction.
fn plain_insert(path: &std::path::Path, objects: &[Object]) -> Result<Duration, Box<dyn std::error::Error>> {
    let cat = Catalog::open(path)?;
    let conn = cat.connection();
    conn.execute_batch(
        "CREATE TABLE plain (kind TEXT NOT NULL, p0 TEXT NOT NULL, p1 TEXT NOT NULL, p2 TEXT NOT NULL,
                             p3 TEXT NOT NULL, p4 TEXT NOT NULL, attrs TEXT NOT NULL, stats TEXT)",
    )?;
    let started = Instant::now();
    conn.execute_batch("BEGIN")?;
    let mut stmt = conn.prepare("INSERT INTO plain VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)")?;
    for (i, o) in objects.iter().enumerate() {
        let key = o.key();
        let p = &key.parts;
        stmt.execute(rusqlite::params![
            key.kind.as_str(),
            p[0],
            p[1],
            p[2],
            p[3],
            p[4],
            o.attrs_json()?,
            o.stats_json()?
        ])?;
        if (i + 1) % 20_000 == 0 {
            conn.execute_batch("COMMIT; BEGIN")?;
        }
    }
    drop(stmt);
    conn.execute_batch("COMMIT")?;
    Ok(started.elapsed())
}

/// One run that stages every object under a kind-wide scope per kind, each complete, and commits it.
fn store(
    cat: &mut Catalog,
    by_kind: BTreeMap<ObjectKind, Vec<Object>>,
) -> Result<Duration, Box<dyn std::error::Error>> {
    let rows = by_kind.values().map(|v| v.len() as u64).sum();
    let started = Instant::now();
    let mut run = cat.begin_run("bench")?;
    for (kind, objects) in by_kind {
        let scope = ScopeKey::Kind { kind, database: None, schema: None };
        run.put(&scope, objects)?;
        run.finish_scope(&scope, ScopeOutcome::Complete, None)?;
    }
    let staged = started.elapsed();
    let summary = run.commit(RunStatus::Complete, RunCounts { rows, ..RunCounts::default() })?;
    let elapsed = started.elapsed();
    println!(
        "  run {}: {} objects, {} changes; staging {:.2} s, diff and commit {:.2} s",
        summary.run_id,
        summary.objects,
        summary.total_changes(),
        staged.as_secs_f64(),
        (elapsed - staged).as_secs_f64()
    );
    Ok(elapsed)
}
