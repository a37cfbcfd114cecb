//! Retention never loses current state; volatile statistics are latest-plus-samples, never changes.

use crate::catalog_support::*;
use snowcat::catalog::*;

fn count(cat: &Catalog, sql: &str) -> i64 {
    cat.connection().query_row(sql, [], |r| r.get(0)).unwrap()
}

#[test]
fn prune_keeps_current_state_and_latest_run() {
    let dir = tempfile::tempdir().unwrap();
    let mut cat = Catalog::open(dir.path().join("c.db")).unwrap();
    let v1 = vec![db("D"), schema("D", "S"), table("D", "S", "OLD"), table("D", "S", "KEEP")];
    write_run(&mut cat, "acct", scopes_for(&v1));
    let v2 = vec![db("D"), schema("D", "S"), table("D", "S", "KEEP")];
    write_run(&mut cat, "acct", scopes_for(&v2));
    let v3 = vec![db("D"), schema("D", "S"), table("D", "S", "KEEP"), table("D", "S", "NEW")];
    write_run(&mut cat, "acct", scopes_for(&v3));
    write_run(&mut cat, "other", scopes_for(&[db("X")]));
    // Every run is 100 days old.
    cat.connection()
        .execute("UPDATE runs SET started_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-100 days')", [])
        .unwrap();
    let before = cat.snapshot("acct", None).unwrap();

    let report = cat.prune(30, true).unwrap();
    // Runs 1 and 2 of acct go; acct's run 3 and other's only run are each account's latest.
    assert_eq!(report.runs, 2);
    assert_eq!(cat.runs(None, 10).unwrap().iter().map(|r| r.run_id).collect::<Vec<_>>(), [4, 3]);
    // OLD's version ended at run 2, before the oldest kept run: pruned. Everything current stays.
    assert_eq!(report.versions, 1);
    assert_eq!(cat.snapshot("acct", None).unwrap(), before);
    assert_eq!(cat.snapshot("other", None).unwrap(), vec![db("X")]);
    assert_eq!(count(&cat, "SELECT count(*) FROM changes WHERE run_id < 3"), 0);
    assert_eq!(count(&cat, "SELECT count(*) FROM scope_ledger WHERE run_id < 3"), 0);
    // Recent runs are untouched by a second prune.
    assert_eq!(cat.prune(365, true).unwrap(), retention::PruneReport::default());
}

#[test]
fn statistics_update_latest_and_sample_history_without_changes() {
    let dir = tempfile::tempdir().unwrap();
    let mut cat = Catalog::open(dir.path().join("c.db")).unwrap();
    let with_rows = |n: i64, state: &str| {
        let mut t = table_obj("D", "S", "T");
        t.stats = TableStats { row_count: Some(n), bytes: Some(n * 10), last_altered: None };
        let mut w = warehouse("WH");
        w.stats.state = Some(state.into());
        vec![db("D"), schema("D", "S"), Object::Table(t), Object::Warehouse(w)]
    };
    write_run(&mut cat, "acct", scopes_for(&with_rows(1, "SUSPENDED")));
    let s = write_run(&mut cat, "acct", scopes_for(&with_rows(2, "STARTED")));
    assert_eq!(s.total_changes(), 0);
    let (rows, bytes): (i64, i64) = cat
        .connection()
        .query_row("SELECT row_count, bytes FROM current_tables WHERE table_name = 'T'", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert_eq!((rows, bytes), (2, 20));
    let state: String =
        cat.connection().query_row("SELECT state FROM current_warehouses", [], |r| r.get(0)).unwrap();
    assert_eq!(state, "STARTED");
    // Samples at most hourly: the first observation of each object only.
    assert_eq!(count(&cat, "SELECT count(*) FROM stats_history"), 2);
}
