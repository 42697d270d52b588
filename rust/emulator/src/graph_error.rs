//! Graph's error vocabulary: status, code and message exactly as the real service words them,
//! plus the envelope `{"error":{"code","message","innerError":{…}}}` clients parse.

use hyper::StatusCode;
use serde_json::{Value, json};

use crate::reply::Reply;
use crate::timefmt::inner_error_date;

/// The `WWW-Authenticate` challenge Graph sends with every 401.
pub const WWW_AUTHENTICATE: &str = "Bearer realm=\"\", authorization_uri=\"https://login.microsoftonline.com/common/oauth2/authorize\", client_id=\"00000003-0000-0000-c000-000000000000\"";

/// Identifiers that tie a response to a request: echoed in headers and in every error body,
/// because `request-id` is what Microsoft support asks for.
#[derive(Debug, Clone)]
pub struct RequestIds {
    pub request_id: String,
    pub client_request_id: String,
}

impl RequestIds {
    /// A fresh request-id; the client's own client-request-id is echoed when it sent one.
    pub fn new(client_request_id: Option<&str>) -> Self {
        let request_id = uuid::Uuid::new_v4().to_string();
        let client_request_id = match client_request_id {
            Some(c) if !c.is_empty() => c.to_string(),
            _ => uuid::Uuid::new_v4().to_string(),
        };
        Self { request_id, client_request_id }
    }
}

/// A Graph error before it is tied to a request; handlers return these, the pipeline turns them
/// into replies with the request's ids.
#[derive(Debug, Clone)]
pub struct GraphError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub headers: Vec<(&'static str, String)>,
}

impl GraphError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self { status, code, message: message.into(), headers: Vec::new() }
    }

    pub fn with_header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "BadRequest", message)
    }

    pub fn segment_not_found(segment: &str) -> Self {
        Self::bad_request(format!("Resource not found for the segment '{segment}'."))
    }

    pub fn invalid_object_identifier(key: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "Request_BadRequest",
            format!("Invalid object identifier '{key}'."),
        )
    }

    pub fn user_not_found(key: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "Request_ResourceNotFound",
            format!(
                "Resource '{key}' does not exist or one of its queried reference-property objects are not present."
            ),
        )
    }

    pub fn method_not_allowed(allowed: &str) -> Self {
        Self::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "Request_BadRequest",
            "Specified HTTP method is not allowed for the request target.",
        )
        .with_header("Allow", allowed)
    }

    pub fn unsupported_query(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "Request_UnsupportedQuery", message)
    }

    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "InvalidAuthenticationToken", message)
            .with_header("WWW-Authenticate", WWW_AUTHENTICATE)
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "Authorization_RequestDenied", message)
    }

    /// 429 as Graph's identity service sends it; `retry_after` is sent verbatim.
    pub fn too_many_requests(retry_after: Option<String>) -> Self {
        let mut e = Self::new(StatusCode::TOO_MANY_REQUESTS, "TooManyRequests", "Too many requests.")
            .with_header(
                "x-ms-throttle-scope",
                "Tenant_Application/ReadWrite/00000000-0000-0000-0000-0000000e0001/00000000-0000-0000-0000-0000000e0002",
            )
            .with_header("x-ms-throttle-information", "ResourceUnitLimitExceeded");
        if let Some(r) = retry_after {
            e = e.with_header("Retry-After", r);
        }
        e
    }

    pub fn service_unavailable(retry_after: Option<String>) -> Self {
        let mut e = Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "serviceNotAvailable",
            "Service Unavailable. Please retry later.",
        );
        if let Some(r) = retry_after {
            e = e.with_header("Retry-After", r);
        }
        e
    }

    pub fn gateway_timeout() -> Self {
        Self::new(
            StatusCode::GATEWAY_TIMEOUT,
            "UnknownError",
            "The gateway did not receive a response from the backend service in time.",
        )
    }

    pub fn into_reply(self, ids: &RequestIds) -> Reply {
        let body = envelope(ids, self.code, &self.message);
        let mut reply = Reply::json(self.status, body);
        reply.headers = self.headers;
        reply
    }
}

/// The error envelope; `innerError` repeats the ids sent in the headers.
pub fn envelope(ids: &RequestIds, code: &str, message: &str) -> Value {
    json!({
        "error": {
            "code": code,
            "message": message,
            "innerError": {
                "date": inner_error_date(),
                "request-id": ids.request_id,
                "client-request-id": ids.client_request_id,
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn envelope_repeats_ids() {
        let ids = RequestIds::new(Some("abc"));
        let r = GraphError::user_not_found("x@y").into_reply(&ids);
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        assert_eq!(r.body["error"]["innerError"]["client-request-id"], "abc");
        assert_eq!(r.body["error"]["innerError"]["request-id"], ids.request_id.as_str());
        assert_eq!(r.body["error"]["code"], "Request_ResourceNotFound");
    }

    #[test]
    fn unauthorized_carries_challenge() {
        let e = GraphError::unauthorized("Access token is empty.");
        assert!(e.headers.iter().any(|(n, _)| *n == "WWW-Authenticate"));
    }
}
