//! snowcat's integration tests, one binary: each module was once its own file under `tests/`, and keeps its
//! name (`cargo test --test it crawl_sample::` runs one of them). They run the real `snowcat` binary or the
//! real client against the `snowflake-emulator` crate over HTTP on 127.0.0.1.
//!
//! Test names are `<module>::<test>`; a test that re-executes this binary (catalog_crash) filters by that path.

// Helpers shared by several modules.
mod auth_support;
mod catalog_support;
mod common;
mod crawl_incremental_support;
mod crawl_support;
mod mcp_support;
mod sqlapi_support;

mod access_e2e;

mod auth_e2e;
mod auth_jwt;
mod auth_oauth;
mod auth_scalekit;
mod auth_secrets;

mod catalog_access;
mod catalog_bench;
mod catalog_crash;
mod catalog_diff;
mod catalog_docs;
mod catalog_prop;
mod catalog_removal;
mod catalog_retention;

mod cli_multi;
mod cli_sql;
mod cli_tool;

mod config_mistakes;
mod config_validate;

mod crash_loop;

mod crawl_account_usage;
mod crawl_auth_failure;
mod crawl_bench;
mod crawl_cli;
mod crawl_denied;
mod crawl_identity;
mod crawl_incremental;
mod crawl_incremental_prop;
mod crawl_names;
mod crawl_pipeline;
mod crawl_plan;
mod crawl_sample;
mod crawl_vanish_tables;
mod crawl_view_types;

mod daemon_bench;
mod daemon_e2e;
mod daemon_feed;
mod daemon_http;
mod daemon_runs;
mod daemon_schedule;
mod daemon_sigterm;

mod demo;

mod deploy_catalog;
mod deploy_dockerfile;
mod deploy_manifests;
mod deploy_metrics;
mod deploy_prometheus;

mod emulator_cli;

mod faults_matrix;

mod fuzz_config;
mod fuzz_sqlapi;

mod hostile_http;
mod hostile_names;

mod mcp_crawl;
mod mcp_http;
mod mcp_session;
mod mcp_tools;

mod secrets_token;

mod sigterm_loop;

mod sqlapi_bench;
mod sqlapi_bytes;
mod sqlapi_client;
mod sqlapi_faults;
