//! The seam under the session: one HTTP exchange, nothing else. `http` builds Graph's requests
//! and classifies the answers above it; the engine never sees which transport runs. The real one
//! is reqwest (`reqwest_transport`); tests script the answers (`scripted`) and run the engine on
//! tokio's paused clock, so every retry, wait and pacing decision is tested without a socket or
//! a wall-clock bound.

mod reqwest_transport;
pub mod scripted;

pub use reqwest_transport::ReqwestTransport;

use crate::attempt::TransportKind;
use bytes::Bytes;
use futures::future::BoxFuture;
use reqwest::Method;
use reqwest::header::HeaderMap;
use url::Url;

/// The most read from an answer to a revocation (or any error answer): Graph's own are well
/// under 2 KiB; a proxy's error page of a few hundred KiB still fits.
pub const MAX_ANSWER_BYTES: usize = 1024 * 1024;
/// The most read from a `$batch` answer: 20 small answers, with room for verbose error bodies.
pub const MAX_BATCH_ANSWER_BYTES: usize = 4 * 1024 * 1024;
/// The most read from a page of users: a page of 999 users with every property selected is a
/// few MiB on a real tenant.
pub const MAX_PAGE_BYTES: usize = 32 * 1024 * 1024;

#[derive(Debug, Clone)]
pub struct HttpRequest {
    pub method: Method,
    pub url: Url,
    pub headers: HeaderMap,
    pub body: Option<Vec<u8>>,
    /// An answer whose body is longer than this fails with `TransportKind::TooLarge`, and no more
    /// of it is read: memory stays bounded whatever the server sends.
    pub max_body: usize,
}

#[derive(Debug, Clone)]
pub struct HttpAnswer {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Bytes,
}

/// No usable answer. `headers` are the response's when one started (for the -Debug trace).
#[derive(Debug, Clone)]
pub struct TransportFailure {
    pub kind: TransportKind,
    pub message: String,
    pub status: Option<u16>,
    pub headers: Option<HeaderMap>,
}

impl TransportFailure {
    pub fn new(kind: TransportKind, message: impl Into<String>) -> Self {
        Self { kind, message: message.into(), status: None, headers: None }
    }
}

pub trait Transport: Send + Sync + std::fmt::Debug {
    /// Sends one request and reads its answer (redirects are never followed: a 3xx is returned
    /// as it came).
    fn send(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpAnswer, TransportFailure>>;
}

/// The text for an answer that was cut off at `limit` bytes.
pub fn too_large_message(limit: usize) -> String {
    format!("the answer is larger than {} KiB, more than Graph ever sends for this request; it was not read", limit / 1024)
}
