//! Failures below HTTP: a connection the server closes, a refused connection and a request that
//! times out are retried like 503s, then end as Unavailable with retries exhausted.

mod common;

use common::*;
use entra_core::attempt::TransportKind;
use entra_core::http::HttpSettings;
use entra_core::outcome::Failure;
use entra_core::{FailureKind, JobOptions, RevokeJob};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn assert_transport_failure(outcome: &entra_core::Outcome, expected: TransportKind, attempts: u32) {
    assert_eq!(outcome.attempts, attempts, "{outcome:?}");
    assert_eq!(failure_kind(outcome), Some(FailureKind::Unavailable));
    let Err(Failure::Transport { kind, message, retries_exhausted }) = &outcome.result else { panic!("{outcome:?}") };
    assert_eq!(*kind, expected, "{message}");
    assert!(retries_exhausted, "{outcome:?}");
    assert!(!message.is_empty());
    assert!(outcome.result.as_ref().unwrap_err().message().contains("after all retries"));
}

fn job_against(rt: &tokio::runtime::Runtime, uri: &str, settings: &HttpSettings, max_retries: u32) -> RevokeJob {
    let options = JobOptions { retry: fast_retry(max_retries), ..options(2, false) };
    RevokeJob::start(session_for(uri, settings), options, rt.handle().clone())
}

#[test]
fn a_connection_closed_before_any_answer_is_retried_then_unavailable() {
    let rt = runtime();
    let accepted = Arc::new(AtomicUsize::new(0));
    let listener = rt.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).unwrap();
    let uri = format!("http://{}", listener.local_addr().unwrap());
    let counter = accepted.clone();
    rt.spawn(async move {
        // Reads the request, then hangs up without a word.
        while let Ok((mut socket, _)) = listener.accept().await {
            counter.fetch_add(1, Ordering::SeqCst);
            let mut buffer = [0u8; 4096];
            let _ = socket.read(&mut buffer).await;
            drop(socket);
        }
    });
    let job = job_against(&rt, &uri, &HttpSettings::default(), 2);

    let outcomes = run(&job, &[user(1)]);

    assert_transport_failure(outcome_for(&outcomes, &user(1)), TransportKind::ConnectionClosed, 3);
    assert!(accepted.load(Ordering::SeqCst) >= 3, "each attempt reached the server");
    assert_eq!(job.progress().retries, 2);
}

#[test]
fn a_refused_connection_is_retried_as_a_connect_failure() {
    let rt = runtime();
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port(); // closed again at once
    // Two users, two attempts each: fewer consecutive failures than make a run-wide outage
    // (that case is `engine_outage.rs`), so each user spends its own retries.
    let job = job_against(&rt, &format!("http://127.0.0.1:{port}"), &HttpSettings::default(), 1);

    let outcomes = run(&job, &[user(1), user(2)]);

    for upn in [user(1), user(2)] {
        assert_transport_failure(outcome_for(&outcomes, &upn), TransportKind::Connect, 2);
    }
    assert_eq!(job.progress().retries, 2);
}

#[test]
fn a_request_that_times_out_is_retried_as_a_timeout() {
    let settings = HttpSettings { request_timeout: Duration::from_millis(200), ..HttpSettings::default() };
    let harness = Harness::with_settings(&settings, |_, _| Reply::ok().delayed(Duration::from_secs(3)));
    let job = harness.start(JobOptions { retry: fast_retry(1), ..options(2, false) });

    let outcomes = run(&job, &[user(1)]);

    assert_transport_failure(outcome_for(&outcomes, &user(1)), TransportKind::Timeout, 2);
    assert_eq!(harness.graph.requests().len(), 2);
}

#[test]
fn a_transient_transport_failure_followed_by_an_answer_succeeds() {
    let rt = runtime();
    let listener = rt.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).unwrap();
    let uri = format!("http://{}", listener.local_addr().unwrap());
    rt.spawn(async move {
        // The first connection is dropped, later ones get a minimal 204.
        let mut first = true;
        while let Ok((mut socket, _)) = listener.accept().await {
            let mut buffer = [0u8; 4096];
            let _ = socket.read(&mut buffer).await;
            if !std::mem::take(&mut first) {
                let _ = socket.write_all(b"HTTP/1.1 204 No Content\r\nrequest-id: after-reconnect\r\n\r\n").await;
                let _ = socket.shutdown().await;
            }
        }
    });
    let job = job_against(&rt, &uri, &HttpSettings::default(), 3);

    let outcomes = run(&job, &[user(1)]);

    let outcome = outcome_for(&outcomes, &user(1));
    assert_eq!(outcome.attempts, 2, "{outcome:?}");
    let success = outcome.result.as_ref().unwrap();
    assert_eq!((success.status, success.request_id.as_deref()), (204, Some("after-reconnect")));
}
