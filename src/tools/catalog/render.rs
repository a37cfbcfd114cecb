//! The text renderings of the catalog lists: changes as `snowcat diff` prints them (shared with it, and with
//! `--text`'s unified diffs of changed definitions), runs, coverage gaps and search hits one per line, each
//! followed by how to get the next page.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Write;

use super::lists::{ChangesAnswer, CoverageAnswer, RunsAnswer, SearchAnswer};
use crate::catalog::ObjectKind;
use crate::catalog::query::ChangeRow;
use crate::tools::Answer;
use crate::tools::textdiff::unified;

/// The table (or view) a removed column or constraint belongs to, by its printed name: `D.S.T.C` and
/// `D.S.T.NAME` give `D.S.T`. Grants are not folded: each security change stays on its own line.
fn removed_with(c: &ChangeRow) -> Option<String> {
    match c.object_kind.as_str() {
        "column" | "constraint" => c.object_name.rsplit_once('.').map(|(t, _)| t.to_string()),
        _ => None,
    }
}

/// Is this change a new definition text that `text` shows as a unified diff?
fn is_text_change(c: &ChangeRow) -> bool {
    let kind = ObjectKind::parse(&c.object_kind);
    c.before.is_some()
        && c.after.is_some()
        && kind.zip(c.field.as_deref()).is_some_and(|(k, f)| crate::catalog::changes::is_definition(k, f))
}

/// Changes one per line, as `snowcat diff` prints them. The columns and constraints removed with a table
/// removed in the same run are folded into that table's line (`(with 12 columns, 1 constraint)`). With
/// `text`, a changed definition is printed as a unified diff under its line.
pub fn write_changes(out: &mut dyn Write, rows: &[ChangeRow], text: bool) -> std::io::Result<()> {
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
        let diff = (text && is_text_change(c))
            .then(|| unified(c.before.as_deref().unwrap_or(""), c.after.as_deref().unwrap_or("")));
        let mut detail = match &c.field {
            Some(f) if diff.is_some() => format!(" {f}: (unified diff)"),
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
        for line in diff.iter().flat_map(|d| d.lines()) {
            writeln!(out, "    {line}")?;
        }
    }
    Ok(())
}

pub(super) fn more(next: &Option<String>) -> String {
    next.as_ref().map(|c| format!("\nmore: call again with cursor {c:?}")).unwrap_or_default()
}

impl Answer for ChangesAnswer {
    /// The changes as `snowcat diff` prints them.
    fn text(&self) -> String {
        let mut out = Vec::new();
        let _ = write_changes(&mut out, &self.changes, true);
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
        write_changes(&mut out, &rows, false).unwrap();
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
}
