//! The one error type of the SQL API client: what went wrong, and in which phase of a statement's life.
//!
//! Owns the error taxonomy only (no HTTP, no decoding). Must never carry a token, a key or an
//! `Authorization` header: messages come from Snowflake bodies or from our own decoder.

use std::fmt;

/// The phase of a statement's life an error happened in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Phase {
    /// `POST /api/v2/statements`.
    Submit,
    /// `GET /api/v2/statements/{handle}` while waiting for a result.
    Poll,
    /// `GET /api/v2/statements/{handle}?partition=N`.
    Partition,
    /// `POST /api/v2/statements/{handle}/cancel`.
    Cancel,
    /// Turning a cell or a row into a Rust value.
    Decode,
}

impl Phase {
    /// A short lowercase name, for logs and metric labels.
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Submit => "submit",
            Phase::Poll => "poll",
            Phase::Partition => "partition",
            Phase::Cancel => "cancel",
            Phase::Decode => "decode",
        }
    }
}

impl fmt::Display for Phase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Everything the SQL API client can fail with.
#[derive(Debug, thiserror::Error)]
pub enum SqlApiError {
    /// Snowflake ran (or refused to run) the statement and said why: 422 and most 400s.
    #[error("{phase}: SQL error {code} (SQL state {}): {message}{}", sql_state.as_deref().unwrap_or("-"), handle_suffix(handle))]
    Sql {
        phase: Phase,
        status: u16,
        code: String,
        sql_state: Option<String>,
        message: String,
        handle: Option<String>,
    },
    /// The statement reached its statement or warehouse timeout (408 / code 000630); Snowflake cancelled it.
    #[error("{phase}: statement timed out (code {code}): {message}{}", handle_suffix(handle))]
    Timeout { phase: Phase, code: String, message: String, handle: Option<String> },
    /// The caller's deadline passed before the statement finished; the client sent a cancel.
    #[error("{phase}: deadline passed before the statement finished; cancelled{}", handle_suffix(handle))]
    Deadline { phase: Phase, handle: Option<String> },
    /// The caller's cancellation token fired; the client sent a cancel.
    #[error("{phase}: cancelled by the caller{}", handle_suffix(handle))]
    Cancelled { phase: Phase, handle: Option<String> },
    /// The token was refused (401: 390144 JWT, 390303/390318 OAuth, PAT errors) or access is forbidden (403).
    #[error("{phase}: authentication failed (HTTP {status}, code {}): {message}", code.as_deref().unwrap_or("-"))]
    Auth { phase: Phase, status: u16, code: Option<String>, message: String },
    /// The token source could not produce a token.
    #[error("{phase}: no token: {message}")]
    Token { phase: Phase, message: String },
    /// 429 after every retry.
    #[error("{phase}: rate limited (code {}): {message}", code.as_deref().unwrap_or("-"))]
    RateLimited { phase: Phase, code: Option<String>, message: String },
    /// 5xx after every retry.
    #[error("{phase}: server error HTTP {status} (code {}): {message}", code.as_deref().unwrap_or("-"))]
    Server { phase: Phase, status: u16, code: Option<String>, message: String },
    /// The request never got an HTTP answer (connect, TLS, timeout, reset), after every retry.
    #[error("{phase}: transport error: {message}")]
    Transport { phase: Phase, message: String },
    /// The server answered something this client cannot understand; `detail` says what, `excerpt` quotes it.
    #[error("{phase}: protocol error (HTTP {status}): {detail}; body starts {excerpt:?}")]
    Protocol { phase: Phase, status: u16, detail: String, excerpt: String },
    /// A row has no column of that name.
    #[error("decode: no column named {name:?} in the result (columns: {available})")]
    MissingColumn { name: String, available: String },
    /// A column index past the end of the row.
    #[error("decode: column index {index} out of range (row has {len} columns)")]
    ColumnIndex { index: usize, len: usize },
    /// A cell does not hold what its column type (or the requested Rust type) says.
    #[error("decode: column {column:?} ({column_type}): {reason}; value {value:?}")]
    Value { column: String, column_type: String, value: String, reason: String },
    /// A required value was SQL NULL.
    #[error("decode: column {column:?} is NULL but a value is required")]
    Null { column: String },
    /// The request could not be built (a bad binding, a bad base URL).
    #[error("invalid request: {0}")]
    InvalidRequest(String),
}

fn handle_suffix(handle: &Option<String>) -> String {
    match handle {
        Some(h) => format!(" [statement {h}]"),
        None => String::new(),
    }
}

/// How long a quoted body excerpt may be, in characters.
pub(crate) const EXCERPT_CHARS: usize = 200;

/// The first [`EXCERPT_CHARS`] characters of a body, lossily decoded, for error messages.
pub(crate) fn excerpt(body: &[u8]) -> String {
    let head = &body[..body.len().min(EXCERPT_CHARS * 4)];
    let text = String::from_utf8_lossy(head);
    let mut out: String = text.chars().take(EXCERPT_CHARS).collect();
    if out.len() < text.len() || head.len() < body.len() {
        out.push('…');
    }
    out
}

impl SqlApiError {
    /// The phase this error belongs to (`Decode` for column and value errors).
    pub fn phase(&self) -> Phase {
        match self {
            SqlApiError::Sql { phase, .. }
            | SqlApiError::Timeout { phase, .. }
            | SqlApiError::Deadline { phase, .. }
            | SqlApiError::Cancelled { phase, .. }
            | SqlApiError::Auth { phase, .. }
            | SqlApiError::Token { phase, .. }
            | SqlApiError::RateLimited { phase, .. }
            | SqlApiError::Server { phase, .. }
            | SqlApiError::Transport { phase, .. }
            | SqlApiError::Protocol { phase, .. } => *phase,
            SqlApiError::MissingColumn { .. }
            | SqlApiError::ColumnIndex { .. }
            | SqlApiError::Value { .. }
            | SqlApiError::Null { .. } => Phase::Decode,
            SqlApiError::InvalidRequest(_) => Phase::Submit,
        }
    }

    /// Snowflake's error code, when the server sent one.
    pub fn code(&self) -> Option<&str> {
        match self {
            SqlApiError::Sql { code, .. } | SqlApiError::Timeout { code, .. } => Some(code),
            SqlApiError::Auth { code, .. }
            | SqlApiError::RateLimited { code, .. }
            | SqlApiError::Server { code, .. } => code.as_deref(),
            _ => None,
        }
    }

    /// Snowflake's SQL state, when the server sent one.
    pub fn sql_state(&self) -> Option<&str> {
        match self {
            SqlApiError::Sql { sql_state, .. } => sql_state.as_deref(),
            SqlApiError::Timeout { .. } => Some("57014"),
            _ => None,
        }
    }

    /// A short outcome label for metrics (`sql_error`, `timeout`, ...).
    pub fn outcome_label(&self) -> &'static str {
        match self {
            SqlApiError::Sql { .. } => "sql_error",
            SqlApiError::Timeout { .. } => "timeout",
            SqlApiError::Deadline { .. } => "deadline",
            SqlApiError::Cancelled { .. } => "cancelled",
            SqlApiError::Auth { .. } | SqlApiError::Token { .. } => "auth",
            SqlApiError::RateLimited { .. } => "rate_limited",
            SqlApiError::Server { .. } => "server",
            SqlApiError::Transport { .. } => "transport",
            SqlApiError::Protocol { .. } => "protocol",
            SqlApiError::MissingColumn { .. }
            | SqlApiError::ColumnIndex { .. }
            | SqlApiError::Value { .. }
            | SqlApiError::Null { .. } => "decode",
            SqlApiError::InvalidRequest(_) => "invalid_request",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sql_error_message_names_code_state_and_handle() {
        let e = SqlApiError::Sql {
            phase: Phase::Poll,
            status: 422,
            code: "002003".into(),
            sql_state: Some("42S02".into()),
            message: "Object 'NOPE' does not exist or not authorized.".into(),
            handle: Some("01b2".into()),
        };
        let text = e.to_string();
        assert!(text.contains("002003") && text.contains("42S02") && text.contains("NOPE"), "{text}");
        assert!(text.contains("01b2"));
        assert_eq!(e.phase(), Phase::Poll);
    }

    #[test]
    fn excerpt_is_bounded_and_marks_truncation() {
        let body = vec![b'x'; 10_000];
        let ex = excerpt(&body);
        assert_eq!(ex.chars().count(), EXCERPT_CHARS + 1);
        assert!(ex.ends_with('…'));
        assert_eq!(excerpt(b"short"), "short");
        assert_eq!(excerpt(&[0xff, 0xfe]), "\u{fffd}\u{fffd}");
    }
}
