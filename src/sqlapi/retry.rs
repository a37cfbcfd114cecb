//! Retry and polling policy: jittered exponential backoff, and which failures are worth another try.
//!
//! Owns the delays and the retry decision only; the client owns the loop. Must not do HTTP.

use std::time::Duration;

use rand::RngExt;

use super::error::SqlApiError;

/// Exponential backoff: `initial`, doubling (by `factor`) up to `max`; each delay is drawn uniformly from
/// `[d/2, d]` ("equal jitter"), so it never exceeds the cap and never collapses to zero.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BackoffPolicy {
    pub initial: Duration,
    pub max: Duration,
    pub factor: f64,
}

impl BackoffPolicy {
    /// Polling a running statement: 50 ms doubling to 2 s.
    pub const POLL: BackoffPolicy =
        BackoffPolicy { initial: Duration::from_millis(50), max: Duration::from_secs(2), factor: 2.0 };
    /// Retrying a failed request: 200 ms doubling to 10 s.
    pub const RETRY: BackoffPolicy =
        BackoffPolicy { initial: Duration::from_millis(200), max: Duration::from_secs(10), factor: 2.0 };

    pub fn start(&self) -> Backoff {
        Backoff { policy: *self, current: self.initial }
    }
}

/// The running state of a [`BackoffPolicy`].
#[derive(Debug, Clone)]
pub struct Backoff {
    policy: BackoffPolicy,
    current: Duration,
}

impl Backoff {
    /// The un-jittered delay the next call will draw from.
    pub fn ceiling(&self) -> Duration {
        self.current.min(self.policy.max)
    }

    /// The next delay to sleep.
    pub fn next_delay(&mut self) -> Duration {
        let ceiling = self.ceiling();
        let fraction: f64 = rand::rng().random_range(0.5..=1.0);
        self.current = self.current.mul_f64(self.policy.factor.max(1.0)).min(self.policy.max);
        ceiling.mul_f64(fraction)
    }
}

/// Why a request is retried (a metric label).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RetryReason {
    RateLimited,
    Server,
    Transport,
    Unauthorized,
}

impl RetryReason {
    pub fn as_str(self) -> &'static str {
        match self {
            RetryReason::RateLimited => "rate_limited",
            RetryReason::Server => "server",
            RetryReason::Transport => "transport",
            RetryReason::Unauthorized => "unauthorized",
        }
    }
}

/// Whether an error is worth retrying with backoff: 429, 5xx, transport. Never 408/422/400/auth/protocol.
pub fn retry_reason(err: &SqlApiError) -> Option<RetryReason> {
    match err {
        SqlApiError::RateLimited { .. } => Some(RetryReason::RateLimited),
        SqlApiError::Server { .. } => Some(RetryReason::Server),
        SqlApiError::Transport { .. } => Some(RetryReason::Transport),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sqlapi::error::Phase;

    #[test]
    fn poll_backoff_doubles_from_50ms_to_a_2s_cap_with_bounded_jitter() {
        let mut b = BackoffPolicy::POLL.start();
        let expected_ceilings = [50, 100, 200, 400, 800, 1600, 2000, 2000, 2000];
        for ms in expected_ceilings {
            let ceiling = Duration::from_millis(ms);
            assert_eq!(b.ceiling(), ceiling);
            let d = b.next_delay();
            assert!(d >= ceiling / 2 && d <= ceiling, "{d:?} outside [{:?}, {ceiling:?}]", ceiling / 2);
        }
    }

    #[test]
    fn only_throttling_server_and_transport_errors_are_retried() {
        let p = Phase::Submit;
        let rate = SqlApiError::RateLimited { phase: p, code: Some("390505".into()), message: String::new() };
        let server = SqlApiError::Server { phase: p, status: 503, code: None, message: String::new() };
        let net = SqlApiError::Transport { phase: p, message: "reset".into() };
        let timeout =
            SqlApiError::Timeout { phase: p, code: "000630".into(), message: String::new(), handle: None };
        let sql = SqlApiError::Sql {
            phase: p,
            status: 422,
            code: "002003".into(),
            sql_state: None,
            message: String::new(),
            handle: None,
        };
        let auth = SqlApiError::Auth { phase: p, status: 401, code: None, message: String::new() };
        assert_eq!(retry_reason(&rate), Some(RetryReason::RateLimited));
        assert_eq!(retry_reason(&server), Some(RetryReason::Server));
        assert_eq!(retry_reason(&net), Some(RetryReason::Transport));
        assert_eq!(retry_reason(&timeout), None);
        assert_eq!(retry_reason(&sql), None);
        assert_eq!(retry_reason(&auth), None);
    }
}
