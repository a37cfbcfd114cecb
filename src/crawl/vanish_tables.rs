//! Vanished tables and views: objects the last committed run had current in a schema that this run listed
//! completely, but that `<db>.INFORMATION_SCHEMA.TABLES` no longer returns. INFORMATION_SCHEMA shows only
//! objects the role holds a privilege on, so a table whose privileges were revoked vanishes exactly like a
//! dropped one. Before anything is removed:
//! - with full SHOW visibility (see `vanish::visibility`), `SHOW TERSE TABLES` / `SHOW TERSE VIEWS IN SCHEMA`
//!   (paginated, only the kinds that vanished) tells them apart: an object SHOW still lists is hidden, not
//!   dropped (`denied`/`not_visible`, kept); one it does not list was dropped (its own `table:` scope
//!   completes, so it alone is removed). External tables (and unknown types) are in neither SHOW, so they
//!   stay `unverified`;
//! - without it, nothing can be told apart: the schema's listing is `denied`/`unverified`, nothing kept is
//!   removed.
//!
//! Decides outcomes only; the caller ledgers them. Runs no statement when nothing vanished.

use std::collections::{BTreeMap, BTreeSet};

use super::ctx::Ctx;
use super::exec::Failure;
use super::map;
use super::options::CrawlError;
use super::plan::{decode_failure, internal};
use super::statements::{self as sql, SchemaObjects};
use crate::catalog::ScopeOutcome;

/// What became of one schema's vanished tables and views.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vanished {
    /// The outcome of the schema's tables listing: `Complete` when every vanished object was verified
    /// dropped, otherwise why some are kept.
    pub outcome: ScopeOutcome,
    /// Verified dropped (to be removed through their own complete `table:` scopes).
    pub dropped: Vec<String>,
    /// Not verified dropped: kept as they were, their columns ledgered with `outcome`.
    pub kept: BTreeSet<String>,
}

/// The SHOW that lists an object of this INFORMATION_SCHEMA `TABLE_TYPE` (metadata-shapes 7), or `None` for
/// a type neither SHOW TABLES nor SHOW VIEWS lists (external tables) or an unknown one: those cannot be
/// verified, so they are never reported removed from here.
fn listed_by(table_type: &str) -> Option<SchemaObjects> {
    match table_type.to_ascii_uppercase().as_str() {
        "BASE TABLE" | "TEMPORARY TABLE" | "EVENT TABLE" => Some(SchemaObjects::Tables),
        "VIEW" | "MATERIALIZED VIEW" => Some(SchemaObjects::Views),
        _ => None,
    }
}

/// Check `db`.`schema`, whose complete listing returned `listed`; `None` when nothing vanished.
pub async fn check(
    ctx: &Ctx<'_>,
    db: &str,
    schema: &str,
    listed: &[String],
) -> Result<Option<Vanished>, CrawlError> {
    let Some(previous) = ctx.previous.tables.get(&(db.to_string(), schema.to_string())) else {
        return Ok(None);
    };
    let listed: BTreeSet<&str> = listed.iter().map(String::as_str).collect();
    let gone: BTreeMap<&str, &str> = previous
        .iter()
        .filter(|(name, _)| !listed.contains(name.as_str()))
        .map(|(n, t)| (n.as_str(), t.as_str()))
        .collect();
    let Some(first) = gone.keys().next() else { return Ok(None) };
    let all: BTreeSet<String> = gone.keys().map(|n| n.to_string()).collect();
    let (role, full) = super::vanish::visibility(ctx).await?;
    if *full != Ok(true) {
        let why = match full {
            Err(e) => format!("its grants could not be checked ({e})"),
            Ok(_) => "it does not hold MANAGE GRANTS".to_string(),
        };
        let message = format!(
            "{} table(s)/view(s) no longer in INFORMATION_SCHEMA for role {role} (e.g. {first}): {why}, and \
             without MANAGE GRANTS a revoked privilege cannot be told from a drop, so none is reported removed",
            gone.len()
        );
        let outcome = ScopeOutcome::Denied { code: "unverified".into(), message };
        return Ok(Some(Vanished { outcome, dropped: Vec::new(), kept: all }));
    }
    let mut shown = BTreeSet::new();
    for what in [SchemaObjects::Tables, SchemaObjects::Views] {
        if !gone.values().any(|t| listed_by(t) == Some(what)) {
            continue;
        }
        match names_in_schema(ctx, what, db, schema).await? {
            Ok(names) => shown.extend(names),
            Err(f) => return Ok(Some(Vanished { outcome: f.outcome(), dropped: Vec::new(), kept: all })),
        }
    }
    let unverifiable: Vec<&str> =
        gone.iter().filter(|(_, t)| listed_by(t).is_none()).map(|(n, _)| *n).collect();
    let hidden: Vec<&str> = gone.keys().filter(|n| shown.contains(**n)).copied().collect();
    let dropped: Vec<String> = gone
        .iter()
        .filter(|(n, t)| listed_by(t).is_some() && !shown.contains(**n))
        .map(|(n, _)| n.to_string())
        .collect();
    let kept: BTreeSet<String> = hidden.iter().chain(&unverifiable).map(|n| n.to_string()).collect();
    let mut parts = Vec::new();
    if let Some(h) = hidden.first() {
        parts.push(format!(
            "SHOW lists {} table(s)/view(s) INFORMATION_SCHEMA does not (e.g. {h}): the role lost its \
             privileges on them, so they are kept, not removed",
            hidden.len()
        ));
    }
    if let Some(x) = unverifiable.first() {
        parts.push(format!(
            "{} external (or unknown-type) table(s) no longer in INFORMATION_SCHEMA (e.g. {x}) cannot be \
             checked with SHOW TABLES or SHOW VIEWS, so none is reported removed",
            unverifiable.len()
        ));
    }
    let outcome = if parts.is_empty() {
        ScopeOutcome::Complete
    } else {
        let code = if hidden.is_empty() { "unverified" } else { "not_visible" };
        ScopeOutcome::Denied { code: code.into(), message: parts.join("; ") }
    };
    Ok(Some(Vanished { outcome, dropped, kept }))
}

/// Every name `SHOW TERSE <what> IN SCHEMA` lists, page by page.
async fn names_in_schema(
    ctx: &Ctx<'_>,
    what: SchemaObjects,
    db: &str,
    schema: &str,
) -> Result<Result<BTreeSet<String>, Failure>, CrawlError> {
    let limit = ctx.opts.show_limit.clamp(1, sql::SHOW_LIMIT_MAX);
    let (mut names, mut from) = (BTreeSet::new(), None::<String>);
    loop {
        ctx.exec.plan(1);
        let stmt = sql::show_in_schema(what, db, schema, limit, from.as_deref()).map_err(internal)?;
        let rows = match ctx.exec.collect("vanished_tables", stmt).await {
            Ok((_, rows)) => rows,
            Err(f) => return Ok(Err(f)),
        };
        let mut last = None;
        for row in &rows {
            match map::name(row, "name") {
                Ok(n) => {
                    last = Some(n.clone());
                    names.insert(n);
                }
                Err(e) => return Ok(Err(decode_failure(e))),
            }
        }
        if rows.len() < limit as usize || last.is_none() {
            return Ok(Ok(names));
        }
        from = last;
    }
}
