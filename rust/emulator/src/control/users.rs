//! `POST /_emulator/users` (add generated or described users) and `GET /_emulator/users/{key}`
//! (a user's full state, including what Graph hides unless selected).

use hyper::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};

use super::json_body;
use crate::graph_error::GraphError;
use crate::path::decode;
use crate::reply::Reply;
use crate::state::AppState;
use crate::timefmt::graph_timestamp;
use crate::users::{NewUser, User};

/// Guards against a typo that would eat all memory.
const MAX_GENERATED: u64 = 1_000_000;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AddUsers {
    #[serde(default)]
    count: u64,
    #[serde(default)]
    users: Vec<NewUser>,
}

fn summary(u: &User) -> Value {
    json!({ "id": u.id_string(), "userPrincipalName": u.user_principal_name })
}

pub fn add(state: &AppState, body: &[u8]) -> Result<Reply, GraphError> {
    let req: AddUsers =
        serde_json::from_value(json_body(body)?).map_err(|e| GraphError::bad_request(format!("Invalid users: {e}")))?;
    if req.count > MAX_GENERATED {
        return Err(GraphError::bad_request(format!("'count' must be at most {MAX_GENERATED}.")));
    }
    let mut created = Vec::new();
    for new_user in req.users {
        let user = state
            .users
            .add(new_user)
            .map_err(|e| GraphError::new(StatusCode::CONFLICT, "Request_MultipleObjectsWithSameKeyValue", e.to_string()))?;
        created.push(summary(&user));
    }
    created.extend(state.users.add_generated(req.count).iter().map(|u| summary(u)));
    Ok(Reply::json(
        StatusCode::CREATED,
        json!({ "count": created.len(), "totalUsers": state.users.len(), "created": created }),
    ))
}

pub fn show(state: &AppState, key: &str) -> Result<Reply, GraphError> {
    let key = decode(key);
    let user = state.users.find(&key).ok_or_else(|| GraphError::user_not_found(&key))?;
    Ok(Reply::ok(json!({
        "id": user.id_string(),
        "userPrincipalName": user.user_principal_name,
        "displayName": user.display_name,
        "userType": user.user_type,
        "accountEnabled": user.account_enabled,
        "signInSessionsValidFromDateTime": graph_timestamp(user.sign_in_sessions_valid_from()),
        "refreshTokensValidFromDateTime": graph_timestamp(user.refresh_tokens_valid_from()),
        "revocations": user.revocations(),
    })))
}
