//! Snowflake's response bodies and how they go on the wire: ResultSet, QueryStatus (202), failure (422/408),
//! cancel, auth and rate-limit errors; gzip when the client accepts it; the `Link` header; and the damaged
//! bodies the reset / malformed-partition faults ask for.
//!
//! Owns body shapes (sql-api-v2.md §3, §4) only: no statement state, no auth decisions.

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use serde_json::{Value as Json, json};

use super::encode::Rendered;
use super::faults::BodyFault;
use super::handles::Statement;
use super::result::SqlError;

pub const RUNNING_MESSAGE: &str =
    "Asynchronous execution in progress. Use provided query id to perform query monitoring and management.";

/// A reply before it goes on the wire: status, JSON text, extra headers, and damage to apply.
pub struct Reply {
    pub status: StatusCode,
    pub body: String,
    /// The Snowflake `code` in the body, for the request log.
    pub code: Option<String>,
    pub link: Option<String>,
    /// A prepared gzip of `body` (big result partitions are compressed once, when rendered).
    pub gzipped: Option<Vec<u8>>,
    pub fault: BodyFault,
}

impl Reply {
    pub fn json(status: StatusCode, body: &Json) -> Self {
        let code = body.get("code").and_then(Json::as_str).map(str::to_string);
        Reply { status, body: body.to_string(), code, link: None, gzipped: None, fault: BodyFault::None }
    }

    /// `{"code": ..., "message": ...}`: the shape of 400/401/429 answers.
    pub fn code_message(status: StatusCode, code: &str, message: &str) -> Self {
        Reply::json(status, &json!({"code": code, "message": message}))
    }

    /// Put the reply on the wire, gzip-encoded when `Accept-Encoding` allows it.
    pub fn into_response(self, request_headers: &HeaderMap) -> Response {
        let gzip_ok = request_headers
            .get_all(header::ACCEPT_ENCODING)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .any(|v| v.split(',').any(|e| e.trim().split(';').next() == Some("gzip")));
        let mut body = match self.fault {
            BodyFault::Malformed => {
                let cut = self.body.len() / 2;
                let mut broken = self.body.as_bytes()[..cut].to_vec();
                broken.extend_from_slice(b"\"unterminated");
                broken
            }
            _ => self.body.into_bytes(),
        };
        let mut builder = Response::builder()
            .status(self.status)
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::VARY, "Accept-Encoding, User-Agent");
        if let Some(link) = self.link.as_deref().and_then(|l| HeaderValue::from_str(l).ok()) {
            builder = builder.header(header::LINK, link);
        }
        if gzip_ok && !body.is_empty() {
            let packed = match (self.fault, self.gzipped) {
                (BodyFault::None, Some(gz)) => Some(gz),
                _ => super::encode::gzip(&body),
            };
            if let Some(gz) = packed {
                body = gz;
                builder = builder.header(header::CONTENT_ENCODING, "gzip");
            }
        }
        builder = builder.header(header::CONTENT_LENGTH, body.len());
        let body = if self.fault == BodyFault::Reset {
            // Send half the promised bytes, then fail the stream: the server aborts the connection.
            // The pause lets the headers and the first half reach the client before the connection drops.
            let half = Bytes::from(body[..body.len() / 2].to_vec());
            let parts = futures_util::stream::unfold(0u8, move |step| {
                let half = half.clone();
                async move {
                    match step {
                        0 => Some((Ok(half), 1)),
                        1 => {
                            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                            let err =
                                std::io::Error::new(std::io::ErrorKind::ConnectionReset, "injected reset");
                            Some((Err(err), 2))
                        }
                        _ => None,
                    }
                }
            });
            Body::from_stream(parts)
        } else {
            Body::from(body)
        };
        builder.body(body).unwrap_or_else(|_| Response::new(Body::empty()))
    }
}

fn status_url(handle: &str) -> String {
    format!("/api/v2/statements/{handle}")
}

/// 200 ResultSet with partition 0 and the full metadata (sql-api-v2.md §3.1, in the real field order).
pub fn result_set(stmt: &Statement, rendered: &Rendered) -> Reply {
    let s = |v: &str| Json::String(v.to_string()).to_string();
    let data = rendered.partitions.first().map_or("[]", |p| p.data.as_str());
    let mut body = format!(
        "{{\"resultSetMetaData\":{},\"data\":{},\"code\":\"090001\",\"statementStatusUrl\":{},\"requestId\":{},\
         \"sqlState\":\"00000\",\"statementHandle\":{},\"message\":\"Statement executed successfully.\",\
         \"createdOn\":{}",
        rendered.metadata(),
        data,
        s(&format!("{}?requestId={}", status_url(&stmt.handle), stmt.request_id)),
        s(&stmt.request_id),
        s(&stmt.handle),
        stmt.created_on,
    );
    if !rendered.statement_handles.is_empty() {
        body.push_str(&format!(",\"statementHandles\":{}", json!(rendered.statement_handles)));
    }
    if !rendered.stats.is_empty() {
        let stats: serde_json::Map<String, Json> =
            rendered.stats.iter().map(|(k, v)| (k.clone(), json!(v))).collect();
        body.push_str(&format!(",\"stats\":{}", Json::Object(stats)));
    }
    body.push('}');
    Reply {
        status: StatusCode::OK,
        body,
        code: Some("090001".into()),
        link: Some(link_header(&stmt.handle, 0, rendered.partitions.len())),
        gzipped: None,
        fault: BodyFault::None,
    }
}

/// 200 `{"data": ...}` for `?partition=N`, or `None` when N is out of range.
pub fn partition(stmt: &Statement, rendered: &Rendered, index: usize) -> Option<Reply> {
    let body = rendered.partition_body(index)?;
    let gzipped = rendered.partitions.get(index).and_then(|p| p.gzipped_body.clone());
    Some(Reply {
        status: StatusCode::OK,
        body,
        code: None,
        link: Some(link_header(&stmt.handle, index, rendered.partitions.len())),
        gzipped,
        fault: BodyFault::None,
    })
}

/// `Link: <...&partition=N>; rel="next",<...>; rel="first",...`, each URL with a fresh requestId.
fn link_header(handle: &str, current: usize, count: usize) -> String {
    let url = |p: usize| format!("<{}?requestId={}&partition={p}>", status_url(handle), uuid::Uuid::new_v4());
    let mut links = Vec::new();
    if current + 1 < count {
        links.push(format!("{}; rel=\"next\"", url(current + 1)));
    }
    if current > 0 {
        links.push(format!("{}; rel=\"prev\"", url(current - 1)));
    }
    links.push(format!("{}; rel=\"first\"", url(0)));
    links.push(format!("{}; rel=\"last\"", url(count.saturating_sub(1))));
    links.join(",")
}

/// 202 QueryStatus: still running (no requestId on the status URL, as recorded).
pub fn running(stmt: &Statement) -> Reply {
    Reply::json(
        StatusCode::ACCEPTED,
        &json!({
            "code": "333334",
            "message": RUNNING_MESSAGE,
            "statementHandle": stmt.handle,
            "statementStatusUrl": status_url(&stmt.handle),
        }),
    )
}

/// 422 QueryFailureStatus for a failed statement.
pub fn failure(stmt: &Statement, err: &SqlError) -> Reply {
    failure_with(StatusCode::UNPROCESSABLE_ENTITY, stmt, err)
}

/// A failure body with any status (408 for a POST that timed out).
pub fn failure_with(status: StatusCode, stmt: &Statement, err: &SqlError) -> Reply {
    Reply::json(
        status,
        &json!({
            "code": err.code,
            "message": err.message,
            "sqlState": err.sql_state,
            "statementHandle": stmt.handle,
            "createdOn": stmt.created_on,
            "statementStatusUrl": status_url(&stmt.handle),
        }),
    )
}

/// The error a cancelled statement answers on GET: 000604 / 57014.
pub fn cancelled_error() -> SqlError {
    SqlError::new("000604", "57014", "SQL execution canceled")
}

/// The 000630 error with the timeout the request asked for.
pub fn timeout_error(secs: u64) -> SqlError {
    SqlError::new(
        "000630",
        "57014",
        format!("Statement reached its statement or warehouse timeout of {secs} second(s) and was canceled."),
    )
}

/// 200 CancelStatus as recorded (note the status URL without `/v2`).
pub fn cancel_ok(handle: &str) -> Reply {
    Reply::json(
        StatusCode::OK,
        &json!({
            "code": "000604",
            "sqlState": "57014",
            "message": "SQL execution canceled",
            "statementHandle": handle,
            "statementStatusUrl": format!("/api/statements/{handle}"),
        }),
    )
}

/// 400/422 `000709` for a handle this server never issued.
pub fn unknown_handle(status: StatusCode, handle: &str) -> Reply {
    Reply::json(
        status,
        &json!({"code": "000709", "message": format!("Statement {handle} not found"), "sqlState": "02000"}),
    )
}

/// An injected gateway / rate-limit status.
pub fn injected_status(status: u16) -> Reply {
    let code = StatusCode::from_u16(status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
    if code == StatusCode::TOO_MANY_REQUESTS {
        return Reply::code_message(code, "390505", "Too many requests.");
    }
    let reason = code.canonical_reason().unwrap_or("Error");
    Reply::json(code, &json!({"message": reason}))
}
