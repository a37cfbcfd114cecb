//! Snowflake column types: resolving declared types (aliases, defaults) to canonical ones, and the
//! INFORMATION_SCHEMA.COLUMNS attributes each canonical type reports.
//!
//! Pure functions over [`DataType`]; no parsing of whole statements, no account access.

use super::model_types::DataType;

/// Snowflake's maximum VARCHAR length (characters) and BINARY length (bytes).
pub const MAX_TEXT: u32 = 16_777_216;
pub const MAX_BINARY: u32 = 8_388_608;

/// Resolve a declared type as sqlparser prints it (`NUMBER(10,2)`, `VARCHAR(20)`, `TIMESTAMP_LTZ(9)`,
/// `INT`, `STRING`, ...) to its canonical Snowflake type. `None` for types the emulator does not know.
pub fn parse_type(text: &str) -> Option<DataType> {
    let t = text.trim().to_uppercase();
    let (base, args) = match t.find('(') {
        Some(i) => {
            let inner = t[i + 1..].trim_end().strip_suffix(')')?;
            let args: Vec<&str> = inner.split(',').map(str::trim).collect();
            (t[..i].trim().to_string(), args)
        }
        None => (t.clone(), Vec::new()),
    };
    let num = |i: usize| args.get(i).and_then(|a| a.parse::<u32>().ok());
    let scale9 = || num(0).map_or(9, |s| s.min(9) as u8);
    let base = base.split_whitespace().collect::<Vec<_>>().join(" ");
    Some(match base.as_str() {
        "NUMBER" | "DECIMAL" | "NUMERIC" | "DEC" => DataType::Number {
            precision: num(0).map_or(38, |p| p.min(38) as u8),
            scale: num(1).map_or(0, |s| s.min(37) as u8),
        },
        "INT" | "INTEGER" | "BIGINT" | "SMALLINT" | "TINYINT" | "BYTEINT" => {
            DataType::Number { precision: 38, scale: 0 }
        }
        "FLOAT" | "FLOAT4" | "FLOAT8" | "DOUBLE" | "DOUBLE PRECISION" | "REAL" => DataType::Float,
        "VARCHAR" | "STRING" | "TEXT" | "NVARCHAR" | "NVARCHAR2" | "CHAR VARYING" | "NCHAR VARYING"
        | "CHARACTER VARYING" => DataType::Text { length: num(0).unwrap_or(MAX_TEXT).min(MAX_TEXT) },
        "CHAR" | "CHARACTER" | "NCHAR" => DataType::Text { length: num(0).unwrap_or(1).min(MAX_TEXT) },
        "BINARY" | "VARBINARY" => DataType::Binary { length: num(0).unwrap_or(MAX_BINARY).min(MAX_BINARY) },
        "BOOLEAN" | "BOOL" => DataType::Boolean,
        "DATE" => DataType::Date,
        "TIME" => DataType::Time { scale: scale9() },
        "TIMESTAMP" | "DATETIME" | "TIMESTAMP_NTZ" | "TIMESTAMPNTZ" | "TIMESTAMP WITHOUT TIME ZONE" => {
            DataType::TimestampNtz { scale: scale9() }
        }
        "TIMESTAMP_LTZ" | "TIMESTAMPLTZ" | "TIMESTAMP WITH LOCAL TIME ZONE" => {
            DataType::TimestampLtz { scale: scale9() }
        }
        "TIMESTAMP_TZ" | "TIMESTAMPTZ" | "TIMESTAMP WITH TIME ZONE" => {
            DataType::TimestampTz { scale: scale9() }
        }
        "VARIANT" => DataType::Variant,
        "OBJECT" => DataType::Object,
        "ARRAY" => DataType::Array,
        "GEOGRAPHY" => DataType::Geography,
        "GEOMETRY" => DataType::Geometry,
        _ => return None,
    })
}

impl DataType {
    /// INFORMATION_SCHEMA.COLUMNS `DATA_TYPE` (canonical name).
    pub fn name(self) -> &'static str {
        match self {
            DataType::Number { .. } => "NUMBER",
            DataType::Float => "FLOAT",
            DataType::Text { .. } => "TEXT",
            DataType::Binary { .. } => "BINARY",
            DataType::Boolean => "BOOLEAN",
            DataType::Date => "DATE",
            DataType::Time { .. } => "TIME",
            DataType::TimestampNtz { .. } => "TIMESTAMP_NTZ",
            DataType::TimestampLtz { .. } => "TIMESTAMP_LTZ",
            DataType::TimestampTz { .. } => "TIMESTAMP_TZ",
            DataType::Variant => "VARIANT",
            DataType::Object => "OBJECT",
            DataType::Array => "ARRAY",
            DataType::Geography => "GEOGRAPHY",
            DataType::Geometry => "GEOMETRY",
        }
    }

    /// CHARACTER_MAXIMUM_LENGTH and CHARACTER_OCTET_LENGTH (text: 4 bytes a character, capped).
    pub fn char_lengths(self) -> Option<(u32, u32)> {
        match self {
            DataType::Text { length } => Some((length, length.saturating_mul(4).min(MAX_TEXT))),
            DataType::Binary { length } => Some((length, length)),
            _ => None,
        }
    }

    /// NUMERIC_PRECISION, NUMERIC_PRECISION_RADIX, NUMERIC_SCALE.
    pub fn numeric(self) -> Option<(u32, u32, u32)> {
        match self {
            DataType::Number { precision, scale } => Some((precision.into(), 10, scale.into())),
            _ => None,
        }
    }

    /// DATETIME_PRECISION.
    pub fn datetime_precision(self) -> Option<u32> {
        match self {
            DataType::Time { scale }
            | DataType::TimestampNtz { scale }
            | DataType::TimestampLtz { scale }
            | DataType::TimestampTz { scale } => Some(scale.into()),
            DataType::Date => Some(0),
            _ => None,
        }
    }

    /// The SQL form, e.g. `NUMBER(38,0)` or `VARCHAR(16777216)` (for SHOW output and messages).
    pub fn sql(self) -> String {
        match self {
            DataType::Number { precision, scale } => format!("NUMBER({precision},{scale})"),
            DataType::Text { length } => format!("VARCHAR({length})"),
            DataType::Binary { length } => format!("BINARY({length})"),
            DataType::Time { scale } => format!("TIME({scale})"),
            DataType::TimestampNtz { scale } => format!("TIMESTAMP_NTZ({scale})"),
            DataType::TimestampLtz { scale } => format!("TIMESTAMP_LTZ({scale})"),
            DataType::TimestampTz { scale } => format!("TIMESTAMP_TZ({scale})"),
            other => other.name().to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_resolve_to_documented_canonical_types() {
        assert_eq!(parse_type("INT"), Some(DataType::Number { precision: 38, scale: 0 }));
        assert_eq!(parse_type("decimal(10, 2)"), Some(DataType::Number { precision: 10, scale: 2 }));
        assert_eq!(parse_type("STRING"), Some(DataType::Text { length: MAX_TEXT }));
        assert_eq!(parse_type("CHAR"), Some(DataType::Text { length: 1 }));
        assert_eq!(parse_type("DATETIME"), Some(DataType::TimestampNtz { scale: 9 }));
        assert_eq!(parse_type("DOUBLE"), Some(DataType::Float));
        assert_eq!(parse_type("NOPE"), None);
    }

    #[test]
    fn varchar_octet_length_is_four_bytes_per_char() {
        assert_eq!(DataType::Text { length: 100 }.char_lengths(), Some((100, 400)));
        assert_eq!(DataType::Text { length: MAX_TEXT }.char_lengths(), Some((MAX_TEXT, MAX_TEXT)));
    }
}
