//! INFORMATION_SCHEMA.TABLES / COLUMNS / SCHEMATA rows -> catalog objects (by uppercase column name).

use super::{flag, int, name, text, time};
use crate::catalog::{Column, Table, TableStats};
use crate::sqlapi::{Row, SqlApiError};

/// One row of INFORMATION_SCHEMA.TABLES.
pub fn table(row: &Row) -> Result<Table, SqlApiError> {
    Ok(Table {
        database: name(row, "TABLE_CATALOG")?,
        schema: name(row, "TABLE_SCHEMA")?,
        name: name(row, "TABLE_NAME")?,
        table_type: text(row, "TABLE_TYPE")?.unwrap_or_default(),
        owner: text(row, "TABLE_OWNER")?,
        comment: text(row, "COMMENT")?,
        created: time(row, "CREATED")?,
        last_ddl: time(row, "LAST_DDL")?,
        clustering_key: text(row, "CLUSTERING_KEY")?,
        retention_time: int(row, "RETENTION_TIME")?,
        is_transient: flag(row, "IS_TRANSIENT")?,
        is_secure: flag(row, "IS_SECURE")?,
        is_dynamic: flag(row, "IS_DYNAMIC")?,
        is_iceberg: flag(row, "IS_ICEBERG")?,
        is_hybrid: flag(row, "IS_HYBRID")?,
        view_definition: text(row, "VIEW_DEFINITION")?,
        stats: TableStats {
            row_count: int(row, "ROW_COUNT")?,
            bytes: int(row, "BYTES")?,
            last_altered: time(row, "LAST_ALTERED")?,
        },
    })
}

/// One row of INFORMATION_SCHEMA.COLUMNS.
pub fn column(row: &Row) -> Result<Column, SqlApiError> {
    Ok(Column {
        database: name(row, "TABLE_CATALOG")?,
        schema: name(row, "TABLE_SCHEMA")?,
        table: name(row, "TABLE_NAME")?,
        name: name(row, "COLUMN_NAME")?,
        ordinal_position: int(row, "ORDINAL_POSITION")?.unwrap_or_default(),
        data_type: text(row, "DATA_TYPE")?.unwrap_or_default(),
        character_maximum_length: int(row, "CHARACTER_MAXIMUM_LENGTH")?,
        numeric_precision: int(row, "NUMERIC_PRECISION")?,
        numeric_scale: int(row, "NUMERIC_SCALE")?,
        datetime_precision: int(row, "DATETIME_PRECISION")?,
        is_nullable: flag(row, "IS_NULLABLE")?,
        column_default: text(row, "COLUMN_DEFAULT")?,
        is_identity: flag(row, "IS_IDENTITY")?,
        identity_start: text(row, "IDENTITY_START")?,
        identity_increment: text(row, "IDENTITY_INCREMENT")?,
        comment: text(row, "COMMENT")?,
    })
}

/// The schema name of one row of INFORMATION_SCHEMA.SCHEMATA.
pub fn schemata_name(row: &Row) -> Result<String, SqlApiError> {
    name(row, "SCHEMA_NAME")
}
