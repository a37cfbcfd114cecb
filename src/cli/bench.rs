//! `snowcat bench`: serve a generated account through the emulator with injected statement latency and
//! 429/503 faults, for `benches/run.sh` to crawl with the real binary. Prints the base URL on the first
//! stdout line; on SIGHUP it changes 1% of the base tables (one added column each, through its own SQL
//! API) and prints `changed N`; on SIGTERM/SIGINT it prints the emulator's request counts and exits.
//!
//! Benchmark plumbing only: no crawling, no catalog access, no timing of its own.

use std::io::Write;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use clap::Args;
use secrecy::SecretString;
use tokio_util::sync::CancellationToken;

use super::Outcome;
use crate::crawl::statements::path;
use crate::sqlapi::{Client, StatementRequest, StaticToken, TokenType};
use snowflake_emulator::Emulator;
use snowflake_emulator::faults::Faults;
use snowflake_emulator::model::{Account, GenerateSpec};
use snowflake_emulator::model_types::TableKind;
use snowflake_emulator::requestlog::EntryKind;

#[derive(Debug, Args)]
pub struct BenchArgs {
    /// The account to serve: DATABASESxSCHEMASxTABLESxCOLUMNS, e.g. 10x10x100x10 (10k tables).
    #[arg(long, value_name = "DxSxTxC")]
    pub generate: GenerateSpec,
    /// Latency added to every statement, in milliseconds.
    #[arg(long, default_value_t = 0)]
    pub latency_ms: u64,
    /// Fraction of requests answered 429, and answered 503 (e.g. 0.15 each for 30% in all).
    #[arg(long, default_value_t = 0.0)]
    pub rate_429: f64,
    #[arg(long, default_value_t = 0.0)]
    pub rate_503: f64,
    /// Percentage of base tables changed on each SIGHUP.
    #[arg(long, default_value_t = 1.0)]
    pub change_percent: f64,
    /// Add this many database roles (spread over the databases, granted privileges and to account roles).
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub generate_database_roles: usize,
    /// Add this many masking policies, each attached to a text column.
    #[arg(long, value_name = "M", default_value_t = 0)]
    pub generate_masking_policies: usize,
}

/// Serve until SIGTERM/SIGINT; apply a change on each SIGHUP.
pub async fn run(args: BenchArgs) -> anyhow::Result<Outcome> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut account = Account::generate(args.generate);
    let access = snowflake_emulator::generate_access::AccessSpec {
        database_roles: args.generate_database_roles,
        masking_policies: args.generate_masking_policies,
    };
    snowflake_emulator::generate_access::add_access(&mut account, access);
    let tables: Vec<(String, String, String)> = account
        .databases
        .iter()
        .flat_map(|d| {
            d.schemas.iter().flat_map(move |s| {
                s.tables
                    .iter()
                    .filter(|t| t.kind == TableKind::Base)
                    .map(move |t| (d.name.clone(), s.name.clone(), t.name.clone()))
            })
        })
        .collect();
    let faults = Faults {
        seed: 42,
        statement_latency_ms: args.latency_ms,
        rate_429: args.rate_429,
        rate_503: args.rate_503,
        ..Faults::default()
    };
    let handle =
        Emulator::builder(account).faults(faults).start().await.context("cannot start the emulator")?;
    let url = handle.base_url();
    println!("{url}");
    std::io::stdout().flush().context("cannot write to stdout")?;

    let token = Arc::new(StaticToken::new(SecretString::from("bench".to_string()), TokenType::OAuth));
    let client = Client::for_url(&url, token)?.build()?;
    let every = (100.0 / args.change_percent.max(0.001)).round().max(1.0) as usize;
    let mut hup = signal(SignalKind::hangup()).context("cannot listen for SIGHUP")?;
    let mut term = signal(SignalKind::terminate()).context("cannot listen for SIGTERM")?;
    let mut generation = 0u32;
    loop {
        tokio::select! {
            _ = hup.recv() => {
                generation += 1;
                let saved = handle.faults();
                handle.set_faults(Faults::default());
                let mut changed = 0;
                for (d, s, t) in tables.iter().skip(generation as usize % every).step_by(every) {
                    let sql = format!("ALTER TABLE {} ADD COLUMN BENCH_C{generation} NUMBER(38,0)", path(&[d, s, t]));
                    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
                    client.execute_collect(StatementRequest::new(sql), deadline, CancellationToken::new()).await?;
                    changed += 1;
                }
                handle.set_faults(saved);
                println!("changed {changed}");
                std::io::stdout().flush().context("cannot write to stdout")?;
            }
            _ = term.recv() => break,
            res = tokio::signal::ctrl_c() => { res.context("cannot listen for SIGINT")?; break }
        }
    }
    let log = handle.request_log();
    let count = |k: EntryKind| log.iter().filter(|e| e.kind == k).count();
    println!(
        "requests submit={} status={} executions={}",
        count(EntryKind::Submit),
        count(EntryKind::Status),
        count(EntryKind::Execution)
    );
    handle.shutdown().await;
    Ok(Outcome::Success)
}
