//! Wall-clock time a run spent waiting on throttling: the union of every interval in which at
//! least one request was held back by it (its own Retry-After, or the session's gate closed or
//! pacing after a 429). Overlapping waits of concurrent requests count once, so the figure can
//! be compared with the run's total time.

use parking_lot::Mutex;
use std::sync::Arc;
use std::time::Duration;
use tokio::time::Instant;

#[derive(Debug, Default)]
pub struct WaitClock {
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    waiting: usize,
    since: Option<Instant>,
    total: Duration,
}

/// Held while one request waits on throttling.
pub struct Waiting(Arc<WaitClock>);

impl WaitClock {
    pub fn new() -> Arc<Self> {
        Arc::new(Self::default())
    }

    pub fn enter(self: &Arc<Self>) -> Waiting {
        let mut state = self.state.lock();
        if state.waiting == 0 {
            state.since = Some(Instant::now());
        }
        state.waiting += 1;
        Waiting(self.clone())
    }

    /// The time waited so far, including a wait still going on.
    pub fn total(&self) -> Duration {
        let state = self.state.lock();
        state.total + state.since.filter(|_| state.waiting > 0).map_or(Duration::ZERO, |s| s.elapsed())
    }
}

impl Drop for Waiting {
    fn drop(&mut self) {
        let mut state = self.0.state.lock();
        state.waiting -= 1;
        if state.waiting == 0
            && let Some(since) = state.since.take()
        {
            state.total += since.elapsed();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn overlapping_waits_count_once() {
        let clock = WaitClock::new();
        let a = clock.enter();
        tokio::time::advance(Duration::from_secs(1)).await;
        let b = clock.enter();
        tokio::time::advance(Duration::from_secs(2)).await;
        drop(a);
        tokio::time::advance(Duration::from_secs(1)).await;
        drop(b);
        tokio::time::advance(Duration::from_secs(5)).await;
        assert_eq!(clock.total(), Duration::from_secs(4));
        let _c = clock.enter();
        tokio::time::advance(Duration::from_secs(1)).await;
        assert_eq!(clock.total(), Duration::from_secs(5), "a wait still going on counts");
    }
}
