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

pub mod account_usage;
pub mod ddl;
pub mod ddl_account;
pub mod ddl_alter;
pub mod ddl_grant;
pub mod ddl_table;
pub mod ddl_view;
pub mod engine;
pub mod generate;
pub mod info_pushdown;
pub mod info_rows;
pub mod info_schema;
pub mod lexer;
pub mod model;
pub mod model_types;
pub mod result;
pub mod sample;
pub mod show;
pub mod show_account;
pub mod show_grants;
pub mod show_keys;
pub mod show_objects;
pub mod types;
pub mod visibility;

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

// Auth: credentials, key-pair JWT, OAuth endpoints, the Scalekit stand-in.
pub mod credentials;
pub mod jwt;
pub mod oauth;
pub mod scalekit;

pub use handle::{Emulator, EmulatorBuilder, EmulatorHandle, Executor, Options, StartError};

/// The DDL of the built-in sample account (`snowcat emulator` with no `--account`/`--generate`).
pub fn sample_sql() -> &'static str {
    sample::SAMPLE_SQL
}
