//! Property test: random sequences of account states written as runs. Every snapshot rebuilt from the
//! catalog equals the state written, and each run's changes equal the true difference between states.

use std::collections::{BTreeMap, BTreeSet};

use crate::catalog_support::*;
use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;
use snowcat::catalog::*;

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn chance(&mut self, pct: u64) -> bool {
        self.next() % 100 < pct
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[(self.next() % xs.len() as u64) as usize]
    }
}

/// A random account state. Created timestamps embed the name and ordinal positions derive from the
/// column name, so no two distinct objects look like a rename; a changed generation is a replace.
fn state(seed: u64) -> Vec<Object> {
    let mut r = Rng(seed | 1);
    let mut out = Vec::new();
    let mut tables = Vec::new();
    for d in ["D1", "D2"] {
        if !r.chance(85) {
            continue;
        }
        let Object::Database(mut x) = db(d) else { unreachable!() };
        x.comment = r.chance(30).then(|| "c".into());
        out.push(Object::Database(x));
        for s in ["S1", "S2"] {
            if !r.chance(75) {
                continue;
            }
            out.push(schema(d, s));
            if r.chance(30) {
                out.push(future(d, Some(s), "TABLE", "SELECT", "R1"));
            }
            for t in ["T1", "T2", "T3"] {
                if !r.chance(65) {
                    continue;
                }
                let mut tb = table_obj(d, s, t);
                // `created` names the table's full path, so no two tables share one: a removed and an added
                // table never look like a rename (the catalog detects renames across schemas and databases).
                tb.created = Some(format!("2026-01-0{}T00:00:00.000Z#{d}.{s}.{t}", 1 + r.next() % 2));
                tb.comment = r.chance(30).then(|| "t".into());
                tb.owner = Some(r.pick(&["SYSADMIN", "ETL"]).into());
                tb.table_type = r.pick(&["BASE TABLE", "VIEW"]).into();
                tb.stats.row_count = Some((r.next() % 1000) as i64);
                out.push(Object::Table(tb));
                tables.push(format!("{d}.{s}.{t}"));
                let mut first = None;
                for (i, c) in ["C1", "C2", "C3"].into_iter().enumerate() {
                    if !r.chance(70) {
                        continue;
                    }
                    let mut cl = col_obj(d, s, t, c, i as i64 + 1);
                    cl.data_type = r.pick(&["TEXT", "NUMBER"]).into();
                    cl.character_maximum_length = Some(if r.chance(50) { 10 } else { 20 });
                    cl.is_nullable = r.chance(50);
                    cl.comment = r.chance(20).then(|| "k".into());
                    out.push(Object::Column(cl));
                    first.get_or_insert(c);
                }
                if let Some(c) = first.filter(|_| r.chance(40)) {
                    out.push(pk(d, s, t, &format!("PK_{t}"), &[c]));
                }
            }
        }
    }
    for role in ["R1", "R2"] {
        for t in &tables {
            if r.chance(25) {
                let Object::Grant(mut g) = grant(role, "SELECT", "TABLE", t) else { unreachable!() };
                g.grant_option = r.chance(20);
                out.push(Object::Grant(g));
            }
        }
    }
    if r.chance(50) {
        out.push(member("R1", "USER", "U1"));
    }
    if r.chance(50) {
        out.push(member("R2", "ROLE", "R1"));
    }
    for w in ["W1", "W2"] {
        if r.chance(70) {
            let mut wh = warehouse(w);
            wh.size = Some(r.pick(&["X-Small", "Large"]).into());
            wh.stats.state = Some(r.pick(&["STARTED", "SUSPENDED"]).into());
            out.push(Object::Warehouse(wh));
        }
    }
    out
}

fn strip_stats(o: &Object) -> Object {
    match o.clone() {
        Object::Table(mut t) => {
            t.stats = TableStats::default();
            Object::Table(t)
        }
        Object::Warehouse(mut w) => {
            w.stats = WarehouseStats::default();
            Object::Warehouse(w)
        }
        o => o,
    }
}

fn by_key(objs: &[Object]) -> BTreeMap<ObjectKey, Object> {
    objs.iter().map(|o| (o.key(), strip_stats(o))).collect()
}

type ChangeSet = BTreeSet<(ObjectKey, String, Option<String>)>;

/// What the changes between two states must be (no renames can occur by construction).
fn expected_changes(old: &[Object], new: &[Object]) -> ChangeSet {
    let (o, n) = (by_key(old), by_key(new));
    let mut out = BTreeSet::new();
    for (k, v) in &n {
        match o.get(k) {
            None => {
                out.insert((k.clone(), "added".into(), None));
            }
            Some(prev) if prev != v => {
                let a: serde_json::Map<String, serde_json::Value> =
                    serde_json::from_str(&prev.attrs_json().unwrap()).unwrap();
                let b: serde_json::Map<String, serde_json::Value> =
                    serde_json::from_str(&v.attrs_json().unwrap()).unwrap();
                // Absent fields are null (attribute JSON leaves nulls out).
                let fields: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
                let null = serde_json::Value::Null;
                for f in fields {
                    let (av, bv) = (a.get(f).unwrap_or(&null), b.get(f).unwrap_or(&null));
                    if av != bv {
                        let replaced = f == "created" && av.is_string() && bv.is_string();
                        let change = if replaced { "replaced" } else { "modified" };
                        out.insert((k.clone(), change.into(), Some(f.clone())));
                    }
                }
            }
            Some(_) => {}
        }
    }
    for k in o.keys().filter(|k| !n.contains_key(*k)) {
        out.insert((k.clone(), "removed".into(), None));
    }
    out
}

fn actual_changes(cat: &Catalog, run: i64) -> ChangeSet {
    let mut stmt = cat
        .connection()
        .prepare("SELECT kind, p1, p2, p3, p4, p5, change, field FROM changes WHERE run_id = ?1")
        .unwrap();
    stmt.query_map([run], |r| {
        let kind = ObjectKind::parse(&r.get::<_, String>(0)?).unwrap();
        let parts: Vec<String> = (1..=5).map(|i| r.get(i)).collect::<Result<_, _>>()?;
        let parts: Vec<&str> = parts.iter().map(String::as_str).collect();
        Ok((ObjectKey::new(kind, &parts), r.get(6)?, r.get(7)?))
    })
    .unwrap()
    .collect::<Result<_, _>>()
    .unwrap()
}

proptest! {
    // Failures are kept beside this file (tests/it/catalog_prop.proptest-regressions) and re-run first.
    #![proptest_config(ProptestConfig {
        cases: 32,
        failure_persistence: Some(Box::new(FileFailurePersistence::WithSource("proptest-regressions"))),
        ..ProptestConfig::default()
    })]
    #[test]
    fn snapshots_and_changes_match_the_states_written(seeds in prop::collection::vec(any::<u64>(), 2..6)) {
        let dir = tempfile::tempdir().unwrap();
        let mut cat = Catalog::open(dir.path().join("c.db")).unwrap();
        let states: Vec<Vec<Object>> = seeds.iter().map(|s| state(*s)).collect();
        let mut runs = Vec::new();
        let mut prev: Vec<Object> = Vec::new();
        for (i, st) in states.iter().enumerate() {
            let summary = write_run(&mut cat, "acct", scopes_for(st));
            // The first run is the baseline: its objects are not reported as added.
            let expected = if i == 0 { ChangeSet::new() } else { expected_changes(&prev, st) };
            prop_assert_eq!(actual_changes(&cat, summary.run_id), expected);
            runs.push(summary.run_id);
            prev = st.clone();
        }
        // Every past snapshot rebuilds exactly, after all runs were written.
        for (run, st) in runs.iter().zip(&states) {
            let got: Vec<Object> = cat.snapshot("acct", Some(*run)).unwrap();
            let want: Vec<Object> = by_key(st).into_values().collect();
            prop_assert_eq!(by_key(&got).into_values().collect::<Vec<_>>(), want);
        }
    }
}
