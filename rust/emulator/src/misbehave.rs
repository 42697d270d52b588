//! A Graph that misbehaves on request (`/_emulator/config`), the way real networks, proxies and
//! services do: it redirects elsewhere, puts terminal escape sequences in its error messages,
//! sends oversized or trickling bodies, never answers, stops accepting tokens a while after
//! issuing them (`tokens`), and throttles per workload as Microsoft Dev Proxy does.

use std::time::{Duration, Instant};

use parking_lot::Mutex;
use serde_json::Value;

use crate::config::FaultConfig;
use crate::graph_error::GraphError;
use crate::reply::Reply;

/// What `hostileErrorText` puts before every error message: clear screen, red, an OSC window
/// title, bells, a bidi override.
pub const HOSTILE_TEXT: &str = "\u{1b}[2J\u{1b}[31m\u{1b}]0;pwned by graph\u{07}\u{07}\u{202e}";

/// Graph never redirects: this is a proxy or a hostile server sending the client elsewhere.
pub fn redirect(config: &FaultConfig, path_and_query: &str) -> Option<Reply> {
    let target = config.redirect_to.as_deref()?;
    let mut reply = Reply::json(hyper::StatusCode::TEMPORARY_REDIRECT, Value::Null);
    reply.headers.push(("Location", format!("{}{path_and_query}", target.trim_end_matches('/'))));
    Some(reply)
}

/// Prefixes an error answer's message with escape sequences when asked.
pub fn hostile_errors(config: &FaultConfig, reply: &mut Reply) {
    if !config.hostile_error_text || reply.status.as_u16() < 400 {
        return;
    }
    if let Some(message) = reply.body.pointer_mut("/error/message") {
        let text = message.as_str().unwrap_or_default();
        *message = Value::String(format!("{HOSTILE_TEXT}{text}"));
    }
}

/// Dev Proxy's per-workload throttling window: once one request is throttled, every request
/// is throttled until that Retry-After has passed.
#[derive(Default)]
pub struct WorkloadThrottle {
    until: Mutex<Option<Instant>>,
}

impl WorkloadThrottle {
    /// Throttles everyone until `now + wait` (a later deadline is kept).
    pub fn open(&self, now: Instant, wait: Duration) {
        let mut until = self.until.lock();
        let end = now + wait;
        if until.is_none_or(|u| u < end) {
            *until = Some(end);
        }
    }

    /// While the window is open: the 429 to answer, with the time left as its Retry-After.
    pub fn check(&self, now: Instant) -> Option<GraphError> {
        let until = (*self.until.lock())?;
        let left = until.checked_duration_since(now).filter(|d| !d.is_zero())?;
        Some(GraphError::too_many_requests(Some(crate::retry_after::format_seconds(left))))
    }

    pub fn clear(&self) {
        *self.until.lock() = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_throttles_everyone_until_its_retry_after() {
        let window = WorkloadThrottle::default();
        let t0 = Instant::now();
        assert!(window.check(t0).is_none());
        window.open(t0, Duration::from_secs(2));
        window.open(t0, Duration::from_secs(1));
        let e = window.check(t0 + Duration::from_millis(500)).expect("throttled");
        assert_eq!(e.status.as_u16(), 429);
        assert!(window.check(t0 + Duration::from_secs(2)).is_none());
    }

    #[test]
    fn hostile_text_goes_into_error_messages_only() {
        let config = FaultConfig { hostile_error_text: true, ..FaultConfig::default() };
        let mut error = GraphError::user_not_found("x@y").into_reply(&crate::graph_error::RequestIds::new(None));
        hostile_errors(&config, &mut error);
        assert!(error.body["error"]["message"].as_str().unwrap().starts_with(HOSTILE_TEXT));
        let mut ok = Reply::ok(serde_json::json!({"value": true}));
        hostile_errors(&config, &mut ok);
        assert_eq!(ok.body["value"], true);
    }
}
