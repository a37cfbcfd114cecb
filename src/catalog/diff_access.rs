//! The diff rules of the access kinds, run inside `diff::apply`'s transaction after the run's versions
//! are written: a tag assignment's change is `security` when the tag is sensitive (`sensitive_tags`) and
//! `cosmetic` otherwise, and every path through the role hierarchy that this run opened or cut to an
//! object carrying a sensitive tag, or for `PUBLIC`, is recorded as an `access_path` change with the path.
//!
//! The paths are those of `access_paths_all_v`, computed here only from the grants that matter (on a
//! sensitive object, or held by PUBLIC or a role PUBLIC holds) and only in a run that changed a grant,
//! membership, owner or tag assignment, so an unchanged re-crawl of a large account pays nothing. SQL over
//! the catalog's own tables and views; no network, no crawl.

use rusqlite::{Transaction, params};

use super::error::Result;

/// Is tag `tag` (a `DB.S.TAG` text expression) sensitive for account `acc` (an SQL expression)?
fn sensitive(tag: &str, acc: &str) -> String {
    format!(
        "EXISTS (SELECT 1 FROM sensitive_tags st WHERE st.account_id = {acc}
            AND ({tag} = st.tag OR substr({tag}, -length(st.tag) - 1) = '.' || st.tag))"
    )
}

/// A name part as SHOW GRANTS prints it (the same rule as `model_access::show_part`), in SQL.
fn sp(x: &str) -> String {
    format!(
        "(CASE WHEN {x} GLOB '[A-Z_]*' AND NOT {x} GLOB '*[^A-Z0-9_$]*' THEN {x} \
         ELSE '\"' || replace({x}, '\"', '\"\"') || '\"' END)"
    )
}

/// Re-grade this run's tag assignment changes by the account's sensitive tags.
pub(crate) fn grade_tags(tx: &Transaction<'_>, run: i64) -> Result<()> {
    tx.execute(
        &format!(
            "UPDATE changes SET severity = CASE WHEN {} THEN 'security' ELSE 'cosmetic' END
             WHERE run_id = ?1 AND kind = 'tag_reference'",
            sensitive("changes.p5", "(SELECT account_id FROM runs WHERE id = ?1)")
        ),
        [run],
    )?;
    Ok(())
}

/// The access paths run `run` opened or cut, for sensitive objects and for PUBLIC. Called after the
/// run's versions are written, so the versions already hold the run's validity intervals.
pub(crate) fn record_paths(tx: &Transaction<'_>, acc: i64, run: i64) -> Result<()> {
    let relevant: bool = tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM changes WHERE run_id = ?1 AND (field = 'owner'
             OR kind IN ('grant', 'role_membership', 'tag_reference', 'table', 'schema', 'database')))",
        [run],
        |r| r.get(0),
    )?;
    if !relevant {
        return Ok(());
    }
    // Live now or ended by this run: enough to tell the paths before the run from those after it.
    let live = |v: &str| format!("({v}.end_run IS NULL OR {v}.end_run >= ?2)");
    let table_name = format!("{} || '.' || {} || '.' || {}", sp("p1"), sp("p2"), sp("p3"));
    tx.execute_batch(
        "DROP TABLE IF EXISTS temp.ap_sensitive; DROP TABLE IF EXISTS temp.ap_public;
         DROP TABLE IF EXISTS temp.ap_paths;",
    )?;
    tx.execute(
        "CREATE TEMP TABLE ap_sensitive AS SELECT DISTINCT relation_name FROM effective_tags_v
         WHERE account_name = (SELECT name FROM accounts WHERE id = ?1) AND is_sensitive",
        [acc],
    )?;
    tx.execute(
        &format!(
            "CREATE TEMP TABLE ap_public AS WITH RECURSIVE held(name) AS (
                 SELECT 'PUBLIC'
                 UNION
                 SELECT m.p1 FROM versions m JOIN held h ON m.p3 = h.name
                 WHERE m.account_id = ?1 AND m.kind = 'role_membership' AND m.p2 IN ('ROLE', 'DATABASE_ROLE')
                   AND {}
             ) SELECT name FROM held",
            live("m")
        ),
        params![acc, run],
    )?;
    tx.execute(
        &format!(
            "CREATE TEMP TABLE ap_paths AS WITH RECURSIVE
             direct(object_type, object_name, privilege, principal_type, principal, from_run, to_run) AS (
                 SELECT p3, p4, p5, p1, p2, first_run, end_run FROM versions v
                 WHERE account_id = ?1 AND kind = 'grant' AND p1 IN ('ROLE', 'DATABASE_ROLE', 'USER') AND {lv}
                   AND (p4 IN (SELECT relation_name FROM ap_sensitive) OR p2 IN (SELECT name FROM ap_public))
                 UNION
                 SELECT CASE WHEN attrs ->> '$.table_type' LIKE '%VIEW%' THEN 'VIEW' ELSE 'TABLE' END,
                        {table_name}, 'OWNERSHIP', 'ROLE', attrs ->> '$.owner', first_run, end_run
                 FROM versions v WHERE account_id = ?1 AND kind = 'table' AND attrs ->> '$.owner' IS NOT NULL
                   AND {lv} AND {table_name} IN (SELECT relation_name FROM ap_sensitive)
             ),
             reach(object_type, object_name, privilege, principal_type, principal, path, hops, from_run, to_run)
             AS (
                 SELECT object_type, object_name, privilege, principal_type, principal,
                        (CASE principal_type WHEN 'DATABASE_ROLE' THEN 'DATABASE ROLE' ELSE principal_type END)
                            || ' ' || principal || ' -> ' || privilege || ' on ' || object_type || ' ' || object_name,
                        0, from_run, to_run
                 FROM direct
                 UNION ALL
                 SELECT r.object_type, r.object_name, r.privilege, m.p2, m.p3,
                        (CASE m.p2 WHEN 'DATABASE_ROLE' THEN 'DATABASE ROLE' ELSE m.p2 END) || ' ' || m.p3
                            || ' -> ' || r.path,
                        r.hops + 1, max(r.from_run, m.first_run),
                        CASE WHEN r.to_run IS NULL THEN m.end_run WHEN m.end_run IS NULL THEN r.to_run
                             ELSE min(r.to_run, m.end_run) END
                 FROM reach r JOIN versions m ON m.account_id = ?1 AND m.kind = 'role_membership'
                     AND m.p1 = r.principal AND coalesce(m.attrs ->> '$.role_type', 'ROLE') = r.principal_type
                 WHERE r.principal_type <> 'USER' AND r.hops < 16 AND {lm}
                     AND max(r.from_run, m.first_run) < coalesce(r.to_run, m.end_run, 9223372036854775807)
                     AND max(r.from_run, m.first_run) < coalesce(m.end_run, 9223372036854775807)
             )
             SELECT * FROM reach
             WHERE object_name IN (SELECT relation_name FROM ap_sensitive) OR principal = 'PUBLIC'",
            lv = live("v"),
            lm = live("m"),
        ),
        params![acc, run],
    )?;
    tx.execute_batch(
        "CREATE INDEX temp.ap_paths_key ON ap_paths (object_name, privilege, principal, principal_type, object_type)",
    )?;
    let key = "q.object_type = p.object_type AND q.object_name = p.object_name AND q.privilege = p.privilege
               AND q.principal_type = p.principal_type AND q.principal = p.principal";
    tx.execute(
        &format!(
            "INSERT INTO changes (run_id, kind, p1, p2, p3, p4, p5, change, field, after, severity)
             SELECT ?1, 'access_path', p.principal_type, p.principal, p.privilege, p.object_type, p.object_name,
                    'added', 'path', min(p.path), 'security'
             FROM ap_paths p
             WHERE p.from_run = ?1 AND p.to_run IS NULL
               AND NOT EXISTS (SELECT 1 FROM ap_paths q WHERE {key}
                               AND q.from_run < ?1 AND (q.to_run IS NULL OR q.to_run >= ?1))
             GROUP BY p.principal_type, p.principal, p.privilege, p.object_type, p.object_name"
        ),
        [run],
    )?;
    tx.execute(
        &format!(
            "INSERT INTO changes (run_id, kind, p1, p2, p3, p4, p5, change, field, before, severity)
             SELECT ?1, 'access_path', p.principal_type, p.principal, p.privilege, p.object_type, p.object_name,
                    'removed', 'path', min(p.path), 'security'
             FROM ap_paths p
             WHERE p.to_run = ?1 AND p.from_run < ?1
               AND NOT EXISTS (SELECT 1 FROM ap_paths q WHERE {key} AND q.to_run IS NULL)
             GROUP BY p.principal_type, p.principal, p.privilege, p.object_type, p.object_name"
        ),
        [run],
    )?;
    tx.execute_batch("DROP TABLE temp.ap_sensitive; DROP TABLE temp.ap_public; DROP TABLE temp.ap_paths;")?;
    Ok(())
}
