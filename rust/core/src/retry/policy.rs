//! The retry policy: which failures are worth another attempt and when that attempt may start.
//!
//! Graph's rules (msgraph-sdk-design RetryHandler): retry 429, 503 and 504; honour Retry-After;
//! otherwise exponential backoff. We add 502 and transient connection failures: revoking sessions
//! twice is harmless (the second call only moves the timestamp), so a retry can never make an
//! incident worse, while giving up on a transient fault leaves a compromised account signed in.

use crate::attempt::{AttemptError, TransportKind};
use std::time::Duration;

/// What to do after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Try again, not before this delay has passed.
    RetryAfter(Duration),
    /// Stop: the failure is final or the attempts are used up.
    GiveUp,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt (so `max_retries + 1` attempts in all).
    pub max_retries: u32,
    /// First backoff step when the server gives no Retry-After.
    pub base_delay: Duration,
    /// No backoff step is longer than this.
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self { max_retries: DEFAULT_MAX_RETRIES, base_delay: Duration::from_millis(500), max_delay: Duration::from_secs(30) }
    }
}

/// Enough to ride out a few minutes of sustained throttling in a bulk run.
pub const DEFAULT_MAX_RETRIES: u32 = 10;

impl RetryPolicy {
    /// Decides after the `attempt`-th attempt (1-based) failed with `error`.
    /// `random` must be uniform in [0, 1); it is injected so tests are deterministic.
    pub fn decide(&self, attempt: u32, error: &AttemptError, random: f64) -> Decision {
        if !is_retryable(error) || attempt > self.max_retries {
            return Decision::GiveUp;
        }
        match error.retry_after() {
            Some(wait) => Decision::RetryAfter(wait),
            None => Decision::RetryAfter(self.backoff(attempt, random)),
        }
    }

    /// Exponential backoff with "equal jitter": half the step is fixed, half random, so retries
    /// spread out but never collapse to zero.
    pub fn backoff(&self, attempt: u32, random: f64) -> Duration {
        let exponent = attempt.saturating_sub(1).min(20);
        let step = self.base_delay.saturating_mul(1u32 << exponent).min(self.max_delay);
        let half = step / 2;
        half + half.mul_f64(random.clamp(0.0, 1.0))
    }
}

pub fn is_retryable(error: &AttemptError) -> bool {
    match error {
        AttemptError::Http { error, .. } => matches!(error.status, 429 | 502 | 503 | 504),
        AttemptError::Transport { kind, .. } => !matches!(kind, TransportKind::Other | TransportKind::TooLarge),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph_error::GraphError;

    fn http(status: u16, retry_after: Option<Duration>) -> AttemptError {
        AttemptError::Http { error: GraphError { status, ..Default::default() }, retry_after }
    }

    #[test]
    fn retries_throttling_and_unavailability_only() {
        let p = RetryPolicy::default();
        for status in [429, 502, 503, 504] {
            assert!(matches!(p.decide(1, &http(status, None), 0.5), Decision::RetryAfter(_)), "{status}");
        }
        for status in [400, 401, 403, 404, 409, 500] {
            assert_eq!(p.decide(1, &http(status, None), 0.5), Decision::GiveUp, "{status}");
        }
    }

    #[test]
    fn retries_transient_transport_failures_but_not_others() {
        let p = RetryPolicy::default();
        for kind in [TransportKind::Connect, TransportKind::Timeout, TransportKind::ConnectionClosed] {
            let e = AttemptError::Transport { kind, message: String::new() };
            assert!(matches!(p.decide(1, &e, 0.0), Decision::RetryAfter(_)));
        }
        for kind in [TransportKind::Other, TransportKind::TooLarge] {
            let final_error = AttemptError::Transport { kind, message: String::new() };
            assert_eq!(p.decide(1, &final_error, 0.0), Decision::GiveUp, "{kind:?}");
        }
    }

    #[test]
    fn honours_retry_after_exactly_even_when_fractional() {
        let p = RetryPolicy::default();
        let wait = Duration::from_millis(2128);
        assert_eq!(p.decide(3, &http(429, Some(wait)), 0.9), Decision::RetryAfter(wait));
        assert_eq!(p.decide(1, &http(503, Some(Duration::ZERO)), 0.9), Decision::RetryAfter(Duration::ZERO));
    }

    #[test]
    fn stops_when_retries_are_used_up() {
        let p = RetryPolicy { max_retries: 2, ..Default::default() };
        assert!(matches!(p.decide(2, &http(429, None), 0.0), Decision::RetryAfter(_)));
        assert_eq!(p.decide(3, &http(429, None), 0.0), Decision::GiveUp);
        let none = RetryPolicy { max_retries: 0, ..Default::default() };
        assert_eq!(none.decide(1, &http(503, None), 0.0), Decision::GiveUp);
    }

    #[test]
    fn backoff_grows_exponentially_with_bounded_jitter_and_a_cap() {
        let p = RetryPolicy { max_retries: 50, base_delay: Duration::from_secs(1), max_delay: Duration::from_secs(8) };
        assert_eq!(p.backoff(1, 0.0), Duration::from_millis(500));
        assert_eq!(p.backoff(1, 1.0), Duration::from_secs(1));
        assert_eq!(p.backoff(2, 0.0), Duration::from_secs(1));
        assert_eq!(p.backoff(3, 0.5), Duration::from_secs(3));
        assert_eq!(p.backoff(10, 1.0), Duration::from_secs(8));
        assert_eq!(p.backoff(40, 0.0), Duration::from_secs(4));
    }
}
