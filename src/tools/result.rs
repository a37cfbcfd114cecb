//! What a statement tool answers: one partition of a result, cut to the page budget, with the call that
//! fetches the next one, or a statement still running; and its short text rendering.
//!
//! Owns the answer shapes (their JSON schema is the tools' output schema) and their building from a
//! `ResultPage`; running statements is `query.rs`'s.

use std::sync::Arc;

use schemars::JsonSchema;
use serde::Serialize;
use serde_json::{Map, Value, json};

use super::page::{self, PAGE_BYTES};
use crate::sqlapi::{ResultPage, Row, Schema};

/// One column of a result.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ResultColumn {
    pub name: String,
    /// Snowflake's type name (`fixed`, `text`, `timestamp_ltz`, ...).
    #[serde(rename = "type")]
    pub column_type: String,
    pub nullable: bool,
}

/// A tool call to make for more of a result.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct NextCall {
    pub tool: String,
    pub arguments: Map<String, Value>,
}

/// The answer of a statement tool: one partition of a result (or a statement still running).
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct QueryAnswer {
    /// `succeeded` (rows are here) or `running` (poll with snowflake_get_query_status).
    pub status: String,
    pub statement_handle: String,
    /// Snowflake's message, or what was left out and how to see it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// The SQL a metadata tool ran.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sql: Option<String>,
    pub columns: Vec<ResultColumn>,
    /// This partition's rows (as far as they fit), one array of values per row, in column order.
    pub rows: Vec<Vec<Value>>,
    /// Rows of the whole result, over every partition.
    pub num_rows: u64,
    /// The partition these rows come from (0-based).
    pub partition: u64,
    /// Partitions in the result.
    pub partitions: u64,
    /// Rows of this partition left out to keep the answer under ~20k tokens.
    pub omitted_rows: u64,
    /// Values cut short for the same reason.
    pub truncated_values: u64,
    /// The call that returns the next partition, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next: Option<NextCall>,
    /// Rows changed, for DML.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stats: Option<Value>,
    /// The handles of a multi-statement request's statements (ask each for its status).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub statement_handles: Option<Vec<String>>,
    /// Each statement of a multi-statement request (`--allow-write` only), in order.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub statements: Option<Vec<StatementAnswer>>,
}

/// One statement of a multi-statement request.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct StatementAnswer {
    /// 1-based position in the request (absent when Snowflake's error does not say which one failed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub index: Option<usize>,
    /// The statement's text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub statement: Option<String>,
    /// `succeeded`, `failed`, `no_result` (it ran, but a later statement failed) or `not_run`.
    pub status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Its first partition, when it succeeded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result: Option<QueryAnswer>,
}

/// The answer of `snowflake_cancel_query`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct CancelAnswer {
    pub statement_handle: String,
    /// Snowflake's code (`000604`: cancelled).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    pub message: String,
}

fn columns(schema: &Arc<Schema>) -> Vec<ResultColumn> {
    schema
        .columns
        .iter()
        .map(|c| ResultColumn {
            name: c.name.clone(),
            column_type: c.column_type.as_str().to_string(),
            nullable: c.nullable,
        })
        .collect()
}

pub(super) fn running(handle: &str, message: Option<String>) -> QueryAnswer {
    QueryAnswer {
        status: "running".into(),
        statement_handle: handle.to_string(),
        message: Some(message.unwrap_or_else(|| {
            "the statement is still running; call snowflake_get_query_status with this statement_handle"
                .into()
        })),
        sql: None,
        columns: Vec::new(),
        rows: Vec::new(),
        num_rows: 0,
        partition: 0,
        partitions: 0,
        omitted_rows: 0,
        truncated_values: 0,
        next: None,
        stats: None,
        statement_handles: None,
        statements: None,
    }
}

/// The answer of a multi-statement request: its parent's handle and one answer per statement.
pub(super) fn many(parent: &str, statements: Vec<StatementAnswer>) -> QueryAnswer {
    let failed = statements.iter().filter(|s| s.status != "succeeded").count();
    let message = format!("{} statements, {failed} without a result; see statements", statements.len());
    QueryAnswer {
        status: if failed == 0 { "succeeded" } else { "failed" }.into(),
        statement_handle: parent.to_string(),
        message: Some(message),
        statements: Some(statements),
        ..running(parent, None)
    }
}

/// Partition `partition` of `page`'s result (its `rows`), cut to `budget` bytes.
pub(super) fn answer(
    page: &ResultPage,
    rows: &[Row],
    partition: u64,
    sql: Option<String>,
    budget: usize,
) -> QueryAnswer {
    let partitions = page.partitions.len().max(1) as u64;
    let kept = page::rows_page(rows, budget);
    let next = (partition + 1 < partitions).then(|| NextCall {
        tool: "snowflake_get_query_partition".into(),
        arguments: json!({"statement_handle": page.handle, "partition": partition + 1})
            .as_object()
            .cloned()
            .unwrap_or_default(),
    });
    let message = (kept.omitted > 0).then(|| {
        format!(
            "{} of this partition's {} rows were left out to keep the answer under ~20k tokens; narrow the \
             statement (fewer columns, a WHERE, a LIMIT) to see them",
            kept.omitted,
            rows.len()
        )
    });
    QueryAnswer {
        status: "succeeded".into(),
        statement_handle: page.handle.clone(),
        message: message.or_else(|| page.message.clone()),
        sql,
        columns: columns(&page.schema),
        rows: kept.rows,
        num_rows: page.num_rows,
        partition,
        partitions,
        omitted_rows: kept.omitted as u64,
        truncated_values: kept.truncated_values as u64,
        next,
        stats: page.stats.clone(),
        statement_handles: page.statement_handles.clone(),
        statements: None,
    }
}

impl super::Answer for CancelAnswer {
    fn text(&self) -> String {
        format!("{}: {} (code {})", self.statement_handle, self.message, self.code.as_deref().unwrap_or("-"))
    }
}

impl super::Answer for QueryAnswer {
    /// What ran and how much came back, then the rows as a plain table.
    fn text(&self) -> String {
        if self.status == "running" {
            return format!("statement {} is running", self.statement_handle);
        }
        if let Some(statements) = &self.statements {
            let mut out =
                format!("request {}: {}", self.statement_handle, self.message.as_deref().unwrap_or(""));
            for s in statements {
                let index = s.index.map_or("?".to_string(), |i| i.to_string());
                out.push_str(&format!("\n[{index}] {}: {}", s.status, s.statement.as_deref().unwrap_or("")));
                if let Some(m) = &s.message {
                    out.push_str(&format!("\n{m}"));
                }
                if let Some(r) = &s.result {
                    out.push_str(&format!("\n{}", r.text()));
                }
            }
            return out;
        }
        let mut head = format!(
            "statement {}: {} row(s) in {} partition(s); partition {} has {} here",
            self.statement_handle,
            self.num_rows,
            self.partitions,
            self.partition,
            self.rows.len()
        );
        if let Some(m) = &self.message {
            head.push_str(&format!("\n{m}"));
        }
        if let Some(n) = &self.next {
            head.push_str(&format!("\nmore: call {} with {}", n.tool, Value::Object(n.arguments.clone())));
        }
        let header: Vec<String> = self.columns.iter().map(|c| c.name.clone()).collect();
        format!("{head}\n{}", page::text_table(&header, &self.rows, PAGE_BYTES))
    }
}
