//! Shared helpers of the MCP tests: the sample account on an emulator, a config file pointing at it, a
//! catalog with two crawls and the demo's kind of changes between them, and an MCP client (rmcp's) over a
//! child process running the real `snowcat mcp`.
#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rmcp::model::{CallToolRequestParams, CallToolResult};
use rmcp::service::RunningService;
use rmcp::transport::TokioChildProcess;
use rmcp::{RoleClient, ServiceExt};
use secrecy::SecretString;
use serde_json::{Map, Value};
use snowcat::crawl::{CrawlOptions, NoProgress};
use snowcat::sqlapi::{Client, StatementRequest, StaticToken, TokenType};
use snowflake_emulator::faults::Faults;
use snowflake_emulator::model::Account;
use snowflake_emulator::requestlog::{EntryKind, LogEntry};
use snowflake_emulator::{Emulator, EmulatorHandle};
use tokio_util::sync::CancellationToken;

pub const TOKEN: &str = "mcp-test-token";
/// The `[[accounts]]` name of the config (and the catalog's account).
pub const ACCOUNT: &str = "sample";

pub struct Fixture {
    pub emu: EmulatorHandle,
    pub dir: tempfile::TempDir,
    pub config: PathBuf,
    pub catalog: PathBuf,
}

/// The sample account (the crawler role given MANAGE GRANTS, as the demo does) on an emulator with
/// `faults`, and a config whose only account points at it.
pub async fn fixture(faults: Faults, partition_rows: Option<usize>) -> Fixture {
    let mut account = Account::from_sql(snowflake_emulator::sample_sql()).unwrap();
    account
        .apply_sql("USE ROLE SECURITYADMIN;\nGRANT MANAGE GRANTS ON ACCOUNT TO ROLE SNOWCAT_CRAWLER;\n")
        .unwrap();
    let mut builder = Emulator::builder(account).token(TOKEN).faults(faults);
    if let Some(n) = partition_rows {
        builder = builder.partition_rows(n);
    }
    let emu = builder.start().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("token"), TOKEN).unwrap();
    let catalog = dir.path().join("catalog.db");
    let config = dir.path().join("snowcat.toml");
    std::fs::write(&config, config_text(&emu.base_url(), &dir.path().join("token"), &catalog, "")).unwrap();
    Fixture { emu, dir, config, catalog }
}

/// A config with one account at `url`, extra TOML appended (`[mcp]`, `[http]` sections).
pub fn config_text(url: &str, token: &std::path::Path, catalog: &std::path::Path, extra: &str) -> String {
    format!(
        "[catalog]\npath = {catalog:?}\n[log]\nlevel = \"warn\"\nformat = \"json\"\n{extra}\n\
         [[accounts]]\nname = \"{ACCOUNT}\"\nurl = \"{url}\"\nschedule = \"0 0 1 1 *\"\n\
         [accounts.auth.token_file]\npath = {token:?}\n"
    )
}

impl Fixture {
    /// A SQL API client as `role` (ACCOUNTADMIN when `None`).
    pub fn client(&self) -> Client {
        let token = Arc::new(StaticToken::new(SecretString::from(TOKEN.to_string()), TokenType::OAuth));
        Client::for_url(&self.emu.base_url(), token).unwrap().build().unwrap()
    }

    /// Crawl the account into the catalog as the crawler role.
    pub async fn crawl(&self) {
        let opts = CrawlOptions { role: Some("SNOWCAT_CRAWLER".into()), ..CrawlOptions::default() };
        let report = snowcat::crawl::crawl(
            &self.client(),
            &self.catalog,
            ACCOUNT,
            &opts,
            &NoProgress,
            CancellationToken::new(),
        )
        .await
        .unwrap();
        assert!(report.run_id.is_some(), "{report:?}");
    }

    /// Run statements as ACCOUNTADMIN, one at a time.
    pub async fn admin(&self, statements: &[&str]) {
        for s in statements {
            let req = StatementRequest::new(*s).role("ACCOUNTADMIN");
            let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
            self.client().execute_collect(req, deadline, CancellationToken::new()).await.unwrap();
        }
    }

    /// Two crawls with changes between them: a column added and one dropped, a type narrowed, a table
    /// dropped, a grant, a warehouse resized, and the crawler's USAGE on FINANCE.LEDGER revoked (a gap).
    pub async fn seed(&self) {
        self.crawl().await;
        self.admin(&[
            "ALTER TABLE SALES.CORE.CUSTOMERS ADD COLUMN PHONE VARCHAR(32) COMMENT 'E.164 phone number'",
            "ALTER TABLE SALES.CORE.PRODUCTS DROP COLUMN WEIGHT_KG",
            "ALTER TABLE SALES.CORE.ORDERS ALTER COLUMN TOTAL SET DATA TYPE NUMBER(10,2)",
            "DROP TABLE SALES.STAGING.RAW_EVENTS",
            "GRANT SELECT ON TABLE SALES.CORE.ORDERS TO ROLE ANALYST",
            "ALTER WAREHOUSE TRANSFORM_WH SET WAREHOUSE_SIZE = XLARGE",
            "REVOKE USAGE ON SCHEMA FINANCE.LEDGER FROM ROLE SNOWCAT_CRAWLER",
        ])
        .await;
        self.crawl().await;
    }

    /// The command line of `snowcat mcp` for this fixture, with `extra` flags.
    pub fn command(&self, extra: &[&str]) -> tokio::process::Command {
        let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_snowcat"));
        cmd.arg("mcp").arg("--config").arg(&self.config).args(extra);
        cmd.env_remove("SNOWCAT_CONFIG").env_remove("RUST_LOG");
        cmd
    }

    /// An MCP client (the `initialize` era) talking to `snowcat mcp` on stdio.
    pub async fn connect(&self, extra: &[&str]) -> RunningService<RoleClient, ()> {
        let (transport, _) = TokioChildProcess::builder(self.command(extra))
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        ().serve(transport).await.unwrap()
    }

    /// Wait (bounded, a guard against a hang) until the emulator's log has an entry `matches` accepts.
    pub async fn wait_for_log(&self, what: &str, matches: impl Fn(&LogEntry) -> bool) -> LogEntry {
        let guard = Instant::now() + Duration::from_secs(120);
        loop {
            if let Some(e) = self.emu.request_log().into_iter().find(|e| matches(e)) {
                return e;
            }
            assert!(
                Instant::now() < guard,
                "the emulator never logged {what}: {:#?}",
                self.emu.request_log()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Statements the emulator was asked to run (submissions), in order.
    pub fn submitted(&self) -> Vec<String> {
        self.emu
            .request_log()
            .into_iter()
            .filter(|e| e.kind == EntryKind::Submit)
            .filter_map(|e| e.statement)
            .collect()
    }
}

/// Call `tool` with JSON `args` (an object).
pub async fn call(client: &RunningService<RoleClient, ()>, tool: &str, args: Value) -> CallToolResult {
    let args: Map<String, Value> = match args {
        Value::Object(m) => m,
        other => panic!("arguments must be an object: {other}"),
    };
    client.call_tool(CallToolRequestParams::new(tool.to_string()).with_arguments(args)).await.unwrap()
}

/// The structured answer of a successful call (fails the test on an error result).
pub async fn ok(client: &RunningService<RoleClient, ()>, tool: &str, args: Value) -> Value {
    let r = call(client, tool, args.clone()).await;
    assert_ne!(r.is_error, Some(true), "{tool} {args}: {}", text(&r));
    assert!(!text(&r).is_empty(), "{tool}: a text rendering comes with the structured answer");
    r.structured_content.unwrap_or_else(|| panic!("{tool}: no structured content"))
}

/// The error text of a failed call (fails the test on success).
pub async fn refused(client: &RunningService<RoleClient, ()>, tool: &str, args: Value) -> String {
    let r = call(client, tool, args.clone()).await;
    assert_eq!(r.is_error, Some(true), "{tool} {args} should fail: {}", text(&r));
    text(&r)
}

/// The text content of a result.
pub fn text(r: &CallToolResult) -> String {
    r.content.iter().filter_map(|c| c.as_text().map(|t| t.text.clone())).collect::<Vec<_>>().join("\n")
}

/// Column `name` of a query answer's rows, as strings.
pub fn column(answer: &Value, name: &str) -> Vec<String> {
    let cols = answer["columns"].as_array().unwrap();
    let i =
        cols.iter().position(|c| c["name"] == name).unwrap_or_else(|| panic!("no column {name}: {answer}"));
    answer["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| match &r[i] {
            Value::String(s) => s.clone(),
            Value::Null => "NULL".into(),
            other => other.to_string(),
        })
        .collect()
}
