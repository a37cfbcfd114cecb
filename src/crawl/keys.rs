//! Constraints: SHOW PRIMARY / UNIQUE / IMPORTED KEYS IN ACCOUNT (3 statements), staged and ledgered per
//! database (or per schema where a schema's tables were not listed), so a denied, failed or filtered area
//! never has its constraints reported removed. A listing that reaches the cap is rerun per database.
//!
//! Must not touch SQLite or HTTP directly.

use std::collections::BTreeMap;

use super::ctx::Ctx;
use super::map::keys::KeyCollector;
use super::options::CrawlError;
use super::plan::{KEY_KINDS, KeysListed, list_keys};
use super::plan_db::DbCoverage;
use crate::catalog::{ConstraintType, Object, ScopeKey, ScopeOutcome};

fn scope(ct: ConstraintType, db: &str, schema: Option<&str>) -> ScopeKey {
    ScopeKey::Constraints {
        constraint_type: ct,
        database: Some(db.to_string()),
        schema: schema.map(str::to_string),
    }
}

/// Where constraints of `db` may be recorded: the whole database, or only these schemas.
pub(crate) fn areas(cov: &DbCoverage) -> Option<Result<(), Vec<&str>>> {
    match cov {
        DbCoverage::Nothing => None,
        DbCoverage::Schemas(m) if m.values().all(ScopeOutcome::is_complete) => Some(Ok(())),
        DbCoverage::Schemas(m) => {
            Some(Err(m.iter().filter(|(_, o)| o.is_complete()).map(|(s, _)| s.as_str()).collect()))
        }
    }
}

/// Stage the constraints of one database from a collector, and ledger them.
async fn stage_db(
    ctx: &Ctx<'_>,
    ct: ConstraintType,
    db: &str,
    cov: &DbCoverage,
    constraints: Vec<crate::catalog::Constraint>,
    handle: &str,
) -> Result<(), CrawlError> {
    let Some(area) = areas(cov) else { return Ok(()) };
    let mut batch = ctx.batch();
    for c in constraints {
        let sc = match &area {
            Ok(()) => scope(ct, db, None),
            Err(ok) if ok.contains(&c.schema.as_str()) => scope(ct, db, Some(&c.schema)),
            Err(_) => continue,
        };
        batch.push(ctx, &sc, Object::Constraint(c)).await?;
    }
    batch.flush(ctx).await?;
    match area {
        Ok(()) => ctx.finish(&scope(ct, db, None), ScopeOutcome::Complete, Some(handle.into())).await?,
        Err(ok) => {
            for s in ok {
                ctx.finish(&scope(ct, db, Some(s)), ScopeOutcome::Complete, Some(handle.into())).await?;
            }
        }
    }
    Ok(())
}

fn split(keys: KeyCollector) -> BTreeMap<String, Vec<crate::catalog::Constraint>> {
    let mut by_db: BTreeMap<String, Vec<_>> = BTreeMap::new();
    for c in keys.finish() {
        by_db.entry(c.database.clone()).or_default().push(c);
    }
    by_db
}

/// List the account's keys (run concurrently with the database crawls).
pub async fn list_account(ctx: &Ctx<'_>) -> Result<Vec<(ConstraintType, KeysListed)>, CrawlError> {
    let futs =
        KEY_KINDS.iter().map(|(ct, kind)| async move { Ok((*ct, list_keys(ctx, *ct, *kind, None).await?)) });
    futures_util::future::try_join_all(futs).await
}

/// Stage and ledger constraints once the databases' coverage is known.
pub async fn record(
    ctx: &Ctx<'_>,
    listed: Vec<(ConstraintType, KeysListed)>,
    coverage: &BTreeMap<String, DbCoverage>,
) -> Result<(), CrawlError> {
    for (ct, result) in listed {
        match result {
            KeysListed::Done(keys, handle) => {
                let mut by_db = split(keys);
                for (db, cov) in coverage {
                    let cs = by_db.remove(db).unwrap_or_default();
                    stage_db(ctx, ct, db, cov, cs, &handle).await?;
                }
            }
            KeysListed::Failed(f) => {
                let s = ScopeKey::Constraints { constraint_type: ct, database: None, schema: None };
                ctx.finish(&s, f.outcome(), None).await?;
            }
            KeysListed::Capped => {
                let kind = KEY_KINDS.iter().find(|(c, _)| *c == ct).map(|(_, k)| *k);
                let Some(kind) = kind else { continue };
                let dbs: Vec<(&String, &DbCoverage)> =
                    coverage.iter().filter(|(_, c)| areas(c).is_some()).collect();
                ctx.exec.plan(dbs.len() as u64);
                for (db, cov) in dbs {
                    match list_keys(ctx, ct, kind, Some(db)).await? {
                        KeysListed::Done(keys, handle) => {
                            let cs = split(keys).remove(db.as_str()).unwrap_or_default();
                            stage_db(ctx, ct, db, cov, cs, &handle).await?;
                        }
                        KeysListed::Capped => {
                            ctx.finish(&scope(ct, db, None), ScopeOutcome::Truncated, None).await?;
                        }
                        KeysListed::Failed(f) => ctx.finish(&scope(ct, db, None), f.outcome(), None).await?,
                    }
                }
            }
        }
    }
    Ok(())
}
