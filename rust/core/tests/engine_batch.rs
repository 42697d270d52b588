//! JSON batching: at most 20 relative requests per `POST /v1.0/$batch`, each item judged and
//! retried on its own (a throttled item waits for its own Retry-After and goes again alone), and
//! the same outcomes as sending one request per user.

mod common;

use common::*;
use entra_core::FailureKind;
use entra_core::outcome::Failure;
use std::collections::{BTreeMap, HashSet};
use std::time::{Duration, Instant};
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

#[test]
fn batches_post_to_v1_batch_with_at_most_20_relative_requests() {
    // One batch at a time and each takes a while, so inputs queue up and later batches are full.
    let harness = Harness::new(|_, _| Reply::ok().delayed(Duration::from_millis(50)));
    let inputs: Vec<String> = (0..95).map(user).collect();

    let outcomes = harness.run(options(1, true), &inputs);

    assert_eq!(outcomes.len(), 95);
    assert!(outcomes.iter().all(|o| o.result.as_ref().is_ok_and(|s| s.status == 200) && o.attempts == 1));
    let requests = harness.graph.requests();
    let mut users_sent = Vec::new();
    let mut largest = 0;
    for request in &requests {
        assert_eq!((request.method.as_str(), request.path.as_str()), ("POST", "/v1.0/$batch"));
        assert_eq!(request.header("content-type"), Some("application/json"));
        assert_eq!(request.header("authorization"), Some(format!("Bearer {TOKEN}").as_str()));
        assert_eq!(request.header("user-agent"), Some(USER_AGENT));
        let items = batch_items(request);
        assert!((1..=20).contains(&items.len()), "a batch of {} requests", items.len());
        largest = largest.max(items.len());
        let ids: HashSet<&str> = items.iter().map(|i| i["id"].as_str().expect("string id")).collect();
        assert_eq!(ids.len(), items.len(), "ids are unique within a batch");
        for item in &items {
            assert_eq!(item["method"], "POST");
            let url = item["url"].as_str().unwrap();
            assert!(url.starts_with("/users/") && url.ends_with("/revokeSignInSessions"), "relative url {url}");
            users_sent.push(url.to_owned());
        }
    }
    assert_eq!(largest, 20, "inputs that arrive together are grouped into full batches");
    users_sent.sort();
    let mut expected: Vec<String> = inputs.iter().map(|u| resource(u)).collect();
    expected.sort();
    assert_eq!(users_sent, expected, "every user sent exactly once");
}

#[test]
fn a_throttled_item_is_retried_alone_after_its_own_retry_after() {
    const SLOW: usize = 7;
    let harness = Harness::new(|res, nth| if user_index(res) == Some(SLOW) && nth == 1 { Reply::throttled("0.3") } else { Reply::ok() });
    let inputs: Vec<String> = (0..20).map(user).collect();

    let outcomes = harness.run(options(4, true), &inputs);

    for outcome in &outcomes {
        assert!(outcome.result.is_ok(), "{outcome:?}");
        let expected = if outcome.input == user(SLOW) { 2 } else { 1 };
        assert_eq!(outcome.attempts, expected, "{}", outcome.input);
    }
    assert_eq!(harness.graph.calls().len(), 21, "twenty items and one retry");
    let requests = harness.graph.requests();
    let slow = harness.graph.calls_for(&resource(&user(SLOW)));
    assert_eq!(slow.len(), 2);
    let retry = &requests[slow[1].request];
    let items = batch_items(retry);
    // The retry may share its send with items still on their first attempt (a run opens in
    // operations, so not every item went at once), never with an item that went already.
    assert!(items.iter().any(|item| item["url"] == resource(&user(SLOW))), "{items:?}");
    for item in items.iter().filter(|item| item["url"] != resource(&user(SLOW))) {
        assert_eq!(harness.graph.calls_for(item["url"].as_str().unwrap()).len(), 1, "only the throttled item goes again: {items:?}");
    }
    assert_eq!(retry.header("retry-attempt"), Some("1"));
    let waited = slow[1].at.duration_since(slow[0].at);
    assert!(waited >= Duration::from_millis(300), "the item went again after {waited:?}; its Retry-After was 0.3 s");
}

#[test]
fn a_throttled_batch_request_retries_all_its_items_after_retry_after() {
    let harness = Harness::new(|_, _| Reply::ok());
    harness.rt.block_on(
        Mock::given(method("POST"))
            .and(path("/v1.0/$batch"))
            .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "0.3"))
            .up_to_n_times(1)
            .with_priority(1)
            .mount(&harness.server),
    );
    let inputs: Vec<String> = (0..12).map(user).collect();
    let started = Instant::now();

    let outcomes = harness.run(options(4, true), &inputs);

    assert_eq!(outcomes.len(), 12);
    // The batch that was throttled: every one of its items went again, after the Retry-After.
    let received = harness.rt.block_on(harness.server.received_requests()).expect("recording is on");
    assert_eq!(received[0].url.path(), "/v1.0/$batch");
    let throttled: Vec<String> = items_of(&received[0].body).iter().map(|item| item["url"].as_str().unwrap().to_owned()).collect();
    assert!(!throttled.is_empty());
    for outcome in &outcomes {
        assert!(outcome.result.is_ok(), "{outcome:?}");
        let was_throttled = throttled.contains(&resource(&outcome.input));
        assert_eq!(outcome.attempts, if was_throttled { 2 } else { 1 }, "{}", outcome.input);
    }
    for res in &throttled {
        let calls = harness.graph.calls_for(res);
        assert_eq!(calls.len(), 1, "{res}");
        assert!(calls[0].at.duration_since(started) >= Duration::from_millis(300), "{res} went again too early");
        assert_eq!(harness.graph.requests()[calls[0].request].header("retry-attempt"), Some("1"));
    }
}

#[test]
fn a_404_item_fails_as_not_found_with_graphs_details_while_the_others_succeed() {
    let harness = Harness::new(|res, _| {
        if user_index(res) == Some(3) { Reply::graph_error(404, "Request_ResourceNotFound", "Resource 'user0003' does not exist.") } else { Reply::no_content() }
    });
    let inputs: Vec<String> = (0..5).map(user).collect();

    let outcomes = harness.run(options(4, true), &inputs);

    let missing = outcome_for(&outcomes, &user(3));
    assert_eq!(failure_kind(missing), Some(FailureKind::NotFound));
    assert_eq!(missing.attempts, 1);
    let Err(Failure::Graph { error, retries_exhausted: false }) = &missing.result else { panic!("{missing:?}") };
    assert_eq!(error.code, "Request_ResourceNotFound");
    assert_eq!(error.message, "Resource 'user0003' does not exist.");
    assert_eq!(error.request_id.as_deref(), Some("req-Request_ResourceNotFound"));
    for i in [0, 1, 2, 4] {
        assert_eq!(outcome_for(&outcomes, &user(i)).result.as_ref().map(|s| s.status).ok(), Some(204));
    }
    assert_eq!(harness.graph.calls_for(&resource(&user(3))).len(), 1, "a 404 item is not retried");
}

#[test]
fn invalid_identifiers_never_enter_a_batch() {
    let harness = Harness::new(|_, _| Reply::ok());
    let inputs = vec![user(1), "../me".to_owned(), String::new(), "a/b@x.com".to_owned(), user(2)];

    let outcomes = harness.run(options(4, true), &inputs);

    assert_eq!(outcomes.len(), 5);
    for bad in ["../me", "", "a/b@x.com"] {
        assert_eq!(failure_kind(outcome_for(&outcomes, bad)), Some(FailureKind::InvalidArgument));
    }
    let sent: Vec<String> = harness.graph.calls().into_iter().map(|c| c.resource).collect();
    assert_eq!(sent.len(), 2);
    assert!(sent.contains(&resource(&user(1))) && sent.contains(&resource(&user(2))));
}

#[test]
fn batch_mode_gives_the_same_outcomes_as_single_requests() {
    let inputs = mixed_inputs();
    let mut results: Vec<BTreeMap<u64, (String, u32)>> = Vec::new();
    for use_batch in [false, true] {
        let harness = Harness::new(mixed_script);
        let outcomes = by_tag(harness.run(options(8, use_batch), &inputs));
        assert_eq!(outcomes.len(), inputs.len(), "batch={use_batch}");
        assert!(harness.graph.calls().iter().all(|c| c.via_batch == use_batch));
        results.push(outcomes.iter().map(|(tag, o)| (*tag, summary(o))).collect());
    }
    for (tag, single) in &results[0] {
        assert_eq!(Some(single), results[1].get(tag), "{}", inputs[*tag as usize]);
        assert_eq!(*single, mixed_expected(*tag as usize), "{}", inputs[*tag as usize]);
    }
}
