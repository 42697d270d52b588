//! The handle a caller (the FFI layer, on PowerShell's pipeline thread) drives a job with.

use super::context::JobContext;
use super::dispatch::dispatch;
use super::work::Work;
use super::progress::{Progress, ProgressSnapshot};
use super::summary::{RunSummary, Tally};
use crate::attempts::WaitClock;
use crate::auth::TokenClaims;
use crate::identifier::UserIdentifier;
use crate::outcome::{Failure, Outcome};
use crate::retry::{AdaptiveLimit, RetryPolicy};
use crate::session::Session;
use crate::trace::{RequestTrace, TraceLevel, TraceSink};
use chrono::Utc;
use parking_lot::Mutex;
use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use tokio::runtime::Handle;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

#[derive(Debug, Clone)]
pub struct JobOptions {
    pub throttle_limit: usize,
    pub retry: RetryPolicy,
    pub use_batch: bool,
    pub user_agent: String,
    /// What to log of each request for -Verbose/-Debug.
    pub trace: TraceLevel,
    /// -Verify: read each revoked user's record back (`crate::verify`).
    pub verify: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubmitStatus {
    /// The input is the job's now; its outcome will come.
    Accepted,
    /// Accepted, and held back: it names the signed-in user, whose revocation runs last, after
    /// every other outcome is in.
    AcceptedLast,
    /// The queue is full: take outcomes, then submit again.
    Full,
    /// Input was completed or the job cancelled; the input was not taken.
    Closed,
}

pub struct RevokeJob {
    runtime: Handle,
    input: Mutex<Option<mpsc::Sender<Work>>>,
    /// Outcomes decided without any request (invalid identifiers), delivered first.
    rejected: Mutex<VecDeque<Outcome>>,
    outcomes: Mutex<mpsc::Receiver<Outcome>>,
    drained: AtomicBool,
    progress: Arc<Progress>,
    limit: Arc<AdaptiveLimit>,
    cancel: CancellationToken,
    trace: Arc<TraceSink>,
    /// Who the connection is signed in as (delegated tokens), and the inputs naming that user.
    claims: TokenClaims,
    last: Arc<Mutex<Vec<Work>>>,
    tally: Arc<Tally>,
}

impl RevokeJob {
    /// Starts the job's dispatcher on `runtime`.
    pub fn start(session: Arc<Session>, options: JobOptions, runtime: Handle) -> Self {
        let throttle_limit = options.throttle_limit.clamp(super::MIN_THROTTLE_LIMIT, super::MAX_THROTTLE_LIMIT);
        let queue = (throttle_limit * 2).max(64);
        let (input_tx, input_rx) = mpsc::channel(queue);
        let (outcome_tx, outcome_rx) = mpsc::channel(queue.max(256));
        let progress = Arc::new(Progress::default());
        let limit = AdaptiveLimit::new(throttle_limit);
        let cancel = CancellationToken::new();
        let trace = Arc::new(TraceSink::new(options.trace));
        let claims = session.claims();
        let throttle_wait = WaitClock::new();
        let tally = Arc::new(Tally::new(throttle_wait.clone()));
        let last = Arc::new(Mutex::new(Vec::new()));
        let context = JobContext::new(session, options.retry, options.user_agent, limit.clone(), progress.clone(), cancel.clone(), trace.clone(), options.verify, tally.clone(), throttle_wait, outcome_tx);
        runtime.spawn(dispatch(Arc::new(context), input_rx, last.clone(), options.use_batch, throttle_limit));
        Self {
            runtime,
            input: Mutex::new(Some(input_tx)),
            rejected: Mutex::new(VecDeque::new()),
            outcomes: Mutex::new(outcome_rx),
            drained: AtomicBool::new(false),
            progress,
            limit,
            cancel,
            trace,
            claims,
            last,
            tally,
        }
    }

    /// Offers one input without blocking. An invalid identifier is accepted and answered at once
    /// with an InvalidArgument outcome: it never becomes a request.
    pub fn try_submit(&self, tag: u64, input: String) -> SubmitStatus {
        let guard = self.input.lock();
        let Some(sender) = guard.as_ref().filter(|_| !self.cancel.is_cancelled()) else {
            return SubmitStatus::Closed;
        };
        let id = match UserIdentifier::parse(&input) {
            Ok(id) => id,
            Err(e) => {
                // Rejected outcomes wait for the consumer like any other: bounded, so a stream of
                // invalid input cannot grow the job's memory while no outcome is taken.
                let mut rejected = self.rejected.lock();
                if rejected.len() >= sender.max_capacity() {
                    return SubmitStatus::Full;
                }
                self.progress.submitted();
                self.progress.finished(false);
                rejected.push_back(Outcome {
                    tag,
                    input,
                    attempts: 0,
                    duration: Duration::ZERO,
                    completed_at: Utc::now(),
                    result: Err(Failure::InvalidIdentifier(e)),
                    verification: None,
                });
                return SubmitStatus::Accepted;
            }
        };
        if self.claims.is_signed_in_user(&id) {
            self.progress.submitted();
            self.last.lock().push(Work { tag, input, id });
            return SubmitStatus::AcceptedLast;
        }
        match sender.try_send(Work { tag, input, id }) {
            Ok(()) => {
                self.progress.submitted();
                SubmitStatus::Accepted
            }
            Err(mpsc::error::TrySendError::Full(_)) => SubmitStatus::Full,
            Err(mpsc::error::TrySendError::Closed(_)) => SubmitStatus::Closed,
        }
    }

    /// No more input will come; the job finishes once the queued inputs have their outcomes.
    pub fn complete_input(&self) {
        self.input.lock().take();
    }

    /// Takes up to `max` outcomes, waiting up to `wait` for the first one. Called by one
    /// consumer thread (outside the runtime).
    pub fn next_outcomes(&self, max: usize, wait: Duration) -> Vec<Outcome> {
        let mut batch: Vec<Outcome> = {
            let mut rejected = self.rejected.lock();
            let n = rejected.len().min(max);
            rejected.drain(..n).collect()
        };
        let mut receiver = self.outcomes.lock();
        while batch.len() < max {
            match receiver.try_recv() {
                Ok(outcome) => batch.push(outcome),
                Err(mpsc::error::TryRecvError::Empty) => break,
                Err(mpsc::error::TryRecvError::Disconnected) => {
                    self.drained.store(true, Ordering::Release);
                    break;
                }
            }
        }
        if batch.is_empty() && !wait.is_zero() && !self.drained.load(Ordering::Acquire) {
            let received = self.runtime.block_on(async { tokio::time::timeout(wait, receiver.recv()).await });
            match received {
                Ok(Some(outcome)) => batch.push(outcome),
                Ok(None) => self.drained.store(true, Ordering::Release),
                Err(_elapsed) => {}
            }
        }
        batch
    }

    /// True once input is complete and every outcome has been taken.
    pub fn is_finished(&self) -> bool {
        self.drained.load(Ordering::Acquire) && self.rejected.lock().is_empty()
    }

    /// Stops sending: in-flight requests are abandoned, queued inputs become Cancelled outcomes.
    /// Safe to call from any thread, also while another thread waits in `next_outcomes`.
    pub fn cancel(&self) {
        self.cancel.cancel();
    }

    /// The requests logged since the last call (and how many did not fit the log).
    pub fn take_traces(&self) -> (Vec<RequestTrace>, u64) {
        self.trace.take()
    }

    /// The run's figures so far (the closing summary once the job is finished).
    pub fn summary(&self) -> RunSummary {
        self.tally.summary()
    }

    pub fn progress(&self) -> ProgressSnapshot {
        self.progress.snapshot()
    }

    /// Requests allowed in flight right now (lowered under sustained throttling).
    pub fn current_concurrency(&self) -> usize {
        self.limit.current_limit()
    }
}

impl Drop for RevokeJob {
    /// Dropping the job cancels it; the dispatcher then ends because nobody takes outcomes.
    fn drop(&mut self) {
        self.cancel.cancel();
    }
}
