//! Graph routing over raw path segments. Hand-written because Graph paths (`users('…')`, `$batch`,
//! case-insensitive segments) don't fit a router, and each segment is decoded only after the
//! path has been split.

pub mod batch;
pub mod pipeline;
pub mod revoke;
pub mod users_get;
pub mod users_list;

use std::sync::Arc;

use hyper::Method;

use crate::graph_error::GraphError;
use crate::path::{decode, parse_quoted_key};
use crate::state::AppState;
use crate::users::{User, parse_guid};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    ListUsers,
    GetUser(String),
    RevokeUser(String),
    GetMe,
    RevokeMe,
    Batch,
}

impl Route {
    pub fn method(&self) -> Method {
        match self {
            Self::ListUsers | Self::GetUser(_) | Self::GetMe => Method::GET,
            Self::RevokeUser(_) | Self::RevokeMe | Self::Batch => Method::POST,
        }
    }
}

/// Resolves the raw segments that follow the version (`v1.0`/`beta`).
pub fn resolve(segments: &[&str]) -> Result<Route, GraphError> {
    let Some((first, rest)) = segments.split_first() else {
        return Err(GraphError::segment_not_found(""));
    };
    let first = decode(first);
    let lower = first.to_ascii_lowercase();
    match lower.as_str() {
        "users" => match rest.split_first() {
            None => Ok(Route::ListUsers),
            Some((key, ops)) => {
                let key = decode(key);
                if key.starts_with('$') {
                    // `users/$x` reads as a system query segment in OData: Graph requires the
                    // `users('$x')` form for UPNs that start with `$`.
                    return Err(GraphError::segment_not_found(&key));
                }
                user_operation(key, ops)
            }
        },
        "me" => match rest {
            [] => Ok(Route::GetMe),
            [op] if decode(op).eq_ignore_ascii_case("revokeSignInSessions") => Ok(Route::RevokeMe),
            [op, ..] => Err(GraphError::segment_not_found(&decode(op))),
        },
        "$batch" if rest.is_empty() => Ok(Route::Batch),
        _ if lower.starts_with("users(") && lower.ends_with(')') => {
            let inner = &first["users(".len()..first.len() - 1];
            user_operation(parse_quoted_key(&first, inner)?, rest)
        }
        _ => Err(GraphError::segment_not_found(&first)),
    }
}

fn user_operation(key: String, ops: &[&str]) -> Result<Route, GraphError> {
    match ops {
        [] => Ok(Route::GetUser(key)),
        [op] if decode(op).eq_ignore_ascii_case("revokeSignInSessions") => Ok(Route::RevokeUser(key)),
        [op, ..] => Err(GraphError::segment_not_found(&decode(op))),
    }
}

/// Finds a user by object id or UPN with Graph's errors: a key that is neither a GUID nor
/// UPN-shaped is an invalid identifier (400), a well-formed one that matches nobody is 404.
pub fn lookup(state: &AppState, key: &str) -> Result<Arc<User>, GraphError> {
    let found = if let Some(id) = parse_guid(key) {
        state.users.by_id(&id)
    } else if key.contains('@') {
        state.users.by_upn(key)
    } else {
        return Err(GraphError::invalid_object_identifier(key));
    };
    found.ok_or_else(|| GraphError::user_not_found(key))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::path::split;

    fn route(path: &str) -> Result<Route, GraphError> {
        resolve(&split(path))
    }

    #[test]
    fn user_forms() {
        assert_eq!(route("users/AdeleV@contoso.com/revokeSignInSessions").unwrap(), Route::RevokeUser("AdeleV@contoso.com".into()));
        assert_eq!(route("Users/x%40y/RevokeSignInSessions").unwrap(), Route::RevokeUser("x@y".into()));
        assert_eq!(route("users('$svc@x')/revokeSignInSessions").unwrap(), Route::RevokeUser("$svc@x".into()));
        assert_eq!(route("users(%27%24svc%40x%27)").unwrap(), Route::GetUser("$svc@x".into()));
        assert_eq!(route("users('o''b@x')").unwrap(), Route::GetUser("o'b@x".into()));
        assert_eq!(route("users/a%2Fb@x/revokeSignInSessions").unwrap(), Route::RevokeUser("a/b@x".into()));
        assert_eq!(route("users").unwrap(), Route::ListUsers);
        assert_eq!(route("me/revokeSignInSessions").unwrap(), Route::RevokeMe);
        assert_eq!(route("$batch").unwrap(), Route::Batch);
    }

    #[test]
    fn errors_name_the_segment() {
        assert_eq!(route("groups").unwrap_err().message, "Resource not found for the segment 'groups'.");
        assert_eq!(route("users/x@y/revoke").unwrap_err().message, "Resource not found for the segment 'revoke'.");
        assert_eq!(route("users/$svc@x/revokeSignInSessions").unwrap_err().message, "Resource not found for the segment '$svc@x'.");
        assert!(route("users('o'b@x')").is_err());
    }
}
