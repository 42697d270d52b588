//! The log of Graph requests tests inspect (`/_emulator/requests`). A ring buffer: a
//! 100,000-user run keeps only the most recent entries instead of growing without bound.

use std::collections::VecDeque;
use std::sync::Arc;

use parking_lot::Mutex;
use serde::Serialize;
use serde_json::{Map, Value};

pub const CAPACITY: usize = 20_000;

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RecordedRequest {
    pub method: String,
    /// Path and query exactly as received, not decoded.
    pub raw_path: String,
    /// The path with each segment percent-decoded (for reading; `rawPath` is the truth).
    pub path: String,
    /// The raw query string without `?`, or null.
    pub query: Option<String>,
    /// Every header, lower-cased names, Authorization included: tests check what was sent.
    pub headers: Map<String, Value>,
    /// Null when the connection was dropped without a response.
    pub status: Option<u16>,
    pub dropped: bool,
    pub received_at: String,
    /// For `$batch`: each item's url, in the order sent.
    pub batch_items: Option<Vec<String>>,
}

pub struct Recorder {
    /// Arcs so a snapshot copies pointers under the lock and serialises outside it: a slow
    /// `GET /_emulator/requests` must not stall Graph requests waiting to be recorded.
    entries: Mutex<VecDeque<Arc<RecordedRequest>>>,
    capacity: usize,
}

impl Default for Recorder {
    fn default() -> Self {
        Self::with_capacity(CAPACITY)
    }
}

impl Recorder {
    pub fn with_capacity(capacity: usize) -> Self {
        Self { entries: Mutex::new(VecDeque::new()), capacity }
    }

    pub fn push(&self, entry: RecordedRequest) {
        let mut entries = self.entries.lock();
        if entries.len() >= self.capacity {
            entries.pop_front();
        }
        entries.push_back(Arc::new(entry));
    }

    pub fn to_json(&self) -> Value {
        let snapshot: Vec<Arc<RecordedRequest>> = self.entries.lock().iter().cloned().collect();
        let entries: Vec<&RecordedRequest> = snapshot.iter().map(Arc::as_ref).collect();
        serde_json::to_value(&entries).unwrap_or(Value::Array(Vec::new()))
    }

    pub fn clear(&self) {
        self.entries.lock().clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(n: usize) -> RecordedRequest {
        RecordedRequest {
            method: "GET".into(),
            raw_path: format!("/v1.0/users/{n}"),
            path: String::new(),
            query: None,
            headers: Map::new(),
            status: Some(200),
            dropped: false,
            received_at: String::new(),
            batch_items: None,
        }
    }

    #[test]
    fn keeps_only_the_newest() {
        let r = Recorder::with_capacity(3);
        for n in 0..5 {
            r.push(entry(n));
        }
        let all = r.to_json();
        let paths: Vec<_> = all.as_array().unwrap().iter().map(|e| e["rawPath"].clone()).collect();
        assert_eq!(paths, vec!["/v1.0/users/2", "/v1.0/users/3", "/v1.0/users/4"]);
        r.clear();
        assert_eq!(r.to_json(), Value::Array(vec![]));
    }
}
