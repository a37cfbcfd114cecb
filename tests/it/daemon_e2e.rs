//! Acceptance for `snowcat run`: the real binary crawls the emulator's sample account on a schedule of a
//! few seconds; /metrics moves as the account changes (DDL sent to the emulator between runs); /readyz
//! flips to 503 when runs go stale (token revoked) and back; SIGTERM in the middle of a slow crawl makes
//! the client cancel its statements on the emulator, the process exits 0 within the grace period, and the
//! catalog's last complete snapshot is unchanged.
//!
//! All waits are bounded polls that fail only on a hang, never on speed.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use snowflake_emulator::faults::{Faults, SlowRule};
use snowflake_emulator::model::Account;
use snowflake_emulator::requestlog::EntryKind;
use snowflake_emulator::sample::SAMPLE_SQL;
use snowflake_emulator::{Emulator, EmulatorHandle};

use crate::common::daemon;
use daemon::start_daemon;

const TOKEN: &str = "e2e-token";

/// Poll `probe` every 200 ms until it returns `Some`; panic after 3 minutes (a hang, not a speed check).
async fn eventually<T, F, Fut>(what: &str, mut probe: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    for _ in 0..900 {
        if let Some(v) = probe().await {
            return v;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("never happened: {what}");
}

/// The value of the sample line `name{labels}` in a /metrics text, if present.
fn sample(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find_map(|l| l.strip_prefix(series).and_then(|v| v.strip_prefix(' ')).and_then(|v| v.parse().ok()))
}

async fn metrics(base: &str) -> String {
    reqwest::get(format!("{base}/metrics")).await.unwrap().text().await.unwrap()
}

async fn ready_status(base: &str) -> u16 {
    reqwest::get(format!("{base}/readyz")).await.unwrap().status().as_u16()
}

async fn ddl(emu: &EmulatorHandle, sql: &str) {
    let r = reqwest::Client::new()
        .post(format!("{}/api/v2/statements", emu.base_url()))
        .bearer_auth(TOKEN)
        .json(&serde_json::json!({ "statement": sql }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{sql}: {}", r.text().await.unwrap());
}

/// (latest complete run id, current version rows) of the catalog.
fn last_complete_snapshot(catalog: &Path) -> (i64, i64) {
    let conn =
        rusqlite::Connection::open_with_flags(catalog, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let run: i64 = conn
        .query_row("SELECT coalesce(max(run_id), 0) FROM runs_v WHERE status = 'complete'", [], |r| r.get(0))
        .unwrap();
    let versions: i64 =
        conn.query_row("SELECT count(*) FROM versions WHERE end_run IS NULL", [], |r| r.get(0)).unwrap();
    (run, versions)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn snowcat_run_against_the_emulator() {
    let emu = Emulator::builder(Account::from_sql(SAMPLE_SQL).unwrap())
        .token(TOKEN)
        .sync_threshold(Duration::from_millis(200))
        .start()
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let token_file = dir.path().join("pat");
    std::fs::write(&token_file, format!("{TOKEN}\n")).unwrap();
    let catalog = dir.path().join("catalog.db");
    let config = dir.path().join("snowcat.toml");
    let feed = dir.path().join("changes.ndjson");
    std::fs::write(
        &config,
        format!(
            r#"
[catalog]
path = "{catalog}"
[http]
listen = "127.0.0.1:0"
stale_after = "10s"
[daemon]
shutdown_grace = "15s"
[notifications]
ndjson_path = "{feed}"
severities = ["breaking"]
include_grants_to_public = true
[[accounts]]
name = "prod"
url = "{url}"
schedule = "*/2 * * * * *"
timezone = "UTC"
run_at_start = true
concurrency = 4
[accounts.auth.pat]
token_file = "{token}"
"#,
            catalog = catalog.display(),
            url = emu.base_url(),
            token = token_file.display(),
            feed = feed.display()
        ),
    )
    .unwrap();
    let daemon = start_daemon(&config, &[TOKEN]);
    let base = daemon.base.clone();

    // 1. A first complete run: objects are counted, the service is ready.
    let tables_before = eventually("a successful run with tables", || {
        let base = base.clone();
        async move {
            let m = metrics(&base).await;
            sample(&m, "snowcat_runs_total{account=\"prod\",status=\"success\"}").filter(|n| *n >= 1.0)?;
            sample(&m, "snowcat_objects{account=\"prod\",kind=\"table\"}").filter(|n| *n > 0.0)
        }
    })
    .await;
    eventually("/readyz 200 after the first run", || {
        let base = base.clone();
        async move { (ready_status(&base).await == 200).then_some(()) }
    })
    .await;
    let m = metrics(&base).await;
    let ok_statements = m
        .lines()
        .any(|l| l.starts_with("snowcat_statements_total{account=\"prod\",") && l.contains("outcome=\"ok\""));
    assert!(ok_statements, "{m}");
    assert!(
        sample(&m, "snowcat_http_requests_total{account=\"prod\",code=\"200\"}").unwrap_or(0.0) > 0.0,
        "{m}"
    );
    assert!(sample(&m, "snowcat_catalog_file_size_bytes").unwrap_or(0.0) > 0.0, "{m}");

    // 2. The account changes: one more table; the next run counts it and records the change.
    ddl(&emu, "CREATE TABLE SALES.CORE.E2E_NEW (ID NUMBER(38,0) NOT NULL, NOTE VARCHAR)").await;
    ddl(&emu, "GRANT SELECT ON TABLE SALES.CORE.PRODUCTS TO ROLE PUBLIC").await;
    eventually("the new table counted and its change recorded", || {
        let base = base.clone();
        async move {
            let m = metrics(&base).await;
            let tables = sample(&m, "snowcat_objects{account=\"prod\",kind=\"table\"}")?;
            let added =
                m.lines().any(|l| l.starts_with("snowcat_changes_total{account=\"prod\",kind=\"table\""));
            (tables == tables_before + 1.0 && added).then_some(())
        }
    })
    .await;
    ddl(&emu, "DROP TABLE SALES.CORE.E2E_NEW").await;
    eventually("the dropped table uncounted", || {
        let base = base.clone();
        async move {
            let m = metrics(&base).await;
            (sample(&m, "snowcat_objects{account=\"prod\",kind=\"table\"}")? == tables_before).then_some(())
        }
    })
    .await;

    // The change feed got the grant to PUBLIC and the removal (breaking), not the additive new table.
    // (The feed is written after the run's metrics, so wait for it too.)
    let read_feed = || -> Vec<serde_json::Value> {
        std::fs::read_to_string(&feed)
            .unwrap_or_default()
            .lines()
            .map(|l| {
                serde_json::from_str(l).unwrap_or_else(|e| panic!("NDJSON line does not parse ({e}): {l}"))
            })
            .collect()
    };
    let lines = eventually("the grant to PUBLIC and the table removal in the feed", || {
        let lines = read_feed();
        let grant =
            lines.iter().any(|c| c["kind"] == "grant" && c["grantee"] == "PUBLIC" && c["change"] == "added");
        let removal = lines.iter().any(|c| c["kind"] == "table" && c["change"] == "removed");
        async move { (grant && removal).then_some(lines) }
    })
    .await;
    assert!(!lines.iter().any(|c| c["kind"] == "table" && c["change"] == "added"), "{lines:?}");

    // 3. Runs go stale (the token is revoked: every run fails), /readyz says 503; a good token heals it.
    std::fs::write(&token_file, "revoked-token\n").unwrap();
    eventually("/readyz 503 once runs are stale", || {
        let base = base.clone();
        async move { (ready_status(&base).await == 503).then_some(()) }
    })
    .await;
    let m = metrics(&base).await;
    assert!(
        sample(&m, "snowcat_runs_total{account=\"prod\",status=\"failed\"}").unwrap_or(0.0) >= 1.0,
        "{m}"
    );
    // The first run was full, the ones after it (schedule every few seconds, nothing failed) incremental.
    for mode in ["full", "incremental"] {
        let series = format!("snowcat_runs_by_mode_total{{account=\"prod\",mode=\"{mode}\"}}");
        assert!(sample(&m, &series).unwrap_or(0.0) >= 1.0, "{series}: {m}");
    }
    std::fs::write(&token_file, format!("{TOKEN}\n")).unwrap();
    eventually("/readyz 200 after a good run", || {
        let base = base.clone();
        async move { (ready_status(&base).await == 200).then_some(()) }
    })
    .await;

    // 4. SIGTERM during a slow crawl: the statements are cancelled on the emulator, exit 0, snapshot kept.
    // (The TABLES listing runs in every run, incremental ones included; COLUMNS may be carried.)
    emu.set_faults(Faults {
        slow_statements: vec![SlowRule { contains: "INFORMATION_SCHEMA.TABLES".into(), ms: 600_000 }],
        ..Faults::default()
    });
    emu.log().clear();
    eventually("a slow statement running", || {
        let log = emu.request_log();
        async move {
            log.iter()
                .any(|e| {
                    e.kind == EntryKind::Submit
                        && e.statement.as_deref().is_some_and(|s| s.contains("INFORMATION_SCHEMA.TABLES"))
                })
                .then_some(())
        }
    })
    .await;
    let before = last_complete_snapshot(&catalog);
    assert!(before.0 > 0 && before.1 > 0, "{before:?}");
    let mut daemon = daemon;
    let ok = Command::new("kill").arg("-TERM").arg(daemon.child.id().to_string()).status().unwrap();
    assert!(ok.success());
    let status = eventually("snowcat run exits after SIGTERM", || {
        let st = daemon.child.try_wait().unwrap();
        async move { st }
    })
    .await;
    assert_eq!(status.code(), Some(0), "exit status after SIGTERM");
    // Within the grace period: the runs ended by themselves, none was abandoned.
    std::thread::sleep(Duration::from_millis(200));
    let said = daemon.messages();
    assert!(said.iter().any(|m| m == "all runs ended; stopped"), "{said:?}");
    assert!(!said.iter().any(|m| m.contains("abandoning")), "{said:?}");
    let cancels = emu.request_log().iter().filter(|e| e.kind == EntryKind::Cancel).count();
    assert!(cancels >= 1, "no cancel reached the emulator: {:?}", emu.request_log());
    assert_eq!(last_complete_snapshot(&catalog), before, "the last complete snapshot changed");
    let conn = rusqlite::Connection::open(&catalog).unwrap();
    let last: String =
        conn.query_row("SELECT status FROM runs ORDER BY id DESC LIMIT 1", [], |r| r.get(0)).unwrap();
    assert_eq!(last, "cancelled");
    emu.shutdown().await;
}
