//! The catalog's lists: runs, changes, a run's coverage gaps, search hits. Each is read a page at a time
//! (`limit`, then the answer's `next_cursor`) and cut to the page budget.

use std::io::Write;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{CatalogSource, CatalogToolError, RunOrTime, limit};
use crate::catalog::query::{ChangeFilter, ChangeRow, CoverageRow, RunRow, SearchFilter, SearchHit};
use crate::catalog::{ObjectKind, Severity};
use crate::tools::page::{PAGE_BYTES, cut_text, fit};
use crate::tools::params::ParamError;
use crate::tools::{Answer, cursor};

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
    /// future_grant or warehouse.
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
    /// Only this kind: database, schema, table (views too), column or warehouse.
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
            let k = if k == "view" { "table".to_string() } else { k };
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

/// The table (or view) a removed column or constraint belongs to, by its printed name: `D.S.T.C` and
/// `D.S.T.NAME` give `D.S.T`. Grants are not folded: each security change stays on its own line.
fn removed_with(c: &ChangeRow) -> Option<String> {
    match c.object_kind.as_str() {
        "column" | "constraint" => c.object_name.rsplit_once('.').map(|(t, _)| t.to_string()),
        _ => None,
    }
}

/// Changes one per line, as `snowcat diff` prints them. The columns and constraints removed with a table
/// removed in the same run are folded into that table's line (`(with 12 columns, 1 constraint)`).
pub fn write_changes(out: &mut dyn Write, rows: &[ChangeRow]) -> std::io::Result<()> {
    use std::collections::{BTreeMap, HashMap, HashSet};
    if rows.is_empty() {
        return writeln!(out, "no changes");
    }
    let removed_tables: HashSet<(i64, &str, &str)> = rows
        .iter()
        .filter(|c| c.object_kind == "table" && c.change == "removed")
        .map(|c| (c.run_id, c.account_name.as_str(), c.object_name.as_str()))
        .collect();
    let mut folded: HashMap<(i64, &str, String), BTreeMap<&str, usize>> = HashMap::new();
    let mut shown = Vec::new();
    for c in rows {
        if c.change == "removed"
            && let Some(table) = removed_with(c)
            && removed_tables.contains(&(c.run_id, c.account_name.as_str(), table.as_str()))
        {
            *folded
                .entry((c.run_id, c.account_name.as_str(), table))
                .or_default()
                .entry(&c.object_kind)
                .or_default() += 1;
            continue;
        }
        shown.push(c);
    }
    for c in shown {
        let mut detail = match &c.field {
            Some(f) => format!(
                " {f}: {} -> {}",
                c.before.as_deref().unwrap_or("NULL"),
                c.after.as_deref().unwrap_or("NULL")
            ),
            None => String::new(),
        };
        if c.object_kind == "table"
            && c.change == "removed"
            && let Some(kids) = folded.get(&(c.run_id, c.account_name.as_str(), c.object_name.clone()))
        {
            let parts: Vec<String> = kids
                .iter()
                .map(|(kind, n)| format!("{n} {kind}{}", if *n == 1 { "" } else { "s" }))
                .collect();
            detail = format!(" (with {})", parts.join(", "));
        }
        writeln!(
            out,
            "run {:<5} {:<9} {:<9} {:<15} {}{}",
            c.run_id, c.severity, c.change, c.object_kind, c.object_name, detail
        )?;
    }
    Ok(())
}

/// The cursor line of a text rendering.
fn more(next: &Option<String>) -> String {
    next.as_ref().map(|c| format!("\nmore: call again with cursor {c:?}")).unwrap_or_default()
}

impl Answer for ChangesAnswer {
    /// The changes as `snowcat diff` prints them.
    fn text(&self) -> String {
        let mut out = Vec::new();
        let _ = write_changes(&mut out, &self.changes);
        format!("{}{}", String::from_utf8_lossy(&out).trim_end(), more(&self.next_cursor))
    }
}

impl Answer for RunsAnswer {
    fn text(&self) -> String {
        let mut out = String::from(
            "run | account | started | finished | status | objects | changes | incomplete scopes",
        );
        for r in &self.runs {
            out.push_str(&format!(
                "\n{} | {} | {} | {} | {} | {} | {} | {}",
                r.run_id,
                r.account_name,
                r.started_at,
                r.finished_at.as_deref().unwrap_or("-"),
                r.status,
                r.objects,
                r.changes,
                r.incomplete_scopes
            ));
        }
        out + &more(&self.next_cursor)
    }
}

impl Answer for CoverageAnswer {
    fn text(&self) -> String {
        let mut out = format!("run {} of {} ({}): ", self.run_id, self.account, self.run_status);
        if self.gaps.is_empty() {
            out.push_str("every scope was seen completely");
        } else {
            out.push_str("scopes not seen completely (nothing under them is reported removed):");
        }
        for g in &self.gaps {
            out.push_str(&format!(
                "\n{} {} {}: {}",
                g.outcome,
                g.scope,
                g.error_code.as_deref().unwrap_or("-"),
                g.error_message.as_deref().unwrap_or("")
            ));
        }
        out + &more(&self.next_cursor)
    }
}

impl Answer for SearchAnswer {
    fn text(&self) -> String {
        let mut out = format!("{} hit(s)", self.hits.len());
        for h in &self.hits {
            out.push_str(&format!("\n{} {} {}", h.account_name, h.object_kind, h.object_name));
            if let Some(c) = &h.comment {
                out.push_str(&format!("  -- {c}"));
            }
        }
        out + &more(&self.next_cursor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(kind: &str, name: &str, change: &str) -> ChangeRow {
        ChangeRow {
            change_id: 0,
            run_id: 2,
            account_name: "acct".into(),
            run_time: None,
            object_kind: kind.into(),
            object_name: name.into(),
            change: change.into(),
            field: None,
            before: None,
            after: None,
            severity: "breaking".into(),
        }
    }

    #[test]
    fn children_of_a_removed_table_fold_into_its_line() {
        let rows = vec![
            change("column", "D.S.T.A", "removed"),
            change("column", "D.S.T.B", "removed"),
            change("constraint", "D.S.T.PK_T", "removed"),
            change("grant", "SELECT on TABLE D.S.T to ROLE R", "removed"),
            change("table", "D.S.T", "removed"),
            // Not folded: another table's column, an added column, any grant.
            change("column", "D.S.U.A", "removed"),
            change("column", "D.S.T.C", "added"),
            change("grant", "SELECT on TABLE D.S.U to ROLE R", "removed"),
        ];
        let mut out = Vec::new();
        write_changes(&mut out, &rows).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 5, "{text}");
        assert!(
            lines[0].ends_with("SELECT on TABLE D.S.T to ROLE R"),
            "grants stay on their own line: {text}"
        );
        assert!(lines[1].ends_with("table           D.S.T (with 2 columns, 1 constraint)"), "{text}");
        assert!(lines[2].ends_with("D.S.U.A") && lines[3].ends_with("D.S.T.C"), "{text}");
        assert!(lines[4].ends_with("SELECT on TABLE D.S.U to ROLE R"), "{text}");
    }

    #[test]
    fn globs_become_like_patterns_with_literal_underscores() {
        assert_eq!(like_pattern("SALES.CORE.RAW_EVENTS*"), "SALES.CORE.RAW\\_EVENTS%");
        assert_eq!(like_pattern("%PII%"), "%PII%");
    }
}
