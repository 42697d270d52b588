//! Runs under Graph's write quota, modelled as a token bucket (every revocation, `$batch` item
//! included, takes a token; an empty bucket answers 429 with a Retry-After), on tokio's paused
//! clock. Issue 12's promise: within 1.05x of users / rate, at most 5 % of requests answered 429,
//! no request sent before its Retry-After, nobody lost; whole-second and long Retry-After values
//! behave well too.

mod common;

use common::scripted::*;
use common::*;
use entra_core::JobOptions;
use entra_core::retry::RetryPolicy;
use entra_core::transport::scripted::{Scripted, ScriptedTransport};
use parking_lot::Mutex;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use tokio::time::Instant;

/// How the bucket words its Retry-After.
#[derive(Debug, Clone, Copy)]
enum RetryAfter {
    /// The time to the next token, fractional (`0.047`), as the emulator and Graph's identity
    /// service send it.
    Exact,
    /// Rounded up to whole seconds (`1`), as most of Graph sends it.
    WholeSeconds,
    /// Always this many seconds, whatever the bucket holds (a service asking for a long pause).
    Fixed(u64),
}

impl RetryAfter {
    fn seconds(self, exact: f64) -> f64 {
        match self {
            RetryAfter::Exact => (exact * 1000.0).ceil() / 1000.0,
            RetryAfter::WholeSeconds => exact.ceil().max(1.0),
            RetryAfter::Fixed(seconds) => seconds as f64,
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Quota {
    rate: f64,
    burst: f64,
    latency: Duration,
    retry_after: RetryAfter,
    /// Successes carry `x-ms-throttle-limit-percentage` once 80 % of the bucket is used, as Graph
    /// documents it (and is reported not to do in practice).
    usage_header: bool,
}

#[derive(Debug, Default)]
struct Tally {
    answered: usize,
    throttled: usize,
    /// Requests for a user sent before the Retry-After its last 429 asked for.
    early: usize,
    /// When each 429 was answered.
    throttled_at: Vec<Instant>,
}

/// Graph's identity write quota: a token bucket per app and tenant that every revocation (each
/// `$batch` item included) draws from.
struct Bucket {
    quota: Quota,
    tokens: f64,
    at: Instant,
    not_before: HashMap<String, Instant>,
    tally: Tally,
}

impl Bucket {
    fn take(&mut self, user: &str) -> (u16, Vec<(&'static str, String)>) {
        let now = Instant::now();
        let rate = self.quota.rate;
        self.tokens = (self.tokens + now.duration_since(self.at).as_secs_f64() * rate).min(self.quota.burst);
        self.at = now;
        self.tally.answered += 1;
        if self.not_before.get(user).is_some_and(|until| now < *until) {
            self.tally.early += 1;
        }
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            let used = 1.0 - self.tokens / self.quota.burst;
            let headers = if self.quota.usage_header && used >= 0.8 { vec![("x-ms-throttle-limit-percentage", format!("{used:.2}"))] } else { vec![] };
            return (200, headers);
        }
        self.tally.throttled += 1;
        self.tally.throttled_at.push(now);
        let seconds = self.quota.retry_after.seconds((1.0 - self.tokens) / rate);
        self.not_before.insert(user.to_owned(), now + Duration::from_secs_f64(seconds));
        (429, vec![("Retry-After", format!("{seconds}"))])
    }
}

fn quota_transport(quota: Quota) -> (Arc<ScriptedTransport>, Arc<Mutex<Bucket>>) {
    let bucket = Arc::new(Mutex::new(Bucket { quota, tokens: quota.burst, at: Instant::now(), not_before: HashMap::new(), tally: Tally::default() }));
    let shared = bucket.clone();
    let transport = ScriptedTransport::new(move |request, _| {
        let mut b = shared.lock();
        if is_batch(request) {
            batch_answer(request, |url| b.take(url)).after(quota.latency)
        } else {
            let user = addressed_user(request).unwrap_or_default();
            let (status, headers) = b.take(&user);
            let answer = match (status, headers.first()) {
                (200, None) => Scripted::ok(),
                (200, Some((name, value))) => Scripted::ok().header(name, value),
                (_, _) => Scripted::status(429).header("retry-after", &headers[0].1),
            };
            answer.after(quota.latency)
        }
    });
    (transport, bucket)
}

struct Run {
    started: Instant,
    took: Duration,
    ideal: Duration,
    failed: usize,
    tally: Tally,
}

impl Run {
    fn ratio(&self) -> f64 {
        self.took.as_secs_f64() / self.ideal.as_secs_f64()
    }

    fn share(&self) -> f64 {
        self.tally.throttled as f64 / self.tally.answered as f64
    }
}

impl std::fmt::Display for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{:.2?} for {:.2?} ({:.3}x), {} of {} requests 429 ({:.1} %), {} early, {} failed",
            self.took,
            self.ideal,
            self.ratio(),
            self.tally.throttled,
            self.tally.answered,
            self.share() * 100.0,
            self.tally.early,
            self.failed
        )
    }
}

async fn run_under(quota: Quota, users: usize, use_batch: bool) -> Run {
    let (transport, bucket) = quota_transport(quota);
    let inputs: Vec<String> = (0..users).map(user).collect();
    let options = JobOptions { retry: RetryPolicy::default(), ..options(32, use_batch) };
    let started = Instant::now();
    let outcomes = run_paused(scripted_session(transport, static_tokens()), options, inputs).await;
    let took = started.elapsed();
    assert_eq!(outcomes.len(), users, "every user has exactly one outcome");
    let failed = outcomes.iter().filter(|o| o.result.is_err()).count();
    // The bucket's burst is spent at once; the rest come at the rate.
    let ideal = Duration::from_secs_f64((users as f64 - quota.burst).max(1.0) / quota.rate);
    let tally = std::mem::take(&mut bucket.lock().tally);
    Run { started, took, ideal, failed, tally }
}

const WRITE_QUOTA: Quota = Quota { rate: 20.0, burst: 20.0, latency: Duration::from_millis(20), retry_after: RetryAfter::Exact, usage_header: false };
const FAST_QUOTA: Quota = Quota { rate: 100.0, burst: 10.0, ..WRITE_QUOTA };

/// First contact with an unknown quota costs the operations in flight when the bucket runs dry
/// (a round trip's worth; batched runs open in operations too, so the same handful); after it the
/// pace must keep nearly every request within the quota.
const FIRST_CONTACT: Duration = Duration::from_secs(1);

fn assert_within(run: &Run, what: &str, max_ratio: f64, max_share_after_first_contact: f64) {
    println!("{what}: {run}");
    assert_eq!(run.failed, 0, "{what}: nobody is lost: {run}");
    assert_eq!(run.tally.early, 0, "{what}: no request before its Retry-After: {run}");
    assert!(run.ratio() <= max_ratio, "{what}: {run}");
    assert!(run.share() <= 0.05, "{what}: at most 5 % of requests answered 429, first contact included: {run}");
    let later = run.tally.throttled_at.iter().filter(|at| **at - run.started >= FIRST_CONTACT).count();
    let share = later as f64 / run.tally.answered as f64;
    assert!(share <= max_share_after_first_contact, "{what}: {later} 429s after first contact ({:.1} %): {run}", share * 100.0);
}

#[tokio::test(start_paused = true)]
async fn under_graphs_write_quota_runs_pace_just_under_the_rate_and_the_429s_stop_after_first_contact() {
    for use_batch in [false, true] {
        let run = run_under(WRITE_QUOTA, 400, use_batch).await;
        assert_within(&run, &format!("20/s, batch {use_batch}"), 1.07, 0.02);
    }
}

#[tokio::test(start_paused = true)]
async fn a_faster_quota_with_a_small_burst_is_learned_too_and_batches_shrink_to_the_burst() {
    for use_batch in [false, true] {
        let run = run_under(FAST_QUOTA, 1000, use_batch).await;
        assert_within(&run, &format!("100/s burst 10, batch {use_batch}"), 1.08, 0.02);
    }
}

#[tokio::test(start_paused = true)]
async fn whole_second_retry_afters_pace_as_well_as_fractional_ones() {
    for use_batch in [false, true] {
        let run = run_under(Quota { retry_after: RetryAfter::WholeSeconds, ..WRITE_QUOTA }, 400, use_batch).await;
        // The first contact costs a whole second's pause here (measured 1.07x single, 1.12x batched).
        assert_within(&run, &format!("20/s whole seconds, batch {use_batch}"), 1.15, 0.02);
    }
}

#[tokio::test(start_paused = true)]
async fn whole_second_retry_afters_against_a_small_burst_lose_nobody_and_stop_throttling() {
    // Each 429 here costs a second of a quota that holds only 0.1 s of it: the pace learns
    // from the spacing of successes and stays under the rate, slower than the quota allows
    // (measured 3.5x single, 3.1x batched; see docs/reliability.md), but with no 429 storm.
    for use_batch in [false, true] {
        let run = run_under(Quota { retry_after: RetryAfter::WholeSeconds, ..FAST_QUOTA }, 1000, use_batch).await;
        assert_within(&run, &format!("100/s whole seconds, batch {use_batch}"), 4.0, 0.02);
    }
}

#[tokio::test(start_paused = true)]
async fn a_long_retry_after_pauses_the_run_once_and_the_pace_afterwards_stays_under_the_rate() {
    for use_batch in [false, true] {
        let run = run_under(Quota { retry_after: RetryAfter::Fixed(30), ..WRITE_QUOTA }, 400, use_batch).await;
        let after_the_pause = Run { took: run.took.saturating_sub(Duration::from_secs(30)), ..run };
        assert_within(&after_the_pause, &format!("20/s, Retry-After 30 s, batch {use_batch}"), 1.1, 0.0);
    }
}

#[tokio::test(start_paused = true)]
async fn where_graph_says_how_much_of_its_limit_is_used_the_pace_holds_and_it_never_costs_a_429() {
    for quota in [WRITE_QUOTA, FAST_QUOTA, Quota { retry_after: RetryAfter::WholeSeconds, ..WRITE_QUOTA }] {
        for use_batch in [false, true] {
            let what = format!("{}/s burst {} with x-ms-throttle-limit-percentage, batch {use_batch}", quota.rate, quota.burst);
            let with_header = run_under(Quota { usage_header: true, ..quota }, 1000, use_batch).await;
            let without = run_under(quota, 1000, use_batch).await;
            println!("{what}: {with_header}; without the header: {without}");
            // Measured: 100/s burst 10 1.066x -> 1.005x (no 429 after first contact), 20/s equal.
            assert_within(&with_header, &what, 1.07, 0.02);
            assert!(with_header.tally.throttled <= without.tally.throttled, "{what}: the header never costs 429s: {with_header} / {without}");
        }
    }
}

/// No quota at all: this share of requests is answered 429 at random (a service under load, a
/// fault injector, Dev Proxy's random mode), Retry-After 0.05 s.
fn scattered_429s(share: f64) -> (Arc<ScriptedTransport>, Arc<Mutex<Tally>>) {
    let tally = Arc::new(Mutex::new(Tally::default()));
    let shared = tally.clone();
    let rng = Mutex::new(fastrand::Rng::with_seed(7));
    let transport = ScriptedTransport::new(move |request, _| {
        let mut t = shared.lock();
        let mut take = || {
            t.answered += 1;
            if rng.lock().f64() < share {
                t.throttled += 1;
                (429, vec![("Retry-After", "0.05".to_owned())])
            } else {
                (200, vec![])
            }
        };
        if is_batch(request) {
            batch_answer(request, |_| take()).after(WRITE_QUOTA.latency)
        } else {
            let (status, headers) = take();
            let answer = if status == 200 { Scripted::ok() } else { Scripted::status(429).header("retry-after", &headers[0].1) };
            answer.after(WRITE_QUOTA.latency)
        }
    });
    (transport, tally)
}

#[tokio::test(start_paused = true)]
async fn scattered_429s_in_a_run_graph_does_not_limit_do_not_pin_it_to_the_slowest_pace() {
    for use_batch in [false, true] {
        let (transport, tally) = scattered_429s(0.15);
        let started = Instant::now();
        let options = JobOptions { retry: RetryPolicy::default(), ..options(32, use_batch) };
        let outcomes = run_paused(scripted_session(transport, static_tokens()), options, (0..1000).map(user).collect()).await;
        let took = started.elapsed();
        let t = tally.lock();
        println!("15 % scattered 429s, batch {use_batch}: {took:.2?}, {} of {} answered 429", t.throttled, t.answered);
        assert!(outcomes.iter().all(|o| o.result.is_ok()));
        // Taking every 429 for a rate, the pace sinks to its bound (18/s): 1,189 requests then
        // take over 60 s (measured 63-74 s). Measured with the scattered rule: 44 s and 39 s.
        assert!(took < Duration::from_secs(52), "batch {use_batch}: {took:?}");
    }
}
