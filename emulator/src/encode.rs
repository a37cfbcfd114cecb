//! jsonv2 encoding: turns an engine [`QueryResult`] into Snowflake's wire form — `rowType` items, string
//! cells, and the result split into partitions with their `partitionInfo`.
//!
//! Owns value formatting (sql-api-v2.md §3.1, §4, §5) and nothing about HTTP, handles or auth.

use std::io::Write;

use serde_json::{Value as Json, json};

use super::result::{Column, ColumnType, QueryResult, Value};

/// Partitions whose data text is at least this big are stored gzip-compressed and report `compressedSize`
/// (the real server leaves `compressedSize` out for a small, uncompressed partition 0).
const COMPRESS_FROM_BYTES: usize = 8 * 1024;

/// One partition of a rendered result: its JSON `data` array text and, when big, its gzip form.
#[derive(Debug, Clone)]
pub struct Partition {
    pub row_count: usize,
    /// The compact JSON array of rows, rows joined by `,\n` as the real server does.
    pub data: String,
    /// gzip of the whole `{"data":...}` body for partitions > 0 (served as-is when the client accepts gzip).
    pub gzipped_body: Option<Vec<u8>>,
}

/// A finished result in wire form, kept per statement handle.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub row_type: Vec<Json>,
    pub num_rows: usize,
    pub partitions: Vec<Partition>,
    pub stats: Vec<(String, i64)>,
    /// Child handles of a multi-statement request (the parent's `statementHandles`).
    pub statement_handles: Vec<String>,
}

impl Rendered {
    /// `resultSetMetaData` as the 200 body carries it.
    pub fn metadata(&self) -> Json {
        let info: Vec<Json> = self
            .partitions
            .iter()
            .map(|p| {
                let mut item = json!({"rowCount": p.row_count, "uncompressedSize": p.data.len()});
                if let (Some(gz), Some(obj)) = (&p.gzipped_body, item.as_object_mut()) {
                    obj.insert("compressedSize".into(), json!(gz.len()));
                }
                item
            })
            .collect();
        json!({
            "numRows": self.num_rows,
            "format": "jsonv2",
            "partitionInfo": info,
            "rowType": self.row_type,
        })
    }

    /// The body of `GET ...?partition=N` for N >= 1: only `{"data": ...}`.
    pub fn partition_body(&self, index: usize) -> Option<String> {
        self.partitions.get(index).map(|p| format!("{{\"data\":{}}}", p.data))
    }
}

/// Render a result: rowType, cells (NULL as `null`, or as the string `"null"` when `nullable` is false) and
/// partitions of at most `partition_rows` rows (at least one partition, even for an empty result).
pub fn render(result: &QueryResult, nullable: bool, partition_rows: usize) -> Rendered {
    let row_type = result.columns.iter().map(row_type_item).collect();
    let size = partition_rows.max(1);
    let mut partitions = Vec::new();
    for chunk in result.rows.chunks(size) {
        partitions.push(render_partition(chunk, &result.columns, nullable, !partitions.is_empty()));
    }
    if partitions.is_empty() {
        partitions.push(render_partition(&[], &result.columns, nullable, false));
    }
    Rendered {
        row_type,
        num_rows: result.rows.len(),
        partitions,
        stats: result.stats.clone(),
        statement_handles: Vec::new(),
    }
}

fn render_partition(rows: &[Vec<Value>], columns: &[Column], nullable: bool, later: bool) -> Partition {
    let mut data = String::from("[");
    for (i, row) in rows.iter().enumerate() {
        if i > 0 {
            data.push_str(",\n");
        }
        let cells: Vec<Json> = row
            .iter()
            .enumerate()
            .map(|(c, v)| match encode_value(v, columns.get(c).map(|col| &col.column_type)) {
                Some(s) => Json::String(s),
                None if nullable => Json::Null,
                None => Json::String("null".into()),
            })
            .collect();
        data.push_str(&Json::Array(cells).to_string());
    }
    data.push(']');
    let gzipped_body = (later && data.len() >= COMPRESS_FROM_BYTES)
        .then(|| gzip(format!("{{\"data\":{data}}}").as_bytes()))
        .flatten();
    Partition { row_count: rows.len(), data, gzipped_body }
}

/// gzip bytes (None only if the in-memory encoder fails, which it does not in practice).
pub fn gzip(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(bytes).ok()?;
    enc.finish().ok()
}

/// One `rowType` item, with the real server's null conventions (sql-api-v2.md §3.1 "Type metadata seen").
pub fn row_type_item(col: &Column) -> Json {
    let (ty, precision, scale, length, byte_length): (&str, Json, Json, Json, Json) = match &col.column_type {
        ColumnType::Fixed { precision, scale } => {
            ("fixed", json!(precision), json!(scale), Json::Null, Json::Null)
        }
        ColumnType::Real => ("real", Json::Null, Json::Null, Json::Null, Json::Null),
        ColumnType::Text { length } => {
            ("text", Json::Null, Json::Null, json!(length), json!(u64::from(*length) * 4))
        }
        ColumnType::Boolean => ("boolean", Json::Null, Json::Null, Json::Null, Json::Null),
        ColumnType::Date => ("date", Json::Null, Json::Null, Json::Null, Json::Null),
        ColumnType::Time { scale } => ("time", json!(0), json!(scale), Json::Null, Json::Null),
        ColumnType::TimestampNtz { scale } => {
            ("timestamp_ntz", json!(0), json!(scale), Json::Null, Json::Null)
        }
        ColumnType::TimestampLtz { scale } => {
            ("timestamp_ltz", json!(0), json!(scale), Json::Null, Json::Null)
        }
        ColumnType::TimestampTz { scale } => ("timestamp_tz", json!(0), json!(scale), Json::Null, Json::Null),
        ColumnType::Variant => ("variant", Json::Null, Json::Null, Json::Null, Json::Null),
        ColumnType::Object => ("object", Json::Null, Json::Null, Json::Null, Json::Null),
        ColumnType::Array => ("array", Json::Null, Json::Null, Json::Null, Json::Null),
        ColumnType::Binary { length } => ("binary", Json::Null, Json::Null, json!(length), json!(length)),
    };
    json!({
        "name": col.name,
        "database": col.database,
        "schema": col.schema,
        "table": col.table,
        "collation": Json::Null,
        "precision": precision,
        "scale": scale,
        "nullable": col.nullable,
        "byteLength": byte_length,
        "length": length,
        "type": ty,
    })
}

/// The jsonv2 string for one cell, or `None` for SQL NULL. The column type supplies the scale for
/// fixed-point and time values (a value without a column falls back to scale 0 / 9).
pub fn encode_value(value: &Value, column_type: Option<&ColumnType>) -> Option<String> {
    let scale = match column_type {
        Some(ColumnType::Fixed { scale, .. }) => *scale,
        Some(
            ColumnType::Time { scale }
            | ColumnType::TimestampNtz { scale }
            | ColumnType::TimestampLtz { scale }
            | ColumnType::TimestampTz { scale },
        ) => *scale,
        _ => match value {
            Value::Fixed(_) => 0,
            _ => 9,
        },
    };
    Some(match value {
        Value::Null => return None,
        Value::Fixed(v) => fixed(*v, scale),
        Value::Real(f) => real(*f),
        Value::Text(s) => s.clone(),
        Value::Boolean(b) => b.to_string(),
        Value::Date(days) => days.to_string(),
        Value::Time(ns) => seconds(i128::from(*ns), scale),
        Value::TimestampNtz(ns) | Value::TimestampLtz(ns) => seconds(*ns, scale),
        Value::TimestampTz(ns, offset) => format!("{} {}", seconds(*ns, scale), i32::from(*offset) + 1440),
        Value::Variant(text) => variant(text),
        Value::Binary(bytes) => bytes.iter().map(|b| format!("{b:02X}")).collect(),
    })
}

/// Unscaled integer to decimal text padded to `scale` fraction digits: (1250, 2) -> "12.50".
fn fixed(v: i128, scale: u8) -> String {
    let digits = v.unsigned_abs().to_string();
    let sign = if v < 0 { "-" } else { "" };
    let scale = usize::from(scale);
    if scale == 0 {
        return format!("{sign}{digits}");
    }
    let padded = format!("{digits:0>width$}", width = scale + 1);
    let (int, frac) = padded.split_at(padded.len() - scale);
    format!("{sign}{int}.{frac}")
}

/// Shortest decimal text; specials as the server prints them ("NaN", "inf", "-inf").
fn real(f: f64) -> String {
    if f.is_nan() {
        "NaN".into()
    } else if f.is_infinite() {
        if f > 0.0 { "inf".into() } else { "-inf".into() }
    } else if f != 0.0 && (f.abs() >= 1e21 || f.abs() < 1e-6) {
        // Exponent form for extreme magnitudes (unverified against the server; see §5).
        format!("{f:e}")
    } else {
        f.to_string()
    }
}

/// Nanoseconds as a signed decimal number of seconds with exactly `scale` fraction digits (truncated).
fn seconds(ns: i128, scale: u8) -> String {
    let sign = if ns < 0 { "-" } else { "" };
    let abs = ns.unsigned_abs();
    let secs = abs / 1_000_000_000;
    let frac = abs % 1_000_000_000;
    let scale = u32::from(scale.min(9));
    if scale == 0 {
        return format!("{sign}{secs}");
    }
    let shown = frac / 10u128.pow(9 - scale);
    format!("{sign}{secs}.{shown:0>width$}", width = scale as usize)
}

/// VARIANT/OBJECT/ARRAY text comes pretty-printed; text that is not JSON is passed through unchanged.
fn variant(text: &str) -> String {
    match serde_json::from_str::<Json>(text) {
        Ok(v) => serde_json::to_string_pretty(&v).unwrap_or_else(|_| text.to_string()),
        Err(_) => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn enc(v: Value, t: ColumnType) -> Option<String> {
        encode_value(&v, Some(&t))
    }

    #[test]
    fn fixed_pads_to_scale() {
        assert_eq!(enc(Value::Fixed(1250), ColumnType::Fixed { precision: 10, scale: 2 }).unwrap(), "12.50");
        assert_eq!(enc(Value::Fixed(-5), ColumnType::Fixed { precision: 10, scale: 4 }).unwrap(), "-0.0005");
        assert_eq!(enc(Value::Fixed(42), ColumnType::Fixed { precision: 38, scale: 0 }).unwrap(), "42");
        let big: i128 = 12345678901234567890123456789012345678;
        assert_eq!(
            enc(Value::Fixed(big), ColumnType::Fixed { precision: 38, scale: 0 }).unwrap(),
            "12345678901234567890123456789012345678"
        );
    }

    #[test]
    fn reals_and_specials() {
        assert_eq!(enc(Value::Real(1.5), ColumnType::Real).unwrap(), "1.5");
        assert_eq!(enc(Value::Real(f64::NAN), ColumnType::Real).unwrap(), "NaN");
        assert_eq!(enc(Value::Real(f64::INFINITY), ColumnType::Real).unwrap(), "inf");
        assert_eq!(enc(Value::Real(f64::NEG_INFINITY), ColumnType::Real).unwrap(), "-inf");
    }

    #[test]
    fn times_follow_scale_and_tz_adds_1440() {
        // 12:34:56.123456789 -> "45296.123456789" (sql-api-v2.md §5)
        let t = 45_296_123_456_789u64;
        assert_eq!(enc(Value::Time(t), ColumnType::Time { scale: 9 }).unwrap(), "45296.123456789");
        assert_eq!(enc(Value::Time(t), ColumnType::Time { scale: 3 }).unwrap(), "45296.123");
        assert_eq!(enc(Value::Time(t), ColumnType::Time { scale: 0 }).unwrap(), "45296");
        let ts = 1_791_524_096_123_456_789i128;
        assert_eq!(
            enc(Value::TimestampTz(ts, 420), ColumnType::TimestampTz { scale: 9 }).unwrap(),
            "1791524096.123456789 1860"
        );
        assert_eq!(
            enc(Value::TimestampNtz(-500_000_000), ColumnType::TimestampNtz { scale: 3 }).unwrap(),
            "-0.500"
        );
    }

    #[test]
    fn other_types() {
        assert_eq!(enc(Value::Date(20735), ColumnType::Date).unwrap(), "20735");
        assert_eq!(enc(Value::Boolean(false), ColumnType::Boolean).unwrap(), "false");
        assert_eq!(enc(Value::Binary(vec![0xde, 0xad]), ColumnType::Binary { length: 2 }).unwrap(), "DEAD");
        assert_eq!(enc(Value::Variant("{\"a\":1}".into()), ColumnType::Variant).unwrap(), "{\n  \"a\": 1\n}");
        assert_eq!(enc(Value::Null, ColumnType::Boolean), None);
    }

    #[test]
    fn partitions_split_rows_and_keep_one_for_empty() {
        let col = Column::expr("N", ColumnType::Fixed { precision: 38, scale: 0 }, false);
        let rows = (0..5).map(|i| vec![Value::Fixed(i)]).collect();
        let r = render(&QueryResult { columns: vec![col.clone()], rows, stats: vec![] }, true, 2);
        assert_eq!(r.partitions.iter().map(|p| p.row_count).collect::<Vec<_>>(), vec![2, 2, 1]);
        assert_eq!(r.partitions[0].data, "[[\"0\"],\n[\"1\"]]");
        let empty = render(&QueryResult { columns: vec![col], rows: vec![], stats: vec![] }, true, 2);
        assert_eq!(empty.partitions.len(), 1);
        assert_eq!(empty.partitions[0].data, "[]");
    }
}
