//! The daemon's configuration: the TOML schema with defaults, environment overrides and validation that
//! reports every problem by key. Reads files; must not open connections or the catalog.
//!
//! Loading is: read the file -> parse as a TOML table -> apply `SNOWCAT__SECTION__KEY` overrides -> refuse
//! inline secrets (each one a problem naming its key) -> type it key by key (`typecheck`: every wrong type,
//! bad value and unknown key, in every section) -> [`validate`] what typed. Every problem found on the way
//! is returned together, so an operator fixes a file in one pass.

mod auth;
mod env;
mod schema;
mod typecheck;
mod validate;

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Serialize;

pub use env::{PREFIX as ENV_PREFIX, apply_overrides};
pub use schema::*;
pub use validate::{CHANGE_KINDS, SEVERITIES, next_runs, parse_schedule, parse_timezone, validate};

/// The config file used when neither `--config` nor `$SNOWCAT_CONFIG` is given.
pub const DEFAULT_CONFIG_PATH: &str = "/etc/snowcat/snowcat.toml";

/// One thing wrong with a configuration: the key (dotted path, or the environment variable), the bad value
/// as written (secrets shown as `<redacted>`) and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConfigProblem {
    /// Dotted key such as `accounts[0].schedule` (or `SNOWCAT__...` for an environment override).
    pub key: String,
    /// The offending value, or empty when the key is missing.
    pub value: String,
    /// What is wrong and, where possible, how to fix it.
    pub message: String,
}

impl ConfigProblem {
    /// A problem at `key` with the bad `value`.
    pub fn new(key: &str, value: &str, message: &str) -> Self {
        Self { key: key.to_string(), value: value.to_string(), message: message.to_string() }
    }
}

impl fmt::Display for ConfigProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.value.is_empty() {
            write!(f, "{}: {}", self.key, self.message)
        } else {
            write!(f, "{} = {:?}: {}", self.key, self.value, self.message)
        }
    }
}

/// Why a configuration could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read config file {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file was read but has problems (all of them listed).
    #[error("{} problem(s) in the configuration: {}", .0.len(), join(.0))]
    Invalid(Vec<ConfigProblem>),
}

fn join(problems: &[ConfigProblem]) -> String {
    problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")
}

/// The config path to use: the given one, else `$SNOWCAT_CONFIG`, else [`DEFAULT_CONFIG_PATH`].
pub fn resolve_path(given: Option<&Path>) -> PathBuf {
    match given {
        Some(p) => p.to_path_buf(),
        None => std::env::var_os("SNOWCAT_CONFIG")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from(DEFAULT_CONFIG_PATH)),
    }
}

/// Load, override from the process environment and validate the config file at `path`.
pub fn load(path: &Path) -> Result<Config, ConfigError> {
    let text = std::fs::read_to_string(path)
        .map_err(|source| ConfigError::Read { path: path.to_path_buf(), source })?;
    load_str(&text, std::env::vars())
}

/// Parse `text`, apply the `SNOWCAT__` variables among `env`, and validate. Returns every problem found.
pub fn load_str<I, K, V>(text: &str, env: I) -> Result<Config, ConfigError>
where
    I: IntoIterator<Item = (K, V)>,
    K: AsRef<str>,
    V: AsRef<str>,
{
    let mut doc: toml::Table = toml::from_str(text).map_err(|e| {
        // Only the message and the line: the error's own rendering quotes the source line, which may
        // hold a secret someone pasted inline.
        let line = e.span().map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1);
        let key = line.map_or("(file)".to_string(), |l| format!("(file) line {l}"));
        ConfigError::Invalid(vec![ConfigProblem::new(&key, "", e.message().trim())])
    })?;
    // Overrides first, so a secret injected inline through SNOWCAT__... is refused the same way.
    let mut problems = apply_overrides(&mut doc, env);
    problems.extend(refuse_inline_secrets(&mut doc));
    let (config, typing, reported) = typecheck::type_leniently(&doc);
    problems.extend(typing);
    if let Some(config) = &config {
        problems
            .extend(validate(config).into_iter().filter(|p| !typecheck::already_reported(&reported, &p.key)));
    }
    match config {
        Some(config) if problems.is_empty() => Ok(config),
        _ => {
            problems.sort_by_key(|p| file_order(&p.key));
            Err(ConfigError::Invalid(problems))
        }
    }
}

/// Where a key's section comes in the file's documented order (accounts by position), so problems found
/// by typing and by validation read section by section; the order within a section is kept.
fn file_order(key: &str) -> (usize, usize) {
    const SECTIONS: [&str; 8] =
        ["catalog", "http", "log", "retention", "daemon", "notifications", "mcp", "accounts"];
    let section = key.split(['.', '[']).next().unwrap_or_default();
    let rank = SECTIONS.iter().position(|s| *s == section).map_or(0, |i| i + 1);
    let account = key
        .strip_prefix("accounts[")
        .and_then(|rest| rest.split_once(']'))
        .and_then(|(n, _)| n.parse().ok())
        .unwrap_or(0);
    (rank, account)
}

/// Key names that would hold a secret inline, and the key to use instead.
const INLINE_SECRET_KEYS: &[&str] =
    &["client_secret", "passphrase", "token", "private_key", "password", "secret"];

/// Remove every inline secret under `[[accounts]] auth` (so it is never typed or echoed) and report each.
fn refuse_inline_secrets(doc: &mut toml::Table) -> Vec<ConfigProblem> {
    let mut problems = Vec::new();
    let Some(toml::Value::Array(accounts)) = doc.get_mut("accounts") else {
        return problems;
    };
    for (i, account) in accounts.iter_mut().enumerate() {
        let Some(toml::Value::Table(auth)) = account.get_mut("auth") else {
            continue;
        };
        for (method, body) in auth.iter_mut() {
            let toml::Value::Table(body) = body else {
                continue;
            };
            for key in INLINE_SECRET_KEYS {
                if body.remove(*key).is_some() {
                    problems.push(ConfigProblem::new(
                        &format!("accounts[{i}].auth.{method}.{key}"),
                        "<redacted>",
                        &format!("inline secrets are refused; put it in a file (`{key}_file`) or an environment variable (`{key}_env`)"),
                    ));
                }
            }
        }
    }
    problems
}
