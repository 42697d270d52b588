//! Runs jobs against a scripted transport on tokio's paused clock: no socket, no wall-clock
//! wait. A test is `#[tokio::test(start_paused = true)]`; the job's consumer runs on a blocking
//! thread as the FFI layer's pipeline thread does, while the paused runtime drives the engine.

use super::TOKEN;
use entra_core::auth::{AccessToken, StaticToken, TokenSource};
use entra_core::endpoint::GraphEndpoint;
use entra_core::outcome::Outcome;
use entra_core::transport::scripted::{Scripted, ScriptedTransport};
use entra_core::transport::{HttpAnswer, HttpRequest};
use entra_core::{JobOptions, RevokeJob, Session, SubmitStatus};
use bytes::Bytes;
use reqwest::header::HeaderMap;
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::Duration;

pub const GRAPH: &str = "https://graph.microsoft.com";

pub fn static_tokens() -> Arc<dyn TokenSource> {
    Arc::new(StaticToken::new(AccessToken::new(TOKEN.to_owned()).unwrap()))
}

pub fn scripted_session(transport: Arc<ScriptedTransport>, tokens: Arc<dyn TokenSource>) -> Arc<Session> {
    Arc::new(Session::with_transport(GraphEndpoint::parse(GRAPH).unwrap(), tokens, transport))
}

/// Starts a job on the current (paused) runtime and runs `inputs` through it.
pub async fn run_paused(session: Arc<Session>, options: JobOptions, inputs: Vec<String>) -> Vec<Outcome> {
    let job = RevokeJob::start(session, options, tokio::runtime::Handle::current());
    consume(&job, &inputs).await
}

/// The pipeline thread's part, inside the runtime: submit without blocking, take outcomes
/// without blocking, and sleep a little when neither can proceed. Everything stays on the paused
/// clock, so the run is deterministic (a consumer on another thread would let tokio's
/// auto-advance run away from it).
pub async fn consume(job: &RevokeJob, inputs: &[String]) -> Vec<Outcome> {
    let mut outcomes = Vec::new();
    let mut next = 0;
    let mut idle = Duration::from_millis(1);
    while next < inputs.len() || !job.is_finished() {
        let mut progressed = false;
        while next < inputs.len() {
            match job.try_submit(next as u64, inputs[next].clone()) {
                SubmitStatus::Accepted | SubmitStatus::AcceptedLast => {
                    next += 1;
                    progressed = true;
                }
                SubmitStatus::Full => break,
                SubmitStatus::Closed => panic!("the job closed its input while {:?} was submitted", inputs[next]),
            }
        }
        if next == inputs.len() {
            job.complete_input();
        }
        let taken = job.next_outcomes(256, Duration::ZERO);
        progressed |= !taken.is_empty();
        outcomes.extend(taken);
        // Idle: back off (a long outage must not cost millions of polls), but never so long that
        // a full outcome queue holds the engine up noticeably.
        idle = if progressed { Duration::from_millis(1) } else { (idle * 2).min(Duration::from_millis(50)) };
        tokio::time::sleep(idle).await;
    }
    outcomes
}

/// The user a revocation request addresses (`/v1.0/users/{id}/revokeSignInSessions`).
pub fn addressed_user(request: &HttpRequest) -> Option<String> {
    request.url.path().strip_prefix("/v1.0/users/")?.strip_suffix("/revokeSignInSessions").map(str::to_owned)
}

/// Whether the request is a `$batch`.
pub fn is_batch(request: &HttpRequest) -> bool {
    request.url.path() == "/v1.0/$batch"
}

/// Answers a `$batch` with one item per request: `item(url)` gives each item's status and headers.
pub fn batch_answer(request: &HttpRequest, mut item: impl FnMut(&str) -> (u16, Vec<(&'static str, String)>)) -> Scripted {
    let body: Value = request.body.as_deref().and_then(|b| serde_json::from_slice(b).ok()).unwrap_or_default();
    let responses: Vec<Value> = body["requests"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|r| {
            let (status, headers) = item(r["url"].as_str().unwrap_or_default());
            let headers: serde_json::Map<String, Value> = headers.into_iter().map(|(k, v)| (k.to_owned(), Value::String(v))).collect();
            let body = if (200..300).contains(&status) { json!({"value": true}) } else { json!({"error": {"code": "Scripted", "message": format!("scripted {status}")}}) };
            json!({"id": r["id"], "status": status, "headers": headers, "body": body})
        })
        .collect();
    let body = serde_json::to_vec(&json!({"responses": responses})).unwrap();
    Scripted { delay: Duration::ZERO, answer: Some(Ok(HttpAnswer { status: 200, headers: HeaderMap::new(), body: Bytes::from(body) })) }
}
