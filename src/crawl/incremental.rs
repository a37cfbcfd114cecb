//! Incremental crawls: whether this run may be incremental, and its columns plan when it is.
//!
//! Every listing still runs (databases, schemas, the per-database TABLES listing, grants, keys, the
//! pipeline kinds). What an incremental run skips is INFORMATION_SCHEMA.COLUMNS for tables whose change
//! hints did not move: a table is re-read when it is new, re-created (`CREATED` moved) or its `LAST_DDL`
//! moved (metadata-shapes-2 §7: every ALTER TABLE moves it). Changed tables are read with exact-name
//! batches (up to `column_batch` names a statement across a database's schemas) into per-table scopes;
//! a schema with nothing changed (or only changed tables) is
//! ledgered `carried` and its columns are neither staged nor compared. A schema the last committed run did
//! not read completely (or carry) is read in full.
//!
//! A run is full when asked (`--full`), on the account's first run, after a run that did not complete,
//! after the catalog's schema changed, when `full_every_hours` passed since the last full run, or when
//! filters leave out tables, views or columns. Decides and plans only; statements go through `exec`,
//! objects through the sink.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Mutex;
use std::time::Duration;

use super::ctx::Ctx;
use super::options::{CrawlError, CrawlOptions};
use super::plan::internal;
use super::statements as sql;
use crate::catalog::{Catalog, CrawlBasis, RunMode, ScopeKey, ScopeOutcome, Table};

/// A table's change hints: INFORMATION_SCHEMA.TABLES `CREATED` and `LAST_DDL`.
pub type Hint = (Option<String>, Option<String>);

/// The state an incremental run compares against, and the tables it found changed.
#[derive(Debug, Default)]
pub struct Incremental {
    /// `(database, schema)` -> table name -> hints, as the catalog has them.
    pub hints: BTreeMap<(String, String), BTreeMap<String, Hint>>,
    /// Schemas whose columns the last committed run read or carried completely.
    pub columns_read: BTreeSet<(String, String)>,
    /// Tables this run's TABLES listings found new or changed, per `(database, schema)`.
    changed: Mutex<BTreeMap<(String, String), BTreeSet<String>>>,
}

impl Incremental {
    /// Note one listed table; it is changed unless its hints equal the catalog's.
    pub fn note(&self, t: &Table) {
        let key = (t.database.clone(), t.schema.clone());
        let same = self
            .hints
            .get(&key)
            .and_then(|m| m.get(&t.name))
            .is_some_and(|(c, d)| *c == t.created && *d == t.last_ddl);
        if !same {
            let mut changed = self.changed.lock().unwrap_or_else(|p| p.into_inner());
            changed.entry(key).or_default().insert(t.name.clone());
        }
    }

    fn changed(&self, db: &str, schema: &str) -> BTreeSet<String> {
        let changed = self.changed.lock().unwrap_or_else(|p| p.into_inner());
        changed.get(&(db.to_string(), schema.to_string())).cloned().unwrap_or_default()
    }
}

/// Why a run is full, or `None` when it may be incremental.
pub fn full_reason(
    basis: &CrawlBasis,
    opts: &CrawlOptions,
    now: chrono::DateTime<chrono::Utc>,
) -> Option<&'static str> {
    let k = &opts.filters.kinds;
    if opts.full {
        return Some("requested");
    }
    if !(k.tables && k.views && k.columns) {
        return Some("tables, views or columns filtered out");
    }
    match basis.last_status.as_deref() {
        None => return Some("first run"),
        Some("complete") => {}
        Some(_) => return Some("the last run did not complete"),
    }
    if basis.last_catalog_version != Some(crate::catalog::store::supported_version()) {
        return Some("the catalog's schema changed");
    }
    let every = Duration::from_secs(u64::from(opts.full_every_hours) * 3600);
    let last_full =
        basis.last_full_started_at.as_deref().and_then(|t| t.parse::<chrono::DateTime<chrono::Utc>>().ok());
    match last_full {
        None => Some("no complete full run yet"),
        Some(t) if (now - t).to_std().unwrap_or_default() >= every => Some("full_every_hours elapsed"),
        Some(_) => None,
    }
}

/// Decide this run's mode (blocking: reads the catalog). `hints` are the previous tables' hints.
pub fn load(
    path: &Path,
    account: &str,
    opts: &CrawlOptions,
    hints: BTreeMap<(String, String), BTreeMap<String, Hint>>,
) -> Result<(RunMode, &'static str, Option<Incremental>), CrawlError> {
    let basis = if path.exists() {
        Catalog::open_read_only(path)?.crawl_basis(account)?
    } else {
        CrawlBasis::default()
    };
    if let Some(why) = full_reason(&basis, opts, chrono::Utc::now()) {
        return Ok((RunMode::Full, why, None));
    }
    let inc = Incremental { hints, columns_read: basis.columns_read, changed: Mutex::default() };
    Ok((RunMode::Incremental, "nothing requires a full run", Some(inc)))
}

fn columns_scope(db: &str, s: &str, t: Option<&str>) -> ScopeKey {
    ScopeKey::Columns { database: db.to_string(), schema: Some(s.to_string()), table: t.map(str::to_string) }
}

/// One schema's columns to read: these tables, into one schema scope (`whole`) or per-table scopes.
struct Read<'a> {
    schema: &'a str,
    tables: Vec<&'a str>,
    whole: bool,
}

/// The columns of database `db` in an incremental run (the full-run counterpart is `plan_db::columns`).
/// Returns `false` when every schema needs a full read: the caller then runs the usual database-wide
/// listing, which costs one statement instead of many batches.
pub async fn columns(
    ctx: &Ctx<'_>,
    inc: &Incremental,
    db: &str,
    tables_outcome: &BTreeMap<String, ScopeOutcome>,
    names: &BTreeMap<String, Vec<String>>,
    split: &BTreeMap<String, BTreeSet<String>>,
) -> Result<bool, CrawlError> {
    let read_before = |s: &str| inc.columns_read.contains(&(db.to_string(), s.to_string()));
    let readable: Vec<&String> = tables_outcome
        .iter()
        .filter(|(s, o)| o.is_complete() || split.contains_key(*s))
        .map(|(s, _)| s)
        .collect();
    if !readable.is_empty() && readable.iter().all(|s| !read_before(s) && !split.contains_key(*s)) {
        return Ok(false);
    }
    let mut reads = Vec::new();
    for (s, o) in tables_outcome {
        match split.get(s) {
            None if !o.is_complete() => {
                ctx.finish(&columns_scope(db, s, None), o.clone(), None).await?;
                continue;
            }
            None => {}
            Some(hidden) => {
                for t in hidden {
                    ctx.finish(&columns_scope(db, s, Some(t)), o.clone(), None).await?;
                }
            }
        }
        let listed: Vec<&str> =
            names.get(s).map(|v| v.iter().map(String::as_str).collect()).unwrap_or_default();
        if !read_before(s) && !split.contains_key(s) {
            reads.push(Read { schema: s, tables: listed, whole: true });
            continue;
        }
        let changed = inc.changed(db, s);
        let tables: Vec<&str> =
            listed.into_iter().filter(|t| !read_before(s) || changed.contains(*t)).collect();
        if !tables.is_empty() {
            reads.push(Read { schema: s, tables, whole: false });
        }
        ctx.finish(&columns_scope(db, s, None), ScopeOutcome::Carried, None).await?;
    }
    let (whole, changed): (Vec<Read>, Vec<Read>) = reads.into_iter().partition(|r| r.whole);
    for r in whole {
        read(ctx, db, r).await?;
    }
    read_changed(ctx, db, changed).await?;
    Ok(true)
}

/// The changed tables of a database, `column_batch` names a statement across its schemas, each table
/// ledgered in its own scope with its statement's outcome.
async fn read_changed(ctx: &Ctx<'_>, db: &str, reads: Vec<Read<'_>>) -> Result<(), CrawlError> {
    let pairs: Vec<(&str, &str)> =
        reads.iter().flat_map(|r| r.tables.iter().map(|t| (r.schema, *t))).collect();
    let size = ctx.opts.column_batch.max(1);
    ctx.exec.plan(pairs.len().div_ceil(size) as u64);
    for chunk in pairs.chunks(size) {
        let mut groups: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for (s, t) in chunk {
            groups.entry(s).or_default().push(t);
        }
        let groups: Vec<(&str, Vec<&str>)> = groups.into_iter().collect();
        let Some(stmt) = sql::columns_of_tables(db, &groups) else { continue };
        let wanted: BTreeSet<(&str, &str)> = chunk.iter().copied().collect();
        let route = |s: &str, t: &str| wanted.contains(&(s, t)).then(|| columns_scope(db, s, Some(t)));
        let outcome = match super::plan_db::columns_stmt(ctx, stmt, &route).await? {
            Ok(()) => ScopeOutcome::Complete,
            Err(fail) => fail.outcome(),
        };
        for (s, t) in chunk {
            ctx.finish(&columns_scope(db, s, Some(t)), outcome.clone(), None).await?;
        }
    }
    Ok(())
}

/// A whole schema, read with exact-name batches into its one schema scope.
async fn read(ctx: &Ctx<'_>, db: &str, r: Read<'_>) -> Result<(), CrawlError> {
    let size = ctx.opts.column_batch.max(1);
    let s = r.schema;
    ctx.exec.plan(r.tables.len().div_ceil(size) as u64);
    let mut outcome = ScopeOutcome::Complete;
    for chunk in r.tables.chunks(size) {
        let stmt = sql::columns_where(db, Some(s), None, None, chunk, None).map_err(internal)?;
        let wanted: BTreeSet<&str> = chunk.iter().copied().collect();
        let route = |sc: &str, t: &str| (sc == s && wanted.contains(t)).then(|| columns_scope(db, s, None));
        if let Err(fail) = super::plan_db::columns_stmt(ctx, stmt, &route).await?
            && outcome.is_complete()
        {
            outcome = fail.outcome();
        }
    }
    ctx.finish(&columns_scope(db, s, None), outcome, None).await
}
