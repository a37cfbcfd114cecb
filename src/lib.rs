//! snowcat: a daemon that keeps a local, queryable history of a Snowflake account's metadata.
//!
//! The data flows one way: `sqlapi` (the SQL API v2 client) -> `crawl` -> `catalog` (SQLite) -> serve.
//! The `emulator` is a stand-alone Snowflake SQL API v2 server for tests, benchmarks and the demo; it shares
//! nothing with the client side. See `ARCHITECTURE.md` for the code map and its invariants.

pub mod catalog;
pub mod cli;
pub mod emulator;
pub mod sqlapi;
