//! Decoding of every SQL API v2 response body (§3-§4): results, running status, cancel status, partitions
//! and the non-uniform error bodies.
//!
//! Owns the wire shapes and their mapping to typed values and `SqlApiError`s. Never panics on a body:
//! anything unexpected is a `Protocol` error quoting the start of the body. Must not do HTTP.

use std::io::Read;
use std::sync::Arc;

use serde::Deserialize;
use serde_json::Value;

use super::error::{Phase, SqlApiError, excerpt};
use super::row::{Row, Schema};
use super::value::{Column, ColumnType};

/// One `partitionInfo` item.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PartitionInfo {
    #[serde(default)]
    pub row_count: u64,
    #[serde(default)]
    pub uncompressed_size: Option<u64>,
    #[serde(default)]
    pub compressed_size: Option<u64>,
}

/// A finished statement's first answer: metadata plus partition 0.
#[derive(Debug, Clone)]
pub struct ResultPage {
    pub handle: String,
    pub request_id: Option<String>,
    pub code: Option<String>,
    pub sql_state: Option<String>,
    pub message: Option<String>,
    /// Epoch milliseconds.
    pub created_on: Option<i64>,
    /// Total rows over all partitions.
    pub num_rows: u64,
    pub partitions: Vec<PartitionInfo>,
    pub schema: Arc<Schema>,
    /// Partition 0.
    pub rows: Vec<Row>,
    /// Child handles of a multi-statement request.
    pub statement_handles: Option<Vec<String>>,
    /// DML counts (`numRowsInserted`, ...), when rows changed.
    pub stats: Option<Value>,
}

/// A statement still running (202).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryStatus {
    pub handle: String,
    pub code: Option<String>,
    pub message: Option<String>,
    pub status_url: Option<String>,
}

/// The answer to a submit or a status call.
#[derive(Debug, Clone)]
pub enum StatementResponse {
    Done(ResultPage),
    Running(QueryStatus),
}

/// The answer to a cancel (200 even when the statement had already finished).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CancelStatus {
    pub handle: Option<String>,
    pub code: Option<String>,
    pub sql_state: Option<String>,
    pub message: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawColumn {
    name: String,
    #[serde(rename = "type")]
    type_name: String,
    #[serde(default)]
    ext_type_name: Option<String>,
    #[serde(default)]
    database: Option<String>,
    #[serde(default)]
    schema: Option<String>,
    #[serde(default)]
    table: Option<String>,
    #[serde(default)]
    precision: Option<i64>,
    #[serde(default)]
    scale: Option<i64>,
    #[serde(default)]
    length: Option<i64>,
    #[serde(default)]
    byte_length: Option<i64>,
    #[serde(default)]
    nullable: Option<bool>,
    #[serde(default)]
    collation: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawMeta {
    #[serde(default)]
    num_rows: Option<u64>,
    #[serde(default)]
    partition_info: Option<Vec<PartitionInfo>>,
    row_type: Vec<RawColumn>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawBody {
    #[serde(default)]
    result_set_meta_data: Option<RawMeta>,
    #[serde(default)]
    data: Option<Vec<Vec<Option<String>>>>,
    #[serde(default)]
    code: Option<Value>,
    #[serde(default)]
    sql_state: Option<String>,
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    statement_handle: Option<String>,
    #[serde(default)]
    request_id: Option<String>,
    #[serde(default)]
    created_on: Option<i64>,
    #[serde(default)]
    statement_status_url: Option<String>,
    #[serde(default)]
    statement_handles: Option<Vec<String>>,
    #[serde(default)]
    stats: Option<Value>,
}

#[derive(Deserialize)]
struct RawPartition {
    data: Vec<Vec<Option<String>>>,
}

fn protocol(phase: Phase, status: u16, detail: impl Into<String>, body: &[u8]) -> SqlApiError {
    SqlApiError::Protocol { phase, status, detail: detail.into(), excerpt: excerpt(body) }
}

/// Largest body a still-gzipped answer may inflate to. Partitions are the server's choice but far smaller;
/// this only stops a gzip bomb (deflate reaches ~1000:1) from exhausting memory.
pub const MAX_DECODED_BODY_BYTES: u64 = 256 << 20;

/// Gunzip a body that is still compressed (a server that forgot `Content-Encoding`), with the default cap.
fn maybe_gunzip(body: &[u8]) -> Result<std::borrow::Cow<'_, [u8]>, String> {
    gunzip_capped(body, MAX_DECODED_BODY_BYTES)
}

/// Gunzip (all members) into at most `cap` bytes. Every SQL API body is a JSON object, so inflated bytes
/// that do not open with `{` are refused after the first KiB instead of being inflated in full.
fn gunzip_capped(body: &[u8], cap: u64) -> Result<std::borrow::Cow<'_, [u8]>, String> {
    if !body.starts_with(&[0x1f, 0x8b]) {
        return Ok(body.into());
    }
    let mut decoder = flate2::read::MultiGzDecoder::new(body);
    let mut out = Vec::new();
    let bad = |e: std::io::Error| format!("bad gzip: {e}");
    (&mut decoder).take(cap.min(1024)).read_to_end(&mut out).map_err(bad)?;
    if let Some(first) = out.iter().find(|b| !b.is_ascii_whitespace())
        && *first != b'{'
    {
        return Err(format!("gzip body does not inflate to a JSON object (first byte 0x{first:02x})"));
    }
    let rest = (cap + 1).saturating_sub(out.len() as u64);
    decoder.take(rest).read_to_end(&mut out).map_err(bad)?;
    if out.len() as u64 > cap {
        return Err(format!("gzip body inflates past the {cap} byte limit on decoded bodies"));
    }
    Ok(out.into())
}

/// Snowflake's error `code` in a (decompressed) error body, if it has one.
pub(crate) fn error_code(body: &[u8]) -> Option<String> {
    let json: Value = serde_json::from_slice(body).ok()?;
    code_string(&json.get("code").cloned())
}

fn code_string(v: &Option<Value>) -> Option<String> {
    match v {
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    }
}

fn parse_json<'de, T: Deserialize<'de>>(
    phase: Phase,
    status: u16,
    body: &'de [u8],
) -> Result<T, SqlApiError> {
    serde_json::from_slice(body).map_err(|e| protocol(phase, status, format!("invalid JSON body: {e}"), body))
}

fn to_rows(
    phase: Phase,
    status: u16,
    data: Vec<Vec<Option<String>>>,
    schema: &Arc<Schema>,
    body: &[u8],
) -> Result<Vec<Row>, SqlApiError> {
    let width = schema.columns.len();
    data.into_iter()
        .enumerate()
        .map(|(i, cells)| {
            if cells.len() == width {
                Ok(Row::new(schema.clone(), cells))
            } else {
                Err(protocol(
                    phase,
                    status,
                    format!("row {i} has {} cells but rowType has {width} columns", cells.len()),
                    body,
                ))
            }
        })
        .collect()
}

/// Decode the answer to a POST or a status GET. Non-2xx statuses become the matching error.
pub fn decode_statement(
    phase: Phase,
    status: u16,
    body: &[u8],
    null_string_is_null: bool,
) -> Result<StatementResponse, SqlApiError> {
    if !(200..300).contains(&status) {
        return Err(decode_error(phase, status, body));
    }
    let body = maybe_gunzip(body).map_err(|d| protocol(phase, status, d, body))?;
    let body = &body[..];
    let raw: RawBody = parse_json(phase, status, body)?;
    let code = code_string(&raw.code);
    if status == 202 {
        let handle = raw
            .statement_handle
            .ok_or_else(|| protocol(phase, status, "202 without statementHandle", body))?;
        return Ok(StatementResponse::Running(QueryStatus {
            handle,
            code,
            message: raw.message,
            status_url: raw.statement_status_url,
        }));
    }
    if status != 200 {
        return Err(protocol(phase, status, format!("unexpected success status {status}"), body));
    }
    let meta = raw
        .result_set_meta_data
        .ok_or_else(|| protocol(phase, status, "200 without resultSetMetaData", body))?;
    let handle =
        raw.statement_handle.ok_or_else(|| protocol(phase, status, "200 without statementHandle", body))?;
    let columns = meta
        .row_type
        .into_iter()
        .map(|c| Column {
            name: c.name,
            column_type: ColumnType::parse(&c.type_name),
            ext_type_name: c.ext_type_name,
            database: c.database,
            schema: c.schema,
            table: c.table,
            precision: c.precision,
            scale: c.scale,
            length: c.length,
            byte_length: c.byte_length,
            nullable: c.nullable.unwrap_or(true),
            collation: c.collation,
        })
        .collect();
    let schema = Arc::new(Schema { columns, null_string_is_null });
    let rows = to_rows(phase, status, raw.data.unwrap_or_default(), &schema, body)?;
    let partitions = meta.partition_info.unwrap_or_else(|| {
        vec![PartitionInfo { row_count: rows.len() as u64, uncompressed_size: None, compressed_size: None }]
    });
    let num_rows = match meta.num_rows {
        Some(n) => n,
        // Hostile or corrupt counts must not overflow (a panic in debug, a wrong total in release).
        None => partitions.iter().try_fold(0u64, |sum, p| sum.checked_add(p.row_count)).ok_or_else(|| {
            protocol(phase, status, "partitionInfo rowCount values sum past u64::MAX (no numRows)", body)
        })?,
    };
    Ok(StatementResponse::Done(ResultPage {
        handle,
        request_id: raw.request_id,
        code,
        sql_state: raw.sql_state,
        message: raw.message,
        created_on: raw.created_on,
        num_rows,
        partitions,
        schema,
        rows,
        statement_handles: raw.statement_handles,
        stats: raw.stats,
    }))
}

/// Decode a `?partition=N` body (`{"data": [...]}` only) into rows of `schema`.
pub fn decode_partition(status: u16, body: &[u8], schema: &Arc<Schema>) -> Result<Vec<Row>, SqlApiError> {
    let phase = Phase::Partition;
    if status != 200 {
        return Err(decode_error(phase, status, body));
    }
    let body = maybe_gunzip(body).map_err(|d| protocol(phase, status, d, body))?;
    let raw: RawPartition = parse_json(phase, status, &body)?;
    to_rows(phase, status, raw.data, schema, &body)
}

/// Decode the answer to a cancel.
pub fn decode_cancel(status: u16, body: &[u8]) -> Result<CancelStatus, SqlApiError> {
    let phase = Phase::Cancel;
    if status != 200 {
        return Err(decode_error(phase, status, body));
    }
    let body = maybe_gunzip(body).map_err(|d| protocol(phase, status, d, body))?;
    let raw: RawBody = parse_json(phase, status, &body)?;
    Ok(CancelStatus {
        handle: raw.statement_handle,
        code: code_string(&raw.code),
        sql_state: raw.sql_state,
        message: raw.message,
    })
}

/// The error for a non-2xx answer. Bodies vary (§13.12): parse leniently, fall back to the excerpt.
pub fn decode_error(phase: Phase, status: u16, body: &[u8]) -> SqlApiError {
    let unzipped = maybe_gunzip(body).unwrap_or_else(|_| body.into());
    let json: Option<Value> = serde_json::from_slice(&unzipped).ok();
    let field = |k: &str| json.as_ref().and_then(|j| j.get(k)).and_then(Value::as_str).map(str::to_string);
    let code = json.as_ref().and_then(|j| code_string(&j.get("code").cloned()));
    let message = field("message").unwrap_or_else(|| {
        if unzipped.is_empty() { format!("HTTP {status} with an empty body") } else { excerpt(&unzipped) }
    });
    let handle = field("statementHandle");
    if status == 408 || code.as_deref() == Some("000630") {
        return SqlApiError::Timeout {
            phase,
            code: code.unwrap_or_else(|| "000630".into()),
            message,
            handle,
        };
    }
    match status {
        401 | 403 => SqlApiError::Auth { phase, status, code, message },
        429 => SqlApiError::RateLimited { phase, code, message },
        500..=599 => SqlApiError::Server { phase, status, code, message },
        400 | 422 => match code {
            Some(code) => {
                SqlApiError::Sql { phase, status, code, sql_state: field("sqlState"), message, handle }
            }
            None => {
                protocol(phase, status, format!("HTTP {status} without a Snowflake error code"), &unzipped)
            }
        },
        _ => protocol(phase, status, format!("unexpected HTTP status {status}"), &unzipped),
    }
}

#[cfg(test)]
#[path = "response_tests.rs"]
mod tests;
