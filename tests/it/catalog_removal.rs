//! THE REMOVAL RULE: an object is removed only when the scope that lists it completed in the same run.
//! Each non-complete outcome must leave the object current and say why in the ledger (coverage_v).

use crate::catalog_support::*;
use snowcat::catalog::*;

fn base() -> Vec<Object> {
    vec![
        db("D"),
        schema("D", "S"),
        schema("D", "S2"),
        table("D", "S", "T1"),
        table("D", "S", "T2"),
        table("D", "S2", "U"),
        col("D", "S", "T1", "A", 1),
        col("D", "S2", "U", "Z", 1),
        grant("R1", "SELECT", "TABLE", "D.S.T1"),
        grant("R2", "SELECT", "TABLE", "D.S.T2"),
    ]
}

fn current_tables(cat: &Catalog) -> Vec<String> {
    let mut stmt = cat.connection().prepare("SELECT table_name FROM current_tables ORDER BY 1").unwrap();
    stmt.query_map([], |r| r.get(0)).unwrap().collect::<Result<_, _>>().unwrap()
}

fn tables_scope() -> ScopeKey {
    ScopeKey::Tables { database: "D".into(), schema: None }
}

/// Second run: the tables listing returns only T1 and ends with `outcome`.
fn run_with_tables_outcome(outcome: Option<ScopeOutcome>) -> (Catalog, tempfile::TempDir, RunSummary) {
    let dir = tempfile::tempdir().unwrap();
    let mut cat = Catalog::open(dir.path().join("c.db")).unwrap();
    write_run(&mut cat, "acct", scopes_for(&base()));
    let summary = {
        let mut w = cat.begin_run("acct").unwrap();
        w.put(&ScopeKey::Databases, [db("D")]).unwrap();
        w.finish_scope(&ScopeKey::Databases, ScopeOutcome::Complete, Some("h1")).unwrap();
        w.put(&tables_scope(), [table("D", "S", "T1")]).unwrap();
        if let Some(o) = outcome {
            w.finish_scope(&tables_scope(), o, Some("h2")).unwrap();
        }
        w.commit(RunStatus::Partial, RunCounts::default()).unwrap()
    };
    (cat, dir, summary)
}

#[test]
fn complete_scope_removes_missing_objects() {
    let (cat, _d, summary) = run_with_tables_outcome(Some(ScopeOutcome::Complete));
    // T2 is gone; U (schema S2) is also covered by the database-wide tables listing and is gone too.
    assert_eq!(current_tables(&cat), ["T1"]);
    let removed: Vec<_> =
        latest_changes(&cat).into_iter().filter(|c| c.2 == "removed").map(|c| (c.0, c.1)).collect();
    assert_eq!(
        removed,
        [
            ("column".to_string(), "D.S2.U.Z".to_string()),
            ("table".into(), "D.S.T2".into()),
            ("table".into(), "D.S2.U".into())
        ]
    );
    assert_eq!(summary.incomplete_scopes, 0);
}

#[test]
fn incomplete_scopes_change_nothing() {
    let cases = [
        (
            Some(ScopeOutcome::Failed { code: "000604".into(), message: "cancelled".into() }),
            "failed",
            Some("000604"),
        ),
        (
            Some(ScopeOutcome::Denied { code: "002003".into(), message: "not authorized".into() }),
            "denied",
            Some("002003"),
        ),
        (Some(ScopeOutcome::Truncated), "truncated", None),
        (Some(ScopeOutcome::Filtered), "filtered", None),
        (None, "failed", Some("unfinished")),
    ];
    for (outcome, word, code) in cases {
        let (cat, _d, summary) = run_with_tables_outcome(outcome);
        assert_eq!(current_tables(&cat), ["T1", "T2", "U"], "outcome {word}");
        assert!(latest_changes(&cat).is_empty(), "outcome {word}: {:?}", latest_changes(&cat));
        assert_eq!(summary.incomplete_scopes, 1);
        let row: (String, String, Option<String>) = cat
            .connection()
            .query_row("SELECT scope, outcome, error_code FROM coverage_v", [], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .unwrap();
        assert_eq!(row, ("tables:D".to_string(), word.to_string(), code.map(str::to_string)));
    }
}

#[test]
fn narrow_scope_only_covers_its_own_objects() {
    let dir = tempfile::tempdir().unwrap();
    let mut cat = Catalog::open(dir.path().join("c.db")).unwrap();
    write_run(&mut cat, "acct", scopes_for(&base()));
    // Only the tables of schema S are listed (complete) and T2 is missing: U in S2 is untouched.
    let scope = ScopeKey::Tables { database: "D".into(), schema: Some("S".into()) };
    write_run(&mut cat, "acct", vec![(scope, vec![table("D", "S", "T1")], ScopeOutcome::Complete)]);
    assert_eq!(current_tables(&cat), ["T1", "U"]);
    // A grants listing of role R2 completes empty: only R2's grant goes.
    write_run(
        &mut cat,
        "acct",
        vec![(ScopeKey::GrantsToRole { role: "R2".into() }, vec![], ScopeOutcome::Complete)],
    );
    let grantees: Vec<String> = cat
        .connection()
        .prepare("SELECT grantee_name FROM current_grants")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(grantees, ["R1"]);
}

#[test]
fn failed_run_and_abort_change_no_state() {
    let dir = tempfile::tempdir().unwrap();
    let mut cat = Catalog::open(dir.path().join("c.db")).unwrap();
    write_run(&mut cat, "acct", scopes_for(&base()));
    let before = cat.snapshot("acct", None).unwrap();
    let mut w = cat.begin_run("acct").unwrap();
    w.put(&tables_scope(), []).unwrap();
    w.finish_scope(&tables_scope(), ScopeOutcome::Complete, None).unwrap();
    w.commit(RunStatus::Failed, RunCounts::default()).unwrap();
    assert_eq!(cat.snapshot("acct", None).unwrap(), before);
    let mut w = cat.begin_run("acct").unwrap();
    w.put(&tables_scope(), []).unwrap();
    w.finish_scope(&tables_scope(), ScopeOutcome::Complete, None).unwrap();
    w.abort(RunStatus::Cancelled, "shutdown").unwrap();
    assert_eq!(cat.snapshot("acct", None).unwrap(), before);
    let statuses: Vec<String> = cat.runs(None, 10).unwrap().into_iter().map(|r| r.status).collect();
    assert_eq!(statuses, ["cancelled", "failed", "complete"]);
}

#[test]
fn crashed_run_is_abandoned_on_next_start_and_accounts_are_separate() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.db");
    {
        let mut cat = Catalog::open(&path).unwrap();
        write_run(&mut cat, "acct", scopes_for(&base()));
        let mut w = cat.begin_run("acct").unwrap();
        w.put(&tables_scope(), [table("D", "S", "NEW")]).unwrap();
        // dropped without commit: as if the process died
    }
    let mut cat = Catalog::open(&path).unwrap();
    write_run(&mut cat, "other", scopes_for(&[db("X")]));
    assert_eq!(cat.runs(Some("acct"), 10).unwrap()[0].status, "running");
    write_run(&mut cat, "acct", scopes_for(&base()));
    let statuses: Vec<String> = cat.runs(Some("acct"), 10).unwrap().into_iter().map(|r| r.status).collect();
    assert_eq!(statuses, ["complete", "abandoned", "complete"]);
    assert!(latest_changes(&cat).iter().all(|c| c.1 != "D.S.NEW"));
    assert_eq!(cat.snapshot("other", None).unwrap(), vec![db("X")]);
    assert_eq!(cat.snapshot("acct", None).unwrap().len(), base().len());
}
