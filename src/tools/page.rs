//! Values and pages sized for an agent's context: cells as typed JSON, long values cut, and rows kept
//! only while they fit a byte budget, so that no answer exceeds ~20k tokens.
//!
//! Owns the budget and the cell rendering shared by `snowcat sql`'s output and the MCP answers. Values are
//! read through `sqlapi`'s typed getters, never re-parsed here.

use serde::Serialize;
use serde_json::Value;

use crate::sqlapi::{Cell, ColumnType, Row};

/// Bytes of JSON an answer's rows may take; the text rendering takes about as much again. Two such halves
/// stay under ~20k tokens even for dense data (about 3 characters a token).
pub const PAGE_BYTES: usize = 24 * 1024;

/// Rows one page holds at most, however narrow (a column of small numbers packs many rows per byte).
pub const PAGE_ROWS: usize = 1_000;

/// Characters of one text value shown whole; longer values are cut (and counted) so one wide cell cannot
/// crowd out the rest of a page.
pub const VALUE_CHARS: usize = 2_000;

/// A cell as text for tables and CSV (dates and timestamps rendered, NULL as `None`).
pub fn display(cell: &Cell<'_>) -> Option<String> {
    let raw = cell.text()?;
    let rendered = match cell.column.column_type {
        ColumnType::Date => cell.date().ok().flatten().map(|d| d.to_string()),
        ColumnType::Time => cell.time().ok().flatten().map(|t| t.to_string()),
        ColumnType::TimestampNtz => cell.timestamp_ntz().ok().flatten().map(|t| t.to_string()),
        ColumnType::TimestampLtz => cell.timestamp_utc().ok().flatten().map(|t| t.to_rfc3339()),
        ColumnType::TimestampTz => cell.timestamp_tz().ok().flatten().map(|t| t.to_rfc3339()),
        _ => None,
    };
    // A value the getter refuses (e.g. a custom DATE_OUTPUT_FORMAT) is shown as sent.
    Some(rendered.unwrap_or_else(|| raw.to_string()))
}

/// A cell as a JSON value: numbers, booleans and semi-structured data typed; the rest as strings.
pub fn json_value(cell: &Cell<'_>) -> Value {
    let Some(raw) = cell.text() else { return Value::Null };
    let typed = match cell.column.column_type {
        ColumnType::Fixed => cell.i64().ok().flatten().map(Value::from),
        ColumnType::Real => {
            cell.f64().ok().flatten().and_then(|f| serde_json::Number::from_f64(f).map(Value::Number))
        }
        ColumnType::Boolean => cell.bool().ok().flatten().map(Value::Bool),
        ColumnType::Variant | ColumnType::Object | ColumnType::Array => cell.json().ok().flatten(),
        _ => None,
    };
    typed.unwrap_or_else(|| Value::String(display(cell).unwrap_or_else(|| raw.to_string())))
}

/// `text` cut to [`VALUE_CHARS`] characters with a marker saying how much was left out; `None` when whole.
pub fn cut(text: &str) -> Option<String> {
    let total = text.chars().count();
    if total <= VALUE_CHARS {
        return None;
    }
    let kept: String = text.chars().take(VALUE_CHARS).collect();
    Some(format!("{kept}… [{} more characters]", total - VALUE_CHARS))
}

/// Cut every long string inside `value` (object members, array items) to [`VALUE_CHARS`]; how many were cut.
pub fn cut_all(value: &mut Value) -> usize {
    match value {
        Value::String(s) => match cut(s) {
            Some(c) => {
                *s = c;
                1
            }
            None => 0,
        },
        Value::Array(items) => items.iter_mut().map(cut_all).sum(),
        Value::Object(members) => members.values_mut().map(cut_all).sum(),
        _ => 0,
    }
}

/// `text` cut to [`VALUE_CHARS`] characters (with the marker) when longer.
pub fn cut_text(text: &mut Option<String>) {
    if let Some(c) = text.as_deref().and_then(cut) {
        *text = Some(c);
    }
}

/// A page of rows as JSON arrays, and what was left out of it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RowPage {
    pub rows: Vec<Vec<Value>>,
    /// Rows not included because the page was full.
    pub omitted: usize,
    /// Values cut to [`VALUE_CHARS`] characters.
    pub truncated_values: usize,
}

/// The rows of `rows` that fit in `max_bytes` of JSON and [`PAGE_ROWS`], in order (at least one row,
/// however wide, so a page always moves forward), each long value cut.
pub fn rows_page(rows: &[Row], max_bytes: usize) -> RowPage {
    let mut page = RowPage::default();
    let mut used = 0;
    for (n, row) in rows.iter().enumerate() {
        let mut cut_here = 0;
        let mut values = Vec::with_capacity(row.len());
        for cell in row.cells() {
            let v = json_value(&cell);
            let long = match &v {
                Value::String(s) => cut(s),
                Value::Array(_) | Value::Object(_) => cut(&v.to_string()),
                _ => None,
            };
            values.push(match long {
                Some(c) => {
                    cut_here += 1;
                    Value::String(c)
                }
                None => v,
            });
        }
        // The row and the comma (or bracket) that separates it.
        let size = json_size(&values) + 1;
        if n > 0 && (used + size > max_bytes || n >= PAGE_ROWS) {
            page.omitted = rows.len() - n;
            break;
        }
        used += size;
        page.truncated_values += cut_here;
        page.rows.push(values);
    }
    page
}

/// The serialized size of `value` in bytes (0 when it cannot be serialized).
pub fn json_size<T: Serialize + ?Sized>(value: &T) -> usize {
    serde_json::to_vec(value).map_or(0, |v| v.len())
}

/// The leading items of `items` whose JSON fits in `max_bytes` (at least one), and how many were left out.
pub fn fit<T: Serialize>(mut items: Vec<T>, max_bytes: usize) -> (Vec<T>, usize) {
    let mut used = 0;
    let mut keep = items.len();
    for (n, item) in items.iter().enumerate() {
        used += json_size(item) + 1;
        if n > 0 && used > max_bytes {
            keep = n;
            break;
        }
    }
    let omitted = items.len() - keep;
    items.truncate(keep);
    (items, omitted)
}

/// A plain table for the text rendering: a header line, then one line per row, cells joined by ` | `,
/// NULL written out and line breaks flattened. Stops (saying so) once `max_bytes` are written.
pub fn text_table(header: &[String], rows: &[Vec<Value>], max_bytes: usize) -> String {
    let mut out = header.join(" | ");
    for (n, row) in rows.iter().enumerate() {
        let line: Vec<String> = row
            .iter()
            .map(|v| match v {
                Value::Null => "NULL".to_string(),
                Value::String(s) => s.replace(['\n', '\r'], " "),
                other => other.to_string(),
            })
            .collect();
        let line = line.join(" | ");
        if out.len() + line.len() + 1 > max_bytes {
            out.push_str(&format!("\n… {} more rows in the structured result", rows.len() - n));
            break;
        }
        out.push('\n');
        out.push_str(&line);
    }
    out
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::sqlapi::{Column, Schema};

    fn rows(n: usize, width: usize) -> Vec<Row> {
        let schema = Arc::new(Schema::new(vec![
            Column::new("ID", ColumnType::Fixed),
            Column::new("TEXT", ColumnType::Text),
        ]));
        (0..n).map(|i| Row::new(schema.clone(), vec![Some(i.to_string()), Some("x".repeat(width))])).collect()
    }

    #[test]
    fn a_page_stops_at_its_budget_and_counts_what_it_left_out() {
        let page = rows_page(&rows(1_000, 100), PAGE_BYTES);
        assert!(page.rows.len() > 100 && page.rows.len() < 1_000, "{}", page.rows.len());
        assert_eq!(page.rows.len() + page.omitted, 1_000);
        assert!(json_size(&page.rows) <= PAGE_BYTES + 1);
        assert_eq!(page.rows[0][0], Value::from(0));
        let all = rows_page(&rows(3, 10), PAGE_BYTES);
        assert_eq!((all.rows.len(), all.omitted, all.truncated_values), (3, 0, 0));
    }

    #[test]
    fn wide_values_are_cut_and_one_row_always_fits() {
        let page = rows_page(&rows(2, 100_000), 1_000);
        assert_eq!((page.rows.len(), page.omitted, page.truncated_values), (1, 1, 1));
        let Value::String(s) = &page.rows[0][1] else { panic!("{:?}", page.rows[0][1]) };
        assert!(s.ends_with("… [98000 more characters]"), "{}", &s[s.len() - 40..]);
        assert_eq!(rows_page(&rows(5_000, 0), PAGE_BYTES).rows.len(), PAGE_ROWS);
        let mut v = serde_json::json!({"a": ["x".repeat(5_000), 1], "b": {"c": "short"}});
        assert_eq!(cut_all(&mut v), 1);
        assert!(v["a"][0].as_str().unwrap().ends_with("[3000 more characters]"));
        let (kept, omitted) = fit((0..10_000).map(|i| format!("item {i}")).collect(), 1_000);
        assert!(kept.len() < 200 && kept.len() + omitted == 10_000);
        assert!(text_table(&["A".into()], &page.rows, 100).contains("more rows in the structured result"));
    }
}
