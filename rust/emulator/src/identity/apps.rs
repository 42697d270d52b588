//! App registrations the token endpoint knows: client id, tenant, secrets, certificates (their
//! public keys and validity), app roles, token lifetime, and how the device code and managed
//! identity flows behave for them. Registered with `POST /_emulator/apps`.

use std::collections::HashMap;
use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use parking_lot::RwLock;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// The emulator's own tenant: every app lives here unless registered with another tenant id.
pub const TENANT_ID: &str = "e3a1b5c2-7d4f-4e8a-9b6c-0123456789ab";
pub const TENANT_DOMAINS: &[&str] = &["contoso.onmicrosoft.com", "contoso.com"];
/// Microsoft Graph Command Line Tools: the public client Connect-MgGraph (and Connect-Entra
/// without -ClientId) signs users in with. Always registered.
pub const GRAPH_CLI_CLIENT_ID: &str = "14d82eec-204b-4c2f-b7e8-296a70dab67e";
/// The `X-IDENTITY-HEADER` value the App Service managed identity endpoint accepts.
pub const IDENTITY_HEADER: &str = "emulator-identity-header";

const DEFAULT_LIFETIME: u64 = 3600;
const DEFAULT_DEVICE_USER: &str = "AdeleV@contoso.com";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum DeviceOutcome {
    Approve,
    Decline,
    Expire,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DeviceCodeSpec {
    /// The user who "signs in" (id or UPN).
    #[serde(default = "default_device_user")]
    pub user: String,
    /// `authorization_pending` answers before the outcome.
    #[serde(default = "default_pending_polls")]
    pub pending_polls: u32,
    #[serde(default = "default_outcome")]
    pub outcome: DeviceOutcome,
    /// The polling interval the device code answer asks for.
    #[serde(default = "default_interval")]
    pub interval_seconds: u64,
}

fn default_device_user() -> String {
    DEFAULT_DEVICE_USER.to_string()
}
fn default_pending_polls() -> u32 {
    2
}
fn default_outcome() -> DeviceOutcome {
    DeviceOutcome::Approve
}
fn default_interval() -> u64 {
    1
}

impl Default for DeviceCodeSpec {
    fn default() -> Self {
        Self { user: default_device_user(), pending_polls: default_pending_polls(), outcome: default_outcome(), interval_seconds: default_interval() }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ManagedIdentityKind {
    /// Answered when no client id is asked for.
    System,
    /// Answered for its client id.
    User,
}

/// What `POST /_emulator/apps` accepts.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AppSpec {
    pub client_id: Option<String>,
    pub display_name: Option<String>,
    pub tenant_id: Option<String>,
    #[serde(default)]
    pub secrets: Vec<String>,
    /// Base64 DER certificates (what an app registration's keyCredentials hold).
    #[serde(default)]
    pub certificates: Vec<String>,
    /// Application permissions granted (app-only tokens carry them as `roles`).
    #[serde(default)]
    pub roles: Vec<String>,
    /// Delegated permissions consented (what `.default` means for a user token).
    #[serde(default)]
    pub delegated_scopes: Option<Vec<String>>,
    pub token_lifetime_seconds: Option<u64>,
    #[serde(default)]
    pub public_client: bool,
    pub device_code: Option<DeviceCodeSpec>,
    pub managed_identity: Option<ManagedIdentityKind>,
    /// Tokens issued for this app are refused by Graph (401) from the start: a client that
    /// renews on 401 must stop after one renewal.
    #[serde(default)]
    pub reject_issued_tokens: bool,
}

#[derive(Debug, Clone)]
pub struct Certificate {
    /// base64url SHA-1 of the DER, as in the assertion's `x5t` header.
    pub x5t: String,
    /// Upper-case hex SHA-1, as Windows shows thumbprints.
    pub thumbprint: String,
    /// The RSAPublicKey DER (PKCS#1) ring verifies with.
    pub public_key: Vec<u8>,
    pub not_after: i64,
    pub subject: String,
}

#[derive(Debug, Clone)]
pub struct App {
    pub client_id: String,
    pub display_name: String,
    pub tenant_id: String,
    pub secrets: Vec<String>,
    pub certificates: Vec<Certificate>,
    pub roles: Vec<String>,
    pub delegated_scopes: Vec<String>,
    pub token_lifetime_seconds: u64,
    pub public_client: bool,
    pub device_code: DeviceCodeSpec,
    pub managed_identity: Option<ManagedIdentityKind>,
    pub reject_issued_tokens: bool,
}

impl App {
    fn from_spec(spec: AppSpec) -> Result<Self, String> {
        let certificates = spec.certificates.iter().map(|c| parse_certificate(c)).collect::<Result<Vec<_>, _>>()?;
        let client_id = spec.client_id.filter(|c| !c.trim().is_empty()).unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
        if let Some(lifetime) = spec.token_lifetime_seconds
            && lifetime == 0
        {
            return Err("'tokenLifetimeSeconds' must be at least 1.".to_string());
        }
        let tenant_id = spec.tenant_id.filter(|t| !t.trim().is_empty()).unwrap_or_else(|| TENANT_ID.to_string());
        if uuid::Uuid::parse_str(&tenant_id).is_err() {
            return Err(format!("'tenantId' must be a GUID, not '{tenant_id}'."));
        }
        Ok(Self {
            display_name: spec.display_name.unwrap_or_else(|| format!("App {client_id}")),
            client_id,
            tenant_id,
            secrets: spec.secrets,
            certificates,
            roles: spec.roles,
            delegated_scopes: spec.delegated_scopes.unwrap_or_else(|| vec!["User.Read".to_string()]),
            token_lifetime_seconds: spec.token_lifetime_seconds.unwrap_or(DEFAULT_LIFETIME),
            public_client: spec.public_client || spec.device_code.is_some(),
            device_code: spec.device_code.unwrap_or_default(),
            managed_identity: spec.managed_identity,
            reject_issued_tokens: spec.reject_issued_tokens,
        })
    }

    /// What the control API shows: never a secret.
    pub fn summary(&self) -> Value {
        json!({
            "clientId": self.client_id,
            "displayName": self.display_name,
            "tenantId": self.tenant_id,
            "secrets": self.secrets.len(),
            "certificates": self.certificates.iter().map(|c| json!({"thumbprint": c.thumbprint, "x5t": c.x5t, "subject": c.subject, "notAfter": c.not_after})).collect::<Vec<_>>(),
            "roles": self.roles,
            "delegatedScopes": self.delegated_scopes,
            "tokenLifetimeSeconds": self.token_lifetime_seconds,
            "publicClient": self.public_client,
            "deviceCode": self.device_code,
            "managedIdentity": self.managed_identity,
            "rejectIssuedTokens": self.reject_issued_tokens,
        })
    }
}

fn parse_certificate(base64_der: &str) -> Result<Certificate, String> {
    let der = STANDARD.decode(base64_der.trim()).map_err(|_| "a certificate is not base64 DER.".to_string())?;
    let (_, cert) = x509_parser::parse_x509_certificate(&der).map_err(|e| format!("a certificate cannot be parsed: {e}"))?;
    let sha1 = ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, &der);
    Ok(Certificate {
        x5t: URL_SAFE_NO_PAD.encode(sha1),
        thumbprint: sha1.as_ref().iter().map(|b| format!("{b:02X}")).collect(),
        public_key: cert.public_key().subject_public_key.data.to_vec(),
        not_after: cert.validity().not_after.timestamp(),
        subject: cert.subject().to_string(),
    })
}

pub struct AppRegistry {
    apps: RwLock<HashMap<String, Arc<App>>>,
}

impl Default for AppRegistry {
    fn default() -> Self {
        let registry = Self { apps: RwLock::new(HashMap::new()) };
        registry.reset();
        registry
    }
}

impl AppRegistry {
    /// Adds or replaces an app (by client id).
    pub fn register(&self, spec: AppSpec) -> Result<Arc<App>, String> {
        let app = Arc::new(App::from_spec(spec)?);
        self.apps.write().insert(app.client_id.to_ascii_lowercase(), Arc::clone(&app));
        Ok(app)
    }

    pub fn get(&self, client_id: &str) -> Option<Arc<App>> {
        self.apps.read().get(&client_id.to_ascii_lowercase()).cloned()
    }

    pub fn all(&self) -> Vec<Arc<App>> {
        let mut apps: Vec<_> = self.apps.read().values().cloned().collect();
        apps.sort_by(|a, b| a.client_id.cmp(&b.client_id));
        apps
    }

    /// The managed identity answered without a client id (system-assigned), or for one.
    pub fn managed_identity(&self, client_id: Option<&str>) -> Option<Arc<App>> {
        let apps = self.apps.read();
        match client_id {
            Some(id) => apps.get(&id.to_ascii_lowercase()).filter(|a| a.managed_identity.is_some()).cloned(),
            None => apps.values().find(|a| a.managed_identity == Some(ManagedIdentityKind::System)).cloned(),
        }
    }

    /// Only the built-in public client remains.
    pub fn reset(&self) {
        let mut apps = self.apps.write();
        apps.clear();
        let cli = App::from_spec(AppSpec {
            client_id: Some(GRAPH_CLI_CLIENT_ID.to_string()),
            display_name: Some("Microsoft Graph Command Line Tools".to_string()),
            tenant_id: None,
            secrets: Vec::new(),
            certificates: Vec::new(),
            roles: Vec::new(),
            delegated_scopes: Some(vec!["User.Read".to_string(), "User.RevokeSessions.All".to_string()]),
            token_lifetime_seconds: None,
            public_client: true,
            device_code: None,
            managed_identity: None,
            reject_issued_tokens: false,
        })
        .expect("the built-in app is valid");
        apps.insert(GRAPH_CLI_CLIENT_ID.to_string(), Arc::new(cli));
    }

    /// Whether `tenant` (a GUID or one of the emulator's domains) exists here.
    pub fn resolve_tenant(&self, tenant: &str) -> Option<String> {
        if tenant.eq_ignore_ascii_case(TENANT_ID) || TENANT_DOMAINS.iter().any(|d| d.eq_ignore_ascii_case(tenant)) {
            return Some(TENANT_ID.to_string());
        }
        self.apps.read().values().find(|a| a.tenant_id.eq_ignore_ascii_case(tenant)).map(|a| a.tenant_id.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(client_id: &str) -> AppSpec {
        serde_json::from_value(json!({ "clientId": client_id, "secrets": ["s"], "roles": ["User.RevokeSessions.All"] })).unwrap()
    }

    #[test]
    fn registers_apps_and_resolves_tenants() {
        let registry = AppRegistry::default();
        let app = registry.register(spec("A1")).unwrap();
        assert_eq!(app.tenant_id, TENANT_ID);
        assert!(registry.get("a1").is_some());
        assert_eq!(registry.resolve_tenant("Contoso.OnMicrosoft.com").as_deref(), Some(TENANT_ID));
        assert_eq!(registry.resolve_tenant("fabrikam.com"), None);
        assert!(registry.get(GRAPH_CLI_CLIENT_ID).unwrap().public_client);
        assert!(!app.summary().to_string().contains("\"s\""), "secrets are never shown");
        registry.reset();
        assert!(registry.get("a1").is_none());
        assert!(registry.get(GRAPH_CLI_CLIENT_ID).is_some());
    }

    #[test]
    fn refuses_bad_registrations() {
        let registry = AppRegistry::default();
        let bad_cert: AppSpec = serde_json::from_value(json!({ "certificates": ["not base64!"] })).unwrap();
        assert!(registry.register(bad_cert).is_err());
        let bad_tenant: AppSpec = serde_json::from_value(json!({ "tenantId": "contoso" })).unwrap();
        assert!(registry.register(bad_tenant).is_err());
        assert!(serde_json::from_value::<AppSpec>(json!({ "secret": "typo" })).is_err());
    }
}
