//! SHOW PRIMARY / UNIQUE / IMPORTED KEYS rows (one row per key column) -> one `Constraint` per key, columns
//! in `key_sequence` order. Constraint names are not unique across tables, so keys group by table + name.

use std::collections::BTreeMap;

use super::{flag, int, name, text};
use crate::catalog::{Constraint, ConstraintType};
use crate::sqlapi::{Row, SqlApiError};

type Key = (String, String, String, String);
/// (key_sequence, column, referenced column).
type KeyColumn = (i64, String, String);

/// Collects key rows until the listing ends, then yields constraints.
#[derive(Debug)]
pub struct KeyCollector {
    constraint_type: ConstraintType,
    keys: BTreeMap<Key, (Constraint, Vec<KeyColumn>)>,
}

impl KeyCollector {
    pub fn new(constraint_type: ConstraintType) -> Self {
        KeyCollector { constraint_type, keys: BTreeMap::new() }
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// Add one row of the listing.
    pub fn add(&mut self, row: &Row) -> Result<(), SqlApiError> {
        let fk = self.constraint_type == ConstraintType::ForeignKey;
        let p = if fk { "fk_" } else { "" };
        let key: Key = (
            name(row, &format!("{p}database_name"))?,
            name(row, &format!("{p}schema_name"))?,
            name(row, &format!("{p}table_name"))?,
            name(row, if fk { "fk_name" } else { "constraint_name" })?,
        );
        let seq = int(row, "key_sequence")?.unwrap_or(0);
        let column = name(row, &format!("{p}column_name"))?;
        let referenced = if fk { name(row, "pk_column_name")? } else { String::new() };
        let entry = match self.keys.get_mut(&key) {
            Some(e) => e,
            None => {
                let c = Constraint {
                    database: key.0.clone(),
                    schema: key.1.clone(),
                    table: key.2.clone(),
                    name: key.3.clone(),
                    constraint_type: self.constraint_type,
                    columns: Vec::new(),
                    referenced_database: if fk { text(row, "pk_database_name")? } else { None },
                    referenced_schema: if fk { text(row, "pk_schema_name")? } else { None },
                    referenced_table: if fk { text(row, "pk_table_name")? } else { None },
                    referenced_constraint: if fk { text(row, "pk_name")? } else { None },
                    referenced_columns: Vec::new(),
                    update_rule: if fk { text(row, "update_rule")? } else { None },
                    delete_rule: if fk { text(row, "delete_rule")? } else { None },
                    rely: flag(row, "rely")?,
                    enforced: flag(row, "enforced")?,
                    comment: text(row, "comment")?,
                };
                self.keys.entry(key).or_insert((c, Vec::new()))
            }
        };
        entry.1.push((seq, column, referenced));
        Ok(())
    }

    /// The constraints, each with its columns sorted by key sequence.
    pub fn finish(self) -> impl Iterator<Item = Constraint> {
        self.keys.into_values().map(|(mut c, mut cols)| {
            cols.sort_by_key(|(seq, _, _)| *seq);
            let fk = c.constraint_type == ConstraintType::ForeignKey;
            for (_, col, referenced) in cols {
                c.columns.push(col);
                if fk {
                    c.referenced_columns.push(referenced);
                }
            }
            c
        })
    }
}
