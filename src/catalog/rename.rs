//! Rename detection between the removed and added sets of one run, on clear evidence only.
//!
//! A table is renamed when exactly one removed and one added table share a non-null `created` timestamp,
//! the same attributes (ignoring `last_ddl`, which a rename bumps) and the same columns; its columns and
//! constraints move with it silently. A column is renamed when, within one table, exactly one removed and
//! one added column have identical attributes (ordinal position, type, ...). A system-named constraint
//! (`SYS_CONSTRAINT_<uuid>`) re-created with the same definition on the same table is the same constraint
//! and moves silently. Anything ambiguous stays removed + added. Works on the TEMP sets built by `diff`.

use std::collections::{BTreeMap, HashMap};

use rusqlite::Transaction;
use serde_json::{Map, Value};

use super::changes::{self, ChangeKind};
use super::diff::{insert_change, key_from_row};
use super::error::Result;
use super::model::{ObjectKey, ObjectKind};

struct Side {
    id: i64,
    key: ObjectKey,
    attrs: String,
}

fn load(tx: &Transaction<'_>, removed: bool, kind: ObjectKind) -> Result<Vec<Side>> {
    let sql = if removed {
        "SELECT v.id, v.kind, v.p1, v.p2, v.p3, v.p4, v.p5, v.attrs FROM d_removed r
         JOIN versions v ON v.id = r.vid WHERE v.kind = ?1"
    } else {
        "SELECT a.sid, s.kind, s.p1, s.p2, s.p3, s.p4, s.p5, s.attrs FROM d_added a
         JOIN stage s ON s.rowid = a.sid WHERE s.kind = ?1"
    };
    let mut stmt = tx.prepare(sql)?;
    let mut rows = stmt.query([kind.as_str()])?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        if let Some(key) = key_from_row(row, 1)? {
            out.push(Side { id: row.get(0)?, key, attrs: row.get(7)? });
        }
    }
    Ok(out)
}

fn count(tx: &Transaction<'_>, table: &str) -> Result<i64> {
    Ok(tx.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))?)
}

/// Pair items that share a signature, only where the signature is unique on both sides.
fn unique_pairs<'a>(
    old: &'a [Side],
    new: &'a [Side],
    old_sig: impl Fn(&Side) -> Option<String>,
    new_sig: impl Fn(&Side) -> Option<String>,
) -> Vec<(&'a Side, &'a Side)> {
    let mut o: HashMap<String, Vec<&Side>> = HashMap::new();
    let mut n: HashMap<String, Vec<&Side>> = HashMap::new();
    for s in old {
        if let Some(k) = old_sig(s) {
            o.entry(k).or_default().push(s);
        }
    }
    for s in new {
        if let Some(k) = new_sig(s) {
            n.entry(k).or_default().push(s);
        }
    }
    let mut pairs = Vec::new();
    for (k, os) in &o {
        if let (Some(ns), [one]) = (n.get(k), os.as_slice())
            && let [other] = ns.as_slice()
        {
            pairs.push((*one, *other));
        }
    }
    pairs
}

fn pair(tx: &Transaction<'_>, old: &Side, new: &Side) -> Result<()> {
    tx.execute("DELETE FROM d_removed WHERE vid = ?1", [old.id])?;
    tx.execute("DELETE FROM d_added WHERE sid = ?1", [new.id])?;
    tx.execute("INSERT INTO d_renamed (vid, sid) VALUES (?1, ?2)", [old.id, new.id])?;
    Ok(())
}

/// Column signature of a table on one side: sorted `name=attrs` of its columns in that side's set.
fn column_sigs(cols: &[Side]) -> BTreeMap<[String; 3], Vec<String>> {
    let mut m: BTreeMap<[String; 3], Vec<String>> = BTreeMap::new();
    for c in cols {
        let p = &c.key.parts;
        m.entry([p[0].clone(), p[1].clone(), p[2].clone()])
            .or_default()
            .push(format!("{}={}", p[3], c.attrs));
    }
    for v in m.values_mut() {
        v.sort();
    }
    m
}

fn table_of(k: &ObjectKey) -> [String; 3] {
    [k.parts[0].clone(), k.parts[1].clone(), k.parts[2].clone()]
}

pub(crate) fn detect(tx: &Transaction<'_>, _acc: i64, run: i64) -> Result<()> {
    if count(tx, "d_removed")? == 0 || count(tx, "d_added")? == 0 {
        return Ok(());
    }
    let old_tables = load(tx, true, ObjectKind::Table)?;
    let new_tables = load(tx, false, ObjectKind::Table)?;
    let old_cols = load(tx, true, ObjectKind::Column)?;
    let new_cols = load(tx, false, ObjectKind::Column)?;
    let (old_sigs, new_sigs) = (column_sigs(&old_cols), column_sigs(&new_cols));
    let table_sig = |sigs: &BTreeMap<[String; 3], Vec<String>>, s: &Side| -> Option<String> {
        let mut attrs: Map<String, Value> = serde_json::from_str(&s.attrs).ok()?;
        attrs.get("created").and_then(Value::as_str)?;
        attrs.remove("last_ddl");
        let cols = sigs.get(&table_of(&s.key)).cloned().unwrap_or_default();
        Some(format!("{}|{}", Value::Object(attrs), cols.join("\u{1f}")))
    };
    let mut moved_tables: HashMap<[String; 3], [String; 3]> = HashMap::new();
    for (o, n) in
        unique_pairs(&old_tables, &new_tables, |s| table_sig(&old_sigs, s), |s| table_sig(&new_sigs, s))
    {
        pair(tx, o, n)?;
        insert_change(
            tx,
            run,
            &n.key,
            ChangeKind::Renamed,
            (Some("name"), Some(&o.key.display()), Some(&n.key.display())),
            changes::renamed_severity(),
        )?;
        moved_tables.insert(table_of(&o.key), table_of(&n.key));
    }
    // Children of a renamed table move with it (same name and attributes): no change rows.
    if !moved_tables.is_empty() {
        let (oc, nc): (Vec<&Side>, Vec<&Side>) = (old_cols.iter().collect(), new_cols.iter().collect());
        move_children(tx, &moved_tables, &oc, &nc)?;
        let (o, n) = (load(tx, true, ObjectKind::Constraint)?, load(tx, false, ObjectKind::Constraint)?);
        move_children(tx, &moved_tables, &o.iter().collect::<Vec<_>>(), &n.iter().collect::<Vec<_>>())?;
    }
    // System-named constraints (`SYS_CONSTRAINT_<uuid>`) get a new name whenever their table is re-created
    // (CREATE OR REPLACE, as dbt does on every run): the same definition on the same table is the same
    // constraint, not a breaking removal plus an addition.
    let (old_cons, new_cons) =
        (load(tx, true, ObjectKind::Constraint)?, load(tx, false, ObjectKind::Constraint)?);
    let system_sig = |s: &Side| -> Option<String> {
        let p = &s.key.parts;
        is_system_constraint_name(&p[3]).then(|| format!("{}|{}|{}|{}|{}", p[0], p[1], p[2], p[4], s.attrs))
    };
    for (o, n) in unique_pairs(&old_cons, &new_cons, system_sig, system_sig) {
        pair(tx, o, n)?;
    }
    // Column renames within a table that itself stayed.
    let remaining_old = load(tx, true, ObjectKind::Column)?;
    let remaining_new = load(tx, false, ObjectKind::Column)?;
    let by_table = |v: &[Side]| {
        let mut m: BTreeMap<[String; 3], Vec<usize>> = BTreeMap::new();
        for (i, s) in v.iter().enumerate() {
            m.entry(table_of(&s.key)).or_default().push(i);
        }
        m
    };
    let new_by_table = by_table(&remaining_new);
    for (table, old_idx) in by_table(&remaining_old) {
        let Some(new_idx) = new_by_table.get(&table) else { continue };
        let olds: Vec<Side> = old_idx.iter().map(|i| clone_side(&remaining_old[*i])).collect();
        let news: Vec<Side> = new_idx.iter().map(|i| clone_side(&remaining_new[*i])).collect();
        for (o, n) in unique_pairs(&olds, &news, |s| Some(s.attrs.clone()), |s| Some(s.attrs.clone())) {
            pair(tx, o, n)?;
            insert_change(
                tx,
                run,
                &n.key,
                ChangeKind::Renamed,
                (Some("name"), Some(&o.key.parts[3]), Some(&n.key.parts[3])),
                changes::renamed_severity(),
            )?;
        }
    }
    Ok(())
}

/// A name Snowflake generated for an unnamed constraint.
pub(crate) fn is_system_constraint_name(name: &str) -> bool {
    name.starts_with("SYS_CONSTRAINT_")
}

fn clone_side(s: &Side) -> Side {
    Side { id: s.id, key: s.key.clone(), attrs: s.attrs.clone() }
}

fn move_children(
    tx: &Transaction<'_>,
    moved: &HashMap<[String; 3], [String; 3]>,
    olds: &[&Side],
    news: &[&Side],
) -> Result<()> {
    if moved.is_empty() {
        return Ok(());
    }
    let mut new_index: HashMap<([String; 3], String, String, String), &Side> = HashMap::new();
    for n in news {
        let p = &n.key.parts;
        new_index.insert((table_of(&n.key), p[3].clone(), p[4].clone(), n.attrs.clone()), n);
    }
    for o in olds {
        let Some(target) = moved.get(&table_of(&o.key)) else { continue };
        let p = &o.key.parts;
        if let Some(n) = new_index.get(&(target.clone(), p[3].clone(), p[4].clone(), o.attrs.clone())) {
            pair(tx, o, n)?;
        }
    }
    Ok(())
}
