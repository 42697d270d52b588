//! Retries: 429 waits exactly as long as Retry-After says (fractional seconds included), 502/503/
//! 504 without it back off exponentially, and a run that never stops throttling gives up after
//! the configured retries as Throttled with retries exhausted.

mod common;

use common::*;
use entra_core::FailureKind;
use entra_core::JobOptions;
use entra_core::outcome::Failure;
use entra_core::retry::RetryPolicy;
use std::time::Duration;

use common::scripted::{run_paused, scripted_session, static_tokens};
use entra_core::transport::scripted::{Scripted, ScriptedTransport};

#[tokio::test(start_paused = true)]
async fn on_paused_time_a_fractional_retry_after_is_waited_exactly_and_backoff_stays_within_its_step() {
    let transport = ScriptedTransport::new(|request, _| match request.url.path() {
        p if p.contains("throttled") => Scripted::status(429).header("retry-after", "0.2"),
        p if p.contains("gateway") => Scripted::status(504),
        _ => Scripted::ok(),
    });
    let retry = RetryPolicy { max_retries: 2, base_delay: Duration::from_millis(100), max_delay: Duration::from_secs(1) };
    // One run each: a 429 closes the gate for everyone in its session, which would lengthen the
    // other user's backoff.
    for who in ["throttled@contoso.com", "gateway@contoso.com"] {
        let outcomes = run_paused(scripted_session(transport.clone(), static_tokens()), JobOptions { retry, ..options(1, false) }, vec![who.to_owned()]).await;
        assert_eq!(outcomes.len(), 1);
    }
    let sent = transport.sent();
    let times = |who: &str| sent.iter().filter(|s| s.path().contains(who)).map(|s| s.at).collect::<Vec<_>>();
    let throttled = times("throttled");
    assert_eq!(throttled.len(), 3);
    for pair in throttled.windows(2) {
        // The gate's pacing after a 429 may add its interval, never more than 50 ms.
        let waited = pair[1] - pair[0];
        assert!(waited >= Duration::from_millis(200) && waited <= Duration::from_millis(250), "Retry-After 0.2 s became {waited:?}");
    }
    let gateway = times("gateway");
    assert_eq!(gateway.len(), 3);
    let (first, second) = (gateway[1] - gateway[0], gateway[2] - gateway[1]);
    assert!((Duration::from_millis(50)..=Duration::from_millis(100)).contains(&first), "first backoff {first:?}");
    assert!((Duration::from_millis(100)..=Duration::from_millis(200)).contains(&second), "second backoff {second:?}");
}

fn gap(calls: &[Call], from: usize) -> Duration {
    calls[from + 1].at.duration_since(calls[from].at)
}

#[test]
fn a_429_with_fractional_retry_after_is_retried_no_earlier_than_told_then_succeeds() {
    let harness = Harness::new(|_, nth| if nth == 1 { Reply::throttled("0.2") } else { Reply::ok() });
    let job = harness.start(options(4, false));

    let outcomes = run(&job, &[user(1)]);

    let outcome = outcome_for(&outcomes, &user(1));
    let success = outcome.result.as_ref().expect("success after the retry");
    assert_eq!(success.status, 200);
    assert_eq!(outcome.attempts, 2);
    let calls = harness.graph.calls_for(&resource(&user(1)));
    assert_eq!(calls.len(), 2);
    assert_eq!(calls[0].status, 429);
    let waited = gap(&calls, 0);
    assert!(waited >= Duration::from_millis(200), "retried {waited:?} after the 429, Retry-After was 0.2 s");
    // That the wait is exactly the Retry-After (not longer) is proven on paused time below.
    let progress = job.progress();
    assert_eq!((progress.succeeded, progress.failed, progress.throttled, progress.retries), (1, 0, 1, 1), "{progress:?}");
}

#[test]
fn gateway_errors_without_retry_after_are_retried_with_growing_backoff() {
    // Backoff steps with base 100 ms and equal jitter: attempt 1 waits 50-100 ms, attempt 2 100-200 ms.
    let harness = Harness::new(|res, nth| {
        let status = if res.contains("bad-gateway") {
            502
        } else if res.contains("unavailable") {
            503
        } else {
            504
        };
        if nth <= 2 { Reply::status(status).raw(b"upstream trouble") } else { Reply::ok() }
    });
    let retry = RetryPolicy { max_retries: 3, base_delay: Duration::from_millis(100), max_delay: Duration::from_secs(1) };
    let inputs = ["bad-gateway@contoso.com", "unavailable@contoso.com", "gateway-timeout@contoso.com"].map(String::from);

    let outcomes = harness.run(JobOptions { retry, ..options(4, false) }, &inputs);

    for upn in &inputs {
        let outcome = outcome_for(&outcomes, upn);
        assert!(outcome.result.is_ok(), "{upn}: {outcome:?}");
        assert_eq!(outcome.attempts, 3, "{upn}");
        let calls = harness.graph.calls_for(&resource(upn));
        assert_eq!(calls.len(), 3, "{upn}");
        let (first, second) = (gap(&calls, 0), gap(&calls, 1));
        assert!(first >= Duration::from_millis(50), "{upn}: first backoff {first:?} is below its 50 ms floor");
        assert!(second >= Duration::from_millis(100), "{upn}: second backoff {second:?} is below its 100 ms floor");
    }
}

#[test]
fn a_503_with_retry_after_waits_as_told_instead_of_backing_off() {
    let harness = Harness::new(|_, nth| if nth == 1 { Reply::status(503).header("Retry-After", "0.3") } else { Reply::no_content() });
    let retry = RetryPolicy { max_retries: 3, base_delay: Duration::from_millis(10), max_delay: Duration::from_millis(20) };

    let outcomes = harness.run(JobOptions { retry, ..options(2, false) }, &[user(3)]);

    assert_eq!(outcome_for(&outcomes, &user(3)).attempts, 2);
    let calls = harness.graph.calls_for(&resource(&user(3)));
    assert!(gap(&calls, 0) >= Duration::from_millis(300), "waited {:?}, Retry-After was 0.3 s", gap(&calls, 0));
}

#[test]
fn endless_throttling_gives_up_after_max_retries_as_throttled_with_retries_exhausted() {
    let harness = Harness::new(|_, _| Reply::throttled("0.01"));
    let job = harness.start(JobOptions { retry: fast_retry(2), ..options(4, false) });

    let outcomes = run(&job, &[user(9)]);

    let outcome = outcome_for(&outcomes, &user(9));
    assert_eq!(outcome.attempts, 3, "max_retries 2 means three attempts");
    assert_eq!(failure_kind(outcome), Some(FailureKind::Throttled));
    let Err(Failure::Graph { error, retries_exhausted }) = &outcome.result else { panic!("{outcome:?}") };
    assert!(retries_exhausted);
    assert_eq!(error.status, 429);
    assert_eq!(error.code, "TooManyRequests");
    assert!(outcome.result.as_ref().unwrap_err().message().contains("after all retries"));
    assert_eq!(harness.graph.requests().len(), 3, "no fourth request");
    let progress = job.progress();
    assert_eq!((progress.failed, progress.throttled, progress.retries), (1, 3, 2), "{progress:?}");
}

#[test]
fn max_retries_zero_makes_a_single_attempt() {
    let harness = Harness::new(|_, _| Reply::status(503));

    let outcomes = harness.run(JobOptions { retry: fast_retry(0), ..options(1, false) }, &[user(2)]);

    let outcome = outcome_for(&outcomes, &user(2));
    assert_eq!(outcome.attempts, 1);
    assert_eq!(failure_kind(outcome), Some(FailureKind::Unavailable));
    assert!(matches!(outcome.result, Err(Failure::Graph { retries_exhausted: true, .. })), "{outcome:?}");
    assert_eq!(harness.graph.requests().len(), 1);
}

#[test]
fn a_request_waiting_out_its_backoff_leaves_its_concurrency_slot_to_others() {
    // -ThrottleLimit 1: user 1 gets a 504 and waits 0.5-1 s before its retry. Meanwhile the
    // only slot serves the other users: their requests go while user 1 waits, not after.
    let harness = Harness::new(|res, nth| if user_index(res) == Some(1) && nth == 1 { Reply::status(504).raw(b"timeout") } else { Reply::ok() });
    let retry = RetryPolicy { max_retries: 3, base_delay: Duration::from_secs(1), max_delay: Duration::from_secs(2) };
    let inputs: Vec<String> = (1..=3).map(user).collect();

    let outcomes = harness.run(JobOptions { retry, ..options(1, false) }, &inputs);

    assert!(outcomes.iter().all(|o| o.result.is_ok()), "{outcomes:?}");
    let first = harness.graph.calls_for(&resource(&user(1)));
    assert_eq!(first.len(), 2);
    for other in [user(2), user(3)] {
        let call = &harness.graph.calls_for(&resource(&other))[0];
        assert!(call.at < first[1].at, "{other} waited for user 1's backoff: {:?} after its retry", call.at.duration_since(first[1].at));
    }
}
