//! `RevokeJobHandle`: one cmdlet invocation's bulk revocation, driven from the pipeline thread.

use crate::dto::{JobOptionsDto, OutcomeDto, SummaryDto, TraceDto, to_json};
use crate::error::NativeError;
use crate::graph_session::GraphSession;
use crate::panic_boundary::{guard_json, guard_result, guard_value};
use crate::runtime;
use entra_core::retry::RetryPolicy;
use entra_core::{JobOptions, RevokeJob, SubmitStatus};
use interoptopus::ffi;
use std::time::Duration;

#[ffi]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubmitResult {
    Accepted,
    /// Accepted and held back: the input is the signed-in user, revoked after everyone else.
    AcceptedLast,
    /// Take outcomes, then submit the same input again.
    Full,
    /// The job no longer takes input (completed or cancelled).
    Closed,
}

#[ffi]
#[derive(Debug, Clone, Copy, Default)]
pub struct JobProgress {
    pub submitted: u64,
    pub succeeded: u64,
    pub failed: u64,
    pub throttled: u64,
    pub retries: u64,
    pub concurrency: u32,
}

#[ffi(service)]
pub struct RevokeJobHandle {
    job: RevokeJob,
    verify: bool,
}

#[ffi]
impl RevokeJobHandle {
    /// Starts a job on `session`.
    /// `options_json`: {"throttleLimit","maxRetry","useBatch","userAgent","trace":"off|requests|headers","verify"}.
    pub fn start(session: &GraphSession, options_json: ffi::String) -> ffi::Result<Self, NativeError> {
        guard_result(|| {
            let Ok(options) = serde_json::from_str::<JobOptionsDto>(options_json.as_str()) else {
                return ffi::Result::Err(NativeError::InvalidOptions);
            };
            let options = JobOptions {
                throttle_limit: options.throttle_limit,
                retry: RetryPolicy { max_retries: options.max_retry, ..RetryPolicy::default() },
                use_batch: options.use_batch,
                user_agent: options.user_agent,
                trace: options.trace.into(),
                verify: options.verify,
            };
            let verify = options.verify;
            ffi::Result::Ok(Self { job: RevokeJob::start(session.inner.clone(), options, runtime::handle()), verify })
        })
    }

    /// Offers one identifier without blocking.
    pub fn submit(&self, tag: u64, user_id: ffi::String) -> SubmitResult {
        guard_value(SubmitResult::Closed, || match self.job.try_submit(tag, user_id.into_string()) {
            SubmitStatus::Accepted => SubmitResult::Accepted,
            SubmitStatus::AcceptedLast => SubmitResult::AcceptedLast,
            SubmitStatus::Full => SubmitResult::Full,
            SubmitStatus::Closed => SubmitResult::Closed,
        })
    }

    /// No more input will come.
    pub fn complete_input(&self) {
        guard_value((), || self.job.complete_input());
    }

    /// Up to `max` finished outcomes as a JSON array, waiting up to `wait_ms` for the first.
    pub fn take_outcomes(&self, max: u32, wait_ms: u32) -> ffi::String {
        guard_json(
            || to_json(&Vec::<OutcomeDto<'_>>::new()),
            || {
                let outcomes = self.job.next_outcomes(max.max(1) as usize, Duration::from_millis(u64::from(wait_ms)));
                to_json(&outcomes.iter().map(OutcomeDto::from_outcome).collect::<Vec<_>>())
            },
        )
    }

    /// The requests logged since the last call as JSON {"entries":[…],"dropped":n}.
    pub fn take_trace(&self) -> ffi::String {
        guard_json(
            || to_json(&TraceDto::empty()),
            || {
                let (entries, dropped) = self.job.take_traces();
                to_json(&TraceDto::new(&entries, dropped))
            },
        )
    }

    /// The run's closing summary as JSON {"revoked","verified","notVerified","failed",
    /// "failedByKind","throttleWaitMs","elapsedMs","message"} (figures so far until finished).
    pub fn summary(&self) -> ffi::String {
        guard_json(|| to_json(&SummaryDto::default()), || to_json(&SummaryDto::new(&self.job.summary(), self.verify)))
    }

    /// 1 once input is complete and every outcome has been taken, else 0.
    pub fn is_finished(&self) -> u8 {
        guard_value(1, || u8::from(self.job.is_finished()))
    }

    /// Stops sending; callable from any thread (PowerShell's StopProcessing).
    pub fn cancel(&self) {
        guard_value((), || self.job.cancel());
    }

    pub fn progress(&self) -> JobProgress {
        guard_value(JobProgress::default(), || {
            let p = self.job.progress();
            JobProgress {
                submitted: p.submitted,
                succeeded: p.succeeded,
                failed: p.failed,
                throttled: p.throttled,
                retries: p.retries,
                concurrency: u32::try_from(self.job.current_concurrency()).unwrap_or(u32::MAX),
            }
        })
    }
}
