//! The diff rules of the pipeline and code kinds, run inside `diff::apply`'s transaction: hidden details
//! keep their last value (`carry_hidden`), a view's or dynamic table's column list decides whether its new
//! definition breaks (`columns_changed`), and volatile state yields operational events
//! (`record_operational`). Works on the TEMP stage and the versions, like `diff`; no network, no crawl.

use rusqlite::{Transaction, params};
use serde_json::{Map, Value};

use super::changes::{self, ChangeKind};
use super::diff::{KEY_EQ, insert_change, key_from_row};
use super::error::Result;
use super::model::{ObjectKey, ObjectKind};

/// A staged object whose detail is hidden this run keeps the detail it had (the catalog never records a
/// hidden detail as changed). Only these rows pass through Rust; they are rewritten in canonical form.
pub(crate) fn carry_hidden(tx: &Transaction<'_>, acc: i64) -> Result<()> {
    for kind in ObjectKind::PIPELINE.into_iter().chain([ObjectKind::Policy]) {
        let Some((flag, details)) = super::model_pipeline::hidden_details(kind) else { continue };
        let mut stmt = tx.prepare(&format!(
            "SELECT s.rowid, s.kind, s.p1, s.p2, s.p3, s.p4, s.p5, s.attrs, v.attrs FROM stage s JOIN versions v
             ON v.account_id = ?1 AND v.end_run IS NULL AND {KEY_EQ}
             WHERE s.kind = ?2 AND s.attrs ->> '$.{flag}' = 1"
        ))?;
        let mut carried = Vec::new();
        let mut rows = stmt.query(params![acc, kind.as_str()])?;
        while let Some(row) = rows.next()? {
            let Some(key) = key_from_row(row, 1)? else { continue };
            let mut new: Map<String, Value> = serde_json::from_str(&row.get::<_, String>(7)?)?;
            let old: Map<String, Value> = serde_json::from_str(&row.get::<_, String>(8)?)?;
            let mut changed = false;
            for d in details {
                if !new.contains_key(*d)
                    && let Some(v) = old.get(*d)
                {
                    new.insert((*d).to_string(), v.clone());
                    changed = true;
                }
            }
            if changed {
                let merged = serde_json::to_string(&Value::Object(new))?;
                let canonical = super::model::Object::from_stored(&key, &merged)?.attrs_json()?;
                carried.push((row.get::<_, i64>(0)?, canonical));
            }
        }
        for (rowid, attrs) in carried {
            tx.execute("UPDATE temp.stage SET attrs = ?1 WHERE rowid = ?2", params![attrs, rowid])?;
        }
    }
    Ok(())
}

/// Did the column list (names, order, types) of relation `key` (`p1.p2.p3`) change in this run? Unknown
/// (its columns were not listed) counts as unchanged.
pub(crate) fn columns_changed(tx: &Transaction<'_>, acc: i64, key: &ObjectKey) -> Result<bool> {
    let list = |from: &str, filter: &str| {
        format!(
            "(SELECT group_concat(x, '|') FROM (SELECT p4 || ':' || coalesce(attrs ->> '$.data_type', '') AS x
              FROM {from} WHERE {filter} kind = 'column' AND p1 = ?2 AND p2 = ?3 AND p3 = ?4
              ORDER BY CAST(attrs ->> '$.ordinal_position' AS INTEGER)))"
        )
    };
    let sql = format!(
        "SELECT {}, {}",
        list("versions", "account_id = ?1 AND end_run IS NULL AND"),
        list("temp.stage", "?1 = ?1 AND")
    );
    let p = &key.parts;
    let (old, new): (Option<String>, Option<String>) =
        tx.query_row(&sql, params![acc, p[0], p[1], p[2]], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(new.is_some() && old != new)
}

/// Operational events carried by volatile state (`watched_stats`): a stream gone stale (or fresh again), a
/// dynamic table's scheduling suspended or resumed. Compared with the latest state before it is replaced.
pub(crate) fn record_operational(tx: &Transaction<'_>, acc: i64, run: i64) -> Result<()> {
    let mut stmt = tx.prepare(
        "SELECT s.kind, s.p1, s.p2, s.p3, s.p4, s.p5, l.stats, s.stats FROM stage s
         JOIN stats_latest l ON l.account_id = ?1 AND l.kind = s.kind AND l.p1 = s.p1 AND l.p2 = s.p2
             AND l.p3 = s.p3
         WHERE s.kind IN ('stream', 'dynamic_table') AND s.stats IS NOT NULL AND s.stats <> l.stats
         ORDER BY s.kind, s.p1, s.p2, s.p3",
    )?;
    let mut events = Vec::new();
    let mut rows = stmt.query([acc])?;
    while let Some(row) = rows.next()? {
        let Some(key) = key_from_row(row, 0)? else { continue };
        let old: Map<String, Value> = serde_json::from_str(&row.get::<_, String>(6)?)?;
        let new: Map<String, Value> = serde_json::from_str(&row.get::<_, String>(7)?)?;
        for field in super::model_pipeline::watched_stats(key.kind) {
            let (b, a) = (old.get(*field), new.get(*field));
            if let (Some(b), Some(a)) = (b, a)
                && b != a
            {
                events.push((key.clone(), *field, changes::value_text(b), changes::value_text(a)));
            }
        }
    }
    for (key, field, before, after) in events {
        insert_change(
            tx,
            run,
            &key,
            ChangeKind::Modified,
            (Some(field), before.as_deref(), after.as_deref()),
            changes::Severity::Operational,
        )?;
    }
    Ok(())
}
