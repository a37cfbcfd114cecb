//! The per-database part of the plan: SHOW SCHEMAS IN DATABASE (paginated), INFORMATION_SCHEMA.TABLES and
//! COLUMNS at database scope, with the 090030 fallbacks (per schema, then exact table-name batches) and the
//! visibility check (INFORMATION_SCHEMA.SCHEMATA, only when a schema SHOW lists has no table rows) that turns
//! a schema the role may not use into a `denied` scope instead of a mass removal.
//!
//! Tables and columns are ledgered per schema, so one denied or filtered schema never makes the database's
//! other schemas incomplete; a schema gone since the last run that the role cannot verify as dropped (see
//! `vanish`) gets `unverified` table/column scopes too. Tables and views gone from a schema's complete
//! listing are checked by `vanish_tables` before they may be removed; a schema that keeps some ledgers its
//! columns per table. Must not touch SQLite or HTTP directly.

use std::collections::{BTreeMap, BTreeSet};

use super::ctx::Ctx;
use super::exec::Failure;
use super::map;
use super::options::CrawlError;
use super::plan::{decode_failure, internal};
use super::statements as sql;
use crate::catalog::{Object, ScopeKey, ScopeOutcome};

/// What a database crawl covered: the outcome of each schema's tables listing (or of the whole database).
#[derive(Debug, Clone)]
pub enum DbCoverage {
    Schemas(BTreeMap<String, ScopeOutcome>),
    Nothing,
}

fn tables_scope(db: &str, s: &str) -> ScopeKey {
    ScopeKey::Tables { database: db.to_string(), schema: Some(s.to_string()) }
}

fn columns_scope(db: &str, s: &str, t: Option<&str>) -> ScopeKey {
    ScopeKey::Columns { database: db.to_string(), schema: Some(s.to_string()), table: t.map(str::to_string) }
}

async fn nothing(ctx: &Ctx<'_>, db: &str, outcome: ScopeOutcome) -> Result<DbCoverage, CrawlError> {
    let d = db.to_string();
    ctx.finish(&ScopeKey::Tables { database: d.clone(), schema: None }, outcome.clone(), None).await?;
    if ctx.opts.filters.kinds.columns {
        ctx.finish(&ScopeKey::Columns { database: d, schema: None, table: None }, outcome.clone(), None)
            .await?;
    }
    Ok(DbCoverage::Nothing)
}

/// The listed schemas and the previously current ones that vanished while the role could not verify why.
type Listed = (Vec<String>, Vec<(String, ScopeOutcome)>);

/// SHOW SCHEMAS IN DATABASE, page by page (INFORMATION_SCHEMA left out).
async fn schemas(ctx: &Ctx<'_>, db: &str) -> Result<Result<Listed, Failure>, CrawlError> {
    let scope = ScopeKey::Schemas { database: db.to_string() };
    let limit = ctx.opts.show_limit.clamp(1, sql::SHOW_LIMIT_MAX);
    let (mut names, mut from, mut handle) = (Vec::new(), None::<String>, None);
    loop {
        let stmt = sql::show_schemas(Some(db), None, Some(limit), from.as_deref()).map_err(internal)?;
        let (h, rows) = match ctx.exec.collect("schemas", stmt).await {
            Ok(r) => r,
            Err(f) => {
                ctx.finish(&scope, f.outcome(), None).await?;
                return Ok(Err(f));
            }
        };
        handle.get_or_insert(h);
        let mut objects = Vec::new();
        let mut last = None;
        for row in &rows {
            let s = match map::account::schema(row) {
                Ok(s) => s,
                Err(e) => {
                    let f = decode_failure(e);
                    ctx.finish(&scope, f.outcome(), None).await?;
                    return Ok(Err(f));
                }
            };
            last = Some(s.name.clone());
            if s.name != "INFORMATION_SCHEMA" {
                names.push(s.name.clone());
                objects.push(Object::Schema(s));
            }
        }
        ctx.put(&scope, objects).await?;
        if rows.len() < limit as usize {
            break;
        }
        ctx.exec.plan(1);
        from = last;
    }
    let previous = ctx.previous.schemas.get(db);
    let (outcome, gone) = super::vanish::listing_outcome(ctx, "schema", previous, &names).await?;
    ctx.finish(&scope, outcome.clone(), handle).await?;
    Ok(Ok((names, gone.into_iter().map(|s| (s, outcome.clone())).collect())))
}

/// Stream one TABLES statement; `names` collects the kept tables per schema.
async fn tables_stmt(
    ctx: &Ctx<'_>,
    stmt: String,
    crawled: &BTreeSet<String>,
    names: &mut BTreeMap<String, Vec<String>>,
) -> Result<Result<(), Failure>, CrawlError> {
    let mut running = match ctx.exec.start("tables", stmt).await {
        Ok(r) => r,
        Err(f) => return Ok(Err(f)),
    };
    let db_of = |t: &crate::catalog::Table| t.database.clone();
    let mut batch = ctx.batch();
    while let Some(r) = running.next().await {
        let row = match r {
            Ok(row) => row,
            Err(f) => return Ok(Err(f)),
        };
        let t = match map::tables::table(&row) {
            Ok(t) => t,
            Err(e) => return Ok(Err(decode_failure(e))),
        };
        if !crawled.contains(&t.schema) || !ctx.opts.filters.table_type(&t.table_type) {
            continue;
        }
        names.entry(t.schema.clone()).or_default().push(t.name.clone());
        if let Some(inc) = &ctx.incremental {
            inc.note(&t);
        }
        let scope = tables_scope(&db_of(&t), &t.schema);
        batch.push(ctx, &scope, Object::Table(t)).await?;
    }
    batch.flush(ctx).await?;
    Ok(Ok(()))
}

/// Crawl one database's schemas, tables and columns.
pub async fn crawl_database(ctx: &Ctx<'_>, db: &str) -> Result<DbCoverage, CrawlError> {
    let (listed, vanished) = match schemas(ctx, db).await? {
        Ok(s) => s,
        Err(f) => return nothing(ctx, db, f.outcome()).await,
    };
    let f = &ctx.opts.filters;
    if !f.wants_tables() {
        return Ok(DbCoverage::Nothing);
    }
    let mut outcome: BTreeMap<String, ScopeOutcome> = BTreeMap::new();
    let mut crawled = BTreeSet::new();
    for s in &listed {
        if f.schema(db, s) {
            crawled.insert(s.clone());
        } else {
            outcome.insert(s.clone(), ScopeOutcome::Filtered);
        }
    }
    // Tables: database-wide, per schema on 090030.
    let mut names: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let stmt = sql::tables(db, None, None, None).map_err(internal)?;
    match tables_stmt(ctx, stmt, &crawled, &mut names).await? {
        Ok(()) => {}
        Err(Failure::TooMuchData) => {
            ctx.exec.plan(crawled.len() as u64);
            for s in &crawled {
                let stmt = sql::tables(db, Some(s), None, None).map_err(internal)?;
                if let Err(fail) = tables_stmt(ctx, stmt, &crawled, &mut names).await? {
                    outcome.insert(s.clone(), fail.outcome());
                }
            }
        }
        Err(fail) => return nothing(ctx, db, fail.outcome()).await,
    }
    // Visibility: a schema SHOW lists but TABLES returned nothing for is either empty or not usable.
    let quiet: Vec<&String> =
        crawled.iter().filter(|s| !names.contains_key(*s) && !outcome.contains_key(*s)).collect();
    if !quiet.is_empty() {
        ctx.exec.plan(1);
        let stmt = sql::schemata(db, None, None).map_err(internal)?;
        let visible: Result<BTreeSet<String>, Failure> = match ctx.exec.collect("schemata", stmt).await {
            Ok((_, rows)) => {
                rows.iter().map(map::tables::schemata_name).collect::<Result<_, _>>().map_err(decode_failure)
            }
            Err(fail) => Err(fail),
        };
        for s in quiet {
            match &visible {
                Ok(v) if v.contains(s) => {}
                Ok(_) => {
                    let message =
                        "SHOW SCHEMAS lists it but INFORMATION_SCHEMA does not: the role lacks USAGE";
                    outcome.insert(
                        s.clone(),
                        ScopeOutcome::Denied { code: "not_visible".into(), message: message.into() },
                    );
                }
                Err(fail) => {
                    outcome.insert(s.clone(), fail.outcome());
                }
            }
        }
    }
    for s in crawled.iter().chain(names.keys()) {
        outcome.entry(s.clone()).or_insert(ScopeOutcome::Complete);
    }
    let split = vanished_tables(ctx, db, &crawled, &names, &mut outcome).await?;
    // A schema that vanished unverified keeps its tables, columns and constraints: its scopes (and so the
    // database's constraint coverage, which narrows to per-schema) are not complete.
    for (s, o) in vanished {
        outcome.entry(s).or_insert(o);
    }
    for (s, o) in &outcome {
        ctx.finish(&tables_scope(db, s), kind_filtered(ctx, o), None).await?;
    }
    if f.kinds.columns {
        let done = match &ctx.incremental {
            Some(inc) => super::incremental::columns(ctx, inc, db, &outcome, &names, &split).await?,
            None => false,
        };
        if !done {
            columns(ctx, db, &outcome, &names, &split).await?;
        }
    }
    Ok(DbCoverage::Schemas(outcome))
}

/// Tables and views gone from the complete listing of a schema since the last run (see `vanish_tables`):
/// a schema with some kept gets their outcome (so its constraints are not ledgered complete either), its
/// verified drops get their own complete `table:` scope, and it comes back in the map with the kept
/// names, whose columns are then ledgered per table. Only when tables and views are both crawled (else the
/// listing is `filtered` and removes nothing anyway).
async fn vanished_tables(
    ctx: &Ctx<'_>,
    db: &str,
    crawled: &BTreeSet<String>,
    names: &BTreeMap<String, Vec<String>>,
    outcome: &mut BTreeMap<String, ScopeOutcome>,
) -> Result<BTreeMap<String, BTreeSet<String>>, CrawlError> {
    let mut split = BTreeMap::new();
    if !(ctx.opts.filters.kinds.tables && ctx.opts.filters.kinds.views) {
        return Ok(split);
    }
    for s in crawled {
        if !outcome.get(s).is_some_and(ScopeOutcome::is_complete) {
            continue;
        }
        let listed = names.get(s).map(Vec::as_slice).unwrap_or_default();
        let Some(v) = super::vanish_tables::check(ctx, db, s, listed).await? else { continue };
        if v.outcome.is_complete() {
            continue;
        }
        for t in &v.dropped {
            let scope = ScopeKey::Table { database: db.to_string(), schema: s.clone(), table: t.clone() };
            ctx.finish(&scope, ScopeOutcome::Complete, None).await?;
        }
        outcome.insert(s.clone(), v.outcome);
        split.insert(s.clone(), v.kept);
    }
    Ok(split)
}

/// With tables or views switched off, a listing is not authoritative for the other kind's stored objects:
/// ledger it `filtered` (no removals) while still staging what it returned.
fn kind_filtered(ctx: &Ctx<'_>, o: &ScopeOutcome) -> ScopeOutcome {
    let k = &ctx.opts.filters.kinds;
    if o.is_complete() && !(k.tables && k.views) { ScopeOutcome::Filtered } else { o.clone() }
}

/// Stream one COLUMNS statement, staging each column under the scope `scope_of` gives its table (none:
/// skip). Full crawls keep the tables the TABLES listing kept; incremental runs the tables they re-read.
pub(super) async fn columns_stmt(
    ctx: &Ctx<'_>,
    stmt: String,
    scope_of: &(dyn Fn(&str, &str) -> Option<ScopeKey> + Sync),
) -> Result<Result<(), Failure>, CrawlError> {
    let mut running = match ctx.exec.start("columns", stmt).await {
        Ok(r) => r,
        Err(f) => return Ok(Err(f)),
    };
    let mut batch = ctx.batch();
    while let Some(r) = running.next().await {
        let row = match r {
            Ok(row) => row,
            Err(f) => return Ok(Err(f)),
        };
        let c = match map::tables::column(&row) {
            Ok(c) => c,
            Err(e) => return Ok(Err(decode_failure(e))),
        };
        if let Some(scope) = scope_of(&c.schema, &c.table) {
            batch.push(ctx, &scope, Object::Column(c)).await?;
        }
    }
    batch.flush(ctx).await?;
    Ok(Ok(()))
}

/// Ledger the columns listing of schema `s`: as one scope, or (`per_table`, a schema with kept vanished
/// tables) one scope per listed table.
async fn finish_columns(
    ctx: &Ctx<'_>,
    db: &str,
    s: &str,
    per_table: Option<&BTreeSet<&str>>,
    o: ScopeOutcome,
) -> Result<(), CrawlError> {
    match per_table {
        None => ctx.finish(&columns_scope(db, s, None), o, None).await,
        Some(tables) => {
            for t in tables {
                ctx.finish(&columns_scope(db, s, Some(t)), o.clone(), None).await?;
            }
            Ok(())
        }
    }
}

/// Columns of every schema whose tables were listed: complete schemas as one scope each; schemas with kept
/// vanished tables (`split`) table by table, so the kept tables' columns stay and the others' still update.
async fn columns(
    ctx: &Ctx<'_>,
    db: &str,
    tables_outcome: &BTreeMap<String, ScopeOutcome>,
    names: &BTreeMap<String, Vec<String>>,
    split: &BTreeMap<String, BTreeSet<String>>,
) -> Result<(), CrawlError> {
    let kept: BTreeMap<&str, BTreeSet<&str>> =
        names.iter().map(|(s, ts)| (s.as_str(), ts.iter().map(String::as_str).collect())).collect();
    let none = BTreeSet::new();
    let per_table = |s: &str| split.contains_key(s).then(|| kept.get(s).unwrap_or(&none));
    // (schema, per-table tables) of every schema whose columns are listed.
    let listing: Vec<(&String, Option<&BTreeSet<&str>>)> = tables_outcome
        .iter()
        .filter(|(s, o)| o.is_complete() || split.contains_key(*s))
        .map(|(s, _)| (s, per_table(s)))
        .collect();
    for (s, o) in tables_outcome.iter().filter(|(_, o)| !o.is_complete()) {
        match split.get(s) {
            None => ctx.finish(&columns_scope(db, s, None), o.clone(), None).await?,
            Some(hidden) => {
                for t in hidden {
                    ctx.finish(&columns_scope(db, s, Some(t)), o.clone(), None).await?;
                }
            }
        }
    }
    let has = |s: &str, t: &str| kept.get(s).is_some_and(|ts| ts.contains(t));
    let is_complete = |s: &str| tables_outcome.get(s).is_some_and(ScopeOutcome::is_complete);
    let route = |s: &str, t: &str| match has(s, t) {
        true if is_complete(s) => Some(columns_scope(db, s, None)),
        true if split.contains_key(s) => Some(columns_scope(db, s, Some(t))),
        _ => None,
    };
    let complete = kind_filtered(ctx, &ScopeOutcome::Complete);
    let stmt = sql::columns(db, None, None, None, None).map_err(internal)?;
    match columns_stmt(ctx, stmt, &route).await? {
        Ok(()) => {
            for (s, pt) in listing {
                finish_columns(ctx, db, s, pt, complete.clone()).await?;
            }
            return Ok(());
        }
        Err(Failure::TooMuchData) => {}
        Err(fail) => {
            for (s, pt) in listing {
                finish_columns(ctx, db, s, pt, fail.outcome()).await?;
            }
            return Ok(());
        }
    }
    // 090030: per schema, then exact table-name batches.
    ctx.exec.plan(listing.len() as u64);
    for (s, pt) in listing {
        let stmt = sql::columns(db, Some(s), None, None, None).map_err(internal)?;
        let one = |sc: &str, t: &str| if sc == s { route(sc, t) } else { None };
        match columns_stmt(ctx, stmt, &one).await? {
            Ok(()) => {
                finish_columns(ctx, db, s, pt, complete.clone()).await?;
                continue;
            }
            Err(Failure::TooMuchData) => {}
            Err(fail) => {
                finish_columns(ctx, db, s, pt, fail.outcome()).await?;
                continue;
            }
        }
        let tables: Vec<&str> = kept.get(s.as_str()).map(|t| t.iter().copied().collect()).unwrap_or_default();
        let size = ctx.opts.column_batch.max(1);
        ctx.exec.plan(tables.len().div_ceil(size) as u64);
        for chunk in tables.chunks(size) {
            let stmt = sql::columns_where(db, Some(s), None, None, chunk, None).map_err(internal)?;
            let per_table =
                |sc: &str, t: &str| (sc == s && chunk.contains(&t)).then(|| columns_scope(db, s, Some(t)));
            let r = columns_stmt(ctx, stmt, &per_table).await?;
            let o = match r {
                Ok(()) => complete.clone(),
                Err(fail) => fail.outcome(),
            };
            for t in chunk {
                ctx.finish(&columns_scope(db, s, Some(t)), o.clone(), None).await?;
            }
        }
    }
    Ok(())
}
