//! UNDROP TABLE: a dropped table (or dynamic, external, transient table) comes back as it was dropped,
//! with its `CREATED` kept and `LAST_DDL` / `LAST_ALTERED` moved to the undrop (metadata-shapes-2 §7.2;
//! Snowflake docs `sql/undrop-table`: the most recent dropped version is restored; a table of the same
//! name must not exist). Privileges granted on the table are not restored here (the docs do not say).
//!
//! Must not render results or decide visibility.

use super::ddl::{DdlContext, already_exists, resolve_object};
use super::lexer::Cursor;
use super::model::Account;
use super::result::SqlError;

/// `UNDROP TABLE [db.][schema.]name`.
pub fn undrop(account: &mut Account, ctx: &mut DdlContext, c: &mut Cursor) -> Result<String, SqlError> {
    c.expect_kw("UNDROP")?;
    let _ = c.kws(&["DYNAMIC"]) || c.kws(&["EXTERNAL"]);
    c.expect_kw("TABLE")?;
    let (db, schema, name) = resolve_object(ctx, c.object_name()?)?;
    if account.schema(&db, &schema).is_none() {
        return Err(SqlError::does_not_exist("Schema", &format!("{db}.{schema}")));
    }
    if account.table(&db, &schema, &name).is_some() {
        return Err(already_exists(&name));
    }
    let at = account
        .dropped_tables
        .iter()
        .rposition(|(d, s, t)| *d == db && *s == schema && t.name == name)
        .ok_or_else(|| SqlError::does_not_exist("Table", &format!("{db}.{schema}.{name}")))?;
    let (_, _, mut table) = account.dropped_tables.remove(at);
    let now = account.tick(ctx.now_ms);
    table.last_ddl = now;
    table.last_altered = now;
    if let Some(s) = account.schema_mut(&db, &schema) {
        s.tables.push(table);
    }
    Ok(format!("Table {name} successfully restored."))
}
