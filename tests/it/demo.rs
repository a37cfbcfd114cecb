//! `snowcat demo` end to end: the real binary, run from a scratch directory with `--catalog`, must print a
//! diff holding each scripted change of `config/emulator/demo-changes.sql` exactly once (and the catalog
//! file must agree), report FINANCE.LEDGER as a coverage gap rather than a deletion, and print example
//! queries that work against the file it wrote.

use std::process::Command;

use rusqlite::{Connection, OpenFlags};

/// One scripted change as the diff shows it: severity, change, object kind, object name, changed field.
struct Expected {
    severity: &'static str,
    change: &'static str,
    kind: &'static str,
    name: &'static str,
    field: Option<&'static str>,
}

/// The changes of `demo-changes.sql`, with severities from the catalog rules of issue 4 (breaking = column
/// or table removed or type narrowed; additive = new objects; security = any grant change).
const EXPECTED: [Expected; 14] = [
    Expected {
        severity: "additive",
        change: "added",
        kind: "column",
        name: "SALES.CORE.CUSTOMERS.PHONE",
        field: None,
    },
    Expected {
        severity: "breaking",
        change: "removed",
        kind: "column",
        name: "SALES.CORE.PRODUCTS.WEIGHT_KG",
        field: None,
    },
    Expected {
        severity: "breaking",
        change: "modified",
        kind: "column",
        name: "SALES.CORE.ORDERS.TOTAL",
        field: Some("numeric_precision"),
    },
    Expected {
        severity: "breaking",
        change: "removed",
        kind: "table",
        name: "SALES.STAGING.RAW_EVENTS",
        field: None,
    },
    Expected {
        severity: "breaking",
        change: "replaced",
        kind: "table",
        name: "SALES.REPORTING.MONTHLY_REVENUE",
        field: Some("created"),
    },
    Expected {
        severity: "security",
        change: "added",
        kind: "grant",
        name: "SELECT on TABLE SALES.CORE.ORDERS to ROLE ANALYST",
        field: None,
    },
    Expected {
        severity: "security",
        change: "removed",
        kind: "grant",
        name: "OPERATE on WAREHOUSE COMPUTE_WH to ROLE ANALYST",
        field: None,
    },
    Expected {
        severity: "",
        change: "modified",
        kind: "warehouse",
        name: "TRANSFORM_WH",
        field: Some("size"),
    },
    Expected {
        severity: "security",
        change: "removed",
        kind: "grant",
        name: "USAGE on SCHEMA FINANCE.LEDGER to ROLE SNOWCAT_CRAWLER",
        field: None,
    },
    // The view's query changed but not its columns: additive, printed as a unified diff.
    Expected {
        severity: "additive",
        change: "modified",
        kind: "view",
        name: "SALES.REPORTING.ACTIVE_CUSTOMERS",
        field: Some("text"),
    },
    // A database role granted to an account role, the path it opens to the PII table, and a masking
    // policy detached: security.
    Expected {
        severity: "security",
        change: "added",
        kind: "role_membership",
        name: "role SALES.READER to ROLE FINANCE_ANALYST",
        field: None,
    },
    Expected {
        severity: "security",
        change: "added",
        kind: "access_path",
        name: "SELECT on TABLE SALES.CORE.CUSTOMERS for ROLE FINANCE_ANALYST",
        field: Some("path"),
    },
    Expected {
        severity: "security",
        change: "removed",
        kind: "policy_reference",
        name: "SALES.CORE.EMAIL_MASK on SALES.CORE.CUSTOMERS.EMAIL",
        field: None,
    },
    // A task suspended is an operational change.
    Expected {
        severity: "operational",
        change: "modified",
        kind: "task",
        name: "SALES.PIPELINE.LOAD_ORDERS",
        field: Some("state"),
    },
];

/// Does a printed diff line (`run N severity change kind name[ field: a -> b]`) show `e`?
fn line_shows(line: &str, e: &Expected) -> bool {
    let tokens: Vec<&str> = line.split_whitespace().collect();
    if tokens.len() < 6 || tokens[0] != "run" {
        return false;
    }
    let rest = tokens[5..].join(" ");
    let name_ok = match e.field {
        Some(f) => rest.starts_with(&format!("{} {f}:", e.name)),
        // A removed table's line may say what went with it: `(with 2 columns, 2 grants)`.
        None => rest == e.name || rest.starts_with(&format!("{} (with ", e.name)),
    };
    tokens[3] == e.change
        && tokens[4] == e.kind
        && name_ok
        && (e.severity.is_empty() || tokens[2] == e.severity)
}

#[test]
fn demo_shows_each_scripted_change_once_and_the_coverage_gap() {
    let dir = tempfile::tempdir().unwrap();
    let catalog = dir.path().join("my demo.db");
    std::fs::write(&catalog, "an old demo file that must be replaced").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_snowcat"))
        .args(["demo", "--catalog"])
        .arg(&catalog)
        .current_dir(dir.path())
        .env_remove("SNOWCAT_URL")
        .env_remove("SNOWCAT_CATALOG")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "exit {:?}\n{stdout}\n{stderr}", out.status.code());

    // The printed diff: each scripted change exactly once.
    for e in &EXPECTED {
        let hits: Vec<&str> = stdout.lines().filter(|l| line_shows(l, e)).collect();
        assert_eq!(hits.len(), 1, "{} {} {} in:\n{stdout}", e.change, e.kind, e.name);
    }
    assert!(stdout.contains("BREAKING (") && stdout.contains("SECURITY ("), "{stdout}");
    // The path the database role opened is printed whole.
    assert!(
        stdout.contains(
            "-> ROLE FINANCE_ANALYST -> DATABASE ROLE SALES.READER -> SELECT on TABLE SALES.CORE.CUSTOMERS"
        ),
        "{stdout}"
    );
    assert!(stdout.contains("snowcat access --catalog"), "{stdout}");
    // The view's text as a unified diff under its line: the old condition out, the new one in.
    let diff: Vec<&str> = stdout.lines().map(str::trim_start).collect();
    assert!(diff.iter().any(|l| l.starts_with("@@ -")), "{stdout}");
    assert!(diff.iter().any(|l| l.starts_with('-') && l.ends_with("WHERE IS_ACTIVE")), "{stdout}");
    assert!(
        diff.iter().any(|l| l.starts_with('+') && l.ends_with("WHERE IS_ACTIVE AND EMAIL LIKE '%@%'")),
        "{stdout}"
    );

    // The README's excerpt of this output is true: each of its lines is printed as shown (a line cut with
    // `...` up to there as the start of a printed one; a bare `...` stands for lines left out).
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let excerpt = readme.split("An excerpt of what it prints:").nth(1).expect("the README's demo excerpt");
    let excerpt = excerpt.split("```text").nth(1).unwrap().split("```").next().unwrap();
    let printed: Vec<&str> = stdout.lines().map(str::trim_end).collect();
    for line in excerpt.lines().map(str::trim_end).filter(|l| !l.is_empty() && l.trim() != "...") {
        let shown = match line.split_once("...") {
            Some((prefix, _)) => printed.iter().any(|p| p.starts_with(prefix)),
            None => printed.contains(&line),
        };
        assert!(shown, "README excerpt line not printed by the demo: {line:?}\n{stdout}");
    }

    // One tidy file: no WAL or shared-memory file left beside it.
    let leftovers: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("my demo.db-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");

    // The catalog file agrees: the second run recorded each change once.
    let db = Connection::open_with_flags(&catalog, OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let last: i64 = db.query_row("SELECT max(run_id) FROM runs_v", [], |r| r.get(0)).unwrap();
    let runs: i64 = db.query_row("SELECT count(*) FROM runs_v", [], |r| r.get(0)).unwrap();
    assert_eq!(runs, 2, "two crawls in a fresh file");
    for e in &EXPECTED {
        let n: i64 = db
            .query_row(
                "SELECT count(*) FROM changes_v WHERE run_id = ?1 AND change = ?2 AND object_kind = ?3 \
                 AND object_name = ?4 AND coalesce(field, '') = ?5",
                rusqlite::params![last, e.change, e.kind, e.name, e.field.unwrap_or("")],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(n, 1, "{} {} {} in changes_v", e.change, e.kind, e.name);
    }

    // The revoked schema is a coverage gap, printed and ledgered, and nothing under it was removed.
    let gap_section = stdout.split("Coverage gap").nth(1).unwrap_or_default();
    assert!(gap_section.lines().any(|l| l.contains("denied") && l.contains("FINANCE.LEDGER")), "{stdout}");
    let ledgered: i64 = db
        .query_row(
            "SELECT count(*) FROM coverage_v WHERE outcome = 'denied' AND scope LIKE '%FINANCE.LEDGER%'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(ledgered >= 1);
    let removed: i64 = db
        .query_row(
            "SELECT count(*) FROM changes_v WHERE change = 'removed' AND database_name = 'FINANCE' \
             AND (schema_name = 'LEDGER' OR object_name = 'FINANCE.LEDGER')",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(removed, 0, "a denied schema is not a deletion");
    let status: String =
        db.query_row("SELECT status FROM runs_v WHERE run_id = ?1", [last], |r| r.get(0)).unwrap();
    assert_eq!(status, "partial");

    // The printed sqlite3 examples name the file (shell-quoted) and run against it.
    let examples: Vec<&str> = stdout.lines().filter(|l| l.trim_start().starts_with("sqlite3 ")).collect();
    assert!(examples.len() >= 3, "{stdout}");
    for line in examples {
        let quoted = format!("'{}'", catalog.display());
        assert!(line.contains(&quoted), "{line}");
        let sql = line.split('"').nth(1).unwrap();
        let mut stmt = db.prepare(sql).unwrap_or_else(|e| panic!("{sql}: {e}"));
        let n = stmt.query_map([], |_| Ok(())).unwrap().count();
        assert!(n > 0, "{sql} returns rows");
    }
}
