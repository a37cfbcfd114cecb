//! The account-level part of the statement plan (metadata-shapes §13, Plan A): paginated SHOW DATABASES,
//! SHOW WAREHOUSES, grants (SHOW ROLES then TO ROLE / OF ROLE / FUTURE GRANTS TO ROLE per role, or two
//! ACCOUNT_USAGE queries), and SHOW PRIMARY / UNIQUE / IMPORTED KEYS IN ACCOUNT with a per-database rerun
//! when a listing reaches the cap. The per-database part lives in `plan_db`.
//!
//! Decides statements, order and scopes; must not touch SQLite or HTTP directly.

use futures_util::StreamExt;

use super::ctx::Ctx;
use super::exec::Failure;
use super::map;
use super::map::keys::KeyCollector;
use super::options::{CrawlError, GrantSource};
use super::statements as sql;
use crate::catalog::{ConstraintType, Object, ScopeKey, ScopeOutcome};
use crate::sqlapi::Row;

/// Rows that could not be mapped fail the listing like a statement error would.
pub(crate) fn decode_failure(e: crate::sqlapi::SqlApiError) -> Failure {
    Failure::Failed { code: "decode".into(), message: e.to_string() }
}

/// SHOW DATABASES, page by page. `None` when the listing failed (the run cannot go on).
pub async fn databases(ctx: &Ctx<'_>) -> Result<Result<Vec<String>, Failure>, CrawlError> {
    let scope = ScopeKey::Databases;
    let limit = ctx.opts.show_limit.clamp(1, sql::SHOW_LIMIT_MAX);
    let mut names: Vec<String> = Vec::new();
    let mut from: Option<String> = None;
    let mut handle = None;
    loop {
        let stmt = sql::show_databases(None, Some(limit), from.as_deref()).map_err(internal)?;
        let (h, rows) = match ctx.exec.collect("databases", stmt).await {
            Ok(r) => r,
            Err(f) => {
                ctx.finish(&scope, f.outcome(), None).await?;
                return Ok(Err(f));
            }
        };
        handle.get_or_insert(h);
        let mut objects = Vec::with_capacity(rows.len());
        for row in &rows {
            match map::account::database(row) {
                Ok(d) => {
                    names.push(d.name.clone());
                    objects.push(Object::Database(d));
                }
                Err(e) => {
                    let f = decode_failure(e);
                    ctx.finish(&scope, f.outcome(), None).await?;
                    return Ok(Err(f));
                }
            }
        }
        ctx.put(&scope, objects).await?;
        if rows.len() < limit as usize {
            break;
        }
        ctx.exec.plan(1);
        from = names.last().cloned();
    }
    let previous = (!ctx.previous.databases.is_empty()).then_some(&ctx.previous.databases);
    let (outcome, _) = super::vanish::listing_outcome(ctx, "database", previous, &names).await?;
    ctx.finish(&scope, outcome, handle).await?;
    Ok(Ok(names))
}

pub(crate) fn internal(e: sql::StatementError) -> CrawlError {
    CrawlError::Writer(format!("statement could not be built: {e}"))
}

/// Run one listing statement into one scope with `f` mapping each row to zero or more objects.
pub async fn listing(
    ctx: &Ctx<'_>,
    phase: &str,
    stmt: String,
    scope: &ScopeKey,
    cap: Option<usize>,
    f: impl Fn(&Row) -> Result<Option<Object>, crate::sqlapi::SqlApiError>,
) -> Result<ScopeOutcome, CrawlError> {
    let mut running = match ctx.exec.start(phase, stmt).await {
        Ok(r) => r,
        Err(fail) => {
            let o = fail.outcome();
            ctx.finish(scope, o.clone(), None).await?;
            return Ok(o);
        }
    };
    let mut batch = ctx.batch();
    let mut n = 0usize;
    let mut failure = None;
    while let Some(r) = running.next().await {
        let row = match r {
            Ok(row) => row,
            Err(fail) => {
                failure = Some(fail);
                break;
            }
        };
        n += 1;
        match f(&row) {
            Ok(Some(o)) => batch.push(ctx, scope, o).await?,
            Ok(None) => {}
            Err(e) => {
                failure = Some(decode_failure(e));
                break;
            }
        }
    }
    batch.flush(ctx).await?;
    let outcome = match failure {
        Some(fail) => fail.outcome(),
        None if cap.is_some_and(|c| n >= c) => ScopeOutcome::Truncated,
        None => ScopeOutcome::Complete,
    };
    ctx.finish(scope, outcome.clone(), Some(running.handle())).await?;
    Ok(outcome)
}

/// SHOW WAREHOUSES (no pagination exists; reaching the cap means truncated).
pub async fn warehouses(ctx: &Ctx<'_>) -> Result<(), CrawlError> {
    let cap = Some(ctx.opts.show_limit as usize);
    listing(ctx, "warehouses", sql::show_warehouses(None), &ScopeKey::Warehouses, cap, |r| {
        map::account::warehouse(r).map(|w| Some(Object::Warehouse(w)))
    })
    .await?;
    Ok(())
}

/// Grants, role memberships and future grants, from SHOW per role or from ACCOUNT_USAGE.
pub async fn grants(ctx: &Ctx<'_>) -> Result<(), CrawlError> {
    if ctx.opts.grant_source == GrantSource::AccountUsage {
        return super::plan_usage::grants(ctx).await;
    }
    let roles = match ctx.exec.collect("roles", sql::show_roles()).await {
        Ok((_, rows)) => rows.iter().map(map::account::role_name).collect::<Result<Vec<_>, _>>(),
        Err(f) => {
            for s in [ScopeKey::AllGrants, ScopeKey::AllRoleMemberships] {
                ctx.finish(&s, f.outcome(), None).await?;
            }
            return Ok(());
        }
    };
    let roles = match roles {
        Ok(r) => r,
        Err(e) => {
            let f = decode_failure(e);
            for s in [ScopeKey::AllGrants, ScopeKey::AllRoleMemberships] {
                ctx.finish(&s, f.outcome(), None).await?;
            }
            return Ok(());
        }
    };
    if roles.len() >= ctx.opts.show_limit as usize {
        // SHOW ROLES is silently capped: roles past the cap are not crawled (no removal follows from that).
        ctx.finish(&ScopeKey::AllGrants, ScopeOutcome::Truncated, None).await?;
    }
    ctx.exec.plan(3 * roles.len() as u64);
    let width = ctx.opts.concurrency.max(1) * 2;
    let mut tasks = futures_util::stream::iter(
        roles.into_iter().map(|role| async move { role_grants(ctx, &role).await }),
    )
    .buffer_unordered(width);
    while let Some(r) = tasks.next().await {
        r?;
    }
    Ok(())
}

async fn role_grants(ctx: &Ctx<'_>, role: &str) -> Result<(), CrawlError> {
    let to = ScopeKey::GrantsToRole { role: role.to_string() };
    listing(
        ctx,
        "grants_to_role",
        sql::show_grants(&sql::GrantView::ToRole(role.into())).map_err(internal)?,
        &to,
        None,
        |r| Ok(map::grants::grant_keeping(r, !ctx.opts.filters.kinds.database_roles)?.map(Object::Grant)),
    )
    .await?;
    let of = ScopeKey::GrantsOfRole { role: role.to_string() };
    listing(
        ctx,
        "grants_of_role",
        sql::show_grants(&sql::GrantView::OfRole(role.into())).map_err(internal)?,
        &of,
        None,
        |r| map::grants::membership(r).map(|m| Some(Object::RoleMembership(m))),
    )
    .await?;
    let fut = ScopeKey::FutureGrantsToRole { role: role.to_string() };
    listing(ctx, "future_grants", sql::show_future_grants_to_role(role), &fut, None, |r| {
        map::grants::future_grant(r).map(|g| Some(Object::FutureGrant(g)))
    })
    .await?;
    Ok(())
}

/// The three key kinds and their SHOW keyword.
pub const KEY_KINDS: [(ConstraintType, sql::KeyKind); 3] = [
    (ConstraintType::PrimaryKey, sql::KeyKind::Primary),
    (ConstraintType::Unique, sql::KeyKind::Unique),
    (ConstraintType::ForeignKey, sql::KeyKind::Imported),
];

/// How a key listing ended.
pub enum KeysListed {
    /// Complete: the constraints are ready to stage.
    Done(KeyCollector, String),
    /// The listing reached the cap: rerun narrower.
    Capped,
    Failed(Failure),
}

/// `SHOW <kind> KEYS IN ACCOUNT | DATABASE d`, collected (one row per key column).
pub async fn list_keys(
    ctx: &Ctx<'_>,
    ct: ConstraintType,
    kind: sql::KeyKind,
    database: Option<&str>,
) -> Result<KeysListed, CrawlError> {
    let stmt = sql::show_keys(kind, database, None, None).map_err(internal)?;
    let mut running = match ctx.exec.start("keys", stmt).await {
        Ok(r) => r,
        Err(f) => return Ok(KeysListed::Failed(f)),
    };
    let mut keys = KeyCollector::new(ct);
    let mut n = 0usize;
    while let Some(r) = running.next().await {
        let row = match r {
            Ok(row) => row,
            Err(f) => return Ok(KeysListed::Failed(f)),
        };
        n += 1;
        if n >= ctx.opts.show_limit as usize {
            // At the cap: the listing will be rerun narrower, so stop reading (and holding) it now.
            return Ok(KeysListed::Capped);
        }
        if let Err(e) = keys.add(&row) {
            return Ok(KeysListed::Failed(decode_failure(e)));
        }
    }
    Ok(KeysListed::Done(keys, running.handle()))
}
