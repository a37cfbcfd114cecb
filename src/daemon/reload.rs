//! SIGHUP reload: re-read the config file, validate it, and hand a valid one to the run loop. An invalid
//! file keeps the old config in force and logs every problem by key.
//!
//! Settings bound at start (`http.*`, `log.*`, `catalog.path`) are not applied by a reload; a change to
//! them is logged as needing a restart. Must not start or stop runs itself.

use std::path::PathBuf;
use std::sync::Arc;

use tokio::sync::mpsc;

use crate::config::{self, Config, ConfigError};
use crate::metrics::Metrics;

/// Load `path` and compare with `current`: `Ok(new)` when valid, `Err(problems text)` otherwise.
pub fn reload_once(path: &std::path::Path, current: &Config) -> Result<Config, String> {
    match config::load(path) {
        Ok(next) => {
            if next.http != current.http {
                tracing::warn!("[http] changed; it takes effect after a restart");
            }
            if next.log != current.log {
                tracing::warn!("[log] changed; it takes effect after a restart");
            }
            if next.catalog != current.catalog {
                tracing::warn!("[catalog] changed; it takes effect after a restart");
            }
            Ok(next)
        }
        Err(ConfigError::Invalid(problems)) => {
            for p in &problems {
                tracing::error!(key = %p.key, value = %p.value, problem = %p.message, "reload rejected");
            }
            Err(format!("{} problem(s)", problems.len()))
        }
        Err(e) => Err(e.to_string()),
    }
}

/// Serve reload requests until `requests` closes: each valid config is sent on `configs`.
pub async fn reload_task(
    path: PathBuf,
    mut current: Config,
    mut requests: mpsc::Receiver<()>,
    configs: mpsc::Sender<Config>,
    metrics: Arc<Metrics>,
) {
    while requests.recv().await.is_some() {
        match reload_once(&path, &current) {
            Ok(next) => {
                metrics.config_reload("ok");
                current = next.clone();
                if configs.send(next).await.is_err() {
                    return;
                }
            }
            Err(why) => {
                metrics.config_reload("invalid");
                tracing::error!(path = %path.display(), why, "configuration reload failed; keeping the old one");
            }
        }
    }
}
