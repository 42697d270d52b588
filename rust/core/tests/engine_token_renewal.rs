//! Token renewal: Graph's 401 makes the engine ask its token source to renew the rejected token
//! and try the same user (or batch) again at once; every rejected token that had worked is
//! renewed, a token the source will not renew (one rejected before it ever worked, or one that
//! cannot be renewed) is a final Authentication failure, and a sign-in that fails sends nothing.

mod common;

use common::*;
use entra_core::auth::{AccessToken, AuthError, TokenClaims, TokenSource};
use entra_core::endpoint::GraphEndpoint;
use entra_core::http::HttpSettings;
use entra_core::outcome::Failure;
use entra_core::{FailureKind, RevokeJob, Session};
use futures::future::BoxFuture;
use parking_lot::Mutex;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// Hands out `token-1`, and `token-{n+1}` when `token-{n}` is refreshed (once per token), with
/// the token sources' contract: a token obtained by a renewal that is rejected before Graph
/// ever accepted it is not renewed again.
#[derive(Debug, Default)]
struct Renewable {
    current: Mutex<Option<Arc<AccessToken>>>,
    /// The current token came from a renewal and has not been accepted yet.
    unproven: AtomicBool,
    issued: AtomicUsize,
    refreshes: AtomicUsize,
    fail_sign_in: bool,
}

impl Renewable {
    fn issue(&self) -> Arc<AccessToken> {
        let n = self.issued.fetch_add(1, Ordering::SeqCst) + 1;
        Arc::new(AccessToken::new(format!("token-{n}")).unwrap())
    }
}

impl TokenSource for Renewable {
    fn access_token(&self) -> BoxFuture<'_, Result<Arc<AccessToken>, AuthError>> {
        Box::pin(async move {
            if self.fail_sign_in {
                return Err(AuthError::SignInFailed("AADSTS7000215: Invalid client secret provided.".into()));
            }
            Ok(self.current.lock().get_or_insert_with(|| self.issue()).clone())
        })
    }

    fn refresh<'a>(&'a self, rejected: &'a Arc<AccessToken>) -> BoxFuture<'a, Result<Arc<AccessToken>, AuthError>> {
        Box::pin(async move {
            let mut current = self.current.lock();
            if current.as_ref().is_some_and(|c| Arc::ptr_eq(c, rejected)) {
                if self.unproven.load(Ordering::SeqCst) {
                    return Err(AuthError::RejectedAfterRenewal);
                }
                self.refreshes.fetch_add(1, Ordering::SeqCst);
                *current = Some(self.issue());
                self.unproven.store(true, Ordering::SeqCst);
            }
            Ok(current.clone().unwrap())
        })
    }

    fn accepted(&self, token: &Arc<AccessToken>) {
        if self.current.lock().as_ref().is_some_and(|c| Arc::ptr_eq(c, token)) {
            self.unproven.store(false, Ordering::SeqCst);
        }
    }

    fn claims(&self) -> TokenClaims {
        TokenClaims::default()
    }

    fn kind(&self) -> &'static str {
        "Test"
    }
}

fn start_with(harness: &Harness, tokens: Arc<Renewable>, use_batch: bool) -> RevokeJob {
    let endpoint = GraphEndpoint::parse(&harness.server.uri()).unwrap();
    let session = Session::with_token_source(endpoint, tokens, &HttpSettings::default()).unwrap();
    RevokeJob::start(Arc::new(session), options(4, use_batch), harness.rt.handle().clone())
}

fn authorization_headers(harness: &Harness) -> Vec<String> {
    harness.graph.requests().iter().map(|r| r.header("authorization").unwrap_or_default().to_owned()).collect()
}

fn expired() -> Reply {
    Reply::graph_error(401, "InvalidAuthenticationToken", "Lifetime validation failed, the token is expired.")
}

#[test]
fn a_401_renews_the_token_once_and_the_user_is_tried_again_at_once() {
    let harness = Harness::new(|_, nth| if nth == 1 { expired() } else { Reply::ok() });
    let tokens = Arc::new(Renewable::default());
    let job = start_with(&harness, tokens.clone(), false);

    let outcomes = run(&job, &[user(1)]);

    let outcome = outcome_for(&outcomes, &user(1));
    assert!(outcome.result.is_ok(), "{outcome:?}");
    assert_eq!(outcome.attempts, 2);
    assert_eq!(authorization_headers(&harness), ["Bearer token-1", "Bearer token-2"]);
    assert_eq!(tokens.refreshes.load(Ordering::SeqCst), 1);
}

#[test]
fn a_renewed_token_rejected_before_it_ever_worked_is_final_and_fails_as_authentication() {
    let harness = Harness::new(|_, _| expired());
    let tokens = Arc::new(Renewable::default());
    let job = start_with(&harness, tokens.clone(), false);

    let outcomes = run(&job, &[user(1)]);

    let outcome = outcome_for(&outcomes, &user(1));
    assert_eq!(outcome.attempts, 2, "one renewal, not a retry loop");
    assert_eq!(failure_kind(outcome), Some(FailureKind::Authentication));
    assert_eq!(outcome.result.as_ref().unwrap_err().graph_error().unwrap().code, "InvalidAuthenticationToken");
    assert_eq!(harness.graph.requests().len(), 2);
}

#[test]
fn in_batch_mode_a_401_renews_once_and_the_rejected_items_go_again() {
    let harness = Harness::new(|res, nth| if nth == 1 && user_index(res).is_some_and(|i| i % 2 == 0) { expired() } else { Reply::ok() });
    let tokens = Arc::new(Renewable::default());
    let job = start_with(&harness, tokens.clone(), true);
    // One send's worth: the run's opening window (its first send carries this many items). The
    // fake rejects each even user's first request whatever its token, so a user first sent in a
    // later send, with the renewed token, would be refused a token that never worked (final).
    let inputs: Vec<String> = (0..entra_core::retry::adaptive_limit::INITIAL_WINDOW).map(user).collect();

    let outcomes = run(&job, &inputs);

    for (i, upn) in inputs.iter().enumerate() {
        let outcome = outcome_for(&outcomes, upn);
        assert!(outcome.result.is_ok(), "{outcome:?}");
        assert_eq!(outcome.attempts, if i % 2 == 0 { 2 } else { 1 }, "{upn}");
    }
    let headers = authorization_headers(&harness);
    let renewed_from = headers.iter().position(|h| h == "Bearer token-2").expect("the renewed token was used");
    assert!(headers[..renewed_from].iter().all(|h| h == "Bearer token-1"), "{headers:?}");
    assert!(headers[renewed_from..].iter().all(|h| h == "Bearer token-2"), "{headers:?}");
    assert_eq!(tokens.refreshes.load(Ordering::SeqCst), 1, "one renewal for all rejected items");
}

#[test]
fn a_failed_sign_in_fails_every_input_without_a_request() {
    let harness = Harness::new(|_, _| Reply::ok());
    let tokens = Arc::new(Renewable { fail_sign_in: true, ..Default::default() });
    let job = start_with(&harness, tokens, false);

    let outcomes = run(&job, &[user(1), user(2)]);

    for upn in [user(1), user(2)] {
        let outcome = outcome_for(&outcomes, &upn);
        assert!(matches!(&outcome.result, Err(Failure::SignIn(AuthError::SignInFailed(m))) if m.contains("AADSTS7000215")), "{outcome:?}");
        assert_eq!(failure_kind(outcome), Some(FailureKind::Authentication));
    }
    assert!(harness.graph.requests().is_empty());
}
