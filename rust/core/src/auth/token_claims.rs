//! What an access token says about itself (tenant, app, account, scopes, expiry), read from the
//! JWT payload for Get-EntraContext. Never verified here: Graph verifies; we only describe.

use crate::identifier::UserIdentifier;
use base64::Engine as _;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct TokenClaims {
    #[serde(rename = "tid", skip_serializing_if = "Option::is_none")]
    pub tenant_id: Option<String>,
    #[serde(rename = "appid", skip_serializing_if = "Option::is_none")]
    pub app_id: Option<String>,
    #[serde(rename = "upn", skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    /// The signed-in user's object id (delegated tokens; an app-only token's `oid` is the app's).
    #[serde(rename = "oid", skip_serializing_if = "Option::is_none")]
    pub object_id: Option<String>,
    #[serde(rename = "scp", skip_serializing_if = "Option::is_none")]
    pub scopes: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<String>,
    #[serde(rename = "exp", skip_serializing_if = "Option::is_none")]
    pub expires_unix: Option<i64>,
}

/// The payload as Entra writes it: v1.0 tokens carry `appid`, `upn` and `unique_name` together,
/// v2.0 tokens `azp` and `preferred_username`; each is read on its own so none hides another.
#[derive(Deserialize, Default)]
struct Payload {
    tid: Option<String>,
    appid: Option<String>,
    azp: Option<String>,
    upn: Option<String>,
    unique_name: Option<String>,
    preferred_username: Option<String>,
    scp: Option<String>,
    oid: Option<String>,
    #[serde(default)]
    roles: Vec<String>,
    exp: Option<i64>,
}

impl TokenClaims {
    /// Reads the claims of a JWT; an opaque token (not three dot-separated parts) has none.
    pub fn read(token: &str) -> TokenClaims {
        let mut parts = token.split('.');
        let (Some(_), Some(payload), Some(_), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
            return TokenClaims::default();
        };
        let payload: Payload = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(payload.trim_end_matches('='))
            .ok()
            .and_then(|json| serde_json::from_slice(&json).ok())
            .unwrap_or_default();
        TokenClaims {
            tenant_id: payload.tid,
            app_id: payload.appid.or(payload.azp),
            account: payload.upn.or(payload.unique_name).or(payload.preferred_username),
            scopes: payload.scp,
            object_id: payload.oid,
            roles: payload.roles,
            expires_unix: payload.exp,
        }
    }

    /// Delegated tokens carry scopes (`scp`); app-only tokens carry only roles.
    pub fn is_delegated(&self) -> bool {
        self.scopes.is_some()
    }

    /// Whether `id` names the user this (delegated) token was issued to: by object id, or by UPN
    /// compared case-insensitively as Entra does. An app-only or opaque token has no such user.
    /// The one place that decides "this input is the signed-in user" (a bulk run revokes that
    /// user last, so it does not cut off its own sign-in first).
    pub fn is_signed_in_user(&self, id: &UserIdentifier) -> bool {
        if !self.is_delegated() {
            return false;
        }
        match id {
            UserIdentifier::ObjectId(guid) => self.object_id.as_deref().and_then(|oid| uuid::Uuid::try_parse(oid).ok()) == Some(*guid),
            UserIdentifier::UserPrincipalName(upn) => self.account.as_deref().is_some_and(|a| a.to_lowercase() == upn.to_lowercase()),
        }
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

    #[test]
    fn reads_v1_tokens_with_upn_and_unique_name_and_v2_tokens_with_azp() {
        let encode = |json: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json);
        let v1 = TokenClaims::read(&format!("h.{}.s", encode(r#"{"tid":"t","appid":"a","upn":"adele@contoso.com","unique_name":"adele@contoso.com","scp":"User.Read"}"#)));
        assert_eq!(v1.account.as_deref(), Some("adele@contoso.com"));
        assert!(v1.is_delegated());
        let v2 = TokenClaims::read(&format!("h.{}.s", encode(r#"{"tid":"t","azp":"a2","preferred_username":"alex@contoso.com","scp":"User.Read"}"#)));
        assert_eq!((v2.app_id.as_deref(), v2.account.as_deref()), (Some("a2"), Some("alex@contoso.com")));
    }

    #[test]
    fn the_signed_in_user_is_matched_by_object_id_or_upn_case_insensitively_and_only_when_delegated() {
        let encode = |json: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json);
        let id = |text: &str| UserIdentifier::parse(text).unwrap();
        let me = TokenClaims::read(&format!("h.{}.s", encode(r#"{"tid":"t","oid":"87d349ed-44d7-43e1-9a83-5f2406dee5bd","upn":"AdeleV@contoso.com","scp":"User.RevokeSessions.All"}"#)));
        assert!(me.is_signed_in_user(&id("adelev@CONTOSO.com")));
        assert!(me.is_signed_in_user(&id("87D349ED-44D7-43E1-9A83-5F2406DEE5BD")));
        assert!(!me.is_signed_in_user(&id("AlexW@contoso.com")));
        assert!(!me.is_signed_in_user(&id("6e7b768e-07e2-4810-8459-485f84f8f204")));
        let app = TokenClaims::read(&format!("h.{}.s", encode(r#"{"tid":"t","oid":"87d349ed-44d7-43e1-9a83-5f2406dee5bd","roles":["x"]}"#)));
        assert!(!app.is_signed_in_user(&id("87d349ed-44d7-43e1-9a83-5f2406dee5bd")), "an app-only token's oid is the app's");
    }
}
