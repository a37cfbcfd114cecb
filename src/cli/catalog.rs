//! `snowcat migrate | runs | diff | show | search | rename-account`: read and maintain the catalog file.
//!
//! Flags and output formatting only; every read goes through `snowcat::catalog`'s typed API. Reads open
//! the file read-only (never migrate behind the user's back); `migrate` is the only writer here.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, ValueEnum};

use super::{Outcome, UsageError};
use crate::catalog::query::{ChangeFilter, ChangeRow};
use crate::catalog::{Catalog, ObjectKind, Severity};

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

fn open(path: &CatalogPath) -> anyhow::Result<Catalog> {
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
    let filter = ChangeFilter { account: args.account.clone(), from: args.from, to: args.to, kind, severity };
    let rows = cat.changes(&filter)?;
    print_list(args.format, &rows, |out| print_changes(out, &rows, args.text))?;
    Ok(Outcome::Success)
}

/// The table (or view) a removed column or constraint belongs to, by its printed name: `D.S.T.C` and
/// `D.S.T.NAME` give `D.S.T`. Grants are not folded: each security change stays on its own line.
fn removed_with(c: &ChangeRow) -> Option<String> {
    match c.object_kind.as_str() {
        "column" | "constraint" => c.object_name.rsplit_once('.').map(|(t, _)| t.to_string()),
        _ => None,
    }
}

/// Is this change a new definition text that `--text` shows as a unified diff?
fn is_text_change(c: &ChangeRow) -> bool {
    let kind = ObjectKind::parse(&c.object_kind);
    c.before.is_some()
        && c.after.is_some()
        && kind.zip(c.field.as_deref()).is_some_and(|(k, f)| crate::catalog::changes::is_definition(k, f))
}

/// Print changes one per line. The columns and constraints removed with a table removed in the same run
/// are folded into that table's line (`(with 12 columns, 1 constraint)`); `--format json` lists each. With
/// `text`, a changed definition is printed as a unified diff under its line.
pub(crate) fn print_changes(out: &mut dyn Write, rows: &[ChangeRow], text: bool) -> std::io::Result<()> {
    if rows.is_empty() {
        return writeln!(out, "no changes");
    }
    let removed_tables: std::collections::HashSet<(i64, &str, &str)> = rows
        .iter()
        .filter(|c| c.object_kind == "table" && c.change == "removed")
        .map(|c| (c.run_id, c.account_name.as_str(), c.object_name.as_str()))
        .collect();
    let mut folded: std::collections::HashMap<(i64, &str, String), std::collections::BTreeMap<&str, usize>> =
        std::collections::HashMap::new();
    let mut shown = Vec::new();
    for c in rows {
        if c.change == "removed"
            && let Some(table) = removed_with(c)
            && removed_tables.contains(&(c.run_id, c.account_name.as_str(), table.as_str()))
        {
            *folded
                .entry((c.run_id, c.account_name.as_str(), table))
                .or_default()
                .entry(&c.object_kind)
                .or_default() += 1;
            continue;
        }
        shown.push(c);
    }
    for c in shown {
        let diff = (text && is_text_change(c)).then(|| {
            super::textdiff::unified(c.before.as_deref().unwrap_or(""), c.after.as_deref().unwrap_or(""))
        });
        let mut detail = match &c.field {
            Some(f) if diff.is_some() => format!(" {f}: (unified diff)"),
            Some(f) => format!(
                " {f}: {} -> {}",
                c.before.as_deref().unwrap_or("NULL"),
                c.after.as_deref().unwrap_or("NULL")
            ),
            None => String::new(),
        };
        if c.object_kind == "table"
            && c.change == "removed"
            && let Some(kids) = folded.get(&(c.run_id, c.account_name.as_str(), c.object_name.clone()))
        {
            let parts: Vec<String> = kids
                .iter()
                .map(|(kind, n)| format!("{n} {kind}{}", if *n == 1 { "" } else { "s" }))
                .collect();
            detail = format!(" (with {})", parts.join(", "));
        }
        writeln!(
            out,
            "run {:<5} {:<9} {:<9} {:<15} {}{}",
            c.run_id, c.severity, c.change, c.object_kind, c.object_name, detail
        )?;
        for line in diff.iter().flat_map(|d| d.lines()) {
            writeln!(out, "    {line}")?;
        }
    }
    Ok(())
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
        Some(at) => match at.parse::<i64>() {
            Ok(id) => Some(id),
            Err(_) => {
                let ts = chrono::DateTime::parse_from_rfc3339(at).map_err(|e| {
                    UsageError(format!("--at {at:?} is neither a run id nor an RFC 3339 time: {e}"))
                })?;
                let ts = ts.with_timezone(&chrono::Utc).to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
                Some(
                    cat.run_at_time(&account, &ts)?
                        .ok_or_else(|| anyhow::anyhow!("no run finished by {at}"))?,
                )
            }
        },
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
    use super::{ChangeRow, one_line, print_changes};

    fn change(kind: &str, name: &str, change: &str) -> ChangeRow {
        ChangeRow {
            change_id: 0,
            run_id: 2,
            account_name: "acct".into(),
            run_time: None,
            object_kind: kind.into(),
            object_name: name.into(),
            change: change.into(),
            field: None,
            before: None,
            after: None,
            severity: "breaking".into(),
        }
    }

    #[test]
    fn children_of_a_removed_table_fold_into_its_line() {
        let rows = vec![
            change("column", "D.S.T.A", "removed"),
            change("column", "D.S.T.B", "removed"),
            change("constraint", "D.S.T.PK_T", "removed"),
            change("grant", "SELECT on TABLE D.S.T to ROLE R", "removed"),
            change("table", "D.S.T", "removed"),
            // Not folded: another table's column, an added column, any grant.
            change("column", "D.S.U.A", "removed"),
            change("column", "D.S.T.C", "added"),
            change("grant", "SELECT on TABLE D.S.U to ROLE R", "removed"),
        ];
        let mut out = Vec::new();
        print_changes(&mut out, &rows, false).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 5, "{text}");
        assert!(
            lines[0].ends_with("SELECT on TABLE D.S.T to ROLE R"),
            "grants stay on their own line: {text}"
        );
        assert!(lines[1].ends_with("table           D.S.T (with 2 columns, 1 constraint)"), "{text}");
        assert!(lines[2].ends_with("D.S.U.A") && lines[3].ends_with("D.S.T.C"), "{text}");
        assert!(lines[4].ends_with("SELECT on TABLE D.S.U to ROLE R"), "{text}");
    }

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
