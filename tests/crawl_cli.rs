//! `snowcat crawl --once` through the real binary against the emulator: exit 0 for a complete run, 3 for a
//! partial one (the summary names the gap), 2 for a usage error; `--format json` is machine-readable.

mod crawl_support;

use assert_cmd::Command;
use crawl_support::*;
use snowcat::emulator::model::Account;

fn run(args: Vec<String>) -> std::process::Output {
    Command::cargo_bin("snowcat").unwrap().args(args).env_remove("SNOWCAT_CONFIG").output().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn crawl_once_exits_0_when_complete_and_3_when_partial() {
    let sql = format!(
        "{}\nUSE ROLE SECURITYADMIN;\nGRANT MANAGE GRANTS ON ACCOUNT TO ROLE SNOWCAT_CRAWLER;\n",
        snowcat::emulator::sample_sql()
    );
    let emu = start(Account::from_sql(&sql).unwrap(), 10_000, None).await;
    let dir = tempfile::tempdir().unwrap();
    let token = dir.path().join("token");
    std::fs::write(&token, "t0ken\n").unwrap();
    let base = vec![
        "crawl".to_string(),
        "--once".into(),
        "--url".into(),
        emu.base_url(),
        "--token-file".into(),
        token.display().to_string(),
        "--catalog".into(),
        dir.path().join("c.db").display().to_string(),
    ];

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
