//! A bulk run on a renewing credential: tokens expire and are revoked mid-run, and every user is
//! still revoked exactly once, with one token request per renewal (not one per worker).

mod auth_support;

use auth_support::*;
use entra_core::auth::sign_in::with_client_secret;
use entra_core::auth::RenewingToken;
use entra_core::http::HttpSettings;
use entra_core::retry::RetryPolicy;
use entra_core::{FailureKind, JobOptions, Outcome, RevokeJob, Session, SubmitStatus};
use parking_lot::Mutex;
use secrecy::SecretString;
use serde_json::json;
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// Graph: accepts tokens numbered `min_valid` or later, and (when `expiry_ms`) only until they
/// are that old; counts successful revocations per user.
struct Graph {
    min_valid: AtomicUsize,
    /// After this many requests, every token issued so far is invalidated (0 = never).
    invalidate_after: usize,
    issued: &'static Issuer,
    issued_at: Mutex<HashMap<usize, Instant>>,
    expiry: Option<Duration>,
    requests: AtomicUsize,
    rejected: AtomicUsize,
    revoked: Mutex<HashMap<String, usize>>,
}

impl Respond for &'static Graph {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let seen = self.requests.fetch_add(1, Ordering::SeqCst) + 1;
        if seen == self.invalidate_after {
            self.min_valid.store(self.issued.issued.load(Ordering::SeqCst) + 1, Ordering::SeqCst);
        }
        let auth = request.headers.get("authorization").and_then(|v| v.to_str().ok()).unwrap_or_default();
        let n = auth.strip_prefix("Bearer ").and_then(token_number).unwrap_or(0);
        let first_seen = *self.issued_at.lock().entry(n).or_insert_with(Instant::now);
        let expired = self.expiry.is_some_and(|e| first_seen.elapsed() > e);
        if n < self.min_valid.load(Ordering::SeqCst) || expired {
            self.rejected.fetch_add(1, Ordering::SeqCst);
            return ResponseTemplate::new(401).set_body_json(json!({"error": {"code": "InvalidAuthenticationToken", "message": "Lifetime validation failed, the token is expired."}}));
        }
        *self.revoked.lock().entry(request.url.path().to_owned()).or_default() += 1;
        ResponseTemplate::new(200).set_body_json(json!({"value": true})).set_delay(Duration::from_millis(2))
    }
}

fn graph(issued: &'static Issuer, invalidate_after: usize, expiry: Option<Duration>) -> &'static Graph {
    Box::leak(Box::new(Graph {
        min_valid: AtomicUsize::new(0),
        invalidate_after,
        issued,
        issued_at: Mutex::new(HashMap::new()),
        expiry,
        requests: AtomicUsize::new(0),
        rejected: AtomicUsize::new(0),
        revoked: Mutex::new(HashMap::new()),
    }))
}

/// Runs `users` revocations on `session` from this (non-runtime) thread, as the cmdlet does.
fn run(rt: &tokio::runtime::Runtime, session: Arc<Session>, users: usize, throttle_limit: usize) -> Vec<Outcome> {
    let retry = RetryPolicy { max_retries: 3, base_delay: Duration::from_millis(10), max_delay: Duration::from_millis(50) };
    let job = RevokeJob::start(session, JobOptions { throttle_limit, retry, use_batch: false, user_agent: "tests".into(), trace: entra_core::trace::TraceLevel::Off, verify: false }, rt.handle().clone());
    let mut outcomes = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    for i in 0..users {
        while job.try_submit(i as u64, format!("user{i:05}@contoso.com")) == SubmitStatus::Full {
            outcomes.extend(job.next_outcomes(256, Duration::from_millis(20)));
        }
    }
    job.complete_input();
    while !job.is_finished() {
        assert!(Instant::now() < deadline, "the run did not finish");
        outcomes.extend(job.next_outcomes(256, Duration::from_millis(50)));
    }
    outcomes
}

fn setup(lifetime: u64, invalidate_after: usize, expiry: Option<Duration>) -> (tokio::runtime::Runtime, MockServer, &'static Issuer, &'static Graph, Arc<RenewingToken>) {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(4).enable_all().build().unwrap();
    let issuer = issuer(Some(SECRET), lifetime);
    let graph = graph(issuer, invalidate_after, expiry);
    let server = rt.block_on(async {
        let server = MockServer::start().await;
        Mock::given(method("POST")).and(path(token_path())).respond_with(issuer).mount(&server).await;
        Mock::given(method("POST")).and(wiremock::matchers::path_regex("^/v1.0/users/.*/revokeSignInSessions$")).respond_with(graph).mount(&server).await;
        server
    });
    let options = options(&server.uri(), &server.uri());
    let tokens = Arc::new(rt.block_on(with_client_secret(&options, SecretString::from(SECRET))).unwrap());
    (rt, server, issuer, graph, tokens)
}

fn assert_each_user_revoked_once(graph: &Graph, outcomes: &[Outcome], users: usize) {
    assert_eq!(outcomes.len(), users);
    let failed: Vec<_> = outcomes.iter().filter(|o| o.result.is_err()).collect();
    assert!(failed.is_empty(), "{} failed, first: {:?}", failed.len(), failed.first());
    let revoked = graph.revoked.lock();
    assert_eq!(revoked.len(), users, "every user revoked");
    assert!(revoked.values().all(|&n| n == 1), "no user revoked twice");
}

#[test]
fn tokens_revoked_mid_run_are_renewed_once_for_all_workers() {
    let (rt, server, issuer, graph, tokens) = setup(3600, 500, None);
    let session = Arc::new(Session::with_token_source(entra_core::endpoint::GraphEndpoint::parse(&server.uri()).unwrap(), tokens.clone(), &HttpSettings::default()).unwrap());
    let outcomes = run(&rt, session, 2000, 32);
    assert_each_user_revoked_once(graph, &outcomes, 2000);
    assert!(graph.rejected.load(Ordering::SeqCst) >= 1);
    assert_eq!(issuer.issued.load(Ordering::SeqCst), 2, "the sign-in, then one renewal for all 32 workers");
    assert!(outcomes.iter().filter(|o| o.attempts == 2).count() >= 1);
}

#[test]
fn short_lived_tokens_are_renewed_ahead_of_expiry_without_any_401() {
    // Tokens live 1 s and Graph enforces it; the cache renews at half-life.
    let (rt, server, issuer, graph, tokens) = setup(1, 0, Some(Duration::from_millis(1000)));
    let session = Arc::new(Session::with_token_source(entra_core::endpoint::GraphEndpoint::parse(&server.uri()).unwrap(), tokens.clone(), &HttpSettings::default()).unwrap());
    let started = Instant::now();
    let outcomes = run(&rt, session, 3000, 4);
    assert!(started.elapsed() > Duration::from_millis(1500), "the run outlives several tokens ({:?})", started.elapsed());
    assert_each_user_revoked_once(graph, &outcomes, 3000);
    assert_eq!(graph.rejected.load(Ordering::SeqCst), 0, "renewed before Graph saw an expired token");
    assert!(issuer.issued.load(Ordering::SeqCst) >= 3, "renewed more than once: {}", issuer.issued.load(Ordering::SeqCst));
    assert_eq!(tokens.token_requests() as usize, issuer.issued.load(Ordering::SeqCst));
}

#[test]
fn a_token_rejected_even_after_renewal_fails_each_user_once_without_a_storm() {
    // Graph rejects every token: one renewal, then each user fails with an authentication error.
    let (rt, server, issuer, graph, tokens) = setup(3600, 0, None);
    graph.min_valid.store(usize::MAX, Ordering::SeqCst);
    let session = Arc::new(Session::with_token_source(entra_core::endpoint::GraphEndpoint::parse(&server.uri()).unwrap(), tokens, &HttpSettings::default()).unwrap());
    let outcomes = run(&rt, session, 200, 16);
    assert_eq!(outcomes.len(), 200);
    assert!(outcomes.iter().all(|o| matches!(&o.result, Err(f) if f.kind() == FailureKind::Authentication)));
    assert!(outcomes.iter().all(|o| o.attempts <= 2), "each user tried at most twice");
    assert_eq!(issuer.issued.load(Ordering::SeqCst), 2, "one renewal, not one per user");
}

#[test]
fn an_identity_platform_outage_at_token_expiry_is_waited_out_not_failed() {
    // Tokens live 1 s (renewed from half-life on) and Graph enforces it. For the first 6 s the
    // token endpoint answers 503, longer than one renewal's own three attempts (~3 s): the early
    // renewal fails, the token expires, and the users wait for the platform (no sooner than the
    // token cache would ask it again) instead of failing.
    let (rt, server, issuer, graph, tokens) = setup(1, 0, Some(Duration::from_millis(1000)));
    *issuer.unavailable_until.lock() = Some(Instant::now() + Duration::from_secs(6));
    let session = Arc::new(Session::with_token_source(entra_core::endpoint::GraphEndpoint::parse(&server.uri()).unwrap(), tokens, &HttpSettings::default()).unwrap());
    let started = Instant::now();
    let outcomes = run(&rt, session, 3000, 4);
    assert!(issuer.unavailable_answers.load(Ordering::SeqCst) >= 1, "the outage was met");
    assert!(started.elapsed() > Duration::from_secs(6), "the run outlived the outage ({:?})", started.elapsed());
    assert_each_user_revoked_once(graph, &outcomes, 3000);
}
