//! `GET /users/{id | upn}` and `GET /me`, with `$select`.

use serde_json::{Map, Value};

use super::lookup;
use super::pipeline::Call;
use super::revoke::ME_NEEDS_DELEGATED;
use crate::graph_error::GraphError;
use crate::query::QueryParams;
use crate::reply::Reply;
use crate::state::AppState;
use crate::tokens::{TokenInfo, TokenKind};
use crate::user_json::Selection;
use crate::users::User;

pub const INSUFFICIENT: &str = "Insufficient privileges to complete the operation.";

fn entity(call: &Call<'_>, user: &User) -> Result<Reply, GraphError> {
    let query = QueryParams::parse(call.raw_query)?;
    let selection = Selection::parse(query.option("$select"))?;
    let mut body = Map::new();
    body.insert(
        "@odata.context".to_string(),
        Value::from(format!("{}#{}/$entity", call.version.metadata(), selection.entity_set())),
    );
    body.extend(selection.render(user));
    Ok(Reply::ok(Value::Object(body)))
}

pub fn get_user(state: &AppState, call: &Call<'_>, token: &TokenInfo, key: &str) -> Result<Reply, GraphError> {
    if !token.can_read() {
        return Err(GraphError::forbidden(INSUFFICIENT));
    }
    let user = lookup(state, key)?;
    entity(call, &user)
}

pub fn get_me(state: &AppState, call: &Call<'_>, token: &TokenInfo) -> Result<Reply, GraphError> {
    if token.kind != TokenKind::Delegated {
        return Err(GraphError::bad_request(ME_NEEDS_DELEGATED));
    }
    if !token.can_read_self() {
        return Err(GraphError::forbidden(INSUFFICIENT));
    }
    let id = token.user_id.unwrap_or_default();
    let user = state.users.by_id(&id).ok_or_else(|| GraphError::user_not_found(&id.to_string()))?;
    entity(call, &user)
}
