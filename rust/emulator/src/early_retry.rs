//! Early-retry detection, as Microsoft Dev Proxy does it: after a 429/503 with Retry-After, the
//! same (token, method, target) arriving before the advertised time is counted and refused.

use std::time::{Duration, Instant};

use dashmap::DashMap;

/// Clock granularity allowance: a retry this close to the deadline is on time.
pub const TOLERANCE: Duration = Duration::from_millis(5);

/// Beyond this many remembered deadlines, expired ones are swept out.
const SWEEP_AT: usize = 50_000;

#[derive(Default)]
pub struct EarlyRetryTracker {
    not_before: DashMap<String, Instant>,
}

pub fn key(token: &str, method: &str, target: &str) -> String {
    format!("{token}\n{method}\n{target}")
}

impl EarlyRetryTracker {
    /// Some(remaining wait) when this request is an early retry.
    pub fn check(&self, key: &str, now: Instant) -> Option<Duration> {
        let deadline = *self.not_before.get(key)?;
        if now + TOLERANCE < deadline {
            return Some(deadline - now);
        }
        // On time: the throttling episode is over for this target.
        self.not_before.remove_if(key, |_, d| *d == deadline);
        None
    }

    pub fn remember(&self, key: String, wait: Duration, now: Instant) {
        if self.not_before.len() >= SWEEP_AT {
            self.not_before.retain(|_, d| *d > now);
        }
        let deadline = now + wait;
        self.not_before
            .entry(key)
            .and_modify(|d| *d = (*d).max(deadline))
            .or_insert(deadline);
    }

    pub fn clear(&self) {
        self.not_before.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn early_then_on_time() {
        let t = EarlyRetryTracker::default();
        let t0 = Instant::now();
        let k = key("tok", "POST", "users/x/revokesigninsessions");
        assert_eq!(t.check(&k, t0), None);
        t.remember(k.clone(), Duration::from_millis(100), t0);
        let rem = t.check(&k, t0 + Duration::from_millis(40)).unwrap();
        assert_eq!(rem, Duration::from_millis(60));
        // Within the tolerance counts as on time, and clears the deadline.
        assert_eq!(t.check(&k, t0 + Duration::from_millis(96)), None);
        assert_eq!(t.check(&k, t0 + Duration::from_millis(97)), None);
    }

    #[test]
    fn keys_are_independent() {
        let t = EarlyRetryTracker::default();
        let t0 = Instant::now();
        t.remember(key("a", "POST", "x"), Duration::from_secs(1), t0);
        assert!(t.check(&key("b", "POST", "x"), t0).is_none());
        assert!(t.check(&key("a", "GET", "x"), t0).is_none());
        assert!(t.check(&key("a", "POST", "x"), t0).is_some());
    }
}
