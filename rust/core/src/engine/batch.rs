//! JSON batching: up to 20 revocations per `$batch` request. Graph throttles each item on its
//! own, with its own Retry-After in the item's headers, and Graph's SDKs do not retry items; here
//! every item has its own attempt state and goes through the same attempt engine as an unbatched
//! request (`crate::attempts`), only its sends are shared, so results match the unbatched mode.

use super::context::JobContext;
use super::work::Work;
use crate::attempt::{AttemptError, AttemptSuccess, TransportKind};
use crate::attempts::{AttemptState, Step, clear_to_send, paced_send_succeeded, report_exchange, until_cancelled, until_cancelled_value};
use crate::auth::AccessToken;
use crate::graph_error::{GraphError, ResponseIds};
use crate::http::{Answered, RequestContext, post};
use crate::outcome::Failure;
use crate::outcome::Outcome;
use crate::request_url::{batch_item_read_url, batch_item_revoke_url, batch_url};
use crate::verify::{SELECT, Verification};
use bytes::Bytes;
use chrono::{DateTime, Utc};
use crate::retry::{LimitPermit, limit_usage, parse_retry_after};
use crate::transport::MAX_BATCH_ANSWER_BYTES;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::SystemTime;
use tokio::sync::OwnedSemaphorePermit;
use tokio::time::Instant;

struct Item {
    work: Work,
    phase: Phase,
    state: AttemptState,
    not_before: Instant,
    /// Waiting for `not_before` because Graph throttled this item (time the summary counts).
    throttled: bool,
    /// When this item's latest attempt was sent.
    sent_at: DateTime<Utc>,
}

/// What an item asks Graph for: its revocation, then (with -Verify) its record, in later sends
/// of the same batch task, each with its own attempt state.
enum Phase {
    Revoke,
    Read { revoked: AttemptSuccess, attempts: u32, revoke_sent_at: DateTime<Utc> },
}

impl Item {
    fn new(work: Work, at: Instant) -> Self {
        Self { work, phase: Phase::Revoke, state: AttemptState::new(), not_before: at, throttled: false, sent_at: Utc::now() }
    }

    /// The item's outcome once its current request has a final answer (or never will).
    fn outcome(self, started: Instant, result: Result<Answered, Failure>) -> Outcome {
        match self.phase {
            Phase::Revoke => {
                let attempts = self.state.attempts();
                self.work.outcome(attempts, started.elapsed(), result.map(|(success, _)| success))
            }
            Phase::Read { revoked, attempts, revoke_sent_at } => {
                let verification = match result {
                    Ok((_, body)) => Verification::from_answer(&body, revoke_sent_at),
                    Err(failure) => Verification::ReadFailed(failure),
                };
                self.work.verified_outcome(attempts, started.elapsed(), Ok(revoked), Some(verification))
            }
        }
    }

    fn request(&self, id: usize) -> BatchRequestItem<'static> {
        let (method, url) = match self.phase {
            Phase::Revoke => ("POST", batch_item_revoke_url(&self.work.id)),
            Phase::Read { .. } => ("GET", batch_item_read_url(&self.work.id, SELECT)),
        };
        BatchRequestItem { id: id.to_string(), method, url }
    }
}

pub(super) async fn revoke_batch(ctx: Arc<JobContext>, works: Vec<Work>, permit: OwnedSemaphorePermit, first_slot: LimitPermit) {
    let started = Instant::now();
    let session = &*ctx.session;
    let cancel = &ctx.cancel;
    let mut pending: Vec<Item> = works.into_iter().map(|work| Item::new(work, started)).collect();
    let mut first_slot = Some(first_slot);
    while !pending.is_empty() {
        let earliest = pending.iter().map(|i| i.not_before).min().unwrap_or(started);
        let throttled = pending.iter().any(|i| i.throttled && i.not_before > Instant::now());
        let waiting = ctx.throttle_wait.clone();
        let waiting = throttled.then(|| waiting.enter());
        if !until_cancelled(cancel, tokio::time::sleep_until(earliest)).await {
            break;
        }
        drop(waiting);
        // A concurrency slot only while the batch request is on the wire (see AttemptHooks); the
        // first send uses the one the dispatcher took.
        let slot = match first_slot.take() {
            Some(slot) => slot,
            None => match ctx.concurrency_slot().await {
                Some(slot) => slot,
                None => break,
            },
        };
        // The items due now are what this send carries; the gate paces them as that many
        // revocations (Graph's quota counts items). Items that come due while it waits stay for
        // the next send, so a send never carries more than it was paced for.
        // Until Graph has shown what it accepts, the run opens in operations, as an unbatched one
        // does (see `OperationsWindow`); the permit is held while the send is on the wire.
        let due = pending.iter().filter(|i| i.not_before <= Instant::now()).count().max(1);
        let Some(operations) = until_cancelled_value(cancel, ctx.operations.take(due)).await else { break };
        // A send never carries more than the gate found Graph's bucket to hold (read after the
        // wait for the window: the first 429s may have come meanwhile).
        let cap = session.gate().weight_cap().map_or(usize::MAX, |cap| cap as usize);
        let due = operations.granted().min(cap).max(1);
        let probe = match clear_to_send(session, &*ctx, cancel, due as u32).await {
            Ok(probe) => probe,
            Err(Failure::Cancelled) => break,
            // The outage outlasted its patience: every item still waiting ends with it.
            Err(failure) => {
                for item in pending.drain(..) {
                    ctx.deliver(item.outcome(started, Err(failure.clone()))).await;
                }
                break;
            }
        };
        let now = Instant::now();
        let (mut ready, mut waiting): (Vec<Item>, Vec<Item>) = pending.into_iter().partition(|i| i.not_before <= now);
        if ready.len() > due {
            waiting.extend(ready.drain(due..));
        }
        pending = waiting;
        let token = match until_cancelled_value(cancel, session.tokens().access_token()).await {
            None => {
                pending.extend(ready);
                break;
            }
            Some(Err(error)) => {
                drop((slot, probe));
                for mut item in ready {
                    let step = item.state.token_failed(&*ctx, error.clone());
                    settle(&ctx, item, step, started, &mut pending).await;
                }
                continue;
            }
            Some(Ok(token)) => token,
        };
        let sent_at = Utc::now();
        let attempt = ready
            .iter_mut()
            .map(|item| {
                item.sent_at = sent_at;
                item.state.sending()
            })
            .max()
            .unwrap_or(1);
        let Some(answer) = send(&ctx, &ready, &token, attempt).await else {
            pending.extend(ready);
            break;
        };
        drop(slot);
        report_exchange(session, &answer, probe);
        let answers = match answer {
            Err(error) => ready.iter().map(|_| Err(error.clone())).collect(),
            Ok((envelope, bytes)) => split_responses(ready.len(), &envelope, &bytes),
        };
        let accepted = answers.iter().filter(|a| a.is_ok()).count() as u32;
        let throttled = answers.iter().filter(|a| a.as_ref().is_err_and(AttemptError::is_throttling)).count() as u32;
        session.gate().on_batch_answered(answers.len() as u32, accepted, throttled);
        ctx.operations.answered(accepted as usize, throttled as usize);
        drop(operations);
        if accepted > 0 {
            // The send's items drew on one limit: the most Graph said of any is what it said.
            let limit_used = answers.iter().filter_map(|answer| answer.as_ref().ok().and_then(|(success, _)| success.limit_used)).max();
            paced_send_succeeded(session, accepted, limit_used);
        }
        for (mut item, answer) in ready.into_iter().zip(answers) {
            item.throttled = matches!(&answer, Err(error) if error.is_throttling());
            let step = item.state.after(session, &*ctx, cancel, &token, answer).await;
            settle(&ctx, item, step, started, &mut pending).await;
        }
    }
    drop(permit);
    // Only reached with items left when the job was cancelled. An item whose revocation had
    // succeeded stays a success; only its read is cancelled.
    for item in pending {
        ctx.deliver(item.outcome(started, Err(Failure::Cancelled))).await;
    }
}

/// An item's step: its outcome is delivered, its read (with -Verify) goes in a later send, or it
/// waits for a later send.
async fn settle(ctx: &JobContext, item: Item, step: Step<Answered>, started: Instant, pending: &mut Vec<Item>) {
    match step {
        Step::Done(Ok((revoked, _))) if ctx.verify && matches!(item.phase, Phase::Revoke) => {
            let phase = Phase::Read { revoked, attempts: item.state.attempts(), revoke_sent_at: item.sent_at };
            pending.push(Item { phase, state: AttemptState::new(), not_before: Instant::now(), throttled: false, ..item });
        }
        Step::Done(result) => ctx.deliver(item.outcome(started, result)).await,
        Step::Again { not_before } => pending.push(Item { not_before, ..item }),
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

/// Sends one `$batch` for `items`. `None` when the job was cancelled while the request was out.
async fn send(ctx: &JobContext, items: &[Item], token: &AccessToken, attempt: u32) -> Option<Result<Answered, AttemptError>> {
    let body = BatchRequest {
        requests: items.iter().enumerate().map(|(i, item)| item.request(i + 1)).collect(),
    };
    let body = serde_json::to_vec(&body).expect("batch request serialises");
    let request = RequestContext { token, user_agent: &ctx.user_agent, attempt, trace: Some(&*ctx.trace) };
    let url = batch_url(ctx.session.endpoint());
    until_cancelled_value(&ctx.cancel, post(ctx.session.transport(), url, Some(body), MAX_BATCH_ANSWER_BYTES, &request)).await
}

fn split_responses(count: usize, envelope: &AttemptSuccess, bytes: &[u8]) -> Vec<Result<Answered, AttemptError>> {
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

fn item_answer(item: BatchResponseItem, envelope: &AttemptSuccess) -> Result<Answered, AttemptError> {
    let header = |name: &str| item.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.clone());
    let request_id = header("request-id").or_else(|| envelope.request_id.clone());
    if (200..300).contains(&item.status) {
        // The item's body is its answer (a read's user record); a revocation ignores it.
        let body = serde_json::to_vec(&item.body).map(Bytes::from).unwrap_or_default();
        let limit_used = header(limit_usage::HEADER).as_deref().and_then(limit_usage::parse_limit_used);
        return Ok((AttemptSuccess { status: item.status, request_id, client_request_id: envelope.client_request_id.clone(), limit_used }, body));
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
