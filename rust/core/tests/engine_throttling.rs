//! Throttling is shared: one 429 closes the session's gate so no user is sent until its
//! Retry-After has passed, concurrency halves and climbs back, and the number of requests in
//! flight never exceeds the throttle limit.

mod common;

use common::*;
use std::time::Duration;

#[test]
fn one_429_holds_back_every_user_until_its_retry_after_has_passed() {
    const THROTTLED: usize = 40;
    let harness = Harness::new(|res, nth| {
        if user_index(res) == Some(THROTTLED) && nth == 1 {
            Reply::throttled("0.5")
        } else {
            Reply::ok().delayed(Duration::from_millis(10))
        }
    });
    let inputs: Vec<String> = (0..200).map(user).collect();
    let job = harness.start(options(8, false));

    let outcomes = by_tag(run(&job, &inputs));

    assert_eq!(outcomes.len(), 200);
    assert!(outcomes.values().all(|o| o.result.is_ok()), "everyone succeeds in the end");
    let calls = harness.graph.calls();
    let throttled = calls.iter().find(|c| c.status == 429).expect("the 429 was sent");
    let retry = harness.graph.calls_for(&resource(&user(THROTTLED)))[1].clone();
    let reopens = throttled.at + Duration::from_millis(500);
    // Only requests that had passed the gate before the 429 reached the client may still arrive:
    // at most one per other slot. Without the gate the other slots would send dozens meanwhile.
    let during: Vec<Duration> =
        calls.iter().filter(|c| c.at > throttled.at && c.at < reopens).map(|c| c.at.duration_since(throttled.at)).collect();
    assert!(during.len() < 8, "{} requests were sent while the gate was closed, at {:?} after the 429", during.len(), &during[..during.len().min(10)]);
    assert!(retry.at >= reopens, "the throttled user went again {:?} after its 429", retry.at.duration_since(throttled.at));
    let after = calls.iter().filter(|c| c.at >= reopens).count();
    let before = calls.iter().filter(|c| c.at < throttled.at).count();
    assert!(before >= THROTTLED / 2 && after >= 100, "the 429 came mid-run: {before} before, {after} after");
    assert_eq!(job.progress().throttled, 1);
}

#[test]
fn a_429_halves_concurrency_and_successes_bring_it_back() {
    let harness = Harness::new(|res, nth| if user_index(res) == Some(0) && nth == 1 { Reply::throttled("0.05") } else { Reply::ok() });
    let job = harness.start(options(8, false));
    assert_eq!(job.current_concurrency(), entra_core::retry::adaptive_limit::INITIAL_WINDOW, "a run opens with a small window");

    submit_all(&job, 0, &[user(0)]);
    let first = take_outcomes(&job, 1);
    assert!(first[0].result.is_ok());
    assert_eq!(first[0].attempts, 2);
    let lowered = job.current_concurrency();
    assert!((1..4).contains(&lowered), "after a 429 the concurrency is {lowered}, the opening window was 4");

    let more: Vec<String> = (1..=60).map(user).collect();
    let mut taken = submit_all(&job, 1, &more);
    taken.extend(take_outcomes(&job, more.len() - taken.len()));
    assert!(taken.iter().all(|o| o.result.is_ok()));
    assert_eq!(job.current_concurrency(), 8, "successes restore the full limit");
    job.complete_input();
    assert!(collect_until_finished(&job).is_empty());
}

#[test]
fn requests_in_flight_never_exceed_the_throttle_limit() {
    const DELAY: Duration = Duration::from_millis(80);
    let harness = Harness::new(|_, _| Reply::ok().delayed(DELAY));
    let inputs: Vec<String> = (0..48).map(user).collect();

    let outcomes = harness.run(options(6, false), &inputs);

    assert_eq!(outcomes.len(), 48);
    // The server held each request for DELAY after it arrived, so [arrival, arrival + DELAY) is
    // within the time the client had it in flight: overlaps here never overstate concurrency.
    let starts: Vec<_> = harness.graph.requests().iter().map(|r| r.at).collect();
    let max_overlap = starts.iter().map(|&t| starts.iter().filter(|&&s| s <= t && t < s + DELAY).count()).max().unwrap();
    assert!(max_overlap <= 6, "{max_overlap} requests were in flight with a throttle limit of 6");
    assert!(max_overlap >= 4, "only {max_overlap} requests ran concurrently with a limit of 6");
}
