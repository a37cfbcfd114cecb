//! `catalog_who_can_reach` and `catalog_what_can_reach`: who reaches an object (and by which path), and
//! what a role or user reaches, from the catalog's `access_paths_v` (now) or `access_paths_all_v` (at a
//! run), paged like the other catalog lists (`limit`, then the answer's `next_cursor`).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{CatalogSource, CatalogToolError, RunOrTime, limit};
use crate::catalog::access::{AccessPath, AccessQuery};
use crate::crawl::statements::parse_object_name;
use crate::tools::cursor;
use crate::tools::page::{PAGE_BYTES, fit};
use crate::tools::params::ParamError;

/// `catalog_who_can_reach`.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
pub struct WhoCanReach {
    /// DB, DB.SCHEMA, DB.SCHEMA.TABLE (tables and views) or DB.SCHEMA.TABLE.COLUMN; unquoted parts are
    /// upper-cased as Snowflake resolves them, quote a case-sensitive part ("my db".S.T).
    pub object: String,
    /// A run id or RFC 3339 time: the paths as they were then (tables and coarser only). Default: now.
    pub at: Option<RunOrTime>,
    /// The account (default: the only one in the catalog).
    pub account: Option<String>,
    /// Paths per page (1-500, default 50).
    pub limit: Option<u32>,
    /// The next_cursor of the previous page.
    pub cursor: Option<String>,
}

/// `catalog_what_can_reach`.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
pub struct WhatCanReach {
    /// An account role, or a database role as DB.ROLE (give this or user).
    pub role: Option<String>,
    /// A user (give this or role).
    pub user: Option<String>,
    /// A run id or RFC 3339 time: the paths as they were then. Default: now.
    pub at: Option<RunOrTime>,
    /// The account (default: the only one in the catalog).
    pub account: Option<String>,
    /// Paths per page (1-500, default 50).
    pub limit: Option<u32>,
    /// The next_cursor of the previous page.
    pub cursor: Option<String>,
}

/// The answer of both tools.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct AccessAnswer {
    pub account: String,
    /// The run answered for (`null`: now, the latest crawl).
    pub at_run: Option<i64>,
    /// One row per object, privilege, holder and path (`USER U -> ROLE A -> DATABASE ROLE D.R -> SELECT on
    /// TABLE D.S.T`); a column's masking policy and tags come with it.
    pub paths: Vec<AccessPathRow>,
    /// Pass as `cursor` (with the same arguments) for the next page; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

/// One access path.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct AccessPathRow {
    pub object_type: String,
    pub object: String,
    pub privilege: String,
    pub principal_type: String,
    pub principal: String,
    pub path: String,
    pub hops: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub masking_policy: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<String>,
}

type Key = (String, String, String, String, i64, String);

fn key(p: &AccessPathRow) -> Key {
    (
        p.object.clone(),
        p.privilege.clone(),
        p.principal_type.clone(),
        p.principal.clone(),
        p.hops,
        p.path.clone(),
    )
}

fn row(p: AccessPath) -> AccessPathRow {
    AccessPathRow {
        object_type: p.object_type,
        object: p.object,
        privilege: p.privilege,
        principal_type: p.principal_type,
        principal: p.principal,
        path: p.path,
        hops: p.hops,
        masking_policy: p.masking_policy,
        tags: p.tags,
    }
}

#[allow(clippy::too_many_arguments)]
fn answer(
    src: &CatalogSource,
    tool: &str,
    fp: &str,
    q: AccessQuery,
    at: &Option<RunOrTime>,
    account: &Option<String>,
    n: Option<u32>,
    after: &Option<String>,
) -> Result<AccessAnswer, CatalogToolError> {
    let cat = src.open()?;
    let n = limit(n)?;
    let account = src.account(&cat, account)?;
    let at_run = at.as_ref().map(|a| a.run(&cat, &account, "at")).transpose()?;
    let after: Option<Key> = after.as_deref().map(|c| cursor::decode(c, tool, fp)).transpose()?;
    let all = cat.access_paths(&account, &q, at_run).map_err(|e| ParamError::Invalid {
        param: if matches!(q, AccessQuery::Object(_)) { "object" } else { "at" },
        message: e.to_string(),
    })?;
    let mut rows: Vec<AccessPathRow> =
        all.into_iter().map(row).filter(|r| after.as_ref().is_none_or(|a| &key(r) > a)).take(n + 1).collect();
    let more = rows.len() > n;
    rows.truncate(n);
    let (paths, omitted) = fit(rows, PAGE_BYTES);
    let next_cursor =
        (more || omitted > 0).then(|| paths.last().map(|r| cursor::encode(tool, fp, &key(r)))).flatten();
    Ok(AccessAnswer { account, at_run, paths, next_cursor })
}

/// `catalog_who_can_reach`.
pub fn who_can_reach(src: &CatalogSource, args: &WhoCanReach) -> Result<AccessAnswer, CatalogToolError> {
    const TOOL: &str = "catalog_who_can_reach";
    let parts = parse_object_name("object", &args.object)
        .map_err(|e| ParamError::Invalid { param: "object", message: e.to_string() })?;
    if parts.is_empty() || parts.len() > 4 {
        return Err(ParamError::Invalid {
            param: "object",
            message: format!(
                "expected DB, DB.SCHEMA, DB.SCHEMA.TABLE or DB.SCHEMA.TABLE.COLUMN, got {:?}",
                args.object
            ),
        }
        .into());
    }
    let fp = cursor::fingerprint(args);
    let q = AccessQuery::Object(parts);
    answer(src, TOOL, &fp, q, &args.at, &args.account, args.limit, &args.cursor)
}

/// `catalog_what_can_reach`.
pub fn what_can_reach(src: &CatalogSource, args: &WhatCanReach) -> Result<AccessAnswer, CatalogToolError> {
    const TOOL: &str = "catalog_what_can_reach";
    let q = match (&args.role, &args.user) {
        (Some(r), None) => AccessQuery::Role(r.trim().to_string()),
        (None, Some(u)) => AccessQuery::User(u.trim().to_string()),
        _ => {
            return Err(ParamError::Invalid {
                param: "role",
                message: "give exactly one of role (an account role, or DB.ROLE) and user".into(),
            }
            .into());
        }
    };
    let fp = cursor::fingerprint(args);
    answer(src, TOOL, &fp, q, &args.at, &args.account, args.limit, &args.cursor)
}

impl crate::tools::Answer for AccessAnswer {
    fn text(&self) -> String {
        let when = self.at_run.map(|r| format!("at run {r}")).unwrap_or_else(|| "now".into());
        let mut out = format!("{} access path(s) in account {} {when}", self.paths.len(), self.account);
        for p in &self.paths {
            out.push_str(&format!("\n{} {} {}: {}", p.privilege, p.object_type, p.object, p.path));
            if let Some(m) = &p.masking_policy {
                out.push_str(&format!("  [masked by {m}]"));
            }
            if let Some(t) = p.tags.as_deref().filter(|t| *t != "{}") {
                out.push_str(&format!("  [tags {t}]"));
            }
        }
        out + &super::render::more(&self.next_cursor)
    }
}
