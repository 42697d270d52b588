//! `SignedInRevocationHandle`: Revoke-EntraSignedInUserAllRefreshToken's one request, run from
//! the pipeline thread (`run` blocks) and cancellable from StopProcessing (`cancel`). The answer
//! is an outcome document in the same shape as a bulk job's, so C# maps errors the same way.

use crate::dto::{FailureDto, OutcomeDto, TraceDto, TraceLevelDto, to_json};
use crate::error::NativeError;
use crate::graph_session::GraphSession;
use crate::panic_boundary::{guard_json, guard_result, guard_value};
use crate::runtime;
use chrono::Utc;
use entra_core::retry::RetryPolicy;
use entra_core::signed_in_user::{SignedInRevokeError, revoke_signed_in_user};
use entra_core::trace::TraceSink;
use entra_core::{Outcome, Session};
use interoptopus::ffi;
use serde::Deserialize;
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

boundary_document! {
    /// Revoke-EntraSignedInUserAllRefreshToken's options (SignedInRevocationHandle.start).
    #[csharp_input = "SignedInOptionsRecord"]
    pub(crate) struct OptionsDto {
        user_agent: String => "string",
        #[serde(default = "crate::contract::default_max_retry")]
        max_retry: u32 => "int",
        #[serde(default)]
        trace: TraceLevelDto => "TraceLevel",
    }
}

#[ffi(service)]
pub struct SignedInRevocationHandle {
    session: Arc<Session>,
    options: OptionsDto,
    cancel: CancellationToken,
    trace: TraceSink,
}

#[ffi]
impl SignedInRevocationHandle {
    /// `options_json`: {"userAgent","maxRetry","trace":"off|requests|headers"}.
    pub fn start(session: &GraphSession, options_json: ffi::String) -> ffi::Result<Self, NativeError> {
        guard_result(|| match serde_json::from_str::<OptionsDto>(options_json.as_str()) {
            Ok(options) => {
                let trace = TraceSink::new(options.trace.into());
                ffi::Result::Ok(Self { session: session.inner.clone(), options, cancel: CancellationToken::new(), trace })
            }
            Err(_) => ffi::Result::Err(NativeError::InvalidOptions),
        })
    }

    /// Sends the revocation (with retries) and answers one outcome as JSON. Blocks.
    pub fn run(&self) -> ffi::String {
        guard_json(
            || to_json(&OutcomeDto::failed_locally("me", 0, Duration::ZERO, FailureDto::internal())),
            || {
                let started = std::time::Instant::now();
                let policy = RetryPolicy { max_retries: self.options.max_retry, ..RetryPolicy::default() };
                let done = runtime::handle().block_on(revoke_signed_in_user(&self.session, policy, &self.options.user_agent, &self.cancel, Some(&self.trace)));
                // The signed-in account names the input, as a UPN names a user in the bulk cmdlet.
                let input = self.session.claims().account.unwrap_or_else(|| "me".to_owned());
                let result = match done.result {
                    Err(SignedInRevokeError::AppOnlyToken) => {
                        return to_json(&OutcomeDto::failed_locally(&input, done.attempts, started.elapsed(), FailureDto::delegated_sign_in_required()));
                    }
                    Err(SignedInRevokeError::Failed(failure)) => Err(failure),
                    Ok(success) => Ok(success),
                };
                let outcome = Outcome { tag: 0, input, attempts: done.attempts, duration: started.elapsed(), completed_at: Utc::now(), result, verification: None };
                to_json(&OutcomeDto::from_outcome(&outcome))
            },
        )
    }

    /// The requests logged since the last call as JSON {"entries":[…],"dropped":n}.
    pub fn take_trace(&self) -> ffi::String {
        guard_json(
            || to_json(&TraceDto::empty()),
            || {
                let (entries, dropped) = self.trace.take();
                to_json(&TraceDto::new(&entries, dropped))
            },
        )
    }

    /// Stops the request in progress; callable from any thread (StopProcessing).
    pub fn cancel(&self) {
        guard_value((), || self.cancel.cancel());
    }
}
