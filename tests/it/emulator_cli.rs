//! `snowcat emulator` as scripts use it: the base URL alone on the first stdout line, a working API behind
//! it, and exit code 0 on SIGTERM. Runs the built binary on 127.0.0.1.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use serde_json::Value as Json;

#[tokio::test]
async fn prints_url_serves_and_exits_0_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("acct.sql");
    std::fs::write(&file, "CREATE DATABASE CLI_DB;\nCREATE ROLE ANALYST;\n").unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_snowcat"))
        .args(["emulator", "--listen", "127.0.0.1:0", "--token", "cli-token", "--sync-threshold", "5s"])
        .arg("--account")
        .arg(&file)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let url = line.trim_end().to_string();
    assert!(url.starts_with("http://127.0.0.1:"), "first line is the base URL: {line:?}");
    assert!(!url[17..].contains(|c: char| !c.is_ascii_digit()), "nothing but the URL: {line:?}");

    let client = reqwest::Client::new();
    let resp = client
        .post(format!("{url}/api/v2/statements"))
        .bearer_auth("cli-token")
        .json(&serde_json::json!({"statement": "this is not sql"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 422, "the engine answers unsupported SQL with a 422");
    let body: serde_json::Value = resp.json().await.unwrap();
    assert!(body["code"].as_str().unwrap().len() == 6);
    let resp = client
        .post(format!("{url}/api/v2/statements"))
        .bearer_auth("cli-token")
        .json(&serde_json::json!({"statement": "SHOW DATABASES"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let body: serde_json::Value = resp.json().await.unwrap();
    let name =
        body["resultSetMetaData"]["rowType"].as_array().unwrap().iter().position(|c| c["name"] == "name");
    let names: Vec<&Json> = body["data"].as_array().unwrap().iter().map(|r| &r[name.unwrap()]).collect();
    assert!(names.iter().any(|n| *n == "CLI_DB"), "the --account file was loaded: {names:?}");
    let wrong = client
        .post(format!("{url}/api/v2/statements"))
        .bearer_auth("other")
        .json(&serde_json::json!({"statement": "select 1"}))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);

    let killed = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(killed.success());
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0));
}

#[test]
fn refuses_a_non_loopback_listen_address() {
    let out = Command::new(env!("CARGO_BIN_EXE_snowcat"))
        .args(["emulator", "--listen", "0.0.0.0:0"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--allow-non-loopback"));
}

#[test]
fn a_missing_account_file_is_named() {
    let out = Command::new(env!("CARGO_BIN_EXE_snowcat"))
        .args(["emulator", "--account", "/nonexistent/acct.sql"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/acct.sql"));
}

#[test]
fn a_bad_account_file_names_the_file_and_statement() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("broken.sql");
    std::fs::write(&file, "CREATE DATABASE OK_DB;\nCREATE SCHEMA NO_SUCH_DB.S;\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_snowcat"))
        .arg("emulator")
        .arg("--account")
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("broken.sql") && err.contains("NO_SUCH_DB"), "{err}");
}
