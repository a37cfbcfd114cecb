//! The protocol over the real engine and the shipped sample account (`config/emulator/sample.sql`), over
//! HTTP on 127.0.0.1 with plain reqwest: partitions of a SHOW result, INFORMATION_SCHEMA, a denied
//! database, DDL through the API, and role checks.

use serde_json::{Value as Json, json};
use snowflake_emulator::model::Account;
use snowflake_emulator::sample::SAMPLE_SQL;
use snowflake_emulator::{Emulator, EmulatorHandle};

async fn start(partition_rows: usize) -> EmulatorHandle {
    let account = Account::from_sql(SAMPLE_SQL).unwrap();
    Emulator::builder(account).partition_rows(partition_rows).start().await.unwrap()
}

async fn run(emu: &EmulatorHandle, body: Json) -> (u16, Json) {
    let resp = reqwest::Client::new()
        .post(format!("{}/api/v2/statements", emu.base_url()))
        .bearer_auth("sample-token")
        .header("User-Agent", "snowcat-tests/0.1")
        .json(&body)
        .send()
        .await
        .unwrap();
    (resp.status().as_u16(), resp.json().await.unwrap())
}

/// Index of a column by name in rowType (never by position).
fn col(body: &Json, name: &str) -> usize {
    body["resultSetMetaData"]["rowType"].as_array().unwrap().iter().position(|c| c["name"] == name).unwrap()
}

#[tokio::test]
async fn show_databases_across_partitions() {
    let emu = start(2).await;
    let (status, first) = run(&emu, json!({"statement": "SHOW DATABASES", "role": "ACCOUNTADMIN"})).await;
    assert_eq!(status, 200, "{first}");
    let name = col(&first, "name");
    let info = first["resultSetMetaData"]["partitionInfo"].as_array().unwrap().clone();
    assert!(info.len() >= 2, "4+ databases in partitions of 2");
    let handle = first["statementHandle"].as_str().unwrap();
    let mut names: Vec<String> =
        first["data"].as_array().unwrap().iter().map(|r| r[name].as_str().unwrap().to_string()).collect();
    for n in 1..info.len() {
        let part: Json = reqwest::Client::new()
            .get(format!("{}/api/v2/statements/{handle}?partition={n}", emu.base_url()))
            .bearer_auth("sample-token")
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        names.extend(part["data"].as_array().unwrap().iter().map(|r| r[name].as_str().unwrap().to_string()));
    }
    assert_eq!(names.len() as i64, first["resultSetMetaData"]["numRows"].as_i64().unwrap());
    for want in ["SALES", "FINANCE", "marketing db", "HR"] {
        assert!(names.iter().any(|n| n == want), "{want} in {names:?}");
    }
}

#[tokio::test]
async fn information_schema_columns_and_a_denied_database() {
    let emu = start(10_000).await;
    let sql = "SELECT TABLE_NAME, COLUMN_NAME FROM SALES.INFORMATION_SCHEMA.COLUMNS \
               WHERE TABLE_SCHEMA = 'CORE' AND TABLE_NAME = 'CUSTOMERS' ORDER BY ORDINAL_POSITION";
    let (status, body) = run(&emu, json!({"statement": sql})).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"][0][col(&body, "COLUMN_NAME")], "CUSTOMER_ID");

    let (status, body) =
        run(&emu, json!({"statement": "SELECT * FROM FINANCE.INFORMATION_SCHEMA.TABLES", "role": "ANALYST"}))
            .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["code"], "002003");
    assert!(body["statementHandle"].is_string());
}

#[tokio::test]
async fn ddl_through_the_api_changes_the_account_and_roles_are_checked() {
    let emu = start(10_000).await;
    let (status, body) = run(&emu, json!({"statement": "CREATE DATABASE PROTO_NEW"})).await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = run(&emu, json!({"statement": "SHOW DATABASES LIKE 'PROTO_NEW'"})).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["resultSetMetaData"]["numRows"], 1);
    let (status, body) = run(&emu, json!({"statement": "SHOW DATABASES", "role": "NO_SUCH_ROLE"})).await;
    assert_eq!((status, body["code"].as_str().unwrap()), (400, "390186"));
    let (status, body) = run(&emu, json!({"statement": "SHOW DATABASES", "role": "Marketing Ops"})).await;
    assert_eq!(status, 200, "a quoted, mixed-case role is matched exactly: {body}");
}
