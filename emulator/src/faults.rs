//! Fault injection: the knobs tests turn (at start, or at runtime through `POST /emulator/faults`) and
//! the deterministic state that decides, request by request, which fault fires.
//!
//! Owns the fault configuration and its seeded random source. Knows nothing of HTTP bodies; the server asks
//! it what to do and renders the answer.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

/// A statement whose text contains `contains` takes `ms` milliseconds to run (for cancel/timeout tests).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlowRule {
    pub contains: String,
    pub ms: u64,
}

/// Every fault knob. All default to "off". JSON field names are the snake_case names below.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Faults {
    /// Seed of the random source behind `rate_429` / `rate_503` (same seed, same sequence).
    pub seed: u64,
    /// Extra time before each statement runs.
    pub statement_latency_ms: u64,
    /// Extra time before each result partition (every GET that returns data) is served.
    pub partition_latency_ms: u64,
    /// Probability (0..=1) that an API request answers 429 `390505` instead of being handled.
    pub rate_429: f64,
    /// Probability (0..=1) that an API request answers 503 instead of being handled.
    pub rate_503: f64,
    /// Statuses (429, 500, 502, 503, 504) answered to the next API requests, one each, in order.
    pub next_statuses: Vec<u16>,
    /// Each distinct token expires (401 `390318`) after this many accepted API requests.
    pub token_expires_after_requests: Option<u64>,
    /// Each distinct token expires (401 `390318`) this long after its first use.
    pub token_expires_after_ms: Option<u64>,
    /// Cut the connection halfway through the body serving this partition (0 = the first result body).
    pub reset_partition: Option<usize>,
    /// How many times the reset fires before it heals (0 = every time).
    pub reset_times: u32,
    /// Serve this partition as invalid JSON (0 = the first result body).
    pub malformed_partition: Option<usize>,
    /// Statements that run for a set time.
    pub slow_statements: Vec<SlowRule>,
}

/// What the server must answer instead of handling a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Injected {
    /// Answer this HTTP status (429 with `390505`, others with a plain error body).
    Status(u16),
    /// The token has expired: 401 `390318`.
    TokenExpired,
}

/// How a data-bearing body must be damaged, if at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyFault {
    None,
    Reset,
    Malformed,
}

/// The live fault configuration plus its counters and random source.
#[derive(Debug)]
pub struct FaultState {
    faults: Faults,
    rng: u64,
    resets_done: u32,
    tokens: HashMap<u64, (u64, Instant)>,
}

impl FaultState {
    pub fn new(faults: Faults) -> Self {
        let rng = faults.seed;
        FaultState { faults, rng, resets_done: 0, tokens: HashMap::new() }
    }

    pub fn faults(&self) -> &Faults {
        &self.faults
    }

    /// Replace the configuration; counters, token ages and the random source start over.
    pub fn set(&mut self, faults: Faults) {
        *self = FaultState::new(faults);
    }

    /// splitmix64: small, deterministic, good enough for fault rates.
    fn next_f64(&mut self) -> f64 {
        self.rng = self.rng.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.rng;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        (z >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Decide the fate of one authenticated API request made with `token` (hashed, never stored).
    pub fn on_request(&mut self, token: &str) -> Option<Injected> {
        let mut hasher = DefaultHasher::new();
        token.hash(&mut hasher);
        let now = Instant::now();
        let (count, first) = self.tokens.entry(hasher.finish()).or_insert((0, now));
        *count += 1;
        let by_count = self.faults.token_expires_after_requests.is_some_and(|n| *count > n);
        let by_time = self
            .faults
            .token_expires_after_ms
            .is_some_and(|ms| now.duration_since(*first) >= Duration::from_millis(ms));
        if by_count || by_time {
            return Some(Injected::TokenExpired);
        }
        if !self.faults.next_statuses.is_empty() {
            return Some(Injected::Status(self.faults.next_statuses.remove(0)));
        }
        if self.faults.rate_429 > 0.0 && self.next_f64() < self.faults.rate_429 {
            return Some(Injected::Status(429));
        }
        if self.faults.rate_503 > 0.0 && self.next_f64() < self.faults.rate_503 {
            return Some(Injected::Status(503));
        }
        None
    }

    /// How long a statement with this text takes beyond its real work (latency + matching slow rules).
    pub fn statement_delay(&self, sql: &str) -> Duration {
        let slow: u64 = self
            .faults
            .slow_statements
            .iter()
            .filter(|r| sql.contains(&r.contains))
            .map(|r| r.ms)
            .max()
            .unwrap_or(0);
        Duration::from_millis(self.faults.statement_latency_ms.saturating_add(slow))
    }

    pub fn partition_delay(&self) -> Duration {
        Duration::from_millis(self.faults.partition_latency_ms)
    }

    /// Whether the body serving `partition` must be damaged (counts resets towards `reset_times`).
    pub fn body_fault(&mut self, partition: usize) -> BodyFault {
        if self.faults.reset_partition == Some(partition)
            && (self.faults.reset_times == 0 || self.resets_done < self.faults.reset_times)
        {
            self.resets_done += 1;
            return BodyFault::Reset;
        }
        if self.faults.malformed_partition == Some(partition) {
            return BodyFault::Malformed;
        }
        BodyFault::None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_sequence_and_rate_roughly_holds() {
        let faults = Faults { seed: 7, rate_429: 0.3, ..Faults::default() };
        let run = |f: &Faults| {
            let mut s = FaultState::new(f.clone());
            (0..1000).map(|_| s.on_request("t").is_some()).collect::<Vec<_>>()
        };
        let a = run(&faults);
        assert_eq!(a, run(&faults));
        let hits = a.iter().filter(|x| **x).count();
        assert!((200..400).contains(&hits), "{hits} of 1000 at rate 0.3");
    }

    #[test]
    fn tokens_expire_independently_after_n_requests() {
        let mut s = FaultState::new(Faults { token_expires_after_requests: Some(2), ..Faults::default() });
        assert_eq!(s.on_request("a"), None);
        assert_eq!(s.on_request("a"), None);
        assert_eq!(s.on_request("a"), Some(Injected::TokenExpired));
        assert_eq!(s.on_request("b"), None);
    }

    #[test]
    fn scripted_statuses_come_first_then_stop() {
        let mut s = FaultState::new(Faults { next_statuses: vec![429, 503], ..Faults::default() });
        assert_eq!(s.on_request("a"), Some(Injected::Status(429)));
        assert_eq!(s.on_request("a"), Some(Injected::Status(503)));
        assert_eq!(s.on_request("a"), None);
    }

    #[test]
    fn reset_heals_after_its_count() {
        let mut s = FaultState::new(Faults { reset_partition: Some(1), reset_times: 1, ..Faults::default() });
        assert_eq!(s.body_fault(0), BodyFault::None);
        assert_eq!(s.body_fault(1), BodyFault::Reset);
        assert_eq!(s.body_fault(1), BodyFault::None);
    }
}
