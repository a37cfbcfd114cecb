//! The access kinds (issue 16; metadata-shapes-2 §8, plan A steps 1-2, 5-7, 9-10): database roles per
//! database with their grants and holders, masking and row-access policies with their bodies and the
//! tables and columns they protect, tags and where they are set.
//!
//! Statements: `SHOW DATABASE ROLES` once per crawled database, `SHOW GRANTS TO` and `OF DATABASE ROLE`
//! once per database role (only `OF` with grant_source = account_usage, whose GRANTS_TO_ROLES already holds
//! the database roles' privileges), `SHOW MASKING POLICIES` and `SHOW ROW ACCESS POLICIES IN ACCOUNT`,
//! then `DESCRIBE` and `POLICY_REFERENCES` once per policy, `SHOW TAGS IN ACCOUNT` and one
//! `ACCOUNT_USAGE.TAG_REFERENCES` (`tag_references`): 4 + D + 2·DR + 2·P, never per table or column. Every listing is its own
//! ledgered scope, so a failed or denied one removes nothing. Must not touch SQLite or HTTP directly.

use futures_util::StreamExt;

use super::ctx::Ctx;
use super::exec::Failure;
use super::map;
use super::options::{CrawlError, GrantSource};
use super::plan::{decode_failure, listing};
use super::statements_access as sql;
use crate::catalog::{Object, Policy, ScopeKey, ScopeOutcome, database_role_name};

/// Policies and tags, account-wide (run beside the database crawls).
pub async fn account(ctx: &Ctx<'_>) -> Result<(), CrawlError> {
    let k = &ctx.opts.filters.kinds;
    let (p, t) = tokio::join!(async { if k.policies { policies(ctx).await } else { Ok(()) } }, tags(ctx));
    p?;
    t
}

async fn tags(ctx: &Ctx<'_>) -> Result<(), CrawlError> {
    let cap = Some(ctx.opts.show_limit as usize);
    let filters = &ctx.opts.filters;
    if filters.kinds.tags {
        listing(ctx, "tags", sql::show_tags(), &ScopeKey::Tags, cap, |r| {
            let t = map::access::tag(r)?;
            Ok(filters.database(&t.database).then_some(Object::Tag(t)))
        })
        .await?;
    }
    if !filters.kinds.tag_references {
        return Ok(());
    }
    let refs = sql::account_usage_tag_references();
    listing(ctx, "tag_references", refs, &ScopeKey::TagReferences, None, |r| {
        Ok(map::access::tag_reference(r)?.filter(|t| filters.database(&t.database)).map(Object::TagReference))
    })
    .await?;
    Ok(())
}

async fn policies(ctx: &Ctx<'_>) -> Result<(), CrawlError> {
    for (show, describe, kind) in sql::POLICY_KINDS {
        let scope = ScopeKey::Policies { policy_kind: kind.to_string() };
        let rows = match ctx.exec.collect("policies", sql::show_policies(show)).await {
            Ok(r) => r,
            Err(f) => {
                ctx.finish(&scope, f.outcome(), None).await?;
                continue;
            }
        };
        let (handle, rows) = rows;
        let mut found = Vec::with_capacity(rows.len());
        for row in &rows {
            match map::access::policy(kind, row) {
                Ok(p) if ctx.opts.filters.database(&p.database) => found.push(p),
                Ok(_) => {}
                Err(e) => {
                    ctx.finish(&scope, decode_failure(e).outcome(), None).await?;
                    found.clear();
                    break;
                }
            }
        }
        let outcome = if rows.len() >= ctx.opts.show_limit as usize {
            ScopeOutcome::Truncated
        } else {
            ScopeOutcome::Complete
        };
        ctx.exec.plan(2 * found.len() as u64);
        let width = ctx.opts.concurrency.max(1);
        let done: Vec<Result<Policy, CrawlError>> =
            futures_util::stream::iter(found.into_iter().map(|p| policy(ctx, describe, p)))
                .buffer_unordered(width)
                .collect()
                .await;
        let mut objects = Vec::with_capacity(done.len());
        for p in done {
            objects.push(Object::Policy(p?));
        }
        ctx.put(&scope, objects).await?;
        ctx.finish(&scope, outcome, Some(handle)).await?;
    }
    Ok(())
}

/// One policy's body (DESCRIBE) and references. A DESCRIBE the role may not run leaves the body hidden
/// and is ledgered; the catalog keeps the last body it saw.
async fn policy(ctx: &Ctx<'_>, describe: &str, mut p: Policy) -> Result<Policy, CrawlError> {
    let full = p.full_name();
    let stmt = sql::describe_policy(describe, &p.database, &p.schema, &p.name);
    let failure = match ctx.exec.collect("policy_details", stmt).await {
        Ok((_, rows)) => {
            rows.first().and_then(|r| map::access::apply_describe(&mut p, r).err()).map(decode_failure)
        }
        Err(f) => Some(f),
    };
    if let Some(f) = failure {
        p.body_hidden = true;
        ctx.finish(&ScopeKey::PolicyDetails { policy: full.clone() }, f.outcome(), None).await?;
    }
    let scope = ScopeKey::PolicyReferences { policy: full.clone() };
    let stmt = sql::policy_references(&p.database, &p.schema, &p.name);
    listing(ctx, "policy_references", stmt, &scope, None, |r| {
        Ok(map::access::policy_reference(&full, r)?.map(Object::PolicyReference))
    })
    .await?;
    Ok(p)
}

/// Database roles of every crawled database, and each one's grants and holders.
pub async fn database_roles(ctx: &Ctx<'_>, databases: Vec<String>) -> Result<(), CrawlError> {
    if !ctx.opts.filters.kinds.database_roles {
        return Ok(());
    }
    let width = ctx.opts.concurrency.max(1) * 2;
    let mut tasks = futures_util::stream::iter(
        databases.into_iter().map(|db| async move { in_database(ctx, &db).await }),
    )
    .buffer_unordered(width);
    while let Some(r) = tasks.next().await {
        r?;
    }
    Ok(())
}

async fn in_database(ctx: &Ctx<'_>, db: &str) -> Result<(), CrawlError> {
    let scope = ScopeKey::DatabaseRoles { database: db.to_string() };
    let roles = match ctx.exec.collect("database_roles", sql::show_database_roles(db)).await {
        Ok((h, rows)) => {
            match rows.iter().map(|r| map::access::database_role(db, r)).collect::<Result<Vec<_>, _>>() {
                Ok(roles) => {
                    let truncated = rows.len() >= ctx.opts.show_limit as usize;
                    ctx.put(&scope, roles.iter().cloned().map(Object::DatabaseRole).collect()).await?;
                    let o = if truncated { ScopeOutcome::Truncated } else { ScopeOutcome::Complete };
                    ctx.finish(&scope, o, Some(h)).await?;
                    roles
                }
                Err(e) => return fail(ctx, &scope, decode_failure(e)).await,
            }
        }
        Err(f) => return fail(ctx, &scope, f).await,
    };
    let per_role = if ctx.opts.grant_source == GrantSource::AccountUsage { 1 } else { 2 };
    ctx.exec.plan(per_role * roles.len() as u64);
    for r in roles {
        let qualified = database_role_name(db, &r.name);
        if ctx.opts.grant_source != GrantSource::AccountUsage {
            let to = ScopeKey::GrantsToDatabaseRole { name: qualified.clone() };
            let stmt = sql::show_grants_to_database_role(db, &r.name);
            listing(ctx, "grants_to_database_role", stmt, &to, None, |row| {
                Ok(map::access::grant_to_database_role(&qualified, row)?.map(Object::Grant))
            })
            .await?;
        }
        let of = ScopeKey::GrantsOfDatabaseRole { name: qualified.clone() };
        let stmt = sql::show_grants_of_database_role(db, &r.name);
        listing(ctx, "grants_of_database_role", stmt, &of, None, |row| {
            map::access::membership(db, &qualified, row).map(|m| Some(Object::RoleMembership(m)))
        })
        .await?;
    }
    Ok(())
}

async fn fail(ctx: &Ctx<'_>, scope: &ScopeKey, f: Failure) -> Result<(), CrawlError> {
    ctx.finish(scope, f.outcome(), None).await
}
