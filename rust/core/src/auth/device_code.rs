//! Delegated sign-in with the device code flow (RFC 8628 as Entra speaks it).
//!
//! 1. `start`: `POST {authority}/{tenant}/oauth2/v2.0/devicecode` (client_id, scope) answers the
//!    code and URL the user needs (`prompt`) and the device code we poll with (kept secret).
//! 2. `complete`: polls the token endpoint (`grant_type=urn:ietf:params:oauth:grant-type:device_code`)
//!    at the interval the server gave, slower after `slow_down`, until the user signed in,
//!    declined, or the code expired.
//! 3. The token is then renewed with the refresh token that came with it (rotated on every
//!    renewal), so a long run keeps going as the signed-in user.

use super::clock::{Clock, SystemClock};
use super::entra_error::{EntraError, EntraErrorKind};
use super::renewing::{Credential, IssuedToken, RenewingToken};
use super::token_endpoint::{SecretForm, TokenAnswer, parse_token_answer, post_form, request_token};
use super::{AuthError, Authority};
use futures::future::BoxFuture;
use parking_lot::Mutex;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

pub const DEVICE_CODE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";
/// Microsoft Graph Command Line Tools: the public client Connect-MgGraph signs in with.
pub const GRAPH_CLI_CLIENT_ID: &str = "14d82eec-204b-4c2f-b7e8-296a70dab67e";
/// Polling faster than this is never done, whatever the server says.
pub const MIN_POLL_INTERVAL: Duration = Duration::from_secs(1);
const SLOW_DOWN_STEP: Duration = Duration::from_secs(5);

/// What the user is shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DeviceCodePrompt {
    pub user_code: String,
    pub verification_uri: String,
    /// The platform's sentence ("To sign in, use a web browser to open the page … and enter the code … to authenticate.").
    pub message: String,
    pub expires_in_seconds: u64,
}

#[derive(Deserialize)]
struct DeviceCodeAnswer {
    device_code: String,
    user_code: String,
    #[serde(alias = "verification_url")]
    verification_uri: String,
    #[serde(default)]
    expires_in: Option<u64>,
    #[serde(default)]
    interval: Option<u64>,
    #[serde(default)]
    message: Option<String>,
}

pub struct DeviceCodeFlow {
    client: reqwest::Client,
    authority: Authority,
    client_id: String,
    scope: String,
    device_code: SecretString,
    interval: Duration,
    min_interval: Duration,
    prompt: DeviceCodePrompt,
    clock: Arc<dyn Clock>,
}

impl fmt::Debug for DeviceCodeFlow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DeviceCodeFlow").field("client_id", &self.client_id).field("prompt", &self.prompt).finish_non_exhaustive()
    }
}

impl DeviceCodeFlow {
    /// Asks for a device code for `client_id` and the (already qualified) `scope`.
    pub async fn start(client: reqwest::Client, authority: Authority, client_id: String, scope: String) -> Result<Self, AuthError> {
        let form = SecretForm::new().field("client_id", client_id.clone()).field("scope", scope.clone());
        let body = post_form(&client, authority.device_code_url(), &form).await?;
        let answer: DeviceCodeAnswer = serde_json::from_slice(&body)
            .map_err(|_| AuthError::Unavailable("The device code endpoint answered without a device code.".to_owned()))?;
        let expires_in = answer.expires_in.unwrap_or(900);
        let prompt = DeviceCodePrompt {
            message: answer.message.filter(|m| !m.trim().is_empty()).unwrap_or_else(|| {
                format!("To sign in, use a web browser to open the page {} and enter the code {} to authenticate.", answer.verification_uri, answer.user_code)
            }),
            user_code: answer.user_code,
            verification_uri: answer.verification_uri,
            expires_in_seconds: expires_in,
        };
        Ok(Self {
            client,
            authority,
            client_id,
            scope,
            device_code: SecretString::from(answer.device_code),
            interval: Duration::from_secs(answer.interval.unwrap_or(5)),
            min_interval: MIN_POLL_INTERVAL,
            prompt,
            clock: Arc::new(SystemClock),
        })
    }

    pub fn prompt(&self) -> &DeviceCodePrompt {
        &self.prompt
    }

    /// Tests poll faster than a real client may.
    pub fn with_min_poll_interval(mut self, min: Duration) -> Self {
        self.min_interval = min;
        self
    }

    /// Polls until the user has signed in (or declined, or the code expired).
    pub async fn complete(self) -> Result<RenewingToken, AuthError> {
        let started = self.clock.now();
        let deadline = started + Duration::from_secs(self.prompt.expires_in_seconds);
        let mut interval = self.interval.max(self.min_interval);
        loop {
            tokio::time::sleep(interval).await;
            let issued_at = self.clock.now();
            if issued_at > deadline {
                return Err(expired(self.prompt.expires_in_seconds));
            }
            let form = SecretForm::new()
                .field("grant_type", DEVICE_CODE_GRANT)
                .field("client_id", self.client_id.clone())
                .secret("device_code", SecretString::from(self.device_code.expose_secret().to_owned()));
            let answer = match post_form(&self.client, self.authority.token_url(), &form).await {
                Ok(body) => parse_token_answer(&body).ok_or_else(|| AuthError::Unavailable("The sign-in endpoint answered without a usable access token.".to_owned()))?,
                Err(AuthError::Refused(e)) if e.is_pending() => continue,
                Err(AuthError::Refused(e)) if e.is_slow_down() => {
                    interval += SLOW_DOWN_STEP;
                    continue;
                }
                Err(e) => return Err(e),
            };
            return Ok(self.signed_in(answer, issued_at));
        }
    }

    fn signed_in(self, mut answer: TokenAnswer, issued_at: std::time::Instant) -> RenewingToken {
        let credential = RefreshTokenCredential {
            client: self.client,
            authority: self.authority,
            client_id: self.client_id,
            scope: self.scope,
            refresh_token: Mutex::new(answer.refresh_token.take()),
        };
        RenewingToken::with_first(Box::new(credential), answer.into(), issued_at, self.clock)
    }
}

fn expired(seconds: u64) -> AuthError {
    AuthError::Refused(EntraError {
        kind: EntraErrorKind::DeviceCodeExpired,
        http_status: 400,
        error: "expired_token".to_owned(),
        description: format!("Nobody signed in with the code within {} minutes.", seconds.div_ceil(60)),
        aadsts: None,
        trace_id: None,
        correlation_id: None,
    })
}

/// Renews a delegated token with the refresh token the last answer carried.
struct RefreshTokenCredential {
    client: reqwest::Client,
    authority: Authority,
    client_id: String,
    scope: String,
    refresh_token: Mutex<Option<SecretString>>,
}

impl fmt::Debug for RefreshTokenCredential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RefreshTokenCredential").field("client_id", &self.client_id).field("scope", &self.scope).finish_non_exhaustive()
    }
}

impl Credential for RefreshTokenCredential {
    fn fetch(&self) -> BoxFuture<'_, Result<IssuedToken, AuthError>> {
        Box::pin(async move {
            let Some(refresh_token) = self.refresh_token.lock().as_ref().map(|t| SecretString::from(t.expose_secret().to_owned())) else {
                return Err(AuthError::CannotRefresh);
            };
            let form = SecretForm::new()
                .field("grant_type", "refresh_token")
                .field("client_id", self.client_id.clone())
                .field("scope", self.scope.clone())
                .secret("refresh_token", refresh_token);
            let mut answer = request_token(&self.client, self.authority.token_url(), &form).await?;
            if let Some(rotated) = answer.refresh_token.take() {
                *self.refresh_token.lock() = Some(rotated);
            }
            Ok(answer.into())
        })
    }

    fn kind(&self) -> &'static str {
        "DeviceCode"
    }
}
