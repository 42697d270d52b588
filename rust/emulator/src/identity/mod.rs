//! The identity platform's side, on the same port as Graph: the token endpoint
//! (`POST /{tenant}/oauth2/v2.0/token`: client secret, client assertion, device code and
//! refresh token grants), the device code endpoint (`POST /{tenant}/oauth2/v2.0/devicecode`),
//! and managed identity endpoints (IMDS `GET /metadata/identity/oauth2/token` with
//! `Metadata: true`; App Service `GET /msi/token` with `X-IDENTITY-HEADER`).
//!
//! Tokens it issues are JWT-shaped (tid, appid, roles or scp, upn, exp) and registered in the
//! token registry with the app's roles (or the granted scopes) and lifetime, so Graph checks
//! them like any registered token. Refusals are Entra-shaped, with AADSTS codes.

pub mod apps;
mod device_code;
mod jwt;
mod managed_identity;
mod signins;
mod token;

use std::collections::HashMap;
use std::sync::Arc;

use bytes::Bytes;
use chrono::Utc;
use http_body_util::{BodyExt, Limited};
use hyper::body::Incoming;
use hyper::{HeaderMap, Method, Request, Response, StatusCode};
use serde_json::{Value, json};

use crate::body::EmuBody;
use crate::path;
use crate::state::AppState;
use crate::tokens::{TokenInfo, TokenKind};
use crate::users::User;

pub use apps::AppRegistry;
pub use signins::{SignIn, SignInLog};

const MAX_BODY: usize = 1024 * 1024;

/// Device codes waiting to be polled, and refresh tokens, as the platform keeps them.
#[derive(Default)]
pub struct IdentityState {
    pub apps: AppRegistry,
    pub signins: SignInLog,
    device_codes: parking_lot::Mutex<HashMap<String, device_code::Pending>>,
    refresh_tokens: parking_lot::Mutex<HashMap<String, token::RefreshGrant>>,
    /// Until then the token endpoint answers 503 (`POST /_emulator/identity/outage`).
    outage_until: parking_lot::Mutex<Option<std::time::Instant>>,
}

impl IdentityState {
    /// The token endpoint answers 503 for `duration` from now (an identity platform outage).
    pub fn start_outage(&self, duration: std::time::Duration) {
        *self.outage_until.lock() = Some(std::time::Instant::now() + duration);
    }

    pub fn in_outage(&self) -> bool {
        self.outage_until.lock().is_some_and(|until| std::time::Instant::now() < until)
    }

    /// Every refresh token still valid (tests look for them in places they must not be).
    pub fn refresh_tokens(&self) -> Vec<String> {
        self.refresh_tokens.lock().keys().cloned().collect()
    }

    pub fn reset(&self) {
        self.apps.reset();
        self.signins.clear();
        self.device_codes.lock().clear();
        self.refresh_tokens.lock().clear();
        *self.outage_until.lock() = None;
    }
}

enum Endpoint {
    Token(String),
    DeviceCode(String),
    Imds,
    AppService,
}

fn endpoint(raw_path: &str) -> Option<Endpoint> {
    let segments: Vec<String> = path::split(raw_path).iter().map(|s| path::decode(s)).collect();
    let lower: Vec<String> = segments.iter().map(|s| s.to_ascii_lowercase()).collect();
    let lower: Vec<&str> = lower.iter().map(String::as_str).collect();
    match lower.as_slice() {
        [_, "oauth2", "v2.0", "token"] => Some(Endpoint::Token(segments[0].clone())),
        [_, "oauth2", "v2.0", "devicecode"] => Some(Endpoint::DeviceCode(segments[0].clone())),
        ["metadata", "identity", "oauth2", "token"] => Some(Endpoint::Imds),
        ["msi", "token"] => Some(Endpoint::AppService),
        _ => None,
    }
}

pub fn is_identity(path: &str) -> bool {
    endpoint(path).is_some()
}

pub async fn handle(state: Arc<AppState>, req: Request<Incoming>) -> Response<EmuBody> {
    let (parts, body) = req.into_parts();
    let body = Limited::new(body, MAX_BODY).collect().await.map(|b| b.to_bytes()).unwrap_or_default();
    // The Graph a token is for is the origin the client reached us at (the Host header, or the
    // absolute URI a proxy was asked for): the resource must be that Graph, never another one.
    let origin = request_origin(&parts.uri, &parts.headers);
    let ctx = Ctx { state: &state, origin, headers: &parts.headers, query: parts.uri.query().unwrap_or("") };
    let reply = match (endpoint(parts.uri.path()), &parts.method) {
        (Some(Endpoint::Token(tenant)), &Method::POST) => token::handle(&ctx, &tenant, &form(&body)),
        (Some(Endpoint::DeviceCode(tenant)), &Method::POST) => device_code::start(&ctx, &tenant, &form(&body)),
        (Some(Endpoint::Imds), &Method::GET) => managed_identity::imds(&ctx),
        (Some(Endpoint::AppService), &Method::GET) => managed_identity::app_service(&ctx),
        _ => Answer::json(StatusCode::METHOD_NOT_ALLOWED, json!({"error": "invalid_request", "error_description": "Method not allowed."})),
    };
    reply.into_response()
}

/// What every identity handler needs.
pub(crate) struct Ctx<'a> {
    pub state: &'a AppState,
    pub origin: String,
    pub headers: &'a HeaderMap,
    pub query: &'a str,
}

impl Ctx<'_> {
    pub fn query_param(&self, name: &str) -> Option<String> {
        url::form_urlencoded::parse(self.query.as_bytes()).find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.into_owned())
    }

    /// A resource (or scope's resource part) names this emulator's Graph.
    pub fn is_own_resource(&self, resource: &str) -> bool {
        resource.trim_end_matches('/').eq_ignore_ascii_case(&self.origin)
    }

    /// Issues an access token for `app` (app-only, or for `user` with `scopes`) and registers
    /// it with Graph. Returns the token and its lifetime in seconds.
    pub fn issue(&self, app: &apps::App, tenant: &str, user: Option<(&User, &[String])>) -> (String, u64) {
        let now = Utc::now().timestamp();
        let lifetime = app.token_lifetime_seconds;
        let mut claims = json!({
            "aud": self.origin,
            "iss": format!("https://sts.windows.net/{tenant}/"),
            "iat": now,
            "nbf": now,
            "exp": now + lifetime as i64,
            "app_displayname": app.display_name,
            "appid": app.client_id,
            "tid": tenant,
            "uti": uuid::Uuid::new_v4().simple().to_string(),
            "ver": "1.0",
        });
        let (kind, user_id, permissions) = match user {
            Some((user, scopes)) => {
                claims["idtyp"] = json!("user");
                claims["oid"] = json!(user.id_string());
                claims["upn"] = json!(user.user_principal_name);
                claims["unique_name"] = json!(user.user_principal_name);
                claims["name"] = json!(user.display_name);
                claims["scp"] = json!(scopes.join(" "));
                (TokenKind::Delegated, Some(user.id), scopes.to_vec())
            }
            None => {
                claims["idtyp"] = json!("app");
                claims["oid"] = json!(app.client_id);
                if !app.roles.is_empty() {
                    claims["roles"] = json!(app.roles);
                }
                (TokenKind::App, None, app.roles.clone())
            }
        };
        let token = jwt::issue(&claims);
        let expires_at = if app.reject_issued_tokens { Utc::now() - chrono::Duration::seconds(1) } else { Utc::now() + chrono::Duration::seconds(lifetime as i64) };
        self.state.tokens.register(TokenInfo { token: token.clone(), kind, user_id, roles: permissions, expires_at: Some(expires_at), client_id: Some(app.client_id.clone()), issued_at: Some(Utc::now()) });
        (token, lifetime)
    }
}

fn request_origin(uri: &hyper::Uri, headers: &HeaderMap) -> String {
    let authority = uri.authority().map(|a| a.as_str().to_string()).or_else(|| headers.get("host").and_then(|h| h.to_str().ok()).map(str::to_string)).unwrap_or_default();
    format!("{}://{}", uri.scheme_str().unwrap_or("http"), authority)
}

fn form(body: &Bytes) -> HashMap<String, String> {
    url::form_urlencoded::parse(body).into_owned().collect()
}

/// An identity answer before it becomes a response.
pub(crate) struct Answer {
    status: StatusCode,
    body: Value,
}

impl Answer {
    pub fn json(status: StatusCode, body: Value) -> Self {
        Self { status, body }
    }

    pub fn ok(body: Value) -> Self {
        Self::json(StatusCode::OK, body)
    }

    /// Entra's error shape: `error`, `error_description` starting with the AADSTS code and
    /// ending with the trace and correlation ids, `error_codes`, `trace_id`, `correlation_id`.
    pub fn entra(status: StatusCode, error: &str, code: u32, message: &str) -> Self {
        let trace_id = uuid::Uuid::new_v4().to_string();
        let correlation_id = uuid::Uuid::new_v4().to_string();
        let timestamp = Utc::now().format("%Y-%m-%d %H:%M:%SZ").to_string();
        Self::json(
            status,
            json!({
                "error": error,
                "error_description": format!("AADSTS{code}: {message}\r\nTrace ID: {trace_id}\r\nCorrelation ID: {correlation_id}\r\nTimestamp: {timestamp}"),
                "error_codes": [code],
                "timestamp": timestamp,
                "trace_id": trace_id,
                "correlation_id": correlation_id,
                "error_uri": format!("https://login.microsoftonline.com/error?code={code}"),
            }),
        )
    }

    pub fn status(&self) -> u16 {
        self.status.as_u16()
    }

    /// `(error, AADSTS code)` of an error answer, for the sign-in log.
    pub fn error_summary(&self) -> (Option<String>, Option<String>) {
        let error = self.body.get("error").and_then(Value::as_str).map(str::to_string);
        let code = self.body.get("error_codes").and_then(|c| c.get(0)).and_then(Value::as_u64).map(|n| format!("AADSTS{n}"));
        (error, code)
    }

    fn into_response(self) -> Response<EmuBody> {
        let bytes = Bytes::from(serde_json::to_vec(&self.body).unwrap_or_default());
        let mut response = Response::new(EmuBody::new(bytes, None));
        *response.status_mut() = self.status;
        let headers = response.headers_mut();
        headers.insert("content-type", hyper::header::HeaderValue::from_static("application/json; charset=utf-8"));
        headers.insert("cache-control", hyper::header::HeaderValue::from_static("no-store, no-cache"));
        if let Ok(date) = hyper::header::HeaderValue::from_str(&httpdate::fmt_http_date(std::time::SystemTime::now())) {
            headers.insert("date", date);
        }
        response
    }
}
