//! Streaming and backpressure: outcomes can be taken while input still comes, a full queue says
//! Full and takes input again once outcomes are taken, and a consumer that stops taking outcomes
//! stops the intake instead of letting the job's memory grow with the number of users.

mod common;

use common::*;
use entra_core::SubmitStatus;
use entra_core::engine::{MAX_BATCH_SIZE, WORKS_PER_SLOT};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

#[test]
fn outcomes_can_be_taken_before_input_is_complete() {
    let harness = Harness::new(|_, _| Reply::ok());
    let job = harness.start(options(8, false));
    let first: Vec<String> = (0..100).map(user).collect();

    let mut taken = submit_all(&job, 0, &first);
    taken.extend(take_outcomes(&job, 100 - taken.len()));
    assert_eq!(taken.len(), 100, "every outcome of the first hundred arrived while input was still open");
    assert!(!job.is_finished(), "the job waits for more input");
    assert!(job.next_outcomes(10, Duration::from_millis(50)).is_empty());

    let second: Vec<String> = (100..200).map(user).collect();
    taken.extend(submit_all(&job, 100, &second));
    job.complete_input();
    taken.extend(collect_until_finished(&job));

    let outcomes = by_tag(taken);
    assert_eq!(outcomes.len(), 200);
    assert!(outcomes.iter().all(|(tag, o)| o.input == user(*tag as usize) && o.result.is_ok()));
}

#[test]
fn try_submit_says_full_while_the_queue_is_full_and_accepts_after_draining() {
    // One request at a time; the first one to go is slow, so the queue fills up behind it.
    const FIRST_TAKES: Duration = Duration::from_secs(1);
    let first_call = AtomicBool::new(true);
    let harness = Harness::new(move |_, _| if first_call.swap(false, Ordering::SeqCst) { Reply::ok().delayed(FIRST_TAKES) } else { Reply::ok() });
    let job = harness.start(options(1, false));

    let started = Instant::now();
    let mut accepted = 0usize;
    while job.try_submit(accepted as u64, user(accepted)) == SubmitStatus::Accepted {
        accepted += 1;
        assert!(accepted < 1000, "the input queue never filled up");
    }
    assert!(accepted >= 2, "only {accepted} inputs fit before Full");
    let still = job.try_submit(accepted as u64, user(accepted));
    if started.elapsed() < FIRST_TAKES / 2 {
        // The slow request is certainly still out: nothing can have made room.
        assert_eq!(still, SubmitStatus::Full, "still full: nothing was taken");
    } else if still == SubmitStatus::Accepted {
        accepted += 1;
    }

    let mut taken = take_outcomes(&job, 1);
    let started = Instant::now();
    loop {
        match job.try_submit(accepted as u64, user(accepted)) {
            SubmitStatus::Accepted | SubmitStatus::AcceptedLast => break,
            SubmitStatus::Full => taken.extend(job.next_outcomes(64, Duration::from_millis(20))),
            SubmitStatus::Closed => panic!("closed"),
        }
        assert!(started.elapsed() < Duration::from_secs(5), "the job never took input again");
    }
    accepted += 1;
    job.complete_input();
    taken.extend(collect_until_finished(&job));
    assert_eq!(by_tag(taken).len(), accepted);
}

/// Submits without ever taking an outcome until the engine is saturated (its outcome queue is
/// full and it says Full), then keeps offering input for another half second; returns how many
/// inputs were accepted in all.
fn submit_without_taking(job: &entra_core::RevokeJob) -> usize {
    let mut accepted = 0usize;
    let offer = |accepted: &mut usize| match job.try_submit(*accepted as u64, user(*accepted % 10_000)) {
        SubmitStatus::Accepted | SubmitStatus::AcceptedLast => *accepted += 1,
        SubmitStatus::Full => std::thread::sleep(Duration::from_millis(2)),
        SubmitStatus::Closed => panic!("closed"),
    };
    let started = Instant::now();
    while job.progress().succeeded < OUTCOME_QUEUE as u64 {
        offer(&mut accepted);
        assert!(started.elapsed() < RUN_DEADLINE, "the outcome queue never filled: {:?}", job.progress());
    }
    let saturated = Instant::now();
    while saturated.elapsed() < Duration::from_millis(500) {
        offer(&mut accepted);
    }
    accepted
}

// With a fast server and a consumer that only submits, the engine may hold a bounded number of
// inputs (input queue, outcome queue, works under way), then must say Full.
const THROTTLE_LIMIT: usize = 4;
const INPUT_QUEUE: usize = 64; // 2 x throttle limit, at least 64
const OUTCOME_QUEUE: usize = 256;

#[test]
fn a_consumer_that_takes_no_outcomes_stops_the_intake() {
    let harness = Harness::new(|_, _| Reply::ok());
    let job = harness.start(options(THROTTLE_LIMIT, false));

    let accepted = submit_without_taking(&job);

    let bound = INPUT_QUEUE + OUTCOME_QUEUE + THROTTLE_LIMIT * WORKS_PER_SLOT + 8;
    assert!(accepted <= bound, "{accepted} inputs were taken in while no outcome was taken; the engine should hold at most about {bound}");
    job.complete_input();
    assert_eq!(by_tag(collect_until_finished(&job)).len(), accepted);
}

#[test]
fn a_consumer_that_takes_no_outcomes_stops_the_intake_in_batch_mode_too() {
    let harness = Harness::new(|_, _| Reply::ok());
    let job = harness.start(options(THROTTLE_LIMIT, true));

    let accepted = submit_without_taking(&job);

    let bound = INPUT_QUEUE + OUTCOME_QUEUE + THROTTLE_LIMIT * WORKS_PER_SLOT * MAX_BATCH_SIZE + 8;
    assert!(accepted <= bound, "{accepted} inputs were taken in while no outcome was taken; the engine should hold at most about {bound}");
    job.complete_input();
    assert_eq!(by_tag(collect_until_finished(&job)).len(), accepted);
}

#[test]
fn a_consumer_that_takes_no_outcomes_stops_the_intake_of_invalid_identifiers_too() {
    let harness = Harness::new(|_, _| Reply::ok());
    let job = harness.start(options(THROTTLE_LIMIT, false));

    let mut accepted = 0usize;
    while job.try_submit(accepted as u64, format!("bad/{accepted}@contoso.com")) == SubmitStatus::Accepted {
        accepted += 1;
        if accepted > 100_000 {
            break;
        }
    }

    assert!(accepted <= INPUT_QUEUE + OUTCOME_QUEUE, "{accepted} rejected inputs were held while no outcome was taken");
    let taken = job.next_outcomes(16, Duration::ZERO);
    assert_eq!(taken.len(), 16);
    assert_eq!(job.try_submit(accepted as u64, user(1)), SubmitStatus::Accepted, "taking outcomes makes room again");
    job.complete_input();
    let mut outcomes = taken;
    outcomes.extend(collect_until_finished(&job));
    assert_eq!(by_tag(outcomes).len(), accepted + 1);
}
