//! What an access token says about itself (tenant, app, account, scopes, expiry), read from the
//! JWT payload for Get-EntraContext. Never verified here: Graph verifies; we only describe.

use base64::Engine as _;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenClaims {
    #[serde(rename = "tid", default, skip_serializing_if = "Option::is_none")]
    pub tenant_id: Option<String>,
    #[serde(rename = "appid", alias = "azp", default, skip_serializing_if = "Option::is_none")]
    pub app_id: Option<String>,
    #[serde(rename = "upn", alias = "unique_name", default, skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    #[serde(rename = "scp", default, skip_serializing_if = "Option::is_none")]
    pub scopes: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<String>,
    #[serde(rename = "exp", default, skip_serializing_if = "Option::is_none")]
    pub expires_unix: Option<i64>,
}

impl TokenClaims {
    /// Reads the claims of a JWT; an opaque token (not three dot-separated parts) has none.
    pub fn read(token: &str) -> TokenClaims {
        let mut parts = token.split('.');
        let (Some(_), Some(payload), Some(_), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
            return TokenClaims::default();
        };
        base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(payload.trim_end_matches('='))
            .ok()
            .and_then(|json| serde_json::from_slice(&json).ok())
            .unwrap_or_default()
    }

    /// Delegated tokens carry scopes (`scp`); app-only tokens carry only roles.
    pub fn is_delegated(&self) -> bool {
        self.scopes.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_jwt_payload_and_ignores_opaque_tokens() {
        let payload = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(br#"{"tid":"t1","appid":"a1","roles":["User.RevokeSessions.All"],"exp":1900000000}"#);
        let claims = TokenClaims::read(&format!("h.{payload}.s"));
        assert_eq!(claims.tenant_id.as_deref(), Some("t1"));
        assert_eq!(claims.app_id.as_deref(), Some("a1"));
        assert_eq!(claims.roles, vec!["User.RevokeSessions.All".to_owned()]);
        assert_eq!(claims.expires_unix, Some(1_900_000_000));
        assert!(!claims.is_delegated());
        assert_eq!(TokenClaims::read("emulator-token"), TokenClaims::default());
        assert_eq!(TokenClaims::read("a.!!!.c"), TokenClaims::default());
    }
}
