//! JSON batching: up to 20 revocations per `$batch` request. Graph throttles each item on its
//! own, with its own Retry-After in the item's headers, and Graph's SDKs do not retry items; we
//! retry each item on its own schedule, so results match the unbatched mode exactly.

use super::context::JobContext;
use super::dispatch::Work;
use crate::retry::driver::AttemptHooks;
use crate::attempt::{AttemptError, AttemptSuccess, TransportKind};
use crate::auth::{AccessToken, AuthError};
use crate::graph_error::{GraphError, ResponseIds};
use crate::http::{RequestContext, post};
use crate::outcome::Failure;
use crate::request_url::{batch_item_revoke_url, batch_url};
use crate::retry::{Decision, LimitPermit, parse_retry_after};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::SystemTime;
use tokio::sync::OwnedSemaphorePermit;
use tokio::time::Instant;

struct Item {
    work: Work,
    attempts: u32,
    not_before: Instant,
}

pub(super) async fn revoke_batch(ctx: Arc<JobContext>, works: Vec<Work>, permit: OwnedSemaphorePermit, first_slot: LimitPermit) {
    let started = Instant::now();
    let mut pending: Vec<Item> = works.into_iter().map(|work| Item { work, attempts: 0, not_before: started }).collect();
    let mut renewed = false;
    let mut sign_in_waits = 0;
    let mut first_slot = Some(first_slot);
    while !pending.is_empty() {
        let earliest = pending.iter().map(|i| i.not_before).min().unwrap_or(started);
        if !ctx.sleep(earliest.saturating_duration_since(Instant::now())).await {
            break;
        }
        // A concurrency slot only while the batch request is on the wire (see AttemptHooks); the
        // first send uses the one the dispatcher took.
        let slot = match first_slot.take() {
            Some(slot) => slot,
            None => match ctx.concurrency_slot().await {
                Some(slot) => slot,
                None => break,
            },
        };
        if !ctx.wait_gate().await {
            break;
        }
        let now = Instant::now();
        let (mut ready, waiting): (Vec<Item>, Vec<Item>) = pending.into_iter().partition(|i| i.not_before <= now);
        pending = waiting;
        let token = match ctx.token().await {
            Ok(token) => token,
            Err(failure) => {
                // The identity platform is down or unreachable: the batch waits for it, as a
                // single request does (see `drive`), instead of failing every item.
                if matches!(failure, Failure::SignIn(AuthError::Unavailable(_))) {
                    sign_in_waits += 1;
                    if let Some(wait) = ctx.sign_in_retry(sign_in_waits) {
                        drop(slot);
                        let resume = Instant::now() + wait;
                        pending.extend(ready.into_iter().map(|item| Item { not_before: item.not_before.max(resume), ..item }));
                        continue;
                    }
                }
                for item in ready.into_iter().chain(pending.drain(..)) {
                    ctx.deliver(item.work.outcome(item.attempts, started.elapsed(), Err(failure.clone()))).await;
                }
                break;
            }
        };
        // Attempts count requests sent: only now is one about to go.
        for item in &mut ready {
            item.attempts += 1;
        }
        let Some(answers) = send(&ctx, &ready, &token).await else {
            pending.extend(ready);
            break;
        };
        drop(slot);
        // An expired token is renewed once per batch; the rejected items go again at once.
        let rejected = answers.iter().any(|a| matches!(a, Err(e) if e.status() == Some(401)));
        let retry_rejected = rejected && !renewed && ctx.renew(&token).await;
        renewed |= rejected;
        for (item, answer) in ready.into_iter().zip(answers) {
            match answer {
                Err(error) if retry_rejected && error.status() == Some(401) => pending.push(Item { not_before: Instant::now(), ..item }),
                Ok(success) => {
                    ctx.session.gate().on_success();
                    ctx.limit.on_success();
                    ctx.deliver(item.work.outcome(item.attempts, started.elapsed(), Ok(success))).await;
                }
                Err(error) => match ctx.after_failure(item.attempts, &error) {
                    Decision::GiveUp => {
                        let exhausted = ctx.retries_exhausted(item.attempts, &error);
                        let failure = Failure::from_attempt(error, exhausted);
                        ctx.deliver(item.work.outcome(item.attempts, started.elapsed(), Err(failure))).await;
                    }
                    Decision::RetryAfter(wait) => pending.push(Item { not_before: Instant::now() + wait, ..item }),
                },
            }
        }
    }
    drop(permit);
    // Only reached with items left when the job was cancelled.
    for item in pending {
        ctx.deliver(item.work.outcome(item.attempts, started.elapsed(), Err(Failure::Cancelled))).await;
    }
}

#[derive(Serialize)]
struct BatchRequest<'a> {
    requests: Vec<BatchRequestItem<'a>>,
}

#[derive(Serialize)]
struct BatchRequestItem<'a> {
    id: String,
    method: &'a str,
    url: String,
}

#[derive(Deserialize)]
struct BatchResponse {
    #[serde(default)]
    responses: Vec<BatchResponseItem>,
}

#[derive(Deserialize)]
struct BatchResponseItem {
    id: String,
    status: u16,
    #[serde(default)]
    headers: HashMap<String, String>,
    #[serde(default)]
    body: Value,
}

/// Sends one `$batch` for `items` and returns one answer per item, in the items' order.
/// `None` when the job was cancelled while the request was out.
async fn send(ctx: &JobContext, items: &[Item], token: &AccessToken) -> Option<Vec<Result<AttemptSuccess, AttemptError>>> {
    let body = BatchRequest {
        requests: items
            .iter()
            .enumerate()
            .map(|(i, item)| BatchRequestItem { id: (i + 1).to_string(), method: "POST", url: batch_item_revoke_url(&item.work.id) })
            .collect(),
    };
    let body = serde_json::to_vec(&body).expect("batch request serialises");
    let attempt = items.iter().map(|i| i.attempts).max().unwrap_or(1);
    let request = RequestContext { token, user_agent: &ctx.user_agent, attempt, trace: Some(&*ctx.trace) };
    let answer = tokio::select! {
        biased;
        _ = ctx.cancel.cancelled() => return None,
        answer = post(ctx.session.client(), batch_url(ctx.session.endpoint()), Some(body), &request) => answer,
    };
    Some(match answer {
        Err(error) => items.iter().map(|_| Err(error.clone())).collect(),
        Ok((envelope, bytes)) => split_responses(items.len(), &envelope, &bytes),
    })
}

fn split_responses(count: usize, envelope: &AttemptSuccess, bytes: &[u8]) -> Vec<Result<AttemptSuccess, AttemptError>> {
    let mut by_id: HashMap<String, BatchResponseItem> = match serde_json::from_slice::<BatchResponse>(bytes) {
        Ok(parsed) => parsed.responses.into_iter().map(|r| (r.id.clone(), r)).collect(),
        Err(_) => HashMap::new(),
    };
    (1..=count)
        .map(|id| match by_id.remove(&id.to_string()) {
            Some(item) => item_answer(item, envelope),
            None => Err(AttemptError::Transport {
                kind: TransportKind::ConnectionClosed,
                message: "Graph's batch response did not include an answer for this request".to_owned(),
            }),
        })
        .collect()
}

fn item_answer(item: BatchResponseItem, envelope: &AttemptSuccess) -> Result<AttemptSuccess, AttemptError> {
    let header = |name: &str| item.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.clone());
    let request_id = header("request-id").or_else(|| envelope.request_id.clone());
    if (200..300).contains(&item.status) {
        return Ok(AttemptSuccess { status: item.status, request_id, client_request_id: envelope.client_request_id.clone() });
    }
    let ids = ResponseIds { request_id, client_request_id: Some(envelope.client_request_id.clone()), date: header("date") };
    // An item without a body (absent, so Null) must read as "no body", as it does unbatched;
    // a text body is the text itself, not its JSON quoting.
    let body = match &item.body {
        Value::Null => Vec::new(),
        Value::String(text) => text.as_bytes().to_vec(),
        other => serde_json::to_vec(other).unwrap_or_default(),
    };
    let retry_after = header("retry-after").and_then(|v| parse_retry_after(&v, SystemTime::now()));
    Err(AttemptError::Http { error: GraphError::from_response(item.status, &body, &ids), retry_after })
}
