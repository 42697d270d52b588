//! One user per request, driven to a final answer by the attempt engine.

use super::context::JobContext;
use super::work::Work;
use crate::attempts::drive;
use crate::http::{RequestContext, post};
use crate::request_url::revoke_sign_in_sessions_url;
use crate::retry::LimitPermit;
use crate::transport::MAX_ANSWER_BYTES;
use std::sync::Arc;
use tokio::sync::OwnedSemaphorePermit;
use tokio::time::Instant;

pub(super) async fn revoke_one(ctx: Arc<JobContext>, work: Work, permit: OwnedSemaphorePermit, first_slot: LimitPermit) {
    let started = Instant::now();
    let url = revoke_sign_in_sessions_url(ctx.session.endpoint(), &work.id);
    let transport = ctx.session.transport();
    let user_agent = ctx.user_agent.as_str();
    let trace = Some(&*ctx.trace);
    let driven = drive(&ctx.session, &ctx.cancel, &*ctx, Some(first_slot), |token, attempt| {
        let url = url.clone();
        async move { post(transport, url, None, MAX_ANSWER_BYTES, &RequestContext { token: &token, user_agent, attempt, trace }).await }
    })
    .await;
    let result = driven.result.map(|(success, _body)| success);
    ctx.deliver(work.outcome(driven.attempts, started.elapsed(), result)).await;
    // The work slot is freed only once the outcome is queued (as a batch does): while the
    // consumer takes no outcomes, finished work waits here holding its slot, so the dispatcher
    // stops pulling input instead of parking one finished task per user.
    drop(permit);
}
