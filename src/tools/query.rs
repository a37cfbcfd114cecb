//! The connector's four statement tools (`snowflake_execute_query`, `_get_query_status`,
//! `_get_query_partition`, `_cancel_query`) and the metadata tools' execution, with the connector's
//! parameter names, answering one result partition at a time within the page budget.
//!
//! Owns the parameter structs, the read-only policy (via `guard`) and the mapping to a `StatementRequest`;
//! the answers are `result.rs`'s, protocol work is `sqlapi`'s, and nothing here prints.

use std::collections::BTreeMap;
use std::time::Duration;

use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Map, Value};
use tokio_util::sync::CancellationToken;

use super::guard::{self, GuardError};
use super::metadata::MetadataTool;
use super::page::{self, PAGE_BYTES};
use super::params::ParamError;
pub use super::result::{CancelAnswer, NextCall, QueryAnswer, ResultColumn, StatementAnswer};
use super::result::{answer, many, running};
use crate::sqlapi::{
    BindType, BindValue, Binding, Client, MULTI_STATEMENT_COUNT, ResultPage, Row, SqlApiError,
    StatementOutcome, StatementRequest, StatementResponse,
};

/// `snowflake_execute_query`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct ExecuteQuery {
    /// The SQL statement. In read-only mode (the default): one statement starting with SELECT, SHOW,
    /// DESCRIBE, DESC, WITH or EXPLAIN.
    pub statement: String,
    /// Submit asynchronously and return the statement handle at once; poll it with
    /// snowflake_get_query_status.
    #[serde(rename = "async")]
    pub async_exec: Option<bool>,
    /// Bind variables for `?` placeholders, by position: {"1": {"type": "TEXT", "value": "x"}}.
    pub bindings: Option<Map<String, Value>>,
    /// Database to use when executing the statement.
    pub database: Option<String>,
    /// When false, SQL NULL values are returned as the string "null".
    pub nullable: Option<bool>,
    /// Statement-level Snowflake parameters, e.g. {"QUERY_TAG": "x", "TIMEZONE": "UTC"}.
    pub parameters: Option<Map<String, Value>>,
    /// Unique request identifier (UUID) used for idempotent retries.
    pub request_id: Option<String>,
    /// Set true when resubmitting a previously sent request with the same request_id.
    pub retry: Option<bool>,
    /// Role to use when executing the statement (default: the configured role).
    pub role: Option<String>,
    /// Schema to use when executing the statement.
    pub schema: Option<String>,
    /// Seconds Snowflake may run the statement before cancelling it (0: Snowflake's maximum).
    pub timeout: Option<u64>,
    /// Warehouse to use when executing the statement (default: the configured warehouse).
    pub warehouse: Option<String>,
}

/// `snowflake_get_query_status` and `snowflake_cancel_query`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct StatementHandle {
    /// Snowflake statement handle returned by snowflake_execute_query.
    pub statement_handle: String,
    /// Optional request ID used when the statement was submitted (accepted for compatibility).
    pub request_id: Option<String>,
}

/// `snowflake_get_query_partition`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct QueryPartition {
    /// Snowflake statement handle returned by snowflake_execute_query.
    pub statement_handle: String,
    /// Partition index to fetch (0-based).
    pub partition: u64,
    /// Optional request ID used when the statement was submitted (accepted for compatibility).
    pub request_id: Option<String>,
}

/// Why a statement tool failed.
#[derive(Debug, thiserror::Error)]
pub enum QueryError {
    #[error("{0}")]
    Param(#[from] ParamError),
    #[error("{0}")]
    Guard(#[from] GuardError),
    #[error("{0}")]
    Snowflake(#[from] SqlApiError),
    #[error("statement {handle} is still running; no partitions yet (ask for its status again later)")]
    Running { handle: String },
    #[error("partition {partition} out of range: statement {handle} has {partitions} partition(s)")]
    NoSuchPartition { handle: String, partition: u64, partitions: u64 },
}

/// The Snowflake connection the live tools use, and their policy.
#[derive(Debug, Clone)]
pub struct Live {
    pub client: Client,
    /// Role and warehouse used when a call names none (the account's configured ones).
    pub role: Option<String>,
    pub warehouse: Option<String>,
    /// Let `snowflake_execute_query` run any statement, several as one request.
    pub allow_write: bool,
    /// The longest a synchronous call waits for its statement (less when the call's `timeout` ends sooner).
    pub wait: Duration,
}

fn param(param: &'static str, message: impl Into<String>) -> ParamError {
    ParamError::Invalid { param, message: message.into() }
}

/// A statement handle as Snowflake issues them (letters, digits, `-`); anything else is refused before it
/// reaches a URL.
fn check_handle(handle: &str) -> Result<&str, ParamError> {
    let ok = !handle.is_empty()
        && handle.len() <= 128
        && handle.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if ok {
        Ok(handle)
    } else {
        Err(param("statement_handle", format!("{handle:?} is not a statement handle")))
    }
}

fn check_request_id(id: &Option<String>) -> Result<Option<uuid::Uuid>, ParamError> {
    id.as_deref()
        .map(|s| {
            uuid::Uuid::parse_str(s.trim()).map_err(|_| param("request_id", format!("{s:?} is not a UUID")))
        })
        .transpose()
}

/// A parameter or binding value as the text Snowflake reads.
fn scalar_text(v: &Value) -> Option<Option<String>> {
    match v {
        Value::Null => Some(None),
        Value::String(s) => Some(Some(s.clone())),
        Value::Number(n) => Some(Some(n.to_string())),
        Value::Bool(b) => Some(Some(b.to_string())),
        _ => None,
    }
}

/// `{"1": {"type": "TEXT", "value": "x"}}` (a bare value binds as TEXT, an array of values as a batch).
fn bindings(raw: &Map<String, Value>) -> Result<BTreeMap<String, Binding>, ParamError> {
    let mut out = BTreeMap::new();
    for (key, spec) in raw {
        let bad = |why: &str| param("bindings", format!("{key:?}: {why}"));
        let (bind_type, value) = match spec {
            Value::Object(o) => {
                let ty = o.get("type").and_then(Value::as_str).ok_or_else(|| bad("needs a \"type\""))?;
                let ty = ty.parse::<BindType>().map_err(|e| bad(&e.to_string()))?;
                (ty, o.get("value").cloned().unwrap_or(Value::Null))
            }
            other => (BindType::Text, other.clone()),
        };
        let values = match &value {
            Value::Array(items) => BindValue::Batch(
                items
                    .iter()
                    .map(scalar_text)
                    .collect::<Option<_>>()
                    .ok_or_else(|| bad("values must be scalars"))?,
            ),
            v => BindValue::One(scalar_text(v).ok_or_else(|| bad("the value must be a scalar or an array"))?),
        };
        out.insert(key.clone(), Binding { bind_type, values });
    }
    Ok(out)
}

impl Live {
    fn request(
        &self,
        statement: String,
        role: &Option<String>,
        warehouse: &Option<String>,
    ) -> StatementRequest {
        let mut req = StatementRequest::new(statement);
        req.role = role.clone().or_else(|| self.role.clone());
        req.warehouse = warehouse.clone().or_else(|| self.warehouse.clone());
        req
    }

    /// The request `snowflake_execute_query` sends, after the read-only guard and parameter checks.
    pub fn execute_request(&self, args: &ExecuteQuery) -> Result<StatementRequest, QueryError> {
        // Read-only: one read statement. With writes allowed, any text: several statements run as one
        // request (one session), each counted here so Snowflake runs exactly that many.
        let count = if self.allow_write {
            match guard::count_statements(&args.statement)? {
                0 => return Err(GuardError::Empty.into()),
                n => n,
            }
        } else {
            guard::check_read_only(&args.statement)?;
            1
        };
        let mut req = self.request(args.statement.clone(), &args.role, &args.warehouse);
        req.database = args.database.clone();
        req.schema = args.schema.clone();
        req.timeout = args.timeout.map(Duration::from_secs);
        req.nullable = args.nullable.unwrap_or(true);
        req.retry = args.retry.unwrap_or(false);
        if let Some(b) = &args.bindings {
            req.bindings = bindings(b)?;
        }
        for (key, value) in args.parameters.iter().flatten() {
            let text = scalar_text(value)
                .flatten()
                .ok_or_else(|| param("parameters", format!("{key:?} must be a string, number or boolean")))?;
            req.parameters.insert(key.to_ascii_uppercase(), text);
        }
        let count = count.to_string();
        match req.parameters.get(MULTI_STATEMENT_COUNT) {
            Some(n) if *n != count => {
                let message =
                    format!("{MULTI_STATEMENT_COUNT} {n} is refused: the statement text holds {count}");
                return Err(param("parameters", message).into());
            }
            _ => req.parameters.insert(MULTI_STATEMENT_COUNT.into(), count),
        };
        req.parameters
            .entry("QUERY_TAG".into())
            .or_insert_with(|| "snowcat:mcp:snowflake_execute_query".into());
        match check_request_id(&args.request_id)? {
            Some(id) => req.request_id = id,
            None if req.retry => {
                return Err(param("retry", "needs request_id (the id of the statement to resubmit)").into());
            }
            None => {}
        }
        Ok(req)
    }

    /// `snowflake_execute_query`: run it (or submit it, with `async`) and answer its first partition.
    pub async fn execute(
        &self,
        args: &ExecuteQuery,
        cancel: CancellationToken,
    ) -> Result<QueryAnswer, QueryError> {
        let mut req = self.execute_request(args)?;
        if args.async_exec.unwrap_or(false) {
            req.async_exec = true;
            return Ok(match self.client.submit(&req).await? {
                StatementResponse::Running(s) => running(&s.handle, s.message),
                StatementResponse::Done(p) => answer(&p, &p.rows, 0, None, PAGE_BYTES),
            });
        }
        let wait = args
            .timeout
            .filter(|t| *t > 0)
            .map_or(self.wait, |t| self.wait.min(Duration::from_secs(t) + Duration::from_secs(30)));
        let deadline = tokio::time::Instant::now() + wait;
        if req.parameters.get(MULTI_STATEMENT_COUNT).is_some_and(|n| n != "1") {
            return self.execute_many(req, deadline, cancel).await;
        }
        let page = self.client.first_page(req, deadline, cancel).await?;
        Ok(answer(&page, &page.rows, 0, None, PAGE_BYTES))
    }

    /// Several statements as one request: one answer per statement (its first partition, the page budget
    /// shared among them), under the parent's.
    async fn execute_many(
        &self,
        req: StatementRequest,
        deadline: tokio::time::Instant,
        cancel: CancellationToken,
    ) -> Result<QueryAnswer, QueryError> {
        let mut results = self.client.execute_statements(req, deadline, cancel).await?;
        let budget = (PAGE_BYTES / results.len().max(1)).max(1024);
        let mut statements = Vec::with_capacity(results.len());
        while let Some(r) = results.next().await {
            let (status, message, result) = match r.outcome {
                StatementOutcome::Rows(rows) => {
                    // Partition 0 again by its handle, with the metadata a page needs.
                    let handle = rows.handle().to_string();
                    drop(rows);
                    match fetch_partition(&self.client, &handle, 0).await {
                        Ok((page, rows)) => ("succeeded", None, Some(answer(&page, &rows, 0, None, budget))),
                        Err(e) => ("failed", Some(e.to_string()), None),
                    }
                }
                StatementOutcome::Failed(e) => ("failed", Some(e.to_string()), None),
                StatementOutcome::NoResult => (
                    "no_result",
                    Some("it ran, but a later statement failed: Snowflake keeps no result".into()),
                    None,
                ),
                StatementOutcome::NotRun => ("not_run", Some("an earlier statement failed".into()), None),
            };
            let statement = r.text.map(|t| page::cut(&t).unwrap_or(t));
            statements.push(StatementAnswer {
                index: r.index,
                statement,
                status: status.into(),
                message,
                result,
            });
        }
        Ok(many(results.parent_handle(), statements))
    }

    /// A metadata tool, run live: its first partition.
    pub async fn metadata(
        &self,
        tool: &MetadataTool,
        role: &Option<String>,
        warehouse: &Option<String>,
        cancel: CancellationToken,
    ) -> Result<QueryAnswer, QueryError> {
        let sql = tool.statement()?;
        let req = self
            .request(sql.clone(), role, warehouse)
            .kind(tool.cli_name().replace('-', "_"))
            .parameter("QUERY_TAG", format!("snowcat:mcp:{}", tool.connector_name()));
        let page = self.client.first_page(req, tokio::time::Instant::now() + self.wait, cancel).await?;
        Ok(answer(&page, &page.rows, 0, Some(sql), PAGE_BYTES))
    }

    /// `snowflake_get_query_status`: still running, or done with its first partition.
    pub async fn status(&self, args: &StatementHandle) -> Result<QueryAnswer, QueryError> {
        check_request_id(&args.request_id)?;
        Ok(match self.client.status(check_handle(&args.statement_handle)?).await? {
            StatementResponse::Running(s) => running(&s.handle, s.message),
            StatementResponse::Done(p) => answer(&p, &p.rows, 0, None, PAGE_BYTES),
        })
    }

    /// `snowflake_get_query_partition`.
    pub async fn partition(&self, args: &QueryPartition) -> Result<QueryAnswer, QueryError> {
        check_request_id(&args.request_id)?;
        let n = args.partition;
        let (page, rows) = fetch_partition(&self.client, check_handle(&args.statement_handle)?, n).await?;
        Ok(answer(&page, &rows, n, None, PAGE_BYTES))
    }

    /// `snowflake_cancel_query`.
    pub async fn cancel(&self, args: &StatementHandle) -> Result<CancelAnswer, QueryError> {
        check_request_id(&args.request_id)?;
        let handle = check_handle(&args.statement_handle)?;
        let s = self.client.cancel(handle).await?;
        Ok(CancelAnswer {
            statement_handle: s.handle.unwrap_or_else(|| handle.to_string()),
            code: s.code,
            message: s.message.unwrap_or_else(|| "cancel sent".into()),
        })
    }
}

/// Partition `n` of a finished statement, with the statement's metadata (which holds partition 0).
pub async fn fetch_partition(
    client: &Client,
    handle: &str,
    n: u64,
) -> Result<(ResultPage, Vec<Row>), QueryError> {
    let page = match client.status(handle).await? {
        StatementResponse::Done(page) => page,
        StatementResponse::Running(_) => return Err(QueryError::Running { handle: handle.to_string() }),
    };
    let partitions = page.partitions.len().max(1) as u64;
    let index = usize::try_from(n).ok().filter(|_| n < partitions).ok_or_else(|| {
        QueryError::NoSuchPartition { handle: handle.to_string(), partition: n, partitions }
    })?;
    let rows =
        if index == 0 { page.rows.clone() } else { client.partition(handle, index, &page.schema).await? };
    Ok((page, rows))
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use serde_json::json;

    use super::*;

    fn live(allow_write: bool) -> Live {
        let tokens = Arc::new(crate::sqlapi::StaticToken::new(
            "t".to_string().into(),
            crate::sqlapi::TokenType::OAuth,
        ));
        let client = Client::for_url("http://127.0.0.1:9", tokens).unwrap().build().unwrap();
        Live { client, role: Some("R".into()), warehouse: None, allow_write, wait: Duration::from_secs(1) }
    }

    fn args(v: Value) -> ExecuteQuery {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn requests_carry_the_connectors_fields_and_one_statement_only() {
        let req = live(false)
            .execute_request(&args(json!({
                "statement": "select ?", "bindings": {"1": {"type": "FIXED", "value": 7}, "2": "x"},
                "database": "D", "parameters": {"query_tag": "mine", "TIMEZONE": "UTC"}, "timeout": 30,
                "nullable": false, "warehouse": "WH"
            })))
            .unwrap();
        let body = req.body();
        assert_eq!(body["bindings"]["1"], json!({"type": "FIXED", "value": "7"}));
        assert_eq!(body["bindings"]["2"], json!({"type": "TEXT", "value": "x"}));
        assert_eq!(
            body["parameters"],
            json!({"MULTI_STATEMENT_COUNT": "1", "QUERY_TAG": "mine", "TIMEZONE": "UTC"})
        );
        assert_eq!(
            (body["role"].as_str(), body["warehouse"].as_str(), body["timeout"].as_u64()),
            (Some("R"), Some("WH"), Some(30))
        );
        assert!(!req.nullable);
        let e = live(false).execute_request(&args(json!({"statement": "drop table t"}))).unwrap_err();
        assert!(e.to_string().contains("DROP is not allowed in read-only mode"), "{e}");
        let write = live(true);
        assert!(write.execute_request(&args(json!({"statement": "drop table t"}))).is_ok());
        let two = write.execute_request(&args(json!({"statement": "create role a; select 2;"}))).unwrap();
        assert_eq!(two.parameters["MULTI_STATEMENT_COUNT"], "2", "counted for Snowflake");
        let e = live(false).execute_request(&args(json!({"statement": "select 1; select 2"}))).unwrap_err();
        assert!(e.to_string().contains("2 statements"), "{e}");
        let e = write
            .execute_request(&args(
                json!({"statement": "select 1", "parameters": {"MULTI_STATEMENT_COUNT": 0}}),
            ))
            .unwrap_err();
        assert!(
            e.to_string().contains("MULTI_STATEMENT_COUNT 0 is refused: the statement text holds 1"),
            "{e}"
        );
        let e = write.execute_request(&args(json!({"statement": "select 1", "retry": true}))).unwrap_err();
        assert!(e.to_string().contains("retry needs request_id"), "{e}");
        let e =
            write.execute_request(&args(json!({"statement": "select 1", "request_id": "x"}))).unwrap_err();
        assert!(e.to_string().contains("request_id \"x\" is not a UUID"), "{e}");
        let e = write
            .execute_request(&args(json!({"statement": "select 1", "bindings": {"1": {"type": "VARIANT"}}})))
            .unwrap_err();
        assert!(e.to_string().contains("bindings \"1\""), "{e}");
        assert!(check_handle("01b2-c3d4_x").is_ok());
        assert!(check_handle("../cancel").is_err() && check_handle("").is_err());
    }
}
