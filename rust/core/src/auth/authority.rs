//! The sign-in endpoints of one cloud and tenant: `{AzureADEndpoint}/{tenant}/oauth2/v2.0/token`
//! and `…/devicecode`. The tenant is data, never a path: it must be a GUID, a domain name or one
//! of the well-known aliases, so a value such as `../x` or `a?b` can never redirect a secret.

use crate::endpoint::GraphEndpoint;
use url::Url;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthorityError {
    #[error("the sign-in endpoint {0}")]
    Endpoint(String),
    #[error("'{0}' is not a tenant id: give the tenant's GUID or one of its domain names (contoso.onmicrosoft.com)")]
    Tenant(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authority {
    tenant: String,
    token_url: Url,
    device_code_url: Url,
}

impl Authority {
    /// `login_endpoint` is the environment's AzureADEndpoint (https, or http for loopback only).
    pub fn new(login_endpoint: &str, tenant: &str) -> Result<Self, AuthorityError> {
        let origin = GraphEndpoint::parse(login_endpoint).map_err(|e| AuthorityError::Endpoint(e.to_string()))?;
        let tenant = tenant.trim();
        if !is_tenant(tenant) {
            return Err(AuthorityError::Tenant(tenant.to_owned()));
        }
        let url = |leaf: &str| {
            origin.origin().join(&format!("{tenant}/oauth2/v2.0/{leaf}")).map_err(|_| AuthorityError::Tenant(tenant.to_owned()))
        };
        Ok(Self { tenant: tenant.to_owned(), token_url: url("token")?, device_code_url: url("devicecode")? })
    }

    pub fn tenant(&self) -> &str {
        &self.tenant
    }

    pub fn token_url(&self) -> &Url {
        &self.token_url
    }

    pub fn device_code_url(&self) -> &Url {
        &self.device_code_url
    }
}

/// A GUID, a DNS name (labels of letters, digits and hyphens), or common/organizations/consumers.
fn is_tenant(text: &str) -> bool {
    let labels_ok = text.split('.').all(|label| {
        !label.is_empty() && label.len() <= 63 && !label.starts_with('-') && !label.ends_with('-') && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    });
    !text.is_empty() && text.len() <= 253 && labels_ok
}

/// The app-only scope of a cloud's Graph: `{graph}/.default`.
pub fn default_scope(graph: &GraphEndpoint) -> String {
    format!("{}/.default", graph.as_str())
}

/// Delegated scopes as the v2.0 endpoint wants them: Graph permissions qualified with the
/// connected cloud's Graph (`User.Read` → `https://graph.microsoft.us/User.Read`, so a token is
/// never asked of another cloud's Graph), OpenID scopes as they are, plus `offline_access` so a
/// refresh token comes back. No scopes means the app's consented permissions (`.default`).
pub fn delegated_scopes(graph: &GraphEndpoint, scopes: &[String]) -> String {
    const OPENID: &[&str] = &["openid", "profile", "email", "offline_access"];
    let mut out: Vec<String> = Vec::new();
    for scope in scopes.iter().flat_map(|s| s.split([' ', ','])).map(str::trim).filter(|s| !s.is_empty()) {
        let qualified = if scope.contains("://") || OPENID.iter().any(|o| o.eq_ignore_ascii_case(scope)) {
            scope.to_owned()
        } else {
            format!("{}/{}", graph.as_str(), scope)
        };
        if !out.iter().any(|s| s.eq_ignore_ascii_case(&qualified)) {
            out.push(qualified);
        }
    }
    if !out.iter().any(|s| !OPENID.iter().any(|o| o.eq_ignore_ascii_case(s))) {
        out.push(default_scope(graph));
    }
    if !out.iter().any(|s| s.eq_ignore_ascii_case("offline_access")) {
        out.push("offline_access".to_owned());
    }
    out.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_the_cloud_and_tenant_endpoints() {
        let a = Authority::new("https://login.microsoftonline.us/", "contoso.onmicrosoft.com").unwrap();
        assert_eq!(a.token_url().as_str(), "https://login.microsoftonline.us/contoso.onmicrosoft.com/oauth2/v2.0/token");
        assert_eq!(a.device_code_url().as_str(), "https://login.microsoftonline.us/contoso.onmicrosoft.com/oauth2/v2.0/devicecode");
        let guid = Authority::new("http://127.0.0.1:5000", "72f988bf-86f1-41af-91ab-2d7cd011db47").unwrap();
        assert_eq!(guid.token_url().as_str(), "http://127.0.0.1:5000/72f988bf-86f1-41af-91ab-2d7cd011db47/oauth2/v2.0/token");
        assert!(Authority::new("https://login.microsoftonline.com", "common").is_ok());
    }

    #[test]
    fn refuses_tenants_that_are_not_names_and_insecure_endpoints() {
        for bad in ["", "../x", "a/b", "a?b", "a#b", "x y", "a..b", "%2e%2e", "-a.com", "a@b"] {
            assert!(matches!(Authority::new("https://login.microsoftonline.com", bad), Err(AuthorityError::Tenant(_))), "{bad}");
        }
        assert!(matches!(Authority::new("http://login.microsoftonline.com", "common"), Err(AuthorityError::Endpoint(_))));
        assert!(matches!(Authority::new("https://login.microsoftonline.com/x", "common"), Err(AuthorityError::Endpoint(_))));
    }

    #[test]
    fn qualifies_scopes_with_the_connected_cloud() {
        let us = GraphEndpoint::parse("https://graph.microsoft.us").unwrap();
        assert_eq!(default_scope(&us), "https://graph.microsoft.us/.default");
        let scopes = vec!["User.RevokeSessions.All".to_owned(), "openid".to_owned(), "User.Read, User.Read".to_owned()];
        assert_eq!(
            delegated_scopes(&us, &scopes),
            "https://graph.microsoft.us/User.RevokeSessions.All openid https://graph.microsoft.us/User.Read offline_access"
        );
        assert_eq!(delegated_scopes(&us, &[]), "https://graph.microsoft.us/.default offline_access");
        assert_eq!(delegated_scopes(&us, &["offline_access".into()]), "offline_access https://graph.microsoft.us/.default");
    }
}
