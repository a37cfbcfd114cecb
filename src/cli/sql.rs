//! `snowcat sql` and `snowcat statement`: one statement through the SQL API v2 client, printed for people or scripts.

use clap::{Args, Subcommand};

use super::Outcome;

#[derive(Debug, Args)]
pub struct SqlArgs {}

#[derive(Debug, Subcommand)]
pub enum StatementCommand {}

pub async fn run(_args: SqlArgs) -> anyhow::Result<Outcome> {
    anyhow::bail!("the SQL API client is not built yet")
}

pub async fn run_statement(cmd: StatementCommand) -> anyhow::Result<Outcome> {
    match cmd {}
}
