//! `snowcat migrate | runs | diff | show | search | rename-account`: read and maintain the catalog file.
//!
//! Flags and output formatting only; every read goes through `snowcat::catalog`'s typed API. Reads open
//! the file read-only (never migrate behind the user's back); `migrate` is the only writer here.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, ValueEnum};

use super::{Outcome, UsageError};
use crate::catalog::query::ChangeFilter;
use crate::catalog::{Catalog, ObjectKind, Severity};
use crate::tools::catalog::{RunOrTime, write_changes};

/// Where the catalog file is.
#[derive(Debug, Args)]
pub struct CatalogPath {
    /// The catalog file.
    #[arg(long = "catalog", env = "SNOWCAT_CATALOG", default_value = "snowcat.db")]
    pub path: PathBuf,
}

#[derive(Debug, Args)]
pub struct MigrateArgs {
    #[command(flatten)]
    pub catalog: CatalogPath,
}

#[derive(Debug, Args)]
pub struct RunsArgs {
    #[command(flatten)]
    pub catalog: CatalogPath,
    /// Only this account.
    #[arg(long)]
    pub account: Option<String>,
    /// At most this many runs (newest first).
    #[arg(long, default_value_t = 20)]
    pub limit: usize,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    #[command(flatten)]
    pub catalog: CatalogPath,
    /// Changes after this run (exclusive).
    #[arg(long)]
    pub from: Option<i64>,
    /// Changes up to this run (inclusive; default: the latest).
    #[arg(long)]
    pub to: Option<i64>,
    /// Only this object kind (database, schema, table, column, constraint, grant, role_membership,
    /// future_grant, warehouse, view, dynamic_table, stream, task, pipe, stage, function, procedure,
    /// sequence).
    #[arg(long)]
    pub kind: Option<String>,
    /// Only this severity (breaking, security, additive, cosmetic, operational).
    #[arg(long)]
    pub severity: Option<String>,
    /// Print a changed definition (a view's or dynamic table's query, a task's or pipe's statement, a
    /// routine's body) as a unified diff under its line, instead of `before -> after` on one line.
    #[arg(long)]
    pub text: bool,
    #[arg(long)]
    pub account: Option<String>,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    #[command(flatten)]
    pub catalog: CatalogPath,
    /// DB.SCHEMA.TABLE (stored, case-sensitive names).
    pub table: String,
    /// A run id, or an RFC 3339 time (the last run finished by then).
    #[arg(long)]
    pub at: Option<String>,
    #[arg(long)]
    pub account: Option<String>,
}

#[derive(Debug, Args)]
pub struct SearchArgs {
    #[command(flatten)]
    pub catalog: CatalogPath,
    /// Text to find in names or comments (SQL LIKE if it contains % or _).
    pub pattern: String,
    #[arg(long, default_value_t = 200)]
    pub limit: usize,
}

#[derive(Debug, Args)]
pub struct RenameAccountArgs {
    #[command(flatten)]
    pub catalog: CatalogPath,
    /// The name the history is recorded under now (`snowcat runs` shows it), e.g. a URL from before
    /// crawls asked Snowflake for the account's name.
    pub from: String,
    /// The name to record it under: what `snowcat crawl` prints as the account (without --account or
    /// --config it asks Snowflake: `org-account`, lower case), or the config's `name`.
    pub to: String,
}

/// Output format for lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Table,
    Json,
    Ndjson,
}

pub(super) fn open(path: &CatalogPath) -> anyhow::Result<Catalog> {
    if !path.path.exists() {
        return Err(UsageError(format!(
            "no catalog at {} (run `snowcat migrate --catalog {}` or a crawl first)",
            path.path.display(),
            path.path.display()
        ))
        .into());
    }
    Ok(Catalog::open_read_only(&path.path)?)
}

pub fn migrate(args: MigrateArgs) -> anyhow::Result<Outcome> {
    let cat = Catalog::open(&args.catalog.path)
        .with_context(|| format!("migrating {}", args.catalog.path.display()))?;
    println!("catalog {} is at schema version {}", args.catalog.path.display(), cat.schema_version()?);
    Ok(Outcome::Success)
}

pub fn rename_account(args: RenameAccountArgs) -> anyhow::Result<Outcome> {
    if !args.catalog.path.exists() {
        return Err(UsageError(format!("no catalog at {}", args.catalog.path.display())).into());
    }
    let mut cat = Catalog::open(&args.catalog.path)?;
    cat.rename_account(&args.from, &args.to).map_err(|e| {
        let known = cat.account_names().unwrap_or_default();
        UsageError(format!("{e} (accounts in {}: {})", args.catalog.path.display(), known.join(", ")))
    })?;
    println!("the history of {:?} is now recorded as account {:?}", args.from, args.to);
    Ok(Outcome::Success)
}

fn print_list<T: serde::Serialize>(
    format: Format,
    rows: &[T],
    table: impl Fn(&mut dyn Write) -> std::io::Result<()>,
) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    match format {
        Format::Table => table(&mut out)?,
        Format::Json => writeln!(out, "{}", serde_json::to_string_pretty(rows)?)?,
        Format::Ndjson => {
            for r in rows {
                writeln!(out, "{}", serde_json::to_string(r)?)?;
            }
        }
    }
    Ok(())
}

/// Characters of a run's problems shown in the table (`--format json` has them whole).
const PROBLEMS_WIDTH: usize = 160;

/// `text` on one line (newlines and runs of whitespace become one space), cut to `max` characters.
fn one_line(text: &str, max: usize) -> String {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= max {
        return flat;
    }
    let mut cut: String = flat.chars().take(max.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

pub fn runs(args: RunsArgs) -> anyhow::Result<Outcome> {
    let cat = open(&args.catalog)?;
    let rows = cat.runs(args.account.as_deref(), args.limit)?;
    print_list(args.format, &rows, |out| {
        writeln!(
            out,
            "{:>6}  {:<16} {:<24} {:<10} {:>8} {:>8} {:>10}  problems",
            "RUN", "ACCOUNT", "STARTED", "STATUS", "OBJECTS", "CHANGES", "INCOMPLETE"
        )?;
        for r in &rows {
            writeln!(
                out,
                "{:>6}  {:<16} {:<24} {:<10} {:>8} {:>8} {:>10}  {}",
                r.run_id,
                r.account_name,
                r.started_at,
                r.status,
                r.objects,
                r.changes,
                r.incomplete_scopes,
                one_line(r.error_summary.as_deref().unwrap_or(""), PROBLEMS_WIDTH)
            )?;
        }
        Ok(())
    })?;
    Ok(Outcome::Success)
}

pub fn diff(args: DiffArgs) -> anyhow::Result<Outcome> {
    let kind = match &args.kind {
        Some(k) => Some(ObjectKind::parse(k).ok_or_else(|| UsageError(format!("unknown --kind {k:?}")))?),
        None => None,
    };
    let severity = match &args.severity {
        Some(s) => Some(Severity::parse(s).ok_or_else(|| UsageError(format!("unknown --severity {s:?}")))?),
        None => None,
    };
    let cat = open(&args.catalog)?;
    let filter = ChangeFilter {
        account: args.account.clone(),
        from: args.from,
        to: args.to,
        kind,
        severity,
        ..ChangeFilter::default()
    };
    let rows = cat.changes(&filter)?;
    print_list(args.format, &rows, |out| write_changes(out, &rows, args.text))?;
    Ok(Outcome::Success)
}

pub fn show(args: ShowArgs) -> anyhow::Result<Outcome> {
    let parts: Vec<&str> = args.table.split('.').collect();
    let [db, schema, table] = parts.as_slice() else {
        return Err(UsageError(format!("expected DB.SCHEMA.TABLE, got {:?}", args.table)).into());
    };
    let cat = open(&args.catalog)?;
    let account = cat.resolve_account(args.account.as_deref())?;
    let run = match &args.at {
        None => None,
        Some(at) => {
            let at = RunOrTime::parse(at).map_err(|e| UsageError(format!("--at {e}")))?;
            Some(at.run(&cat, &account, "--at")?)
        }
    };
    let Some(t) = cat.table_at(&account, db, schema, table, run)? else {
        anyhow::bail!(
            "{} not found in account {account}{}",
            args.table,
            run.map(|r| format!(" at run {r}")).unwrap_or_default()
        );
    };
    let mut out = std::io::stdout().lock();
    let tb = &t.table;
    writeln!(
        out,
        "{}.{}.{}  ({}, account {}, as of run {})",
        tb.database, tb.schema, tb.name, tb.table_type, t.account, t.run_id
    )?;
    writeln!(
        out,
        "owner: {}  created: {}",
        tb.owner.as_deref().unwrap_or("-"),
        tb.created.as_deref().unwrap_or("-")
    )?;
    if let Some(c) = &tb.comment {
        writeln!(out, "comment: {c}")?;
    }
    if let Some(k) = &tb.clustering_key {
        writeln!(out, "clustering key: {k}")?;
    }
    writeln!(out)?;
    writeln!(out, "{:>3}  {:<32} {:<24} {:<8} {:<16} comment", "#", "COLUMN", "TYPE", "NULL?", "DEFAULT")?;
    for c in &t.columns {
        let ty = match (c.character_maximum_length, c.numeric_precision, c.numeric_scale) {
            (Some(l), _, _) => format!("{}({l})", c.data_type),
            (None, Some(p), Some(s)) => format!("{}({p},{s})", c.data_type),
            _ => c.data_type.clone(),
        };
        writeln!(
            out,
            "{:>3}  {:<32} {:<24} {:<8} {:<16} {}",
            c.ordinal_position,
            c.name,
            ty,
            if c.is_nullable { "YES" } else { "NO" },
            c.column_default.as_deref().unwrap_or(""),
            c.comment.as_deref().unwrap_or("")
        )?;
    }
    for k in &t.constraints {
        let refs = match (&k.referenced_database, &k.referenced_schema, &k.referenced_table) {
            (Some(d), Some(s), Some(r)) => {
                format!(" REFERENCES {d}.{s}.{r} ({})", k.referenced_columns.join(", "))
            }
            _ => String::new(),
        };
        writeln!(out, "{} {} ({}){}", k.constraint_type.as_str(), k.name, k.columns.join(", "), refs)?;
    }
    Ok(Outcome::Success)
}

pub fn search(args: SearchArgs) -> anyhow::Result<Outcome> {
    let cat = open(&args.catalog)?;
    let hits = cat.search(&args.pattern, args.limit)?;
    let mut out = std::io::stdout().lock();
    if hits.is_empty() {
        writeln!(out, "nothing matches {:?}", args.pattern)?;
    }
    for h in hits {
        writeln!(
            out,
            "{:<16} {:<10} {}{}",
            h.account_name,
            h.object_kind,
            h.object_name,
            h.comment.map(|c| format!("  -- {c}")).unwrap_or_default()
        )?;
    }
    Ok(Outcome::Success)
}

#[cfg(test)]
mod tests {
    use super::one_line;

    #[test]
    fn problems_stay_on_one_line_and_are_cut_with_an_ellipsis() {
        assert_eq!(
            one_line("tables:HR denied:\n  002003  not authorized", 80),
            "tables:HR denied: 002003 not authorized"
        );
        assert_eq!(one_line("abcdef", 4), "abc…");
        assert_eq!(one_line("", 4), "");
    }
}
