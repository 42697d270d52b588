//! Connect-Entra's flows from the options a cmdlet collects: each signs in now (so a wrong
//! secret fails at connect time, with Entra's answer) and returns the token source a `Session`
//! is built on. Every endpoint is the connected environment's: the token endpoint is
//! `{AzureADEndpoint}/{tenant}/oauth2/v2.0/token` and the scope `{GraphEndpoint}/.default`.

use super::authority::{default_scope, delegated_scopes};
use super::client_assertion::{AssertionSigner, CertificateCredential};
use super::client_secret::ClientSecretCredential;
use super::device_code::{DeviceCodeFlow, GRAPH_CLI_CLIENT_ID};
use super::managed_identity::{ManagedIdentityCredential, ManagedIdentityEnvironment};
use super::{AuthError, Authority, RenewingToken};
use crate::endpoint::GraphEndpoint;
use crate::http::{HttpSettings, build_client};
use secrecy::SecretString;
use std::sync::Arc;

/// What a sign-in needs besides its secret.
#[derive(Debug, Clone)]
pub struct SignInOptions {
    pub graph: GraphEndpoint,
    /// The environment's AzureADEndpoint (`https://login.microsoftonline.com`).
    pub login_endpoint: String,
    pub tenant_id: Option<String>,
    pub client_id: Option<String>,
    /// Delegated permissions for the device code flow (`User.RevokeSessions.All`).
    pub scopes: Vec<String>,
    /// Send the certificate as `x5c` (subject name / issuer authentication).
    pub send_certificate_chain: bool,
    pub http: HttpSettings,
}

impl SignInOptions {
    fn client_id(&self) -> Result<String, AuthError> {
        self.client_id
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(str::to_owned)
            .ok_or_else(|| AuthError::InvalidCredential("A client id (the app registration's application id) is required for this sign-in.".to_owned()))
    }

    /// App-only flows need the tenant: there is no user whose home tenant could be assumed.
    fn app_authority(&self) -> Result<Authority, AuthError> {
        let tenant = self.tenant_id.as_deref().map(str::trim).filter(|t| !t.is_empty()).ok_or_else(|| {
            AuthError::InvalidCredential("A tenant id is required for app-only sign-in (the tenant's GUID or a domain such as contoso.onmicrosoft.com).".to_owned())
        })?;
        self.authority(tenant)
    }

    fn authority(&self, tenant: &str) -> Result<Authority, AuthError> {
        Authority::new(&self.login_endpoint, tenant).map_err(|e| AuthError::InvalidCredential(format!("Cannot sign in: {e}.")))
    }

    fn client(&self) -> Result<reqwest::Client, AuthError> {
        build_client(&self.http).map_err(|e| AuthError::InvalidCredential(format!("The HTTP client could not be created (proxy or TLS settings): {e}")))
    }
}

/// Client credentials with a secret.
pub async fn with_client_secret(options: &SignInOptions, secret: SecretString) -> Result<RenewingToken, AuthError> {
    let credential = ClientSecretCredential::new(options.client()?, options.app_authority()?, options.client_id()?, default_scope(&options.graph), secret)?;
    RenewingToken::sign_in(Box::new(credential)).await
}

/// Client credentials with an assertion signed by the certificate's key, through `signer` (kept
/// for the connection's lifetime: every renewal signs a new assertion).
pub async fn with_certificate(options: &SignInOptions, signer: Arc<dyn AssertionSigner>, certificate_der: &[u8]) -> Result<RenewingToken, AuthError> {
    let credential = CertificateCredential::new(
        options.client()?,
        options.app_authority()?,
        options.client_id()?,
        default_scope(&options.graph),
        signer,
        certificate_der,
        options.send_certificate_chain,
    )?;
    RenewingToken::sign_in(Box::new(credential)).await
}

/// The platform's managed identity (system-assigned, or user-assigned by client id).
pub async fn with_managed_identity(options: &SignInOptions, environment: ManagedIdentityEnvironment) -> Result<RenewingToken, AuthError> {
    let credential = ManagedIdentityCredential::new(environment, &options.graph, options.client_id.clone(), options.http.request_timeout)?;
    RenewingToken::sign_in(Box::new(credential)).await
}

/// Starts a delegated sign-in: show `prompt()` to the user, then `complete()`. Without a tenant
/// the user's home tenant is used (`organizations`); without a client id, Microsoft Graph
/// Command Line Tools (as Connect-MgGraph).
pub async fn start_device_code(options: &SignInOptions) -> Result<DeviceCodeFlow, AuthError> {
    let tenant = options.tenant_id.as_deref().map(str::trim).filter(|t| !t.is_empty()).unwrap_or("organizations");
    let client_id = options.client_id().unwrap_or_else(|_| GRAPH_CLI_CLIENT_ID.to_owned());
    DeviceCodeFlow::start(options.client()?, options.authority(tenant)?, client_id, delegated_scopes(&options.graph, &options.scopes)).await
}
