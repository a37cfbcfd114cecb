//! Every SQL panel of deploy/grafana/snowcat-catalog.json runs against a catalog produced by crawls of the
//! emulator's sample account and returns rows: a baseline crawl, DDL (a dropped column: breaking; a grant
//! to PUBLIC: security; a new table: additive), a second crawl, then a crawl as the restricted crawler role
//! (a denied database: a coverage gap).

use std::path::Path;
use std::sync::Arc;

use secrecy::SecretString;
use snowcat::crawl::{CrawlOptions, NoProgress};
use snowcat::sqlapi::{Client, StaticToken, TokenType};
use snowflake_emulator::model::Account;
use snowflake_emulator::{Emulator, EmulatorHandle};
use tokio_util::sync::CancellationToken;

async fn crawl(emu: &EmulatorHandle, db: &Path, opts: &CrawlOptions) -> snowcat::crawl::RunReport {
    let token = Arc::new(StaticToken::new(SecretString::from("t".to_string()), TokenType::OAuth));
    let client = Client::for_url(&emu.base_url(), token).unwrap().build().unwrap();
    snowcat::crawl::crawl(&client, db, "prod", opts, &NoProgress, CancellationToken::new()).await.unwrap()
}

async fn ddl(emu: &EmulatorHandle, sql: &str) {
    let r = reqwest::Client::new()
        .post(format!("{}/api/v2/statements", emu.base_url()))
        .bearer_auth("t")
        .json(&serde_json::json!({ "statement": sql }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{sql}: {}", r.text().await.unwrap());
}

fn panels() -> Vec<(String, String)> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("deploy/grafana/snowcat-catalog.json");
    let d: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let mut out = Vec::new();
    for p in d["panels"].as_array().unwrap() {
        for t in p["targets"].as_array().unwrap() {
            out.push((
                p["title"].as_str().unwrap().to_string(),
                t["rawQueryText"].as_str().unwrap().to_string(),
            ));
        }
    }
    out
}

#[tokio::test]
async fn every_catalog_panel_returns_rows() {
    let sql = format!(
        "{}\nUSE ROLE SECURITYADMIN;\nGRANT MANAGE GRANTS ON ACCOUNT TO ROLE SNOWCAT_CRAWLER;\n",
        snowflake_emulator::sample_sql()
    );
    let emu = Emulator::builder(Account::from_sql(&sql).unwrap()).start().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("catalog.db");
    let admin = CrawlOptions::default();
    crawl(&emu, &db, &admin).await;
    ddl(&emu, "ALTER TABLE SALES.CORE.CUSTOMERS DROP COLUMN CREATED_AT").await;
    ddl(&emu, "GRANT SELECT ON TABLE SALES.CORE.PRODUCTS TO ROLE PUBLIC").await;
    ddl(&emu, "CREATE TABLE SALES.CORE.RETURNS (ID NUMBER, REASON VARCHAR)").await;
    let second = crawl(&emu, &db, &admin).await;
    assert!(second.total_changes() >= 3, "{}", second.render_text());
    let crawler = CrawlOptions {
        role: Some("SNOWCAT_CRAWLER".into()),
        warehouse: Some("CRAWLER_WH".into()),
        ..CrawlOptions::default()
    };
    let third = crawl(&emu, &db, &crawler).await;
    assert!(third.missing().next().is_some(), "expected a coverage gap: {}", third.render_text());

    let conn =
        rusqlite::Connection::open_with_flags(&db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let panels = panels();
    assert!(panels.len() >= 6);
    for (title, sql) in panels {
        // Grafana substitutes the account variable; "%" (its default) matches every account.
        let sql = sql.replace("$account", "%");
        let mut stmt = conn.prepare(&sql).unwrap_or_else(|e| panic!("{title}: {e}\n{sql}"));
        let columns = stmt.column_count();
        let rows: Vec<Vec<String>> = stmt
            .query_map([], |r| {
                (0..columns)
                    .map(|i| r.get::<_, rusqlite::types::Value>(i).map(|v| format!("{v:?}")))
                    .collect()
            })
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert!(!rows.is_empty(), "panel {title:?} returned no rows");
        if title.starts_with("Security changes") {
            // The grant to PUBLIC made between the crawls is a security change the panel lists.
            let text = format!("{rows:?}");
            assert!(text.contains("PUBLIC") && text.contains("grant"), "{title}: {text}");
        }
        if title.contains("breaking") {
            let text = format!("{rows:?}");
            assert!(text.contains("breaking") && text.contains("security"), "{title}: {text}");
        }
    }
    emu.shutdown().await;
}
