//! Throughput of the emulator's protocol layer: a large result rendered, partitioned and fetched over HTTP
//! with gzip. Ignored by default (numbers go in reports, never in assertions):
//! `cargo test -p snowflake-emulator --test it emulator_bench:: -- --ignored --nocapture`.

use std::time::{Duration, Instant};

use snowflake_emulator::engine::{Binding, Session};
use snowflake_emulator::result::{Column, ColumnType, QueryResult, SqlError, Value};
use snowflake_emulator::{Emulator, Executor};

/// `COLUMNS`-like rows: 8 text/number columns per row.
struct Wide(usize);

impl Executor for Wide {
    fn execute(&mut self, _s: &Session, _sql: &str, _b: &[Binding]) -> Result<QueryResult, SqlError> {
        let text = |n: &str| Column::expr(n, ColumnType::Text { length: 255 }, true);
        let num = |n: &str| Column::expr(n, ColumnType::Fixed { precision: 9, scale: 0 }, true);
        let columns = vec![
            text("TABLE_CATALOG"),
            text("TABLE_SCHEMA"),
            text("TABLE_NAME"),
            text("COLUMN_NAME"),
            num("ORDINAL_POSITION"),
            text("IS_NULLABLE"),
            text("DATA_TYPE"),
            text("COMMENT"),
        ];
        let rows = (0..self.0)
            .map(|i| {
                vec![
                    Value::Text("DB_01".into()),
                    Value::Text(format!("SCHEMA_{:02}", i % 25)),
                    Value::Text(format!("TABLE_{:04}", i / 20)),
                    Value::Text(format!("COLUMN_{:02}", i % 20)),
                    Value::Fixed((i % 20) as i128 + 1),
                    Value::Text("YES".into()),
                    Value::Text("TEXT".into()),
                    Value::Null,
                ]
            })
            .collect();
        Ok(QueryResult { columns, rows, stats: vec![] })
    }

    fn role_exists(&self, _role: &str) -> bool {
        true
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "benchmark; run with --ignored --nocapture"]
async fn bench_100k_rows_over_http_with_gzip() {
    let rows = 100_000;
    let emu = Emulator::with_executor(Wide(rows))
        .partition_rows(10_000)
        .sync_threshold(Duration::from_secs(60))
        .start()
        .await
        .unwrap();
    let client = reqwest::Client::new(); // gzip on: sends Accept-Encoding and decodes
    let started = Instant::now();
    let first: serde_json::Value = client
        .post(format!("{}/api/v2/statements", emu.base_url()))
        .bearer_auth("t")
        .json(&serde_json::json!({"statement": "select * from columns"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let to_first = started.elapsed();
    let handle = first["statementHandle"].as_str().unwrap().to_string();
    let parts = first["resultSetMetaData"]["partitionInfo"].as_array().unwrap().len();
    let mut total = first["data"].as_array().unwrap().len();
    for n in 1..parts {
        let body: serde_json::Value = client
            .get(format!("{}/api/v2/statements/{handle}?partition={n}", emu.base_url()))
            .bearer_auth("t")
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        total += body["data"].as_array().unwrap().len();
    }
    assert_eq!(total, rows);
    println!(
        "{rows} rows x 8 columns, {parts} partitions: first answer {:?}, all partitions {:?}",
        to_first,
        started.elapsed()
    );
}
