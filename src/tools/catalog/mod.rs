//! The catalog tools: what changed, one object's history, one object as it was, a run's coverage gaps,
//! search, runs, who can reach an object and what a role or user reaches. They answer from the catalog file opened read-only (while the daemon keeps writing it),
//! with no warehouse and no network.
//!
//! Owns the tools' parameters, answers, paging (limit + cursor, and the page budget) and errors that say
//! what to fix. Every read goes through `catalog`'s typed readers; no SQL here.

mod access;
mod lists;
mod object;
mod render;

use std::path::{Path, PathBuf};

use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize};

pub use access::{AccessAnswer, AccessPathRow, WhatCanReach, WhoCanReach, what_can_reach, who_can_reach};
pub use lists::{
    Changes, ChangesAnswer, Coverage, CoverageAnswer, Runs, RunsAnswer, Search, SearchAnswer, changes,
    coverage, runs, search,
};
pub use object::{History, HistoryAnswer, ObjectAnswer, ObjectAt, history, object};
pub use render::write_changes;

use super::params::ParamError;
use crate::catalog::{Catalog, CatalogError};

/// Rows a list answers when the call gives no `limit`.
pub const DEFAULT_LIMIT: u32 = 50;
/// The largest `limit` a list accepts (the page budget may still stop it earlier).
pub const MAX_LIMIT: u32 = 500;

/// Why a catalog tool failed.
#[derive(Debug, thiserror::Error)]
pub enum CatalogToolError {
    #[error(
        "no catalog at {0} yet: it appears with the first crawl (`snowcat crawl --once` or `snowcat run`)"
    )]
    NoCatalog(PathBuf),
    #[error("{0}")]
    Param(#[from] ParamError),
    #[error("{0}")]
    Catalog(#[from] CatalogError),
    #[error("{what} {name} is not in the catalog of account {account}{}", closest_suffix(.closest))]
    NotFound { what: String, name: String, account: String, closest: Vec<String> },
}

fn closest_suffix(closest: &[String]) -> String {
    if closest.is_empty() {
        String::new()
    } else {
        format!("; the closest names are: {}", closest.join(", "))
    }
}

/// The catalog file and the account the tools default to.
#[derive(Debug, Clone)]
pub struct CatalogSource {
    pub path: PathBuf,
    /// The account used when a call names none and the file holds several.
    pub default_account: Option<String>,
}

impl CatalogSource {
    /// Open the file read-only for one call.
    pub fn open(&self) -> Result<Catalog, CatalogToolError> {
        if !Path::new(&self.path).exists() {
            return Err(CatalogToolError::NoCatalog(self.path.clone()));
        }
        Ok(Catalog::open_read_only(&self.path)?)
    }

    /// The account a call is about: the one it names, the default, or the only one in the file.
    pub fn account(&self, cat: &Catalog, given: &Option<String>) -> Result<String, CatalogToolError> {
        let all = cat.accounts()?;
        match given.as_ref().or(self.default_account.as_ref()) {
            Some(a) if all.contains(a) => Ok(a.clone()),
            Some(a) => Err(ParamError::Invalid {
                param: "account",
                message: format!("{a:?} is not in the catalog (it holds: {})", list_or_none(&all)),
            }
            .into()),
            None => Ok(cat.resolve_account(None)?),
        }
    }
}

fn list_or_none(items: &[String]) -> String {
    if items.is_empty() { "no account yet".to_string() } else { items.join(", ") }
}

/// A `limit` argument, checked and defaulted.
pub fn limit(given: Option<u32>) -> Result<usize, ParamError> {
    match given {
        None => Ok(DEFAULT_LIMIT as usize),
        Some(n) if (1..=MAX_LIMIT).contains(&n) => Ok(n as usize),
        Some(n) => Err(ParamError::Invalid {
            param: "limit",
            message: format!("must be between 1 and {MAX_LIMIT}, got {n}"),
        }),
    }
}

/// A run id or an RFC 3339 time, as an agent passes it (`12`, `"12"`, `"2026-12-01T00:00:00Z"`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum RunOrTime {
    Run(i64),
    /// Normalised to UTC with milliseconds, the catalog's time format.
    Time(String),
}

impl<'de> Deserialize<'de> for RunOrTime {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match serde_json::Value::deserialize(d)? {
            serde_json::Value::Number(n) => n
                .as_i64()
                .map(RunOrTime::Run)
                .ok_or_else(|| serde::de::Error::custom("a run id is a whole number")),
            serde_json::Value::String(s) => RunOrTime::parse(&s).map_err(serde::de::Error::custom),
            _ => Err(serde::de::Error::custom("expected a run id or an RFC 3339 time")),
        }
    }
}

impl JsonSchema for RunOrTime {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "RunOrTime".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": ["integer", "string"],
            "description": "A run id (see catalog_runs) or an RFC 3339 time such as 2026-12-01T09:00:00Z"
        })
    }
}

impl RunOrTime {
    /// `12` or an RFC 3339 time.
    pub fn parse(s: &str) -> Result<RunOrTime, String> {
        if let Ok(id) = s.trim().parse::<i64>() {
            return Ok(RunOrTime::Run(id));
        }
        let t = chrono::DateTime::parse_from_rfc3339(s.trim())
            .map_err(|e| format!("{s:?} is neither a run id nor an RFC 3339 time: {e}"))?;
        Ok(RunOrTime::Time(
            t.with_timezone(&chrono::Utc).to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        ))
    }

    /// The run a reader sees "at" this point: the run itself, or the last run of `account` finished by then.
    pub fn run(&self, cat: &Catalog, account: &str, param: &'static str) -> Result<i64, CatalogToolError> {
        match self {
            RunOrTime::Run(r) => Ok(*r),
            RunOrTime::Time(t) => cat.run_at_time(account, t)?.ok_or_else(|| {
                ParamError::Invalid {
                    param,
                    message: format!("{t}: no run of {account} had finished by then"),
                }
                .into()
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_and_times_parse_from_numbers_and_strings() {
        let v: RunOrTime = serde_json::from_value(serde_json::json!(12)).unwrap();
        assert_eq!(v, RunOrTime::Run(12));
        let v: RunOrTime = serde_json::from_value(serde_json::json!("12")).unwrap();
        assert_eq!(v, RunOrTime::Run(12));
        let v: RunOrTime = serde_json::from_value(serde_json::json!("2026-12-01T10:00:00+01:00")).unwrap();
        assert_eq!(v, RunOrTime::Time("2026-12-01T09:00:00.000Z".into()));
        assert!(serde_json::from_value::<RunOrTime>(serde_json::json!("yesterday")).is_err());
        assert!(limit(Some(0)).is_err() && limit(Some(501)).is_err());
        assert_eq!(limit(None), Ok(50));
    }
}
