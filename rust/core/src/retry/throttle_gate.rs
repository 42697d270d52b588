//! A gate shared by every worker sending with one identity. A 429 closes it until its
//! Retry-After has passed, so the other workers wait instead of each collecting its own 429 (and
//! extending the throttling, which is what Graph does to clients that keep sending).
//!
//! Reopening all at once would be a thundering herd: every waiter fires at the same instant, one
//! gets the freed capacity and the rest are refused again, each refusal costing a user one of
//! its retries. So after a 429 the gate paces: it lets one request through per interval, starting
//! at the Retry-After (for a token bucket, the time until its next token) but at most
//! `MAX_INITIAL_PACE` (a long Retry-After, like Graph's 2-5 s, is a pause, not a rate). Each
//! success shortens the interval; each new 429 episode lengthens it by a factor. Once the interval is
//! negligible the gate is fully open again. This finds the rate Graph allows and stays near it.

use parking_lot::Mutex;
use std::time::Duration;
use tokio::time::Instant;

/// Each success shortens the pacing interval by this factor (the rate grows ~5 % per success).
const SPEED_UP: f64 = 0.95;
/// Pacing starts no slower than this (20 requests a second, Graph's sustained write rate).
const MAX_INITIAL_PACE: Duration = Duration::from_millis(50);
/// A new throttling episode lengthens the interval by this factor (at least to its Retry-After).
const SLOW_DOWN: f64 = 1.25;
/// Pacing never gets slower than this (Graph's sustained write rate again). Without a bound,
/// 429s that come regardless of the rate (a service under load, a fault injector) would slow
/// the pace down episode after episode, each by a quarter, until the run crawled.
const MAX_PACE: Duration = MAX_INITIAL_PACE;
/// A pace unused this long is forgotten: the gate opens fully.
const FORGET_PACE_AFTER: Duration = Duration::from_secs(5);
/// Below this interval pacing no longer matters: the gate opens fully.
const OPEN_BELOW: Duration = Duration::from_millis(2);

#[derive(Debug, Default)]
struct State {
    /// No request before this instant (the longest Retry-After seen).
    closed_until: Option<Instant>,
    /// While recovering from throttling: the interval between released requests.
    pace: Option<Duration>,
    /// The next instant a paced request may go.
    next_slot: Option<Instant>,
    /// When the pace was last lengthened: 429s of requests already in flight belong to the
    /// same episode and must not lengthen it again.
    last_slowdown: Option<Instant>,
}

#[derive(Debug, Default)]
pub struct ThrottleGate {
    state: Mutex<State>,
}

impl ThrottleGate {
    pub fn new() -> Self {
        Self::default()
    }

    /// Closes the gate for `wait` from `now` (a 503's Retry-After); a later deadline is kept.
    pub fn close_for(&self, now: Instant, wait: Duration) {
        let mut state = self.state.lock();
        let until = now + wait;
        if state.closed_until.is_none_or(|current| current < until) {
            state.closed_until = Some(until);
        }
    }

    /// Graph throttled a request at `now`, asking to wait `retry_after`: close, and pace the
    /// reopening (see the module notes).
    pub fn on_throttled(&self, now: Instant, retry_after: Duration) {
        self.close_for(now, retry_after);
        let mut state = self.state.lock();
        let same_episode = match (state.last_slowdown, state.pace) {
            (Some(at), Some(pace)) => now.saturating_duration_since(at) < pace,
            _ => false,
        };
        if !same_episode {
            // The Retry-After sets the pace only when the gate was fully open: later episodes
            // slow the current pace down by a factor. Resetting to the Retry-After each time
            // would pin the rate at 1/Retry-After whenever 429s are scattered rather than a
            // sign of a too-fast pace (every pacing gain lost to one 429).
            let slower = match state.pace {
                None => retry_after.min(MAX_INITIAL_PACE),
                Some(pace) => pace.mul_f64(SLOW_DOWN),
            };
            state.pace = Some(slower.clamp(OPEN_BELOW, MAX_PACE));
            state.last_slowdown = Some(now);
        }
        let reopen = state.closed_until.unwrap_or(now);
        if state.next_slot.is_none_or(|slot| slot < reopen) {
            state.next_slot = Some(reopen);
        }
    }

    /// A request went through: speed the pacing up a little, and open fully once it is negligible.
    pub fn on_success(&self) {
        let mut state = self.state.lock();
        if let Some(pace) = state.pace {
            let faster = pace.mul_f64(SPEED_UP);
            if faster < OPEN_BELOW {
                state.pace = None;
                state.next_slot = None;
            } else {
                state.pace = Some(faster);
            }
        }
    }

    /// When a request may go, reserving that moment for it: `None` means now. While pacing,
    /// every caller gets its own slot, one interval after the previous one and never before the
    /// gate reopens; without pacing everyone may go once the gate is open.
    pub fn reserve(&self, now: Instant) -> Option<Instant> {
        self.reserve_for(now, 1)
    }

    /// Like `reserve`, for a request that carries `weight` operations (a `$batch` of 20 items is
    /// 20: Graph's quota counts items, not requests), so the pace holds per operation.
    pub fn reserve_for(&self, now: Instant, weight: u32) -> Option<Instant> {
        let mut state = self.state.lock();
        let closed = state.closed_until.filter(|until| *until > now);
        if closed.is_none() && state.next_slot.is_some_and(|next| now > next + FORGET_PACE_AFTER) {
            // Nobody sent for a while: the service's budget has refilled meanwhile, and a pace
            // from an earlier run (perhaps against another limit) would only slow this one.
            state.pace = None;
            state.next_slot = None;
        }
        let Some(pace) = state.pace else { return closed };
        let earliest = closed.unwrap_or(now);
        let slot = state.next_slot.map_or(earliest, |next| next.max(earliest));
        state.next_slot = Some(slot + pace * weight.max(1));
        (slot > now).then_some(slot)
    }

    /// When the gate opens, or `None` when it is open at `now` (not counting pacing).
    pub fn opens_at(&self, now: Instant) -> Option<Instant> {
        self.state.lock().closed_until.filter(|until| *until > now)
    }

    /// Waits for this request's slot. A slot is kept once reserved (re-reserving on waking would
    /// push it back forever); only a new 429 that closed the gate meanwhile sends it back.
    pub async fn wait_open(&self) {
        self.wait_open_for(1).await;
    }

    /// Waits for the slot of a request that carries `weight` operations (see `reserve_for`).
    pub async fn wait_open_for(&self, weight: u32) {
        while let Some(slot) = self.reserve_for(Instant::now(), weight) {
            tokio::time::sleep_until(slot).await;
            if self.opens_at(Instant::now()).is_none() {
                return;
            }
        }
    }

    /// The current pacing interval, if pacing (for tests and diagnostics).
    pub fn pace(&self) -> Option<Duration> {
        self.state.lock().pace
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn a_close_keeps_the_later_deadline() {
        let gate = ThrottleGate::new();
        let t0 = Instant::now();
        assert_eq!(gate.opens_at(t0), None);
        gate.close_for(t0, Duration::from_secs(5));
        gate.close_for(t0, Duration::from_secs(2));
        assert_eq!(gate.opens_at(t0), Some(t0 + Duration::from_secs(5)));
        assert_eq!(gate.opens_at(t0 + Duration::from_secs(5)), None);
        gate.close_for(t0 + Duration::from_secs(4), Duration::from_secs(3));
        assert_eq!(gate.opens_at(t0 + Duration::from_secs(5)), Some(t0 + Duration::from_secs(7)));
    }

    #[test]
    fn after_a_429_requests_are_released_one_per_interval_from_the_retry_after() {
        let gate = ThrottleGate::new();
        let t0 = Instant::now();
        let ms = Duration::from_millis;
        gate.on_throttled(t0, ms(50));
        // Everyone asking at t0 gets a distinct slot: 50, 100, 150 ms — never before Retry-After.
        let slots: Vec<_> = (0..3).map(|_| gate.reserve(t0)).collect();
        assert_eq!(slots, vec![Some(t0 + ms(50)), Some(t0 + ms(100)), Some(t0 + ms(150))]);
        // Someone asking later queues behind them.
        assert_eq!(gate.reserve(t0 + ms(60)), Some(t0 + ms(200)));
    }

    #[test]
    fn a_request_carrying_several_operations_reserves_that_many_intervals() {
        let gate = ThrottleGate::new();
        let t0 = Instant::now();
        let ms = Duration::from_millis;
        gate.on_throttled(t0, ms(50));
        assert_eq!(gate.reserve_for(t0, 20), Some(t0 + ms(50)));
        assert_eq!(gate.reserve_for(t0, 1), Some(t0 + ms(50) + ms(50) * 20), "the next request waits for all 20 of the batch");
    }

    #[test]
    fn throttling_of_the_same_episode_slow_down_once_and_successes_open_the_gate_again() {
        let gate = ThrottleGate::new();
        let t0 = Instant::now();
        let ms = Duration::from_millis;
        gate.on_throttled(t0, ms(40));
        gate.on_throttled(t0 + ms(1), ms(40));
        gate.on_throttled(t0 + ms(2), ms(39));
        assert_eq!(gate.pace(), Some(ms(40)), "in-flight 429s belong to one episode");
        gate.on_throttled(t0 + ms(100), ms(10));
        assert_eq!(gate.pace(), Some(ms(50)), "a new episode lengthens the interval by a quarter");
        gate.on_throttled(t0 + ms(200), Duration::from_secs(5));
        assert_eq!(gate.pace(), Some(MAX_PACE), "a long Retry-After pauses; it does not set the rate, and the pace has a bound");
        for _ in 0..1000 {
            gate.on_success();
        }
        assert_eq!(gate.pace(), None);
        let after_pause = t0 + ms(200) + Duration::from_secs(5);
        assert_eq!(gate.reserve(after_pause), None);
        assert_eq!(gate.reserve(after_pause), None, "fully open: nobody waits");
    }

    #[test]
    fn scattered_429s_while_pacing_slow_the_pace_by_a_factor_not_back_to_the_retry_after() {
        let gate = ThrottleGate::new();
        let t0 = Instant::now();
        let ms = Duration::from_millis;
        gate.on_throttled(t0, ms(50));
        for _ in 0..20 {
            gate.on_success();
        }
        let recovered = gate.pace().unwrap();
        assert!(recovered < ms(20), "{recovered:?}");
        gate.on_throttled(t0 + Duration::from_secs(1), ms(50));
        assert_eq!(gate.pace(), Some(recovered.mul_f64(SLOW_DOWN)));
    }

    #[test]
    fn a_pace_unused_for_a_while_is_forgotten() {
        let gate = ThrottleGate::new();
        let t0 = Instant::now();
        let ms = Duration::from_millis;
        gate.on_throttled(t0, ms(50));
        assert_eq!(gate.reserve(t0), Some(t0 + ms(50)));
        assert!(gate.reserve(t0 + ms(200)).is_none_or(|slot| slot >= t0 + ms(100)), "still pacing shortly after");
        let later = t0 + ms(200) + FORGET_PACE_AFTER + ms(100);
        assert_eq!(gate.reserve(later), None);
        assert_eq!(gate.reserve(later), None, "fully open: the next caller does not wait either");
        assert_eq!(gate.pace(), None);
    }

    #[tokio::test(start_paused = true)]
    async fn waiters_never_resume_before_the_retry_after_and_then_go_one_by_one() {
        let gate = Arc::new(ThrottleGate::new());
        let start = Instant::now();
        gate.on_throttled(start, Duration::from_millis(2128));
        let waiters: Vec<_> = (0..5)
            .map(|_| {
                let g = gate.clone();
                tokio::spawn(async move {
                    g.wait_open().await;
                    Instant::now()
                })
            })
            .collect();
        let mut resumed = Vec::new();
        for w in waiters {
            resumed.push(w.await.unwrap());
        }
        resumed.sort();
        assert!(resumed[0] >= start + Duration::from_millis(2128));
        for pair in resumed.windows(2) {
            assert!(pair[1] - pair[0] >= MAX_INITIAL_PACE, "paced apart, not a herd: {resumed:?}");
        }
    }
}
