//! `snowcat crawl --once` through the real binary against the emulator: exit 0 for a complete run, 3 for a
//! partial one (the summary names the gap), 2 for a usage error; `--format json` is machine-readable;
//! SIGTERM cancels the statements in flight and exits 1 with the run recorded as cancelled.

use crate::crawl_support::*;
use assert_cmd::Command;
use snowflake_emulator::model::Account;

fn run(args: Vec<String>) -> std::process::Output {
    Command::cargo_bin("snowcat").unwrap().args(args).env_remove("SNOWCAT_CONFIG").output().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn crawl_once_exits_0_when_complete_and_3_when_partial() {
    let sql = format!(
        "{}\nUSE ROLE SECURITYADMIN;\nGRANT MANAGE GRANTS ON ACCOUNT TO ROLE SNOWCAT_CRAWLER;\n",
        snowflake_emulator::sample_sql()
    );
    let emu = start(Account::from_sql(&sql).unwrap(), 10_000, None).await;
    let dir = tempfile::tempdir().unwrap();
    let base = super::crawl_support::crawl_once_args(&emu.base_url(), dir.path());

    let a = base.clone();
    let out = tokio::task::spawn_blocking(move || run(a)).await.unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("crawl complete"), "{stdout}");
    assert!(stdout.contains("table "), "{stdout}");
    assert!(!stdout.contains("t0ken") && !String::from_utf8_lossy(&out.stderr).contains("t0ken"));

    let mut a = base.clone();
    a.extend(["--role".into(), "SNOWCAT_CRAWLER".into(), "--format".into(), "json".into()]);
    let out = tokio::task::spawn_blocking(move || run(a)).await.unwrap();
    assert_eq!(out.status.code(), Some(3), "{}", String::from_utf8_lossy(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["status"], "partial");
    let gaps = json["gaps"].as_array().unwrap();
    assert!(gaps.iter().any(|g| g["scope"] == "tables:HR" && g["outcome"] == "denied"), "{gaps:?}");

    let mut a = base.clone();
    a.retain(|x| x != "--once");
    let out = tokio::task::spawn_blocking(move || run(a)).await.unwrap();
    assert_eq!(out.status.code(), Some(2));
}

/// SIGTERM (a CronJob or systemd stopping `crawl --once`) cancels the statements in flight on the server
/// and records the run as cancelled; the process exits 1 saying so.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_cancels_the_statements_in_flight() {
    use snowflake_emulator::faults::{Faults, SlowRule};
    use snowflake_emulator::requestlog::EntryKind;

    let emu = start(sample(), 10_000, None).await;
    emu.set_faults(Faults {
        slow_statements: vec![SlowRule { contains: "INFORMATION_SCHEMA.COLUMNS".into(), ms: 60_000 }],
        ..Faults::default()
    });
    let dir = tempfile::tempdir().unwrap();
    let token = dir.path().join("token");
    std::fs::write(&token, "t0ken\n").unwrap();
    let db = dir.path().join("c.db");
    let child = std::process::Command::new(assert_cmd::cargo::cargo_bin("snowcat"))
        .args(["crawl", "--once", "--url", &emu.base_url(), "--token-file"])
        .arg(&token)
        .arg("--catalog")
        .arg(&db)
        .env_remove("SNOWCAT_CONFIG")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Wait (bounded: a hang, not a speed check) until a slow COLUMNS statement is accepted.
    let slow_submitted = |emu: &snowflake_emulator::EmulatorHandle| {
        emu.request_log().iter().any(|e| {
            e.kind == EntryKind::Submit && e.statement.as_deref().is_some_and(|s| s.contains("COLUMNS"))
        })
    };
    for _ in 0..600 {
        if slow_submitted(&emu) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(slow_submitted(&emu), "the crawl never reached COLUMNS");
    let ok = std::process::Command::new("kill").arg("-TERM").arg(child.id().to_string()).status().unwrap();
    assert!(ok.success());
    let out = tokio::task::spawn_blocking(move || child.wait_with_output().unwrap()).await.unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("crawl cancelled"), "{stderr}");
    let log = emu.request_log();
    let slow: Vec<_> = log
        .iter()
        .filter(|e| {
            e.kind == EntryKind::Submit && e.statement.as_deref().is_some_and(|s| s.contains("COLUMNS"))
        })
        .filter_map(|e| e.handle.clone())
        .collect();
    assert!(!slow.is_empty());
    for handle in &slow {
        assert!(
            log.iter().any(|e| e.kind == EntryKind::Cancel && e.handle.as_ref() == Some(handle)),
            "no cancel for the COLUMNS statement {handle}"
        );
    }
    let status: String = rusqlite::Connection::open(&db)
        .unwrap()
        .query_row("SELECT status FROM runs_v ORDER BY run_id DESC LIMIT 1", [], |r| r.get(0))
        .unwrap();
    assert_eq!(status, "cancelled");
}
