//! `SignedInRevocationHandle`: Revoke-EntraSignedInUserAllRefreshToken's one request, run from
//! the pipeline thread (`run` blocks) and cancellable from StopProcessing (`cancel`). The answer
//! is an outcome document in the same shape as a bulk job's, so C# maps errors the same way.

use crate::contract::{DELEGATED_SIGN_IN_REQUIRED_MESSAGE, FailureKind};
use crate::dto::{OutcomeDto, TraceDto, TraceLevelDto};
use crate::error::NativeError;
use crate::graph_session::GraphSession;
use crate::panic_boundary::{guard_result, guard_value};
use crate::runtime;
use chrono::{SecondsFormat, Utc};
use entra_core::retry::RetryPolicy;
use entra_core::signed_in_user::{SignedInRevokeError, revoke_signed_in_user};
use entra_core::trace::TraceSink;
use entra_core::{Outcome, Session};
use interoptopus::ffi;
use serde::Deserialize;
use serde_json::json;
use std::sync::Arc;
use tokio_util::sync::CancellationToken;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct OptionsDto {
    user_agent: String,
    #[serde(default = "crate::contract::default_max_retry")]
    max_retry: u32,
    #[serde(default)]
    trace: TraceLevelDto,
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
        let fallback = r#"{"tag":0,"input":"me","succeeded":false,"attempts":0,"durationMs":0,"completedAt":"1970-01-01T00:00:00.000Z","failure":{"kind":"Other","message":"internal error in the native library","retriesExhausted":false}}"#;
        guard_value(ffi::String::from_string(fallback.to_owned()), || {
            let started = std::time::Instant::now();
            let policy = RetryPolicy { max_retries: self.options.max_retry, ..RetryPolicy::default() };
            let done = runtime::handle().block_on(revoke_signed_in_user(&self.session, policy, &self.options.user_agent, &self.cancel, Some(&self.trace)));
            // The signed-in account names the input, as a UPN names a user in the bulk cmdlet.
            let input = self.session.claims().account.unwrap_or_else(|| "me".to_owned());
            let json = match done.result {
                Err(SignedInRevokeError::AppOnlyToken) => json!({
                    "tag": 0,
                    "input": input,
                    "succeeded": false,
                    "attempts": done.attempts,
                    "durationMs": started.elapsed().as_secs_f64() * 1000.0,
                    "completedAt": Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true),
                    "failure": {
                        "kind": FailureKind::DelegatedSignInRequired,
                        "message": DELEGATED_SIGN_IN_REQUIRED_MESSAGE,
                        "retriesExhausted": false,
                    },
                })
                .to_string(),
                result => {
                    let outcome = Outcome {
                        tag: 0,
                        input,
                        attempts: done.attempts,
                        duration: started.elapsed(),
                        completed_at: Utc::now(),
                        result: result.map_err(|e| match e {
                            SignedInRevokeError::Failed(failure) => failure,
                            SignedInRevokeError::AppOnlyToken => unreachable!("handled above"),
                        }),
                        verification: None,
                    };
                    serde_json::to_string(&OutcomeDto::from_outcome(&outcome)).unwrap_or_else(|_| fallback.to_owned())
                }
            };
            ffi::String::from_string(json)
        })
    }

    /// The requests logged since the last call as JSON {"entries":[…],"dropped":n}.
    pub fn take_trace(&self) -> ffi::String {
        guard_value(ffi::String::from_string(r#"{"entries":[],"dropped":0}"#.to_owned()), || {
            let (entries, dropped) = self.trace.take();
            ffi::String::from_string(TraceDto::new(&entries, dropped).to_json())
        })
    }

    /// Stops the request in progress; callable from any thread (StopProcessing).
    pub fn cancel(&self) {
        guard_value((), || self.cancel.cancel());
    }
}
