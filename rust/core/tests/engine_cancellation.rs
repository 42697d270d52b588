//! Cancellation (Ctrl+C): every outstanding input, in flight, queued or waiting out a
//! Retry-After, finishes at once as Cancelled; the job reports finished, refuses more input and
//! leaves no task behind.

mod common;

use common::*;
use entra_core::outcome::Failure;
use entra_core::{RevokeJob, SubmitStatus};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The server answers no request within a test's life: a job that finishes before this did not
/// wait for any answer (no wall-clock bound that a loaded machine could break).
const SLOW: Duration = Duration::from_secs(60);
/// Requests in flight before the first answer (the adaptive limit's slow start).
const OPENING: usize = entra_core::retry::adaptive_limit::INITIAL_WINDOW;

/// Cancels `job` once `ready` holds, while another thread is blocked collecting; returns the
/// collected outcomes and how long after `cancel()` the job was finished.
fn cancel_while_collecting(job: &RevokeJob, ready: impl Fn() -> bool) -> (Vec<entra_core::Outcome>, Duration) {
    std::thread::scope(|scope| {
        let collector = scope.spawn(|| collect_until_finished(job));
        assert!(eventually(Duration::from_secs(5), &ready), "the requests never reached the server");
        let cancelled_at = Instant::now();
        job.cancel();
        let outcomes = collector.join().expect("collector thread");
        (outcomes, cancelled_at.elapsed())
    })
}

fn assert_all_cancelled(outcomes: &[entra_core::Outcome], count: usize) {
    let by_tag = by_tag(outcomes.to_vec());
    assert_eq!(by_tag.len(), count, "one outcome per input");
    for (tag, outcome) in &by_tag {
        assert!(matches!(outcome.result, Err(Failure::Cancelled)), "tag {tag}: {outcome:?}");
    }
}

/// Every task of a job holds the session through the job's context: once the count is back to
/// the harness's own reference, no task of the job is left.
fn assert_no_task_left(harness: &Harness) {
    assert!(
        eventually(Duration::from_secs(1), || Arc::strong_count(&harness.session) == 1),
        "{} references to the session remain: a task of the job is still alive",
        Arc::strong_count(&harness.session) - 1
    );
}

#[test]
fn cancel_finishes_requests_in_flight_and_queued_inputs_without_waiting_for_answers() {
    let harness = Harness::new(|_, _| Reply::ok().delayed(SLOW));
    let inputs: Vec<String> = (0..30).map(user).collect();
    let job = harness.start(options(8, false));
    assert!(submit_all(&job, 0, &inputs).is_empty());
    job.complete_input();

    let (outcomes, took) = cancel_while_collecting(&job, || harness.graph.requests().len() >= OPENING);

    assert!(took < SLOW, "the job finished {took:?} after cancel(): it waited for an answer");
    assert_all_cancelled(&outcomes, 30);
    assert!(job.is_finished());
    assert!(job.next_outcomes(10, Duration::from_millis(50)).is_empty(), "nothing comes after the end");
    assert_eq!(job.try_submit(99, user(99)), SubmitStatus::Closed);
    assert_eq!(harness.graph.requests().len(), OPENING, "no request starts after the cancel");
    let progress = job.progress();
    assert_eq!((progress.submitted, progress.failed), (30, 30));
    drop(job);
    assert_no_task_left(&harness);
}

#[test]
fn cancel_before_input_is_complete_still_finishes_the_job_and_closes_input() {
    let harness = Harness::new(|_, _| Reply::ok().delayed(SLOW));
    let inputs: Vec<String> = (0..10).map(user).collect();
    let job = harness.start(options(4, false));
    submit_all(&job, 0, &inputs);

    let (outcomes, took) = cancel_while_collecting(&job, || harness.graph.requests().len() >= 4);

    assert!(took < SLOW, "the job finished {took:?} after cancel(): it waited for an answer");
    assert_all_cancelled(&outcomes, 10);
    assert!(job.is_finished(), "a cancelled job is finished without complete_input()");
    assert_eq!(job.try_submit(10, user(10)), SubmitStatus::Closed);
    drop(job);
    assert_no_task_left(&harness);
}

#[test]
fn cancel_interrupts_a_long_retry_after_and_users_waiting_at_the_closed_gate() {
    // Whichever user goes first is throttled for a minute; the others wait at the closed gate.
    let harness = Harness::new(|_, _| Reply::throttled("60"));
    let job = harness.start(options(1, false));
    submit_all(&job, 0, &[user(0), user(1), user(2)]);
    job.complete_input();

    let (outcomes, took) = cancel_while_collecting(&job, || !harness.graph.calls().is_empty());

    assert!(took < SLOW, "the job finished {took:?} after cancel(): it waited for an answer");
    assert_all_cancelled(&outcomes, 3);
    let calls = harness.graph.calls();
    assert_eq!(calls.len(), 1, "nobody was sent while the gate was closed");
    for outcome in &outcomes {
        let sent = calls[0].resource == resource(&outcome.input);
        assert_eq!(outcome.attempts, u32::from(sent), "{}: attempts count requests sent", outcome.input);
    }
    drop(job);
    assert_no_task_left(&harness);
}

#[test]
fn cancel_in_batch_mode_finishes_every_item_of_every_batch() {
    let harness = Harness::new(|_, _| Reply::ok().delayed(SLOW));
    let inputs: Vec<String> = (0..50).map(user).collect();
    let job = harness.start(options(2, true));
    submit_all(&job, 0, &inputs);
    job.complete_input();

    // A batched run opens in revocations: the first send carries the opening window (4 items)
    // and the second batch waits for its answer, which never comes.
    let (outcomes, took) = cancel_while_collecting(&job, || !harness.graph.requests().is_empty());

    assert!(took < SLOW, "the job finished {took:?} after cancel(): it waited for an answer");
    assert_all_cancelled(&outcomes, 50);
    let sent = harness.graph.requests();
    assert_eq!(sent.len(), 1, "no send starts after the cancel, none beyond the opening window before it");
    assert_eq!(batch_items(&sent[0]).len(), OPENING);
    drop(job);
    assert_no_task_left(&harness);
}

#[test]
fn dropping_a_running_job_stops_its_tasks_and_connections() {
    let harness = Harness::new(|_, _| Reply::ok().delayed(SLOW));
    let inputs: Vec<String> = (0..20).map(user).collect();
    let job = harness.start(options(8, false));
    submit_all(&job, 0, &inputs);
    assert!(eventually(Duration::from_secs(5), || harness.graph.requests().len() >= OPENING));

    drop(job);

    assert_no_task_left(&harness);
    let Harness { session, rt, .. } = harness;
    drop(session);
    let metrics = rt.metrics();
    assert!(
        eventually(Duration::from_secs(1), || metrics.num_alive_tasks() == 0),
        "{} tasks are still alive on the runtime after the job and its session were dropped",
        metrics.num_alive_tasks()
    );
}
