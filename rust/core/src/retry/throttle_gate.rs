//! A gate shared by every worker sending with one identity. A 429 closes it until its
//! Retry-After has passed, so the other workers wait instead of each collecting its own 429 (and
//! extending the throttling, which is what Graph does to clients that keep sending).
//!
//! Reopening all at once would be a thundering herd: every waiter fires at the same instant, one
//! gets the freed capacity and the rest are refused again, each refusal costing a user one of
//! its retries. So after a 429 the gate paces: it lets one operation through per interval, the
//! interval learned from what Graph says (`pacer`: the spacing of successes between 429s, the
//! Retry-After when nothing else is known) and kept just under the rate Graph sustains. Once the
//! interval is negligible the gate is fully open again.

use super::pacer::Pacer;
use parking_lot::Mutex;
use std::time::Duration;
use tokio::time::Instant;

pub use super::pacer::{MAX_INITIAL_PACE, MAX_PACE};

/// A pace unused this long is forgotten: the gate opens fully.
const FORGET_PACE_AFTER: Duration = Duration::from_secs(5);

#[derive(Debug, Default)]
struct State {
    /// No request before this instant (the longest Retry-After seen).
    closed_until: Option<Instant>,
    /// The next instant a paced request may go.
    next_slot: Option<Instant>,
    /// Counts throttling episodes: a slot reserved before the latest one was spaced at an
    /// older pace, so its holder reserves again.
    episode: u64,
    pacer: Pacer,
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
        let reopen = state.closed_until.unwrap_or(now);
        if state.pacer.throttled(now, retry_after) {
            // A new pace: slots from now on are spaced by it, and every slot handed out at the
            // old one is reserved again (see `wait_open_for`), so the new pace holds at once.
            state.episode += 1;
            state.next_slot = Some(reopen);
        } else if state.next_slot.is_none_or(|slot| slot < reopen) {
            state.next_slot = Some(reopen);
        }
    }

    /// A send went through at `now` with `operations` accepted (a `$batch`: its items that
    /// succeeded) and Graph saying `limit_used` of its limit used (percent), if it said: the pace
    /// learns from it, and the gate opens fully once pacing is negligible.
    pub fn on_success(&self, now: Instant, operations: u32, limit_used: Option<u16>) {
        let mut state = self.state.lock();
        state.pacer.succeeded(now, operations, limit_used);
        if state.pacer.pace().is_none() {
            state.next_slot = None;
        }
    }

    /// How one `$batch` send of `sent` items was answered (see `Pacer::send_answered`).
    pub fn on_batch_answered(&self, sent: u32, accepted: u32, throttled: u32) {
        self.state.lock().pacer.send_answered(sent, accepted, throttled);
    }

    /// The most operations one send should carry now; None: no bound.
    pub fn weight_cap(&self) -> Option<u32> {
        self.state.lock().pacer.weight_cap()
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
        self.reserve_in_episode(now, weight).0
    }

    /// `reserve_for`, and the episode the slot was spaced in.
    fn reserve_in_episode(&self, now: Instant, weight: u32) -> (Option<Instant>, u64) {
        let mut state = self.state.lock();
        let episode = state.episode;
        (Self::reserve_locked(&mut state, now, weight), episode)
    }

    fn reserve_locked(state: &mut State, now: Instant, weight: u32) -> Option<Instant> {
        let closed = state.closed_until.filter(|until| *until > now);
        if closed.is_none() && state.next_slot.is_some_and(|next| now > next + FORGET_PACE_AFTER) {
            // Nobody sent for a while: the service's budget has refilled meanwhile, and a pace
            // from an earlier run (perhaps against another limit) would only slow this one.
            state.pacer.forget();
            state.next_slot = None;
        }
        let Some(pace) = state.pacer.pace() else { return closed };
        let earliest = closed.unwrap_or(now);
        let start = state.next_slot.map_or(earliest, |next| next.max(earliest));
        // A request carrying several operations goes at the end of their intervals, once Graph
        // has had the time to add a token for each (going at the start would spend tokens the
        // bucket does not hold yet: it holds at most its burst).
        let slot = start + pace * (weight.max(1) - 1);
        state.next_slot = Some(slot + pace);
        (slot > now).then_some(slot)
    }

    /// When the gate opens, or `None` when it is open at `now` (not counting pacing).
    pub fn opens_at(&self, now: Instant) -> Option<Instant> {
        self.state.lock().closed_until.filter(|until| *until > now)
    }

    /// Waits for this request's slot. A slot is kept once reserved (re-reserving on waking would
    /// push it back forever); only a new throttling episode meanwhile (a closed gate, or a new
    /// pace the slot was not spaced by) sends it back.
    pub async fn wait_open(&self) {
        self.wait_open_for(1).await;
    }

    /// Waits for the slot of a request that carries `weight` operations (see `reserve_for`).
    pub async fn wait_open_for(&self, weight: u32) {
        loop {
            let (Some(slot), episode) = self.reserve_in_episode(Instant::now(), weight) else { return };
            tokio::time::sleep_until(slot).await;
            let state = self.state.lock();
            if state.episode == episode && state.closed_until.is_none_or(|until| until <= Instant::now()) {
                return;
            }
        }
    }

    /// The current pacing interval, if pacing (for tests and diagnostics).
    pub fn pace(&self) -> Option<Duration> {
        self.state.lock().pacer.pace()
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
        assert_eq!(gate.reserve_for(t0, 20), Some(t0 + ms(50) * 20), "a batch of 20 goes once its 20 intervals have passed");
        assert_eq!(gate.reserve_for(t0, 1), Some(t0 + ms(50) * 21), "the next request one interval later");
    }

    #[test]
    fn in_flight_429s_slow_the_pace_once_and_successes_open_the_gate_again() {
        let gate = ThrottleGate::new();
        let t0 = Instant::now();
        let ms = Duration::from_millis;
        gate.on_throttled(t0, ms(40));
        gate.on_throttled(t0 + ms(1), ms(40));
        gate.on_throttled(t0 + ms(2), ms(39));
        assert_eq!(gate.pace(), Some(ms(40)), "in-flight 429s belong to one episode");
        gate.on_throttled(t0 + ms(100), ms(10));
        assert_eq!(gate.pace(), Some(ms(50)), "a new episode with nothing measured lengthens the interval by a quarter");
        gate.on_throttled(t0 + ms(200), Duration::from_millis(900));
        assert_eq!(gate.pace(), Some(MAX_PACE), "the pace has a bound");
        let after_pause = t0 + ms(1100);
        for i in 0..100 {
            gate.on_success(after_pause + ms(i), 1, None);
        }
        assert_eq!(gate.pace(), None);
        assert_eq!(gate.reserve(after_pause + ms(100)), None);
        assert_eq!(gate.reserve(after_pause + ms(100)), None, "fully open: nobody waits");
    }

    #[test]
    fn the_spacing_of_successes_between_429s_paces_the_gate_just_under_graphs_rate() {
        let gate = ThrottleGate::new();
        let t0 = Instant::now();
        let ms = Duration::from_millis;
        gate.on_throttled(t0, ms(10));
        // Graph lets 40 operations through in the next second, in $batch sends of 4.
        for i in 1..=10 {
            gate.on_success(t0 + ms(100 * i), 4, None);
        }
        gate.on_throttled(t0 + ms(1000), ms(10));
        let pace = gate.pace().unwrap();
        assert_eq!(pace, ms(25).div_f64(super::super::pacer::UNDER_THE_LIMIT), "40 operations a second, kept just under");
        let slot = gate.reserve_for(t0 + ms(1000), 4).unwrap();
        assert_eq!(slot, t0 + ms(1010) + pace * 3, "a send of 4 goes at the end of its four intervals");
        assert_eq!(gate.reserve(slot), Some(slot + pace));
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
