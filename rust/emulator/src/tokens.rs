//! Access tokens the emulator accepts, and what each may do. Tokens are opaque strings looked
//! up in a registry: the emulator tests clients, not JWT validation.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use parking_lot::RwLock;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::graph_error::GraphError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TokenKind {
    /// Application permissions (client credentials): no signed-in user, `/me` is refused.
    App,
    /// Delegated permissions: bound to a user, `/me` is that user.
    Delegated,
}

/// What `POST /_emulator/tokens` accepts. `scopes` is an alias of `roles` because delegated
/// tokens carry scopes (`scp`) where app tokens carry roles.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TokenSpec {
    pub token: String,
    #[serde(default = "default_kind")]
    pub kind: TokenKind,
    pub user_id: Option<String>,
    #[serde(default, alias = "scopes")]
    pub roles: Vec<String>,
    pub expires_at: Option<DateTime<Utc>>,
}

fn default_kind() -> TokenKind {
    TokenKind::App
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TokenInfo {
    pub token: String,
    pub kind: TokenKind,
    pub user_id: Option<Uuid>,
    pub roles: Vec<String>,
    pub expires_at: Option<DateTime<Utc>>,
    /// The app the identity endpoints issued this token to (None for registered tokens).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    /// When the identity endpoints issued it (for `rejectIssuedTokensAfterSeconds`).
    #[serde(skip)]
    pub issued_at: Option<DateTime<Utc>>,
}

const REVOKE_ROLES: &[&str] = &["User.RevokeSessions.All", "User.ReadWrite.All", "Directory.ReadWrite.All"];
const READ_ROLES: &[&str] = &[
    "User.Read.All",
    "User.ReadBasic.All",
    "Directory.Read.All",
    "User.ReadWrite.All",
    "Directory.ReadWrite.All",
];
/// Delegated scopes that allow reading only the signed-in user (`GET /me`).
const READ_SELF_SCOPES: &[&str] = &["User.Read", "User.ReadWrite"];

impl TokenInfo {
    fn has_any(&self, wanted: &[&str]) -> bool {
        self.roles.iter().any(|r| wanted.iter().any(|w| w.eq_ignore_ascii_case(r)))
    }

    pub fn can_revoke(&self) -> bool {
        self.has_any(REVOKE_ROLES)
    }

    pub fn can_read(&self) -> bool {
        self.has_any(READ_ROLES)
    }

    pub fn can_read_self(&self) -> bool {
        self.kind == TokenKind::Delegated && (self.can_read() || self.has_any(READ_SELF_SCOPES))
    }
}

pub struct TokenRegistry {
    default: Arc<TokenInfo>,
    tokens: RwLock<HashMap<String, Arc<TokenInfo>>>,
}

impl TokenRegistry {
    /// The default token is app-only and may read users and revoke sessions.
    pub fn new(default_token: &str) -> Self {
        let default = Arc::new(TokenInfo {
            token: default_token.to_string(),
            kind: TokenKind::App,
            user_id: None,
            roles: vec!["User.RevokeSessions.All".to_string(), "User.Read.All".to_string()],
            expires_at: None,
            client_id: None,
            issued_at: None,
        });
        let registry = Self { default, tokens: RwLock::new(HashMap::new()) };
        registry.reset();
        registry
    }

    pub fn register(&self, info: TokenInfo) {
        self.tokens.write().insert(info.token.clone(), Arc::new(info));
    }

    /// Expires now every token the identity endpoints issued (to `client_id` only, when given),
    /// as if its lifetime had run out: Graph answers 401 until the client renews it.
    pub fn expire_issued(&self, client_id: Option<&str>) -> usize {
        let expired = Utc::now() - chrono::Duration::seconds(1);
        let mut tokens = self.tokens.write();
        let mut count = 0;
        for info in tokens.values_mut() {
            let issued_to = info.client_id.as_deref();
            if issued_to.is_some() && client_id.is_none_or(|c| issued_to.is_some_and(|i| i.eq_ignore_ascii_case(c))) && info.expires_at.is_none_or(|e| e > expired) {
                *info = Arc::new(TokenInfo { expires_at: Some(expired), ..(**info).clone() });
                count += 1;
            }
        }
        count
    }

    /// The tokens the identity endpoints issued, for tests that check none leaks anywhere.
    pub fn issued(&self) -> Vec<Arc<TokenInfo>> {
        self.tokens.read().values().filter(|t| t.client_id.is_some()).cloned().collect()
    }

    /// Forgets registered tokens; the default one stays (and gets its original rights back).
    pub fn reset(&self) {
        let mut tokens = self.tokens.write();
        tokens.clear();
        tokens.insert(self.default.token.clone(), Arc::clone(&self.default));
    }

    /// Validates an `Authorization` header value with Graph's messages for each failure.
    #[cfg(test)]
    fn authenticate_now(&self, authorization: Option<&str>) -> Result<Arc<TokenInfo>, GraphError> {
        self.authenticate(authorization, None)
    }

    /// `reject_after`: issued tokens stop working this long after they were issued (Graph
    /// revoking them mid-run: Continuous Access Evaluation, key rollover).
    pub fn authenticate(&self, authorization: Option<&str>, reject_after: Option<chrono::Duration>) -> Result<Arc<TokenInfo>, GraphError> {
        let token = bearer(authorization).ok_or_else(|| GraphError::unauthorized("Access token is empty."))?;
        let Some(info) = self.tokens.read().get(token).cloned() else {
            return Err(GraphError::unauthorized(if token.contains('.') {
                "Access token validation failure. Invalid audience."
            } else {
                "IDX14100: JWT is not well formed, there are no dots (.)."
            }));
        };
        if info.expires_at.is_some_and(|exp| exp <= Utc::now()) {
            return Err(GraphError::unauthorized("Lifetime validation failed, the token is expired."));
        }
        if let (Some(after), Some(issued)) = (reject_after, info.issued_at)
            && issued + after <= Utc::now()
        {
            return Err(GraphError::unauthorized("Continuous access evaluation resulted in challenge with result: InteractionRequired and code: TokenIssuedBeforeRevocationTimestamp"));
        }
        Ok(info)
    }
}

/// The token of a `Bearer` header (scheme case-insensitive); None when absent or empty.
pub fn bearer(authorization: Option<&str>) -> Option<&str> {
    let value = authorization?.trim();
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(r: Result<Arc<TokenInfo>, GraphError>) -> String {
        r.err().map(|e| e.message).unwrap_or_default()
    }

    #[test]
    fn failures_use_graph_messages() {
        let reg = TokenRegistry::new("t");
        assert_eq!(message(reg.authenticate_now(None)), "Access token is empty.");
        assert_eq!(message(reg.authenticate_now(Some("Bearer "))), "Access token is empty.");
        assert!(message(reg.authenticate_now(Some("Bearer nope"))).starts_with("IDX14100"));
        assert_eq!(
            message(reg.authenticate_now(Some("Bearer a.b.c"))),
            "Access token validation failure. Invalid audience."
        );
        assert!(reg.authenticate_now(Some("bearer t")).is_ok());
    }

    #[test]
    fn expired_tokens_are_refused() {
        let reg = TokenRegistry::new("t");
        reg.register(TokenInfo {
            token: "old".into(),
            kind: TokenKind::App,
            user_id: None,
            roles: vec![],
            expires_at: Some(Utc::now() - chrono::Duration::seconds(1)),
            client_id: None,
            issued_at: None,
        });
        assert_eq!(
            message(reg.authenticate_now(Some("Bearer old"))),
            "Lifetime validation failed, the token is expired."
        );
    }

    #[test]
    fn issued_tokens_can_be_made_to_stop_working_a_while_after_issue() {
        let reg = TokenRegistry::new("t");
        let issued = |token: &str, ago: i64| TokenInfo {
            token: token.into(),
            kind: TokenKind::App,
            user_id: None,
            roles: vec![],
            expires_at: None,
            client_id: Some("app".into()),
            issued_at: Some(Utc::now() - chrono::Duration::seconds(ago)),
        };
        reg.register(issued("fresh", 0));
        reg.register(issued("stale", 5));
        let after = Some(chrono::Duration::seconds(2));
        assert!(reg.authenticate(Some("Bearer fresh"), after).is_ok());
        assert!(message(reg.authenticate(Some("Bearer stale"), after)).contains("Continuous access evaluation"));
        assert!(reg.authenticate(Some("Bearer stale"), None).is_ok());
        assert!(reg.authenticate(Some("Bearer t"), after).is_ok(), "registered tokens are not issued tokens");
    }

    #[test]
    fn default_token_can_revoke_and_read() {
        let reg = TokenRegistry::new("t");
        let info = reg.authenticate_now(Some("Bearer t")).unwrap();
        assert!(info.can_revoke() && info.can_read() && !info.can_read_self());
    }
}
