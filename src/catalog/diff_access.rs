//! The diff rules of the access kinds, run inside `diff::apply`'s transaction after the run's versions
//! are written: a tag assignment's change is `security` when the tag is sensitive (`sensitive_tags`) and
//! `cosmetic` otherwise, and every path through the role hierarchy that this run opened or cut to an
//! object carrying a sensitive tag, or for `PUBLIC`, is recorded as an `access_path` change with the path.
//! SQL over the catalog's own views (`access_paths_all_v`, `effective_tags_v`); no network, no crawl.

use rusqlite::{Transaction, params};

use super::error::Result;

/// Is tag `tag` (a `DB.S.TAG` text expression) sensitive for account `acc` (an SQL expression)?
fn sensitive(tag: &str, acc: &str) -> String {
    format!(
        "EXISTS (SELECT 1 FROM sensitive_tags st WHERE st.account_id = {acc}
            AND ({tag} = st.tag OR substr({tag}, -length(st.tag) - 1) = '.' || st.tag))"
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
/// run's versions are written, so `access_paths_all_v` already holds the run's validity intervals.
pub(crate) fn record_paths(tx: &Transaction<'_>, acc: i64, run: i64) -> Result<()> {
    let key = "q.object_type = p.object_type AND q.object_name = p.object_name AND q.privilege = p.privilege
               AND q.principal_type = p.principal_type AND q.principal = p.principal";
    let watched = "(p.principal = 'PUBLIC' OR EXISTS (SELECT 1 FROM effective_tags_v e
                    WHERE e.account_name = p.account_name AND e.is_sensitive
                      AND e.relation_name = p.object_name))";
    let account = "p.account_name = (SELECT name FROM accounts WHERE id = ?1)";
    tx.execute(
        &format!(
            "INSERT INTO changes (run_id, kind, p1, p2, p3, p4, p5, change, field, after, severity)
             SELECT ?2, 'access_path', p.principal_type, p.principal, p.privilege, p.object_type, p.object_name,
                    'added', 'path', min(p.path), 'security'
             FROM access_paths_all_v p
             WHERE {account} AND p.valid_from_run = ?2 AND p.valid_to_run IS NULL AND {watched}
               AND NOT EXISTS (SELECT 1 FROM access_paths_all_v q WHERE q.account_name = p.account_name AND {key}
                               AND q.valid_from_run < ?2 AND (q.valid_to_run IS NULL OR q.valid_to_run >= ?2))
             GROUP BY p.principal_type, p.principal, p.privilege, p.object_type, p.object_name"
        ),
        params![acc, run],
    )?;
    tx.execute(
        &format!(
            "INSERT INTO changes (run_id, kind, p1, p2, p3, p4, p5, change, field, before, severity)
             SELECT ?2, 'access_path', p.principal_type, p.principal, p.privilege, p.object_type, p.object_name,
                    'removed', 'path', min(p.path), 'security'
             FROM access_paths_all_v p
             WHERE {account} AND p.valid_to_run = ?2 AND {watched}
               AND NOT EXISTS (SELECT 1 FROM access_paths_all_v q WHERE q.account_name = p.account_name AND {key}
                               AND q.valid_to_run IS NULL)
             GROUP BY p.principal_type, p.principal, p.privilege, p.object_type, p.object_name"
        ),
        params![acc, run],
    )?;
    Ok(())
}
