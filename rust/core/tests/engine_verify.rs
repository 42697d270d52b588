//! -Verify: each revoked user's record is read back through the same attempt engine (a 429 on
//! the read waits its Retry-After), nothing is read without it, a guest's record that stayed and
//! a refused read are successes that are not verified, batched equals unbatched, the signed-in
//! user goes last, and the summary counts what the outcomes say. On tokio's paused clock.

mod common;

use base64::Engine as _;
use bytes::Bytes;
use chrono::{SecondsFormat, Utc};
use common::options;
use common::scripted::{consume, scripted_session, static_tokens};
use entra_core::auth::{AccessToken, StaticToken, TokenSource};
use entra_core::outcome::{FailureKind, Outcome};
use entra_core::transport::scripted::{Scripted, ScriptedTransport, SentRequest};
use entra_core::transport::{HttpAnswer, HttpRequest};
use entra_core::verify::Verification;
use entra_core::{JobOptions, RevokeJob};
use reqwest::header::HeaderMap;
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::Duration;

const GUEST: &str = "jane_fabrikam.com#EXT#@contoso.onmicrosoft.com";

fn verify_options(throttle_limit: usize, use_batch: bool) -> JobOptions {
    JobOptions { verify: true, ..options(throttle_limit, use_batch) }
}

/// The user a request addresses, and whether it is the read (GET) or the revocation.
fn target(method: &str, url: &str) -> (String, bool) {
    let path = url.split('?').next().unwrap_or_default();
    let path = path.strip_prefix("/v1.0").unwrap_or(path);
    let user = path.strip_prefix("/users/").unwrap_or(path).trim_end_matches("/revokeSignInSessions");
    let user = percent_encoding::percent_decode_str(user).decode_utf8_lossy().into_owned();
    (user, method == "GET")
}

/// Graph's answer for one user: a revocation succeeds (404 for `missing@`), a read returns the
/// record: moved to now for members, left at 2024 for the guest, 403 for `noread@`.
fn answer_for(user: &str, read: bool) -> (u16, Value) {
    if user.starts_with("missing@") {
        return (404, json!({"error": {"code": "Request_ResourceNotFound", "message": "Resource does not exist."}}));
    }
    if !read {
        return (200, json!({"value": true}));
    }
    if user.starts_with("noread@") {
        return (403, json!({"error": {"code": "Authorization_RequestDenied", "message": "Insufficient privileges to complete the operation."}}));
    }
    let (user_type, valid_from) = if user == GUEST { ("Guest", "2024-01-01T00:00:00Z".to_owned()) } else { ("Member", Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true)) };
    (200, json!({"id": "x", "userPrincipalName": user, "userType": user_type, "signInSessionsValidFromDateTime": valid_from}))
}

fn scripted(status: u16, body: &Value) -> Scripted {
    Scripted::status(status).body(&serde_json::to_vec(body).unwrap())
}

/// Answers single requests and `$batch`es alike from `answer_for`.
fn graph(request: &HttpRequest) -> Scripted {
    if request.url.path() == "/v1.0/$batch" {
        let body: Value = request.body.as_deref().and_then(|b| serde_json::from_slice(b).ok()).unwrap_or_default();
        let responses: Vec<Value> = body["requests"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                let (user, read) = target(r["method"].as_str().unwrap(), r["url"].as_str().unwrap());
                let (status, body) = answer_for(&user, read);
                json!({"id": r["id"], "status": status, "headers": {}, "body": body})
            })
            .collect();
        let body = serde_json::to_vec(&json!({"responses": responses})).unwrap();
        return Scripted { delay: Duration::ZERO, answer: Some(Ok(HttpAnswer { status: 200, headers: HeaderMap::new(), body: Bytes::from(body) })) };
    }
    let (user, read) = target(request.method.as_str(), &format!("{}?{}", request.url.path(), request.url.query().unwrap_or("")));
    let (status, body) = answer_for(&user, read);
    scripted(status, &body)
}

async fn run(transport: Arc<ScriptedTransport>, tokens: Arc<dyn TokenSource>, options: JobOptions, inputs: &[&str]) -> (Vec<Outcome>, RevokeJob) {
    let job = RevokeJob::start(scripted_session(transport, tokens), options, tokio::runtime::Handle::current());
    let inputs: Vec<String> = inputs.iter().map(|s| (*s).to_owned()).collect();
    let outcomes = consume(&job, &inputs).await;
    (outcomes, job)
}

fn reads(sent: &[SentRequest]) -> Vec<&SentRequest> {
    sent.iter().filter(|s| s.request.method == reqwest::Method::GET).collect()
}

fn verification(outcomes: &[Outcome], input: &str) -> (bool, Option<String>) {
    let outcome = outcomes.iter().find(|o| o.input == input).unwrap_or_else(|| panic!("no outcome for {input}"));
    assert!(outcome.result.is_ok(), "{input}: the revocation itself succeeded: {:?}", outcome.result);
    let v = outcome.verification.as_ref().expect("-Verify gives every success a verification");
    (v.verified(), v.warning(input))
}

#[tokio::test(start_paused = true)]
async fn each_revoked_user_is_read_back_after_its_revocation_and_a_429_on_the_read_waits_its_retry_after() {
    let transport = ScriptedTransport::new(|request, _| {
        let is_read = request.method == reqwest::Method::GET;
        if is_read && request.url.path().contains("AdeleV") && request.headers.get("retry-attempt").is_none() {
            return Scripted::status(429).header("retry-after", "1.5");
        }
        graph(request)
    });
    let (outcomes, _job) = run(transport.clone(), static_tokens(), verify_options(4, false), &["AdeleV@contoso.com", "AlexW@contoso.com"]).await;

    assert_eq!(outcomes.len(), 2);
    assert_eq!(verification(&outcomes, "AdeleV@contoso.com"), (true, None));
    assert_eq!(verification(&outcomes, "AlexW@contoso.com"), (true, None));
    let sent = transport.sent();
    let adele: Vec<&SentRequest> = sent.iter().filter(|s| s.path().contains("AdeleV")).collect();
    assert_eq!(adele.len(), 3, "revoke, read (429), read again");
    assert_eq!(adele[0].request.method, reqwest::Method::POST);
    assert_eq!(adele[1].request.url.query(), Some("$select=id,userPrincipalName,userType,signInSessionsValidFromDateTime"));
    let waited = adele[2].at - adele[1].at;
    assert!(waited >= Duration::from_millis(1500) && waited <= Duration::from_millis(1600), "the read was retried {waited:?} after a 1.5 s Retry-After");
    assert_eq!(adele[2].header("retry-attempt"), Some("1"));
}

#[tokio::test(start_paused = true)]
async fn without_verify_no_read_is_sent() {
    for use_batch in [false, true] {
        let transport = ScriptedTransport::new(|request, _| graph(request));
        let inputs = ["AdeleV@contoso.com", "AlexW@contoso.com", GUEST];
        let (outcomes, _job) = run(transport.clone(), static_tokens(), options(4, use_batch), &inputs).await;
        assert_eq!(outcomes.len(), 3);
        assert!(outcomes.iter().all(|o| o.result.is_ok() && o.verification.is_none()));
        let sent = transport.sent();
        assert!(reads(&sent).is_empty());
        let items: usize = sent.iter().map(|s| if use_batch { s.body_json()["requests"].as_array().map_or(0, Vec::len) } else { 1 }).sum();
        assert_eq!(items, 3, "one revocation each, nothing else (batched: {use_batch})");
    }
}

#[tokio::test(start_paused = true)]
async fn a_guest_is_not_verified_and_a_refused_read_loses_nobody_batched_or_not() {
    let inputs = ["AdeleV@contoso.com", GUEST, "noread@contoso.com", "missing@contoso.com", "AlexW@contoso.com"];
    let mut seen = Vec::new();
    for use_batch in [false, true] {
        let transport = ScriptedTransport::new(|request, _| graph(request));
        let (outcomes, job) = run(transport.clone(), static_tokens(), verify_options(4, use_batch), &inputs).await;
        assert_eq!(outcomes.len(), inputs.len(), "one outcome per input (batched: {use_batch})");
        let (verified, warning) = verification(&outcomes, GUEST);
        assert!(!verified);
        assert!(warning.unwrap().contains("external (guest)"));
        let (verified, warning) = verification(&outcomes, "noread@contoso.com");
        assert!(!verified);
        assert!(warning.unwrap().contains("User.Read.All"));
        let missing = outcomes.iter().find(|o| o.input == "missing@contoso.com").unwrap();
        assert_eq!(missing.result.as_ref().unwrap_err().kind(), FailureKind::NotFound);
        assert!(missing.verification.is_none(), "a failed revocation is not read back");
        let summary = job.summary();
        assert_eq!((summary.revoked, summary.verified, summary.not_verified), (4, 2, 2));
        assert_eq!(summary.failed, vec![(FailureKind::NotFound, 1)]);
        let mut by_input: Vec<(String, bool, Option<bool>)> = outcomes
            .iter()
            .map(|o| (o.input.clone(), o.result.is_ok(), o.verification.as_ref().map(Verification::verified)))
            .collect();
        by_input.sort();
        seen.push(by_input);
        // Batched, the reads ride in $batch requests too: no single GET is sent.
        let sent = transport.sent();
        assert_eq!(reads(&sent).len(), if use_batch { 0 } else { 4 });
    }
    assert_eq!(seen[0], seen[1], "-UseBatch gives the same outcomes as unbatched");
}

fn delegated_tokens(oid: &str, upn: &str) -> Arc<dyn TokenSource> {
    let payload = json!({"tid": "t", "oid": oid, "upn": upn, "scp": "User.RevokeSessions.All User.Read.All"});
    let payload = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(serde_json::to_vec(&payload).unwrap());
    Arc::new(StaticToken::new(AccessToken::new(format!("eyJhbGciOiJub25lIn0.{payload}.sig")).unwrap()))
}

#[tokio::test(start_paused = true)]
async fn the_signed_in_user_is_revoked_last_after_every_other_outcome() {
    for use_batch in [false, true] {
        let transport = ScriptedTransport::new(|request, _| graph(request).after(Duration::from_millis(20)));
        let me = "87d349ed-44d7-43e1-9a83-5f2406dee5bd";
        let tokens = delegated_tokens(me, "AdeleV@contoso.com");
        let mut inputs = vec!["adelev@CONTOSO.com".to_owned(), me.to_owned()];
        inputs.extend((0..30).map(|i| format!("user{i:03}@contoso.com")));
        let job = RevokeJob::start(scripted_session(transport.clone(), tokens), verify_options(4, use_batch), tokio::runtime::Handle::current());
        let outcomes = consume(&job, &inputs).await;

        assert_eq!(outcomes.len(), 32);
        let last: Vec<&str> = outcomes[30..].iter().map(|o| o.input.as_str()).collect();
        assert!(last.contains(&me) && last.contains(&"adelev@CONTOSO.com"), "the signed-in user's two inputs come last: {last:?}");
        let sent = transport.sent();
        let first_own = sent
            .iter()
            .position(|s| s.path().contains("AdeleV") || s.path().contains(me) || s.body_json().to_string().contains(me))
            .unwrap();
        let others = sent.iter().rposition(|s| s.path().contains("user0") || s.body_json().to_string().contains("user0")).unwrap();
        assert!(first_own > others, "the signed-in user's first request ({first_own}) follows every other user's last ({others}), batched: {use_batch}");
    }
}

#[tokio::test(start_paused = true)]
async fn the_summary_counts_time_waiting_on_throttling_once_across_concurrent_requests() {
    // The first revocation is throttled for 2 s: its own retry and the gate hold every other
    // user back meanwhile. The run waited about 2 s on throttling, not 2 s per waiting request.
    let transport = ScriptedTransport::new(|request, n| {
        if n == 0 {
            return Scripted::status(429).header("retry-after", "2");
        }
        graph(request).after(Duration::from_millis(50))
    });
    let inputs: Vec<String> = (0..8).map(|i| format!("user{i}@contoso.com")).collect();
    let inputs: Vec<&str> = inputs.iter().map(String::as_str).collect();
    let (outcomes, job) = run(transport, static_tokens(), verify_options(4, false), &inputs).await;
    assert!(outcomes.iter().all(|o| o.result.is_ok()));
    let summary = job.summary();
    assert_eq!((summary.revoked, summary.verified), (8, 8));
    assert!(summary.throttle_wait >= Duration::from_secs(2) && summary.throttle_wait < Duration::from_secs(3), "{summary:?}");
    assert!(summary.elapsed > summary.throttle_wait, "{summary:?}");
}

#[tokio::test(start_paused = true)]
async fn ctrl_c_during_the_reads_keeps_each_revocation_a_success_whose_read_was_cancelled() {
    for use_batch in [false, true] {
        // Revocations are answered, reads never are.
        let transport = ScriptedTransport::new(|request, _| {
            let reads = request.method == reqwest::Method::GET || request.body.as_deref().is_some_and(|b| String::from_utf8_lossy(b).contains("\"GET\""));
            if reads { Scripted::hang() } else { graph(request) }
        });
        let job = RevokeJob::start(scripted_session(transport.clone(), static_tokens()), verify_options(4, use_batch), tokio::runtime::Handle::current());
        let inputs: Vec<String> = (0..3).map(|i| format!("user{i}@contoso.com")).collect();
        for (tag, input) in inputs.iter().enumerate() {
            assert_eq!(job.try_submit(tag as u64, input.clone()), entra_core::SubmitStatus::Accepted);
        }
        job.complete_input();
        tokio::time::sleep(Duration::from_secs(1)).await;
        let revoked = transport.sent().iter().filter(|s| s.request.method == reqwest::Method::POST).count();
        assert!(revoked >= 1, "the revocations went out before Ctrl+C");
        job.cancel();
        let mut outcomes = Vec::new();
        while !job.is_finished() {
            outcomes.extend(job.next_outcomes(16, Duration::ZERO));
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        assert_eq!(outcomes.len(), 3, "one outcome per input (batched: {use_batch})");
        for outcome in &outcomes {
            assert!(outcome.result.is_ok(), "Graph confirmed the revocation: {outcome:?}");
            let v = outcome.verification.as_ref().unwrap();
            assert!(matches!(v, Verification::ReadFailed(entra_core::outcome::Failure::Cancelled)), "{v:?}");
            assert!(v.warning(&outcome.input).unwrap().contains("stopped"));
        }
    }
}
