//! JSON batching (`POST /$batch`): up to 20 relative requests, each processed exactly like a
//! standalone one (own faults, own rate-limit token), answered in a shuffled order because
//! Graph promises no order.

use hyper::{Method, StatusCode};
use serde_json::{Map, Value, json};

use super::pipeline::{Call, Outcome, Scope, process};
use crate::graph_error::{GraphError, RequestIds};
use crate::path::{self, ApiVersion};
use crate::reply::Reply;
use crate::response::JSON_CONTENT_TYPE;
use crate::state::AppState;
use crate::tokens::TokenInfo;

pub const MAX_REQUESTS: usize = 20;

struct Item {
    id: String,
    method: String,
    url: String,
    consistency_eventual: bool,
}

pub fn nested_batch() -> GraphError {
    GraphError::bad_request("Nested batch requests are not supported.")
}

fn invalid(detail: &str) -> GraphError {
    GraphError::bad_request(format!("Invalid batch payload format: {detail}"))
}

/// The urls of a batch body, for the request log (best effort: also for invalid batches).
pub fn item_urls(body: &[u8]) -> Option<Vec<String>> {
    let v: Value = serde_json::from_slice(body).ok()?;
    let requests = v.get("requests")?.as_array()?;
    Some(requests.iter().map(|r| r.get("url").and_then(Value::as_str).unwrap_or("").to_string()).collect())
}

fn parse(body: &[u8]) -> Result<Vec<Item>, GraphError> {
    let v: Value = serde_json::from_slice(body).map_err(|_| invalid("the body is not JSON"))?;
    let requests = v
        .get("requests")
        .and_then(Value::as_array)
        .ok_or_else(|| invalid("'requests' must be an array"))?;
    if requests.is_empty() {
        return Err(invalid("'requests' must contain at least one request"));
    }
    if requests.len() > MAX_REQUESTS {
        return Err(GraphError::bad_request(format!(
            "The batch request exceeds the maximum of {MAX_REQUESTS} requests."
        )));
    }
    let mut items: Vec<Item> = Vec::with_capacity(requests.len());
    for r in requests {
        let id = match r.get("id") {
            Some(Value::String(s)) if !s.is_empty() => s.clone(),
            Some(Value::Number(n)) => n.to_string(),
            _ => return Err(invalid("each request needs an 'id'")),
        };
        if items.iter().any(|i| i.id == id) {
            return Err(GraphError::bad_request(format!(
                "Batch request ids must be unique; the id '{id}' is used more than once."
            )));
        }
        let text = |name: &str| r.get(name).and_then(Value::as_str).map(str::to_string);
        let method = text("method").ok_or_else(|| invalid("each request needs a 'method'"))?;
        let url = text("url").ok_or_else(|| invalid("each request needs a 'url'"))?;
        let consistency_eventual = r.get("headers").and_then(Value::as_object).is_some_and(|h| {
            h.iter().any(|(k, v)| {
                k.eq_ignore_ascii_case("ConsistencyLevel") && v.as_str().is_some_and(|v| v.eq_ignore_ascii_case("eventual"))
            })
        });
        items.push(Item { id, method, url, consistency_eventual });
    }
    Ok(items)
}

fn run_item(state: &AppState, version: ApiVersion, token: &TokenInfo, ids: &RequestIds, item: &Item) -> Reply {
    let lower = item.url.to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") {
        return GraphError::bad_request("Batch request urls must be relative (for example '/users/{id}').").into_reply(ids);
    }
    let Ok(method) = Method::from_bytes(item.method.to_ascii_uppercase().as_bytes()) else {
        return GraphError::bad_request(format!("Invalid HTTP method '{}'.", item.method)).into_reply(ids);
    };
    let (raw_path, raw_query) = match item.url.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (item.url.as_str(), None),
    };
    let call = Call {
        method,
        version,
        segments: path::split(raw_path),
        raw_query,
        consistency_eventual: item.consistency_eventual,
    };
    match process(state, &call, token, ids, Scope::BatchItem) {
        Outcome::Reply(reply) => reply,
        // Items are never dropped (there is no connection per item); kept total for safety.
        Outcome::Drop => GraphError::gateway_timeout().into_reply(ids),
    }
}

fn item_json(id: &str, reply: Reply) -> Value {
    let mut headers = Map::new();
    for (k, v) in [
        ("Cache-Control", "no-cache"),
        ("x-ms-resource-unit", "1"),
        ("OData-Version", "4.0"),
        ("Content-Type", JSON_CONTENT_TYPE),
    ] {
        headers.insert(k.to_string(), Value::from(v));
    }
    for (k, v) in reply.headers {
        headers.insert(k.to_string(), Value::from(v));
    }
    json!({ "id": id, "status": reply.status.as_u16(), "headers": headers, "body": reply.body })
}

/// The `$batch` envelope; the caller has authenticated the token and decided drops.
pub fn handle(state: &AppState, version: ApiVersion, token: &TokenInfo, ids: &RequestIds, body: &[u8]) -> Reply {
    state.stats.batch();
    let items = match parse(body) {
        Ok(items) => items,
        Err(e) => return e.into_reply(ids),
    };
    let mut responses: Vec<Value> = items
        .iter()
        .map(|item| {
            let reply = run_item(state, version, token, ids, item);
            state.stats.batch_item(reply.status.as_u16());
            item_json(&item.id, reply)
        })
        .collect();
    fastrand::Rng::with_seed(state.next_batch_seed()).shuffle(&mut responses);
    Reply::json(StatusCode::OK, json!({ "responses": responses }))
}
