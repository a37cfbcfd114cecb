//! The catalog's lists: runs, changes, a run's coverage gaps, search hits. Each is read a page at a time
//! (`limit`, then the answer's `next_cursor`) and cut to the page budget.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{CatalogSource, CatalogToolError, RunOrTime, limit};
use crate::catalog::query::{ChangeFilter, ChangeRow, CoverageRow, RunRow, SearchFilter, SearchHit};
use crate::catalog::{ObjectKind, Severity};
use crate::tools::cursor;
use crate::tools::page::{PAGE_BYTES, cut_text, fit};
use crate::tools::params::ParamError;

/// `catalog_runs`.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
pub struct Runs {
    /// Only this account (default: every account in the catalog).
    pub account: Option<String>,
    /// Runs per page, newest first (1-500, default 50).
    pub limit: Option<u32>,
    /// The next_cursor of the previous page.
    pub cursor: Option<String>,
}

/// The answer of `catalog_runs`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct RunsAnswer {
    pub runs: Vec<RunRow>,
    /// Pass as `cursor` (with the same arguments) for the next page; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

/// `catalog_changes`.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
pub struct Changes {
    /// Changes after this point: a run id (the changes of later runs) or an RFC 3339 time (runs finished
    /// after it). Without since and until: the changes of each account's latest run.
    pub since: Option<RunOrTime>,
    /// Changes up to this run id or time (inclusive).
    pub until: Option<RunOrTime>,
    /// Only this severity: breaking, security, additive or cosmetic.
    pub severity: Option<String>,
    /// Only this object kind: database, schema, table, column, constraint, grant, role_membership,
    /// future_grant, warehouse, view, dynamic_table, stream, task, pipe, stage, function, procedure or
    /// sequence.
    pub kind: Option<String>,
    /// Only objects whose name matches, `*` or `%` as wildcards, case-insensitive: `SALES.CORE.ORDERS*`
    /// (the table and its columns), `*PII*`. Grants read `SELECT on TABLE D.S.T to ROLE R`.
    pub object: Option<String>,
    /// Only this account.
    pub account: Option<String>,
    /// Changes per page, oldest first (1-500, default 50).
    pub limit: Option<u32>,
    /// The next_cursor of the previous page.
    pub cursor: Option<String>,
}

/// The answer of `catalog_changes`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ChangesAnswer {
    pub changes: Vec<ChangeRow>,
    /// Pass as `cursor` (with the same arguments) for the next page; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

/// `catalog_coverage`.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
pub struct Coverage {
    /// The run (default: the account's latest committed run).
    pub run: Option<i64>,
    /// The account (default: the only one in the catalog).
    pub account: Option<String>,
    /// Gaps per page (1-500, default 50).
    pub limit: Option<u32>,
    /// The next_cursor of the previous page.
    pub cursor: Option<String>,
}

/// The answer of `catalog_coverage`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct CoverageAnswer {
    pub account: String,
    pub run_id: i64,
    pub run_status: String,
    /// Scopes the run could not see completely. Nothing under them was reported removed.
    pub gaps: Vec<CoverageRow>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

/// `catalog_search`.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
pub struct Search {
    /// Text to find in current names and comments, case-insensitive (SQL LIKE when it holds % or _).
    pub pattern: String,
    /// Only this kind: database, schema, table (views too), column, warehouse, stream, task, pipe, stage,
    /// function, procedure or sequence.
    pub kind: Option<String>,
    /// Only this account.
    pub account: Option<String>,
    /// Hits per page (1-500, default 50).
    pub limit: Option<u32>,
    /// The next_cursor of the previous page.
    pub cursor: Option<String>,
}

/// The answer of `catalog_search`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct SearchAnswer {
    pub hits: Vec<SearchHit>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

/// Read `n + 1` rows to know whether there is a next page; keep what fits the budget; the cursor points
/// after the last row kept.
fn page<T: Serialize, K: Serialize>(
    mut rows: Vec<T>,
    n: usize,
    tool: &str,
    fingerprint: &str,
    key: impl Fn(&T) -> K,
) -> (Vec<T>, Option<String>) {
    let more = rows.len() > n;
    rows.truncate(n);
    let (kept, omitted) = fit(rows, PAGE_BYTES);
    let next = (more || omitted > 0)
        .then(|| kept.last().map(|r| cursor::encode(tool, fingerprint, &key(r))))
        .flatten();
    (kept, next)
}

fn kind(param: &'static str, value: &Option<String>) -> Result<Option<ObjectKind>, ParamError> {
    value
        .as_deref()
        .map(|k| {
            let k = k.trim().to_ascii_lowercase();
            ObjectKind::parse(&k).ok_or_else(|| ParamError::Invalid {
                param,
                message: format!(
                    "{k:?} is not one of: {}",
                    ObjectKind::ALL.iter().map(|k| k.as_str()).collect::<Vec<_>>().join(", ")
                ),
            })
        })
        .transpose()
}

/// A change with its long values (a view's text, say) cut to the page's value length.
pub(super) fn cut_change(c: &mut ChangeRow) {
    cut_text(&mut c.before);
    cut_text(&mut c.after);
}

/// `*` and `%` as wildcards, everything else literal (LIKE escape `\`).
fn like_pattern(glob: &str) -> String {
    glob.replace('\\', "\\\\").replace('_', "\\_").replace('*', "%")
}

/// `catalog_runs`.
pub fn runs(src: &CatalogSource, args: &Runs) -> Result<RunsAnswer, CatalogToolError> {
    const TOOL: &str = "catalog_runs";
    let cat = src.open()?;
    let n = limit(args.limit)?;
    let fp = cursor::fingerprint(args);
    let before = args.cursor.as_deref().map(|c| cursor::decode::<i64>(c, TOOL, &fp)).transpose()?;
    let mut rows = cat.runs_before(args.account.as_deref(), before, n + 1)?;
    rows.iter_mut().for_each(|r| cut_text(&mut r.error_summary));
    let (runs, next_cursor) = page(rows, n, TOOL, &fp, |r: &RunRow| r.run_id);
    Ok(RunsAnswer { runs, next_cursor })
}

/// `catalog_changes`.
pub fn changes(src: &CatalogSource, args: &Changes) -> Result<ChangesAnswer, CatalogToolError> {
    const TOOL: &str = "catalog_changes";
    let cat = src.open()?;
    let n = limit(args.limit)?;
    let fp = cursor::fingerprint(args);
    let severity = args
        .severity
        .as_deref()
        .map(|s| {
            Severity::parse(&s.trim().to_ascii_lowercase()).ok_or_else(|| ParamError::Invalid {
                param: "severity",
                message: format!("{s:?} is not one of: breaking, security, additive, cosmetic"),
            })
        })
        .transpose()?;
    let mut filter = ChangeFilter {
        account: args.account.clone().or_else(|| src.default_account.clone()),
        kind: kind("kind", &args.kind)?,
        severity,
        object: args.object.as_deref().map(like_pattern),
        after: args.cursor.as_deref().map(|c| cursor::decode(c, TOOL, &fp)).transpose()?,
        limit: Some(n + 1),
        ..ChangeFilter::default()
    };
    match &args.since {
        Some(RunOrTime::Run(r)) => filter.from = Some(*r),
        Some(RunOrTime::Time(t)) => filter.since_time = Some(t.clone()),
        None => {}
    }
    match &args.until {
        Some(RunOrTime::Run(r)) => filter.to = Some(*r),
        Some(RunOrTime::Time(t)) => filter.until_time = Some(t.clone()),
        None => {}
    }
    let mut rows = cat.changes(&filter)?;
    rows.iter_mut().for_each(cut_change);
    let (changes, next_cursor) = page(rows, n, TOOL, &fp, |c: &ChangeRow| (c.run_id, c.change_id));
    Ok(ChangesAnswer { changes, next_cursor })
}

/// `catalog_coverage`.
pub fn coverage(src: &CatalogSource, args: &Coverage) -> Result<CoverageAnswer, CatalogToolError> {
    const TOOL: &str = "catalog_coverage";
    let cat = src.open()?;
    let n = limit(args.limit)?;
    let fp = cursor::fingerprint(args);
    let account = src.account(&cat, &args.account)?;
    let no_run = |message: String| CatalogToolError::from(ParamError::Invalid { param: "run", message });
    let run_id = match args.run {
        Some(r) => r,
        None => cat
            .latest_run(&account)?
            .ok_or_else(|| no_run(format!("account {account} has no committed run yet")))?,
    };
    let run = cat
        .runs_before(Some(&account), Some(run_id.saturating_add(1)), 1)?
        .into_iter()
        .find(|r| r.run_id == run_id)
        .ok_or_else(|| no_run(format!("{run_id} is not a run of account {account} (see catalog_runs)")))?;
    let after: Option<String> = args.cursor.as_deref().map(|c| cursor::decode(c, TOOL, &fp)).transpose()?;
    let mut rows = cat.coverage(run.run_id, after.as_deref(), n + 1)?;
    rows.iter_mut().for_each(|g| cut_text(&mut g.error_message));
    let (gaps, next_cursor) = page(rows, n, TOOL, &fp, |g: &CoverageRow| g.scope.clone());
    Ok(CoverageAnswer { account, run_id: run.run_id, run_status: run.status, gaps, next_cursor })
}

/// `catalog_search`.
pub fn search(src: &CatalogSource, args: &Search) -> Result<SearchAnswer, CatalogToolError> {
    const TOOL: &str = "catalog_search";
    if args.pattern.trim().is_empty() {
        return Err(
            ParamError::Invalid { param: "pattern", message: "is empty; give text to find".into() }.into()
        );
    }
    let cat = src.open()?;
    let n = limit(args.limit)?;
    let fp = cursor::fingerprint(args);
    let filter = SearchFilter {
        pattern: args.pattern.clone(),
        kind: kind("kind", &args.kind)?,
        account: args.account.clone(),
        after: args.cursor.as_deref().map(|c| cursor::decode(c, TOOL, &fp)).transpose()?,
        limit: n + 1,
    };
    let mut rows = cat.search_page(&filter)?;
    rows.iter_mut().for_each(|h| cut_text(&mut h.comment));
    let (hits, next_cursor) = page(rows, n, TOOL, &fp, |h: &SearchHit| h.key.clone());
    Ok(SearchAnswer { hits, next_cursor })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_become_like_patterns_with_literal_underscores() {
        assert_eq!(like_pattern("SALES.CORE.RAW_EVENTS*"), "SALES.CORE.RAW\\_EVENTS%");
        assert_eq!(like_pattern("%PII%"), "%PII%");
    }
}
