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

/// The filter actually used: `rust_log` (when non-empty) else `default_filter`, with tokio-cron-scheduler
/// held at `warn` unless the filter names it (it logs "Uninited"/"Job creator created" at INFO per job).
pub fn effective_filter(rust_log: Option<&str>, default_filter: &str) -> String {
    let base = rust_log.filter(|v| !v.trim().is_empty()).unwrap_or(default_filter);
    if base.contains("tokio_cron_scheduler") {
        base.to_string()
    } else {
        format!("{base},tokio_cron_scheduler=warn")
    }
}

/// Install the global subscriber. `RUST_LOG`, when set and non-empty, replaces `default_filter`.
pub fn init(format: LogFormat, default_filter: &str) -> Result<(), LoggingError> {
    let rust_log = std::env::var("RUST_LOG").ok();
    let filter_text = effective_filter(rust_log.as_deref(), default_filter);
    let filter_text = filter_text.as_str();
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

#[cfg(test)]
mod tests {
    use super::effective_filter;

    #[test]
    fn the_scheduler_chatter_is_filtered_unless_asked_for() {
        assert_eq!(effective_filter(None, "info"), "info,tokio_cron_scheduler=warn");
        assert_eq!(effective_filter(Some(" "), "info"), "info,tokio_cron_scheduler=warn");
        assert_eq!(effective_filter(Some("debug"), "info"), "debug,tokio_cron_scheduler=warn");
        assert_eq!(
            effective_filter(Some("tokio_cron_scheduler=debug"), "info"),
            "tokio_cron_scheduler=debug"
        );
    }
}
