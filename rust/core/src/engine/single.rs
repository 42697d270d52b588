//! One user, one request at a time, retried per the policy.

use super::context::JobContext;
use super::dispatch::Work;
use crate::attempt::AttemptError;
use crate::http::{RequestContext, post};
use crate::outcome::Failure;
use crate::request_url::revoke_sign_in_sessions_url;
use crate::retry::{Decision, LimitPermit};
use std::sync::Arc;
use tokio::time::Instant;

pub(super) async fn revoke_one(ctx: Arc<JobContext>, work: Work, permit: LimitPermit) {
    let started = Instant::now();
    let url = revoke_sign_in_sessions_url(ctx.session.endpoint(), &work.id);
    let mut attempt = 0;
    let mut renewed = false;
    let result = loop {
        attempt += 1;
        if !ctx.wait_gate().await {
            break Err(Failure::Cancelled);
        }
        let token = match ctx.token().await {
            Ok(token) => token,
            Err(failure) => break Err(failure),
        };
        let request = RequestContext { token: &token, user_agent: &ctx.user_agent, attempt };
        let answer = tokio::select! {
            biased;
            _ = ctx.cancel.cancelled() => break Err(Failure::Cancelled),
            answer = post(ctx.session.client(), url.clone(), None, &request) => answer,
        };
        match answer {
            Ok((success, _body)) => {
                ctx.limit.on_success();
                break Ok(success);
            }
            // An expired token is renewed once, then the same user is tried again at once.
            Err(error) if error.status() == Some(401) && !renewed => {
                renewed = true;
                if !ctx.renew(&token).await {
                    break Err(give_up(error, attempt, &ctx));
                }
            }
            Err(error) => match ctx.after_failure(attempt, &error) {
                Decision::GiveUp => break Err(give_up(error, attempt, &ctx)),
                Decision::RetryAfter(wait) => {
                    if !ctx.sleep(wait).await {
                        break Err(Failure::Cancelled);
                    }
                }
            },
        }
    };
    ctx.deliver(work.outcome(attempt, started.elapsed(), result)).await;
    // The slot is freed only once the outcome is queued (as a batch does): while the consumer
    // takes no outcomes, finished work waits here holding its slot, so the dispatcher stops
    // pulling input instead of parking one finished task per user.
    drop(permit);
}

pub(super) fn give_up(error: AttemptError, attempt: u32, ctx: &JobContext) -> Failure {
    let exhausted = crate::retry::policy::is_retryable(&error) && attempt > ctx.retry.max_retries;
    Failure::from_attempt(error, exhausted)
}
