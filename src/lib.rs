//! snowcat: a daemon that keeps a local, queryable history of a Snowflake account's metadata.
//!
//! The data flows one way: `auth` -> `sqlapi` (the SQL API v2 client) -> `crawl` -> `catalog` (SQLite) ->
//! `serve` / `daemon`. The Snowflake SQL API v2 emulator that the tests, the benchmarks and the demo run
//! against is a crate of its own (`snowflake-emulator`), used here only behind the default `emulator` feature. See `ARCHITECTURE.md` for the code map and invariants.

pub mod auth;
pub mod catalog;
pub mod cli;
pub mod config;
pub mod crawl;
pub mod daemon;
pub mod logging;
pub mod mcp;
pub mod metrics;
pub mod serve;
pub mod sqlapi;
pub mod tools;
