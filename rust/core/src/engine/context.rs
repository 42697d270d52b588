//! What every task of one job shares.

use super::progress::Progress;
use super::summary::Tally;
use crate::attempt::AttemptError;
use crate::attempts::{AttemptHooks, WaitClock, close_gate_if_throttled};
use crate::outcome::Outcome;
use crate::retry::{AdaptiveLimit, Decision, LimitPermit, OperationsWindow, RetryPolicy};
use crate::session::Session;
use crate::trace::TraceSink;
use std::sync::Arc;
use tokio::sync::mpsc;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

pub(super) struct JobContext {
    pub session: Arc<Session>,
    pub retry: RetryPolicy,
    pub user_agent: String,
    pub limit: Arc<AdaptiveLimit>,
    /// `$batch` sends: slow start in operations (Graph's quota counts items, not requests).
    pub operations: Arc<OperationsWindow>,
    pub progress: Arc<Progress>,
    pub cancel: CancellationToken,
    pub trace: Arc<TraceSink>,
    /// -Verify: each successful revocation is followed by a read of the user's record.
    pub verify: bool,
    pub tally: Arc<Tally>,
    pub throttle_wait: Arc<WaitClock>,
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
        verify: bool,
        tally: Arc<Tally>,
        throttle_wait: Arc<WaitClock>,
        outcomes: mpsc::Sender<Outcome>,
    ) -> Self {
        let operations = OperationsWindow::new(limit.max() * super::MAX_BATCH_SIZE);
        Self { session, retry, user_agent, limit, operations, progress, cancel, trace, verify, tally, throttle_wait, outcomes }
    }

    /// Hands an outcome to the consumer, waiting while its queue is full (backpressure).
    /// If the consumer is gone (the job was dropped), there is nobody left to tell.
    pub async fn deliver(&self, outcome: Outcome) {
        self.progress.finished(outcome.result.is_ok());
        self.tally.count(&outcome);
        let _ = self.outcomes.send(outcome).await;
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

    /// Records a failed attempt and decides what follows. A 429 (or a 503 that says how long to
    /// wait) closes the gate for everyone sending with this session, and halves concurrency.
    fn on_failure(&self, attempt: u32, error: &AttemptError) -> Decision {
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

    fn policy(&self) -> &RetryPolicy {
        &self.retry
    }

    fn throttle_clock(&self) -> Option<&Arc<WaitClock>> {
        Some(&self.throttle_wait)
    }
}
