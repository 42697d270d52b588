//! How each HTTP status Graph can answer becomes an outcome: any 2xx is success whatever the
//! body, client errors fail at once with Graph's details, 500 is final.

mod common;

use common::*;
use entra_core::FailureKind;
use entra_core::outcome::Failure;

#[test]
fn any_2xx_is_success_and_the_body_is_never_parsed() {
    let cases: Vec<(String, Reply)> = vec![
        ("graph-200@contoso.com".into(), Reply::ok()),
        ("empty-204@contoso.com".into(), Reply::no_content()),
        ("garbage-200@contoso.com".into(), Reply::status(200).raw(b"<html>\x00\xff not json").header("Content-Type", "application/json")),
        ("wrong-shape-200@contoso.com".into(), Reply::status(200).raw(br#"{"value":false,"error":{"code":"x"}}"#)),
        ("accepted-202@contoso.com".into(), Reply::status(202)),
    ];
    let script_cases = cases.clone();
    let harness = Harness::new(move |res, _| {
        script_cases.iter().find(|(upn, _)| resource(upn) == res).map(|(_, r)| r.clone()).expect("scripted user")
    });
    let inputs: Vec<String> = cases.iter().map(|(upn, _)| upn.clone()).collect();

    let outcomes = harness.run(options(4, false), &inputs);

    assert_eq!(outcomes.len(), cases.len());
    for (upn, reply) in &cases {
        let outcome = outcome_for(&outcomes, upn);
        let success = outcome.result.as_ref().unwrap_or_else(|f| panic!("{upn}: expected success, got {f:?}"));
        assert_eq!(success.status, reply.status, "{upn}");
        assert_eq!(outcome.attempts, 1, "{upn}");
        assert_eq!(harness.graph.calls_for(&resource(upn)).len(), 1, "{upn} must be sent exactly once");
    }
}

#[test]
fn client_errors_fail_after_exactly_one_attempt_with_graphs_code_message_and_ids() {
    let cases = [
        (400, "BadRequest", "Invalid request.", FailureKind::BadRequest),
        (401, "InvalidAuthenticationToken", "Access token has expired or is not yet valid.", FailureKind::Authentication),
        (403, "Authorization_RequestDenied", "Access to invalidate refresh tokens operation is denied.", FailureKind::PermissionDenied),
        (404, "Request_ResourceNotFound", "Resource 'x' does not exist or one of its queried reference-property objects are not present.", FailureKind::NotFound),
    ];
    let harness = Harness::new(move |res, _| {
        let (status, code, message, _) = cases.iter().find(|(status, ..)| res.contains(&format!("status{status}@"))).expect("scripted user");
        Reply::graph_error(*status, code, message)
    });
    let inputs: Vec<String> = cases.iter().map(|(status, ..)| format!("status{status}@contoso.com")).collect();

    let outcomes = harness.run(options(4, false), &inputs);

    assert_eq!(outcomes.len(), cases.len());
    for (status, code, message, kind) in cases {
        let upn = format!("status{status}@contoso.com");
        let outcome = outcome_for(&outcomes, &upn);
        assert_eq!(failure_kind(outcome), Some(kind), "{upn}: {outcome:?}");
        assert_eq!(outcome.attempts, 1, "{upn}");
        assert_eq!(harness.graph.calls_for(&resource(&upn)).len(), 1, "{upn}: a client error is never retried");
        let Err(Failure::Graph { error, retries_exhausted }) = &outcome.result else { panic!("{upn}: {outcome:?}") };
        assert!(!retries_exhausted, "{upn}");
        assert_eq!(error.status, status);
        assert_eq!(error.code, code);
        assert_eq!(error.message, message);
        assert_eq!(error.request_id.as_deref(), Some(format!("req-{code}").as_str()), "support needs Graph's request-id");
        assert_eq!(error.client_request_id.as_deref(), Some(format!("client-{code}").as_str()));
        assert_eq!(error.date.as_deref(), Some("2026-11-27T10:00:00"));
    }
}

#[test]
fn an_error_without_graphs_envelope_still_carries_request_ids_from_headers_and_our_request() {
    let harness = Harness::new(|_, _| Reply::status(404).raw(b"<html>Not Found</html>").header("request-id", "hdr-req-1"));

    let outcomes = harness.run(options(1, false), &[user(1)]);

    let outcome = outcome_for(&outcomes, &user(1));
    assert_eq!(failure_kind(outcome), Some(FailureKind::NotFound));
    let error = outcome.result.as_ref().unwrap_err().graph_error().expect("graph error");
    assert_eq!(error.code, "Request_ResourceNotFound");
    assert!(error.message.contains("Not Found"), "{}", error.message);
    assert_eq!(error.request_id.as_deref(), Some("hdr-req-1"));
    let sent = harness.graph.requests();
    assert_eq!(sent.len(), 1);
    assert_eq!(error.client_request_id.as_deref(), sent[0].header("client-request-id"), "the id we sent correlates the failure");
}

#[test]
fn status_500_is_final_and_not_retried() {
    let harness = Harness::new(|_, _| Reply::graph_error(500, "InternalServerError", "Something went wrong."));

    let outcomes = harness.run(options(2, false), &[user(7)]);

    let outcome = outcome_for(&outcomes, &user(7));
    assert_eq!(failure_kind(outcome), Some(FailureKind::Unavailable));
    assert_eq!(outcome.attempts, 1);
    assert!(matches!(outcome.result, Err(Failure::Graph { retries_exhausted: false, .. })), "{outcome:?}");
    assert_eq!(harness.graph.requests().len(), 1, "500 is not retried");
}
