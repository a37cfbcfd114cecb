//! SHOW VIEWS / DYNAMIC TABLES / STREAMS / TASKS / PIPES / STAGES / USER FUNCTIONS / USER PROCEDURES /
//! SEQUENCES rows -> catalog objects (by lowercase SHOW column name), and the INFORMATION_SCHEMA detail
//! rows (routine bodies, sequence starts) applied to them. Details a listing does not carry start out
//! hidden; a detail row reveals them.

use super::{flag, int, name, text, time};
use crate::catalog::{
    DynamicTable, DynamicTableStats, Object, ObjectKind, Pipe, Routine, Sequence, Stage, Stream, StreamStats,
    Task, TaskStats, View,
};
use crate::sqlapi::{Row, SqlApiError};

fn place(row: &Row) -> Result<(String, String, String), SqlApiError> {
    Ok((name(row, "database_name")?, name(row, "schema_name")?, name(row, "name")?))
}

/// A `true`/`false` text that may be NULL (NULL stays unknown).
fn opt_flag(row: &Row, col: &str) -> Result<Option<bool>, SqlApiError> {
    Ok(match text(row, col)? {
        Some(_) => Some(flag(row, col)?),
        None => None,
    })
}

/// One row of the SHOW command of `kind`.
pub fn object(kind: ObjectKind, row: &Row) -> Result<Object, SqlApiError> {
    Ok(match kind {
        ObjectKind::View => view(row)?,
        ObjectKind::DynamicTable => dynamic_table(row)?,
        ObjectKind::Stream => stream(row)?,
        ObjectKind::Task => task(row)?,
        ObjectKind::Pipe => pipe(row)?,
        ObjectKind::Stage => stage(row)?,
        ObjectKind::Function => Object::Function(routine(row, true)?),
        ObjectKind::Procedure => Object::Procedure(routine(row, false)?),
        _ => sequence(row)?,
    })
}

fn view(row: &Row) -> Result<Object, SqlApiError> {
    let (database, schema, name) = place(row)?;
    let text = text(row, "text")?;
    let is_secure = flag(row, "is_secure")?;
    Ok(Object::View(View {
        database,
        schema,
        name,
        // Only roles holding the owner role see a secure view's text; the others get an empty one.
        text_hidden: is_secure && text.is_none(),
        text,
        is_secure,
        is_materialized: flag(row, "is_materialized")?,
        owner: super::text(row, "owner")?,
        comment: super::text(row, "comment")?,
        created: time(row, "created_on")?,
    }))
}

fn dynamic_table(row: &Row) -> Result<Object, SqlApiError> {
    let (database, schema, name) = place(row)?;
    Ok(Object::DynamicTable(DynamicTable {
        database,
        schema,
        name,
        text: text(row, "text")?,
        target_lag: text(row, "target_lag")?,
        warehouse: text(row, "warehouse")?,
        refresh_mode: text(row, "refresh_mode")?,
        cluster_by: text(row, "cluster_by")?,
        owner: text(row, "owner")?,
        comment: text(row, "comment")?,
        created: time(row, "created_on")?,
        stats: DynamicTableStats {
            scheduling_state: text(row, "scheduling_state")?,
            rows: int(row, "rows")?,
            bytes: int(row, "bytes")?,
            data_timestamp: time(row, "data_timestamp")?,
            last_suspended_on: time(row, "last_suspended_on")?,
        },
    }))
}

fn stream(row: &Row) -> Result<Object, SqlApiError> {
    let (database, schema, name) = place(row)?;
    Ok(Object::Stream(Stream {
        database,
        schema,
        name,
        source: text(row, "table_name")?,
        source_type: text(row, "source_type")?,
        stream_type: text(row, "type")?,
        mode: text(row, "mode")?,
        owner: text(row, "owner")?,
        comment: text(row, "comment")?,
        created: time(row, "created_on")?,
        stats: StreamStats {
            stale: opt_flag(row, "stale")?,
            stale_after: time(row, "stale_after")?,
            invalid_reason: text(row, "invalid_reason")?.filter(|r| r != "N/A"),
        },
    }))
}

/// `predecessors` is a JSON array as text (pretty-printed); names are kept as SHOW prints them.
fn predecessors(row: &Row) -> Result<Vec<String>, SqlApiError> {
    let Some(raw) = text(row, "predecessors")? else { return Ok(Vec::new()) };
    serde_json::from_str::<Vec<String>>(&raw).map_err(|e| SqlApiError::Value {
        column: "predecessors".into(),
        column_type: "text".into(),
        value: raw.clone(),
        reason: format!("not a JSON array of names: {e}"),
    })
}

fn task(row: &Row) -> Result<Object, SqlApiError> {
    let (database, schema, name) = place(row)?;
    Ok(Object::Task(Task {
        database,
        schema,
        name,
        schedule: text(row, "schedule")?,
        warehouse: text(row, "warehouse")?,
        predecessors: predecessors(row)?,
        condition: text(row, "condition")?,
        definition: text(row, "definition")?,
        state: text(row, "state")?.map(|s| s.to_ascii_lowercase()),
        allow_overlapping_execution: opt_flag(row, "allow_overlapping_execution")?,
        error_integration: text(row, "error_integration")?,
        owner: text(row, "owner")?,
        comment: text(row, "comment")?,
        created: time(row, "created_on")?,
        stats: TaskStats {
            last_committed_on: time(row, "last_committed_on")?,
            last_suspended_on: time(row, "last_suspended_on")?,
            last_suspended_reason: text(row, "last_suspended_reason")?,
        },
    }))
}

fn pipe(row: &Row) -> Result<Object, SqlApiError> {
    let (database, schema, name) = place(row)?;
    let notification_channel = text(row, "notification_channel")?;
    let integration = text(row, "integration")?;
    Ok(Object::Pipe(Pipe {
        database,
        schema,
        name,
        definition: text(row, "definition")?,
        auto_ingest: notification_channel.is_some() || integration.is_some(),
        notification_channel,
        integration,
        pattern: text(row, "pattern")?,
        error_integration: text(row, "error_integration")?,
        owner: text(row, "owner")?,
        comment: text(row, "comment")?,
        created: time(row, "created_on")?,
    }))
}

fn stage(row: &Row) -> Result<Object, SqlApiError> {
    let (database, schema, name) = place(row)?;
    Ok(Object::Stage(Stage {
        database,
        schema,
        name,
        url: text(row, "url")?,
        stage_type: text(row, "type")?,
        cloud: text(row, "cloud")?,
        storage_integration: text(row, "storage_integration")?,
        has_credentials: flag(row, "has_credentials")?,
        has_encryption_key: flag(row, "has_encryption_key")?,
        directory_enabled: flag(row, "directory_enabled")?,
        owner: text(row, "owner")?,
        comment: text(row, "comment")?,
        created: time(row, "created_on")?,
    }))
}

/// `NAME(NUMBER, VARCHAR) RETURN NUMBER` -> (`(NUMBER, VARCHAR)`, `NUMBER`).
pub fn split_arguments(routine: &str, arguments: &str) -> (String, Option<String>) {
    let rest = arguments.strip_prefix(routine).unwrap_or(arguments);
    let rest = rest.find('(').map_or(rest, |i| &rest[i..]);
    match rest.find(") RETURN ") {
        Some(i) => (rest[..=i].to_string(), Some(rest[i + 9..].trim().to_string())),
        None => (rest.trim().to_string(), None),
    }
}

/// `(A NUMBER, B VARCHAR)` (INFORMATION_SCHEMA, with argument names) -> `(NUMBER, VARCHAR)`.
pub fn signature_types(argument_signature: &str) -> String {
    let inner = argument_signature.trim().trim_start_matches('(').trim_end_matches(')');
    let (mut parts, mut cur, mut depth) = (Vec::new(), String::new(), 0i32);
    for c in inner.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(std::mem::take(&mut cur));
                continue;
            }
            _ => {}
        }
        cur.push(c);
    }
    if !cur.trim().is_empty() {
        parts.push(cur);
    }
    let types: Vec<&str> = parts
        .iter()
        .map(|p| p.trim().split_once(char::is_whitespace).map_or(p.trim(), |(_, t)| t.trim()))
        .collect();
    format!("({})", types.join(", "))
}

fn routine(row: &Row, function: bool) -> Result<Routine, SqlApiError> {
    let name = name(row, "name")?;
    let arguments = text(row, "arguments")?.unwrap_or_default();
    let (signature, return_type) = split_arguments(&name, &arguments);
    let default = if function { "user-defined function" } else { "user-defined procedure" };
    Ok(Routine {
        database: super::name(row, "catalog_name")?,
        schema: super::name(row, "schema_name")?,
        name,
        signature,
        return_type,
        language: if function { text(row, "language")? } else { None },
        body: None,
        body_hidden: true,
        is_secure: flag(row, "is_secure")?,
        is_table_function: flag(row, "is_table_function")?,
        comment: text(row, "description")?.filter(|d| d != default),
        created: time(row, "created_on")?,
    })
}

fn sequence(row: &Row) -> Result<Object, SqlApiError> {
    let (database, schema, name) = place(row)?;
    Ok(Object::Sequence(Sequence {
        database,
        schema,
        name,
        start: None,
        start_hidden: true,
        increment: int(row, "interval")?,
        ordered: flag(row, "ordered")?,
        owner: text(row, "owner")?,
        comment: text(row, "comment")?,
        created: time(row, "created_on")?,
        next_value: int(row, "next_value")?,
    }))
}

/// The key a detail row belongs to: (schema, name, signature) — the signature empty for sequences.
pub fn detail_key(kind: ObjectKind, row: &Row) -> Result<(String, String, String), SqlApiError> {
    let prefix = match kind {
        ObjectKind::Function => "FUNCTION",
        ObjectKind::Procedure => "PROCEDURE",
        _ => "SEQUENCE",
    };
    let sig = match kind {
        ObjectKind::Sequence => String::new(),
        _ => signature_types(&text(row, "ARGUMENT_SIGNATURE")?.unwrap_or_default()),
    };
    Ok((name(row, &format!("{prefix}_SCHEMA"))?, name(row, &format!("{prefix}_NAME"))?, sig))
}

/// Reveal what a detail row shows of `object`: a routine's language and body (a secure routine's body
/// only for its owner), a sequence's start.
pub fn apply_detail(object: &mut Object, row: &Row) -> Result<(), SqlApiError> {
    let prefix = if matches!(object, Object::Function(_)) { "FUNCTION" } else { "PROCEDURE" };
    match object {
        Object::Function(r) | Object::Procedure(r) => {
            r.language = text(row, &format!("{prefix}_LANGUAGE"))?.or(r.language.take());
            if let Some(body) = row.opt::<String>(&format!("{prefix}_DEFINITION"))? {
                r.body = Some(body);
                r.body_hidden = false;
            }
        }
        Object::Sequence(q) => {
            q.start = int(row, "START_VALUE")?;
            q.start_hidden = q.start.is_none();
        }
        _ => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_from_both_sources_agree() {
        assert_eq!(
            split_arguments("NET", "NET(NUMBER, FLOAT) RETURN NUMBER"),
            ("(NUMBER, FLOAT)".to_string(), Some("NUMBER".to_string()))
        );
        assert_eq!(
            split_arguments("F", "F() RETURN TABLE (A NUMBER)").1.as_deref(),
            Some("TABLE (A NUMBER)")
        );
        assert_eq!(signature_types("(GROSS NUMBER, TAX_RATE FLOAT)"), "(NUMBER, FLOAT)");
        assert_eq!(signature_types("()"), "()");
        assert_eq!(signature_types("(A NUMBER(38,0), B VARCHAR)"), "(NUMBER(38,0), VARCHAR)");
    }
}
