//! `RunReport`: what one crawl did, for the CLI summary, `--format json`, the daemon and the demo.
//!
//! Plain data plus a text rendering; must not run statements or touch the catalog.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::time::Duration;

use serde::Serialize;

use crate::catalog::{ObjectKind, RunStatus, Severity};

/// A scope the run did not record completely, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CoverageGap {
    /// The ledger label, e.g. `tables:SALES.STAGING`.
    pub scope: String,
    /// `failed`, `denied`, `truncated` or `filtered`.
    pub outcome: String,
    pub code: Option<String>,
    pub message: Option<String>,
}

/// The result of one crawl.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RunReport {
    /// The catalog's run id.
    pub run_id: Option<i64>,
    pub status: RunStatus,
    /// Why the run failed or was cancelled (never containing secrets).
    pub error: Option<String>,
    /// Objects received this run, per kind.
    pub objects: BTreeMap<ObjectKind, u64>,
    /// Change rows recorded, per severity.
    pub changes: BTreeMap<Severity, u64>,
    /// Change rows recorded, per (kind, change) label such as `column/removed`.
    pub changes_by_kind: BTreeMap<String, u64>,
    /// Statements submitted (fallbacks and pages included).
    pub statements: u64,
    /// HTTP retries the client made (only when the client's observer reports them; see docs).
    pub retries: u64,
    pub rows: u64,
    #[serde(serialize_with = "secs")]
    pub duration: Duration,
    /// Scopes that did not complete (filtered ones included).
    pub gaps: Vec<CoverageGap>,
}

fn secs<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64((d.as_secs_f64() * 1000.0).round() / 1000.0)
}

impl RunReport {
    pub fn total_objects(&self) -> u64 {
        self.objects.values().sum()
    }

    pub fn total_changes(&self) -> u64 {
        self.changes.values().sum()
    }

    /// Gaps that make the run partial (filtered scopes are by choice, not a gap in what was asked for).
    pub fn missing(&self) -> impl Iterator<Item = &CoverageGap> {
        self.gaps.iter().filter(|g| g.outcome != "filtered")
    }

    /// A human summary, several lines.
    pub fn render_text(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "crawl {} in {:.1}s: {} statements, {} rows, {} retries{}",
            self.status.as_str(),
            self.duration.as_secs_f64(),
            self.statements,
            self.rows,
            self.retries,
            self.run_id.map(|r| format!(" (run {r})")).unwrap_or_default()
        );
        if let Some(e) = &self.error {
            let _ = writeln!(out, "error: {e}");
        }
        let kinds: Vec<String> = self.objects.iter().map(|(k, n)| format!("{k} {n}")).collect();
        let _ = writeln!(out, "objects: {} ({})", self.total_objects(), kinds.join(", "));
        let sev: Vec<String> = self.changes.iter().map(|(s, n)| format!("{} {n}", s.as_str())).collect();
        let sev = if sev.is_empty() { "none".to_string() } else { sev.join(", ") };
        let _ = writeln!(out, "changes: {} ({sev})", self.total_changes());
        let missing: Vec<&CoverageGap> = self.missing().collect();
        if !missing.is_empty() {
            let _ = writeln!(out, "coverage gaps ({}):", missing.len());
            for g in missing {
                let why = match (&g.code, &g.message) {
                    (Some(c), Some(m)) => format!(": {c} {}", m.replace('\n', " ")),
                    (None, Some(m)) => format!(": {}", m.replace('\n', " ")),
                    _ => String::new(),
                };
                let _ = writeln!(out, "  {} {}{why}", g.scope, g.outcome);
            }
        }
        let filtered = self.gaps.len() - self.missing().count();
        if filtered > 0 {
            let _ = writeln!(out, "filtered scopes: {filtered}");
        }
        out
    }
}
