//! The result of one HTTP attempt, before any retry decision.

use crate::graph_error::GraphError;
use std::time::Duration;

/// How a request failed below HTTP.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransportKind {
    /// The connection could not be made (refused, DNS, TLS handshake).
    Connect,
    /// No answer within the client timeout.
    Timeout,
    /// The connection was reset or closed before a complete response arrived.
    ConnectionClosed,
    /// The answer was longer than the request's bound (`transport::HttpRequest::max_body`):
    /// not read, not retried (a server that sends that once will send it again).
    TooLarge,
    /// Anything else (a malformed response, a body we could not read): not retried.
    Other,
}

#[derive(Debug, Clone)]
pub enum AttemptError {
    /// Graph (or something in front of it) answered with a non-2xx status.
    Http { error: GraphError, retry_after: Option<Duration> },
    /// No usable HTTP answer.
    Transport { kind: TransportKind, message: String },
}

impl AttemptError {
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Self::Http { retry_after, .. } => *retry_after,
            Self::Transport { .. } => None,
        }
    }

    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Http { error, .. } => Some(error.status),
            Self::Transport { .. } => None,
        }
    }

    pub fn is_throttling(&self) -> bool {
        self.status() == Some(429)
    }
}

/// A successful (2xx) answer. The body is never needed: Graph has answered both 200 with a
/// boolean and 204 with nothing, and older clients crashed parsing it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttemptSuccess {
    pub status: u16,
    pub request_id: Option<String>,
    pub client_request_id: String,
    /// Graph's `x-ms-throttle-limit-percentage`, in percent of the limit used, when it says
    /// (see `retry::limit_usage`).
    pub limit_used: Option<u16>,
}
