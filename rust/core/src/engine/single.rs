//! One user per request, driven to a final answer by the attempt engine; with -Verify, a
//! successful revocation is followed by a read of the user's record through the same engine
//! (concurrency slot, throttle gate, retries, cancellation).

use super::context::JobContext;
use super::work::Work;
use crate::attempts::drive;
use crate::http::{RequestContext, get, post};
use crate::identifier::UserIdentifier;
use crate::request_url::{revoke_sign_in_sessions_url, user_read_url};
use crate::retry::LimitPermit;
use crate::transport::MAX_ANSWER_BYTES;
use crate::verify::{SELECT, Verification};
use chrono::{DateTime, Utc};
use std::sync::Arc;
use tokio::sync::OwnedSemaphorePermit;
use tokio::time::Instant;

pub(super) async fn revoke_one(ctx: Arc<JobContext>, work: Work, permit: OwnedSemaphorePermit, first_slot: LimitPermit) {
    let started = Instant::now();
    let url = revoke_sign_in_sessions_url(ctx.session.endpoint(), &work.id);
    let transport = ctx.session.transport();
    let user_agent = ctx.user_agent.as_str();
    let trace = Some(&*ctx.trace);
    // When the attempt that succeeded was sent: the directory's record must not be older.
    let mut sent_at = Utc::now();
    let driven = drive(&ctx.session, &ctx.cancel, &*ctx, Some(first_slot), |token, attempt| {
        let url = url.clone();
        sent_at = Utc::now();
        async move { post(transport, url, None, MAX_ANSWER_BYTES, &RequestContext { token: &token, user_agent, attempt, trace }).await }
    })
    .await;
    let result = driven.result.map(|(success, _body)| success);
    let verification = match &result {
        Ok(_) if ctx.verify => Some(read_back(&ctx, &work.id, sent_at).await),
        _ => None,
    };
    ctx.deliver(work.verified_outcome(driven.attempts, started.elapsed(), result, verification)).await;
    // The work slot is freed only once the outcome is queued (as a batch does): while the
    // consumer takes no outcomes, finished work waits here holding its slot, so the dispatcher
    // stops pulling input instead of parking one finished task per user.
    drop(permit);
}

/// `GET users/{id}?$select=…signInSessionsValidFromDateTime`. Whatever happens to the read, the
/// revocation stays a success: a failed read is a `Verification::ReadFailed`.
async fn read_back(ctx: &JobContext, id: &UserIdentifier, sent_at: DateTime<Utc>) -> Verification {
    let url = user_read_url(ctx.session.endpoint(), id, SELECT);
    let transport = ctx.session.transport();
    let user_agent = ctx.user_agent.as_str();
    let trace = Some(&*ctx.trace);
    let driven = drive(&ctx.session, &ctx.cancel, ctx, None, |token, attempt| {
        let url = url.clone();
        async move { get(transport, url, false, MAX_ANSWER_BYTES, &RequestContext { token: &token, user_agent, attempt, trace }).await }
    })
    .await;
    match driven.result {
        Ok((_, body)) => Verification::from_answer(&body, sent_at),
        Err(failure) => Verification::ReadFailed(failure),
    }
}
