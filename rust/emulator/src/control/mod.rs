//! The control API under `/_emulator/`: configuration, counters, request log, tokens, users,
//! app registrations and the sign-in log.
//! Not Graph: no auth, no faults, no latency, not counted or recorded.

mod apps;
mod tokens;
mod users;

use std::sync::Arc;

use http_body_util::{BodyExt, Limited};
use hyper::body::Incoming;
use hyper::{Method, Request, Response, StatusCode};
use serde_json::{Value, json};

use crate::body::EmuBody;
use crate::graph::header;
use crate::graph_error::{GraphError, RequestIds};
use crate::reply::Reply;
use crate::response;
use crate::state::AppState;

pub const PREFIX: &str = "/_emulator";

/// Large enough for a `{"users":[…]}` body with many thousands of users.
const MAX_BODY: usize = 64 * 1024 * 1024;

pub fn is_control(path: &str) -> bool {
    path == PREFIX || path.starts_with("/_emulator/")
}

pub async fn handle(state: Arc<AppState>, req: Request<Incoming>) -> Response<EmuBody> {
    let (parts, body) = req.into_parts();
    let ids = RequestIds::new(header(&parts.headers, "client-request-id"));
    let reply = match Limited::new(body, MAX_BODY).collect().await {
        Ok(body) => route(&state, &parts.method, parts.uri.path(), &body.to_bytes()),
        Err(_) => Err(GraphError::new(StatusCode::PAYLOAD_TOO_LARGE, "RequestEntityTooLarge", "The request body is too large.")),
    };
    response::build(reply.unwrap_or_else(|e| e.into_reply(&ids)), &ids, None)
}

fn ok() -> Reply {
    Reply::ok(json!({ "status": "ok" }))
}

/// Parses a JSON body; an empty body reads as `{}`.
pub(crate) fn json_body(body: &[u8]) -> Result<Value, GraphError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(json!({}));
    }
    serde_json::from_slice(body).map_err(|e| GraphError::bad_request(format!("The body is not valid JSON: {e}")))
}

fn route(state: &AppState, method: &Method, path: &str, body: &[u8]) -> Result<Reply, GraphError> {
    let rest = path.strip_prefix(PREFIX).unwrap_or("").trim_matches('/');
    let (resource, sub) = rest.split_once('/').unwrap_or((rest, ""));
    let not_allowed = |allowed: &str| Err(GraphError::method_not_allowed(allowed));
    match (resource, sub) {
        ("health", "") => match *method {
            Method::GET => Ok(ok()),
            _ => not_allowed("GET"),
        },
        ("config", "") => match *method {
            Method::GET => Ok(Reply::ok(json!(*state.faults.config()))),
            Method::POST | Method::PUT | Method::PATCH => {
                let merged = state.faults.config().merged(&json_body(body)?).map_err(GraphError::bad_request)?;
                state.set_config(merged.clone());
                Ok(Reply::ok(json!(merged)))
            }
            _ => not_allowed("GET, POST"),
        },
        ("reset", "") => match *method {
            Method::POST => {
                state.reset();
                Ok(ok())
            }
            _ => not_allowed("POST"),
        },
        ("requests", "") => match *method {
            Method::GET => Ok(Reply::ok(state.recorder.to_json())),
            Method::DELETE => {
                state.recorder.clear();
                Ok(ok())
            }
            _ => not_allowed("GET, DELETE"),
        },
        ("stats", "") => match *method {
            Method::GET => Ok(Reply::ok(state.stats.snapshot(&state.users))),
            _ => not_allowed("GET"),
        },
        ("tokens", "") => match *method {
            Method::GET => Ok(apps::issued_tokens(state)),
            Method::POST => tokens::register(state, body),
            _ => not_allowed("GET, POST"),
        },
        ("tokens", "expire") => match *method {
            Method::POST => apps::expire_tokens(state, body),
            _ => not_allowed("POST"),
        },
        ("apps", "") => match *method {
            Method::GET => Ok(apps::list(state)),
            Method::POST => apps::register(state, body),
            _ => not_allowed("GET, POST"),
        },
        ("identity", "outage") => match *method {
            Method::POST => {
                let seconds = json_body(body)?.get("seconds").and_then(serde_json::Value::as_f64).filter(|s| s.is_finite() && *s >= 0.0);
                let Some(seconds) = seconds else {
                    return Err(GraphError::bad_request("expected {\"seconds\": <non-negative number>}".to_string()));
                };
                state.identity.start_outage(std::time::Duration::from_secs_f64(seconds));
                Ok(ok())
            }
            _ => not_allowed("POST"),
        },
        ("throttle", "") => match *method {
            // The tenant is already throttled: a per-workload window opens now (Dev Proxy's
            // manner; with `workloadThrottling` on, every Graph request gets 429 until it ends).
            Method::POST => {
                let seconds = json_body(body)?.get("seconds").and_then(serde_json::Value::as_f64).filter(|s| s.is_finite() && *s >= 0.0);
                let Some(seconds) = seconds else {
                    return Err(GraphError::bad_request("expected {\"seconds\": <non-negative number>}".to_string()));
                };
                state.workload.open(std::time::Instant::now(), std::time::Duration::from_secs_f64(seconds));
                Ok(ok())
            }
            _ => not_allowed("POST"),
        },
        ("signins", "") => match *method {
            Method::GET => Ok(Reply::ok(state.identity.signins.to_json())),
            Method::DELETE => {
                state.identity.signins.clear();
                Ok(ok())
            }
            _ => not_allowed("GET, DELETE"),
        },
        ("users", "") => match *method {
            Method::POST => users::add(state, body),
            _ => not_allowed("POST"),
        },
        ("users", key) => match *method {
            Method::GET => users::show(state, key),
            _ => not_allowed("GET"),
        },
        _ => Err(GraphError::new(
            StatusCode::NOT_FOUND,
            "NotFound",
            format!("Unknown control endpoint '{path}'."),
        )),
    }
}
