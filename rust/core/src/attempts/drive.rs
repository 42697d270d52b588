//! One logical request driven to its final answer, one HTTP request per attempt.

use super::hooks::AttemptHooks;
use super::machine::{AttemptState, Step, clear_to_send, paced_send_succeeded, report_exchange, until_cancelled, until_cancelled_value};
use crate::attempt::AttemptError;
use crate::auth::AccessToken;
use crate::http::Answered;
use crate::outcome::Failure;
use crate::session::Session;
use std::future::Future;
use std::sync::Arc;
use tokio_util::sync::CancellationToken;

/// The answer and the number of attempts (requests sent) it took.
pub struct Driven {
    pub attempts: u32,
    pub result: Result<Answered, Failure>,
}

/// `first_slot`: a slot the caller already holds for the first attempt (None: take one).
/// `send(token, attempt)` sends one attempt.
pub async fn drive<H, F, Fut>(session: &Session, cancel: &CancellationToken, hooks: &H, mut first_slot: Option<H::AttemptSlot>, mut send: F) -> Driven
where
    H: AttemptHooks,
    F: FnMut(Arc<AccessToken>, u32) -> Fut,
    Fut: Future<Output = Result<Answered, AttemptError>>,
{
    let mut state = AttemptState::new();
    let mut throttled: bool;
    let result = loop {
        let slot = match first_slot.take() {
            Some(slot) => slot,
            None => match until_cancelled_value(cancel, hooks.attempt_slot()).await {
                Some(slot) => slot,
                None => break Err(Failure::Cancelled),
            },
        };
        let probe = match clear_to_send(session, hooks, cancel, 1).await {
            Ok(probe) => probe,
            Err(failure) => break Err(failure),
        };
        let step = match until_cancelled_value(cancel, session.tokens().access_token()).await {
            None => break Err(Failure::Cancelled),
            Some(Err(error)) => {
                drop((slot, probe));
                throttled = false;
                state.token_failed(hooks, error)
            }
            Some(Ok(token)) => {
                let attempt = state.sending();
                let Some(answer) = until_cancelled_value(cancel, send(token.clone(), attempt)).await else {
                    break Err(Failure::Cancelled);
                };
                drop(slot);
                report_exchange(session, &answer, probe);
                if let Ok((success, _)) = &answer {
                    paced_send_succeeded(session, 1, success.limit_used);
                }
                throttled = matches!(&answer, Err(error) if error.is_throttling());
                state.after(session, hooks, cancel, &token, answer).await
            }
        };
        match step {
            Step::Done(result) => break result,
            Step::Again { not_before } => {
                // Sleeping out a 429's Retry-After is time spent waiting on throttling.
                let _waiting = hooks.throttle_clock().filter(|_| throttled).map(|clock| clock.enter());
                if !until_cancelled(cancel, tokio::time::sleep_until(not_before)).await {
                    break Err(Failure::Cancelled);
                }
            }
        }
    };
    Driven { attempts: state.attempts(), result }
}
