//! SIGTERM loop: the real `snowcat run` daemon (`run_at_start`, a yearly schedule) crawls a generated
//! account of 1,800 tables served by the emulator on 127.0.0.1 with injected statement latency, and gets
//! SIGTERM at a pseudo-random moment of the crawl, N times (6; `SNOWCAT_SIGTERM_LOOPS` for a soak,
//! `SNOWCAT_SIGTERM_SEED` to replay a sequence of moments). Every time: exit status 0; exit within the grace
//! period (the daemon's own "all runs ended" and a wall-clock bound of grace + margin, a correctness bound,
//! not a speed check); every statement still running on the emulator when the process exited got a cancel
//! request, and none ran to completion afterwards; `PRAGMA integrity_check` is ok; the interrupted run is
//! recorded `cancelled` (or `complete` when the signal came after the commit, or absent when it came
//! before the run row); the last complete snapshot is exactly the clean one. At the end a run completes.
//!
//! `snowcat crawl --once` is not looped here: it handles SIGINT only (SIGTERM keeps its default action),
//! and the service that systemd or Kubernetes stops with SIGTERM is `snowcat run`.

use std::collections::{BTreeSet, HashSet};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use snowcat::catalog::{Catalog, Object, ObjectKey};
use snowflake_emulator::faults::Faults;
use snowflake_emulator::model::{Account, GenerateSpec};
use snowflake_emulator::requestlog::{EntryKind, LogEntry};
use snowflake_emulator::{Emulator, EmulatorHandle};

use crate::common::daemon;
use crate::common::integrity;
use daemon::Daemon;
use integrity::integrity_ok;

const TOKEN: &str = "sigterm-loop-token";
const ACCOUNT: &str = "big";
/// `[daemon] shutdown_grace` of the config.
const GRACE: Duration = Duration::from_secs(10);
/// Allowance on top of the grace period for process start-up noise on a loaded CI machine; exiting later
/// than grace + margin means the grace period was not honoured.
const MARGIN: Duration = Duration::from_secs(10);
/// Extra time the emulator spends on every statement, so a crawl lasts a few seconds and statements are
/// in flight at most moments.
const LATENCY_MS: u64 = 100;

fn write_config(dir: &Path, url: &str) -> std::path::PathBuf {
    let token = dir.join("pat");
    std::fs::write(&token, format!("{TOKEN}\n")).unwrap();
    let config = dir.join("snowcat.toml");
    std::fs::write(
        &config,
        format!(
            r#"
[catalog]
path = "{catalog}"
[http]
listen = "127.0.0.1:0"
[daemon]
shutdown_grace = "{grace}s"
[[accounts]]
name = "{ACCOUNT}"
url = "{url}"
schedule = "0 0 1 1 *"
timezone = "UTC"
run_at_start = true
concurrency = 4
[accounts.auth.pat]
token_file = "{token}"
"#,
            catalog = dir.join("c.db").display(),
            grace = GRACE.as_secs(),
            token = token.display(),
        ),
    )
    .unwrap();
    config
}

fn keys(catalog: &Path) -> BTreeSet<ObjectKey> {
    Catalog::open(catalog).unwrap().snapshot(ACCOUNT, None).unwrap().iter().map(Object::key).collect()
}

/// Every run's status, oldest first.
fn runs(catalog: &Path) -> Vec<String> {
    let conn = rusqlite::Connection::open(catalog).unwrap();
    let mut stmt = conn.prepare("SELECT status FROM runs ORDER BY id").unwrap();
    stmt.query_map([], |r| r.get(0)).unwrap().collect::<Result<_, _>>().unwrap()
}

/// Start a daemon, let its start run finish, stop it. Returns how long the run took.
fn complete_run(config: &Path) -> Duration {
    let mut daemon = Daemon::spawn(config, &[TOKEN]);
    daemon.wait_for("run started");
    let started = Instant::now();
    let finished = daemon.wait_for("run finished");
    let took = started.elapsed();
    assert_eq!(finished["fields"]["status"], "success", "{finished}");
    // The run's log line says what it cost the account.
    for field in ["statements", "bytes_received"] {
        assert!(finished["fields"][field].as_u64().is_some_and(|n| n > 0), "{field}: {finished}");
    }
    assert_eq!(finished["fields"]["retries"], 0, "{finished}");
    let (code, _) = daemon.terminate();
    assert_eq!(code, Some(0), "exit after an idle SIGTERM");
    took
}

/// The cancel contract, judged from the emulator's log: `at_exit` is the log when the process was seen
/// gone, `later` the log after every uncancelled statement would have finished.
fn assert_in_flight_cancelled(at_exit: &[LogEntry], later: &[LogEntry], what: &str) {
    let handles_of = |log: &[LogEntry], kind: EntryKind| -> HashSet<String> {
        log.iter().filter(|e| e.kind == kind).filter_map(|e| e.handle.clone()).collect()
    };
    let executed = handles_of(at_exit, EntryKind::Execution);
    let cancelled = handles_of(at_exit, EntryKind::Cancel);
    // Accepted and still running when the client went away: each one must have been cancelled.
    let in_flight: Vec<&LogEntry> = at_exit
        .iter()
        .filter(|e| e.kind == EntryKind::Submit && e.status == 202)
        .filter(|e| e.handle.as_ref().is_some_and(|h| !executed.contains(h)))
        .collect();
    for e in &in_flight {
        let h = e.handle.as_deref().unwrap_or_default();
        assert!(
            cancelled.contains(h),
            "{what}: statement {h} ({:?}) was in flight at exit and never cancelled; submitted at {} ms \
             (answered in {} ms), log ends at {} ms with: {:#?}",
            e.statement,
            e.at_ms,
            e.elapsed_ms,
            at_exit.last().map_or(0, |l| l.at_ms),
            at_exit.iter().rev().take(12).collect::<Vec<_>>()
        );
    }
    // Nothing the client left behind ran to completion after it exited (this also catches a statement
    // whose submission the client abandoned before learning its handle).
    for e in later.iter().skip(at_exit.len()).filter(|e| e.kind == EntryKind::Execution) {
        let h = e.handle.as_deref().unwrap_or_default();
        assert!(
            cancelled.contains(h),
            "{what}: statement {h} ({:?}) ran to completion after the process exited",
            e.statement
        );
    }
}

/// xorshift64.
fn next(seed: &mut u64) -> u64 {
    *seed ^= *seed << 13;
    *seed ^= *seed >> 7;
    *seed ^= *seed << 17;
    *seed
}

fn env_u64(name: &str) -> Option<u64> {
    std::env::var(name).ok().and_then(|v| v.trim().parse().ok())
}

async fn emulator() -> EmulatorHandle {
    let spec = GenerateSpec { databases: 2, schemas: 3, tables: 300, columns: 5 };
    Emulator::builder(Account::generate(spec))
        .token(TOKEN)
        .faults(Faults { statement_latency_ms: LATENCY_MS, ..Faults::default() })
        .start()
        .await
        .unwrap()
}

#[test]
fn sigterm_at_random_moments_exits_0_in_grace_and_cancels_in_flight_statements() {
    // The emulator runs on its own runtime; this thread only spawns, signals, sleeps and reads files.
    let rt = tokio::runtime::Runtime::new().unwrap();
    let emu = rt.block_on(emulator());
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(dir.path(), &emu.base_url());
    let catalog = dir.path().join("c.db");
    let loops = env_u64("SNOWCAT_SIGTERM_LOOPS").unwrap_or(6);
    let mut seed = env_u64("SNOWCAT_SIGTERM_SEED").unwrap_or_else(|| {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64
    }) | 1;
    eprintln!("SNOWCAT_SIGTERM_SEED={seed}");

    // A clean, complete run first: the snapshot every SIGTERM must leave intact. Its duration bounds the
    // signal moments, so they land anywhere from the first statement to after the commit.
    let clean_run = complete_run(&config);
    let clean = keys(&catalog);
    assert!(clean.len() > 9_000, "{} objects", clean.len());
    assert_eq!(runs(&catalog), vec!["complete"]);
    eprintln!("clean run: {clean_run:?}");
    let window_ms = (clean_run.as_millis() as u64 * 5 / 4).max(200);

    let mut outcomes = Vec::new();
    for i in 0..loops {
        let at = Duration::from_millis(next(&mut seed) % window_ms);
        let what = format!("iteration {i} (SIGTERM {at:?} into the run)");
        let runs_before = runs(&catalog).len();
        emu.log().clear();
        let mut daemon = Daemon::spawn(&config, &[TOKEN]);
        daemon.wait_for("run started");
        std::thread::sleep(at);
        let (code, took) = daemon.terminate();
        let at_exit = emu.request_log();
        assert_eq!(code, Some(0), "{what}: exit status");
        assert!(took <= GRACE + MARGIN, "{what}: exited {took:?} after SIGTERM, grace is {GRACE:?}");
        // The daemon's own account of it: runs ended by themselves, none abandoned at the grace limit.
        // (The reader thread may lag the exit by a few lines.)
        let mut said = daemon.messages();
        for _ in 0..100 {
            if said.iter().any(|m| m == "all runs ended; stopped") {
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
            said = daemon.messages();
        }
        assert!(said.iter().any(|m| m == "all runs ended; stopped"), "{what}: {said:?}");
        assert!(!said.iter().any(|m| m.contains("abandon")), "{what}: {said:?}");

        // Wait past the latency every uncancelled statement would still need, then judge the cancels.
        std::thread::sleep(Duration::from_millis(LATENCY_MS * 2 + 500));
        assert_in_flight_cancelled(&at_exit, &emu.request_log(), &what);

        integrity_ok(&catalog);
        let after = runs(&catalog);
        assert!(after.len() <= runs_before + 1, "{what}: {after:?}");
        if after.len() > runs_before {
            let last = after.last().map(String::as_str);
            assert!(matches!(last, Some("cancelled" | "complete")), "{what}: runs {after:?}");
        }
        assert!(!after.iter().any(|s| s == "running" || s == "abandoned"), "{what}: runs {after:?}");
        assert_eq!(keys(&catalog), clean, "{what}: the last complete snapshot changed");
        let cancels = at_exit.iter().filter(|e| e.kind == EntryKind::Cancel).count();
        let run = if after.len() > runs_before { after[after.len() - 1].as_str() } else { "no run row" };
        outcomes.push(format!("{at:?}: {run}, exit {took:?} after SIGTERM, {cancels} cancels"));
    }
    eprintln!("outcomes: {outcomes:#?}");

    // The next run completes normally and agrees.
    complete_run(&config);
    integrity_ok(&catalog);
    assert_eq!(keys(&catalog), clean);
    assert_eq!(runs(&catalog).last().map(String::as_str), Some("complete"));
    rt.block_on(emu.shutdown());
}

/// The race the loop found, pinned down: the cancel arrives while the submission is in flight (the server
/// fires it on receipt, then takes 300 ms to accept the statement). The statement was accepted, so the
/// client must wait for its handle and cancel it, not drop the request and leave it running unseen.
#[test]
fn a_cancel_during_the_submission_still_cancels_the_statement_it_started() {
    use axum::Json;
    use axum::extract::{Path as UrlPath, State};
    use axum::http::StatusCode;
    use axum::routing::{get, post};
    use secrecy::SecretString;
    use snowcat::sqlapi::{Client, SqlApiError, StatementRequest, StaticToken, TokenType};
    use tokio_util::sync::CancellationToken;

    type Cancels = Arc<Mutex<Vec<String>>>;
    let running = || {
        (
            StatusCode::ACCEPTED,
            Json(serde_json::json!({
                "code": "333334",
                "message": "Asynchronous execution in progress.",
                "statementHandle": "01slow-handle",
                "statementStatusUrl": "/api/v2/statements/01slow-handle",
            })),
        )
    };
    let rt = tokio::runtime::Runtime::new().unwrap();
    let cancels: Cancels = Arc::default();
    let cancel = CancellationToken::new();
    // The caller gives up exactly while the submission is with the server, which then still accepts it.
    let fire = cancel.clone();
    let err = rt.block_on(async {
        let app = axum::Router::new()
            .route(
                "/api/v2/statements",
                post(move || async move {
                    fire.cancel();
                    tokio::time::sleep(Duration::from_millis(300)).await;
                    running()
                }),
            )
            .route("/api/v2/statements/{handle}", get(move || async move { running() }))
            .route(
                "/api/v2/statements/{handle}/cancel",
                post(|State(c): State<Cancels>, UrlPath(h): UrlPath<String>| async move {
                    c.lock().unwrap().push(h.clone());
                    Json(serde_json::json!({
                        "code": "000604", "sqlState": "57014", "message": "SQL execution canceled",
                        "statementHandle": h, "statementStatusUrl": format!("/api/v2/statements/{h}"),
                    }))
                }),
            )
            .with_state(cancels.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        let tokens = Arc::new(StaticToken::new(SecretString::from(TOKEN.to_string()), TokenType::OAuth));
        let client = Client::for_url(&url, tokens).unwrap().build().unwrap();
        let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
        client.execute(StatementRequest::new("SHOW DATABASES"), deadline, cancel).await.err()
    });
    assert!(matches!(err, Some(SqlApiError::Cancelled { .. })), "{err:?}");
    assert_eq!(
        *cancels.lock().unwrap(),
        vec!["01slow-handle".to_string()],
        "the accepted statement was not cancelled"
    );
}
