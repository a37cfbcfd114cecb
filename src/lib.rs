//! snowcat: a daemon that keeps a local, queryable history of a Snowflake account's metadata.
//!
//! The data flows one way: `auth` -> `sqlapi` (the SQL API v2 client) -> `crawl` -> `catalog` (SQLite) ->
//! `serve` / `daemon`. The `emulator` is a stand-alone Snowflake SQL API v2 server for tests, benchmarks and
//! the demo; it shares nothing with the client side. See `ARCHITECTURE.md` for the code map and invariants.

pub mod auth;
pub mod catalog;
pub mod cli;
pub mod config;
pub mod crawl;
pub mod daemon;
pub mod emulator;
pub mod logging;
pub mod metrics;
pub mod serve;
pub mod sqlapi;
