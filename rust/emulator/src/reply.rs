//! A transport-neutral answer: the same value becomes a hyper response for a standalone request
//! or one entry of a `$batch` envelope, so both paths behave identically.

use hyper::StatusCode;
use serde_json::Value;

#[derive(Debug, Clone)]
pub struct Reply {
    pub status: StatusCode,
    /// Extra headers (Retry-After, WWW-Authenticate, …) in Graph's spelling; the standard set
    /// every response carries is added when the reply is sent.
    pub headers: Vec<(&'static str, String)>,
    pub body: Value,
}

impl Reply {
    pub fn json(status: StatusCode, body: Value) -> Self {
        Self { status, headers: Vec::new(), body }
    }

    pub fn ok(body: Value) -> Self {
        Self::json(StatusCode::OK, body)
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}
