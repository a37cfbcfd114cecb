//! Printing results for `snowcat sql` / `snowcat statement`: an aligned table for people, JSON and CSV for
//! scripts. Rows arrive as a stream; JSON and CSV are written as they come, the table after all rows.
//!
//! Owns formatting only; cells become text and JSON through `tools::page` (shared with `snowcat mcp`).

use std::io::Write;

use serde_json::{Map, Value};

use crate::sqlapi::{Row, Schema};
use crate::tools::page::{display, json_value};

/// Output format of a result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Table,
    Json,
    Csv,
}

/// JSON object keys: column names, with `_2`, `_3`... for repeated names so no value is lost.
fn json_keys(schema: &Schema) -> Vec<String> {
    let mut keys: Vec<String> = Vec::with_capacity(schema.columns.len());
    for c in &schema.columns {
        let mut key = c.name.clone();
        let mut n = 1;
        while keys.contains(&key) {
            n += 1;
            key = format!("{}_{n}", c.name);
        }
        keys.push(key);
    }
    keys
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s.to_string() }
}

/// Writes rows in one format; call `row` for each row, then `finish`.
pub struct Printer<W: Write> {
    out: W,
    format: Format,
    keys: Vec<String>,
    table: Vec<Vec<String>>,
    rows: u64,
}

impl<W: Write> Printer<W> {
    pub fn new(mut out: W, format: Format, schema: &Schema) -> std::io::Result<Self> {
        let header: Vec<String> = schema.columns.iter().map(|c| c.name.clone()).collect();
        match format {
            Format::Json => out.write_all(b"[")?,
            Format::Csv => {
                writeln!(out, "{}", header.iter().map(|h| csv_field(h)).collect::<Vec<_>>().join(","))?
            }
            Format::Table => {}
        }
        Ok(Printer { out, format, keys: json_keys(schema), table: vec![header], rows: 0 })
    }

    pub fn row(&mut self, row: &Row) -> std::io::Result<()> {
        match self.format {
            Format::Json => {
                let obj: Map<String, Value> =
                    self.keys.iter().cloned().zip(row.cells().map(|c| json_value(&c))).collect();
                let sep = if self.rows == 0 { "\n" } else { ",\n" };
                write!(self.out, "{sep}{}", Value::Object(obj))?;
            }
            Format::Csv => {
                let fields: Vec<String> =
                    row.cells().map(|c| csv_field(&display(&c).unwrap_or_default())).collect();
                writeln!(self.out, "{}", fields.join(","))?;
            }
            Format::Table => {
                let cells = row
                    .cells()
                    .map(|c| display(&c).map_or_else(|| "NULL".into(), |s| s.replace(['\n', '\r'], " ")));
                self.table.push(cells.collect());
            }
        }
        self.rows += 1;
        Ok(())
    }

    pub fn finish(mut self) -> std::io::Result<()> {
        match self.format {
            Format::Json => writeln!(self.out, "{}]", if self.rows == 0 { "" } else { "\n" })?,
            Format::Csv => {}
            Format::Table => {
                let widths: Vec<usize> = (0..self.table[0].len())
                    .map(|i| {
                        self.table
                            .iter()
                            .map(|r| r.get(i).map_or(0, |s| s.chars().count()))
                            .max()
                            .unwrap_or(0)
                    })
                    .collect();
                for (n, r) in self.table.iter().enumerate() {
                    let line: Vec<String> = r.iter().zip(&widths).map(|(s, w)| format!("{s:<w$}")).collect();
                    writeln!(self.out, "{}", line.join(" | ").trim_end())?;
                    if n == 0 {
                        let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
                        writeln!(self.out, "{}", rule.join("-+-"))?;
                    }
                }
                writeln!(self.out, "({} row{})", self.rows, if self.rows == 1 { "" } else { "s" })?;
            }
        }
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::sqlapi::{Column, ColumnType};

    fn sample() -> (Arc<Schema>, Vec<Row>) {
        let schema = Arc::new(Schema::new(vec![
            Column::new("ID", ColumnType::Fixed),
            Column::new("NAME", ColumnType::Text),
            Column::new("NAME", ColumnType::Text),
            Column::new("D", ColumnType::Date),
            Column::new("V", ColumnType::Variant),
        ]));
        let rows = vec![
            Row::new(
                schema.clone(),
                vec![
                    Some("1".into()),
                    Some("a,b".into()),
                    None,
                    Some("20735".into()),
                    Some("{\n  \"k\" : 1\n}".into()),
                ],
            ),
            Row::new(
                schema.clone(),
                vec![Some("12345678901234567890".into()), None, Some("x".into()), None, None],
            ),
        ];
        (schema, rows)
    }

    fn render(format: Format) -> String {
        let (schema, rows) = sample();
        let mut buf = Vec::new();
        let mut p = Printer::new(&mut buf, format, &schema).unwrap();
        for r in &rows {
            p.row(r).unwrap();
        }
        p.finish().unwrap();
        String::from_utf8(buf).unwrap()
    }

    #[test]
    fn json_is_an_array_of_typed_objects_with_unique_keys() {
        let v: Value = serde_json::from_str(&render(Format::Json)).unwrap();
        assert_eq!(v[0]["ID"], 1);
        assert_eq!(v[0]["NAME"], "a,b");
        assert_eq!(v[0]["NAME_2"], Value::Null);
        assert_eq!(v[0]["D"], "2026-10-09");
        assert_eq!(v[0]["V"], serde_json::json!({"k": 1}));
        // Beyond i64: kept exact as a string.
        assert_eq!(v[1]["ID"], "12345678901234567890");
        assert_eq!(v[1]["NAME_2"], "x");
    }

    #[test]
    fn csv_quotes_and_table_aligns() {
        let csv = render(Format::Csv);
        let mut lines = csv.lines();
        assert_eq!(lines.next(), Some("ID,NAME,NAME,D,V"));
        assert!(lines.next().unwrap().starts_with("1,\"a,b\",,2026-10-09,"));
        let table = render(Format::Table);
        let lines: Vec<&str> = table.lines().collect();
        assert!(lines[0].starts_with("ID                   | NAME | NAME"), "{table}");
        assert!(lines[1].starts_with("---------------------+------+-"), "{table}");
        assert!(lines.last().unwrap().contains("(2 rows)"));
        assert!(table.contains("NULL"));
    }
}
