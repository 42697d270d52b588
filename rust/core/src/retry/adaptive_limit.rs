//! Adaptive concurrency: open carefully, then AIMD.
//!
//! - Slow start: a run begins with `INITIAL_WINDOW` requests in flight and doubles the window
//!   each time a whole window of successes has come back (once per round trip) up to the limit
//!   the admin chose with -ThrottleLimit. A tenant that is already throttled (Graph counts per
//!   app and tenant, Dev Proxy per workload) then sees a handful of requests before the first
//!   429 tells us, not a burst of 32. Doubling per window rather than adding one per success
//!   matters where answers come back one by one (low latency): adding one per success let the
//!   window run 20 ahead of a bucket of 20 and 16 requests meet it empty; per window, the
//!   requests in flight when it runs dry are at most the last window's half.
//! - After the first 429: halve the window once per episode, then add one back per window of
//!   successes.

use parking_lot::Mutex;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;
use tokio::time::Instant;

/// Requests in flight before any answer has come back.
pub const INITIAL_WINDOW: usize = 4;
/// Two 429s closer together than this count as one throttling episode (halve once, not twice).
const DECREASE_COOLDOWN: Duration = Duration::from_secs(1);

#[derive(Debug)]
struct State {
    limit: usize,
    in_flight: usize,
    successes_since_change: usize,
    last_decrease: Option<Instant>,
    /// Until the first throttling: every success widens the window by one.
    slow_start: bool,
}

#[derive(Debug)]
pub struct AdaptiveLimit {
    max: usize,
    state: Mutex<State>,
    freed: Notify,
}

/// Held while a request is in flight; dropping it frees the slot.
#[derive(Debug)]
pub struct LimitPermit {
    owner: Arc<AdaptiveLimit>,
}

impl Drop for LimitPermit {
    fn drop(&mut self) {
        self.owner.state.lock().in_flight -= 1;
        self.owner.freed.notify_one();
    }
}

impl AdaptiveLimit {
    pub fn new(max: usize) -> Arc<Self> {
        let max = max.max(1);
        Arc::new(Self {
            max,
            state: Mutex::new(State { limit: max.min(INITIAL_WINDOW), in_flight: 0, successes_since_change: 0, last_decrease: None, slow_start: true }),
            freed: Notify::new(),
        })
    }

    /// The most requests that may ever be in flight (-ThrottleLimit).
    pub fn max(&self) -> usize {
        self.max
    }

    pub fn current_limit(&self) -> usize {
        self.state.lock().limit
    }

    pub fn in_flight(&self) -> usize {
        self.state.lock().in_flight
    }

    /// Takes a slot if one is free under the current limit.
    pub fn try_acquire(self: &Arc<Self>) -> Option<LimitPermit> {
        let mut state = self.state.lock();
        (state.in_flight < state.limit).then(|| {
            state.in_flight += 1;
            LimitPermit { owner: self.clone() }
        })
    }

    /// Waits for a slot under the current limit.
    pub async fn acquire(self: &Arc<Self>) -> LimitPermit {
        loop {
            let freed = self.freed.notified();
            tokio::pin!(freed);
            freed.as_mut().enable();
            if let Some(permit) = self.try_acquire() {
                return permit;
            }
            freed.await;
        }
    }

    /// A request was throttled at `now`: halve the limit once per episode.
    pub fn on_throttled(&self, now: Instant) {
        let mut state = self.state.lock();
        state.slow_start = false;
        let recent = state.last_decrease.is_some_and(|t| now.saturating_duration_since(t) < DECREASE_COOLDOWN);
        if !recent {
            state.limit = (state.limit / 2).max(1);
            state.last_decrease = Some(now);
        }
        state.successes_since_change = 0;
    }

    /// A request succeeded: after a full window of successes at the current limit, add one slot.
    pub fn on_success(&self) {
        let raised = {
            let mut state = self.state.lock();
            state.successes_since_change += 1;
            let window_done = state.successes_since_change >= state.limit;
            let raise = state.limit < self.max && window_done;
            if raise {
                state.limit = if state.slow_start { (state.limit * 2).min(self.max) } else { state.limit + 1 };
                state.successes_since_change = 0;
            }
            raise
        };
        if raised {
            self.freed.notify_one();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_hands_out_more_slots_than_the_limit() {
        let limit = opened(3);
        let held: Vec<_> = (0..3).map(|_| limit.try_acquire().unwrap()).collect();
        assert!(limit.try_acquire().is_none());
        drop(held);
        assert_eq!(limit.in_flight(), 0);
    }

    fn opened(max: usize) -> Arc<AdaptiveLimit> {
        let limit = AdaptiveLimit::new(max);
        while limit.current_limit() < max {
            limit.on_success();
        }
        limit
    }

    #[test]
    fn starts_with_a_small_window_that_doubles_per_round_trip_until_the_limit() {
        let limit = AdaptiveLimit::new(32);
        assert_eq!(limit.current_limit(), INITIAL_WINDOW);
        let mut windows = vec![limit.current_limit()];
        while limit.current_limit() < 32 {
            // One round trip: every request of the window answers.
            for _ in 0..limit.current_limit() {
                limit.on_success();
            }
            windows.push(limit.current_limit());
        }
        assert_eq!(windows, vec![4, 8, 16, 32]);
        assert_eq!(AdaptiveLimit::new(1).current_limit(), 1, "-ThrottleLimit below the window is kept");
    }

    #[test]
    fn slow_start_widens_only_once_a_whole_window_of_successes_is_back() {
        let limit = AdaptiveLimit::new(32);
        for _ in 1..INITIAL_WINDOW {
            limit.on_success();
        }
        assert_eq!(limit.current_limit(), INITIAL_WINDOW, "answers one by one do not widen the window each");
        limit.on_success();
        assert_eq!(limit.current_limit(), 2 * INITIAL_WINDOW);
    }

    #[test]
    fn throttling_during_slow_start_ends_it() {
        let limit = AdaptiveLimit::new(32);
        limit.on_success();
        limit.on_throttled(Instant::now());
        assert_eq!(limit.current_limit(), 2);
        limit.on_success();
        assert_eq!(limit.current_limit(), 2, "additive from now on: one per window of successes");
        limit.on_success();
        assert_eq!(limit.current_limit(), 3);
    }

    #[test]
    fn halves_once_per_episode_and_recovers_additively() {
        let limit = opened(32);
        let t0 = Instant::now();
        limit.on_throttled(t0);
        limit.on_throttled(t0 + Duration::from_millis(300));
        assert_eq!(limit.current_limit(), 16);
        limit.on_throttled(t0 + Duration::from_secs(2));
        assert_eq!(limit.current_limit(), 8);
        for _ in 0..8 {
            limit.on_success();
        }
        assert_eq!(limit.current_limit(), 9);
        for _ in 0..1000 {
            limit.on_success();
        }
        assert_eq!(limit.current_limit(), 32);
    }

    #[test]
    fn never_drops_below_one() {
        let limit = opened(2);
        let t0 = Instant::now();
        for i in 0..10 {
            limit.on_throttled(t0 + Duration::from_secs(2 * i));
        }
        assert_eq!(limit.current_limit(), 1);
    }

    #[tokio::test]
    async fn a_waiter_gets_the_slot_that_is_freed() {
        let limit = AdaptiveLimit::new(1);
        let first = limit.acquire().await;
        let l2 = limit.clone();
        let waiter = tokio::spawn(async move { l2.acquire().await });
        tokio::task::yield_now().await;
        assert!(!waiter.is_finished());
        drop(first);
        let _second = waiter.await.unwrap();
        assert_eq!(limit.in_flight(), 1);
    }
}
