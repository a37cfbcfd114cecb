//! `snowflake-emulator`: a Snowflake SQL API v2 server on loopback over an in-memory account, with fault
//! injection and a request log.
//!
//! It serves snowcat's tests, its benchmarks and `snowcat demo`, and runs on its own as the
//! `snowflake-emulator` binary. Its behaviour is modelled on Snowflake's documentation
//! (`../shared/snowflake/*.md`), never on what a client sends. It depends on nothing in snowcat (the compiler
//! enforces it: snowcat is not among its dependencies), and snowcat's daemon builds without it.
//!
//! Two halves meet at [`result`]:
//! - the **engine** (account model, DDL loader, SHOW commands, INFORMATION_SCHEMA, visibility, generator)
//!   turns a SQL text run as a role into a typed [`result::QueryResult`] or a [`result::SqlError`];
//! - the **protocol** (HTTP server, statement handles, partitions, gzip, jsonv2 encoding, tokens, fault
//!   injection, request log) turns HTTP requests into engine calls and engine results into Snowflake's
//!   documented responses.

pub mod account_usage;
pub mod account_usage_governance;
pub mod ddl;
pub mod ddl_account;
pub mod ddl_alter;
pub mod ddl_database_role;
pub mod ddl_dynamic;
pub mod ddl_governance_alter;
pub mod ddl_grant;
pub mod ddl_pipeline;
pub mod ddl_pipeline_alter;
pub mod ddl_policy;
pub mod ddl_routine;
pub mod ddl_table;
pub mod ddl_undrop;
pub mod ddl_view;
pub mod engine;
pub mod generate;
pub mod generate_access;
pub mod generate_pipeline;
pub mod identity;
pub mod info_functions;
pub mod info_pipeline;
pub mod info_pushdown;
pub mod info_rows;
pub mod info_schema;
pub mod lexer;
pub mod model;
pub mod model_access;
pub mod model_pipeline;
pub mod model_types;
pub mod result;
pub mod sample;
pub mod show;
pub mod show_account;
pub mod show_database_roles;
pub mod show_governance;
pub mod show_grants;
pub mod show_keys;
pub mod show_objects;
pub mod show_pipeline;
pub mod types;
pub mod view_types;
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

// The command line of `snowflake-emulator` and `snowcat emulator`.
pub mod cli;

// Test statements (`rows N`, `types`, `fail`) for protocol and client tests.
pub mod testing;

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
