//! Token buckets per access token, the way Graph throttles per app (+tenant): a client with
//! one token shares one bucket across all its connections.

use std::time::{Duration, Instant};

use dashmap::DashMap;

struct Bucket {
    tokens: f64,
    last: Instant,
}

#[derive(Default)]
pub struct RateLimiter {
    buckets: DashMap<String, Bucket>,
}

impl RateLimiter {
    /// Takes one token and returns the share of the bucket then in use (0 full, 1 empty); when
    /// the bucket is empty returns how long until the next token.
    pub fn try_acquire(&self, token: &str, rate: f64, burst: f64, now: Instant) -> Result<f64, Duration> {
        let mut bucket = self
            .buckets
            .entry(token.to_string())
            .or_insert_with(|| Bucket { tokens: burst, last: now });
        let elapsed = now.saturating_duration_since(bucket.last).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * rate).min(burst);
        bucket.last = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(1.0 - bucket.tokens / burst)
        } else {
            Err(Duration::from_secs_f64((1.0 - bucket.tokens) / rate))
        }
    }

    /// Buckets start full again (after a reset or a change of rate).
    pub fn clear(&self) {
        self.buckets.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn burst_then_wait() {
        let rl = RateLimiter::default();
        let t0 = Instant::now();
        assert!(rl.try_acquire("a", 10.0, 2.0, t0).is_ok());
        assert!(rl.try_acquire("a", 10.0, 2.0, t0).is_ok());
        let wait = rl.try_acquire("a", 10.0, 2.0, t0).unwrap_err();
        assert!((wait.as_secs_f64() - 0.1).abs() < 1e-9);
        // Another token has its own bucket.
        assert!(rl.try_acquire("b", 10.0, 2.0, t0).is_ok());
        assert_eq!(rl.try_acquire("c", 10.0, 4.0, t0), Ok(0.25), "a quarter of the bucket in use");
        // After the advertised wait a token is there.
        assert!(rl.try_acquire("a", 10.0, 2.0, t0 + wait).is_ok());
    }

    #[test]
    fn partial_refill_shortens_the_wait() {
        let rl = RateLimiter::default();
        let t0 = Instant::now();
        assert!(rl.try_acquire("a", 20.0, 1.0, t0).is_ok());
        let wait = rl.try_acquire("a", 20.0, 1.0, t0 + Duration::from_millis(3)).unwrap_err();
        assert!((wait.as_secs_f64() - 0.047).abs() < 1e-6, "{wait:?}");
    }
}
