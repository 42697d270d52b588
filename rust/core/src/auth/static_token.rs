//! A token the admin obtained elsewhere (Connect-Entra -AccessToken): used as is, never renewed.

use super::{AccessToken, AuthError, TokenClaims, TokenSource};
use futures::future::BoxFuture;
use std::sync::Arc;

#[derive(Debug)]
pub struct StaticToken {
    token: Arc<AccessToken>,
    claims: TokenClaims,
}

impl StaticToken {
    pub fn new(token: AccessToken) -> Self {
        let claims = TokenClaims::read(token.expose());
        Self { token: Arc::new(token), claims }
    }
}

impl TokenSource for StaticToken {
    fn access_token(&self) -> BoxFuture<'_, Result<Arc<AccessToken>, AuthError>> {
        Box::pin(async move { Ok(self.token.clone()) })
    }

    fn refresh<'a>(&'a self, _rejected: &'a Arc<AccessToken>) -> BoxFuture<'a, Result<Arc<AccessToken>, AuthError>> {
        Box::pin(async { Err(AuthError::CannotRefresh) })
    }

    fn claims(&self) -> TokenClaims {
        self.claims.clone()
    }

    fn kind(&self) -> &'static str {
        "AccessToken"
    }
}
