//! Columns and cells: the jsonv2 encodings of §5 turned into Rust values by typed getters.
//!
//! Owns `ColumnType`, `Column` (one `rowType` item) and `Cell` (one string-or-null value with its column).
//! Every getter returns a typed error naming the column on a bad value; nothing here panics on wire data.
//! Must not do HTTP or know about partitions.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, Utc};
use serde_json::Value;

use super::error::SqlApiError;

/// The `type` of a `rowType` item (compared case-insensitively: the wire is lowercase, the docs uppercase).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ColumnType {
    Fixed,
    Real,
    Text,
    Binary,
    Boolean,
    Date,
    Time,
    TimestampNtz,
    TimestampLtz,
    TimestampTz,
    Variant,
    /// OBJECT; GEOGRAPHY/GEOMETRY also say `object` and are told apart by [`Column::ext_type_name`].
    Object,
    Array,
    Vector,
    /// A type this client does not know; its cells are still readable as text.
    Other(String),
}

impl ColumnType {
    pub fn parse(wire: &str) -> Self {
        match wire.trim().to_ascii_lowercase().as_str() {
            "fixed" => ColumnType::Fixed,
            "real" => ColumnType::Real,
            "text" => ColumnType::Text,
            "binary" => ColumnType::Binary,
            "boolean" => ColumnType::Boolean,
            "date" => ColumnType::Date,
            "time" => ColumnType::Time,
            "timestamp_ntz" => ColumnType::TimestampNtz,
            "timestamp_ltz" => ColumnType::TimestampLtz,
            "timestamp_tz" => ColumnType::TimestampTz,
            "variant" => ColumnType::Variant,
            "object" => ColumnType::Object,
            "array" => ColumnType::Array,
            "vector" => ColumnType::Vector,
            other => ColumnType::Other(other.to_string()),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            ColumnType::Fixed => "fixed",
            ColumnType::Real => "real",
            ColumnType::Text => "text",
            ColumnType::Binary => "binary",
            ColumnType::Boolean => "boolean",
            ColumnType::Date => "date",
            ColumnType::Time => "time",
            ColumnType::TimestampNtz => "timestamp_ntz",
            ColumnType::TimestampLtz => "timestamp_ltz",
            ColumnType::TimestampTz => "timestamp_tz",
            ColumnType::Variant => "variant",
            ColumnType::Object => "object",
            ColumnType::Array => "array",
            ColumnType::Vector => "vector",
            ColumnType::Other(s) => s,
        }
    }

    /// VARIANT, OBJECT and ARRAY hold JSON text.
    pub fn is_semi_structured(&self) -> bool {
        matches!(self, ColumnType::Variant | ColumnType::Object | ColumnType::Array)
    }
}

/// One `rowType` item. Fields Snowflake leaves `null` (or omits) are `None`.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub name: String,
    pub column_type: ColumnType,
    /// `GEOGRAPHY` / `GEOMETRY` for columns whose `type` is `object`.
    pub ext_type_name: Option<String>,
    pub database: Option<String>,
    pub schema: Option<String>,
    pub table: Option<String>,
    pub precision: Option<i64>,
    pub scale: Option<i64>,
    pub length: Option<i64>,
    pub byte_length: Option<i64>,
    pub nullable: bool,
    pub collation: Option<String>,
}

impl Column {
    /// A column with just a name and type (tests, synthetic results).
    pub fn new(name: impl Into<String>, column_type: ColumnType) -> Self {
        Column {
            name: name.into(),
            column_type,
            ext_type_name: None,
            database: None,
            schema: None,
            table: None,
            precision: None,
            scale: None,
            length: None,
            byte_length: None,
            nullable: true,
            collation: None,
        }
    }
}

/// One cell with its column. `raw` is `None` for SQL NULL (including `"null"` under `nullable=false`).
#[derive(Debug, Clone, Copy)]
pub struct Cell<'a> {
    pub column: &'a Column,
    pub raw: Option<&'a str>,
}

impl<'a> Cell<'a> {
    pub(crate) fn new(column: &'a Column, raw: Option<&'a str>, null_string_is_null: bool) -> Self {
        let raw = raw.filter(|s| !(null_string_is_null && *s == "null"));
        Cell { column, raw }
    }

    pub fn is_null(&self) -> bool {
        self.raw.is_none()
    }

    fn bad(&self, value: &str, reason: impl Into<String>) -> SqlApiError {
        SqlApiError::Value {
            column: self.column.name.clone(),
            column_type: self.column.column_type.as_str().to_string(),
            value: value.chars().take(80).collect(),
            reason: reason.into(),
        }
    }

    fn map<T>(&self, f: impl FnOnce(&'a str) -> Result<T, String>) -> Result<Option<T>, SqlApiError> {
        match self.raw {
            None => Ok(None),
            Some(s) => f(s).map(Some).map_err(|reason| self.bad(s, reason)),
        }
    }

    /// The wire text as is (any type).
    pub fn text(&self) -> Option<&'a str> {
        self.raw
    }

    /// A FIXED value as i64 (a zero fraction such as `"12.000"` is accepted).
    pub fn i64(&self) -> Result<Option<i64>, SqlApiError> {
        self.map(|s| integer_part(s)?.parse::<i64>().map_err(|e| format!("not an i64: {e}")))
    }

    /// A FIXED value as i128 (NUMBER(38,0) overflows i64).
    pub fn i128(&self) -> Result<Option<i128>, SqlApiError> {
        self.map(|s| integer_part(s)?.parse::<i128>().map_err(|e| format!("not an i128: {e}")))
    }

    /// A FIXED/DECFLOAT value as checked decimal text (`"-12.50"`, `"1.5E+40"`), for exact arithmetic.
    pub fn decimal(&self) -> Result<Option<&'a str>, SqlApiError> {
        self.map(|s| if is_decimal(s) { Ok(s) } else { Err("not a decimal number".into()) })
    }

    /// A REAL value; `"NaN"`, `"inf"`, `"-inf"` are accepted.
    pub fn f64(&self) -> Result<Option<f64>, SqlApiError> {
        self.map(|s| s.trim().parse::<f64>().map_err(|e| format!("not a float: {e}")))
    }

    /// A BOOLEAN (`"true"`/`"false"`, also `"1"`/`"0"`).
    pub fn bool(&self) -> Result<Option<bool>, SqlApiError> {
        self.map(|s| match s.trim().to_ascii_lowercase().as_str() {
            "true" | "1" => Ok(true),
            "false" | "0" => Ok(false),
            _ => Err("not a boolean".into()),
        })
    }

    /// A DATE: integer days since 1970-01-01.
    pub fn date(&self) -> Result<Option<NaiveDate>, SqlApiError> {
        self.map(|s| {
            let days: i64 = s.trim().parse().map_err(|_| "not a day count (DATE_OUTPUT_FORMAT set?)")?;
            TimeDelta::try_days(days)
                .and_then(|d| NaiveDate::default().checked_add_signed(d))
                .ok_or_else(|| "date out of range".to_string())
        })
    }

    /// A TIME: seconds since midnight with a fraction.
    pub fn time(&self) -> Result<Option<NaiveTime>, SqlApiError> {
        self.map(|s| {
            let ns = parse_seconds(s.trim()).ok_or("not seconds since midnight")?;
            let secs = u32::try_from(ns / 1_000_000_000).map_err(|_| "time out of range")?;
            let nanos = u32::try_from(ns % 1_000_000_000).map_err(|_| "time out of range")?;
            NaiveTime::from_num_seconds_from_midnight_opt(secs, nanos)
                .ok_or_else(|| "time out of range".into())
        })
    }

    /// A TIMESTAMP_NTZ as wall-clock time (for a TIMESTAMP_TZ: the UTC wall clock).
    pub fn timestamp_ntz(&self) -> Result<Option<NaiveDateTime>, SqlApiError> {
        self.map(|s| parse_timestamp(s).map(|(utc, _)| utc.naive_utc()))
    }

    /// A TIMESTAMP_LTZ / NTZ / TZ as a UTC instant.
    pub fn timestamp_utc(&self) -> Result<Option<DateTime<Utc>>, SqlApiError> {
        self.map(|s| parse_timestamp(s).map(|(utc, _)| utc))
    }

    /// A TIMESTAMP_TZ with its offset (`"<secs.frac> <minutes+1440>"`); other timestamps get UTC.
    pub fn timestamp_tz(&self) -> Result<Option<DateTime<FixedOffset>>, SqlApiError> {
        self.map(|s| {
            let (utc, offset) = parse_timestamp(s)?;
            Ok(utc.with_timezone(&offset.unwrap_or(FixedOffset::east_opt(0).ok_or("offset")?)))
        })
    }

    /// VARIANT/OBJECT/ARRAY (or any text) parsed as JSON; ARRAY's bare `undefined` items become `null`.
    pub fn json(&self) -> Result<Option<Value>, SqlApiError> {
        self.map(|s| parse_snowflake_json(s).map_err(|e| format!("not JSON: {e}")))
    }

    /// BINARY: hex text to bytes.
    pub fn binary(&self) -> Result<Option<Vec<u8>>, SqlApiError> {
        self.map(decode_hex)
    }
}

/// `"123"`, `"-12.000"` -> the integer text; a non-zero fraction is an error.
fn integer_part(s: &str) -> Result<&str, String> {
    let s = s.trim();
    match s.split_once('.') {
        None => Ok(s),
        Some((int, frac)) if frac.bytes().all(|b| b == b'0') => Ok(int),
        Some(_) => Err("has a fraction; use decimal() or f64()".into()),
    }
}

fn is_decimal(s: &str) -> bool {
    let s = s.strip_prefix(['-', '+']).unwrap_or(s);
    let (mantissa, exp) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits_ok = !(int.is_empty() && frac.is_empty())
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.bytes().all(|b| b.is_ascii_digit());
    let exp_ok = exp.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && e.bytes().all(|b| b.is_ascii_digit())
    });
    digits_ok && exp_ok
}

/// `"-1.5"` -> -1_500_000_000 (nanoseconds); any number of fraction digits (beyond 9 truncated).
pub(crate) fn parse_seconds(s: &str) -> Option<i128> {
    let (neg, body) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let (int, frac) = body.split_once('.').unwrap_or((body, ""));
    if int.is_empty() || int.len() > 20 || !int.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut nanos: i128 = 0;
    for i in 0..9 {
        let digit = frac.as_bytes().get(i).map_or(0, |b| i128::from(b - b'0'));
        nanos = nanos * 10 + digit;
    }
    let total = int.parse::<i128>().ok()? * 1_000_000_000 + nanos;
    Some(if neg { -total } else { total })
}

/// `"<secs.frac>[ <offset+1440>]"` -> the UTC instant and the offset if one was given.
fn parse_timestamp(s: &str) -> Result<(DateTime<Utc>, Option<FixedOffset>), String> {
    let mut parts = s.split_whitespace();
    let secs = parts.next().ok_or("empty timestamp")?;
    let ns = parse_seconds(secs).ok_or("not epoch seconds (TIMESTAMP_*_OUTPUT_FORMAT set?)")?;
    let offset = match parts.next() {
        None => None,
        Some(o) => {
            let raw: i32 = o.parse().map_err(|_| "offset is not an integer")?;
            let minutes = raw - 1440;
            if !(-1440..=1440).contains(&minutes) {
                return Err(format!("offset {raw} out of range (minutes + 1440 expected)"));
            }
            Some(FixedOffset::east_opt(minutes * 60).ok_or("offset out of range")?)
        }
    };
    if parts.next().is_some() {
        return Err("trailing text after the timestamp".into());
    }
    let secs = i64::try_from(ns.div_euclid(1_000_000_000)).map_err(|_| "timestamp out of range")?;
    let nanos = u32::try_from(ns.rem_euclid(1_000_000_000)).map_err(|_| "timestamp out of range")?;
    let utc = DateTime::from_timestamp(secs, nanos).ok_or("timestamp out of range")?;
    Ok((utc, offset))
}

fn decode_hex(s: &str) -> Result<Vec<u8>, String> {
    let s = s.trim();
    if !s.len().is_multiple_of(2) {
        return Err("odd number of hex digits".into());
    }
    s.as_bytes()
        .chunks(2)
        .map(|pair| {
            let hi = (pair[0] as char).to_digit(16);
            let lo = (pair[1] as char).to_digit(16);
            match (hi, lo) {
                (Some(h), Some(l)) => Ok((h * 16 + l) as u8),
                _ => Err("not hex".to_string()),
            }
        })
        .collect()
}

/// Parse Snowflake's JSON text; bare `undefined` (SQL NULL inside an ARRAY) outside strings becomes `null`.
pub fn parse_snowflake_json(s: &str) -> Result<Value, serde_json::Error> {
    match serde_json::from_str(s) {
        Ok(v) => Ok(v),
        Err(first) => {
            if !s.contains("undefined") {
                return Err(first);
            }
            let mut out = String::with_capacity(s.len());
            let (mut in_str, mut escaped) = (false, false);
            let mut rest = s;
            while let Some(c) = rest.chars().next() {
                if !in_str && rest.starts_with("undefined") {
                    out.push_str("null");
                    rest = &rest["undefined".len()..];
                    continue;
                }
                if in_str {
                    if escaped {
                        escaped = false;
                    } else if c == '\\' {
                        escaped = true;
                    } else if c == '"' {
                        in_str = false;
                    }
                } else if c == '"' {
                    in_str = true;
                }
                out.push(c);
                rest = &rest[c.len_utf8()..];
            }
            serde_json::from_str(&out)
        }
    }
}

#[cfg(test)]
#[path = "value_tests.rs"]
mod tests;
