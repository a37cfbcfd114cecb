//! Rows of a result: the shared `Schema`, `Row` with access by column name or position, and the
//! `FromCell` / `FromRow` helpers that map rows to structs by column name.
//!
//! Names match case-insensitively, first match wins; duplicate names are reachable by position. Unknown
//! columns are simply never asked for. Must not do HTTP.

use std::sync::Arc;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use serde_json::Value;

use super::error::SqlApiError;
use super::value::{Cell, Column};

/// The columns of a result, shared by all its rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Schema {
    pub columns: Vec<Column>,
    /// The request had `nullable=false`: the string `"null"` means SQL NULL.
    pub null_string_is_null: bool,
}

impl Schema {
    pub fn new(columns: Vec<Column>) -> Self {
        Schema { columns, null_string_is_null: false }
    }

    /// The position of the first column with this name (case-insensitive).
    pub fn index_of(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.name.eq_ignore_ascii_case(name))
    }

    /// Like [`Schema::index_of`], but a missing column is an error naming it.
    pub fn require(&self, name: &str) -> Result<usize, SqlApiError> {
        self.index_of(name).ok_or_else(|| SqlApiError::MissingColumn {
            name: name.to_string(),
            available: self.columns.iter().map(|c| c.name.as_str()).collect::<Vec<_>>().join(", "),
        })
    }
}

/// One row: string-or-null cells in `rowType` order.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    schema: Arc<Schema>,
    cells: Vec<Option<String>>,
}

impl Row {
    /// A row; the decoder guarantees `cells.len() == schema.columns.len()`.
    pub fn new(schema: Arc<Schema>, cells: Vec<Option<String>>) -> Self {
        Row { schema, cells }
    }

    pub fn schema(&self) -> &Arc<Schema> {
        &self.schema
    }

    pub fn len(&self) -> usize {
        self.cells.len()
    }

    pub fn is_empty(&self) -> bool {
        self.cells.is_empty()
    }

    /// The raw cells (`None` = JSON null).
    pub fn raw_cells(&self) -> &[Option<String>] {
        &self.cells
    }

    /// The cell at a position (for duplicate column names).
    pub fn cell_at(&self, index: usize) -> Result<Cell<'_>, SqlApiError> {
        match (self.schema.columns.get(index), self.cells.get(index)) {
            (Some(col), Some(raw)) => Ok(Cell::new(col, raw.as_deref(), self.schema.null_string_is_null)),
            _ => Err(SqlApiError::ColumnIndex { index, len: self.cells.len() }),
        }
    }

    /// The cell of the first column with this name (case-insensitive).
    pub fn cell(&self, name: &str) -> Result<Cell<'_>, SqlApiError> {
        self.cell_at(self.schema.require(name)?)
    }

    /// Every cell in order.
    pub fn cells(&self) -> impl Iterator<Item = Cell<'_>> {
        let nn = self.schema.null_string_is_null;
        self.schema.columns.iter().zip(&self.cells).map(move |(c, raw)| Cell::new(c, raw.as_deref(), nn))
    }

    /// A typed, nullable value by column name.
    pub fn get<T: FromCell>(&self, name: &str) -> Result<Option<T>, SqlApiError> {
        T::from_cell(&self.cell(name)?)
    }

    /// A typed value by column name; NULL is an error.
    pub fn req<T: FromCell>(&self, name: &str) -> Result<T, SqlApiError> {
        self.get(name)?.ok_or_else(|| SqlApiError::Null { column: name.to_string() })
    }

    /// A typed value by column name, or `None` if the column is absent or NULL (for optional columns
    /// that differ between Snowflake versions).
    pub fn opt<T: FromCell>(&self, name: &str) -> Result<Option<T>, SqlApiError> {
        match self.schema.index_of(name) {
            Some(i) => T::from_cell(&self.cell_at(i)?),
            None => Ok(None),
        }
    }

    /// A typed, nullable value by position.
    pub fn get_at<T: FromCell>(&self, index: usize) -> Result<Option<T>, SqlApiError> {
        T::from_cell(&self.cell_at(index)?)
    }
}

/// A Rust type a cell can be read as.
pub trait FromCell: Sized {
    fn from_cell(cell: &Cell<'_>) -> Result<Option<Self>, SqlApiError>;
}

macro_rules! from_cell {
    ($t:ty, $m:ident) => {
        impl FromCell for $t {
            fn from_cell(cell: &Cell<'_>) -> Result<Option<Self>, SqlApiError> {
                cell.$m()
            }
        }
    };
}

from_cell!(i64, i64);
from_cell!(i128, i128);
from_cell!(f64, f64);
from_cell!(bool, bool);
from_cell!(NaiveDate, date);
from_cell!(NaiveTime, time);
from_cell!(NaiveDateTime, timestamp_ntz);
from_cell!(DateTime<Utc>, timestamp_utc);
from_cell!(DateTime<FixedOffset>, timestamp_tz);
from_cell!(Value, json);
from_cell!(Vec<u8>, binary);

impl FromCell for String {
    fn from_cell(cell: &Cell<'_>) -> Result<Option<Self>, SqlApiError> {
        Ok(cell.text().map(str::to_string))
    }
}

impl FromCell for u64 {
    fn from_cell(cell: &Cell<'_>) -> Result<Option<Self>, SqlApiError> {
        match cell.i128()? {
            None => Ok(None),
            Some(v) => u64::try_from(v).map(Some).map_err(|_| SqlApiError::Value {
                column: cell.column.name.clone(),
                column_type: cell.column.column_type.as_str().to_string(),
                value: v.to_string(),
                reason: "out of range for u64".into(),
            }),
        }
    }
}

/// A struct built from a row by column name (the crawler maps SHOW / INFORMATION_SCHEMA rows with it).
pub trait FromRow: Sized {
    fn from_row(row: &Row) -> Result<Self, SqlApiError>;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sqlapi::value::ColumnType;

    fn schema() -> Arc<Schema> {
        Arc::new(Schema::new(vec![
            Column::new("name", ColumnType::Text),
            Column::new("ROWS", ColumnType::Fixed),
            Column::new("NAME", ColumnType::Text),
            Column::new("comment", ColumnType::Text),
        ]))
    }

    struct Db {
        name: String,
        rows: Option<i64>,
    }

    impl FromRow for Db {
        fn from_row(row: &Row) -> Result<Self, SqlApiError> {
            Ok(Db { name: row.req("NAME")?, rows: row.get("rows")? })
        }
    }

    #[test]
    fn names_match_case_insensitively_first_wins_duplicates_by_position() {
        let row = Row::new(schema(), vec![Some("a".into()), Some("12".into()), Some("b".into()), None]);
        assert_eq!(row.get::<String>("NAME").unwrap().as_deref(), Some("a"));
        assert_eq!(row.get_at::<String>(2).unwrap().as_deref(), Some("b"));
        assert_eq!(row.get::<i64>("Rows").unwrap(), Some(12));
        assert_eq!(row.get::<String>("comment").unwrap(), None);
        assert!(matches!(row.req::<String>("comment"), Err(SqlApiError::Null { .. })));
        assert_eq!(row.opt::<String>("owner").unwrap(), None);
        let db = Db::from_row(&row).unwrap();
        assert_eq!((db.name.as_str(), db.rows), ("a", Some(12)));
    }

    #[test]
    fn missing_column_error_names_it() {
        let row = Row::new(schema(), vec![None, None, None, None]);
        let err = row.get::<String>("owner").unwrap_err();
        let text = err.to_string();
        assert!(text.contains("\"owner\"") && text.contains("comment"), "{text}");
        assert!(matches!(row.cell_at(9), Err(SqlApiError::ColumnIndex { index: 9, len: 4 })));
    }

    #[test]
    fn nullable_false_null_string_reads_as_null() {
        let mut s = Schema::new(vec![Column::new("X", ColumnType::Text)]);
        s.null_string_is_null = true;
        let row = Row::new(Arc::new(s), vec![Some("null".into())]);
        assert_eq!(row.get::<String>("x").unwrap(), None);
        let row2 = Row::new(schema(), vec![Some("null".into()), None, None, None]);
        assert_eq!(row2.get::<String>("name").unwrap().as_deref(), Some("null"));
    }
}
