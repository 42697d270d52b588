//! Managed identity: tokens from the platform the code runs on, no secret of ours.
//!
//! - App Service / Functions: `IDENTITY_ENDPOINT` + `IDENTITY_HEADER` →
//!   `GET {IDENTITY_ENDPOINT}?api-version=2019-08-01&resource=…[&client_id=…]` with header
//!   `X-IDENTITY-HEADER`; answers `expires_on` (Unix seconds).
//! - Azure VM instance metadata (IMDS): `GET http://169.254.169.254/metadata/identity/oauth2/token
//!   ?api-version=2018-02-01&resource=…[&client_id=…]` with `Metadata: true`; answers `expires_in`.
//!   `AZURE_POD_IDENTITY_AUTHORITY_HOST` (the override Azure.Identity honours) replaces the
//!   `http://169.254.169.254` base; the tests point it at the emulator.
//!
//! These endpoints are plain http by design (link-local or loopback), are never sent through a
//! proxy, and are asked for the resource `{graph}` (not a scope). The caller reads the
//! environment variables (PowerShell's `$env:` changes are not visible to native getenv).

use super::entra_error::{EntraError, EntraErrorKind};
use super::renewing::{Credential, IssuedToken};
use super::token_endpoint::{Call, origin, parse_token_answer, send};
use super::AuthError;
use crate::endpoint::GraphEndpoint;
use futures::future::BoxFuture;
use secrecy::{ExposeSecret, SecretString};
use std::fmt;
use std::net::IpAddr;
use std::time::Duration;
use url::Url;

pub const IMDS_BASE: &str = "http://169.254.169.254";
const IMDS_PATH: &str = "metadata/identity/oauth2/token";
const IMDS_API_VERSION: &str = "2018-02-01";
const APP_SERVICE_API_VERSION: &str = "2019-08-01";

/// What the process environment says about managed identity.
#[derive(Default)]
pub struct ManagedIdentityEnvironment {
    /// `IDENTITY_ENDPOINT`
    pub identity_endpoint: Option<String>,
    /// `IDENTITY_HEADER`
    pub identity_header: Option<SecretString>,
    /// `AZURE_POD_IDENTITY_AUTHORITY_HOST`
    pub imds_authority_host: Option<String>,
}

enum Source {
    AppService { endpoint: Url, header: SecretString },
    Imds { endpoint: Url },
}

pub struct ManagedIdentityCredential {
    client: reqwest::Client,
    source: Source,
    resource: String,
    client_id: Option<String>,
}

impl ManagedIdentityCredential {
    /// `client_id` selects a user-assigned identity; none means the system-assigned one.
    pub fn new(environment: ManagedIdentityEnvironment, graph: &GraphEndpoint, client_id: Option<String>, timeout: Duration) -> Result<Self, AuthError> {
        let source = match (environment.identity_endpoint.filter(|e| !e.trim().is_empty()), environment.identity_header) {
            (Some(endpoint), Some(header)) => Source::AppService { endpoint: local_url(&endpoint, "IDENTITY_ENDPOINT")?, header },
            (Some(_), None) => {
                return Err(AuthError::InvalidCredential("IDENTITY_ENDPOINT is set but IDENTITY_HEADER is not: the App Service managed identity needs both.".to_owned()));
            }
            (None, _) => {
                let base = environment.imds_authority_host.filter(|h| !h.trim().is_empty()).unwrap_or_else(|| IMDS_BASE.to_owned());
                let base = local_url(&base, "AZURE_POD_IDENTITY_AUTHORITY_HOST")?;
                let endpoint = base.join(IMDS_PATH).map_err(|_| AuthError::InvalidCredential(format!("'{base}' is not a usable managed identity endpoint.")))?;
                Source::Imds { endpoint }
            }
        };
        crate::http::install_crypto_provider();
        // Never through a proxy (these endpoints are local to the host); connecting is quick
        // where they exist, so a machine without one fails fast.
        let client = reqwest::Client::builder()
            .no_proxy()
            // A redirect is not the endpoint's answer (see `http::build_client`).
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(Duration::from_secs(3))
            .timeout(timeout)
            .build()
            .map_err(|e| AuthError::Unavailable(format!("The HTTP client could not be created: {e}")))?;
        let client_id = client_id.map(|c| c.trim().to_owned()).filter(|c| !c.is_empty());
        Ok(Self { client, source, resource: graph.as_str().to_owned(), client_id })
    }

    fn url(&self) -> Url {
        let (endpoint, version) = match &self.source {
            Source::AppService { endpoint, .. } => (endpoint, APP_SERVICE_API_VERSION),
            Source::Imds { endpoint } => (endpoint, IMDS_API_VERSION),
        };
        let mut url = endpoint.clone();
        {
            let mut query = url.query_pairs_mut();
            query.append_pair("api-version", version).append_pair("resource", &self.resource);
            if let Some(id) = &self.client_id {
                query.append_pair("client_id", id);
            }
        }
        url
    }

    /// "the App Service managed identity endpoint http://127.0.0.1:41741" and the like.
    fn what(&self) -> &'static str {
        match self.source {
            Source::AppService { .. } => "the App Service managed identity endpoint",
            Source::Imds { .. } => "the Azure instance metadata (managed identity) endpoint",
        }
    }
}

/// http is fine here only for loopback and link-local hosts (where these endpoints live).
fn local_url(text: &str, variable: &str) -> Result<Url, AuthError> {
    let url = Url::parse(text.trim()).map_err(|_| AuthError::InvalidCredential(format!("{variable} '{text}' is not an absolute URL.")))?;
    let local = match url.host() {
        Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback() || ip.is_link_local(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    };
    match url.scheme() {
        "https" => Ok(url),
        "http" if local => Ok(url),
        _ => Err(AuthError::InvalidCredential(format!("{variable} '{text}' must be https, or http on a loopback or link-local address."))),
    }
}

impl fmt::Debug for ManagedIdentityCredential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let endpoint = match &self.source {
            Source::AppService { endpoint, .. } | Source::Imds { endpoint } => origin(endpoint),
        };
        f.debug_struct("ManagedIdentityCredential").field("endpoint", &endpoint).field("client_id", &self.client_id).finish_non_exhaustive()
    }
}

impl Credential for ManagedIdentityCredential {
    fn fetch(&self) -> BoxFuture<'_, Result<IssuedToken, AuthError>> {
        Box::pin(async move {
            let url = self.url();
            // IMDS answers 404 and 410 while an identity is being assigned; both retried.
            let call = Call { url: &url, what: self.what(), retry_statuses: &[404, 410, 429, 500, 502, 503, 504] };
            let result = send(&call, || {
                let request = self.client.get(url.clone()).header(reqwest::header::ACCEPT, "application/json");
                match &self.source {
                    Source::AppService { header, .. } => request.header("X-IDENTITY-HEADER", header.expose_secret()),
                    Source::Imds { .. } => request.header("Metadata", "true"),
                }
            })
            .await;
            let body = match result {
                Ok(body) => body,
                Err(AuthError::Refused(e)) if e.kind == EntraErrorKind::Other && e.http_status == 400 && self.client_id.is_some() => {
                    // Endpoints word "no such identity" differently; with a client id, a 400 means that.
                    return Err(AuthError::Refused(EntraError { kind: EntraErrorKind::ManagedIdentityNotFound, ..e }));
                }
                Err(e) => return Err(e),
            };
            let answer = parse_token_answer(&body).ok_or_else(|| AuthError::Unavailable(format!("{} answered without a usable access token.", self.what())))?;
            Ok(answer.into())
        })
    }

    fn kind(&self) -> &'static str {
        "ManagedIdentity"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn graph() -> GraphEndpoint {
        GraphEndpoint::parse("https://graph.microsoft.com").unwrap()
    }

    #[test]
    fn prefers_app_service_and_falls_back_to_imds() {
        let env = ManagedIdentityEnvironment {
            identity_endpoint: Some("http://127.0.0.1:41741/msi/token/".into()),
            identity_header: Some(SecretString::from("h")),
            imds_authority_host: None,
        };
        let mi = ManagedIdentityCredential::new(env, &graph(), Some("c1".into()), Duration::from_secs(5)).unwrap();
        assert_eq!(mi.url().as_str(), "http://127.0.0.1:41741/msi/token/?api-version=2019-08-01&resource=https%3A%2F%2Fgraph.microsoft.com&client_id=c1");
        let imds = ManagedIdentityCredential::new(ManagedIdentityEnvironment::default(), &graph(), None, Duration::from_secs(5)).unwrap();
        assert_eq!(imds.url().as_str(), "http://169.254.169.254/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https%3A%2F%2Fgraph.microsoft.com");
        let overridden = ManagedIdentityEnvironment { imds_authority_host: Some("http://127.0.0.1:9".into()), ..Default::default() };
        let pod = ManagedIdentityCredential::new(overridden, &graph(), None, Duration::from_secs(5)).unwrap();
        assert!(pod.url().as_str().starts_with("http://127.0.0.1:9/metadata/identity/oauth2/token?"));
    }

    #[test]
    fn refuses_remote_plain_http_and_half_configurations() {
        let remote = ManagedIdentityEnvironment { imds_authority_host: Some("http://example.com".into()), ..Default::default() };
        assert!(matches!(ManagedIdentityCredential::new(remote, &graph(), None, Duration::from_secs(5)), Err(AuthError::InvalidCredential(_))));
        let half = ManagedIdentityEnvironment { identity_endpoint: Some("http://127.0.0.1:1/".into()), ..Default::default() };
        assert!(matches!(ManagedIdentityCredential::new(half, &graph(), None, Duration::from_secs(5)), Err(AuthError::InvalidCredential(_))));
    }
}
