//! How fast to send while Graph throttles: the interval per operation the throttle gate releases
//! requests at, learned from what Graph says. The gate (`throttle_gate`) owns the slots and the
//! pauses; this owns the numbers, so the rules can be tested without a clock or a gate.
//!
//! Graph's quota behaves like a token bucket: a rate and a burst, every revocation (`$batch`
//! items included) taking a token. What a client can learn from it:
//! - A 429 means the bucket was empty then. Between two 429s every token Graph added was spent,
//!   so the operations that succeeded in between, divided by the time between, is the rate Graph
//!   sustains, or a little less (less only if the bucket filled up meanwhile, which a client
//!   sending near the rate does not let happen). That is the spacing of successes; it needs no
//!   header, and works whether Retry-After is fractional, whole seconds or long.
//! - The pace that got the 429 was too fast: the rate lies between the two.
//! - Retry-After, the first time, when nothing else is known: for a token bucket it is the time
//!   to the next token.
//!
//! Once the rate is known the pace sits just under it (`UNDER_THE_LIMIT`) and probes upward
//! slowly, by `PROBE_PER_SECOND` of the rate per second, so a raised limit is found and a wrong
//! estimate corrected without bursts: each probe that goes too far costs one 429, not a herd.
//! When nothing is known (no measurement yet) the pace speeds up quickly (`SPEED_UP` per send),
//! as it must after a few scattered 429s in a run Graph does not otherwise limit. A learned rate
//! is forgotten after `FORGET_LIMIT_AFTER` without a 429 (Graph's limits are per app and tenant,
//! and others sending with them come and go).
//!
//! A 429 soon after the pace was set under the learned rate cannot come from a bucket at that
//! rate: it is scattered (a service under load, a fault injector) or the limit changed. The rate
//! is forgotten and measured afresh instead of slowing down episode after episode.
//!
//! Where Graph says how much of its limit is used (`x-ms-throttle-limit-percentage`, sent from
//! 80 %; see `limit_usage`), a success reporting `HOLD_FROM` or more neither speeds the pace up
//! nor probes, and keeps the learned rate from being forgotten: the bucket is nearly empty, and
//! going faster would only find its bottom. Slowing down on it was tried and dropped: with
//! nothing learned yet, the header cannot say by how much, and a guess (Graph's 20/s) made a
//! 100/s quota run 4.6 times slower. Without the header nothing changes.
//!
//! `$batch`: a send carries at most as many operations as the bucket held the last time one was
//! partially throttled (its burst; at most halved at once), growing back by one every few sends
//! that went through whole, up to the most one send ever got through.

use std::time::Duration;
use tokio::time::Instant;

/// Without a learned rate, each successful send shortens the interval by this factor.
pub const SPEED_UP: f64 = 0.95;
/// Pacing starts no slower than this (20 requests a second, Graph's sustained write rate).
pub const MAX_INITIAL_PACE: Duration = Duration::from_millis(50);
/// With nothing measured, a new throttling episode lengthens the interval by this factor.
pub const SLOW_DOWN: f64 = 1.25;
/// Pacing never gets slower than this: just under Graph's sustained write rate (20/s), so a
/// learned 20/s can be paced just under. Without a bound, 429s that come regardless of the rate
/// (a service under load, a fault injector) would slow the pace down episode after episode until
/// the run crawled. A limit below ~18/s is therefore paced too fast (each excess costs a 429).
pub const MAX_PACE: Duration = Duration::from_millis(55);
/// Below this interval pacing no longer matters: the gate opens fully.
pub const OPEN_BELOW: Duration = Duration::from_millis(2);
/// The pace sits this fraction of the learned rate under it.
pub const UNDER_THE_LIMIT: f64 = 0.97;
/// Near the learned rate the pace grows this fraction of the rate per second of sending.
pub const PROBE_PER_SECOND: f64 = 0.005;
/// A pace within this factor of the learned limit's interval probes; a slower one speeds up fast.
const NEAR_THE_LIMIT: f64 = 1.05;
/// Fewer successes than this between 429s say too little about the rate: the measurement goes on
/// across the next episode.
pub const MIN_SAMPLE: u32 = 8;
/// A learned rate is forgotten after this long without a 429.
pub const FORGET_LIMIT_AFTER: Duration = Duration::from_secs(30);
/// A Retry-After longer than this makes another 429 expensive: after it the pace only probes,
/// from where it starts, instead of speeding up fast.
pub const LONG_RETRY_AFTER: Duration = Duration::from_secs(1);
/// A 429 while the pace is within this factor of the learned limit's interval (or slower)...
const SCATTERED_WITHIN: f64 = 0.99;
/// ...and fewer operations than this have succeeded since the pace was set, is scattered.
const SCATTERED_BEFORE: u32 = 4 * MIN_SAMPLE;
/// `x-ms-throttle-limit-percentage` at or above this many percent: the pace neither speeds up
/// nor probes (Graph sends the header from 80 %).
pub const HOLD_FROM: u16 = 80;
/// Whole sends that let the most operations one send may carry grow by one.
const WHOLE_SENDS_PER_WEIGHT: u32 = 4;

/// What the successes between two 429s say.
struct Window {
    /// Time per operation that succeeded.
    spacing: Duration,
    /// Whether the gate was closed for most of it.
    paused_most: bool,
}

/// What a 429 ends: a measurement, or too few successes for one, or nothing being measured.
enum Measurement {
    Window(Window),
    /// Too few successes to take their spacing for the rate, but enough for a first estimate:
    /// the bucket was empty at both 429s, so it added about as many tokens as there were
    /// successes in between (within one either way), and the interval per token is about the
    /// time divided by them (None when pauses took most of the time: the bucket may have filled
    /// and overflowed meanwhile).
    TooFew { estimate: Option<Duration> },
    Nothing,
}

#[derive(Debug, Clone, Default)]
pub struct Pacer {
    /// The interval between released operations; None: not pacing.
    pace: Option<Duration>,
    /// The interval per operation Graph was found to sustain.
    limit: Option<Duration>,
    /// When the last episode began (429s within one interval of it belong to it).
    episode_at: Option<Instant>,
    /// When Graph last showed its limit: the gate's reopening after the last episode, or a
    /// success reporting most of the limit used. The learned rate is forgotten a while after.
    reopened_at: Option<Instant>,
    /// From when requests went at the current pace (see `mark_episode`).
    trusted_from: Option<Instant>,
    /// Operations that succeeded since `measuring_since` (the 429 the measurement starts from).
    measuring_since: Option<Instant>,
    succeeded: u32,
    /// How long the gate was closed during the measurement (the Retry-Afters of its episodes).
    paused: Duration,
    /// The most operations one send may carry; None: no bound learned.
    weight_cap: Option<u32>,
    /// The most operations a partly throttled send got through.
    burst: Option<u32>,
    whole_sends: u32,
}

impl Pacer {
    pub fn pace(&self) -> Option<Duration> {
        self.pace
    }

    /// The rate Graph was found to sustain, as an interval per operation.
    pub fn limit(&self) -> Option<Duration> {
        self.limit
    }

    pub fn weight_cap(&self) -> Option<u32> {
        self.weight_cap
    }

    /// Nobody sent for a while: the bucket has refilled and what was learned may be stale.
    pub fn forget(&mut self) {
        *self = Self::default();
    }

    /// A 429 at `now` asking to wait `retry_after`. Returns whether it began a new episode (429s
    /// of requests already in flight belong to the episode of the first).
    pub fn throttled(&mut self, now: Instant, retry_after: Duration) -> bool {
        let same_episode = match (self.episode_at, self.pace) {
            (Some(at), Some(pace)) => now.saturating_duration_since(at) < pace,
            _ => false,
        };
        if same_episode {
            return false;
        }
        if let (Some(limit), Some(pace), Some(trusted)) = (self.limit, self.pace, self.trusted_from)
            && pace >= limit.mul_f64(SCATTERED_WITHIN)
            && now >= trusted
            && self.succeeded < SCATTERED_BEFORE
        {
            // Refused soon after the pace was set under the learned rate, every request since
            // sent at it: a bucket at that rate cannot have done it (it refills while the pace is
            // under it, and refuses only once a probe has gone over for a while). The 429 is
            // scattered (a service under load, a fault injector) or the limit changed: forget the
            // rate, stop pacing (the gate still pauses for the Retry-After) and measure afresh,
            // rather than slow down episode after episode (scattered 429s in a run Graph does not
            // otherwise limit must not pin it to a crawl; a changed limit is measured again).
            self.limit = None;
            self.pace = None;
            self.restart_measurement(now, retry_after);
            self.mark_episode(now, retry_after);
            return true;
        }
        let (limit, pace) = match (self.measured(now, retry_after), self.pace) {
            (Measurement::Window(window), Some(pace)) => {
                // The pace that was refused is faster than the rate; the spacing of successes is
                // the rate, unless pauses took most of the window (the bucket filled up and
                // overflowed meanwhile: the spacing says only that the rate is not slower), in
                // which case the rate is taken as at most a quarter slower than the refused pace.
                let limit = if window.paused_most { window.spacing.clamp(pace, pace.mul_f64(SLOW_DOWN)) } else { window.spacing.max(pace) };
                (Some(limit), limit.div_f64(UNDER_THE_LIMIT))
            }
            (Measurement::Window(window), None) => (Some(window.spacing), window.spacing.div_f64(UNDER_THE_LIMIT)),
            (measurement, pace) => {
                let estimate = match measurement {
                    Measurement::TooFew { estimate } => estimate,
                    _ => None,
                };
                let (limit, pace) = match pace {
                    Some(pace) => (self.limit, pace.mul_f64(SLOW_DOWN)),
                    None => {
                        let first = retry_after.min(MAX_INITIAL_PACE);
                        // After a long pause, speeding up fast would risk another long pause.
                        (if retry_after > LONG_RETRY_AFTER { Some(first) } else { self.limit }, first)
                    }
                };
                // A token bucket's Retry-After is the time to its next token, shorter than the
                // interval between tokens: paced at it, the next request is refused too. The
                // estimate from the successes so far spares the episodes it would take to get
                // there a quarter at a time; one too slow is sped up again (nothing is learned).
                (limit, estimate.map_or(pace, |estimate| pace.max(estimate)))
            }
        };
        self.limit = limit.map(|l| l.clamp(OPEN_BELOW, MAX_PACE));
        self.pace = Some(pace.clamp(OPEN_BELOW, MAX_PACE));
        self.mark_episode(now, retry_after);
        true
    }

    fn mark_episode(&mut self, now: Instant, retry_after: Duration) {
        self.episode_at = Some(now);
        let reopened = now + retry_after;
        self.reopened_at = Some(reopened);
        // The gate spaces every request released from the reopening on by the new pace; a 429
        // answered within a couple of intervals of it may still be one sent before.
        let pace = self.pace.unwrap_or(MAX_INITIAL_PACE);
        self.trusted_from = Some(reopened + pace * 2);
    }

    /// Ends the measurement at the 429 at `now` and starts the next one: the spacing of the
    /// successes since the last 429 once there are enough of them (a measurement with too few
    /// goes on across this episode).
    fn measured(&mut self, now: Instant, retry_after: Duration) -> Measurement {
        let window = match self.measuring_since {
            Some(since) if self.succeeded >= MIN_SAMPLE && now > since => {
                let length = now - since;
                Measurement::Window(Window { spacing: length / self.succeeded, paused_most: self.paused > length / 2 })
            }
            Some(since) => {
                let length = now.saturating_duration_since(since);
                let estimate = (self.succeeded > 0 && self.paused <= length / 2).then(|| length / self.succeeded);
                self.paused += retry_after;
                return Measurement::TooFew { estimate };
            }
            None => Measurement::Nothing,
        };
        self.restart_measurement(now, retry_after);
        window
    }

    /// The 429 at `now` emptied the bucket: measure the successes from here.
    fn restart_measurement(&mut self, now: Instant, retry_after: Duration) {
        self.measuring_since = Some(now);
        self.succeeded = 0;
        self.paused = retry_after;
    }

    /// A send at `now` went through with `operations` of its operations accepted; `limit_used`:
    /// the most of its limit Graph said they used (percent), if it said.
    pub fn succeeded(&mut self, now: Instant, operations: u32, limit_used: Option<u16>) {
        if self.measuring_since.is_some() {
            self.succeeded = self.succeeded.saturating_add(operations);
        }
        if self.reopened_at.is_some_and(|at| now.saturating_duration_since(at) > FORGET_LIMIT_AFTER) {
            self.limit = None;
        }
        if limit_used.is_some_and(|used| used >= HOLD_FROM) {
            // Graph says the limit is in force and most of it used: what was learned of it still
            // holds, and going faster would only find the bottom of the bucket.
            self.reopened_at = Some(now);
            return;
        }
        let Some(pace) = self.pace else { return };
        let near = self.limit.is_some_and(|limit| pace <= limit.mul_f64(NEAR_THE_LIMIT).div_f64(UNDER_THE_LIMIT));
        let faster = if near {
            // Grow the rate by PROBE_PER_SECOND per second spent sending these operations.
            pace.div_f64(1.0 + PROBE_PER_SECOND * pace.as_secs_f64() * f64::from(operations.max(1)))
        } else {
            pace.mul_f64(SPEED_UP)
        };
        if faster < OPEN_BELOW {
            // The measurement goes on: the next 429 still ends a stretch in which every token
            // Graph added was spent.
            self.pace = None;
        } else {
            self.pace = Some(faster);
        }
    }

    /// How one send of `sent` operations was answered: a send partly throttled shows how many
    /// the bucket held (its burst), so later sends carry no more than that; sends that went
    /// through whole let the bound grow back.
    pub fn send_answered(&mut self, sent: u32, accepted: u32, throttled: u32) {
        if throttled > 0 && sent > 1 {
            // At most halved at once: a send paced too fast is also partly refused, and says
            // less about the burst than one paced right.
            self.weight_cap = Some(accepted.max(sent / 2).max(1));
            self.burst = self.burst.max(Some(accepted));
            self.whole_sends = 0;
        } else if throttled == 0
            && let (Some(cap), Some(burst)) = (self.weight_cap, self.burst)
            && sent >= cap
            && cap < burst
        {
            // Grow back to the most a send was ever seen to get through, never past it: a
            // probe past the burst costs a 429 and says nothing about the rate.
            self.whole_sends += 1;
            if self.whole_sends >= WHOLE_SENDS_PER_WEIGHT {
                self.weight_cap = Some(cap + 1);
                self.whole_sends = 0;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: fn(u64) -> Duration = Duration::from_millis;

    /// A pacer that saw Graph accept 20 operations in the second between two 429s (from `t0`).
    fn learned_20_per_second(t0: Instant) -> Pacer {
        let mut pacer = Pacer::default();
        pacer.throttled(t0, MS(40));
        for i in 1..=20 {
            pacer.succeeded(t0 + MS(50 * i), 1, None);
        }
        pacer.throttled(t0 + MS(1000), MS(40));
        pacer
    }

    #[test]
    fn the_first_429_paces_at_its_retry_after_bounded_by_graphs_write_rate() {
        let t0 = Instant::now();
        let mut short = Pacer::default();
        assert!(short.throttled(t0, MS(40)));
        assert_eq!(short.pace(), Some(MS(40)));
        assert_eq!(short.limit(), None, "one Retry-After is not a measurement");
        let mut long = Pacer::default();
        long.throttled(t0, Duration::from_secs(5));
        assert_eq!(long.pace(), Some(MAX_INITIAL_PACE), "a long Retry-After is a pause, not a rate");
    }

    #[test]
    fn the_spacing_of_successes_between_429s_sets_the_pace_just_under_it() {
        let t0 = Instant::now();
        let mut pacer = Pacer::default();
        pacer.throttled(t0, MS(40));
        // Graph accepts 20 operations in the next second (its rate), then refuses one.
        for i in 1..=20 {
            pacer.succeeded(t0 + MS(50 * i), 1, None);
        }
        assert!(pacer.throttled(t0 + MS(1000), MS(40)));
        assert_eq!(pacer.limit(), Some(MS(50)));
        assert_eq!(pacer.pace(), Some(MS(50).div_f64(UNDER_THE_LIMIT)));
    }

    #[test]
    fn a_window_mostly_paused_bounds_the_rate_by_the_refused_pace() {
        let t0 = Instant::now();
        let mut pacer = Pacer::default();
        pacer.throttled(t0, MS(10));
        for i in 1..=3 {
            pacer.succeeded(t0 + MS(10 * i), 1, None);
        }
        // Graph asks for a 3 s pause; afterwards 10 successes, then a 429. The window's spacing
        // (13 successes in 3.2 s) says only that the bucket refilled during the pause.
        pacer.throttled(t0 + MS(100), Duration::from_secs(3));
        assert_eq!(pacer.limit(), None, "3 successes are no measurement");
        for i in 1..=10 {
            pacer.succeeded(t0 + MS(3100 + 10 * i), 1, None);
        }
        let refused = pacer.pace().unwrap();
        pacer.throttled(t0 + MS(3200), MS(10));
        assert_eq!(pacer.limit(), Some(refused.mul_f64(SLOW_DOWN)));
    }

    #[test]
    fn a_429_while_pacing_under_the_learned_rate_is_scattered_not_a_lower_limit() {
        let t0 = Instant::now();
        let mut pacer = Pacer::default();
        pacer.throttled(t0, MS(10));
        for i in 1..=20 {
            pacer.succeeded(t0 + MS(10 * i), 1, None);
        }
        pacer.throttled(t0 + MS(200), MS(10));
        assert_eq!(pacer.limit(), Some(MS(10)));
        for i in 1..=10 {
            pacer.succeeded(t0 + MS(200 + 11 * i), 1, None);
        }
        // Every request since went slower than the learned rate, yet Graph refused one.
        assert!(pacer.throttled(t0 + MS(320), MS(10)));
        assert_eq!(pacer.limit(), None);
        assert_eq!(pacer.pace(), None, "the gate pauses for the Retry-After, then stops pacing");
    }

    #[test]
    fn too_few_successes_between_429s_keep_measuring_across_the_episode() {
        let t0 = Instant::now();
        let mut pacer = Pacer::default();
        pacer.throttled(t0, MS(50));
        for i in 1..=3 {
            pacer.succeeded(t0 + MS(40 * i), 1, None);
        }
        pacer.throttled(t0 + MS(150), MS(50));
        assert_eq!(pacer.limit(), None, "3 successes are no measurement");
        for i in 5..=10 {
            pacer.succeeded(t0 + MS(40 * i), 1, None);
        }
        pacer.throttled(t0 + MS(420), MS(50));
        assert_eq!(pacer.limit(), Some(MS(420) / 9), "measured from the first 429: 9 successes in 420 ms");
    }

    #[test]
    fn a_429_soon_after_the_first_paces_at_the_spacing_of_the_successes_in_between() {
        let t0 = Instant::now();
        let mut pacer = Pacer::default();
        // A token bucket's Retry-After is the time to its next token (10 ms), not its interval.
        pacer.throttled(t0, MS(10));
        pacer.succeeded(t0 + MS(20), 1, None);
        pacer.throttled(t0 + MS(40), MS(10));
        // One success in 40 ms: the bucket added about one token, about one per 40 ms.
        assert_eq!(pacer.pace(), Some(MS(40)), "not a quarter slower than 10 ms, but the estimate");
        assert_eq!(pacer.limit(), None, "an estimate from one success is not a measurement");
        for i in 1..=20 {
            pacer.succeeded(t0 + MS(40 + 30 * i), 1, None);
        }
        assert!(pacer.pace().is_none_or(|pace| pace < MS(20)), "an estimate too slow is sped up again (nothing was learned): {:?}", pacer.pace());

        let mut soon = Pacer::default();
        soon.throttled(t0, MS(10));
        soon.succeeded(t0 + MS(5), 1, None);
        soon.throttled(t0 + MS(11), MS(10));
        assert_eq!(soon.pace(), Some(MS(10).mul_f64(SPEED_UP).mul_f64(SLOW_DOWN)), "an estimate under a quarter slower never speeds the pace up");
    }

    #[test]
    fn graph_saying_most_of_its_limit_is_used_holds_the_pace_and_the_learned_rate() {
        let t0 = Instant::now();
        let mut pacer = learned_20_per_second(t0);
        let start = pacer.pace();
        for i in 1..=100 {
            pacer.succeeded(t0 + MS(1000 + 50 * i), 1, Some(HOLD_FROM));
        }
        assert_eq!(pacer.pace(), start, "no probe while the bucket is nearly empty");
        pacer.succeeded(t0 + MS(6000) + FORGET_LIMIT_AFTER, 1, Some(95));
        assert!(pacer.limit().is_some(), "the limit is in force: Graph said so {FORGET_LIMIT_AFTER:?} ago");
        pacer.succeeded(t0 + MS(6050) + FORGET_LIMIT_AFTER, 1, Some(HOLD_FROM - 1));
        assert!(pacer.pace() < start, "below the mark the pace probes again");

        let mut unpaced = Pacer::default();
        unpaced.succeeded(t0, 1, Some(180));
        assert_eq!(unpaced.pace(), None, "the header alone does not start pacing: it cannot say how fast");
    }

    #[test]
    fn near_the_learned_rate_the_pace_probes_slowly_far_from_it_it_speeds_up_fast() {
        let t0 = Instant::now();
        let mut pacer = learned_20_per_second(t0);
        let start = pacer.pace().unwrap();
        // Ten seconds at the learned rate: the rate grows ~5 %, not to an open gate.
        for i in 1..=200 {
            pacer.succeeded(t0 + MS(1000 + 50 * i), 1, None);
        }
        let probed = pacer.pace().unwrap();
        let growth = start.as_secs_f64() / probed.as_secs_f64();
        assert!((1.04..1.07).contains(&growth), "grew {growth}");

        let mut unknown = Pacer::default();
        unknown.throttled(t0, MS(40));
        for i in 1..=100 {
            unknown.succeeded(t0 + MS(i), 1, None);
        }
        assert_eq!(unknown.pace(), None, "scattered 429s in an unlimited run: the gate opens again");
    }

    #[test]
    fn a_learned_rate_is_forgotten_after_a_while_without_429s() {
        let t0 = Instant::now();
        let mut pacer = learned_20_per_second(t0);
        assert!(pacer.limit().is_some());
        pacer.succeeded(t0 + MS(1000) + FORGET_LIMIT_AFTER, 1, None);
        assert!(pacer.limit().is_some(), "counted from the gate's reopening");
        pacer.succeeded(t0 + MS(1040) + FORGET_LIMIT_AFTER + MS(1), 1, None);
        assert_eq!(pacer.limit(), None);
    }

    #[test]
    fn after_a_long_retry_after_the_pace_probes_instead_of_racing() {
        let t0 = Instant::now();
        let mut pacer = Pacer::default();
        pacer.throttled(t0, Duration::from_secs(30));
        let start = pacer.pace().unwrap();
        for i in 1..=20 {
            pacer.succeeded(t0 + Duration::from_secs(30) + MS(50 * i), 1, None);
        }
        assert!(pacer.pace().unwrap() > start.mul_f64(0.99), "another 429 would cost 30 s");
    }

    #[test]
    fn in_flight_429s_belong_to_one_episode() {
        let t0 = Instant::now();
        let mut pacer = Pacer::default();
        assert!(pacer.throttled(t0, MS(40)));
        assert!(!pacer.throttled(t0 + MS(1), MS(40)));
        assert!(!pacer.throttled(t0 + MS(39), MS(40)));
        assert!(pacer.throttled(t0 + MS(100), MS(40)));
        assert_eq!(pacer.pace(), Some(MS(50)), "nothing measured: a quarter slower");
    }

    #[test]
    fn scattered_429s_cannot_slow_the_pace_below_graphs_write_rate() {
        let t0 = Instant::now();
        let mut pacer = Pacer::default();
        for i in 0..50 {
            pacer.throttled(t0 + Duration::from_secs(i), Duration::from_secs(5));
        }
        assert_eq!(pacer.pace(), Some(MAX_PACE));
    }

    #[test]
    fn a_batch_partly_throttled_bounds_later_sends_to_what_went_through() {
        let mut pacer = Pacer::default();
        assert_eq!(pacer.weight_cap(), None);
        pacer.send_answered(20, 10, 10);
        assert_eq!(pacer.weight_cap(), Some(10));
        for _ in 0..3 * WHOLE_SENDS_PER_WEIGHT {
            pacer.send_answered(10, 10, 0);
        }
        assert_eq!(pacer.weight_cap(), Some(10), "never past what a send got through");
        pacer.send_answered(1, 0, 1);
        assert_eq!(pacer.weight_cap(), Some(10), "a single operation refused says nothing about the burst");
        pacer.send_answered(10, 1, 9);
        assert_eq!(pacer.weight_cap(), Some(5), "at most halved at once");
        for _ in 0..WHOLE_SENDS_PER_WEIGHT {
            pacer.send_answered(5, 5, 0);
        }
        assert_eq!(pacer.weight_cap(), Some(6), "whole sends let the bound grow back");
    }
}
