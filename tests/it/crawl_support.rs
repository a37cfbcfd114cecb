//! Shared helpers of the crawl integration tests: an emulator on 127.0.0.1, a client for it, a crawl into
//! a temporary catalog.
#![allow(dead_code)]

use std::path::Path;
use std::sync::Arc;

use secrecy::SecretString;
use snowcat::catalog::{Catalog, Object, ObjectKind};
use snowcat::crawl::{CrawlOptions, NoProgress, RunReport};
use snowcat::sqlapi::{Client, StaticToken, TokenType};
use snowflake_emulator::engine::Engine;
use snowflake_emulator::model::Account;
use snowflake_emulator::{Emulator, EmulatorHandle};
use tokio_util::sync::CancellationToken;

pub fn sample() -> Account {
    Account::from_sql(snowflake_emulator::sample_sql()).unwrap()
}

/// Start an emulator over `account`, with the engine's SHOW cap and 090030 threshold.
pub async fn start(account: Account, show_cap: usize, info_limit: Option<usize>) -> EmulatorHandle {
    let mut engine = Engine::new(account);
    engine.set_show_row_limit(show_cap);
    if let Some(l) = info_limit {
        engine.set_information_schema_limit(l);
    }
    Emulator::with_executor(engine).start().await.unwrap()
}

pub fn client(emu: &EmulatorHandle) -> Client {
    let token = Arc::new(StaticToken::new(SecretString::from("test-token".to_string()), TokenType::OAuth));
    Client::for_url(&emu.base_url(), token).unwrap().build().unwrap()
}

pub async fn crawl(emu: &EmulatorHandle, db: &Path, opts: &CrawlOptions) -> RunReport {
    snowcat::crawl::crawl(&client(emu), db, "acct", opts, &NoProgress, CancellationToken::new())
        .await
        .unwrap()
}

pub fn snapshot(db: &Path) -> Vec<Object> {
    Catalog::open(db).unwrap().snapshot("acct", None).unwrap()
}

pub fn count(objects: &[Object], kind: ObjectKind) -> usize {
    objects.iter().filter(|o| o.kind() == kind).count()
}

/// The statements the emulator executed (SQL texts of submissions), in order.
pub fn statements(emu: &EmulatorHandle) -> Vec<String> {
    emu.request_log()
        .into_iter()
        .filter(|e| e.kind == snowflake_emulator::requestlog::EntryKind::Execution)
        .filter_map(|e| e.statement)
        .collect()
}

/// `crawl --once --url URL --token-file DIR/token --catalog DIR/c.db`, writing the token file first.
pub fn crawl_once_args(url: &str, dir: &Path) -> Vec<String> {
    let token = dir.join("token");
    std::fs::write(&token, "t0ken\n").unwrap();
    let catalog = dir.join("c.db");
    ["crawl", "--once", "--url", url, "--token-file"]
        .into_iter()
        .map(String::from)
        .chain([token.display().to_string(), "--catalog".into(), catalog.display().to_string()])
        .collect()
}

/// Run the built binary with `args` off the async runtime, with no connection or config from the test's own
/// environment.
pub async fn snowcat(args: Vec<String>) -> std::process::Output {
    tokio::task::spawn_blocking(move || {
        std::process::Command::new(env!("CARGO_BIN_EXE_snowcat"))
            .args(args)
            .env_remove("SNOWCAT_CONFIG")
            .env_remove("SNOWCAT_ACCOUNT")
            .env_remove("SNOWCAT_URL")
            .env_remove("SNOWCAT_TOKEN_FILE")
            .env_remove("RUST_LOG")
            .output()
            .unwrap()
    })
    .await
    .unwrap()
}
