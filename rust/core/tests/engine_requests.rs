//! What goes on the wire: the bearer token, a fresh client-request-id per attempt, the caller's
//! User-Agent, `retry-attempt` on retries, and a URL in which the identifier is one encoded path
//! segment. Invalid identifiers never become a request.

mod common;

use common::*;
use entra_core::FailureKind;
use entra_core::outcome::Failure;
use std::collections::HashSet;
use uuid::Uuid;

#[test]
fn every_attempt_carries_the_token_the_user_agent_and_a_fresh_client_request_id() {
    let harness = Harness::new(|_, nth| if nth <= 2 { Reply::status(503) } else { Reply::ok() });

    let outcomes = harness.run(options(4, false), &[user(1), user(2)]);

    let requests = harness.graph.requests();
    assert_eq!(requests.len(), 6, "two users, three attempts each");
    let mut ids = HashSet::new();
    for request in &requests {
        assert_eq!(request.method, "POST");
        assert_eq!(request.header("authorization"), Some(format!("Bearer {TOKEN}").as_str()));
        assert_eq!(request.header("user-agent"), Some(USER_AGENT));
        assert_eq!(request.header("accept"), Some("application/json"));
        assert!(request.body.is_empty(), "revokeSignInSessions has no body");
        let id = request.header("client-request-id").expect("client-request-id on every request");
        let guid = Uuid::parse_str(id).unwrap_or_else(|_| panic!("client-request-id {id:?} is not a GUID"));
        assert_eq!(guid.get_version_num(), 4, "a random (v4) GUID");
        assert!(ids.insert(id.to_owned()), "client-request-id {id} was sent twice");
    }
    // The success carries the id of the attempt that succeeded, so it can be found in Graph's logs.
    for upn in [user(1), user(2)] {
        let outcome = outcome_for(&outcomes, &upn);
        let last = harness.graph.calls_for(&resource(&upn)).last().unwrap().request;
        assert_eq!(Some(outcome.result.as_ref().unwrap().client_request_id.as_str()), requests[last].header("client-request-id"));
    }
}

#[test]
fn retries_say_which_retry_they_are_and_first_attempts_do_not() {
    let harness = Harness::new(|_, nth| if nth <= 2 { Reply::throttled("0.01") } else { Reply::ok() });

    harness.run(options(1, false), &[user(5)]);

    let requests = harness.graph.requests();
    let retry_attempts: Vec<Option<&str>> = requests.iter().map(|r| r.header("retry-attempt")).collect();
    assert_eq!(retry_attempts, [None, Some("1"), Some("2")]);
}

#[test]
fn each_identifier_form_is_one_safe_path_segment() {
    let cases = [
        ("A1D91A49-70C6-4D1D-A80A-B74C820A9A33", "/v1.0/users/a1d91a49-70c6-4d1d-a80a-b74c820a9a33/revokeSignInSessions"),
        ("{a1d91a49-70c6-4d1d-a80a-b74c820a9a34}", "/v1.0/users/a1d91a49-70c6-4d1d-a80a-b74c820a9a34/revokeSignInSessions"),
        ("AdeleV@contoso.com", "/v1.0/users/AdeleV@contoso.com/revokeSignInSessions"),
        ("jane.doe_fabrikam.com#EXT#@contoso.onmicrosoft.com", "/v1.0/users/jane.doe_fabrikam.com%23EXT%23@contoso.onmicrosoft.com/revokeSignInSessions"),
        ("$svc-backup@contoso.com", "/v1.0/users('$svc-backup@contoso.com')/revokeSignInSessions"),
        ("$o'neil@contoso.com", "/v1.0/users('$o''neil@contoso.com')/revokeSignInSessions"),
        ("a+b&c=d@contoso.com", "/v1.0/users/a%2Bb%26c%3Dd@contoso.com/revokeSignInSessions"),
    ];
    let harness = Harness::new(|_, _| Reply::ok());
    let inputs: Vec<String> = cases.iter().map(|(input, _)| input.to_string()).collect();

    let outcomes = harness.run(options(1, false), &inputs);

    // Works start concurrently (even at -ThrottleLimit 1 several wait for the slot), so the
    // requests are compared as a set: each input's path once, nothing else.
    let mut sent: Vec<String> = harness.graph.requests().iter().map(|r| r.path.clone()).collect();
    let mut expected: Vec<String> = cases.iter().map(|(_, path)| path.to_string()).collect();
    sent.sort();
    expected.sort();
    assert_eq!(sent, expected);
    for (input, _) in &cases {
        assert!(outcome_for(&outcomes, input).result.is_ok(), "{input}");
    }
}

#[test]
fn invalid_identifiers_fail_without_any_request() {
    let invalid = ["../me", "a/b@x.com", "", "x?y", "%2e%2e", "me", " AdeleV@contoso.com", "a@b@x.com", "user@evil.com/../me"];
    let harness = Harness::new(|_, _| Reply::ok());
    let mut inputs: Vec<String> = invalid.iter().map(|s| s.to_string()).collect();
    inputs.insert(3, user(1));

    let job = harness.start(options(4, false));
    let outcomes = by_tag(run(&job, &inputs));

    assert_eq!(outcomes.len(), inputs.len(), "one outcome per input");
    for (tag, input) in inputs.iter().enumerate() {
        let outcome = &outcomes[&(tag as u64)];
        assert_eq!(&outcome.input, input, "the outcome keeps the input exactly as given");
        if *input == user(1) {
            assert!(outcome.result.is_ok());
            continue;
        }
        assert!(matches!(outcome.result, Err(Failure::InvalidIdentifier(_))), "{input:?}: {outcome:?}");
        assert_eq!(failure_kind(outcome), Some(FailureKind::InvalidArgument));
        assert_eq!(outcome.attempts, 0, "{input:?}");
    }
    let paths: Vec<String> = harness.graph.requests().into_iter().map(|r| r.path).collect();
    assert_eq!(paths, [format!("/v1.0{}", resource(&user(1)))], "only the valid identifier reached the server");
    let progress = job.progress();
    assert_eq!((progress.submitted, progress.succeeded, progress.failed), (inputs.len() as u64, 1, invalid.len() as u64));
}

#[test]
fn first_requests_go_out_in_input_order() {
    // An admin may list the most urgent accounts first: with one slot, the server sees the
    // users exactly in input order, even while a retry waits for its turn.
    let harness = Harness::new(|res, nth| if user_index(res) == Some(3) && nth == 1 { Reply::throttled("0.01") } else { Reply::ok() });
    let inputs: Vec<String> = (0..40).map(user).collect();

    harness.run(options(1, false), &inputs);

    let first_attempts: Vec<String> = harness.graph.calls().into_iter().filter(|c| c.nth == 1).map(|c| c.resource).collect();
    let expected: Vec<String> = inputs.iter().map(|u| resource(u)).collect();
    assert_eq!(first_attempts, expected);
}
