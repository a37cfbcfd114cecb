//! `snowcat access`: who can reach an object (and by which path), or what a role or user reaches, from
//! the catalog, now or at a past run.
//!
//! Flags and output formatting only; the paths come from `catalog::access` (the `access_paths_v` view).

use std::io::Write;

use clap::{Args, ValueEnum};

use super::catalog::{CatalogPath, open};
use super::{Outcome, UsageError};
use crate::catalog::access::{AccessPath, AccessQuery};
use crate::crawl::statements::parse_object_name;
use crate::tools::catalog::RunOrTime;

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AccessFormat {
    Table,
    Json,
    Csv,
}

/// Give exactly one of OBJECT, --role, --user.
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  snowcat access --catalog snowcat.db SALES.CORE.CUSTOMERS\n  \
    snowcat access --catalog snowcat.db SALES.CORE.CUSTOMERS.EMAIL\n  \
    snowcat access --catalog snowcat.db --role ANALYST_ROLE\n  \
    snowcat access --catalog snowcat.db --user ALICE --at 3 --format csv")]
pub struct AccessArgs {
    #[command(flatten)]
    pub catalog: CatalogPath,
    /// DB, DB.SCHEMA, DB.SCHEMA.TABLE or DB.SCHEMA.TABLE.COLUMN (unquoted parts are upper-cased, as
    /// Snowflake resolves them; quote a case-sensitive part: '"my db".S.T'): who reaches it, and how.
    #[arg(conflicts_with_all = ["role", "user"], required_unless_present_any = ["role", "user"])]
    pub object: Option<String>,
    /// What this account role, or database role (`DB.ROLE`), reaches.
    #[arg(long, conflicts_with = "user")]
    pub role: Option<String>,
    /// What this user reaches.
    #[arg(long)]
    pub user: Option<String>,
    /// A run id, or an RFC 3339 time (the last run finished by then): the paths as they were then.
    #[arg(long)]
    pub at: Option<String>,
    #[arg(long)]
    pub account: Option<String>,
    #[arg(long, value_enum, default_value_t = AccessFormat::Table)]
    pub format: AccessFormat,
}

pub fn run(args: AccessArgs) -> anyhow::Result<Outcome> {
    let query = match (&args.object, &args.role, &args.user) {
        (Some(o), _, _) => {
            let parts = parse_object_name("OBJECT", o).map_err(|e| UsageError(e.to_string()))?;
            if parts.len() > 4 {
                return Err(UsageError(format!(
                    "expected DB, DB.SCHEMA, DB.SCHEMA.TABLE or DB.SCHEMA.TABLE.COLUMN, got {o:?}"
                ))
                .into());
            }
            AccessQuery::Object(parts)
        }
        (None, Some(r), _) => AccessQuery::Role(r.clone()),
        (None, None, Some(u)) => AccessQuery::User(u.clone()),
        (None, None, None) => return Err(UsageError("give an OBJECT, --role or --user".into()).into()),
    };
    let cat = open(&args.catalog)?;
    let account = cat.resolve_account(args.account.as_deref())?;
    let at = match &args.at {
        None => None,
        Some(at) => {
            let at = RunOrTime::parse(at).map_err(|e| UsageError(format!("--at {e}")))?;
            Some(at.run(&cat, &account, "--at")?)
        }
    };
    let paths = cat.access_paths(&account, &query, at).map_err(|e| UsageError(e.to_string()))?;
    let mut out = std::io::stdout().lock();
    match args.format {
        AccessFormat::Json => {
            serde_json::to_writer_pretty(&mut out, &paths)?;
            writeln!(out)?;
        }
        AccessFormat::Csv => write_csv(&mut out, &paths)?,
        AccessFormat::Table => write_table(&mut out, &paths, &query)?,
    }
    Ok(Outcome::Success)
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s.to_string() }
}

fn write_csv(out: &mut impl Write, paths: &[AccessPath]) -> std::io::Result<()> {
    writeln!(out, "object_type,object,privilege,principal_type,principal,hops,path,masking_policy,tags")?;
    for p in paths {
        let fields = [
            p.object_type.clone(),
            p.object.clone(),
            p.privilege.clone(),
            p.principal_type.clone(),
            p.principal.clone(),
            p.hops.to_string(),
            p.path.clone(),
            p.masking_policy.clone().unwrap_or_default(),
            p.tags.clone().unwrap_or_default(),
        ];
        writeln!(out, "{}", fields.iter().map(|f| csv_field(f)).collect::<Vec<_>>().join(","))?;
    }
    Ok(())
}

fn write_table(out: &mut impl Write, paths: &[AccessPath], q: &AccessQuery) -> std::io::Result<()> {
    if paths.is_empty() {
        return writeln!(out, "no access paths recorded for {}", describe(q));
    }
    let mut last = String::new();
    for p in paths {
        let head = format!("{} {}", p.object_type, p.object);
        if head != last {
            let mut extra = String::new();
            if let Some(m) = &p.masking_policy {
                extra.push_str(&format!("  masked by {m}"));
            }
            if let Some(t) = p.tags.as_deref().filter(|t| *t != "{}") {
                extra.push_str(&format!("  tags {t}"));
            }
            writeln!(out, "{head}{extra}")?;
            last = head;
        }
        writeln!(out, "  {:<10} {} {:<24} {}", p.privilege, p.principal_type, p.principal, p.path)?;
    }
    Ok(())
}

fn describe(q: &AccessQuery) -> String {
    match q {
        AccessQuery::Object(parts) => parts.join("."),
        AccessQuery::Role(r) => format!("role {r}"),
        AccessQuery::User(u) => format!("user {u}"),
    }
}
