//! One logical request driven to a final answer: take a concurrency slot, wait for the
//! throttle gate, take a token, send, give the slot back, renew the token once on 401, and retry
//! what the policy says to retry, no earlier than Graph asked. Callers plug in how an attempt is
//! sent and what happens around it.

use super::{Decision, RetryPolicy};
use crate::attempt::{AttemptError, AttemptSuccess};
use crate::auth::renewing::FAILURE_MEMORY;
use crate::auth::{AccessToken, AuthError};
use crate::outcome::Failure;
use crate::session::Session;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

/// What a caller adds around each attempt (concurrency adaptation, counters).
pub trait AttemptHooks {
    /// Held while one attempt is on the wire (a concurrency slot), never during a retry's wait:
    /// a request sleeping out its backoff must not keep another user's request from going.
    type AttemptSlot: Send;
    /// Taken before the gate is waited for, so only requests that can go reserve a paced slot.
    fn attempt_slot(&self) -> impl Future<Output = Self::AttemptSlot> + Send;
    /// The retry policy the request runs under.
    fn policy(&self) -> &RetryPolicy;
    fn on_success(&self) {}
    /// Decides what follows a failed attempt (usually via `RetryPolicy::decide`).
    fn on_failure(&self, attempt: u32, error: &AttemptError) -> Decision;

    /// Whether a final failure came from a retryable error whose retries ran out.
    fn retries_exhausted(&self, attempt: u32, error: &AttemptError) -> bool {
        super::policy::is_retryable(error) && attempt > self.policy().max_retries
    }

    /// How long to wait before asking for a token again after the `waits`-th time the identity
    /// platform could not be reached (1-based); None gives up with the sign-in error. Never
    /// sooner than the token cache's `FAILURE_MEMORY`: it answers the same failure meanwhile, so
    /// an earlier ask would only spend a wait.
    fn sign_in_retry(&self, waits: u32) -> Option<Duration> {
        let policy = self.policy();
        (waits <= policy.max_retries).then(|| policy.backoff(waits, fastrand::f64()).max(FAILURE_MEMORY))
    }
}

/// The answer and the number of attempts it took.
pub struct Driven {
    pub attempts: u32,
    pub result: Result<(AttemptSuccess, bytes::Bytes), Failure>,
}

/// `first_slot`: a slot the caller already holds for the first attempt (None: take one).
pub async fn drive<H, F, Fut>(session: &Session, cancel: &CancellationToken, hooks: &H, mut first_slot: Option<H::AttemptSlot>, mut send: F) -> Driven
where
    H: AttemptHooks,
    F: FnMut(Arc<AccessToken>, u32) -> Fut,
    Fut: Future<Output = Result<(AttemptSuccess, bytes::Bytes), AttemptError>>,
{
    // Attempts counts requests sent: one cancelled or refused a token before sending is none.
    let mut attempt = 0;
    let mut sign_in_waits = 0;
    let mut renewed = false;
    let result = loop {
        let slot = match first_slot.take() {
            Some(slot) => slot,
            None => match until_cancelled_value(cancel, hooks.attempt_slot()).await {
                Some(slot) => slot,
                None => break Err(Failure::Cancelled),
            },
        };
        if !until_cancelled(cancel, session.gate().wait_open()).await {
            break Err(Failure::Cancelled);
        }
        let token = match until_cancelled_value(cancel, session.tokens().access_token()).await {
            None => break Err(Failure::Cancelled),
            // The identity platform is down or unreachable (not a refusal): the user waits for
            // it, as for Graph's own outages, instead of failing with the whole queue.
            Some(Err(e @ AuthError::Unavailable(_))) => {
                sign_in_waits += 1;
                drop(slot);
                match wait_for_sign_in(hooks, cancel, sign_in_waits, e).await {
                    Ok(()) => continue,
                    Err(failure) => break Err(failure),
                }
            }
            Some(Err(e)) => break Err(Failure::SignIn(e)),
            Some(Ok(token)) => token,
        };
        attempt += 1;
        let answer = match until_cancelled_value(cancel, send(token.clone(), attempt)).await {
            None => break Err(Failure::Cancelled),
            Some(answer) => answer,
        };
        drop(slot);
        match answer {
            Ok(success) => {
                session.gate().on_success();
                hooks.on_success();
                break Ok(success);
            }
            // An expired token is renewed once, then the same request goes again at once.
            Err(error) if error.status() == Some(401) && !renewed => match until_cancelled_value(cancel, session.tokens().refresh(&token)).await {
                Some(Ok(_)) => renewed = true,
                // No new token yet because the platform is down: wait for it, then renew again.
                Some(Err(e @ AuthError::Unavailable(_))) => {
                    sign_in_waits += 1;
                    if let Err(failure) = wait_for_sign_in(hooks, cancel, sign_in_waits, e).await {
                        break Err(failure);
                    }
                }
                _ => break Err(Failure::from_attempt(error, false)),
            },
            Err(error) => match hooks.on_failure(attempt, &error) {
                Decision::GiveUp => {
                    let exhausted = hooks.retries_exhausted(attempt, &error);
                    break Err(Failure::from_attempt(error, exhausted));
                }
                Decision::RetryAfter(wait) => {
                    if !until_cancelled(cancel, tokio::time::sleep(wait)).await {
                        break Err(Failure::Cancelled);
                    }
                }
            },
        }
    };
    Driven { attempts: attempt, result }
}

/// The throttling response a session's gate should remember: a 429 pauses everyone sending
/// with this identity and paces the reopening; a 503 that says how long to wait pauses everyone.
pub fn close_gate_if_throttled(session: &Session, error: &AttemptError) {
    let now = Instant::now();
    match (error.status(), error.retry_after()) {
        (Some(429), wait) => session.gate().on_throttled(now, wait.unwrap_or(DEFAULT_THROTTLE_WAIT)),
        (Some(503), Some(wait)) => session.gate().close_for(now, wait),
        _ => {}
    }
}

/// A 429 without Retry-After still pauses the others this long (the request itself backs off
/// per the policy).
const DEFAULT_THROTTLE_WAIT: Duration = Duration::from_secs(1);

/// After the `waits`-th time the identity platform could not issue a token: waits as the hooks
/// say, or names the outcome to end with (the sign-in error once the waits are used up).
async fn wait_for_sign_in(hooks: &impl AttemptHooks, cancel: &CancellationToken, waits: u32, error: AuthError) -> Result<(), Failure> {
    match hooks.sign_in_retry(waits) {
        Some(wait) if until_cancelled(cancel, tokio::time::sleep(wait)).await => Ok(()),
        Some(_) => Err(Failure::Cancelled),
        None => Err(Failure::SignIn(error)),
    }
}

async fn until_cancelled(cancel: &CancellationToken, work: impl Future<Output = ()>) -> bool {
    until_cancelled_value(cancel, work).await.is_some()
}

async fn until_cancelled_value<T>(cancel: &CancellationToken, work: impl Future<Output = T>) -> Option<T> {
    tokio::select! {
        biased;
        _ = cancel.cancelled() => None,
        value = work => Some(value),
    }
}

/// Hooks for a single request outside a bulk job: the policy and the shared gate, nothing else.
pub struct PolicyHooks<'a> {
    pub session: &'a Session,
    pub policy: super::RetryPolicy,
}

impl AttemptHooks for PolicyHooks<'_> {
    /// One request at a time: nothing to share.
    type AttemptSlot = ();

    fn attempt_slot(&self) -> impl Future<Output = ()> + Send {
        std::future::ready(())
    }

    fn on_failure(&self, attempt: u32, error: &AttemptError) -> Decision {
        close_gate_if_throttled(self.session, error);
        self.policy.decide(attempt, error, fastrand::f64())
    }

    fn policy(&self) -> &RetryPolicy {
        &self.policy
    }
}

