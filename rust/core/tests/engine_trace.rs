//! -Verbose/-Debug material: with tracing on, every request the job sends is logged once with
//! method, path, status and attempt, headers only at the header level, and the bearer token
//! never appears in the log.

mod common;

use common::*;
use entra_core::JobOptions;
use entra_core::trace::TraceLevel;

#[test]
fn logs_each_attempt_with_status_and_redacts_the_token() {
    let harness = Harness::new(|_, nth| if nth == 1 { Reply::status(503) } else { Reply::ok() });
    let job = harness.start(JobOptions { trace: TraceLevel::Headers, ..options(2, false) });

    let outcomes = run(&job, &[user(1)]);
    let (traces, dropped) = job.take_traces();

    assert!(outcomes[0].result.is_ok());
    assert_eq!(dropped, 0);
    assert_eq!(traces.len(), 2, "one entry per attempt: {traces:?}");
    let statuses: Vec<(Option<u16>, u32)> = traces.iter().map(|t| (t.status, t.attempt)).collect();
    assert_eq!(statuses, vec![(Some(503), 1), (Some(200), 2)]);
    for t in &traces {
        assert_eq!(t.method, "POST");
        assert_eq!(t.target, format!("/v1.0{}", resource(&user(1))));
        assert!(t.request_headers.contains(&("authorization".to_owned(), "<redacted>".to_owned())));
        assert!(t.response_headers.iter().any(|(name, _)| name == "content-type" || name == "content-length"));
        assert!(!format!("{t:?}").contains(TOKEN), "the token leaked into the trace");
    }
}

#[test]
fn request_level_traces_carry_no_headers_and_off_records_nothing() {
    let harness = Harness::new(|_, _| Reply::ok());
    let job = harness.start(JobOptions { trace: TraceLevel::Requests, ..options(2, false) });
    run(&job, &[user(1), user(2)]);
    let (traces, _) = job.take_traces();
    assert_eq!(traces.len(), 2);
    assert!(traces.iter().all(|t| t.request_headers.is_empty() && t.response_headers.is_empty()));

    let quiet = harness.start(options(2, false));
    run(&quiet, &[user(3)]);
    assert!(quiet.take_traces().0.is_empty());
}
