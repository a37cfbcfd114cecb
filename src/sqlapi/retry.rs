//! Retry and polling policy: jittered exponential backoff, `Retry-After`, the per-request retry budget, and
//! which failures are worth another try.
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
    /// Retrying a failed request: 200 ms doubling to a 4 s cap (like Snowflake's connectors: short, capped
    /// and jittered, so a throttled burst spreads out without stalling a crawl for long).
    pub const RETRY: BackoffPolicy =
        BackoffPolicy { initial: Duration::from_millis(200), max: Duration::from_secs(4), factor: 2.0 };

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

/// The longest `Retry-After` honoured; a longer one is treated as "give up now" by the budget check.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(600);

/// A `Retry-After` header value: delay-seconds or an HTTP date (RFC 7231 §7.1.3). Snowflake documents none,
/// but a proxy or gateway in front of it may send one. `None` when absent, unparsable or in the past.
pub fn parse_retry_after(value: &str, now: chrono::DateTime<chrono::Utc>) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs).min(MAX_RETRY_AFTER));
    }
    let at = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let wait = at.with_timezone(&chrono::Utc).signed_duration_since(now).to_std().ok()?;
    Some(wait.min(MAX_RETRY_AFTER))
}

/// How long to wait before retry number `attempt` (1-based), or `None` to give up: after `max_retries`
/// retries, or when the wait would end past `budget` (measured from the first attempt, `elapsed` ago).
/// The wait is the jittered backoff, or the server's `Retry-After` when that is longer.
pub fn next_retry_delay(
    backoff: &mut Backoff,
    attempt: u32,
    max_retries: u32,
    budget: Duration,
    elapsed: Duration,
    retry_after: Option<Duration>,
) -> Option<Duration> {
    if attempt > max_retries {
        return None;
    }
    let delay = backoff.next_delay().max(retry_after.unwrap_or_default());
    (elapsed + delay <= budget).then_some(delay)
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

/// Snowflake's "OAuth access token expired" (401), the one refusal that a newer token cures for certain.
pub const TOKEN_EXPIRED_CODE: &str = "390318";

/// At most this many token refreshes for one request.
pub const MAX_TOKEN_REFRESHES: u32 = 8;

/// When a 401 earns a new token and another try. The first 401 always does (a token may be revoked, rotated
/// or expired at any moment). Later ones only when Snowflake says the token *expired* and it is a token this
/// request was not refused with before: with many requests in flight, the token a refresh just gave us can
/// expire before this request gets to use it. A token refused for any other reason (390303 invalid, 390144
/// JWT, PAT errors) gets one refresh, then the error. Holds a hash of the last refused token, never the
/// token.
#[derive(Debug, Default)]
pub struct TokenRefreshes {
    count: u32,
    last_refused: Option<u64>,
}

impl TokenRefreshes {
    /// Record a 401 for the token whose secret is `secret`, with Snowflake's error `code`; true when the
    /// caller should invalidate that token and try again.
    pub fn on_unauthorized(&mut self, secret: &str, code: Option<&str>) -> bool {
        use std::hash::{DefaultHasher, Hash, Hasher};
        let mut h = DefaultHasher::new();
        secret.hash(&mut h);
        let refused = h.finish();
        let again = match self.last_refused {
            None => true,
            Some(last) => last != refused && code == Some(TOKEN_EXPIRED_CODE),
        };
        if !again || self.count >= MAX_TOKEN_REFRESHES {
            return false;
        }
        self.count += 1;
        self.last_refused = Some(refused);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sqlapi::error::Phase;

    #[test]
    fn an_expired_token_refreshes_again_but_a_refused_one_only_once() {
        let mut r = TokenRefreshes::default();
        assert!(r.on_unauthorized("t1", Some("390303")), "the first 401 always refreshes");
        assert!(!r.on_unauthorized("t2", Some("390303")), "a second invalid token is an error");

        let mut r = TokenRefreshes::default();
        assert!(r.on_unauthorized("t1", Some(TOKEN_EXPIRED_CODE)));
        assert!(
            !r.on_unauthorized("t1", Some(TOKEN_EXPIRED_CODE)),
            "the same token again: refresh did not help"
        );
        assert!(r.on_unauthorized("t2", Some(TOKEN_EXPIRED_CODE)), "a newer token expired too: refresh");
        assert!(r.on_unauthorized("t3", Some(TOKEN_EXPIRED_CODE)));
        for n in 4..=MAX_TOKEN_REFRESHES {
            assert!(r.on_unauthorized(&format!("t{n}"), Some(TOKEN_EXPIRED_CODE)));
        }
        assert!(!r.on_unauthorized("t-last", Some(TOKEN_EXPIRED_CODE)), "bounded at {MAX_TOKEN_REFRESHES}");
    }

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
    fn retry_backoff_is_capped_at_a_few_seconds() {
        let mut b = BackoffPolicy::RETRY.start();
        let ceilings: Vec<u128> = (0..8).map(|_| (b.ceiling().as_millis(), b.next_delay()).0).collect();
        assert_eq!(ceilings, [200, 400, 800, 1600, 3200, 4000, 4000, 4000]);
    }

    #[test]
    fn retry_after_accepts_seconds_and_http_dates() {
        let now = chrono::DateTime::parse_from_rfc3339("2015-10-21T07:28:00Z").unwrap().to_utc();
        assert_eq!(parse_retry_after("3", now), Some(Duration::from_secs(3)));
        assert_eq!(parse_retry_after(" 0 ", now), Some(Duration::ZERO));
        // The RFC 7231 example date, 30 s after `now`.
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:30 GMT", now), Some(Duration::from_secs(30)));
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:27:00 GMT", now), None, "in the past");
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-1", now), None);
        assert_eq!(parse_retry_after("86400", now), Some(MAX_RETRY_AFTER));
    }

    #[test]
    fn retries_stop_at_the_count_or_the_time_budget_and_honour_retry_after() {
        let budget = Duration::from_secs(120);
        let mut b = BackoffPolicy::RETRY.start();
        // Within the count and the budget: the jittered first backoff, in [100 ms, 200 ms].
        let d = next_retry_delay(&mut b, 1, 10, budget, Duration::ZERO, None).unwrap();
        assert!(d >= Duration::from_millis(100) && d <= Duration::from_millis(200), "{d:?}");
        // A longer Retry-After wins over the backoff.
        let d = next_retry_delay(&mut b, 2, 10, budget, Duration::ZERO, Some(Duration::from_secs(7)));
        assert_eq!(d, Some(Duration::from_secs(7)));
        // Past the count.
        assert_eq!(next_retry_delay(&mut b, 11, 10, budget, Duration::ZERO, None), None);
        // The wait (at least 400 ms now) would end past the budget.
        assert_eq!(next_retry_delay(&mut b, 3, 10, budget, Duration::from_millis(119_700), None), None);
        let d =
            next_retry_delay(&mut b, 3, 10, budget, Duration::from_secs(60), Some(Duration::from_secs(61)));
        assert_eq!(d, None, "a Retry-After beyond the budget gives up");
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
