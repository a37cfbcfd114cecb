//! Made-up statements for protocol and client tests, answered without the account engine: `rows N` (N
//! numbered rows), `types` (one row with a column of every jsonv2 type, then a row of NULLs), `fail` (002003),
//! and anything else answers the session's role.
//!
//! Used by this crate's protocol tests and by snowcat's client tests; not used by the engine.

use crate::engine::Session;
use crate::result::{Column, ColumnType, QueryResult, SqlError, Value};

/// Answer one of the test statements of this module.
pub fn test_statement(session: &Session, sql: &str) -> Result<QueryResult, SqlError> {
    let sql = sql.trim();
    if let Some(n) = sql.strip_prefix("rows ") {
        let n: i128 = n.trim().parse().map_err(|_| SqlError::syntax("bad count"))?;
        let columns = vec![
            Column::expr("N", ColumnType::Fixed { precision: 38, scale: 0 }, false),
            Column::expr("LABEL", ColumnType::Text { length: 16 }, true),
        ];
        let rows = (0..n).map(|i| vec![Value::Fixed(i), Value::Text(format!("row {i}"))]).collect();
        return Ok(QueryResult { columns, rows, stats: vec![] });
    }
    if sql == "types" {
        return Ok(all_types());
    }
    if sql == "fail" {
        return Err(SqlError::does_not_exist("Database", "NOPE"));
    }
    Ok(QueryResult {
        columns: vec![Column::expr("ROLE", ColumnType::Text { length: 255 }, false)],
        rows: vec![vec![Value::Text(session.role.clone())]],
        stats: vec![],
    })
}

/// One row with a column of every jsonv2 type, and a row of NULLs.
pub fn all_types() -> QueryResult {
    let col = |name: &str, t: ColumnType| Column {
        name: name.into(),
        database: "DB".into(),
        schema: "S".into(),
        table: "T".into(),
        column_type: t,
        nullable: true,
    };
    let columns = vec![
        col("FIX", ColumnType::Fixed { precision: 10, scale: 2 }),
        col("BIG", ColumnType::Fixed { precision: 38, scale: 0 }),
        col("R", ColumnType::Real),
        col("R_NAN", ColumnType::Real),
        col("R_INF", ColumnType::Real),
        col("R_NINF", ColumnType::Real),
        col("TXT", ColumnType::Text { length: 16777216 }),
        col("B", ColumnType::Boolean),
        col("D", ColumnType::Date),
        col("TM", ColumnType::Time { scale: 9 }),
        col("NTZ", ColumnType::TimestampNtz { scale: 9 }),
        col("LTZ", ColumnType::TimestampLtz { scale: 3 }),
        col("TZ", ColumnType::TimestampTz { scale: 9 }),
        col("V", ColumnType::Variant),
        col("O", ColumnType::Object),
        col("A", ColumnType::Array),
        col("BIN", ColumnType::Binary { length: 8388608 }),
    ];
    let values = vec![
        Value::Fixed(1250),
        Value::Fixed(12345678901234567890123456789012345678),
        Value::Real(1.5),
        Value::Real(f64::NAN),
        Value::Real(f64::INFINITY),
        Value::Real(f64::NEG_INFINITY),
        Value::Text("héllo \"q\"".into()),
        Value::Boolean(true),
        Value::Date(20735),
        Value::Time(45_296_123_456_789),
        Value::TimestampNtz(1_791_549_296_123_456_789),
        Value::TimestampLtz(1_791_549_296_123_456_789),
        Value::TimestampTz(1_791_524_096_123_456_789, 420),
        Value::Variant("\"s\"".into()),
        Value::Variant("{\"a\":1}".into()),
        Value::Variant("[1,2]".into()),
        Value::Binary(vec![0xDE, 0xAD, 0xBE, 0xEF]),
    ];
    let nulls = vec![Value::Null; values.len()];
    QueryResult { columns, rows: vec![values, nulls], stats: vec![] }
}
