//! The `snowflake-emulator` binary as scripts use it: the base URL alone on the first stdout line, the
//! `--account` file loaded behind it, exit 0 on SIGTERM, exit 2 naming the flag for a bad one.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_snowflake-emulator");

#[tokio::test]
async fn serves_the_account_file_and_exits_0_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("acct.sql");
    std::fs::write(&file, "CREATE DATABASE BIN_DB;\n").unwrap();
    let mut child = Command::new(BIN)
        .args(["--listen", "127.0.0.1:0", "--token", "bin-token", "--account"])
        .arg(&file)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let url = line.trim_end();
    assert!(url.starts_with("http://127.0.0.1:"), "first line is the base URL: {line:?}");

    let resp = reqwest::Client::new()
        .post(format!("{url}/api/v2/statements"))
        .bearer_auth("bin-token")
        .json(&serde_json::json!({"statement": "SHOW DATABASES LIKE 'BIN_%'"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let body: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(body["resultSetMetaData"]["numRows"], 1, "{body}");

    let killed = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(killed.success());
    assert_eq!(child.wait().unwrap().code(), Some(0));
}

#[test]
fn a_bad_flag_exits_2_and_names_it() {
    let out = Command::new(BIN).args(["--listen", "0.0.0.0:0"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--allow-non-loopback"));
    let out = Command::new(BIN).args(["--account", "/nonexistent/acct.sql"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/acct.sql"));
}

#[tokio::test]
async fn generated_database_roles_and_masking_policies_are_served() {
    let mut child = Command::new(BIN)
        .args(["--generate", "2x1x4x9", "--generate-database-roles", "6", "--generate-masking-policies", "3"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let url = line.trim_end().to_string();
    let count = |sql: &'static str| {
        let url = url.clone();
        async move {
            let resp = reqwest::Client::new()
                .post(format!("{url}/api/v2/statements"))
                .bearer_auth("t")
                .json(&serde_json::json!({"statement": sql}))
                .send()
                .await
                .unwrap();
            let body: serde_json::Value = resp.json().await.unwrap();
            body["resultSetMetaData"]["numRows"].as_i64().unwrap_or(-1)
        }
    };
    assert_eq!(count("SHOW DATABASE ROLES IN DATABASE SALES_00").await, 3);
    assert_eq!(count("SHOW MASKING POLICIES IN ACCOUNT").await, 3);
    let killed = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(killed.success());
    assert_eq!(child.wait().unwrap().code(), Some(0));
    // The counts need --generate.
    let out = Command::new(BIN).args(["--generate-database-roles", "3"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--generate"));
}
