//! Crash test: a child process (this test binary, re-executed) writes large runs in a loop and is killed
//! with SIGKILL at random points. Afterwards the file passes `PRAGMA integrity_check` and the snapshot of
//! the last committed run is exactly the state that run wrote.

use std::process::{Command, Stdio};
use std::time::Duration;

use crate::catalog_support::*;
use snowcat::catalog::*;

const CHILD_ENV: &str = "SNOWCAT_CATALOG_CRASH_CHILD";

/// The state a run writes is a function of its id, so the parent knows what each committed run wrote.
fn state_for(run_id: i64) -> Vec<Object> {
    let variant = run_id % 3;
    let mut out = vec![db("D"), schema("D", "S")];
    for t in 0..4000 {
        let name = format!("T{t:05}");
        let mut tb = table_obj("D", "S", &name);
        if variant == 1 && t % 7 == 0 {
            tb.comment = Some("variant one".into());
        }
        if variant == 2 && t % 11 == 0 {
            continue;
        }
        out.push(Object::Table(tb));
        for c in 0..5 {
            let mut cl = col_obj("D", "S", &name, &format!("C{c}"), c + 1);
            if variant == 2 && c == 4 {
                cl.character_maximum_length = Some(500);
            }
            out.push(Object::Column(cl));
        }
    }
    out
}

fn child(path: &str) {
    let mut cat = Catalog::open(path).unwrap();
    loop {
        let mut w = cat.begin_run("acct").unwrap();
        let st = state_for(w.run_id());
        for (scope, objs, outcome) in scopes_for(&st) {
            for chunk in objs.chunks(500) {
                w.put(&scope, chunk.to_vec()).unwrap();
            }
            w.finish_scope(&scope, outcome, None).unwrap();
        }
        w.commit(RunStatus::Complete, RunCounts::default()).unwrap();
    }
}

#[test]
fn crash_child() {
    // Only does something when re-executed by `sigkill_at_random_points_never_corrupts`.
    if let Ok(path) = std::env::var(CHILD_ENV) {
        child(&path);
    }
}

#[test]
fn sigkill_at_random_points_never_corrupts() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("crash.db");
    let exe = std::env::current_exe().unwrap();
    let mut committed_runs = 0;
    for i in 0..10u64 {
        let mut proc = Command::new(&exe)
            .args(["--exact", "catalog_crash::crash_child", "--nocapture", "--test-threads=1"])
            .env(CHILD_ENV, &path)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Pseudo-random kill points spread over opening, staging and committing.
        let delay = 300 + (i.wrapping_mul(2_654_435_761) % 4000);
        std::thread::sleep(Duration::from_millis(delay));
        proc.kill().unwrap(); // SIGKILL on Unix
        proc.wait().unwrap();

        let cat = Catalog::open(&path).unwrap();
        let check: String = cat.connection().query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
        assert_eq!(check, "ok", "iteration {i}");
        if let Some(run) = cat.latest_run("acct").unwrap() {
            committed_runs += 1;
            let mut got = cat.snapshot("acct", Some(run)).unwrap();
            let mut want = state_for(run);
            got.sort_by_key(Object::key);
            want.sort_by_key(Object::key);
            assert_eq!(got.len(), want.len(), "iteration {i}, run {run}");
            assert!(got == want, "iteration {i}: snapshot of run {run} differs from what it wrote");
        }
    }
    assert!(committed_runs > 0, "no run ever committed; the kill points never reached a commit");
}
