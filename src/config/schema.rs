//! The TOML schema of `snowcat.toml`: every section and key with its default and a doc comment.
//!
//! Owns the shape only (serde, defaults, `deny_unknown_fields`). Semantic checks live in `validate.rs`;
//! secrets are never values here, only the file or environment variable that holds them.

use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Serialize};

pub use super::auth::*;

/// The whole configuration file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Where the catalog (SQLite file) lives.
    #[serde(default)]
    pub catalog: CatalogConfig,
    /// The operator HTTP server (`/metrics`, `/healthz`, `/readyz`).
    #[serde(default)]
    pub http: HttpConfig,
    /// Log format and filter.
    #[serde(default)]
    pub log: LogConfig,
    /// How long history is kept.
    #[serde(default)]
    pub retention: RetentionConfig,
    /// Daemon-wide behaviour (shutdown grace).
    #[serde(default)]
    pub daemon: DaemonConfig,
    /// The change feed after each run with changes.
    #[serde(default)]
    pub notifications: NotificationsConfig,
    /// The Model Context Protocol server for AI agents (`snowcat mcp`, and `/mcp` on the `[http]` server).
    #[serde(default)]
    pub mcp: McpConfig,
    /// The Snowflake accounts to crawl (at least one).
    #[serde(default)]
    pub accounts: Vec<AccountConfig>,
}

/// `[catalog]`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CatalogConfig {
    /// Path of the SQLite catalog file; its directory must exist.
    #[serde(default = "default_catalog_path")]
    pub path: PathBuf,
}

impl Default for CatalogConfig {
    fn default() -> Self {
        Self { path: default_catalog_path() }
    }
}

fn default_catalog_path() -> PathBuf {
    PathBuf::from("/var/lib/snowcat/catalog.db")
}

/// The default operator listen address: loopback, port 18473. Prometheus' default-port-allocations list
/// (9090-9093 for its own servers, 9100-9999 for exporters, now exhausted, with new allocations continuing
/// from 10000) does not contain it.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:18473";

/// `[http]`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HttpConfig {
    /// Socket address to listen on (`host:port`, an IP address, not a name).
    #[serde(default = "default_listen")]
    pub listen: String,
    /// Longest time a request may take before it is answered with 408.
    #[serde(default = "default_request_timeout", with = "humantime_serde")]
    pub request_timeout: Duration,
    /// Largest total size of a request's headers; larger requests get 431.
    #[serde(default = "default_max_header_bytes")]
    pub max_header_bytes: usize,
    /// Largest request body accepted; larger requests get 413.
    #[serde(default = "default_max_body_bytes")]
    pub max_body_bytes: usize,
    /// `/readyz` fails when an account's last finished run is older than this. Unset: twice the gap between
    /// the account's next two scheduled runs, plus 5 minutes.
    #[serde(default, with = "humantime_serde")]
    pub stale_after: Option<Duration>,
}

impl Default for HttpConfig {
    fn default() -> Self {
        Self {
            listen: default_listen(),
            request_timeout: default_request_timeout(),
            max_header_bytes: default_max_header_bytes(),
            max_body_bytes: default_max_body_bytes(),
            stale_after: None,
        }
    }
}

fn default_listen() -> String {
    DEFAULT_LISTEN.to_string()
}
fn default_request_timeout() -> Duration {
    Duration::from_secs(10)
}
fn default_max_header_bytes() -> usize {
    16 * 1024
}
fn default_max_body_bytes() -> usize {
    64 * 1024
}

/// How logs are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Human-readable text on a terminal, JSON otherwise.
    #[default]
    Auto,
    /// Human-readable text.
    Text,
    /// One JSON object per line.
    Json,
}

/// The default log filter (RUST_LOG syntax).
pub const DEFAULT_LOG_FILTER: &str = "info,tokio_cron_scheduler=warn";

/// `[log]`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogConfig {
    /// `auto`, `text` or `json`; `--log-format` overrides it.
    #[serde(default)]
    pub format: LogFormat,
    /// Filter in RUST_LOG syntax; the RUST_LOG environment variable overrides it.
    #[serde(default = "default_log_level")]
    pub level: String,
}

impl Default for LogConfig {
    fn default() -> Self {
        Self { format: LogFormat::Auto, level: default_log_level() }
    }
}

fn default_log_level() -> String {
    DEFAULT_LOG_FILTER.to_string()
}

/// `[retention]`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RetentionConfig {
    /// Days of run history to keep; 0 keeps everything.
    #[serde(default = "default_keep_days")]
    pub keep_days: u32,
}

impl Default for RetentionConfig {
    fn default() -> Self {
        Self { keep_days: default_keep_days() }
    }
}

fn default_keep_days() -> u32 {
    365
}

/// `[daemon]`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DaemonConfig {
    /// After SIGTERM/SIGINT, how long in-flight runs get to end before the process exits anyway.
    #[serde(default = "default_shutdown_grace", with = "humantime_serde")]
    pub shutdown_grace: Duration,
}

impl Default for DaemonConfig {
    fn default() -> Self {
        Self { shutdown_grace: default_shutdown_grace() }
    }
}

fn default_shutdown_grace() -> Duration {
    Duration::from_secs(20)
}

/// `[notifications]`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NotificationsConfig {
    /// Append each selected change as one JSON line to this file (created if missing).
    #[serde(default)]
    pub ndjson_path: Option<PathBuf>,
    /// POST a JSON summary of each run's selected changes to this http(s) URL.
    #[serde(default)]
    pub webhook_url: Option<String>,
    /// Timeout of one webhook attempt.
    #[serde(default = "default_webhook_timeout", with = "humantime_serde")]
    pub webhook_timeout: Duration,
    /// Attempts per webhook delivery (exponential backoff between them); at least 1.
    #[serde(default = "default_webhook_attempts")]
    pub webhook_attempts: u32,
    /// Object kinds to send (`database`, `schema`, `table`, `column`, `constraint`, `grant`,
    /// `role_membership`, `future_grant`, `warehouse`, `view`, `dynamic_table`, `stream`, `task`, `pipe`,
    /// `stage`, `function`, `procedure`, `sequence`); empty sends every kind.
    #[serde(default)]
    pub kinds: Vec<String>,
    /// Severities to send (`breaking`, `security`, `additive`, `cosmetic`, `operational`); empty sends every
    /// severity.
    #[serde(default)]
    pub severities: Vec<String>,
    /// Also send every grant to or revoke from the PUBLIC role, whatever `kinds` and `severities` say.
    #[serde(default)]
    pub include_grants_to_public: bool,
}

impl Default for NotificationsConfig {
    fn default() -> Self {
        Self {
            ndjson_path: None,
            webhook_url: None,
            webhook_timeout: default_webhook_timeout(),
            webhook_attempts: default_webhook_attempts(),
            kinds: Vec::new(),
            severities: Vec::new(),
            include_grants_to_public: false,
        }
    }
}

fn default_webhook_timeout() -> Duration {
    Duration::from_secs(10)
}
fn default_webhook_attempts() -> u32 {
    4
}

/// `[mcp]`: the Model Context Protocol server. `snowcat mcp` serves it on stdio; `http = true` also serves
/// it under `/mcp` on the `[http]` listener of `snowcat run`. Changes take effect on restart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct McpConfig {
    /// Serve MCP's streamable HTTP transport under `/mcp` on the `[http]` listener (off by default).
    #[serde(default)]
    pub http: bool,
    /// The `[[accounts]]` entry the live tools connect to and the catalog tools default to (default: the
    /// only one).
    #[serde(default)]
    pub account: Option<String>,
    /// Let `snowflake_execute_query` run any statement, not only one SELECT, SHOW, DESCRIBE, WITH or
    /// EXPLAIN (several statements run as one request). Give the account a read-only role anyway.
    #[serde(default)]
    pub allow_write: bool,
    /// Serve the catalog tools only: no live Snowflake tools, no Snowflake credentials used.
    #[serde(default)]
    pub catalog_only: bool,
    /// The longest a live tool call waits for its statement before cancelling it (a caller can submit
    /// with `async` and poll instead).
    #[serde(default = "default_mcp_statement_wait", with = "humantime_serde")]
    pub statement_wait: Duration,
    /// File holding the bearer token HTTP clients must send (`Authorization: Bearer ...`). Required when
    /// `http.listen` is not a loopback address.
    #[serde(default)]
    pub bearer_token_file: Option<PathBuf>,
    /// Browser origins allowed to call `/mcp` besides loopback ones (`https://app.example.com`); a request
    /// with any other `Origin` gets 403.
    #[serde(default)]
    pub allowed_origins: Vec<String>,
}

impl Default for McpConfig {
    fn default() -> Self {
        Self {
            http: false,
            account: None,
            allow_write: false,
            catalog_only: false,
            statement_wait: default_mcp_statement_wait(),
            bearer_token_file: None,
            allowed_origins: Vec::new(),
        }
    }
}

fn default_mcp_statement_wait() -> Duration {
    Duration::from_secs(120)
}

/// Where grants are read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GrantSource {
    /// `SHOW GRANTS` per role: current, `1 + 2 x roles` statements.
    #[default]
    Show,
    /// `SNOWFLAKE.ACCOUNT_USAGE` views: a constant number of statements, up to 2 h behind.
    AccountUsage,
}

/// `[[accounts]]`: one Snowflake account to crawl.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountConfig {
    /// Unique name used in metrics, logs and the catalog.
    pub name: String,
    /// Account identifier (`orgname-accountname` or a locator): the Snowflake account, used for the
    /// endpoint (unless `url` is given) and for the key-pair JWT's `iss`/`sub`. Give this, `url`, or both.
    #[serde(default)]
    pub account: Option<String>,
    /// Base URL of the SQL API (`https://<acct>.snowflakecomputing.com`, a proxy or the emulator); when
    /// given it wins over `account` for the endpoint only. Give this, `account`, or both.
    #[serde(default)]
    pub url: Option<String>,
    /// Role the crawler uses.
    #[serde(default)]
    pub role: Option<String>,
    /// Warehouse the crawler uses.
    #[serde(default)]
    pub warehouse: Option<String>,
    /// Cron expression, 5 fields (minute first) or 6 fields (second first).
    pub schedule: String,
    /// IANA time zone the schedule is read in (DST-correct).
    #[serde(default = "default_timezone")]
    pub timezone: String,
    /// Random delay added to each scheduled run, up to this much.
    #[serde(default, with = "humantime_serde")]
    pub jitter: Option<Duration>,
    /// Run once as soon as the daemon starts, then follow the schedule.
    #[serde(default)]
    pub run_at_start: bool,
    /// Statements run at the same time.
    #[serde(default = "default_concurrency")]
    pub concurrency: u32,
    /// Longest a single statement may run on Snowflake.
    #[serde(default = "default_statement_timeout", with = "humantime_serde")]
    pub statement_timeout: Duration,
    /// Where grants come from: `show` or `account_usage`.
    #[serde(default)]
    pub grant_source: GrantSource,
    /// Tag names (bare, e.g. `PII`, or `DB.SCHEMA.TAG`) that mark an object as sensitive: setting or
    /// changing such a tag, or a grant opening a new path to an object carrying it, is a `security` change.
    #[serde(default = "default_sensitive_tags")]
    pub sensitive_tags: Vec<String>,
    /// Retries of one SQL API request that failed transiently (429, 5xx, connection errors), each with the
    /// same requestId so a statement never runs twice.
    #[serde(default = "default_max_retries")]
    pub max_retries: u32,
    /// Time budget of one request's retries, from its first attempt; whichever of this and `max_retries`
    /// is reached first ends the retrying.
    #[serde(default = "default_retry_budget", with = "humantime_serde")]
    pub retry_budget: Duration,
    /// Hours between full crawls: runs in between re-read columns only for tables whose CREATED or
    /// LAST_DDL moved (docs/crawl.md, "Incremental crawls"); 0 makes every run full.
    #[serde(default = "default_full_every_hours")]
    pub full_every_hours: u32,
    /// What to crawl.
    #[serde(default)]
    pub filters: FiltersConfig,
    /// How to authenticate (exactly one method).
    #[serde(default)]
    pub auth: AuthConfig,
}

fn default_full_every_hours() -> u32 {
    24
}
fn default_sensitive_tags() -> Vec<String> {
    vec!["PII".to_string()]
}
fn default_timezone() -> String {
    "UTC".to_string()
}
fn default_concurrency() -> u32 {
    8
}
fn default_statement_timeout() -> Duration {
    Duration::from_secs(600)
}
fn default_max_retries() -> u32 {
    10
}
fn default_retry_budget() -> Duration {
    Duration::from_secs(120)
}

/// `[accounts.filters]`
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FiltersConfig {
    /// Databases to crawl (SQL LIKE patterns, case-insensitive); empty means all.
    #[serde(default)]
    pub include_databases: Vec<String>,
    /// Databases to skip (LIKE patterns); wins over `include_databases`.
    #[serde(default)]
    pub exclude_databases: Vec<String>,
    /// Schemas to crawl (`SCHEMA` or `DATABASE.SCHEMA` LIKE patterns); empty means all.
    #[serde(default)]
    pub include_schemas: Vec<String>,
    /// Schemas to skip; wins over `include_schemas`.
    #[serde(default)]
    pub exclude_schemas: Vec<String>,
    /// Crawl SNOWFLAKE and SNOWFLAKE_SAMPLE_DATA too (excluded by default).
    #[serde(default)]
    pub include_system_databases: bool,
    /// Object kinds on or off.
    #[serde(default)]
    pub kinds: KindsConfig,
}

/// `[accounts.filters.kinds]`: every kind is on by default.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KindsConfig {
    /// Tables (and their columns).
    #[serde(default = "yes")]
    pub tables: bool,
    /// Views (and their columns).
    #[serde(default = "yes")]
    pub views: bool,
    /// Columns of tables and views.
    #[serde(default = "yes")]
    pub columns: bool,
    /// Primary, unique and foreign keys.
    #[serde(default = "yes")]
    pub constraints: bool,
    /// Grants, role memberships and future grants.
    #[serde(default = "yes")]
    pub grants: bool,
    /// Warehouses.
    #[serde(default = "yes")]
    pub warehouses: bool,
    /// View and materialized view definitions (SHOW VIEWS: text, secure, materialized).
    #[serde(default = "yes")]
    pub view_definitions: bool,
    /// Dynamic tables (SHOW DYNAMIC TABLES: query, target lag, warehouse, refresh mode, scheduling state).
    #[serde(default = "yes")]
    pub dynamic_tables: bool,
    /// Streams (SHOW STREAMS: source, mode, stale).
    #[serde(default = "yes")]
    pub streams: bool,
    /// Tasks (SHOW TASKS: schedule, warehouse, predecessors, condition, definition, state).
    #[serde(default = "yes")]
    pub tasks: bool,
    /// Pipes (SHOW PIPES: definition, auto-ingest, notification channel).
    #[serde(default = "yes")]
    pub pipes: bool,
    /// Stages (SHOW STAGES: URL, type, storage integration; never credentials).
    #[serde(default = "yes")]
    pub stages: bool,
    /// User functions (SHOW USER FUNCTIONS, bodies from each database's INFORMATION_SCHEMA.FUNCTIONS).
    #[serde(default = "yes")]
    pub functions: bool,
    /// Stored procedures (SHOW USER PROCEDURES, bodies from INFORMATION_SCHEMA.PROCEDURES).
    #[serde(default = "yes")]
    pub procedures: bool,
    /// Sequences (SHOW SEQUENCES, start values from INFORMATION_SCHEMA.SEQUENCES).
    #[serde(default = "yes")]
    pub sequences: bool,
    /// Database roles (SHOW DATABASE ROLES per database), their grants (SHOW GRANTS TO DATABASE ROLE) and
    /// who holds them (SHOW GRANTS OF DATABASE ROLE): two statements per database role.
    #[serde(default = "yes")]
    pub database_roles: bool,
    /// Masking and row-access policies (SHOW ... POLICIES IN ACCOUNT), each one's body (DESCRIBE) and the
    /// tables and columns it protects (POLICY_REFERENCES): two statements per policy.
    #[serde(default = "yes")]
    pub policies: bool,
    /// Tags (SHOW TAGS IN ACCOUNT): one statement.
    #[serde(default = "yes")]
    pub tags: bool,
    /// Where tags are set (ACCOUNT_USAGE.TAG_REFERENCES: one statement whatever the account's size, up to
    /// 2 h behind; needs IMPORTED PRIVILEGES on database SNOWFLAKE or GOVERNANCE_VIEWER).
    #[serde(default = "yes")]
    pub tag_references: bool,
}

impl Default for KindsConfig {
    fn default() -> Self {
        Self {
            tables: true,
            views: true,
            columns: true,
            constraints: true,
            grants: true,
            warehouses: true,
            view_definitions: true,
            dynamic_tables: true,
            streams: true,
            tasks: true,
            pipes: true,
            stages: true,
            functions: true,
            procedures: true,
            sequences: true,
            database_roles: true,
            policies: true,
            tags: true,
            tag_references: true,
        }
    }
}

fn yes() -> bool {
    true
}
