//! The HTTP side of a Graph request: counts it, reads it, applies latency, authenticates,
//! hands it to the pipeline (or `$batch`), records it, and answers or drops the connection.

use std::sync::Arc;

use bytes::Bytes;
use http_body_util::{BodyExt, Limited};
use hyper::body::Incoming;
use hyper::http::request::Parts;
use hyper::{HeaderMap, Method, Request, Response, StatusCode};
use serde_json::{Map, Value};

use crate::body::EmuBody;
use crate::graph_error::{GraphError, RequestIds};
use crate::misbehave;
use crate::path::{self, ApiVersion};
use crate::recorder::RecordedRequest;
use crate::response;
use crate::routes::pipeline::{Call, Outcome, Scope, process};
use crate::routes::{Route, batch, resolve};
use crate::state::AppState;
use crate::timefmt::received_at;

/// Largest request body accepted (a 20-item batch is a few KiB).
const MAX_BODY: usize = 4 * 1024 * 1024;
/// How long `hang` holds a request: longer than any client waits.
const HANG: std::time::Duration = std::time::Duration::from_secs(3600);

/// Returned to hyper to close the connection without a response: on HTTP/1 the socket is
/// closed, on HTTP/2 the stream is reset.
#[derive(Debug)]
pub struct Dropped;

impl std::fmt::Display for Dropped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped by fault injection")
    }
}

impl std::error::Error for Dropped {}

pub fn header<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

pub async fn handle(state: Arc<AppState>, req: Request<Incoming>) -> Result<Response<EmuBody>, Dropped> {
    let guard = state.stats.begin();
    let received = received_at();
    let (parts, body) = req.into_parts();
    let ids = RequestIds::new(header(&parts.headers, "client-request-id"));
    let body = Limited::new(body, MAX_BODY).collect().await.map(|b| b.to_bytes());

    let config = state.faults.config();
    let latency = state.faults.latency(&config);
    if !latency.is_zero() {
        // A timer, not a blocked thread: other requests keep flowing during the delay.
        tokio::time::sleep(latency).await;
    }
    if config.hang {
        // An answer that never comes (the client's timeout or Ctrl+C ends the request).
        tokio::time::sleep(HANG).await;
    }

    let redirect = misbehave::redirect(&config, parts.uri.path_and_query().map_or("/", |pq| pq.as_str()));
    let (outcome, batch_items) = match (&body, redirect) {
        (Ok(_), Some(redirect)) => (Outcome::Reply(redirect), None),
        (Ok(body), None) => respond(&state, &parts, body, &ids),
        (Err(_), _) => (
            Outcome::Reply(
                GraphError::new(StatusCode::PAYLOAD_TOO_LARGE, "RequestEntityTooLarge", "The request body is too large.")
                    .into_reply(&ids),
            ),
            None,
        ),
    };
    let status = match &outcome {
        Outcome::Reply(r) => Some(r.status.as_u16()),
        Outcome::Drop => None,
    };
    state.recorder.push(record(&parts, status, received, batch_items));
    match outcome {
        Outcome::Reply(mut reply) => {
            state.stats.response(reply.status.as_u16());
            misbehave::hostile_errors(&config, &mut reply);
            Ok(response::build(reply, &ids, Some(guard)).map(|body| {
                let body = match config.oversized_body_bytes {
                    Some(padding) => body.padded(padding),
                    None => body,
                };
                match config.trickle_bytes_per_second {
                    Some(rate) => body.trickled(rate),
                    None => body,
                }
            }))
        }
        Outcome::Drop => {
            state.stats.dropped();
            Err(Dropped)
        }
    }
}

fn respond(state: &AppState, parts: &Parts, body: &Bytes, ids: &RequestIds) -> (Outcome, Option<Vec<String>>) {
    let segments = path::split(parts.uri.path());
    let (version, rest) = match segments.split_first() {
        Some((first, rest)) => (ApiVersion::parse(first), rest),
        None => (None, &[][..]),
    };
    let is_batch = version.is_some() && parts.method == Method::POST && matches!(resolve(rest), Ok(Route::Batch));
    let batch_items = if is_batch { batch::item_urls(body) } else { None };
    let reply = |e: GraphError| Outcome::Reply(e.into_reply(ids));

    let config = state.faults.config();
    let reject_after = config.reject_issued_tokens_after_seconds.map(|s| chrono::Duration::milliseconds((s * 1000.0) as i64));
    let token = match state.tokens.authenticate(header(&parts.headers, "authorization"), reject_after) {
        Ok(token) => token,
        Err(e) => return (reply(e), batch_items),
    };
    let Some(version) = version else {
        let first = segments.first().map(|s| path::decode(s)).unwrap_or_default();
        return (reply(GraphError::bad_request(format!("Invalid version: {first}"))), None);
    };
    if is_batch {
        // The envelope is one request on the wire: it can be dropped as a whole; everything
        // else (throttling, faults) happens per item.
        let config = state.faults.config();
        if state.faults.roll_drop(&config) {
            return (Outcome::Drop, batch_items);
        }
        return (Outcome::Reply(batch::handle(state, version, &token, ids, body)), batch_items);
    }
    let call = Call {
        method: parts.method.clone(),
        version,
        segments: rest.to_vec(),
        raw_query: parts.uri.query(),
        consistency_eventual: header(&parts.headers, "consistencylevel").is_some_and(|v| v.eq_ignore_ascii_case("eventual")),
    };
    (process(state, &call, &token, ids, Scope::Standalone), None)
}

fn record(parts: &Parts, status: Option<u16>, received: String, batch_items: Option<Vec<String>>) -> RecordedRequest {
    let mut headers = Map::new();
    for (name, value) in &parts.headers {
        let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
        match headers.get_mut(name.as_str()) {
            Some(Value::String(existing)) => {
                existing.push_str(", ");
                existing.push_str(&value);
            }
            _ => {
                headers.insert(name.as_str().to_string(), Value::from(value));
            }
        }
    }
    RecordedRequest {
        method: parts.method.to_string(),
        raw_path: parts.uri.path_and_query().map_or_else(|| parts.uri.path().to_string(), |pq| pq.as_str().to_string()),
        path: path::decoded_path(parts.uri.path()),
        query: parts.uri.query().map(str::to_string),
        headers,
        status,
        dropped: status.is_none(),
        received_at: received,
        batch_items,
    }
}
