//! The time token lifetimes are measured against, injectable so tests can move past an expiry
//! without sleeping (tokio's paused clock would also fire HTTP timeouts while a mock server
//! answers, so the cache takes its own clock).

use parking_lot::Mutex;
use std::fmt::Debug;
use std::time::{Duration, Instant};

pub trait Clock: Send + Sync + Debug {
    fn now(&self) -> Instant;
}

/// The monotonic system clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Instant {
        Instant::now()
    }
}

/// A clock that moves only when told to.
#[derive(Debug)]
pub struct ManualClock {
    now: Mutex<Instant>,
}

impl Default for ManualClock {
    fn default() -> Self {
        Self { now: Mutex::new(Instant::now()) }
    }
}

impl ManualClock {
    pub fn advance(&self, by: Duration) {
        *self.now.lock() += by;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Instant {
        *self.now.lock()
    }
}

/// Seconds since the Unix epoch, for JWT claims and `expires_on` answers.
pub fn unix_now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}
