//! Vanished containers: a database or schema that the last committed run had current but this run's SHOW
//! listing no longer shows (tables and views gone from INFORMATION_SCHEMA are `vanish_tables`). A role without MANAGE GRANTS cannot tell a drop from a revoked USAGE grant
//! (both disappear from SHOW, both answer 002003), so such a listing is ledgered `denied`/`unverified`
//! instead of `complete` and nothing in it is reported removed. With full SHOW visibility (ACCOUNTADMIN,
//! SECURITYADMIN, or MANAGE GRANTS on ACCOUNT held directly or through granted roles) the vanishing is a
//! real drop and the listing completes as usual.
//!
//! Reads the previous databases, schemas and tables once at crawl start through the catalog's public read
//! API (current versions of those kinds only, never the columns); runs the grant checks only when
//! something vanished. Must not write to the catalog.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::path::Path;

use tokio::sync::OnceCell;

use super::ctx::Ctx;
use super::map;
use super::options::CrawlError;
use super::plan::internal;
use super::statements as sql;
use crate::catalog::{Catalog, Object, ObjectKind, ScopeOutcome};

/// How many roles the MANAGE GRANTS search may visit (role hierarchies are shallow in practice).
const MAX_ROLES: usize = 64;

/// The databases, schemas and tables current after the last committed run (empty for a first run).
#[derive(Debug, Default)]
pub struct Previous {
    pub databases: BTreeSet<String>,
    pub schemas: BTreeMap<String, BTreeSet<String>>,
    /// Tables and views per (database, schema): name -> INFORMATION_SCHEMA `TABLE_TYPE`.
    pub tables: BTreeMap<(String, String), BTreeMap<String, String>>,
    /// Objects of the pipeline and code kinds per (kind, database), as `SCHEMA.NAME[(signature)]`.
    pub kinds: BTreeMap<(ObjectKind, String), BTreeSet<String>>,
    /// Tables' and views' change hints (CREATED, LAST_DDL) per (database, schema), for incremental runs.
    pub hints: BTreeMap<(String, String), BTreeMap<String, super::incremental::Hint>>,
}

/// Load the previous state of `account` (blocking; call before the crawl starts writing).
pub fn load(path: &Path, account: &str) -> Result<Previous, CrawlError> {
    let mut prev = Previous::default();
    if !path.exists() {
        return Ok(prev);
    }
    let cat = Catalog::open_read_only(path)?;
    let mut kinds = vec![ObjectKind::Database, ObjectKind::Schema, ObjectKind::Table];
    kinds.extend(ObjectKind::PIPELINE);
    cat.for_each_current(account, &kinds, |key, o| {
        match o {
            Object::Database(d) => {
                prev.databases.insert(d.name);
            }
            Object::Schema(s) => {
                prev.schemas.entry(s.database).or_default().insert(s.name);
            }
            Object::Table(t) => {
                let key = (t.database, t.schema);
                prev.hints.entry(key.clone()).or_default().insert(t.name.clone(), (t.created, t.last_ddl));
                prev.tables.entry(key).or_default().insert(t.name, t.table_type);
            }
            _ if ObjectKind::PIPELINE.contains(&key.kind) => {
                let p = &key.parts;
                let entry = prev.kinds.entry((key.kind, p[0].clone())).or_default();
                entry.insert(format!("{}.{}{}", p[1], p[2], p[3]));
            }
            _ => {}
        }
        Ok(())
    })?;
    Ok(prev)
}

/// The crawl role's visibility, computed at most once per crawl.
#[derive(Debug, Default)]
pub struct Visibility {
    full: OnceCell<(String, Result<bool, String>)>,
}

/// The outcome a listing scope should end with: `Complete` unless some of `previous` is missing from
/// `listed` and the role cannot see everything. `what` names the container kind (`database`, `schema`).
pub async fn listing_outcome(
    ctx: &Ctx<'_>,
    what: &str,
    previous: Option<&BTreeSet<String>>,
    listed: &[String],
) -> Result<(ScopeOutcome, Vec<String>), CrawlError> {
    let Some(previous) = previous else { return Ok((ScopeOutcome::Complete, Vec::new())) };
    let listed: BTreeSet<&str> = listed.iter().map(String::as_str).collect();
    let gone: Vec<String> = previous.iter().filter(|p| !listed.contains(p.as_str())).cloned().collect();
    if gone.is_empty() {
        return Ok((ScopeOutcome::Complete, gone));
    }
    let (role, full) = visibility(ctx).await?;
    if *full == Ok(true) {
        return Ok((ScopeOutcome::Complete, Vec::new()));
    }
    let why = match full {
        Err(e) => format!("its grants could not be checked ({e})"),
        Ok(_) => "it does not hold MANAGE GRANTS".to_string(),
    };
    let message = format!(
        "{} {what}(s) no longer visible to role {role} (e.g. {}): {why}, and without MANAGE GRANTS a \
         revoked grant cannot be told from a drop, so none is reported removed",
        gone.len(),
        gone[0]
    );
    Ok((ScopeOutcome::Denied { code: "unverified".into(), message }, gone))
}

/// The crawl role and whether it sees everything in SHOW (`Err` says why that could not be checked);
/// asked once per crawl, on first need.
pub async fn visibility<'c>(ctx: &'c Ctx<'_>) -> Result<&'c (String, Result<bool, String>), CrawlError> {
    ctx.visibility.full.get_or_try_init(|| full_visibility(ctx)).await
}

/// The crawl role and whether it sees every database and schema in SHOW.
async fn full_visibility(ctx: &Ctx<'_>) -> Result<(String, Result<bool, String>), CrawlError> {
    let role = match &ctx.opts.role {
        Some(r) => r.clone(),
        None => {
            ctx.exec.plan(1);
            let rows = ctx.exec.collect("visibility", "SELECT CURRENT_ROLE() AS ROLE".to_string()).await;
            let found = match rows {
                Ok((_, rows)) => rows.first().map(|r| map::name(r, "ROLE")).transpose().ok().flatten(),
                Err(_) => None,
            };
            match found {
                Some(r) => r,
                None => return Ok(("(current)".into(), Err("CURRENT_ROLE() failed".into()))),
            }
        }
    };
    let full = manage_grants(ctx, &role).await?;
    Ok((role, full))
}

fn is_admin(role: &str) -> bool {
    role.eq_ignore_ascii_case("ACCOUNTADMIN") || role.eq_ignore_ascii_case("SECURITYADMIN")
}

/// Breadth-first over `role` and the roles granted to it: does any hold MANAGE GRANTS on ACCOUNT?
async fn manage_grants(ctx: &Ctx<'_>, role: &str) -> Result<Result<bool, String>, CrawlError> {
    let mut seen: BTreeSet<String> = BTreeSet::from([role.to_string()]);
    let mut queue = VecDeque::from([role.to_string()]);
    while let Some(r) = queue.pop_front() {
        if is_admin(&r) {
            return Ok(Ok(true));
        }
        ctx.exec.plan(1);
        let stmt = sql::show_grants(&sql::GrantView::ToRole(r.clone())).map_err(internal)?;
        let rows = match ctx.exec.collect("visibility", stmt).await {
            Ok((_, rows)) => rows,
            Err(f) => {
                let detail = f.outcome().error().map(|(c, m)| format!("{c} {m}")).unwrap_or_default();
                return Ok(Err(format!("SHOW GRANTS TO ROLE {r} failed: {detail}")));
            }
        };
        for row in &rows {
            let cols = (map::name(row, "privilege"), map::name(row, "granted_on"), map::name(row, "name"));
            let (Ok(privilege), Ok(on), Ok(name)) = cols else {
                return Ok(Err(format!("SHOW GRANTS TO ROLE {r} answered an unreadable row")));
            };
            if privilege.eq_ignore_ascii_case("MANAGE GRANTS") && on.eq_ignore_ascii_case("ACCOUNT") {
                return Ok(Ok(true));
            }
            if privilege.eq_ignore_ascii_case("USAGE")
                && on.eq_ignore_ascii_case("ROLE")
                && seen.len() < MAX_ROLES
                && seen.insert(name.clone())
            {
                queue.push_back(name);
            }
        }
    }
    Ok(Ok(false))
}
