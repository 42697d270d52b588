//! `revokeSignInSessions`: moves the user's ValidFrom timestamps to now and answers
//! `{"value":true}` as Graph does today.

use serde_json::json;

use super::lookup;
use crate::graph_error::GraphError;
use crate::path::ApiVersion;
use crate::reply::Reply;
use crate::state::AppState;
use crate::timefmt::now_unix;
use crate::tokens::{TokenInfo, TokenKind};

const DENIED: &str = "Access to invalidate refresh tokens operation is denied.";
pub const ME_NEEDS_DELEGATED: &str = "/me request is only valid with delegated authentication flow.";

fn revoked(version: ApiVersion) -> Reply {
    Reply::ok(json!({
        "@odata.context": format!("{}#Edm.Boolean", version.metadata()),
        "value": true,
    }))
}

pub fn revoke_user(state: &AppState, version: ApiVersion, token: &TokenInfo, key: &str) -> Result<Reply, GraphError> {
    if !token.can_revoke() {
        return Err(GraphError::forbidden(DENIED));
    }
    let user = lookup(state, key)?;
    user.revoke(now_unix());
    Ok(revoked(version))
}

pub fn revoke_me(state: &AppState, version: ApiVersion, token: &TokenInfo) -> Result<Reply, GraphError> {
    if token.kind != TokenKind::Delegated {
        return Err(GraphError::bad_request(ME_NEEDS_DELEGATED));
    }
    if !token.can_revoke() {
        return Err(GraphError::forbidden(DENIED));
    }
    let id = token.user_id.unwrap_or_default();
    let user = state.users.by_id(&id).ok_or_else(|| GraphError::user_not_found(&id.to_string()))?;
    user.revoke(now_unix());
    Ok(revoked(version))
}
