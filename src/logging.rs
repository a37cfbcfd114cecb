//! Process-wide `tracing` subscriber: human-readable text on a terminal, one JSON object per line when
//! asked or when stderr is not a terminal; RUST_LOG-style filtering. Logs go to stderr.
//!
//! Owns subscriber setup only; must not decide what is logged. Secrets must never reach a log call.

use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;

use crate::config::LogFormat;

/// Why logging could not start.
#[derive(Debug, thiserror::Error)]
pub enum LoggingError {
    /// The filter string is invalid.
    #[error("invalid log filter {filter:?}: {message}")]
    Filter {
        /// The filter.
        filter: String,
        /// Why.
        message: String,
    },
    /// A global subscriber was already installed.
    #[error("logging already initialised")]
    AlreadySet,
}

/// Does `format` resolve to JSON, given whether stderr is a terminal?
pub fn use_json(format: LogFormat, stderr_is_terminal: bool) -> bool {
    match format {
        LogFormat::Json => true,
        LogFormat::Text => false,
        LogFormat::Auto => !stderr_is_terminal,
    }
}

/// Install the global subscriber. `RUST_LOG`, when set and non-empty, replaces `default_filter`.
pub fn init(format: LogFormat, default_filter: &str) -> Result<(), LoggingError> {
    let filter_text = std::env::var("RUST_LOG").ok().filter(|v| !v.trim().is_empty());
    let filter_text = filter_text.as_deref().unwrap_or(default_filter);
    let filter = EnvFilter::try_new(filter_text)
        .map_err(|e| LoggingError::Filter { filter: filter_text.to_string(), message: e.to_string() })?;
    let terminal = std::io::stderr().is_terminal();
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    let result = if use_json(format, terminal) {
        builder.json().with_current_span(true).with_span_list(false).try_init()
    } else {
        builder.with_ansi(terminal).try_init()
    };
    result.map_err(|_| LoggingError::AlreadySet)
}
