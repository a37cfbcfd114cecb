//! Readiness state shared by the daemon (writer) and `/readyz` (reader): config validity, catalog
//! migration, and when each account last finished a usable run.
//!
//! A run counts as usable when it ended `success` or `partial`; a string of failures therefore turns the
//! account stale, which is what an operator wants paged on. Before an account's first run its age is
//! measured from when it was (re)configured. Must not do I/O.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::metrics::RunStatus;

#[derive(Debug, Clone)]
struct AccountReady {
    since: DateTime<Utc>,
    last_usable: Option<DateTime<Utc>>,
    stale_after: Duration,
}

#[derive(Debug)]
struct Inner {
    config_valid: bool,
    catalog: Result<(), String>,
    accounts: BTreeMap<String, AccountReady>,
}

/// Shared readiness state.
#[derive(Debug)]
pub struct Readiness {
    inner: Mutex<Inner>,
}

/// One account that makes the process not ready.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StaleAccount {
    /// The account's configured name.
    pub account: String,
    /// When its last usable run ended (RFC 3339), if ever.
    pub last_usable_run: Option<String>,
    /// The allowed age in seconds.
    pub stale_after_seconds: u64,
}

/// The answer of `/readyz`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReadyReport {
    /// Ready overall.
    pub ready: bool,
    /// The configuration in force is valid.
    pub config_valid: bool,
    /// The catalog is migrated (or why not).
    pub catalog: String,
    /// Accounts whose last usable run is too old.
    pub stale_accounts: Vec<StaleAccount>,
}

impl Default for Readiness {
    fn default() -> Self {
        Self {
            inner: Mutex::new(Inner {
                config_valid: false,
                catalog: Err("not checked yet".to_string()),
                accounts: BTreeMap::new(),
            }),
        }
    }
}

impl Readiness {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A poisoned lock only means a writer panicked mid-update; the data is still usable.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Record whether the configuration in force is valid.
    pub fn set_config_valid(&self, valid: bool) {
        self.lock().config_valid = valid;
    }

    /// Record the catalog's state: `Ok` once migrated, `Err(why)` otherwise.
    pub fn set_catalog(&self, state: Result<(), String>) {
        self.lock().catalog = state;
    }

    /// Set the accounts and their allowed age; known accounts keep their history, new ones start at `now`,
    /// removed ones are forgotten.
    pub fn set_accounts(&self, accounts: &[(String, Duration)], now: DateTime<Utc>) {
        let mut inner = self.lock();
        let mut next = BTreeMap::new();
        for (name, stale_after) in accounts {
            let entry = match inner.accounts.remove(name) {
                Some(old) => AccountReady { stale_after: *stale_after, ..old },
                None => AccountReady { since: now, last_usable: None, stale_after: *stale_after },
            };
            next.insert(name.clone(), entry);
        }
        inner.accounts = next;
    }

    /// A run of `account` ended at `at` with `status`.
    pub fn run_finished(&self, account: &str, status: RunStatus, at: DateTime<Utc>) {
        if matches!(status, RunStatus::Success | RunStatus::Partial)
            && let Some(a) = self.lock().accounts.get_mut(account)
        {
            a.last_usable = Some(at);
        }
    }

    /// Evaluate readiness at `now`.
    pub fn check(&self, now: DateTime<Utc>) -> ReadyReport {
        let inner = self.lock();
        let stale_accounts: Vec<StaleAccount> = inner
            .accounts
            .iter()
            .filter(|(_, a)| {
                let reference = a.last_usable.unwrap_or(a.since);
                (now - reference).to_std().is_ok_and(|age| age > a.stale_after)
            })
            .map(|(name, a)| StaleAccount {
                account: name.clone(),
                last_usable_run: a.last_usable.map(|t| t.to_rfc3339()),
                stale_after_seconds: a.stale_after.as_secs(),
            })
            .collect();
        let catalog = match &inner.catalog {
            Ok(()) => "migrated".to_string(),
            Err(e) => e.clone(),
        };
        ReadyReport {
            ready: inner.config_valid && inner.catalog.is_ok() && stale_accounts.is_empty(),
            config_valid: inner.config_valid,
            catalog,
            stale_accounts,
        }
    }
}
