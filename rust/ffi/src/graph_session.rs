//! `GraphSession`: a connection (endpoint + identity) that jobs are started from.

use crate::dto::SessionDto;
use crate::error::NativeError;
use crate::panic_boundary::{guard_result, guard_value};
use entra_core::http::HttpSettings;
use entra_core::{Session, SessionError};
use interoptopus::ffi;
use std::sync::Arc;
use std::time::Duration;

#[ffi(service)]
pub struct GraphSession {
    pub(crate) inner: Arc<Session>,
}

#[ffi]
impl GraphSession {
    /// Connects with an access token the caller already has. `client_timeout_seconds` 0 means
    /// the default; `proxy` empty means the environment's proxy settings.
    pub fn connect_with_access_token(graph_endpoint: ffi::String, access_token: ffi::String, client_timeout_seconds: u32, proxy: ffi::String) -> ffi::Result<Self, NativeError> {
        guard_result(|| {
            let mut settings = HttpSettings::default();
            if client_timeout_seconds > 0 {
                settings.request_timeout = Duration::from_secs(u64::from(client_timeout_seconds));
            }
            if !proxy.as_str().is_empty() {
                match url::Url::parse(proxy.as_str()) {
                    Ok(url) => settings.proxy = Some(url),
                    Err(_) => return ffi::Result::Err(NativeError::InvalidOptions),
                }
            }
            match Session::with_access_token(graph_endpoint.as_str(), access_token.into_string(), &settings) {
                Ok(session) => ffi::Result::Ok(Self { inner: Arc::new(session) }),
                Err(SessionError::Endpoint(_)) => ffi::Result::Err(NativeError::InvalidEndpoint),
                Err(SessionError::InvalidToken) => ffi::Result::Err(NativeError::InvalidToken),
                Err(SessionError::Client(_)) => ffi::Result::Err(NativeError::ClientUnavailable),
            }
        })
    }

    /// The connection's description as JSON (endpoint, tenant, client, account, scopes, roles,
    /// expiry). Never contains the token.
    pub fn describe(&self) -> ffi::String {
        guard_value(ffi::String::from_string("{}".to_owned()), || {
            let json = serde_json::to_string(&SessionDto::from_session(&self.inner)).unwrap_or_else(|_| "{}".to_owned());
            ffi::String::from_string(json)
        })
    }
}
