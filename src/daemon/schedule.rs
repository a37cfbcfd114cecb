//! When each account runs: a croner 4 cron expression read in the account's IANA time zone, plus jitter.
//!
//! Why not tokio-cron-scheduler (the project's first choice): version 0.15.1 rejects 5-field cron, fixes a
//! zone's UTC offset when a job is created (a Europe/Berlin 09:00 job runs at 10:00 local after the spring
//! DST change, see `shared/rust-crates.md` section 3), does not await running jobs on shutdown, and its
//! repeated jobs can stall under load (its issue #113). Re-arming one-shot jobs would fix the offset but
//! keep two clocks and two shutdown paths. So each account gets its own small loop (`daemon::run`):
//! compute the next occurrence with [`Schedule::next_after`] (DST-correct, croner 4.0.3), sleep until it
//! or until cancelled, then start a run unless one is still going. The pure functions here are what the
//! DST tests exercise. Must not spawn tasks or sleep.

use std::time::Duration;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use croner::Cron;

use crate::config::{AccountConfig, parse_schedule, parse_timezone};

/// One account's schedule.
#[derive(Debug, Clone)]
pub struct Schedule {
    cron: Cron,
    tz: Tz,
    jitter: Duration,
}

/// Why a schedule could not be built (config validation reports the same problems by key).
#[derive(Debug, thiserror::Error)]
pub enum ScheduleError {
    /// The cron expression is invalid.
    #[error("schedule {expr:?}: {message}")]
    Cron {
        /// The expression.
        expr: String,
        /// Why.
        message: String,
    },
    /// The time zone is unknown.
    #[error("timezone {0:?} is unknown")]
    TimeZone(String),
}

impl Schedule {
    /// Parse a 5- or 6-field cron expression read in time zone `tz` (IANA name).
    pub fn new(expr: &str, tz: &str, jitter: Duration) -> Result<Self, ScheduleError> {
        let cron = parse_schedule(expr)
            .map_err(|message| ScheduleError::Cron { expr: expr.to_string(), message })?;
        let tz = parse_timezone(tz).map_err(|_| ScheduleError::TimeZone(tz.to_string()))?;
        Ok(Self { cron, tz, jitter })
    }

    /// The schedule of an account's config.
    pub fn for_account(account: &AccountConfig) -> Result<Self, ScheduleError> {
        Self::new(&account.schedule, &account.timezone, account.jitter.unwrap_or_default())
    }

    /// The first occurrence strictly after `after`, in UTC. `None` if the expression never fires again.
    /// As in Vixie cron: a local time skipped by a spring-forward change fires when the clock jumps (e.g.
    /// 02:30 fires at 03:00); a local time repeated by a fall-back change fires once, at its first instance.
    pub fn next_after(&self, after: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.cron
            .find_next_occurrence(&after.with_timezone(&self.tz), false)
            .ok()
            .map(|t| t.with_timezone(&Utc))
    }

    /// The largest random delay added to an occurrence.
    pub fn jitter(&self) -> Duration {
        self.jitter
    }

    /// A random delay in `[0, jitter]`.
    pub fn sample_jitter(&self) -> Duration {
        if self.jitter.is_zero() {
            return Duration::ZERO;
        }
        let max_ms = u64::try_from(self.jitter.as_millis()).unwrap_or(u64::MAX);
        Duration::from_millis(rand::random_range(0..=max_ms))
    }

    /// The gap between the next two occurrences after `now` (used for the default staleness).
    pub fn typical_gap(&self, now: DateTime<Utc>) -> Option<Duration> {
        let a = self.next_after(now)?;
        let b = self.next_after(a)?;
        (b - a).to_std().ok()
    }
}
