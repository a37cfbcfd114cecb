//! `snowcat sql` and `snowcat statement`: a request of one or more statements through the SQL API v2
//! client, printed for people or scripts.
//!
//! Owns the flags of these two commands and the mapping of flags to a `StatementRequest`. Protocol work is
//! done by `crate::sqlapi`; formatting by `output` (one statement) and `multi` (one block per statement).
//! Errors carry Snowflake's code, SQL state and message.

mod multi;
mod output;

use std::io::IsTerminal;
use std::time::Duration;

use clap::{Args, Subcommand};
use futures_util::StreamExt;
use tokio_util::sync::CancellationToken;

pub use self::output::Format;
pub(crate) use self::output::Printer;
use super::connection::ConnectionArgs;
use super::{Outcome, UsageError};
use crate::sqlapi::{BindType, Binding, Schema, StatementOutcome, StatementRequest, StatementResponse};
use crate::tools::query::{QueryError, fetch_partition};

#[derive(Debug, Args)]
pub struct SqlArgs {
    /// The SQL text: one statement, or several separated by `;` run as one request (one session), each
    /// result printed in turn. MULTI_STATEMENT_COUNT is set to the number of statements unless --param sets
    /// it.
    pub statement: String,
    /// Submit asynchronously, print the statement handle (for several statements, the parent's) and return
    /// without waiting.
    #[arg(long = "async")]
    pub async_exec: bool,
    /// A binding KEY=TYPE:VALUE (KEY a position `1` or a name; `KEY=TYPE` alone binds NULL). Repeatable.
    #[arg(long = "bind", value_name = "KEY=TYPE:VALUE")]
    pub bindings: Vec<String>,
    #[arg(long)]
    pub database: Option<String>,
    #[arg(long)]
    pub schema: Option<String>,
    /// Statement timeout sent to Snowflake: seconds, or a duration such as `90s` / `5m`.
    #[arg(long, value_parser = parse_duration)]
    pub timeout: Option<Duration>,
    /// A session parameter KEY=VALUE (QUERY_TAG, TIMEZONE, MULTI_STATEMENT_COUNT...). Repeatable.
    #[arg(long = "param", value_name = "KEY=VALUE")]
    pub params: Vec<String>,
    /// Idempotency key (UUID); with --retry, fetches the earlier statement with this id instead of rerunning.
    #[arg(long)]
    pub request_id: Option<uuid::Uuid>,
    /// Mark this POST as a resubmission of --request-id.
    #[arg(long)]
    pub retry: bool,
    /// Send nullable=false (SQL NULL arrives as the string "null").
    #[arg(long)]
    pub no_nullable: bool,
    /// Output format (default: table on a terminal, json otherwise).
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    #[command(flatten)]
    pub connection: ConnectionArgs,
}

#[derive(Debug, Args)]
pub struct HandleArgs {
    /// The statement handle.
    pub handle: String,
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    #[command(flatten)]
    pub connection: ConnectionArgs,
}

#[derive(Debug, Subcommand)]
pub enum StatementCommand {
    /// Show whether a statement still runs; if done, print its first partition (for a request of several
    /// statements, each statement's handle and state).
    Status(HandleArgs),
    /// Print one result partition (0-based).
    Partition {
        #[command(flatten)]
        args: HandleArgs,
        /// Partition number.
        n: usize,
    },
    /// Cancel a statement (succeeds even if it already finished).
    Cancel(HandleArgs),
}

fn parse_duration(s: &str) -> Result<Duration, String> {
    match s.trim().parse::<u64>() {
        Ok(secs) => Ok(Duration::from_secs(secs)),
        Err(_) => humantime_serde::re::humantime::parse_duration(s).map_err(|e| e.to_string()),
    }
}

fn parse_binding(spec: &str) -> Result<(String, Binding), UsageError> {
    let bad = || UsageError(format!("--bind {spec:?}: expected KEY=TYPE:VALUE, e.g. 1=TEXT:hello"));
    let (key, rest) = spec.split_once('=').ok_or_else(bad)?;
    if key.trim().is_empty() {
        return Err(bad());
    }
    let binding = match rest.split_once(':') {
        Some((ty, value)) => {
            Binding::raw(ty.parse::<BindType>().map_err(|e| UsageError(e.to_string()))?, value)
        }
        None => Binding::null(rest.parse::<BindType>().map_err(|e| UsageError(e.to_string()))?),
    };
    Ok((key.trim().to_string(), binding))
}

fn build_request(args: &SqlArgs) -> Result<StatementRequest, UsageError> {
    let mut req = StatementRequest::new(args.statement.clone());
    for spec in &args.bindings {
        let (key, binding) = parse_binding(spec)?;
        req.bindings.insert(key, binding);
    }
    for p in &args.params {
        let (k, v) =
            p.split_once('=').ok_or_else(|| UsageError(format!("--param {p:?}: expected KEY=VALUE")))?;
        req.parameters.insert(k.trim().to_string(), v.to_string());
    }
    req.database = args.database.clone();
    req.schema = args.schema.clone();
    req.role = args.connection.role.clone();
    req.warehouse = args.connection.warehouse.clone();
    req.timeout = args.timeout;
    req.nullable = !args.no_nullable;
    req.retry = args.retry;
    req.async_exec = args.async_exec;
    if let Some(id) = args.request_id {
        req.request_id = id;
    } else if args.retry {
        return Err(UsageError("--retry needs --request-id (the id of the statement to resubmit)".into()));
    }
    Ok(req)
}

pub(crate) fn pick_format(f: Option<Format>) -> Format {
    f.unwrap_or(if std::io::stdout().is_terminal() { Format::Table } else { Format::Json })
}

/// Cancel `token` on Ctrl-C, so a running statement is cancelled server-side too.
pub(crate) fn cancel_on_ctrl_c() -> CancellationToken {
    let token = CancellationToken::new();
    let t = token.clone();
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            t.cancel();
        }
    });
    token
}

pub async fn run(args: SqlArgs) -> anyhow::Result<Outcome> {
    let mut req = build_request(&args)?;
    let several = req.set_statement_count().len() > 1;
    let client = args.connection.client()?;
    let format = pick_format(args.format);
    if args.async_exec {
        return match client.submit(&req).await? {
            StatementResponse::Running(s) => {
                println!("{}", s.handle);
                Ok(Outcome::Success)
            }
            StatementResponse::Done(page) => {
                eprintln!("statement {} finished at once", page.handle);
                print_page(&page.schema, page.rows, format)
            }
        };
    }
    // The server enforces --timeout; our own wait ends a little later (or after a week).
    let wait = args
        .timeout
        .filter(|t| !t.is_zero())
        .map_or(Duration::from_secs(7 * 86_400), |t| t + Duration::from_secs(30));
    let deadline = tokio::time::Instant::now() + wait;
    let mut results = client.execute_statements(req, deadline, cancel_on_ctrl_c()).await?;
    if !several && let Some(result) = results.next().await {
        // One statement prints as it always has: its rows alone.
        let mut rows = match result.outcome {
            StatementOutcome::Rows(rows) => rows,
            StatementOutcome::Failed(e) => return Err(e.into()),
            StatementOutcome::NoResult | StatementOutcome::NotRun => {
                anyhow::bail!("the statement gave no result")
            }
        };
        let mut printer = Printer::new(std::io::stdout().lock(), format, &rows.schema().clone())?;
        while let Some(row) = rows.next().await {
            printer.row(&row?)?;
        }
        printer.finish()?;
        return Ok(Outcome::Success);
    }
    let total = results.len();
    let failures = multi::print_all(&mut std::io::stdout().lock(), &mut results, format).await?;
    match (failures.len(), format) {
        (0, _) => Ok(Outcome::Success),
        (_, Format::Json) => Err(anyhow::anyhow!("{}", failures.join("; "))),
        (n, _) => Err(anyhow::anyhow!("{n} of {total} statements failed")),
    }
}

fn print_page(schema: &Schema, rows: Vec<crate::sqlapi::Row>, format: Format) -> anyhow::Result<Outcome> {
    let mut printer = Printer::new(std::io::stdout().lock(), format, schema)?;
    for row in &rows {
        printer.row(row)?;
    }
    printer.finish()?;
    Ok(Outcome::Success)
}

pub async fn run_statement(cmd: StatementCommand) -> anyhow::Result<Outcome> {
    match cmd {
        StatementCommand::Status(a) => {
            let client = a.connection.client()?;
            match client.status(&a.handle).await? {
                StatementResponse::Running(s) => {
                    println!("running: {} ({})", s.handle, s.message.as_deref().unwrap_or("in progress"));
                    Ok(Outcome::Success)
                }
                StatementResponse::Done(page) => match &page.statement_handles {
                    Some(children) => {
                        eprintln!(
                            "done: a request of {} statements; each has its own handle",
                            children.len()
                        );
                        let mut out = std::io::stdout().lock();
                        multi::print_children(&mut out, &client, children, pick_format(a.format)).await?;
                        Ok(Outcome::Success)
                    }
                    None => {
                        eprintln!("done: {} rows in {} partition(s)", page.num_rows, page.partitions.len());
                        print_page(&page.schema, page.rows, pick_format(a.format))
                    }
                },
            }
        }
        StatementCommand::Partition { args: a, n } => {
            let client = a.connection.client()?;
            let (page, rows) = match fetch_partition(&client, &a.handle, n as u64).await {
                Ok(fetched) => fetched,
                Err(e @ QueryError::NoSuchPartition { .. }) => return Err(UsageError(e.to_string()).into()),
                Err(e) => return Err(e.into()),
            };
            print_page(&page.schema, rows, pick_format(a.format))
        }
        StatementCommand::Cancel(a) => {
            let client = a.connection.client()?;
            let s = client.cancel(&a.handle).await?;
            println!(
                "{}: {} (code {})",
                s.handle.as_deref().unwrap_or(&a.handle),
                s.message.as_deref().unwrap_or("cancel sent"),
                s.code.as_deref().unwrap_or("-")
            );
            Ok(Outcome::Success)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sqlapi::BindValue;

    #[test]
    fn bind_flags_parse_typed_values_and_nulls() {
        let (k, b) = parse_binding("1=TEXT:a=b:c").unwrap();
        assert_eq!(k, "1");
        assert_eq!(b, Binding::raw(BindType::Text, "a=b:c"));
        let (k, b) = parse_binding("name=fixed").unwrap();
        assert_eq!(k, "name");
        assert_eq!(b.values, BindValue::One(None));
        assert!(parse_binding("1").is_err());
        assert!(parse_binding("=TEXT:x").is_err());
        assert!(parse_binding("1=VARIANT:{}").is_err());
    }

    #[test]
    fn durations_accept_seconds_or_humantime() {
        assert_eq!(parse_duration("60").unwrap(), Duration::from_secs(60));
        assert_eq!(parse_duration("5m").unwrap(), Duration::from_secs(300));
        assert!(parse_duration("soon").is_err());
    }
}
