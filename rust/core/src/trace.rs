//! A log of the requests a job sent, for -Verbose (one line per request) and -Debug (headers).
//! Off unless asked for, bounded, and never holding a secret: Authorization is redacted here,
//! where the headers are read, so no later layer can leak it.

use crate::text::clean_server_text;
use parking_lot::Mutex;
use reqwest::header::HeaderMap;
use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum TraceLevel {
    Off,
    /// Method, path, status, attempt, duration.
    Requests,
    /// Also every request and response header.
    Headers,
}

#[derive(Debug, Clone)]
pub struct RequestTrace {
    pub method: String,
    /// Path and query, as sent.
    pub target: String,
    pub status: Option<u16>,
    /// Why no status: the transport failure.
    pub error: Option<String>,
    pub attempt: u32,
    pub duration: Duration,
    pub request_headers: Vec<(String, String)>,
    pub response_headers: Vec<(String, String)>,
}

/// Entries a consumer has not taken yet are kept up to this many; later ones are counted as
/// dropped rather than growing memory without bound.
const CAPACITY: usize = 4096;

#[derive(Debug)]
pub struct TraceSink {
    level: TraceLevel,
    entries: Mutex<VecDeque<RequestTrace>>,
    dropped: AtomicU64,
}

impl TraceSink {
    pub fn new(level: TraceLevel) -> Self {
        Self { level, entries: Mutex::new(VecDeque::new()), dropped: AtomicU64::new(0) }
    }

    pub fn level(&self) -> TraceLevel {
        self.level
    }

    pub fn record(&self, entry: RequestTrace) {
        let mut entries = self.entries.lock();
        if entries.len() < CAPACITY {
            entries.push_back(entry);
        } else {
            self.dropped.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Takes every waiting entry and the number dropped since the last call.
    pub fn take(&self) -> (Vec<RequestTrace>, u64) {
        let entries = self.entries.lock().drain(..).collect();
        (entries, self.dropped.swap(0, Ordering::Relaxed))
    }

    /// Header pairs for the log, Authorization (and any other credential header) redacted.
    pub fn headers(&self, headers: &HeaderMap) -> Vec<(String, String)> {
        if self.level < TraceLevel::Headers {
            return Vec::new();
        }
        headers
            .iter()
            .map(|(name, value)| {
                let shown = if is_credential(name.as_str()) || value.is_sensitive() {
                    "<redacted>".to_owned()
                } else {
                    // Response headers are server text: no escape sequence reaches -Debug.
                    clean_server_text(&String::from_utf8_lossy(value.as_bytes()))
                };
                (name.as_str().to_owned(), shown)
            })
            .collect()
    }
}

fn is_credential(name: &str) -> bool {
    matches!(name, "authorization" | "proxy-authorization" | "cookie" | "set-cookie" | "x-identity-header")
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn redacts_credentials_even_when_not_marked_sensitive() {
        let sink = TraceSink::new(TraceLevel::Headers);
        let mut headers = HeaderMap::new();
        headers.insert("authorization", HeaderValue::from_static("Bearer secret-token"));
        headers.insert("client-request-id", HeaderValue::from_static("abc"));
        let shown = sink.headers(&headers);
        assert!(shown.contains(&("authorization".into(), "<redacted>".into())));
        assert!(shown.contains(&("client-request-id".into(), "abc".into())));
        assert!(!format!("{shown:?}").contains("secret"));
    }

    #[test]
    fn header_values_are_cleaned_of_escape_sequences() {
        let sink = TraceSink::new(TraceLevel::Headers);
        let mut headers = HeaderMap::new();
        // ESC and BEL cannot be in a header value, but C1 controls and bidi overrides (as
        // UTF-8 obs-text) can.
        headers.insert("x-ms-ags-diagnostic", HeaderValue::from_bytes("\u{9b}31mdiag\u{202e}".as_bytes()).unwrap());
        assert_eq!(sink.headers(&headers), vec![("x-ms-ags-diagnostic".to_owned(), "diag".to_owned())]);
    }

    #[test]
    fn keeps_headers_out_of_request_level_traces_and_bounds_the_buffer() {
        let sink = TraceSink::new(TraceLevel::Requests);
        assert!(sink.headers(&HeaderMap::new()).is_empty());
        let entry = RequestTrace {
            method: "POST".into(),
            target: "/v1.0/users/x/revokeSignInSessions".into(),
            status: Some(200),
            error: None,
            attempt: 1,
            duration: Duration::from_millis(5),
            request_headers: vec![],
            response_headers: vec![],
        };
        for _ in 0..CAPACITY + 10 {
            sink.record(entry.clone());
        }
        let (taken, dropped) = sink.take();
        assert_eq!((taken.len(), dropped), (CAPACITY, 10));
        assert_eq!(sink.take().1, 0);
    }
}
