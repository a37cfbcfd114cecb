//! Set-based diff of a staged run against the current versions, inside SQLite.
//!
//! The crawler's rows sit in the TEMP table `stage`; `apply` computes added / modified / removed sets with
//! SQL joins (THE REMOVAL RULE: only under coverages of scopes that completed), detects renames and
//! CREATE OR REPLACE, writes change rows and closes/opens versions. Runs inside the caller's transaction;
//! never loads the whole account into memory (only changed objects pass through Rust).

use std::time::Duration;

use rusqlite::{Connection, Transaction, params};
use serde_json::{Map, Value};

use super::changes::{self, ChangeKind};
use super::error::Result;
use super::model::{KEY_PARTS, ObjectKey, ObjectKind};
use super::run::{RunSummary, now};
use super::scope::Coverage;

/// A volatile-stats sample goes into `stats_history` at most this often per object.
pub const STATS_SAMPLE_EVERY: Duration = Duration::from_secs(3600);

pub(crate) const STAGE_INSERT: &str =
    "INSERT OR REPLACE INTO temp.stage (kind, p1, p2, p3, p4, p5, attrs, stats)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";

pub(crate) const KEY_EQ: &str =
    "v.kind = s.kind AND v.p1 = s.p1 AND v.p2 = s.p2 AND v.p3 = s.p3 AND v.p4 = s.p4 AND v.p5 = s.p5";

/// Is this the account's first recorded state? Only when nothing was ever recorded (no versions) and no
/// earlier run completed: after a complete crawl of an empty account, what appears later is `added`; after
/// failed runs that recorded nothing, there is still nothing to diff against.
pub(crate) fn is_baseline(conn: &Connection, acc: i64) -> Result<bool> {
    Ok(conn.query_row(
        "SELECT NOT EXISTS (SELECT 1 FROM versions WHERE account_id = ?1)
            AND NOT EXISTS (SELECT 1 FROM runs WHERE account_id = ?1 AND status = 'complete')",
        [acc],
        |r| r.get(0),
    )?)
}

/// The staging area. A baseline run stages into a plain append-only table (no key index to maintain);
/// other runs need the key index for the set-based diff.
pub(crate) fn create_stage(conn: &Connection, baseline: bool) -> Result<()> {
    let unique = if baseline { "" } else { ", UNIQUE (kind, p1, p2, p3, p4, p5)" };
    conn.execute_batch(&format!(
        "DROP TABLE IF EXISTS temp.stage;
         CREATE TEMP TABLE stage (
             kind TEXT NOT NULL, p1 TEXT NOT NULL, p2 TEXT NOT NULL, p3 TEXT NOT NULL, p4 TEXT NOT NULL,
             p5 TEXT NOT NULL, attrs TEXT NOT NULL, stats TEXT{unique});
         DROP TABLE IF EXISTS temp.d_added; DROP TABLE IF EXISTS temp.d_modified;
         DROP TABLE IF EXISTS temp.d_removed; DROP TABLE IF EXISTS temp.d_renamed;
         DROP TABLE IF EXISTS temp.d_match;
         CREATE TEMP TABLE d_match (sid INTEGER PRIMARY KEY, vid INTEGER);
         CREATE TEMP TABLE d_added (sid INTEGER PRIMARY KEY);
         CREATE TEMP TABLE d_modified (sid INTEGER PRIMARY KEY, vid INTEGER NOT NULL);
         CREATE TEMP TABLE d_removed (vid INTEGER PRIMARY KEY);
         CREATE TEMP TABLE d_renamed (vid INTEGER PRIMARY KEY, sid INTEGER NOT NULL);"
    ))?;
    Ok(())
}

pub(crate) fn drop_stage(conn: &Connection) -> Result<()> {
    conn.execute_batch(
        "DROP TABLE IF EXISTS temp.stage; DROP TABLE IF EXISTS temp.d_added;
         DROP TABLE IF EXISTS temp.d_modified; DROP TABLE IF EXISTS temp.d_removed;
         DROP TABLE IF EXISTS temp.d_renamed; DROP TABLE IF EXISTS temp.d_match;",
    )?;
    Ok(())
}

/// Diff the stage against account `acc`'s current versions and record run `run`.
/// `baseline` must be what `is_baseline` said when the stage was created (it decides the stage's shape).
pub(crate) fn apply(
    tx: &Transaction<'_>,
    acc: i64,
    run: i64,
    complete: &[Coverage],
    baseline: bool,
) -> Result<RunSummary> {
    if baseline {
        return apply_baseline(tx, acc, run);
    }
    super::diff_kinds::carry_hidden(tx, acc)?;
    // One pass over the staged rows finds both what is new and what changed (two passes cost twice the
    // index lookups, seconds on a 2M-object account): a staged row with no current version is added, one
    // whose attributes differ is modified.
    tx.execute(
        &format!(
            "INSERT INTO d_match SELECT s.rowid, v.id FROM stage s LEFT JOIN versions v
             ON v.account_id = ?1 AND v.end_run IS NULL AND {KEY_EQ} WHERE v.id IS NULL OR v.attrs <> s.attrs"
        ),
        [acc],
    )?;
    tx.execute_batch(
        "INSERT INTO d_added SELECT sid FROM d_match WHERE vid IS NULL;
         INSERT INTO d_modified SELECT sid, vid FROM d_match WHERE vid IS NOT NULL;",
    )?;
    for cov in complete {
        mark_removed(tx, acc, cov)?;
    }
    cascade_removed(tx, acc)?;
    super::rename::detect(tx, acc, run)?;
    record_added_removed(tx, run)?;
    record_modified(tx, acc, run)?;
    super::diff_kinds::record_operational(tx, acc, run)?;
    tx.execute(
        "UPDATE versions SET end_run = ?1 WHERE id IN
             (SELECT vid FROM d_removed UNION ALL SELECT vid FROM d_modified UNION ALL SELECT vid FROM d_renamed)",
        [run],
    )?;
    tx.execute(
        "INSERT INTO versions (account_id, kind, p1, p2, p3, p4, p5, attrs, first_run)
         SELECT ?1, kind, p1, p2, p3, p4, p5, attrs, ?2 FROM stage WHERE rowid IN
             (SELECT sid FROM d_added UNION ALL SELECT sid FROM d_modified UNION ALL SELECT sid FROM d_renamed)
         ORDER BY kind, p1, p2, p3, p4, p5",
        params![acc, run],
    )?;
    record_stats(tx, acc, run)?;
    super::diff_access::grade_tags(tx, run)?;
    super::diff_access::record_paths(tx, acc, run)?;
    summarize(tx, run)
}

/// The account's first recorded state: every staged object becomes a current version (a later duplicate
/// of the same key wins), nothing can be removed or renamed, and objects are not reported as `added`.
fn apply_baseline(tx: &Transaction<'_>, acc: i64, run: i64) -> Result<RunSummary> {
    let objects = tx.execute(
        "INSERT OR REPLACE INTO versions (account_id, kind, p1, p2, p3, p4, p5, attrs, first_run)
         SELECT ?1, kind, p1, p2, p3, p4, p5, attrs, ?2 FROM stage ORDER BY rowid",
        params![acc, run],
    )?;
    record_stats(tx, acc, run)?;
    let mut summary = summarize(tx, run)?;
    summary.objects = objects as u64;
    Ok(summary)
}

fn mark_removed(tx: &Transaction<'_>, acc: i64, cov: &Coverage) -> Result<()> {
    // `AND x.pN = ?M` for each part the coverage fixes; ?1 is the account, ?2 the kind.
    let mut values: Vec<String> = vec![cov.kind.as_str().to_string()];
    let mut parts = Vec::new();
    for (i, part) in cov.parts.iter().enumerate() {
        if let Some(p) = part {
            values.push(p.clone());
            parts.push((i + 1, values.len() + 1));
        }
    }
    let filter =
        |alias: &str| -> String { parts.iter().map(|(p, n)| format!(" AND {alias}.p{p} = ?{n}")).collect() };
    let mut args: Vec<&dyn rusqlite::ToSql> = vec![&acc];
    args.extend(values.iter().map(|v| v as &dyn rusqlite::ToSql));

    // Nothing is removed when every current version of the scope was staged again: the staged rows of the
    // scope that matched a current version (those not added) number as many as its current versions. Two
    // counts over indexes instead of one probe of the stage per current version.
    let current: i64 = tx
        .prepare_cached(&format!(
            "SELECT count(*) FROM versions v WHERE v.account_id = ?1 AND v.kind = ?2 AND v.end_run IS NULL{}",
            filter("v")
        ))?
        .query_row(args.as_slice(), |r| r.get(0))?;
    let matched: i64 = tx
        .prepare_cached(&format!(
            "SELECT count(*) FROM stage s WHERE ?1 IS NOT NULL AND s.kind = ?2{}
             AND s.rowid NOT IN (SELECT sid FROM d_added)",
            filter("s")
        ))?
        .query_row(args.as_slice(), |r| r.get(0))?;
    if current == matched {
        return Ok(());
    }
    let sql = format!(
        "INSERT OR IGNORE INTO d_removed SELECT v.id FROM versions v
         WHERE v.account_id = ?1 AND v.kind = ?2 AND v.end_run IS NULL{}
         AND NOT EXISTS (SELECT 1 FROM stage s WHERE {KEY_EQ})",
        filter("v")
    );
    tx.prepare_cached(&sql)?.execute(args.as_slice())?;
    Ok(())
}

/// The access kinds a dropped database takes with it (its database roles, policies, tags and what is set
/// on its objects), and those a dropped schema does.
const ACCESS_IN_DB: &str = "'database_role', 'policy', 'tag', 'policy_reference', 'tag_reference'";
const ACCESS_IN_SCHEMA: &str = "'policy', 'tag', 'policy_reference', 'tag_reference'";

/// A removed container removes what it contains (its listing completed and it is gone).
fn cascade_removed(tx: &Transaction<'_>, acc: i64) -> Result<()> {
    let pipeline = ObjectKind::PIPELINE.map(|k| format!("'{}'", k.as_str())).join(", ");
    let levels = [
        (
            "database",
            format!("'schema', 'table', 'column', 'constraint', 'future_grant', {pipeline}, {ACCESS_IN_DB}"),
            "c.p1 = p.p1",
        ),
        (
            "schema",
            format!("'table', 'column', 'constraint', 'future_grant', {pipeline}, {ACCESS_IN_SCHEMA}"),
            "c.p1 = p.p1 AND c.p2 = p.p2",
        ),
        (
            "table",
            "'column', 'constraint', 'view', 'dynamic_table', 'policy_reference', 'tag_reference'"
                .to_string(),
            "c.p1 = p.p1 AND c.p2 = p.p2 AND c.p3 = p.p3",
        ),
    ];
    for (parent, kinds, join) in levels {
        tx.execute(
            &format!(
                "INSERT OR IGNORE INTO d_removed
                 SELECT c.id FROM d_removed r JOIN versions p ON p.id = r.vid AND p.kind = '{parent}'
                 JOIN versions c ON c.account_id = ?1 AND c.end_run IS NULL AND c.kind IN ({kinds}) AND {join}
                 WHERE NOT EXISTS (SELECT 1 FROM stage s WHERE s.kind = c.kind AND s.p1 = c.p1 AND s.p2 = c.p2
                     AND s.p3 = c.p3 AND s.p4 = c.p4 AND s.p5 = c.p5)"
            ),
            [acc],
        )?;
    }
    Ok(())
}

const SECURITY_CASE: &str = "CASE WHEN kind IN ('grant', 'role_membership', 'future_grant', 'database_role', \
    'policy', 'policy_reference')";

fn record_added_removed(tx: &Transaction<'_>, run: i64) -> Result<()> {
    tx.execute(
        &format!(
            "INSERT INTO changes (run_id, kind, p1, p2, p3, p4, p5, change, severity)
             SELECT ?1, kind, p1, p2, p3, p4, p5, 'removed',
                 {SECURITY_CASE} THEN 'security' ELSE 'breaking' END
             FROM versions WHERE id IN (SELECT vid FROM d_removed) ORDER BY kind, p1, p2, p3, p4, p5"
        ),
        [run],
    )?;
    tx.execute(
        &format!(
            "INSERT INTO changes (run_id, kind, p1, p2, p3, p4, p5, change, severity)
             SELECT ?1, kind, p1, p2, p3, p4, p5, 'added',
                 {SECURITY_CASE} THEN 'security' ELSE 'additive' END
             FROM stage WHERE rowid IN (SELECT sid FROM d_added) ORDER BY kind, p1, p2, p3, p4, p5"
        ),
        [run],
    )?;
    Ok(())
}

/// Insert one change row.
pub(crate) fn insert_change(
    tx: &Transaction<'_>,
    run: i64,
    key: &ObjectKey,
    change: ChangeKind,
    (field, before, after): (Option<&str>, Option<&str>, Option<&str>),
    severity: changes::Severity,
) -> Result<()> {
    let mut stmt = tx.prepare_cached(
        "INSERT INTO changes (run_id, kind, p1, p2, p3, p4, p5, change, field, before, after, severity)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?;
    let p = &key.parts;
    stmt.execute(params![
        run,
        key.kind.as_str(),
        p[0],
        p[1],
        p[2],
        p[3],
        p[4],
        change.as_str(),
        field,
        before,
        after,
        severity.as_str()
    ])?;
    Ok(())
}

pub(crate) fn key_from_row(row: &rusqlite::Row<'_>, first: usize) -> rusqlite::Result<Option<ObjectKey>> {
    let kind: String = row.get(first)?;
    let mut parts: [String; KEY_PARTS] = Default::default();
    for (i, p) in parts.iter_mut().enumerate() {
        *p = row.get(first + 1 + i)?;
    }
    Ok(ObjectKind::parse(&kind).map(|kind| ObjectKey { kind, parts }))
}

fn record_modified(tx: &Transaction<'_>, acc: i64, run: i64) -> Result<()> {
    let mut stmt = tx.prepare(
        "SELECT s.kind, s.p1, s.p2, s.p3, s.p4, s.p5, v.attrs, s.attrs
         FROM d_modified m JOIN stage s ON s.rowid = m.sid JOIN versions v ON v.id = m.vid
         ORDER BY s.kind, s.p1, s.p2, s.p3, s.p4, s.p5",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        let Some(key) = key_from_row(row, 0)? else { continue };
        let old: Map<String, Value> = serde_json::from_str(&row.get::<_, String>(6)?)?;
        let new: Map<String, Value> = serde_json::from_str(&row.get::<_, String>(7)?)?;
        let created = |m: &Map<String, Value>| m.get("created").and_then(Value::as_str).map(str::to_string);
        let replaced = matches!((created(&old), created(&new)), (Some(a), Some(b)) if a != b);
        if replaced {
            insert_change(
                tx,
                run,
                &key,
                ChangeKind::Replaced,
                (Some("created"), created(&old).as_deref(), created(&new).as_deref()),
                changes::replaced_severity(key.kind),
            )?;
        }
        for fc in changes::field_changes(key.kind, &old, &new) {
            if replaced && fc.field == "created" {
                continue;
            }
            let severity = if changes::is_definition(key.kind, &fc.field) {
                let relation = matches!(key.kind, ObjectKind::View | ObjectKind::DynamicTable);
                let columns = relation && super::diff_kinds::columns_changed(tx, acc, &key)?;
                changes::definition_severity(fc.before.as_deref(), fc.after.as_deref(), columns)
            } else {
                fc.severity
            };
            insert_change(
                tx,
                run,
                &key,
                ChangeKind::Modified,
                (Some(&fc.field), fc.before.as_deref(), fc.after.as_deref()),
                severity,
            )?;
        }
    }
    Ok(())
}

fn record_stats(tx: &Transaction<'_>, acc: i64, run: i64) -> Result<()> {
    let now = now();
    let horizon = (chrono::Utc::now()
        - chrono::Duration::from_std(STATS_SAMPLE_EVERY).unwrap_or(chrono::Duration::zero()))
    .to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let changed = "FROM stage s LEFT JOIN stats_latest l ON l.account_id = ?1 AND l.kind = s.kind
         AND l.p1 = s.p1 AND l.p2 = s.p2 AND l.p3 = s.p3
         WHERE s.stats IS NOT NULL AND (l.stats IS NULL OR l.stats <> s.stats)";
    tx.execute(
        &format!(
            "INSERT INTO stats_history (account_id, kind, p1, p2, p3, stats, run_id, observed_at)
             SELECT ?1, s.kind, s.p1, s.p2, s.p3, s.stats, ?2, ?3 {changed}
                 AND (l.sampled_at IS NULL OR l.sampled_at <= ?4)"
        ),
        params![acc, run, now, horizon],
    )?;
    tx.execute(
        &format!(
            "INSERT INTO stats_latest (account_id, kind, p1, p2, p3, stats, run_id, observed_at, sampled_at)
             SELECT ?1, s.kind, s.p1, s.p2, s.p3, s.stats, ?2, ?3,
                 CASE WHEN l.sampled_at IS NULL OR l.sampled_at <= ?4 THEN ?3 ELSE l.sampled_at END
             {changed}
             ON CONFLICT (account_id, kind, p1, p2, p3) DO UPDATE SET stats = excluded.stats,
                 run_id = excluded.run_id, observed_at = excluded.observed_at, sampled_at = excluded.sampled_at"
        ),
        params![acc, run, now, horizon],
    )?;
    Ok(())
}

fn summarize(tx: &Transaction<'_>, run: i64) -> Result<RunSummary> {
    let mut summary = RunSummary { run_id: run, ..RunSummary::default() };
    summary.objects = tx.query_row("SELECT count(*) FROM stage", [], |r| r.get::<_, i64>(0))? as u64;
    let mut stmt = tx
        .prepare("SELECT kind, change, severity, count(*) FROM changes WHERE run_id = ?1 GROUP BY 1, 2, 3")?;
    let mut rows = stmt.query([run])?;
    while let Some(row) = rows.next()? {
        let (k, c, s): (String, String, String) = (row.get(0)?, row.get(1)?, row.get(2)?);
        let n: i64 = row.get(3)?;
        if let (Some(k), Some(c), Some(s)) =
            (ObjectKind::parse(&k), ChangeKind::parse(&c), changes::Severity::parse(&s))
        {
            summary.changes.insert((k, c, s), n as u64);
        }
    }
    Ok(summary)
}
