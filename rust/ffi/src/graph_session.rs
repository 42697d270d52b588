//! `GraphSession`: a connection (endpoint + identity) that jobs are started from.

use crate::dto::{SessionDto, to_json};
use crate::error::NativeError;
use crate::panic_boundary::{guard_json, guard_result};
use crate::sign_in::{ConnectSettingsDto, SignInFlow};
use entra_core::{Session, SessionError};
use interoptopus::ffi;
use std::sync::Arc;
use zeroize::Zeroize;

#[ffi(service)]
pub struct GraphSession {
    pub(crate) inner: Arc<Session>,
}

fn session_error(error: SessionError) -> NativeError {
    match error {
        SessionError::Endpoint(_) => NativeError::InvalidEndpoint,
        SessionError::InvalidToken => NativeError::InvalidToken,
        SessionError::Client(_) => NativeError::ClientUnavailable,
    }
}

#[ffi]
impl GraphSession {
    /// Connects with an access token the caller already has. `settings_json` as for
    /// `SignInFlow::create` (only the Graph endpoint, timeout and proxies are used).
    pub fn connect_with_access_token(settings_json: ffi::String, access_token: ffi::String) -> ffi::Result<Self, NativeError> {
        guard_result(|| {
            let mut token = access_token.into_string();
            let result = ConnectSettingsDto::parse(settings_json.as_str())
                .and_then(|settings| Ok((settings.http_settings()?, settings.graph_endpoint)))
                .and_then(|(http, graph)| Session::with_access_token(&graph, std::mem::take(&mut token), &http).map_err(session_error));
            token.zeroize();
            match result {
                Ok(session) => ffi::Result::Ok(Self { inner: Arc::new(session) }),
                Err(error) => ffi::Result::Err(error),
            }
        })
    }

    /// Connects with the identity a `SignInFlow` signed in; the flow's endpoints and proxies.
    pub fn connect(flow: &SignInFlow) -> ffi::Result<Self, NativeError> {
        guard_result(|| {
            let Some(tokens) = flow.token_source() else {
                return ffi::Result::Err(NativeError::NotSignedIn);
            };
            match Session::with_token_source(flow.options.graph.clone(), tokens, &flow.options.http) {
                Ok(session) => ffi::Result::Ok(Self { inner: Arc::new(session) }),
                Err(error) => ffi::Result::Err(session_error(error)),
            }
        })
    }

    /// The connection's description as JSON (endpoint, tenant, client, account, scopes, roles,
    /// expiry). Never contains the token.
    pub fn describe(&self) -> ffi::String {
        guard_json(|| to_json(&SessionDto::default()), || to_json(&SessionDto::from_session(&self.inner)))
    }
}
