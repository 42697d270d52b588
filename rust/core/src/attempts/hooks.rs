//! What a caller adds around each attempt: concurrency, counters, and the retry policy.

use crate::attempt::AttemptError;
use crate::auth::renewing::FAILURE_MEMORY;
use crate::retry::{Decision, RetryPolicy};
use super::wait_clock::WaitClock;
use crate::session::Session;
use std::sync::Arc;
use std::future::Future;
use std::time::Duration;
use tokio::time::Instant;

pub trait AttemptHooks {
    /// Held while one attempt is on the wire (a concurrency slot), never during a retry's wait:
    /// a request sleeping out its backoff must not keep another user's request from going.
    type AttemptSlot: Send;
    /// Taken before the gate is waited for, so only requests that can go reserve a paced slot.
    fn attempt_slot(&self) -> impl Future<Output = Self::AttemptSlot> + Send;
    /// The retry policy the request runs under.
    fn policy(&self) -> &RetryPolicy;
    fn on_success(&self) {}
    /// Decides what follows a failed attempt (usually via `RetryPolicy::decide`). `attempt`
    /// counts the failures charged to this request (not those held back by an outage).
    fn on_failure(&self, attempt: u32, error: &AttemptError) -> Decision;

    /// Where time spent waiting on throttling is counted (a bulk job's summary); None: nowhere.
    fn throttle_clock(&self) -> Option<&Arc<WaitClock>> {
        None
    }

    /// Whether a final failure came from a retryable error whose retries ran out.
    fn retries_exhausted(&self, attempt: u32, error: &AttemptError) -> bool {
        crate::retry::policy::is_retryable(error) && attempt > self.policy().max_retries
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

/// Hooks for a single request outside a bulk job: the policy and the shared gate, nothing else.
pub struct PolicyHooks<'a> {
    pub session: &'a Session,
    pub policy: RetryPolicy,
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
