//! Client credentials with a secret: `grant_type=client_credentials`, `client_secret`, scope
//! `{graph}/.default`. The secret stays in a `SecretString` (zeroed on drop) and goes on the wire
//! only from a zeroed-on-drop form buffer.

use super::renewing::{Credential, IssuedToken};
use super::token_endpoint::{SecretForm, request_token};
use super::{AuthError, Authority};
use futures::future::BoxFuture;
use secrecy::{ExposeSecret, SecretString};
use std::fmt;

pub struct ClientSecretCredential {
    client: reqwest::Client,
    authority: Authority,
    client_id: String,
    scope: String,
    secret: SecretString,
}

impl ClientSecretCredential {
    pub fn new(client: reqwest::Client, authority: Authority, client_id: String, scope: String, secret: SecretString) -> Result<Self, AuthError> {
        if secret.expose_secret().is_empty() {
            return Err(AuthError::InvalidCredential("The client secret is empty.".to_owned()));
        }
        Ok(Self { client, authority, client_id, scope, secret })
    }
}

impl fmt::Debug for ClientSecretCredential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientSecretCredential")
            .field("token_url", &self.authority.token_url().as_str())
            .field("client_id", &self.client_id)
            .field("scope", &self.scope)
            .finish_non_exhaustive()
    }
}

impl Credential for ClientSecretCredential {
    fn fetch(&self) -> BoxFuture<'_, Result<IssuedToken, AuthError>> {
        Box::pin(async move {
            let form = SecretForm::new()
                .field("grant_type", "client_credentials")
                .field("client_id", self.client_id.clone())
                .field("scope", self.scope.clone())
                .secret("client_secret", SecretString::from(self.secret.expose_secret().to_owned()));
            Ok(request_token(&self.client, self.authority.token_url(), &form).await?.into())
        })
    }

    fn kind(&self) -> &'static str {
        "ClientSecret"
    }
}
