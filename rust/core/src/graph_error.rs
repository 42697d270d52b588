//! Graph's error envelope, parsed into a typed error that keeps what support will ask for.
//!
//! `{"error":{"code","message","innerError":{"date","request-id","client-request-id"}}}`

use crate::text::{body_snippet, clean_server_text};
use serde::Deserialize;

/// An error answer from Graph (any non-2xx status).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GraphError {
    pub status: u16,
    pub code: String,
    pub message: String,
    pub request_id: Option<String>,
    pub client_request_id: Option<String>,
    pub date: Option<String>,
}

#[derive(Deserialize)]
struct Envelope {
    error: Body,
}

#[derive(Deserialize)]
struct Body {
    #[serde(default)]
    code: String,
    #[serde(default)]
    message: String,
    #[serde(default, rename = "innerError", alias = "innererror")]
    inner: Option<Inner>,
}

#[derive(Deserialize)]
struct Inner {
    date: Option<String>,
    #[serde(rename = "request-id")]
    request_id: Option<String>,
    #[serde(rename = "client-request-id")]
    client_request_id: Option<String>,
}

/// Response headers that identify a request, used when the body lacks them.
#[derive(Debug, Clone, Default)]
pub struct ResponseIds {
    pub request_id: Option<String>,
    pub client_request_id: Option<String>,
    pub date: Option<String>,
}

impl GraphError {
    /// Builds the error from a status, the response body (which may be anything: a proxy's HTML,
    /// nothing at all) and the identifying headers.
    pub fn from_response(status: u16, body: &[u8], ids: &ResponseIds) -> Self {
        let parsed = serde_json::from_slice::<Envelope>(body).ok().map(|e| e.error);
        let (code, message, inner) = match parsed {
            Some(b) => (b.code, b.message, b.inner),
            None => (String::new(), String::new(), None),
        };
        let inner = inner.unwrap_or(Inner { date: None, request_id: None, client_request_id: None });
        let clean = |text: Option<String>| text.map(|t| clean_server_text(&t));
        let code = clean_server_text(&code);
        let message = clean_server_text(&message);
        Self {
            status,
            code: if code.is_empty() { default_code(status).to_owned() } else { code },
            message: if message.trim().is_empty() { default_message(status, body) } else { message },
            request_id: clean(inner.request_id).or_else(|| ids.request_id.clone()),
            client_request_id: clean(inner.client_request_id).or_else(|| ids.client_request_id.clone()),
            date: clean(inner.date).or_else(|| ids.date.clone()),
        }
    }

    /// A 3xx: Graph never redirects these calls, so the redirect is not followed (it would
    /// report another server's answer as Graph's) and is reported with the target's host.
    pub fn redirect(status: u16, location: Option<&str>, ids: &ResponseIds) -> Self {
        let host = location.and_then(|l| url::Url::parse(l).ok()).and_then(|u| u.host_str().map(clean_server_text));
        let target = match (host, location) {
            (Some(host), _) => format!("to host '{host}'"),
            (None, Some(_)) => "to a relative or unreadable location".to_owned(),
            (None, None) => "without a Location".to_owned(),
        };
        Self {
            status,
            code: REDIRECT_CODE.to_owned(),
            message: format!("Graph answered HTTP {status}, a redirect {target}; Graph does not redirect this request, so it was not followed and nothing was done"),
            request_id: ids.request_id.clone(),
            client_request_id: ids.client_request_id.clone(),
            date: ids.date.clone(),
        }
    }
}

/// The code of a redirect that was not followed (not one of Graph's own codes).
pub const REDIRECT_CODE: &str = "UnexpectedRedirect";

fn default_code(status: u16) -> &'static str {
    match status {
        400 => "BadRequest",
        401 => "InvalidAuthenticationToken",
        403 => "Authorization_RequestDenied",
        404 => "Request_ResourceNotFound",
        429 => "TooManyRequests",
        503 => "ServiceUnavailable",
        504 => "GatewayTimeout",
        _ => "UnknownError",
    }
}

fn default_message(status: u16, body: &[u8]) -> String {
    let snippet = body_snippet(body);
    if snippet.is_empty() {
        format!("Graph answered HTTP {status} without an error body.")
    } else {
        format!("Graph answered HTTP {status}: {snippet}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_graph_envelope() {
        let body = br#"{"error":{"code":"Request_ResourceNotFound","message":"Resource 'x' does not exist.","innerError":{"date":"2026-11-27T10:00:00","request-id":"r-1","client-request-id":"c-1"}}}"#;
        let e = GraphError::from_response(404, body, &ResponseIds::default());
        assert_eq!(e.code, "Request_ResourceNotFound");
        assert_eq!(e.message, "Resource 'x' does not exist.");
        assert_eq!(e.request_id.as_deref(), Some("r-1"));
        assert_eq!(e.client_request_id.as_deref(), Some("c-1"));
        assert_eq!(e.date.as_deref(), Some("2026-11-27T10:00:00"));
    }

    #[test]
    fn falls_back_to_headers_and_defaults_for_foreign_bodies() {
        let ids = ResponseIds { request_id: Some("hdr".into()), client_request_id: Some("c".into()), date: None };
        let e = GraphError::from_response(503, b"<html>Service Unavailable</html>", &ids);
        assert_eq!(e.code, "ServiceUnavailable");
        assert!(e.message.contains("Service Unavailable"));
        assert_eq!(e.request_id.as_deref(), Some("hdr"));
        let empty = GraphError::from_response(502, b"", &ResponseIds::default());
        assert_eq!(empty.message, "Graph answered HTTP 502 without an error body.");
    }

    #[test]
    fn escape_sequences_in_graph_errors_never_survive_parsing() {
        let body = r#"{"error":{"code":"Bad\u001b[31mCode","message":"\u001b[2JWiped\u001b]0;title\u0007 screen\u0007","innerError":{"request-id":"r\u001b[1m1"}}}"#;
        let e = GraphError::from_response(400, body.as_bytes(), &ResponseIds::default());
        assert_eq!((e.code.as_str(), e.message.as_str(), e.request_id.as_deref()), ("BadCode", "Wiped screen", Some("r1")));
        let html = GraphError::from_response(502, b"<html>\x1b[2Jgateway\x07</html>", &ResponseIds::default());
        assert!(!html.message.chars().any(char::is_control), "{:?}", html.message);
    }

    #[test]
    fn a_redirect_names_its_status_and_target_host_only() {
        let e = GraphError::redirect(307, Some("https://evil.example:8443/steal?x=1"), &ResponseIds::default());
        assert_eq!(e.code, REDIRECT_CODE);
        assert!(e.message.contains("HTTP 307") && e.message.contains("'evil.example'") && !e.message.contains("steal"), "{}", e.message);
        assert!(GraphError::redirect(302, None, &ResponseIds::default()).message.contains("without a Location"));
    }
}
