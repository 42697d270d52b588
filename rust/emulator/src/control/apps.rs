//! `POST /_emulator/apps` (register an app: secrets, certificates, roles, token lifetime,
//! device code and managed identity behaviour), `GET /_emulator/apps`, the sign-in log
//! (`GET`/`DELETE /_emulator/signins`) and `POST /_emulator/tokens/expire`.

use hyper::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};

use super::json_body;
use crate::graph_error::GraphError;
use crate::identity::apps::AppSpec;
use crate::reply::Reply;
use crate::state::AppState;

/// What the identity endpoints handed out: access tokens (with their app and expiry) and the
/// refresh tokens still valid. A test emulator only: real secrets never come near it.
pub fn issued_tokens(state: &AppState) -> Reply {
    let access: Vec<Value> = state
        .tokens
        .issued()
        .iter()
        .map(|t| json!({ "token": t.token, "clientId": t.client_id, "kind": t.kind, "expiresAt": t.expires_at }))
        .collect();
    Reply::ok(json!({ "accessTokens": access, "refreshTokens": state.identity.refresh_tokens() }))
}

pub fn register(state: &AppState, body: &[u8]) -> Result<Reply, GraphError> {
    let spec: AppSpec = serde_json::from_value(json_body(body)?).map_err(|e| GraphError::bad_request(format!("Invalid app: {e}")))?;
    let app = state.identity.apps.register(spec).map_err(|e| GraphError::bad_request(format!("Invalid app: {e}")))?;
    Ok(Reply::json(StatusCode::CREATED, app.summary()))
}

pub fn list(state: &AppState) -> Reply {
    Reply::ok(Value::Array(state.identity.apps.all().iter().map(|a| a.summary()).collect()))
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Expire {
    client_id: Option<String>,
}

pub fn expire_tokens(state: &AppState, body: &[u8]) -> Result<Reply, GraphError> {
    let request: Expire = serde_json::from_value(json_body(body)?).map_err(|e| GraphError::bad_request(format!("Invalid request: {e}")))?;
    let expired = state.tokens.expire_issued(request.client_id.as_deref());
    Ok(Reply::ok(json!({ "expired": expired })))
}
