//! The state of one logical request across its attempts, and every decision about what follows
//! an attempt. Shared by `drive` (one request per attempt) and `engine::batch` (an item's
//! attempts ride in shared `$batch` requests), so both follow the same rules by construction.

use super::hooks::AttemptHooks;
use crate::attempt::AttemptError;
use crate::auth::{AccessToken, AuthError};
use crate::outcome::Failure;
use crate::retry::policy::is_retryable;
use crate::retry::{Admission, Decision, OutageGuard, OutageReport};
use crate::session::Session;
use std::future::Future;
use std::sync::Arc;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

/// What follows an attempt (or a failed attempt to get a token).
#[derive(Debug)]
pub enum Step<T> {
    /// Send again, not before this instant.
    Again { not_before: Instant },
    /// The request's final answer.
    Done(Result<T, Failure>),
}

#[derive(Debug, Default)]
pub struct AttemptState {
    /// Requests sent (what the outcome reports).
    attempts: u32,
    /// Failures charged against -MaxRetry: not those held back by a run-wide outage.
    charged: u32,
    sign_in_waits: u32,
    renewals: u32,
}

impl AttemptState {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// A request is about to go: its attempt number (1-based, for the `retry-attempt` header).
    pub fn sending(&mut self) -> u32 {
        self.attempts += 1;
        self.attempts
    }

    /// No token could be had. The identity platform being down or unreachable (not a refusal)
    /// makes the request wait for it, as for Graph's own outages, instead of failing.
    pub fn token_failed<T>(&mut self, hooks: &impl AttemptHooks, error: AuthError) -> Step<T> {
        match error {
            AuthError::Unavailable(_) => self.wait_for_sign_in(hooks, error),
            AuthError::Cancelled => Step::Done(Err(Failure::Cancelled)),
            error => Step::Done(Err(Failure::SignIn(error))),
        }
    }

    fn wait_for_sign_in<T>(&mut self, hooks: &impl AttemptHooks, error: AuthError) -> Step<T> {
        self.sign_in_waits += 1;
        match hooks.sign_in_retry(self.sign_in_waits) {
            Some(wait) => Step::Again { not_before: Instant::now() + wait },
            None => Step::Done(Err(Failure::SignIn(error))),
        }
    }

    /// Decides what follows the answer to an attempt sent with `token`.
    pub async fn after<T>(&mut self, session: &Session, hooks: &impl AttemptHooks, cancel: &CancellationToken, token: &Arc<AccessToken>, answer: Result<T, AttemptError>) -> Step<T> {
        let error = match answer {
            Ok(value) => {
                session.tokens().accepted(token);
                hooks.on_success();
                return Step::Done(Ok(value));
            }
            Err(error) => error,
        };
        if error.status() == Some(401) {
            return self.renew(session, hooks, cancel, token, error).await;
        }
        // While Graph is unreachable for everyone, a request's own transport failure is the
        // outage's, not the request's: it waits behind the outage's probe without spending a retry.
        if matches!(error, AttemptError::Transport { .. }) && is_retryable(&error) && session.outage().in_outage() {
            return Step::Again { not_before: Instant::now() };
        }
        self.charged += 1;
        match hooks.on_failure(self.charged, &error) {
            Decision::RetryAfter(wait) => Step::Again { not_before: Instant::now() + wait },
            Decision::GiveUp => {
                let exhausted = hooks.retries_exhausted(self.charged, &error);
                Step::Done(Err(Failure::from_attempt(error, exhausted)))
            }
        }
    }

    /// Graph rejected `token` (401): renew it and go again. Every token that was rejected gets
    /// one renewal, shared by every request that saw it rejected; the token source refuses to
    /// renew a token that never worked (the no-storm guard), which ends with Graph's 401.
    async fn renew<T>(&mut self, session: &Session, hooks: &impl AttemptHooks, cancel: &CancellationToken, token: &Arc<AccessToken>, error: AttemptError) -> Step<T> {
        // A bound of last resort: tokens that keep working for others but not for this request.
        if self.renewals > hooks.policy().max_retries {
            return Step::Done(Err(Failure::from_attempt(error, false)));
        }
        match until_cancelled_value(cancel, session.tokens().refresh(token)).await {
            None => Step::Done(Err(Failure::Cancelled)),
            Some(Ok(_renewed)) => {
                self.renewals += 1;
                Step::Again { not_before: Instant::now() }
            }
            // No new token yet because the platform is down: wait for it, then try again.
            Some(Err(e @ AuthError::Unavailable(_))) => self.wait_for_sign_in(hooks, e),
            Some(Err(_)) => Step::Done(Err(Failure::from_attempt(error, false))),
        }
    }
}

/// Held by the one request that probes a run-wide outage; dropped without a report (the probe
/// was cancelled), it lets another request probe.
pub struct ProbeTicket<'a> {
    guard: &'a OutageGuard,
    open: bool,
}

impl Drop for ProbeTicket<'_> {
    fn drop(&mut self) {
        if self.open {
            self.guard.probe_abandoned();
        }
    }
}

/// Waits until a request carrying `operations` revocations (1, or a `$batch`'s items) may be sent:
/// the throttle gate is open and no outage holds it back (or it is the outage's probe). `Err` is
/// the request's outcome: cancelled, or the outage outlasted its patience.
pub async fn clear_to_send<'s>(session: &'s Session, hooks: &impl AttemptHooks, cancel: &CancellationToken, operations: u32) -> Result<Option<ProbeTicket<'s>>, Failure> {
    // The gate is closed or pacing only after Graph throttled: waiting here is throttling's.
    let now = Instant::now();
    let held = session.gate().opens_at(now).is_some() || session.gate().pace().is_some();
    let waiting = hooks.throttle_clock().filter(|_| held).map(|clock| clock.enter());
    if !until_cancelled(cancel, session.gate().wait_open_for(operations)).await {
        return Err(Failure::Cancelled);
    }
    drop(waiting);
    match until_cancelled_value(cancel, session.outage().admit(hooks.policy().max_retries)).await {
        None => Err(Failure::Cancelled),
        Some(Admission::Go) => Ok(None),
        Some(Admission::Probe) => Ok(Some(ProbeTicket { guard: session.outage(), open: true })),
        Some(Admission::GiveUp(report)) => Err(outage_failure(report)),
    }
}

fn outage_failure(report: OutageReport) -> Failure {
    Failure::Transport { kind: report.last_kind, message: report.message(), retries_exhausted: true }
}

/// A send went through with `operations` accepted (for a `$batch`: its items that succeeded):
/// the throttle gate's pace learns from it.
pub fn paced_send_succeeded(session: &Session, operations: u32, limit_used: Option<u16>) {
    session.gate().on_success(Instant::now(), operations, limit_used);
}

/// Tells the outage guard how one HTTP exchange went (once per request sent, also for a
/// `$batch` of 20): an answer of any kind means Graph is reachable.
pub fn report_exchange<T>(session: &Session, answer: &Result<T, AttemptError>, probe: Option<ProbeTicket<'_>>) {
    let is_probe = probe.is_some();
    if let Some(mut ticket) = probe {
        ticket.open = false;
    }
    match answer {
        Err(error @ AttemptError::Transport { kind, message }) if is_retryable(error) => {
            session.outage().on_transport_failure(Instant::now(), is_probe, *kind, message);
        }
        _ => session.outage().on_answer(),
    }
}

pub async fn until_cancelled(cancel: &CancellationToken, work: impl Future<Output = ()>) -> bool {
    until_cancelled_value(cancel, work).await.is_some()
}

pub async fn until_cancelled_value<T>(cancel: &CancellationToken, work: impl Future<Output = T>) -> Option<T> {
    tokio::select! {
        biased;
        _ = cancel.cancelled() => None,
        value = work => Some(value),
    }
}
