//! A Snowflake SQL API v2 emulator: a real HTTP server on loopback over an in-memory account.
//!
//! It serves the tests, the benchmarks and `snowcat demo`. Its behaviour is modelled on Snowflake's
//! documentation (`../shared/snowflake/*.md`), never on what our client sends. It must not depend on anything
//! in the client side of the crate (`sqlapi`, `crawl`, `catalog`, ...).
//!
//! Two halves meet at [`result`]:
//! - the **engine** (account model, DDL loader, SHOW commands, INFORMATION_SCHEMA, visibility, generator)
//!   turns a SQL text run as a role into a typed [`result::QueryResult`] or a [`result::SqlError`];
//! - the **protocol** (HTTP server, statement handles, partitions, gzip, jsonv2 encoding, tokens, fault
//!   injection, request log) turns HTTP requests into engine calls and engine results into Snowflake's
//!   documented responses.

pub mod engine;
pub mod model;
pub mod result;

// The protocol half.
pub mod encode;
pub mod faults;
pub mod handle;
pub mod handles;
pub mod multi;
mod poll;
pub mod replies;
pub mod requestlog;
pub mod server;
mod submit;
pub mod tokens;

pub use handle::{Emulator, EmulatorBuilder, EmulatorHandle, Executor, Options, StartError};

/// The DDL of the built-in sample account (`snowcat emulator` with no `--account`/`--generate`).
/// Empty until the engine's sample account lands.
pub fn sample_sql() -> &'static str {
    ""
}
