//! The contract between the emulator's engine and its HTTP protocol layer: typed columns, values and errors.
//!
//! The engine produces these; the protocol layer encodes them as jsonv2 (`resultSetMetaData.rowType` and
//! string cells). Nothing here knows about HTTP.

/// A column's Snowflake type, as it appears in `rowType` (`type`, `precision`, `scale`, `length`, `byteLength`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ColumnType {
    /// NUMBER(precision, scale); values are [`Value::Fixed`] holding the unscaled integer.
    Fixed {
        precision: u8,
        scale: u8,
    },
    /// FLOAT / DOUBLE.
    Real,
    /// VARCHAR(length); `length` in characters.
    Text {
        length: u32,
    },
    Boolean,
    Date,
    /// TIME(scale).
    Time {
        scale: u8,
    },
    TimestampNtz {
        scale: u8,
    },
    TimestampLtz {
        scale: u8,
    },
    TimestampTz {
        scale: u8,
    },
    Variant,
    Object,
    Array,
    Binary {
        length: u32,
    },
}

/// One column of a result: its name and, for table columns, where it comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    pub name: String,
    /// Source database/schema/table; empty strings for expression columns (as Snowflake sends).
    pub database: String,
    pub schema: String,
    pub table: String,
    pub column_type: ColumnType,
    pub nullable: bool,
}

impl Column {
    /// A column computed by the engine (SHOW output, expressions): no source table.
    pub fn expr(name: impl Into<String>, column_type: ColumnType, nullable: bool) -> Self {
        Column {
            name: name.into(),
            database: String::new(),
            schema: String::new(),
            table: String::new(),
            column_type,
            nullable,
        }
    }
}

/// A typed cell. The protocol layer renders each as Snowflake's jsonv2 string (or JSON null).
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    /// Unscaled integer; with the column's scale 2, `1250` renders as `"12.50"`.
    Fixed(i128),
    Real(f64),
    Text(String),
    Boolean(bool),
    /// Days since 1970-01-01.
    Date(i32),
    /// Nanoseconds since midnight.
    Time(u64),
    /// Nanoseconds since the epoch, wall clock without zone.
    TimestampNtz(i128),
    /// Nanoseconds since the epoch (UTC instant).
    TimestampLtz(i128),
    /// Nanoseconds since the epoch (UTC instant) and the zone offset in minutes (e.g. -480).
    TimestampTz(i128, i16),
    /// JSON text of a VARIANT/OBJECT/ARRAY value.
    Variant(String),
    Binary(Vec<u8>),
}

/// The result of one successfully executed statement.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct QueryResult {
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<Value>>,
    /// DML statistics (`numRowsInserted`, ...) when rows changed; empty otherwise.
    pub stats: Vec<(String, i64)>,
}

/// A statement failure as Snowflake reports it: a 422 body with `code`, `sqlState` and `message`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{code} ({sql_state}): {message}")]
pub struct SqlError {
    /// Snowflake's error code, always a 6-digit string (e.g. `"002003"`).
    pub code: String,
    /// ANSI SQLSTATE (e.g. `"02000"`).
    pub sql_state: String,
    pub message: String,
}

impl SqlError {
    pub fn new(code: &str, sql_state: &str, message: impl Into<String>) -> Self {
        SqlError { code: code.to_string(), sql_state: sql_state.to_string(), message: message.into() }
    }

    /// 001003: SQL compilation error, syntax.
    pub fn syntax(message: impl Into<String>) -> Self {
        SqlError::new("001003", "42000", format!("SQL compilation error:\n{}", message.into()))
    }

    /// 002003: an object does not exist or the role is not authorized to see it.
    pub fn does_not_exist(kind: &str, name: &str) -> Self {
        SqlError::new(
            "002003",
            "02000",
            format!("SQL compilation error:\n{kind} '{name}' does not exist or not authorized."),
        )
    }

    /// 090030: an INFORMATION_SCHEMA query over the configured threshold.
    pub fn information_schema_too_much_data() -> Self {
        SqlError::new(
            "090030",
            "22000",
            "Information schema query returned too much data. Please repeat query with more selective predicates.",
        )
    }

    /// 000630: the statement ran past its timeout and was cancelled.
    pub fn timeout() -> Self {
        SqlError::new(
            "000630",
            "57014",
            "Statement reached its statement or warehouse timeout of 0 second(s) and was canceled.",
        )
    }
}
