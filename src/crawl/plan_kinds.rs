//! The pipeline and code kinds (`ObjectKind::PIPELINE`): view definitions, dynamic tables, streams, tasks,
//! pipes, stages, user functions, procedures and sequences (metadata-shapes-2 §8, plan A).
//!
//! Each kind has two steps, kept apart so an incremental crawl can skip the second for unchanged objects:
//! - **listing**: one `SHOW <kind> IN ACCOUNT` (run beside the database crawls). At the 10,000-row cap (the
//!   commands that fail above it are sent `LIMIT 10000` and capped when that many rows come back; the
//!   silently truncating ones are capped at exactly 10,000 rows) it is rerun per database, and a database
//!   still at the cap per schema: paged with `LIMIT ... FROM` for the commands that take it, else
//!   `truncated`;
//! - **details** (functions, procedures, sequences only): `<db>.INFORMATION_SCHEMA.FUNCTIONS / PROCEDURES /
//!   SEQUENCES`, once per database that has objects of the kind (per schema on 090030), for the bodies and
//!   start values SHOW does not give. A detail the role may not see stays hidden (the catalog keeps the last
//!   value seen); a failed detail statement is a coverage gap that removes nothing.
//!
//! Objects are staged and ledgered per database (`streams:DB`), or per schema where the database's schema
//! listing was not complete, only where the database crawl verified the schema (the same areas as
//! constraints), and a kind's vanished object is checked like a vanished database (`vanish`) before it is
//! removed. Must not touch SQLite or HTTP directly.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::ctx::Ctx;
use super::exec::Failure;
use super::keys::areas;
use super::map;
use super::map::pipeline::{apply_detail, detail_key};
use super::options::CrawlError;
use super::plan::{decode_failure, internal};
use super::plan_db::DbCoverage;
use super::statements::SHOW_LIMIT_MAX;
use super::statements_kinds::{self as sql, Detail, Scope};
use crate::catalog::{Object, ObjectKey, ObjectKind, ScopeKey, ScopeOutcome};

/// The SHOW words of a kind, and whether the command takes `LIMIT ... FROM` (it then fails above 10,000
/// rows) rather than cutting its output silently.
pub fn command(kind: ObjectKind) -> (&'static str, bool) {
    match kind {
        ObjectKind::View => ("VIEWS", true),
        ObjectKind::DynamicTable => ("DYNAMIC TABLES", true),
        ObjectKind::Stream => ("STREAMS", true),
        ObjectKind::Task => ("TASKS", true),
        ObjectKind::Pipe => ("PIPES", false),
        ObjectKind::Stage => ("STAGES", false),
        ObjectKind::Function => ("USER FUNCTIONS", false),
        ObjectKind::Procedure => ("USER PROCEDURES", false),
        _ => ("SEQUENCES", false),
    }
}

/// The detail statement of a kind, if it has one.
pub fn detail(kind: ObjectKind) -> Option<Detail> {
    match kind {
        ObjectKind::Function => Some(Detail::Functions),
        ObjectKind::Procedure => Some(Detail::Procedures),
        ObjectKind::Sequence => Some(Detail::Sequences),
        _ => None,
    }
}

/// The statement phases (QUERY_TAG, metrics) of a kind's listing and details.
fn phase(kind: ObjectKind, details: bool) -> &'static str {
    match (kind, details) {
        (ObjectKind::View, _) => "views",
        (ObjectKind::DynamicTable, _) => "dynamic_tables",
        (ObjectKind::Stream, _) => "streams",
        (ObjectKind::Task, _) => "tasks",
        (ObjectKind::Pipe, _) => "pipes",
        (ObjectKind::Stage, _) => "stages",
        (ObjectKind::Function, false) => "functions",
        (ObjectKind::Function, true) => "function_details",
        (ObjectKind::Procedure, false) => "procedures",
        (ObjectKind::Procedure, true) => "procedure_details",
        (_, false) => "sequences",
        (_, true) => "sequence_details",
    }
}

/// The crawled pipeline kinds.
pub fn enabled(ctx: &Ctx<'_>) -> Vec<ObjectKind> {
    ObjectKind::PIPELINE.into_iter().filter(|k| ctx.opts.filters.pipeline(*k)).collect()
}

/// What one listing statement returned.
struct Rows {
    objects: Vec<Object>,
    /// Rows received (a row may map to no object).
    count: usize,
    handle: String,
}

/// How the account-wide listing of a kind ended.
pub enum Listed {
    /// Under the cap: the objects per database, and the statement handle.
    Done(BTreeMap<String, Vec<Object>>, String),
    /// At the cap: list per database instead.
    Capped,
    Failed(Failure),
}

fn limit(ctx: &Ctx<'_>) -> u32 {
    ctx.opts.show_limit.clamp(1, SHOW_LIMIT_MAX)
}

/// Run one listing statement to its end.
async fn run(
    ctx: &Ctx<'_>,
    kind: ObjectKind,
    scope: Scope<'_>,
    from: Option<&str>,
) -> Result<Result<Rows, Failure>, CrawlError> {
    let (words, pages) = command(kind);
    let stmt = sql::show_kind(words, scope, pages.then_some(limit(ctx)), from).map_err(internal)?;
    let mut running = match ctx.exec.start(phase(kind, false), stmt).await {
        Ok(r) => r,
        Err(f) => return Ok(Err(f)),
    };
    let (mut objects, mut count) = (Vec::new(), 0usize);
    while let Some(r) = running.next().await {
        let row = match r {
            Ok(row) => row,
            Err(f) => return Ok(Err(f)),
        };
        count += 1;
        match map::pipeline::object(kind, &row) {
            Ok(o) => objects.push(o),
            Err(e) => return Ok(Err(decode_failure(e))),
        }
    }
    Ok(Ok(Rows { objects, count, handle: running.handle() }))
}

fn capped(ctx: &Ctx<'_>, rows: &Rows) -> bool {
    rows.count >= limit(ctx) as usize
}

/// The database of an object of the pipeline kinds (key part 1).
fn database_of(o: &Object) -> String {
    o.key().parts[0].clone()
}

fn schema_of(o: &Object) -> String {
    o.key().parts[1].clone()
}

/// `SCHEMA.NAME[(signature)]`: how an object is compared with the previous run's (`vanish::Previous`).
fn short_name(k: &ObjectKey) -> String {
    format!("{}.{}{}", k.parts[1], k.parts[2], k.parts[3])
}

/// List every crawled kind account-wide (run concurrently with the database crawls).
pub async fn list_account(ctx: &Ctx<'_>) -> Result<Vec<(ObjectKind, Listed)>, CrawlError> {
    let futs = enabled(ctx).into_iter().map(|kind| async move {
        let listed = match run(ctx, kind, Scope::Account, None).await? {
            Err(f) => Listed::Failed(f),
            Ok(rows) if capped(ctx, &rows) => Listed::Capped,
            Ok(rows) => {
                let mut by_db: BTreeMap<String, Vec<Object>> = BTreeMap::new();
                for o in rows.objects {
                    by_db.entry(database_of(&o)).or_default().push(o);
                }
                Listed::Done(by_db, rows.handle)
            }
        };
        Ok::<_, CrawlError>((kind, listed))
    });
    futures_util::future::try_join_all(futs).await
}

/// Stage and ledger every kind once the databases' coverage is known.
pub async fn record(
    ctx: &Ctx<'_>,
    listed: Vec<(ObjectKind, Listed)>,
    coverage: &BTreeMap<String, DbCoverage>,
) -> Result<(), CrawlError> {
    for (kind, result) in listed {
        match result {
            Listed::Failed(f) => {
                let scope = ScopeKey::Kind { kind, database: None, schema: None };
                ctx.finish(&scope, f.outcome(), None).await?;
            }
            Listed::Done(mut by_db, handle) => {
                for (db, cov) in coverage {
                    let objects = by_db.remove(db).unwrap_or_default();
                    let listing = (ScopeOutcome::Complete, Some(handle.clone()));
                    finish_database(ctx, kind, db, cov, objects, listing).await?;
                }
            }
            Listed::Capped => {
                let dbs: Vec<_> = coverage.iter().filter(|(_, c)| areas(c).is_some()).collect();
                ctx.exec.plan(dbs.len() as u64);
                for (db, cov) in dbs {
                    per_database(ctx, kind, db, cov).await?;
                }
            }
        }
    }
    Ok(())
}

/// The per-database fallback of a capped account listing; a database still at the cap goes per schema.
async fn per_database(ctx: &Ctx<'_>, kind: ObjectKind, db: &str, cov: &DbCoverage) -> Result<(), CrawlError> {
    match run(ctx, kind, Scope::Database(db), None).await? {
        Err(f) => finish_database(ctx, kind, db, cov, Vec::new(), (f.outcome(), None)).await,
        Ok(rows) if !capped(ctx, &rows) => {
            finish_database(ctx, kind, db, cov, rows.objects, (ScopeOutcome::Complete, Some(rows.handle)))
                .await
        }
        Ok(_) => {
            let schemas: Vec<String> = match (areas(cov), cov) {
                (Some(Ok(())), DbCoverage::Schemas(m)) => m.keys().cloned().collect(),
                (Some(Err(ok)), _) => ok.iter().map(|s| s.to_string()).collect(),
                _ => Vec::new(),
            };
            ctx.exec.plan(schemas.len() as u64);
            for s in schemas {
                let (objects, outcome, handle) = per_schema(ctx, kind, db, &s).await?;
                finish_area(ctx, kind, db, Some(&s), objects, outcome, handle).await?;
            }
            Ok(())
        }
    }
}

/// One schema's listing: paged by name where the command allows it, else `truncated` at the cap (the rows
/// it did return are still recorded).
async fn per_schema(
    ctx: &Ctx<'_>,
    kind: ObjectKind,
    db: &str,
    s: &str,
) -> Result<(Vec<Object>, ScopeOutcome, Option<String>), CrawlError> {
    let (mut objects, mut from, mut handle) = (Vec::new(), None::<String>, None);
    loop {
        let rows = match run(ctx, kind, Scope::Schema(db, s), from.as_deref()).await? {
            Ok(r) => r,
            Err(f) => return Ok((objects, f.outcome(), handle)),
        };
        handle.get_or_insert(rows.handle.clone());
        let full = capped(ctx, &rows);
        let last = rows.objects.last().map(|o| o.key().parts[2].clone());
        objects.extend(rows.objects);
        if !full {
            return Ok((objects, ScopeOutcome::Complete, handle));
        }
        if !command(kind).1 {
            return Ok((objects, ScopeOutcome::Truncated, handle));
        }
        ctx.exec.plan(1);
        from = last;
    }
}

/// Record one database's objects of `kind` under the areas its crawl verified.
async fn finish_database(
    ctx: &Ctx<'_>,
    kind: ObjectKind,
    db: &str,
    cov: &DbCoverage,
    objects: Vec<Object>,
    (listing, handle): (ScopeOutcome, Option<String>),
) -> Result<(), CrawlError> {
    match areas(cov) {
        None => Ok(()),
        Some(Ok(())) => finish_area(ctx, kind, db, None, objects, listing, handle).await,
        Some(Err(ok)) => {
            let mut by_schema: BTreeMap<String, Vec<Object>> = BTreeMap::new();
            for o in objects {
                by_schema.entry(schema_of(&o)).or_default().push(o);
            }
            for s in ok {
                let objects = by_schema.remove(s).unwrap_or_default();
                finish_area(ctx, kind, db, Some(s), objects, listing.clone(), handle.clone()).await?;
            }
            Ok(())
        }
    }
}

/// Details, the vanish check, staging and the ledger of one area (a database, or one schema of it).
async fn finish_area(
    ctx: &Ctx<'_>,
    kind: ObjectKind,
    db: &str,
    schema: Option<&str>,
    mut objects: Vec<Object>,
    listing: ScopeOutcome,
    handle: Option<String>,
) -> Result<(), CrawlError> {
    let scope = ScopeKey::Kind { kind, database: Some(db.to_string()), schema: schema.map(str::to_string) };
    if let Some(s) = schema {
        objects.retain(|o| schema_of(o) == s);
    }
    if let Some(d) = detail(kind)
        && !objects.is_empty()
    {
        details(ctx, kind, d, db, schema, &mut objects).await?;
    }
    let outcome = if listing.is_complete() {
        let listed: Vec<String> = objects.iter().map(|o| short_name(&o.key())).collect();
        let previous: Option<BTreeSet<String>> = ctx.previous.kinds.get(&(kind, db.to_string())).map(|p| {
            p.iter().filter(|n| schema.is_none_or(|s| n.starts_with(&format!("{s}.")))).cloned().collect()
        });
        super::vanish::listing_outcome(ctx, kind.as_str(), previous.as_ref(), &listed).await?.0
    } else {
        listing
    };
    let mut batch = ctx.batch();
    for o in objects {
        batch.push(ctx, &scope, o).await?;
    }
    batch.flush(ctx).await?;
    ctx.finish(&scope, outcome, handle).await
}

/// Fill in what the INFORMATION_SCHEMA detail view shows of `objects` (all of one database, or of one
/// schema). Objects it does not list keep their details hidden; a failure is ledgered as a gap.
async fn details(
    ctx: &Ctx<'_>,
    kind: ObjectKind,
    d: Detail,
    db: &str,
    schema: Option<&str>,
    objects: &mut [Object],
) -> Result<(), CrawlError> {
    let mut index: HashMap<(String, String, String), usize> = HashMap::new();
    for (i, o) in objects.iter().enumerate() {
        let k = o.key();
        index.insert((k.parts[1].clone(), k.parts[2].clone(), k.parts[3].clone()), i);
    }
    let schemas: Vec<Option<String>> = match schema {
        Some(s) => vec![Some(s.to_string())],
        None => vec![None],
    };
    let mut queue = schemas;
    let mut failure = None;
    ctx.exec.plan(1);
    while let Some(s) = queue.pop() {
        let stmt = sql::details(d, db, s.as_deref());
        match ctx.exec.collect(phase(kind, true), stmt).await {
            Ok((_, rows)) => {
                for row in &rows {
                    let key = match detail_key(kind, row) {
                        Ok(k) => k,
                        Err(e) => {
                            failure = Some(decode_failure(e));
                            break;
                        }
                    };
                    if let Some(i) = index.get(&key)
                        && let Err(e) = apply_detail(&mut objects[*i], row)
                    {
                        failure = Some(decode_failure(e));
                    }
                }
            }
            // 090030 at database scope: once per schema holding objects of the kind.
            Err(Failure::TooMuchData) if s.is_none() => {
                let per: BTreeSet<String> = objects.iter().map(schema_of).collect();
                ctx.exec.plan(per.len() as u64);
                queue.extend(per.into_iter().map(Some));
            }
            Err(f) => failure = Some(f),
        }
    }
    if let Some(f) = failure {
        let scope = ScopeKey::Details { kind, database: db.to_string() };
        ctx.finish(&scope, f.outcome(), None).await?;
    }
    Ok(())
}
