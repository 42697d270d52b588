//! What every task of one job shares.

use super::progress::Progress;
use crate::attempt::AttemptError;
use crate::auth::AccessToken;
use crate::outcome::Failure;
use crate::outcome::Outcome;
use crate::retry::driver::{AttemptHooks, close_gate_if_throttled};
use crate::retry::{AdaptiveLimit, Decision, LimitPermit, RetryPolicy};
use crate::trace::TraceSink;
use crate::session::Session;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

pub(super) struct JobContext {
    pub session: Arc<Session>,
    pub retry: RetryPolicy,
    pub user_agent: String,
    pub limit: Arc<AdaptiveLimit>,
    pub progress: Arc<Progress>,
    pub cancel: CancellationToken,
    pub trace: Arc<TraceSink>,
    outcomes: mpsc::Sender<Outcome>,
}

impl JobContext {
    pub fn new(
        session: Arc<Session>,
        retry: RetryPolicy,
        user_agent: String,
        limit: Arc<AdaptiveLimit>,
        progress: Arc<Progress>,
        cancel: CancellationToken,
        trace: Arc<TraceSink>,
        outcomes: mpsc::Sender<Outcome>,
    ) -> Self {
        Self { session, retry, user_agent, limit, progress, cancel, trace, outcomes }
    }

    /// Hands an outcome to the consumer, waiting while its queue is full (backpressure).
    /// If the consumer is gone (the job was dropped), there is nobody left to tell.
    pub async fn deliver(&self, outcome: Outcome) {
        self.progress.finished(outcome.result.is_ok());
        let _ = self.outcomes.send(outcome).await;
    }

    /// Waits until the tenant's throttle gate is open. False when cancelled meanwhile.
    pub async fn wait_gate(&self) -> bool {
        tokio::select! {
            biased;
            _ = self.cancel.cancelled() => false,
            _ = self.session.gate().wait_open() => true,
        }
    }

    /// A concurrency slot under the adaptive limit, held while one request is on the wire.
    /// None when cancelled meanwhile.
    pub async fn concurrency_slot(&self) -> Option<LimitPermit> {
        tokio::select! {
            biased;
            _ = self.cancel.cancelled() => None,
            permit = self.limit.acquire() => Some(permit),
        }
    }

    /// Sleeps before a retry. False when cancelled meanwhile.
    pub async fn sleep(&self, wait: Duration) -> bool {
        tokio::select! {
            biased;
            _ = self.cancel.cancelled() => false,
            _ = tokio::time::sleep(wait) => true,
        }
    }

    /// Records a failed attempt and decides what follows. A 429 (or a 503 that says how long to
    /// wait) closes the gate for everyone sending with this session, and halves concurrency.
    pub fn after_failure(&self, attempt: u32, error: &AttemptError) -> Decision {
        let now = Instant::now();
        if error.is_throttling() {
            self.progress.throttled();
            self.limit.on_throttled(now);
        }
        close_gate_if_throttled(&self.session, error);
        let decision = self.retry.decide(attempt, error, fastrand::f64());
        if matches!(decision, Decision::RetryAfter(_)) {
            self.progress.retried();
        }
        decision
    }

    /// The token for the next attempt; a sign-in failure becomes this input's outcome.
    pub async fn token(&self) -> Result<Arc<AccessToken>, Failure> {
        tokio::select! {
            biased;
            _ = self.cancel.cancelled() => Err(Failure::Cancelled),
            token = self.session.tokens().access_token() => token.map_err(Failure::SignIn),
        }
    }

    /// Graph answered 401 with `rejected`: renew the token once. True when a new one is ready.
    pub async fn renew(&self, rejected: &Arc<AccessToken>) -> bool {
        tokio::select! {
            biased;
            _ = self.cancel.cancelled() => false,
            renewed = self.session.tokens().refresh(rejected) => renewed.is_ok(),
        }
    }
}

/// The job's side of each attempt: concurrency adapts, counters count.
impl AttemptHooks for JobContext {
    type AttemptSlot = LimitPermit;

    fn attempt_slot(&self) -> impl Future<Output = LimitPermit> + Send {
        self.limit.acquire()
    }

    fn on_success(&self) {
        self.limit.on_success();
    }

    fn on_failure(&self, attempt: u32, error: &AttemptError) -> Decision {
        self.after_failure(attempt, error)
    }

    fn policy(&self) -> &RetryPolicy {
        &self.retry
    }
}
