//! The command tree of the `snowcat` binary and the dispatch to each command's module.
//!
//! Owns argument parsing and exit-code policy only. Each subcommand lives in its own file and does its work
//! through the library modules (`sqlapi`, `catalog`, ...) or the emulator crate; no protocol or storage logic here.

mod access;
mod auth;
#[cfg(feature = "emulator")]
mod bench;
mod catalog;
mod connection;
mod crawl;
#[cfg(feature = "emulator")]
mod demo;
#[cfg(feature = "emulator")]
mod emulator;
mod mcp;
mod run;
mod sql;
mod tool;
mod validate;

use clap::{Parser, Subcommand};

/// Keep a local, queryable history of a Snowflake account's metadata.
#[derive(Debug, Parser)]
#[command(name = "snowcat", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    #[cfg(feature = "emulator")]
    /// Serve a generated account with injected latency/faults for benches/run.sh (changes 1% on SIGHUP).
    Bench(bench::BenchArgs),
    /// Serve a local Snowflake SQL API v2 emulator (for tests, benchmarks and the demo).
    #[cfg(feature = "emulator")]
    Emulator(snowflake_emulator::cli::EmulatorArgs),
    /// Run SQL (one statement, or several separated by `;`) through the SQL API v2 and print each result.
    Sql(sql::SqlArgs),
    /// Inspect or cancel a statement by its handle.
    #[command(subcommand)]
    Statement(sql::StatementCommand),
    /// Create or upgrade the catalog file's schema.
    Migrate(catalog::MigrateArgs),
    /// List the crawl runs recorded in the catalog.
    Runs(catalog::RunsArgs),
    /// Print the changes between two runs (default: the changes of the latest run).
    Diff(catalog::DiffArgs),
    /// Show one table as it is now, or as it was at a run or time.
    Show(catalog::ShowArgs),
    /// Find objects and columns by name or comment.
    Search(catalog::SearchArgs),
    /// Who can reach an object and by which path, or what a role or user reaches (now or at a run).
    Access(access::AccessArgs),
    /// Record an account's history under another name (e.g. a URL-named history from older crawls).
    RenameAccount(catalog::RenameAccountArgs),
    /// Crawl an account once into the catalog (exit 0 complete, 3 partial, 1 failed).
    Crawl(crawl::CrawlArgs),
    /// Run the daemon: crawl each configured account on its schedule, serve /metrics, /healthz, /readyz.
    Run(run::RunArgs),
    /// Check a config file and list every problem by key (exit 2 when there are any).
    Validate(validate::ValidateArgs),
    /// Log in (OAuth, Scalekit) or print a key's fingerprint.
    #[command(subcommand)]
    Auth(auth::AuthCommand),
    /// Run one of the ten metadata tools of the Scalekit Snowflake connector live (what the crawler sees).
    Tool(tool::ToolArgs),
    /// Serve the connector's tools and the catalog's history to AI agents over MCP on stdio.
    Mcp(mcp::McpArgs),
    /// Crawl the built-in sample account, change it, crawl again, and show the diff (no Snowflake needed).
    #[cfg(feature = "emulator")]
    Demo(demo::DemoArgs),
    /// `demo`, `emulator` and `bench` in the production build, which has no emulator: say how to get them.
    #[cfg(not(feature = "emulator"))]
    #[command(name = "demo", aliases = ["emulator", "bench"], hide = true)]
    NoEmulator {
        #[arg(trailing_var_arg = true, allow_hyphen_values = true, hide = true)]
        args: Vec<String>,
    },
}

/// How a command ended when it did not fail outright.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Everything asked for was done.
    Success,
    /// Done, but some scopes could not be seen (a partial crawl).
    Partial,
}

impl Outcome {
    /// The process exit code for this outcome.
    pub fn code(self) -> u8 {
        match self {
            Outcome::Success => 0,
            Outcome::Partial => 3,
        }
    }
}

/// An error the user caused (bad flags, bad config): exit code 2 rather than 1.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

/// The exit code for a command that failed: 2 for usage errors, 1 for everything else.
pub fn exit_code_for(err: &anyhow::Error) -> u8 {
    if err.downcast_ref::<UsageError>().is_some() { 2 } else { 1 }
}

/// Run the parsed command.
pub async fn run(cli: Cli) -> anyhow::Result<Outcome> {
    match cli.command {
        #[cfg(feature = "emulator")]
        Command::Bench(args) => bench::run(args).await,
        #[cfg(feature = "emulator")]
        Command::Emulator(args) => emulator::run(args).await,
        Command::Sql(args) => sql::run(args).await,
        Command::Statement(cmd) => sql::run_statement(cmd).await,
        Command::Migrate(args) => catalog::migrate(args),
        Command::Runs(args) => catalog::runs(args),
        Command::Diff(args) => catalog::diff(args),
        Command::Show(args) => catalog::show(args),
        Command::Search(args) => catalog::search(args),
        Command::Access(args) => access::run(args),
        Command::RenameAccount(args) => catalog::rename_account(args),
        Command::Crawl(args) => crawl::run(args).await,
        Command::Run(args) => run::run(args).await,
        Command::Validate(args) => validate::run(args),
        Command::Auth(cmd) => auth::run(cmd).await,
        Command::Tool(args) => tool::run(args).await,
        Command::Mcp(args) => mcp::run(args).await,
        #[cfg(feature = "emulator")]
        Command::Demo(args) => demo::run(args).await,
        #[cfg(not(feature = "emulator"))]
        Command::NoEmulator { .. } => Err(UsageError(
            "this snowcat is the production build (--no-default-features): `demo`, `emulator` and `bench` \
             come with the default build (`cargo build --release`, or `cargo run --release -- demo` in the \
             source tree)"
                .into(),
        )
        .into()),
    }
}
