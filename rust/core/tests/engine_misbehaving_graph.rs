//! A Graph that misbehaves the way real networks and services do, scripted on tokio's paused
//! clock: tokens that stop working mid-run, redirects, a tenant that is already throttled, an
//! outage for everyone, a hung server, an identity platform outage during a renewal (Graph's
//! write quota has its own file, engine_throttled_pacing.rs). Every input
//! still ends with exactly one outcome, nothing is reported revoked that Graph did not revoke,
//! and the counts of requests show the engine wasted nothing.

mod common;

use common::scripted::*;
use common::*;
use entra_core::attempt::TransportKind;
use entra_core::auth::renewing::{Credential, IssuedToken, RenewingToken};
use entra_core::auth::{AccessToken, AuthError, TokenClaims, TokenSource};
use entra_core::outcome::Failure;
use entra_core::retry::RetryPolicy;
use entra_core::retry::adaptive_limit::INITIAL_WINDOW;
use entra_core::transport::scripted::{Scripted, ScriptedTransport};
use entra_core::{FailureKind, JobOptions};
use futures::future::BoxFuture;
use parking_lot::Mutex;
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use tokio::time::Instant;

const MS: fn(u64) -> Duration = Duration::from_millis;

fn users(n: usize) -> Vec<String> {
    (0..n).map(user).collect()
}

fn default_retries(throttle_limit: usize, use_batch: bool) -> JobOptions {
    JobOptions { retry: RetryPolicy::default(), ..options(throttle_limit, use_batch) }
}

/// Issues `tok-1`, `tok-2`, … (an hour each), counting the token requests.
#[derive(Debug, Default)]
struct CountingCredential {
    issued: Arc<AtomicUsize>,
}

impl Credential for CountingCredential {
    fn fetch(&self) -> BoxFuture<'_, Result<IssuedToken, AuthError>> {
        Box::pin(async move {
            let n = self.issued.fetch_add(1, Ordering::SeqCst) + 1;
            Ok(IssuedToken { token: AccessToken::new(format!("tok-{n}")).unwrap(), lifetime: Duration::from_secs(3600) })
        })
    }

    fn kind(&self) -> &'static str {
        "ClientSecret"
    }
}

/// Graph stops accepting each token `lifetime` after it first saw it (CAE, key rollover).
fn rejecting_tokens_after(lifetime: Duration, use_batch: bool) -> Arc<ScriptedTransport> {
    let first_seen: Mutex<HashMap<String, Instant>> = Mutex::default();
    ScriptedTransport::new(move |request, _| {
        let token = request.headers.get("authorization").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
        let now = Instant::now();
        let since = *first_seen.lock().entry(token).or_insert(now);
        let accepted = now.duration_since(since) < lifetime;
        let status = if accepted { 200 } else { 401 };
        let answer = if use_batch { batch_answer(request, |_| (status, vec![])) } else if accepted { Scripted::ok() } else { Scripted::status(401) };
        answer.after(MS(100))
    })
}

async fn tokens_rejected_mid_run(use_batch: bool) {
    let issued = Arc::new(AtomicUsize::new(0));
    let tokens = Arc::new(RenewingToken::sign_in(Box::new(CountingCredential { issued: issued.clone() })).await.unwrap());
    // A batch run is ~20 times shorter: its tokens live shorter so it outlives several too.
    let lifetime = if use_batch { MS(300) } else { Duration::from_secs(2) };
    let transport = rejecting_tokens_after(lifetime, use_batch);
    let inputs = users(if use_batch { 1000 } else { 300 });

    let outcomes = run_paused(scripted_session(transport.clone(), tokens), default_retries(4, use_batch), inputs.clone()).await;

    assert_eq!(outcomes.len(), inputs.len());
    for upn in &inputs {
        let outcome = outcome_for(&outcomes, upn);
        assert!(outcome.result.is_ok(), "{outcome:?}");
    }
    let tokens_used: std::collections::HashSet<String> =
        transport.sent().iter().filter_map(|s| s.header("authorization").map(str::to_owned)).collect();
    let requested = issued.load(Ordering::SeqCst);
    assert!(tokens_used.len() >= 4, "the run outlived several tokens: {}", tokens_used.len());
    assert_eq!(requested, tokens_used.len(), "one token request per rejection, each token used");
}

#[tokio::test(start_paused = true)]
async fn every_token_graph_stops_accepting_mid_run_is_renewed_and_no_user_is_lost() {
    tokens_rejected_mid_run(false).await;
}

#[tokio::test(start_paused = true)]
async fn in_batch_mode_tokens_rejected_mid_run_are_renewed_too() {
    tokens_rejected_mid_run(true).await;
}

#[tokio::test(start_paused = true)]
async fn a_redirect_is_an_error_naming_its_host_and_nobody_is_reported_revoked() {
    for use_batch in [false, true] {
        let transport = ScriptedTransport::new(|_, _| Scripted::status(307).header("location", "https://elsewhere.example/v1.0/users/x/revokeSignInSessions"));
        let inputs = users(30);

        let outcomes = run_paused(scripted_session(transport.clone(), static_tokens()), default_retries(4, use_batch), inputs.clone()).await;

        assert_eq!(outcomes.len(), 30);
        for upn in &inputs {
            let outcome = outcome_for(&outcomes, upn);
            let error = outcome.result.as_ref().err().and_then(Failure::graph_error).unwrap_or_else(|| panic!("{outcome:?}"));
            assert_eq!((error.status, error.code.as_str()), (307, "UnexpectedRedirect"));
            assert!(error.message.contains("'elsewhere.example'"), "{}", error.message);
            assert_eq!(outcome.attempts, 1, "a redirect is not retried");
        }
        let hosts: Vec<String> = transport.sent().iter().filter_map(|s| s.request.url.host_str().map(str::to_owned)).collect();
        assert!(hosts.iter().all(|h| h == "graph.microsoft.com"), "nothing went to the redirect's target: {hosts:?}");
    }
}

/// Dev Proxy's per-workload throttling: after a 429 on /users/*, every request is answered 429
/// until that Retry-After has passed. The tenant is already throttled when the run starts.
struct WorkloadThrottle {
    throttled_until: Option<Instant>,
    into_window: usize,
}

fn dev_proxy(retry_after: Duration) -> (Arc<ScriptedTransport>, Arc<Mutex<WorkloadThrottle>>) {
    let state = Arc::new(Mutex::new(WorkloadThrottle { throttled_until: None, into_window: 0 }));
    let shared = state.clone();
    let transport = ScriptedTransport::new(move |request, n| {
        let now = Instant::now();
        let mut state = shared.lock();
        let throttle = |until: Instant| {
            let wait = until.saturating_duration_since(now).as_secs_f64();
            let answer = if is_batch(request) { batch_answer(request, |_| (429, vec![("Retry-After", format!("{wait:.3}"))])) } else { Scripted::status(429).header("retry-after", &format!("{wait:.3}")) };
            answer.after(MS(50))
        };
        if n == 0 {
            let until = now + retry_after;
            state.throttled_until = Some(until);
            return throttle(until);
        }
        match state.throttled_until {
            Some(until) if now < until => {
                state.into_window += 1;
                throttle(until)
            }
            _ => (if is_batch(request) { batch_answer(request, |_| (200, vec![])) } else { Scripted::ok() }).after(MS(50)),
        }
    });
    (transport, state)
}

#[tokio::test(start_paused = true)]
async fn a_tenant_that_is_already_throttled_sees_only_the_opening_window_before_the_module_knows() {
    let (transport, state) = dev_proxy(Duration::from_secs(2));
    let inputs = users(60);

    let outcomes = run_paused(scripted_session(transport.clone(), static_tokens()), default_retries(32, false), inputs.clone()).await;

    assert!(outcomes.iter().all(|o| o.result.is_ok()), "everyone is revoked in the end");
    let into_window = state.lock().into_window;
    assert!(into_window < INITIAL_WINDOW, "{into_window} requests were sent into the throttled window: only the opening window may be in flight");
    assert!(transport.peak_in_flight() <= 32);
}

#[tokio::test(start_paused = true)]
async fn the_window_opens_to_the_throttle_limit_within_a_few_round_trips() {
    let transport = ScriptedTransport::new(|_, _| Scripted::ok().after(MS(50)));
    let started = Instant::now();

    let outcomes = run_paused(scripted_session(transport.clone(), static_tokens()), default_retries(32, false), users(1000)).await;

    assert_eq!(outcomes.len(), 1000);
    assert_eq!(transport.peak_in_flight(), 32);
    let floor = MS(50).mul_f64(1000.0 / 32.0);
    let took = started.elapsed();
    assert!(took < floor.mul_f64(1.25), "slow start costs a few round trips, not more: {took:?} for a floor of {floor:?}");
}

fn outage_until(recovers_at: Option<Instant>, kind: TransportKind, failing_after: Duration) -> Arc<ScriptedTransport> {
    ScriptedTransport::new(move |request, _| {
        if recovers_at.is_none_or(|at| Instant::now() < at) {
            return Scripted::transport(kind).after(failing_after);
        }
        (if is_batch(request) { batch_answer(request, |_| (200, vec![])) } else { Scripted::ok() }).after(MS(20))
    })
}

#[tokio::test(start_paused = true)]
async fn a_run_wide_outage_holds_everyone_behind_one_probe_and_the_run_resumes_when_graph_answers() {
    for use_batch in [false, true] {
        let started = Instant::now();
        let recovers = started + Duration::from_secs(60);
        let transport = outage_until(Some(recovers), TransportKind::ConnectionClosed, MS(10));
        let inputs = users(200);

        let outcomes = run_paused(scripted_session(transport.clone(), static_tokens()), default_retries(32, use_batch), inputs.clone()).await;

        assert_eq!(outcomes.len(), 200);
        for upn in &inputs {
            let outcome = outcome_for(&outcomes, upn);
            assert!(outcome.result.is_ok(), "{outcome:?}");
        }
        let sent_during_outage = transport.sent().iter().filter(|s| s.at < recovers).count();
        // Each user spending its own 11 attempts would be 2,200 requests (110 batches).
        assert!(sent_during_outage <= 20, "{sent_during_outage} requests were sent into the outage");
        // Once the outage is known, one probe at a time with a growing wait between them.
        let gaps: Vec<Duration> = transport.sent().windows(2).filter(|w| w[1].at < recovers).map(|w| w[1].at - w[0].at).collect();
        let probe_gaps: Vec<Duration> = gaps.iter().copied().skip_while(|gap| *gap < MS(900)).collect();
        assert!(probe_gaps.len() >= 5 && probe_gaps.windows(2).all(|w| w[1] >= w[0]), "probes are spaced by a growing backoff: {gaps:?}");
    }
}

#[tokio::test(start_paused = true)]
async fn an_outage_that_outlasts_its_patience_ends_every_user_once_naming_the_outage() {
    // A hung server behind the default 100 s timeout: every request times out.
    let transport = outage_until(None, TransportKind::Timeout, Duration::from_secs(100));
    let retry = RetryPolicy { max_retries: 3, ..RetryPolicy::default() };
    let inputs = users(100);

    let outcomes = run_paused(scripted_session(transport.clone(), static_tokens()), JobOptions { retry, ..options(32, false) }, inputs.clone()).await;

    assert_eq!(outcomes.len(), 100);
    for upn in &inputs {
        let outcome = outcome_for(&outcomes, upn);
        assert_eq!(failure_kind(outcome), Some(FailureKind::Unavailable), "{outcome:?}");
        let message = outcome.result.as_ref().unwrap_err().message();
        assert!(message.contains("unreachable for everyone") || message.contains("after all retries"), "{message}");
    }
    let named = outcomes.iter().filter(|o| o.result.as_ref().unwrap_err().message().contains("unreachable for everyone")).count();
    assert!(named >= 90, "most users end with the outage, not their own retries: {named}");
    // Each user spending its own attempts: 100 x 4 requests of 100 s each.
    assert!(transport.sent().len() <= 20, "{} requests were sent to a hung server", transport.sent().len());
}

#[tokio::test(start_paused = true)]
async fn cancel_during_an_outage_ends_every_user_at_once() {
    let transport = outage_until(None, TransportKind::Connect, MS(5));
    let session = scripted_session(transport.clone(), static_tokens());
    let job = Arc::new(entra_core::RevokeJob::start(session, default_retries(8, false), tokio::runtime::Handle::current()));
    let canceller = {
        let (job, transport) = (job.clone(), transport.clone());
        tokio::spawn(async move {
            // Ctrl+C once the outage holds the run (its first probe has gone).
            while transport.sent().len() < OUTAGE_PROBED {
                tokio::time::sleep(MS(1)).await;
            }
            job.cancel();
            Instant::now()
        })
    };

    let outcomes = consume(&job, &users(50)).await;
    let finished = Instant::now();
    let cancelled = canceller.await.unwrap();

    assert_eq!(by_tag(outcomes.clone()).len(), 50, "one outcome per input");
    assert!(outcomes.iter().all(|o| matches!(o.result, Err(Failure::Cancelled))), "{outcomes:?}");
    assert!(finished - cancelled < Duration::from_secs(1), "the run ended {:?} after the cancel", finished - cancelled);
}

/// Requests sent once an outage has been found and probed once.
const OUTAGE_PROBED: usize = entra_core::retry::outage::OUTAGE_AFTER as usize + 1;

/// Hands out new tokens, but the identity platform is down until `recovers_at`.
#[derive(Debug)]
struct PlatformDownUntil {
    recovers_at: Instant,
    current: Mutex<Arc<AccessToken>>,
    issued: AtomicUsize,
}

impl TokenSource for PlatformDownUntil {
    fn access_token(&self) -> BoxFuture<'_, Result<Arc<AccessToken>, AuthError>> {
        Box::pin(async move { Ok(self.current.lock().clone()) })
    }

    fn refresh<'a>(&'a self, rejected: &'a Arc<AccessToken>) -> BoxFuture<'a, Result<Arc<AccessToken>, AuthError>> {
        Box::pin(async move {
            let mut current = self.current.lock();
            if !Arc::ptr_eq(&current, rejected) {
                return Ok(current.clone());
            }
            if Instant::now() < self.recovers_at {
                return Err(AuthError::Unavailable("AADSTS90033: the service is temporarily unavailable".into()));
            }
            let n = self.issued.fetch_add(1, Ordering::SeqCst) + 2;
            *current = Arc::new(AccessToken::new(format!("tok-{n}")).unwrap());
            Ok(current.clone())
        })
    }

    fn claims(&self) -> TokenClaims {
        TokenClaims::default()
    }

    fn kind(&self) -> &'static str {
        "ClientSecret"
    }
}

#[tokio::test(start_paused = true)]
async fn an_identity_outage_during_a_renewal_waits_in_batch_and_single_mode_alike() {
    for use_batch in [false, true] {
        let recovers_at = Instant::now() + Duration::from_secs(12);
        let tokens = Arc::new(PlatformDownUntil { recovers_at, current: Mutex::new(Arc::new(AccessToken::new("tok-1".into()).unwrap())), issued: AtomicUsize::new(0) });
        // Graph rejects the first token (it expired), accepts the renewed one.
        let transport = ScriptedTransport::new(move |request, _| {
            let fresh = request.headers.get("authorization").is_some_and(|v| v != "Bearer tok-1");
            let status = if fresh { 200 } else { 401 };
            if is_batch(request) { batch_answer(request, |_| (status, vec![])) } else { Scripted::status(status) }.after(MS(10))
        });
        let inputs = users(40);

        let outcomes = run_paused(scripted_session(transport, tokens.clone()), default_retries(4, use_batch), inputs.clone()).await;

        for upn in &inputs {
            let outcome = outcome_for(&outcomes, upn);
            assert!(outcome.result.is_ok(), "batch {use_batch}: {outcome:?}");
        }
        assert_eq!(tokens.issued.load(Ordering::SeqCst), 1, "one renewal once the platform is back");
    }
}
