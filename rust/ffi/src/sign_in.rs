//! `SignInFlow`: one Connect-Entra sign-in, driven from the pipeline thread. Each step answers a
//! JSON document (`{"status":"signedIn"}`, `{"status":"pending",…prompt}` or
//! `{"status":"failed","error":{…}}`), so Entra's refusal (kind, AADSTS code, trace and
//! correlation ids) reaches C# as data without any global "last error". Once signed in,
//! `GraphSession::connect(flow)` takes the token source. `cancel` works from any thread.
//!
//! Secrets arrive as `ffi::String`s the caller built from native buffers; they are copied into
//! zeroed-on-drop buffers here and the incoming copy is zeroed at once.

use crate::assertion_signer::{CallbackSigner, SignAssertion};
use crate::error::NativeError;
use crate::dto::{INTERNAL_ERROR_MESSAGE, to_json};
use crate::panic_boundary::{guard_result, guard_value};
use crate::runtime;
use crate::sign_in_failure::SignInFailureKind;
use entra_core::auth::device_code::{DeviceCodeFlow, DeviceCodePrompt};
use entra_core::auth::managed_identity::ManagedIdentityEnvironment;
use entra_core::auth::sign_in::{SignInOptions, start_device_code, with_certificate, with_client_secret, with_managed_identity};
use entra_core::auth::{AuthError, TokenSource};
use entra_core::endpoint::GraphEndpoint;
use entra_core::http::{HttpSettings, ProxyEnvironment};
use interoptopus::ffi;
use parking_lot::Mutex;
use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;
use zeroize::Zeroize;

boundary_document! {
    /// Connect-Entra's settings, which every native connect call takes (never a secret).
    #[csharp_input = "ConnectSettingsRecord"]
    pub struct ConnectSettingsDto {
        pub graph_endpoint: String => "string",
        #[serde(default)]
        pub azure_ad_endpoint as "azureADEndpoint": String => "string",
        #[serde(default)]
        pub tenant_id: Option<String> => "string?",
        #[serde(default)]
        pub client_id: Option<String> => "string?",
        #[serde(default)]
        pub scopes: Vec<String> => "string[]",
        #[serde(default)]
        pub send_certificate_chain: bool => "bool",
        /// Seconds allowed for one request; 0 or absent means the default.
        #[serde(default)]
        pub client_timeout_seconds: f64 => "double",
        /// Connect-Entra -Proxy: overrides the environment's proxy variables.
        #[serde(default)]
        pub proxy: Option<String> => "string?",
        /// HTTPS_PROXY/HTTP_PROXY/ALL_PROXY/NO_PROXY as PowerShell sees them.
        #[serde(default)]
        pub proxy_environment: Option<ProxyEnvironmentDto> => "ProxyEnvironmentRecord?",
    }
}

boundary_document! {
    /// HTTPS_PROXY, HTTP_PROXY, ALL_PROXY and NO_PROXY as the PowerShell session sees them (on Unix, $env: changes are invisible to native code).
    #[csharp_input = "ProxyEnvironmentRecord"]
    #[derive(Default)]
    pub struct ProxyEnvironmentDto {
        https: Option<String> => "string?",
        http: Option<String> => "string?",
        all: Option<String> => "string?",
        no_proxy: Option<String> => "string?",
    }
}

impl ConnectSettingsDto {
    pub fn parse(json: &str) -> Result<Self, NativeError> {
        serde_json::from_str(json).map_err(|_| NativeError::InvalidOptions)
    }

    pub fn http_settings(&self) -> Result<HttpSettings, NativeError> {
        let mut settings = HttpSettings::default();
        if self.client_timeout_seconds.is_finite() && self.client_timeout_seconds > 0.0 {
            settings.request_timeout = Duration::from_secs_f64(self.client_timeout_seconds.min(86_400.0));
        }
        if let Some(proxy) = self.proxy.as_deref().filter(|p| !p.trim().is_empty()) {
            settings.proxy = Some(url::Url::parse(proxy).map_err(|_| NativeError::InvalidProxy)?);
        }
        settings.proxy_environment = self.proxy_environment.as_ref().map(|p| ProxyEnvironment {
            https: p.https.clone(),
            http: p.http.clone(),
            all: p.all.clone(),
            no_proxy: p.no_proxy.clone(),
        });
        Ok(settings)
    }

    fn options(self) -> Result<SignInOptions, NativeError> {
        let http = self.http_settings()?;
        Ok(SignInOptions {
            graph: GraphEndpoint::parse(&self.graph_endpoint).map_err(|_| NativeError::InvalidEndpoint)?,
            login_endpoint: self.azure_ad_endpoint,
            tenant_id: self.tenant_id,
            client_id: self.client_id,
            scopes: self.scopes,
            send_certificate_chain: self.send_certificate_chain,
            http,
        })
    }
}

enum State {
    Ready,
    DeviceCode(DeviceCodeFlow),
    SignedIn(Arc<dyn TokenSource>),
}

#[ffi(service)]
pub struct SignInFlow {
    pub(crate) options: SignInOptions,
    state: Mutex<State>,
    cancel: CancellationToken,
}

impl SignInFlow {
    /// Runs a sign-in step on the shared runtime, stopping early when cancelled.
    fn run<T>(&self, work: impl Future<Output = Result<T, AuthError>>) -> Result<T, AuthError> {
        let cancel = self.cancel.clone();
        runtime::handle().block_on(async move {
            tokio::select! {
                biased;
                _ = cancel.cancelled() => Err(AuthError::Cancelled),
                result = work => result,
            }
        })
    }

    fn finish(&self, result: Result<impl TokenSource + 'static, AuthError>) -> ffi::String {
        match result {
            Ok(tokens) => {
                *self.state.lock() = State::SignedIn(Arc::new(tokens));
                answer(&SignInAnswerDto::SIGNED_IN)
            }
            Err(error) => answer(&SignInAnswerDto::failed(&error)),
        }
    }

    /// The signed-in token source, for `GraphSession::connect`.
    pub(crate) fn token_source(&self) -> Option<Arc<dyn TokenSource>> {
        match &*self.state.lock() {
            State::SignedIn(tokens) => Some(tokens.clone()),
            _ => None,
        }
    }
}

#[ffi]
impl SignInFlow {
    /// Prepares a sign-in. `settings_json`: {"graphEndpoint","azureADEndpoint","tenantId",
    /// "clientId","scopes","sendCertificateChain","clientTimeoutSeconds","proxy",
    /// "proxyEnvironment":{"https","http","all","noProxy"}}.
    pub fn create(settings_json: ffi::String) -> ffi::Result<Self, NativeError> {
        guard_result(|| match ConnectSettingsDto::parse(settings_json.as_str()).and_then(ConnectSettingsDto::options) {
            Ok(options) => ffi::Result::Ok(Self { options, state: Mutex::new(State::Ready), cancel: CancellationToken::new() }),
            Err(error) => ffi::Result::Err(error),
        })
    }

    /// Client credentials with a secret. Blocks until Entra answered.
    pub fn with_client_secret(&self, client_secret: ffi::String) -> ffi::String {
        guard_value(panicked(), || {
            let secret = take_secret(client_secret);
            self.finish(self.run(with_client_secret(&self.options, secret)))
        })
    }

    /// Client credentials with an assertion signed by the certificate's key, which stays in
    /// .NET: `signer` signs each assertion (see `assertion_signer`) and is kept by the token
    /// source for the connection's lifetime; `certificate` is its DER.
    pub fn with_certificate(&self, signer: SignAssertion, certificate: ffi::Slice<u8>) -> ffi::String {
        guard_value(panicked(), || {
            let certificate = certificate.as_slice().to_vec();
            self.finish(self.run(with_certificate(&self.options, Arc::new(CallbackSigner::new(signer)), &certificate)))
        })
    }

    /// Managed identity. The endpoints come from the caller's environment (IDENTITY_ENDPOINT,
    /// IDENTITY_HEADER, AZURE_POD_IDENTITY_AUTHORITY_HOST); empty strings mean unset.
    pub fn with_managed_identity(&self, identity_endpoint: ffi::String, identity_header: ffi::String, imds_authority_host: ffi::String) -> ffi::String {
        guard_value(panicked(), || {
            let header = take_secret(identity_header);
            let environment = ManagedIdentityEnvironment {
                identity_endpoint: non_empty(identity_endpoint.into_string()),
                identity_header: (!secrecy::ExposeSecret::expose_secret(&header).is_empty()).then_some(header),
                imds_authority_host: non_empty(imds_authority_host.into_string()),
            };
            self.finish(self.run(with_managed_identity(&self.options, environment)))
        })
    }

    /// Starts the device code flow: answers `{"status":"pending","userCode","verificationUri",
    /// "message","expiresInSeconds"}` to show the user, or a failure.
    pub fn start_device_code(&self) -> ffi::String {
        guard_value(panicked(), || match self.run(start_device_code(&self.options)) {
            Ok(flow) => {
                let prompt = SignInAnswerDto::pending(flow.prompt());
                *self.state.lock() = State::DeviceCode(flow);
                answer(&prompt)
            }
            Err(error) => answer(&SignInAnswerDto::failed(&error)),
        })
    }

    /// Polls until the user signed in (or declined, or the code expired). Blocks; `cancel` stops it.
    pub fn complete_device_code(&self) -> ffi::String {
        guard_value(panicked(), || {
            let flow = match std::mem::replace(&mut *self.state.lock(), State::Ready) {
                State::DeviceCode(flow) => flow,
                other => {
                    *self.state.lock() = other;
                    return answer(&SignInAnswerDto::failed(&AuthError::InvalidCredential("The device code flow was not started.".to_owned())));
                }
            };
            self.finish(self.run(flow.complete()))
        })
    }

    /// Stops the step in progress (Ctrl+C); callable from any thread.
    pub fn cancel(&self) {
        guard_value((), || self.cancel.cancel());
    }
}

/// Moves a secret out of the incoming string into a zeroed-on-drop one and zeroes the original.
fn take_secret(text: ffi::String) -> SecretString {
    let mut plain = text.into_string();
    let secret = SecretString::from(plain.as_str());
    plain.zeroize();
    secret
}

fn non_empty(text: String) -> Option<String> {
    (!text.trim().is_empty()).then_some(text)
}

boundary_enum! {
    /// Where a sign-in stands after a step.
    #[csharp = "SignInStatus"]
    pub(crate) enum SignInStatus {
        SignedIn,
        Pending,
        Failed,
    }
}

boundary_document! {
    /// One answer of a sign-in step: signed in, the device code to show the user (pending), or why it failed.
    #[csharp = "SignInAnswer"]
    pub(crate) struct SignInAnswerDto {
        status: SignInStatus => "SignInStatus",
        #[serde(skip_serializing_if = "Option::is_none")]
        user_code: Option<String> => "string?",
        #[serde(skip_serializing_if = "Option::is_none")]
        verification_uri: Option<String> => "string?",
        /// The platform's sentence to show with the code.
        #[serde(skip_serializing_if = "Option::is_none")]
        message: Option<String> => "string?",
        #[serde(skip_serializing_if = "Option::is_none")]
        expires_in_seconds: Option<u64> => "long?",
        #[serde(skip_serializing_if = "Option::is_none")]
        error: Option<SignInErrorDto> => "SignInErrorRecord?",
    }
}

boundary_document! {
    /// A failed sign-in as C# maps it to an ErrorRecord: kind is a stable name (the error id), Entra's ids beside it.
    #[csharp = "SignInErrorRecord"]
    pub(crate) struct SignInErrorDto {
        kind: SignInFailureKind => "SignInFailureKind",
        message: String => "string",
        #[serde(skip_serializing_if = "Option::is_none")]
        aadsts: Option<String> => "string?",
        #[serde(skip_serializing_if = "Option::is_none")]
        error: Option<String> => "string?",
        #[serde(skip_serializing_if = "Option::is_none")]
        http_status: Option<u16> => "int?",
        #[serde(skip_serializing_if = "Option::is_none")]
        trace_id: Option<String> => "string?",
        #[serde(skip_serializing_if = "Option::is_none")]
        correlation_id: Option<String> => "string?",
    }
}

impl SignInAnswerDto {
    const SIGNED_IN: Self = Self { status: SignInStatus::SignedIn, user_code: None, verification_uri: None, message: None, expires_in_seconds: None, error: None };

    fn pending(prompt: &DeviceCodePrompt) -> Self {
        Self {
            status: SignInStatus::Pending,
            user_code: Some(prompt.user_code.clone()),
            verification_uri: Some(prompt.verification_uri.clone()),
            message: Some(prompt.message.clone()),
            expires_in_seconds: Some(prompt.expires_in_seconds),
            ..Self::SIGNED_IN
        }
    }

    fn failed_with(error: SignInErrorDto) -> Self {
        Self { status: SignInStatus::Failed, error: Some(error), ..Self::SIGNED_IN }
    }

    fn failed(error: &AuthError) -> Self {
        let entra = error.entra();
        Self::failed_with(SignInErrorDto {
            kind: SignInFailureKind::from(error),
            message: error.to_string(),
            aadsts: entra.and_then(|e| e.aadsts.clone()),
            error: entra.map(|e| e.error.clone()),
            http_status: entra.map(|e| e.http_status),
            trace_id: entra.and_then(|e| e.trace_id.clone()),
            correlation_id: entra.and_then(|e| e.correlation_id.clone()),
        })
    }
}

fn answer(answer: &SignInAnswerDto) -> ffi::String {
    ffi::String::from_string(to_json(answer))
}

/// The answer after a caught panic: a failure of kind Internal.
fn panicked() -> ffi::String {
    let error = SignInErrorDto { kind: SignInFailureKind::Internal, message: INTERNAL_ERROR_MESSAGE.to_owned(), aadsts: None, error: None, http_status: None, trace_id: None, correlation_id: None };
    answer(&SignInAnswerDto::failed_with(error))
}

/// Entra refusing a client secret, with the ids support asks for.
#[cfg(test)]
fn refused_secret() -> AuthError {
    AuthError::Refused(entra_core::auth::EntraError::from_response(401, br#"{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided.","trace_id":"t1","correlation_id":"c1"}"#))
}

#[cfg(test)]
fn device_code_prompt() -> DeviceCodePrompt {
    DeviceCodePrompt { user_code: "ABC".to_owned(), verification_uri: "https://microsoft.com/devicelogin".to_owned(), message: "Open the page.".to_owned(), expires_in_seconds: 900 }
}

/// Every kind of answer, as JSON, for the check against the generated C# class (`dto_tests`).
#[cfg(test)]
pub(crate) fn sample_answers() -> Vec<serde_json::Value> {
    let answers = [SignInAnswerDto::SIGNED_IN, SignInAnswerDto::pending(&device_code_prompt()), SignInAnswerDto::failed(&refused_secret())];
    let mut json: Vec<serde_json::Value> = answers.iter().map(|a| serde_json::to_value(a).expect("answer json")).collect();
    json.push(serde_json::from_str(&panicked().into_string()).expect("fallback json"));
    json
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_are_read_strictly_and_map_to_http_settings() {
        let dto = ConnectSettingsDto::parse(r#"{"graphEndpoint":"https://graph.microsoft.us","azureADEndpoint":"https://login.microsoftonline.us","tenantId":"t","clientTimeoutSeconds":2.5,"proxyEnvironment":{"https":"http://proxy:8080","noProxy":"localhost"}}"#).unwrap();
        let http = dto.http_settings().unwrap();
        assert_eq!(http.request_timeout, Duration::from_millis(2500));
        assert_eq!(http.proxy_environment.unwrap().https.as_deref(), Some("http://proxy:8080"));
        assert_eq!(ConnectSettingsDto::parse(r#"{"graphEndpoint":"x","clientSecret":"no"}"#).unwrap_err(), NativeError::InvalidOptions);
        let bad_proxy = ConnectSettingsDto::parse(r#"{"graphEndpoint":"https://graph.microsoft.com","proxy":"not a url"}"#).unwrap();
        assert_eq!(bad_proxy.http_settings().unwrap_err(), NativeError::InvalidProxy);
    }

    #[test]
    fn failures_carry_entras_answer_as_data() {
        let json = serde_json::to_value(SignInAnswerDto::failed(&refused_secret())).unwrap();
        assert_eq!(json["status"], "failed");
        assert_eq!(json["error"]["kind"], "InvalidClientSecret");
        assert_eq!(json["error"]["aadsts"], "AADSTS7000215");
        assert_eq!(json["error"]["traceId"], "t1");
        assert_eq!(serde_json::to_value(SignInAnswerDto::SIGNED_IN).unwrap(), serde_json::json!({"status": "signedIn"}));
    }

    #[test]
    fn a_pending_answer_carries_the_device_code_prompt_beside_its_status() {
        assert_eq!(
            crate::dto::to_json(&SignInAnswerDto::pending(&device_code_prompt())),
            r#"{"status":"pending","userCode":"ABC","verificationUri":"https://microsoft.com/devicelogin","message":"Open the page.","expiresInSeconds":900}"#
        );
    }
}
