//! When each account runs: a croner 4 cron expression read in the account's IANA time zone, plus jitter.
//! Pure functions only (the DST tests exercise them); must not spawn tasks or sleep.
//!
//! The firing is done by tokio-cron-scheduler 0.15.1 (the project's required scheduler), but only through
//! one-shot jobs ([`super::cron`]), never its cron jobs, because (evidence in `shared/rust-crates.md` §3):
//! - it parses cron with croner 3 and `Seconds::Required`, so the standard 5-field `*/15 * * * *` is
//!   rejected with `ParseSchedule`; croner 4 here accepts 5 and 6 fields;
//! - it takes a `FixedOffset` from the zone when a job is created (src/scheduler.rs, `time_offset_seconds`)
//!   and computes every later tick in it, so a Europe/Berlin 09:00 job runs at 10:00 local after the
//!   spring DST change; croner 4.0.3's `find_next_occurrence` in the real `Tz` stays at 09:00 (and fixes
//!   croner 3's double run in the hour before spring-forward);
//! - its shutdown does not await running jobs, and repeated jobs can stall (its issue #113).
//!
//! Design: per account, one one-shot job armed for the next instant computed here (+ a jitter sample);
//! when it fires it starts the run (skipped and counted if one is still going) and arms the next one.
//! Reloads and shutdown remove the armed jobs; runs live in the supervisor's `TaskTracker`.

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
