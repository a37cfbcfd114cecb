//! `snowcat sql` and `snowcat statement` as a user runs them: the built binary against `snowcat emulator`
//! (also the built binary) on 127.0.0.1, with no config file at all.

use std::path::PathBuf;
use std::process::{Command, Output};

use snowflake_emulator::{Emulator, EmulatorHandle};

const TOKEN: &str = "cli-sql-token-123";

/// An emulator served in-process (on this test's runtime) plus a token file; the CLI runs as a child process.
struct Emu {
    _handle: EmulatorHandle,
    url: String,
    dir: tempfile::TempDir,
}

/// The real engine over a tiny account (two databases, one table).
async fn start_engine() -> Emu {
    let mut account = snowflake_emulator::model::Account::default();
    snowflake_emulator::ddl::load_script(
        &mut account,
        "CREATE DATABASE SALES; CREATE DATABASE HR; CREATE SCHEMA SALES.CORE; \
         CREATE TABLE SALES.CORE.ORDERS (ID INT, NOTE VARCHAR);",
    )
    .unwrap();
    wrap(Emulator::builder(account).token(TOKEN).start().await.unwrap())
}

/// The test executor (`rows N`, `types`, `fail`, ...).
async fn start_test_executor() -> Emu {
    wrap(crate::sqlapi_support::emulator().token(TOKEN).partition_rows(4).start().await.unwrap())
}

fn wrap(handle: EmulatorHandle) -> Emu {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("token"), format!("{TOKEN}\n")).unwrap();
    Emu { url: handle.base_url(), _handle: handle, dir }
}

impl Emu {
    fn token_file(&self) -> PathBuf {
        self.dir.path().join("token")
    }

    /// Run the binary with the connection in the environment (SNOWCAT_URL / SNOWCAT_TOKEN_FILE).
    fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_snowcat"))
            .args(args)
            .env("SNOWCAT_URL", &self.url)
            .env("SNOWCAT_TOKEN_FILE", self.token_file())
            .env_remove("SNOWCAT_ACCOUNT")
            .output()
            .unwrap()
    }
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn show_databases_as_json_csv_and_table_with_flags_only() {
    let emu = start_engine().await;
    let out = Command::new(env!("CARGO_BIN_EXE_snowcat"))
        .args(["sql", "--url", &emu.url, "--token-file"])
        .arg(emu.token_file())
        .args(["--token-type", "PROGRAMMATIC_ACCESS_TOKEN", "SHOW DATABASES", "--format", "json"])
        .env_remove("SNOWCAT_URL")
        .env_remove("SNOWCAT_TOKEN_FILE")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    let rows: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let rows = rows.as_array().unwrap();
    let mut names: Vec<&str> = rows.iter().filter_map(|r| r["name"].as_str()).collect();
    names.sort();
    assert_eq!(names, ["HR", "SALES"], "the account's databases");
    for r in rows {
        assert!(r["name"].as_str().is_some_and(|n| !n.is_empty()), "every row has a name: {r}");
        assert!(r.get("created_on").is_some(), "SHOW DATABASES has created_on: {r}");
    }

    let csv = emu.run(&["sql", "SHOW DATABASES", "--format", "csv"]);
    assert_eq!(csv.status.code(), Some(0), "{}", stderr(&csv));
    let text = stdout(&csv);
    let header = text.lines().next().unwrap();
    assert!(header.split(',').any(|h| h == "name"), "{header}");
    assert_eq!(text.lines().count(), rows.len() + 1);

    let table = emu.run(&["sql", "SHOW DATABASES", "--format", "table"]);
    let text = stdout(&table);
    assert!(text.lines().nth(1).unwrap().starts_with("---"), "{text}");
    assert!(text.trim_end().ends_with(&format!("({} rows)", rows.len())), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sql_errors_print_code_state_and_message_and_exit_1() {
    let emu = start_test_executor().await;
    let out = emu.run(&["sql", "fail", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("SQL error 0") || err.contains("SQL error"), "{err}");
    assert!(err.contains("SQL state"), "{err}");
    let code = err.split("SQL error ").nth(1).unwrap().split_whitespace().next().unwrap();
    assert_eq!(code.len(), 6, "a six-digit Snowflake code: {err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_token_is_an_auth_error_that_never_shows_the_token() {
    let emu = start_test_executor().await;
    let bad = emu.dir.path().join("bad");
    std::fs::write(&bad, "not-the-right-secret-xyz").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_snowcat"))
        .args(["sql", "--url", &emu.url, "--token-file"])
        .arg(&bad)
        .arg("SHOW DATABASES")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("authentication failed") && err.contains("401"), "{err}");
    assert!(!err.contains("not-the-right-secret"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn usage_errors_exit_2() {
    let emu = start_test_executor().await;
    let out = Command::new(env!("CARGO_BIN_EXE_snowcat"))
        .args(["sql", "--url", &emu.url, "SHOW DATABASES"])
        .env_remove("SNOWCAT_TOKEN_FILE")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("--token-file"));
    let bad_bind = emu.run(&["sql", "SELECT ?", "--bind", "1=VARIANT:{}"]);
    assert_eq!(bad_bind.status.code(), Some(2), "{}", stderr(&bad_bind));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn async_submit_then_statement_status_partition_and_cancel() {
    let emu = start_test_executor().await;
    let out = emu.run(&["sql", "--async", "rows 10"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let handle = stdout(&out).trim().to_string();
    assert!(!handle.is_empty() && !handle.contains(' '), "only the handle: {handle:?}");

    let mut status = emu.run(&["statement", "status", &handle, "--format", "json"]);
    for _ in 0..50 {
        if !stdout(&status).starts_with("running") {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
        status = emu.run(&["statement", "status", &handle, "--format", "json"]);
    }
    assert_eq!(status.status.code(), Some(0), "{}", stderr(&status));
    assert!(stderr(&status).contains("10 rows in 3 partition(s)"), "{}", stderr(&status));
    let p0: serde_json::Value = serde_json::from_str(&stdout(&status)).unwrap();
    assert_eq!(p0.as_array().unwrap().len(), 4, "status prints partition 0");

    let p2 = emu.run(&["statement", "partition", &handle, "2", "--format", "json"]);
    let p2: serde_json::Value = serde_json::from_str(&stdout(&p2)).unwrap();
    assert_eq!(p2, serde_json::json!([{"N": 8, "LABEL": "row 8"}, {"N": 9, "LABEL": "row 9"}]));
    let p9 = emu.run(&["statement", "partition", &handle, "9"]);
    assert_eq!(p9.status.code(), Some(2), "{}", stderr(&p9));

    let cancel = emu.run(&["statement", "cancel", &handle]);
    assert_eq!(cancel.status.code(), Some(0), "{}", stderr(&cancel));
    assert!(stdout(&cancel).contains(&handle));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bindings_parameters_and_context_flags_reach_the_server() {
    let emu = start_test_executor().await;
    let out = emu.run(&[
        "sql",
        "echo",
        "--bind",
        "1=TEXT:a=b",
        "--bind",
        "2=FIXED",
        "--bind",
        "day=DATE:1791504000000",
        "--param",
        "QUERY_TAG=cli-test",
        "--database",
        "DB1",
        "--schema",
        "S1",
        "--warehouse",
        "WH1",
        "--role",
        "ANALYST",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let rows: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let find = |key: &str| {
        rows.as_array()
            .unwrap()
            .iter()
            .find(|r| r["KEY"] == key)
            .unwrap_or_else(|| panic!("{key} in {rows}"))
            .clone()
    };
    assert_eq!(find("1"), serde_json::json!({"KEY": "1", "TYPE": "TEXT", "VALUE": "a=b"}));
    assert_eq!(find("2")["VALUE"], serde_json::Value::Null);
    assert_eq!(find("day")["TYPE"], "DATE");
    assert_eq!(find("param:QUERY_TAG")["VALUE"], "cli-test");
    assert_eq!(find("database")["VALUE"], "DB1");
    assert_eq!(find("schema")["VALUE"], "S1");
    assert_eq!(find("warehouse")["VALUE"], "WH1");
    assert_eq!(find("role")["VALUE"], "ANALYST");
}
