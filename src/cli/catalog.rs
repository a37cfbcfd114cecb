//! `snowcat migrate | runs | diff | show | search`: read and maintain the catalog file.

use clap::Args;

use super::Outcome;

#[derive(Debug, Args)]
pub struct MigrateArgs {}
#[derive(Debug, Args)]
pub struct RunsArgs {}
#[derive(Debug, Args)]
pub struct DiffArgs {}
#[derive(Debug, Args)]
pub struct ShowArgs {}
#[derive(Debug, Args)]
pub struct SearchArgs {}

pub fn migrate(_args: MigrateArgs) -> anyhow::Result<Outcome> {
    anyhow::bail!("the catalog is not built yet")
}
pub fn runs(_args: RunsArgs) -> anyhow::Result<Outcome> {
    anyhow::bail!("the catalog is not built yet")
}
pub fn diff(_args: DiffArgs) -> anyhow::Result<Outcome> {
    anyhow::bail!("the catalog is not built yet")
}
pub fn show(_args: ShowArgs) -> anyhow::Result<Outcome> {
    anyhow::bail!("the catalog is not built yet")
}
pub fn search(_args: SearchArgs) -> anyhow::Result<Outcome> {
    anyhow::bail!("the catalog is not built yet")
}
