//! Rows -> catalog objects, by column name. Unknown columns are ignored; flags are read leniently
//! (YES/NO, Y/N, true/false, ON/OFF); SHOW's empty strings and `null` texts become `None`.
//!
//! Pure functions over `sqlapi::Row`; must not run statements or touch the catalog.

pub mod access;
pub mod account;
pub mod grants;
pub mod keys;
pub mod pipeline;
pub mod tables;

use chrono::SecondsFormat;

use crate::sqlapi::{Row, SqlApiError};

/// A text cell, `None` when absent, NULL, empty or the literal `null`.
pub fn text(row: &Row, col: &str) -> Result<Option<String>, SqlApiError> {
    Ok(row.opt::<String>(col)?.filter(|s| !s.is_empty() && s != "null"))
}

/// A required text cell (the name columns).
pub fn name(row: &Row, col: &str) -> Result<String, SqlApiError> {
    row.opt::<String>(col)?
        .filter(|s| !s.is_empty())
        .ok_or_else(|| SqlApiError::Null { column: col.to_string() })
}

/// A whole number that SHOW may render as text (`retention_time`, `auto_suspend`, `key_sequence`).
pub fn int(row: &Row, col: &str) -> Result<Option<i64>, SqlApiError> {
    let Some(raw) = text(row, col)? else { return Ok(None) };
    let t = raw.trim();
    if let Ok(v) = t.parse::<i64>() {
        return Ok(Some(v));
    }
    // NUMBER(p, s) with a zero fraction, e.g. "60.000".
    match t.parse::<f64>() {
        Ok(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Ok(Some(f as i64)),
        _ => Err(SqlApiError::Value {
            column: col.to_string(),
            column_type: "number".into(),
            value: raw.clone(),
            reason: "not a whole number".into(),
        }),
    }
}

/// A flag in any of Snowflake's spellings; absent or NULL is `false`.
pub fn flag(row: &Row, col: &str) -> Result<bool, SqlApiError> {
    let Some(raw) = text(row, col)? else { return Ok(false) };
    Ok(matches!(raw.trim().to_ascii_uppercase().as_str(), "Y" | "YES" | "TRUE" | "T" | "ON" | "1"))
}

/// A timestamp as RFC 3339 UTC text with milliseconds; a text cell that is not a timestamp is kept as is.
pub fn time(row: &Row, col: &str) -> Result<Option<String>, SqlApiError> {
    let Some(i) = row.schema().index_of(col) else { return Ok(None) };
    let cell = row.cell_at(i)?;
    if cell.is_null() {
        return Ok(None);
    }
    match cell.timestamp_utc() {
        Ok(Some(t)) => Ok(Some(t.to_rfc3339_opts(SecondsFormat::Millis, true))),
        Ok(None) => Ok(None),
        Err(_) => Ok(cell.text().map(str::to_string).filter(|s| !s.is_empty())),
    }
}

/// Split a SHOW GRANTS name (`DB."my schema".T`) into stored parts, honouring double quotes.
pub fn split_name(name: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut cur = String::new();
    let mut chars = name.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                chars.next();
                cur.push('"');
            }
            '"' => quoted = !quoted,
            '.' if !quoted => parts.push(std::mem::take(&mut cur)),
            c => cur.push(c),
        }
    }
    parts.push(cur);
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_split_on_unquoted_dots() {
        assert_eq!(split_name(r#"DB."a.b""c".<TABLE>"#), ["DB", "a.b\"c", "<TABLE>"]);
        assert_eq!(split_name("X"), ["X"]);
    }
}
