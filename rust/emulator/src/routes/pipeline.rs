//! One Graph operation, processed the same way whether it arrived alone or inside a `$batch`:
//! early-retry check, injected faults, rate limit, then the operation itself.

use std::time::Instant;

use hyper::{Method, StatusCode};

use super::{Route, batch, resolve, revoke, users_get, users_list};
use crate::early_retry;
use crate::faults::Fault;
use crate::graph_error::{GraphError, RequestIds};
use crate::path::{ApiVersion, decode};
use crate::reply::Reply;
use crate::retry_after::{self, format_seconds};
use crate::state::AppState;
use crate::tokens::TokenInfo;

/// A Graph operation, independent of how it was transported.
pub struct Call<'a> {
    pub method: Method,
    pub version: ApiVersion,
    /// Raw (still encoded) segments after the version.
    pub segments: Vec<&'a str>,
    pub raw_query: Option<&'a str>,
    /// `ConsistencyLevel: eventual` was sent (needed by `$search`).
    pub consistency_eventual: bool,
}

pub enum Outcome {
    Reply(Reply),
    /// Close the connection without answering.
    Drop,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Standalone,
    BatchItem,
}

pub fn process(state: &AppState, call: &Call<'_>, token: &TokenInfo, ids: &RequestIds, scope: Scope) -> Outcome {
    let route = resolve(&call.segments);
    let now = Instant::now();
    let key = early_retry::key(&token.token, call.method.as_str(), &target(state, &route, token, call));
    if let Some(wait) = state.early.check(&key, now) {
        state.stats.early_retry();
        return Outcome::Reply(GraphError::too_many_requests(Some(format_seconds(wait))).into_reply(ids));
    }
    let config = state.faults.config();
    if config.workload_throttling
        && let Some(throttled) = state.workload.check(now)
    {
        state.stats.throttled_window_request();
        return Outcome::Reply(throttled.into_reply(ids));
    }
    let (result, limit_used) = match injected(state, token, scope, now) {
        Err(Injected::Drop) => return Outcome::Drop,
        Err(Injected::Error(e)) => (Err(e), None),
        Ok(limit_used) => (route.and_then(|r| dispatch(state, call, token, r)), limit_used),
    };
    let mut reply = result.unwrap_or_else(|e| e.into_reply(ids));
    if config.rate_limit_usage_header
        && reply.status.is_success()
        && let Some(used) = limit_used.filter(|used| *used > LIMIT_USAGE_HEADER_FROM)
    {
        reply.headers.push(("x-ms-throttle-limit-percentage", format!("{used:.2}")));
    }
    // Whoever is told to come back later is held to it (Dev Proxy's early-retry rule).
    if matches!(reply.status, StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE)
        && let Some(wait) = reply.header("Retry-After").and_then(retry_after::parse)
    {
        state.early.remember(key, wait, now);
        if config.workload_throttling && reply.status == StatusCode::TOO_MANY_REQUESTS {
            state.workload.open(now, wait);
        }
    }
    Outcome::Reply(reply)
}

/// Graph documents `x-ms-throttle-limit-percentage` as sent once more than this share of a
/// limit is used.
const LIMIT_USAGE_HEADER_FROM: f64 = 0.8;

enum Injected {
    Drop,
    Error(GraphError),
}

/// A fault or the rate limit's 429 for this call; otherwise the share of the caller's bucket in
/// use once its token was taken (None without a rate limit).
fn injected(state: &AppState, token: &TokenInfo, scope: Scope, now: Instant) -> Result<Option<f64>, Injected> {
    let config = state.faults.config();
    let fault = state.faults.roll(&config, scope == Scope::Standalone);
    match fault {
        Some(Fault::Drop) => return Err(Injected::Drop),
        Some(Fault::Throttle) => return Err(Injected::Error(GraphError::too_many_requests(config.retry_after429.clone()))),
        Some(Fault::Unavailable) => return Err(Injected::Error(GraphError::service_unavailable(config.retry_after503.clone()))),
        Some(Fault::GatewayTimeout) => return Err(Injected::Error(GraphError::gateway_timeout())),
        None => {}
    }
    let Some((rate, burst)) = config.rate_limit() else { return Ok(None) };
    match state.limiter.try_acquire(&token.token, rate, burst, now) {
        Ok(used) => Ok(Some(used)),
        Err(wait) => Err(Injected::Error(GraphError::too_many_requests(Some(config.rate_limit_retry_after(wait))))),
    }
}

fn dispatch(state: &AppState, call: &Call<'_>, token: &TokenInfo, route: Route) -> Result<Reply, GraphError> {
    let allowed = route.method();
    if call.method != allowed {
        return Err(GraphError::method_not_allowed(allowed.as_str()));
    }
    match route {
        Route::ListUsers => users_list::list(state, call, token),
        Route::GetUser(key) => users_get::get_user(state, call, token, &key),
        Route::GetMe => users_get::get_me(state, call, token),
        Route::RevokeUser(key) => revoke::revoke_user(state, call.version, token, &key),
        Route::RevokeMe => revoke::revoke_me(state, call.version, token),
        Route::Batch => Err(batch::nested_batch()),
    }
}

/// The early-retry key's target: the same user reached by id, by UPN, by `users('…')`, through
/// `/me` or inside a `$batch` is one target.
fn target(state: &AppState, route: &Result<Route, GraphError>, token: &TokenInfo, call: &Call<'_>) -> String {
    let user = |key: &str| {
        state.users.find(key).map_or_else(|| key.to_lowercase(), |u| u.id_string())
    };
    let me = || token.user_id.map_or_else(|| "me".to_string(), |id| format!("users/{id}"));
    match route {
        Ok(Route::RevokeUser(key)) => format!("users/{}/revokesigninsessions", user(key)),
        Ok(Route::GetUser(key)) => format!("users/{}", user(key)),
        Ok(Route::RevokeMe) => format!("{}/revokesigninsessions", me()),
        Ok(Route::GetMe) => me(),
        Ok(Route::ListUsers) => format!("users?{}", call.raw_query.unwrap_or("")),
        Ok(Route::Batch) => "$batch".to_string(),
        Err(_) => {
            let path: Vec<String> = call.segments.iter().map(|s| decode(s).to_lowercase()).collect();
            format!("{}?{}", path.join("/"), call.raw_query.unwrap_or(""))
        }
    }
}
