//! A transport that answers from a script, for tests of everything above the wire: the attempt
//! state machine, the engine, pacing and outage handling run on tokio's paused clock against it,
//! so a test can say "exactly 3 requests, the second not before 2.5 s" and never sleep.

use super::{HttpAnswer, HttpRequest, Transport, TransportFailure};
use crate::attempt::TransportKind;
use bytes::Bytes;
use futures::future::BoxFuture;
use parking_lot::Mutex;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use std::fmt;
use std::sync::Arc;
use std::time::Duration;
use tokio::time::Instant;

/// What the script answers to one request.
#[derive(Debug, Clone)]
pub struct Scripted {
    /// Time on the (paused) clock before the answer comes.
    pub delay: Duration,
    /// `None`: the answer never comes (a hung server); the request ends only when abandoned.
    pub answer: Option<Result<HttpAnswer, TransportFailure>>,
}

impl Scripted {
    pub fn status(status: u16) -> Self {
        Self { delay: Duration::ZERO, answer: Some(Ok(HttpAnswer { status, headers: HeaderMap::new(), body: Bytes::new() })) }
    }

    /// Graph's success for a revocation.
    pub fn ok() -> Self {
        Self::status(200).body(br#"{"value":true}"#)
    }

    pub fn transport(kind: TransportKind) -> Self {
        Self { delay: Duration::ZERO, answer: Some(Err(TransportFailure::new(kind, format!("scripted {kind:?}")))) }
    }

    pub fn hang() -> Self {
        Self { delay: Duration::ZERO, answer: None }
    }

    pub fn header(mut self, name: &str, value: &str) -> Self {
        if let Some(Ok(answer)) = &mut self.answer {
            answer.headers.insert(HeaderName::from_bytes(name.as_bytes()).expect("header name"), HeaderValue::from_str(value).expect("header value"));
        }
        self
    }

    pub fn body(mut self, body: &[u8]) -> Self {
        if let Some(Ok(answer)) = &mut self.answer {
            answer.body = Bytes::copy_from_slice(body);
        }
        self
    }

    pub fn after(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }
}

/// One request as the transport saw it.
#[derive(Debug, Clone)]
pub struct SentRequest {
    pub at: Instant,
    pub request: HttpRequest,
}

impl SentRequest {
    pub fn path(&self) -> &str {
        self.request.url.path()
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.request.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn body_json(&self) -> serde_json::Value {
        self.request.body.as_deref().and_then(|b| serde_json::from_slice(b).ok()).unwrap_or_default()
    }
}

type Script = dyn Fn(&HttpRequest, usize) -> Scripted + Send + Sync;

/// Answers each request with `script(request, n)` (n = how many requests came before it).
pub struct ScriptedTransport {
    script: Box<Script>,
    sent: Mutex<Vec<SentRequest>>,
    in_flight: Mutex<(usize, usize)>,
}

impl fmt::Debug for ScriptedTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ScriptedTransport").field("sent", &self.sent.lock().len()).finish_non_exhaustive()
    }
}

impl ScriptedTransport {
    pub fn new(script: impl Fn(&HttpRequest, usize) -> Scripted + Send + Sync + 'static) -> Arc<Self> {
        Arc::new(Self { script: Box::new(script), sent: Mutex::new(Vec::new()), in_flight: Mutex::new((0, 0)) })
    }

    /// Every request sent so far, in the order they were sent.
    pub fn sent(&self) -> Vec<SentRequest> {
        self.sent.lock().clone()
    }

    /// The most requests that were in flight at the same time.
    pub fn peak_in_flight(&self) -> usize {
        self.in_flight.lock().1
    }
}

struct InFlight<'a>(&'a Mutex<(usize, usize)>);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.lock().0 -= 1;
    }
}

impl Transport for ScriptedTransport {
    fn send(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpAnswer, TransportFailure>> {
        let scripted = {
            let mut sent = self.sent.lock();
            let scripted = (self.script)(&request, sent.len());
            sent.push(SentRequest { at: Instant::now(), request });
            scripted
        };
        {
            let mut counts = self.in_flight.lock();
            counts.0 += 1;
            counts.1 = counts.1.max(counts.0);
        }
        Box::pin(async move {
            let _in_flight = InFlight(&self.in_flight);
            tokio::time::sleep(scripted.delay).await;
            match scripted.answer {
                Some(answer) => answer,
                None => std::future::pending().await,
            }
        })
    }
}
