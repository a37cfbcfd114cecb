//! `RunReport`: what one crawl did, for the CLI summary, `--format json`, the daemon and the demo.
//!
//! Plain data plus a text rendering (byte counts in binary units); must not run statements or touch the
//! catalog.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::time::Duration;

use serde::Serialize;

use crate::catalog::{ObjectKind, RunMode, RunStatus, Severity};

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
    /// `full` or `incremental` (columns re-read only for tables whose CREATED or LAST_DDL moved).
    pub mode: RunMode,
    /// Why the run is full (`requested`, `first run`, ...), or that nothing required it to be.
    pub mode_reason: String,
    /// Why the run failed or was cancelled (never containing secrets).
    pub error: Option<String>,
    /// The run stopped at authentication before Snowflake accepted a single request: nothing was listed,
    /// so the scopes it never started are no coverage gaps worth listing.
    pub never_authenticated: bool,
    /// Objects received this run, per kind.
    pub objects: BTreeMap<ObjectKind, u64>,
    /// Change rows recorded, per severity.
    pub changes: BTreeMap<Severity, u64>,
    /// Change rows recorded, per (kind, change) label such as `column/removed`.
    pub changes_by_kind: BTreeMap<String, u64>,
    /// Statements submitted (fallbacks and pages included).
    pub statements: u64,
    /// HTTP requests the client repeated (429, 5xx, transport errors, a 401 token refresh), same requestId.
    pub retries: u64,
    /// `retries` by reason (`rate_limited`, `server`, `transport`, `unauthorized`); absent reasons omitted.
    pub retries_by_reason: BTreeMap<String, u64>,
    /// SQL API response body bytes received on the wire (gzip size when compressed), all statements.
    pub bytes_received: u64,
    /// The same bodies after decompression.
    pub bytes_decoded: u64,
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

    /// A human summary, several lines (two for a run that never authenticated).
    pub fn render_text(&self) -> String {
        let mut out = String::new();
        if self.never_authenticated {
            let run = self.run_id.map(|r| format!(" (run {r})")).unwrap_or_default();
            let _ = writeln!(out, "crawl {}: not authenticated, nothing listed{run}", self.status.as_str());
            let _ = writeln!(out, "error: {}", self.error.as_deref().unwrap_or("authentication failed"));
            return out;
        }
        let reasons: Vec<String> = self.retries_by_reason.iter().map(|(r, n)| format!("{r} {n}")).collect();
        let reasons = if reasons.is_empty() { String::new() } else { format!(" ({})", reasons.join(", ")) };
        let _ = writeln!(
            out,
            "crawl {} in {:.1}s: {} statements, {} rows, {} received ({} decoded), {} retries{reasons}{}",
            self.status.as_str(),
            self.duration.as_secs_f64(),
            self.statements,
            self.rows,
            human_bytes(self.bytes_received),
            human_bytes(self.bytes_decoded),
            self.retries,
            self.run_id.map(|r| format!(" (run {r})")).unwrap_or_default()
        );
        if let Some(e) = &self.error {
            let _ = writeln!(out, "error: {e}");
        }
        let _ = writeln!(out, "mode: {} ({})", self.mode.as_str(), self.mode_reason);
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

/// A byte count for people: `512 B`, `1.5 KiB`, `12.3 MiB`, `2.0 GiB`.
pub fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if n < 1024 {
        return format!("{n} B");
    }
    let mut value = n as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_counts_read_in_binary_units() {
        assert_eq!(human_bytes(0), "0 B");
        assert_eq!(human_bytes(1023), "1023 B");
        assert_eq!(human_bytes(1024), "1.0 KiB");
        assert_eq!(human_bytes(1536), "1.5 KiB");
        assert_eq!(human_bytes(12_897_485), "12.3 MiB");
        assert_eq!(human_bytes(3 << 30), "3.0 GiB");
        assert_eq!(human_bytes(5 << 40), "5.0 TiB");
    }

    #[test]
    fn the_summary_line_shows_bytes_and_retries_by_reason() {
        let report = RunReport {
            run_id: Some(7),
            status: RunStatus::Complete,
            mode: RunMode::Full,
            mode_reason: "first run".into(),
            error: None,
            never_authenticated: false,
            objects: BTreeMap::new(),
            changes: BTreeMap::new(),
            changes_by_kind: BTreeMap::new(),
            statements: 12,
            retries: 3,
            retries_by_reason: [("rate_limited".to_string(), 2), ("server".to_string(), 1)].into(),
            bytes_received: 2 * 1024 * 1024,
            bytes_decoded: 10 * 1024 * 1024,
            rows: 40,
            duration: Duration::from_millis(1500),
            gaps: vec![],
        };
        let first = report.render_text().lines().next().unwrap().to_string();
        assert_eq!(
            first,
            "crawl complete in 1.5s: 12 statements, 40 rows, 2.0 MiB received (10.0 MiB decoded), \
             3 retries (rate_limited 2, server 1) (run 7)"
        );
    }
}
