//! `snowcat demo`: the whole product in a few seconds with no Snowflake account. Starts the embedded
//! emulator with the sample account on loopback, crawls it into a catalog file, applies the scripted changes
//! of `config/emulator/demo-changes.sql` through the SQL API, crawls again as the crawler role, then prints
//! the diff by severity, the coverage gap and how to query the file.
//!
//! Owns the demo's choreography and its printing only: crawling is `crate::crawl`, storage and diffs are
//! `crate::catalog`, the server is `snowflake_emulator`. The sample account and the change script are compiled
//! in, so it runs from any directory and needs nothing beyond 127.0.0.1.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use clap::Args;
use secrecy::SecretString;
use tokio_util::sync::CancellationToken;

use super::Outcome;
use crate::catalog::query::{ChangeFilter, ChangeRow};
use crate::catalog::{Catalog, RunStatus, Severity};
use crate::crawl::{CrawlOptions, NoProgress, RunReport};
use crate::sqlapi::{Client, StatementRequest, StaticToken, TokenType};
use crate::tools::catalog::write_changes;
use snowflake_emulator::Emulator;
use snowflake_emulator::model::Account;

/// The changes applied between the two crawls (each must show up exactly once in the diff).
pub const CHANGES_SQL: &str = include_str!("../../config/emulator/demo-changes.sql");

/// Applied to the sample before the first crawl: the crawler role gets MANAGE GRANTS, as recommended for
/// complete SHOW visibility (so a schema it cannot use is seen as denied instead of vanishing), and
/// IMPORTED PRIVILEGES on SNOWFLAKE for the tag assignments of ACCOUNT_USAGE.TAG_REFERENCES.
const SETUP_SQL: &str = "USE ROLE SECURITYADMIN;\nGRANT MANAGE GRANTS ON ACCOUNT TO ROLE SNOWCAT_CRAWLER;\n\
    USE ROLE ACCOUNTADMIN;\nGRANT IMPORTED PRIVILEGES ON DATABASE SNOWFLAKE TO ROLE SNOWCAT_CRAWLER;\n";

/// The account name the demo's runs are recorded under.
pub const ACCOUNT: &str = "demo";
const CRAWLER_ROLE: &str = "SNOWCAT_CRAWLER";
const CRAWLER_WAREHOUSE: &str = "CRAWLER_WH";
const ADMIN_ROLE: &str = "ACCOUNTADMIN";
const STATEMENT_WAIT: Duration = Duration::from_secs(60);

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// The catalog file to write (an existing file there is replaced).
    #[arg(long = "catalog", default_value = "snowcat-demo.db")]
    pub catalog: PathBuf,
}

/// Split a SQL script into statements: `;` ends a statement outside quotes, `--` starts a comment outside
/// quotes. Statements come back trimmed, comments removed, empty ones dropped.
pub fn split_script(script: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quote: Option<char> = None;
    let mut chars = script.chars().peekable();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(q), c) if c == q => {
                cur.push(c);
                if chars.peek() == Some(&q) {
                    cur.push(q);
                    chars.next();
                } else {
                    quote = None;
                }
            }
            (Some(_), c) => cur.push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                cur.push(c);
            }
            (None, '-') if chars.peek() == Some(&'-') => {
                for n in chars.by_ref() {
                    if n == '\n' {
                        cur.push('\n');
                        break;
                    }
                }
            }
            (None, ';') => {
                push_statement(&mut out, &cur);
                cur.clear();
            }
            (None, c) => cur.push(c),
        }
    }
    push_statement(&mut out, &cur);
    out
}

fn push_statement(out: &mut Vec<String>, text: &str) {
    let t = text.trim();
    if !t.is_empty() {
        out.push(t.to_string());
    }
}

/// `s` quoted for a POSIX shell when it needs it.
fn shell_quote(s: &str) -> String {
    if !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || "-_./".contains(c)) {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// Remove a previous demo catalog and its SQLite side files.
fn remove_catalog(path: &Path) -> anyhow::Result<()> {
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        match std::fs::remove_file(&p) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e).with_context(|| format!("cannot replace {}", Path::new(&p).display())),
        }
    }
    Ok(())
}

struct Steps {
    started: Instant,
    n: u32,
}

impl Steps {
    fn next(&mut self, what: &str) {
        self.n += 1;
        println!("[{}] {what}", self.n);
        let _ = std::io::stdout().flush();
    }

    fn note(&self, text: &str) {
        for line in text.lines() {
            println!("    {line}");
        }
        let _ = std::io::stdout().flush();
    }
}

async fn crawl_once(client: &Client, catalog: &Path) -> anyhow::Result<RunReport> {
    let opts = CrawlOptions {
        role: Some(CRAWLER_ROLE.into()),
        warehouse: Some(CRAWLER_WAREHOUSE.into()),
        ..CrawlOptions::default()
    };
    let report = crate::crawl::crawl(client, catalog, ACCOUNT, &opts, &NoProgress, CancellationToken::new())
        .await
        .context("the crawl could not be recorded")?;
    if matches!(report.status, RunStatus::Failed | RunStatus::Cancelled) {
        anyhow::bail!(
            "the crawl {}: {}",
            report.status.as_str(),
            report.error.as_deref().unwrap_or("no reason given")
        );
    }
    Ok(report)
}

async fn apply_changes(steps: &Steps, client: &Client) -> anyhow::Result<usize> {
    let statements = split_script(CHANGES_SQL);
    for sql in &statements {
        let shown = sql.split_whitespace().collect::<Vec<_>>().join(" ");
        steps.note(&format!("> {shown}"));
        let req = StatementRequest::new(sql.clone())
            .role(ADMIN_ROLE)
            .parameter("QUERY_TAG", "snowcat:demo:changes")
            .kind("demo_change");
        let deadline = tokio::time::Instant::now() + STATEMENT_WAIT;
        client
            .execute_collect(req, deadline, CancellationToken::new())
            .await
            .with_context(|| format!("scripted change failed: {shown}"))?;
    }
    Ok(statements.len())
}

fn print_diff(rows: &[ChangeRow]) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    for sev in Severity::ALL {
        let of: Vec<ChangeRow> = rows.iter().filter(|r| r.severity == sev.as_str()).cloned().collect();
        if of.is_empty() {
            continue;
        }
        writeln!(out, "    {} ({}):", sev.as_str().to_uppercase(), of.len())?;
        let mut buf = Vec::new();
        write_changes(&mut buf, &of, true)?;
        for line in String::from_utf8_lossy(&buf).lines() {
            writeln!(out, "      {line}")?;
        }
    }
    if rows.is_empty() {
        writeln!(out, "    no changes")?;
    }
    out.flush()?;
    Ok(())
}

fn print_gaps(steps: &Steps, first: &RunReport, second: &RunReport) {
    let before: BTreeSet<&str> = first.missing().map(|g| g.scope.as_str()).collect();
    let gaps: Vec<_> = second.missing().collect();
    if gaps.is_empty() {
        steps.note("none: the second crawl saw everything it was asked to see");
        return;
    }
    for g in gaps {
        let why = match (&g.code, &g.message) {
            (Some(c), Some(m)) => format!(" ({c}: {})", m.replace('\n', " ")),
            (None, Some(m)) => format!(" ({})", m.replace('\n', " ")),
            _ => String::new(),
        };
        let new = if before.contains(g.scope.as_str()) { "" } else { "NEW " };
        steps.note(&format!("{new}{} {}{why}", g.outcome, g.scope));
    }
    steps.note("Objects under these scopes keep their last known state; none is reported removed.");
}

/// The example queries printed at the end (also run by the demo's test, so they must stay valid).
pub fn example_queries() -> [(&'static str, &'static str); 4] {
    [
        (
            "every change, newest first",
            "SELECT run_id, severity, change, object_kind, object_name, field, before, after \
             FROM changes_v ORDER BY change_id DESC",
        ),
        (
            "what the last crawl did not read (carried: unchanged since run read_run, not re-read)",
            "SELECT scope, outcome, read_run, error_code, error_message FROM coverage_v",
        ),
        (
            "the columns of SALES.CORE.ORDERS now",
            "SELECT column_name, data_type, numeric_precision, numeric_scale, is_nullable FROM current_columns \
             WHERE database_name = 'SALES' AND schema_name = 'CORE' AND table_name = 'ORDERS' \
             ORDER BY CAST(ordinal_position AS INTEGER)",
        ),
        (
            "who may read what",
            "SELECT grantee_name, privilege, granted_on, name FROM current_grants \
             WHERE granted_to = 'ROLE' ORDER BY grantee_name, name",
        ),
    ]
}

fn print_howto(catalog: &Path) {
    let file = shell_quote(&catalog.display().to_string());
    println!("Query the catalog with any SQLite client, for example:");
    for (what, sql) in example_queries() {
        println!("  # {what}");
        println!("  sqlite3 -header -column {file} \"{sql}\"");
    }
    println!("or with snowcat itself:");
    println!("  snowcat runs --catalog {file}");
    println!("  snowcat diff --catalog {file} --severity breaking");
    println!("  snowcat diff --catalog {file} --kind view --text");
    println!("  snowcat show --catalog {file} SALES.CORE.ORDERS --at 1");
    println!("  snowcat access --catalog {file} SALES.CORE.CUSTOMERS.EMAIL");
    println!("  snowcat access --catalog {file} --user BOB");
    println!(
        "or from an AI agent: `snowcat mcp --config FILE` serves this history and the live tools over MCP"
    );
    println!("  (a config whose [catalog] path is this file; see docs/mcp.md)");
}

pub async fn run(args: DemoArgs) -> anyhow::Result<Outcome> {
    let mut steps = Steps { started: Instant::now(), n: 0 };
    steps.next("Starting the Snowflake SQL API emulator with the sample account");
    let mut account = Account::from_sql(snowflake_emulator::sample_sql())
        .map_err(|e| anyhow::anyhow!("the built-in sample account does not load: {e}"))?;
    account.apply_sql(SETUP_SQL).map_err(|e| anyhow::anyhow!("the demo setup does not load: {e}"))?;
    let token = uuid::Uuid::new_v4().to_string();
    let emulator = Emulator::builder(account).token(token.clone()).start().await?;
    steps.note(&format!("listening on {} (loopback only)", emulator.base_url()));
    let source = Arc::new(StaticToken::new(SecretString::from(token), TokenType::OAuth));
    let client = Client::for_url(&emulator.base_url(), source)?.build()?;

    remove_catalog(&args.catalog)?;
    steps.next(&format!(
        "Crawling the account as {CRAWLER_ROLE} into {} (replaced if it existed)",
        args.catalog.display()
    ));
    let first = crawl_once(&client, &args.catalog).await?;
    steps.note(&first.render_text());

    steps.next(&format!("Changing the account through the SQL API as {ADMIN_ROLE}"));
    let n = apply_changes(&steps, &client).await?;
    steps.note(&format!("{n} statements applied"));

    steps.next(&format!("Crawling again as {CRAWLER_ROLE}"));
    let second = crawl_once(&client, &args.catalog).await?;
    steps.note(&second.render_text());

    steps.next("What changed between the two crawls, by severity");
    // Read-write on purpose: the last connection to close checkpoints the WAL, leaving one tidy file.
    let catalog = Catalog::open(&args.catalog)?;
    let filter = ChangeFilter {
        account: Some(ACCOUNT.into()),
        from: first.run_id,
        to: second.run_id,
        ..ChangeFilter::default()
    };
    print_diff(&catalog.changes(&filter)?)?;
    drop(catalog);

    steps.next("Coverage gap of the second crawl");
    print_gaps(&steps, &first, &second);
    emulator.shutdown().await;

    println!();
    println!(
        "Done in {:.1}s. The catalog is {}.",
        steps.started.elapsed().as_secs_f64(),
        args.catalog.display()
    );
    print_howto(&args.catalog);
    Ok(Outcome::Success)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_split_on_semicolons_outside_quotes_and_comments() {
        let got = split_script(
            "-- head; comment\nCREATE TABLE \"a;b\" (x INT); -- trailing; comment\n\
             COMMENT ON TABLE t IS 'it''s; fine';\n\n;  ",
        );
        assert_eq!(got, ["CREATE TABLE \"a;b\" (x INT)", "COMMENT ON TABLE t IS 'it''s; fine'"]);
        assert_eq!(split_script(CHANGES_SQL).len(), 13, "the shipped change script has thirteen statements");
    }

    #[test]
    fn paths_are_quoted_for_the_shell() {
        assert_eq!(shell_quote("snowcat-demo.db"), "snowcat-demo.db");
        assert_eq!(shell_quote("/tmp/my demo.db"), "'/tmp/my demo.db'");
        assert_eq!(shell_quote("it's.db"), r"'it'\''s.db'");
    }
}
