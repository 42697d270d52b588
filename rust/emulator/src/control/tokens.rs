//! `POST /_emulator/tokens`: registers an access token with its kind, user and permissions.

use hyper::StatusCode;
use serde_json::json;

use super::json_body;
use crate::graph_error::GraphError;
use crate::reply::Reply;
use crate::state::AppState;
use crate::tokens::{TokenInfo, TokenKind, TokenSpec};

pub fn register(state: &AppState, body: &[u8]) -> Result<Reply, GraphError> {
    let spec: TokenSpec =
        serde_json::from_value(json_body(body)?).map_err(|e| GraphError::bad_request(format!("Invalid token: {e}")))?;
    if spec.token.trim().is_empty() || spec.token.contains(char::is_whitespace) {
        return Err(GraphError::bad_request("Invalid token: 'token' must be a non-empty string without spaces."));
    }
    // A delegated token is bound to a user that must exist (id or UPN accepted).
    let user_id = match (spec.kind, spec.user_id.as_deref()) {
        (TokenKind::Delegated, None) => {
            return Err(GraphError::bad_request("Invalid token: a delegated token needs a 'userId'."));
        }
        (_, Some(key)) => Some(
            state
                .users
                .find(key)
                .ok_or_else(|| GraphError::bad_request(format!("Invalid token: no user '{key}'.")))?
                .id,
        ),
        (TokenKind::App, None) => None,
    };
    let info = TokenInfo { token: spec.token, kind: spec.kind, user_id, roles: spec.roles, expires_at: spec.expires_at, client_id: None, issued_at: None };
    let body = json!(info);
    state.tokens.register(info);
    Ok(Reply::json(StatusCode::CREATED, body))
}
