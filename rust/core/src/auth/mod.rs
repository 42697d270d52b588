//! Where access tokens come from. The engine asks a `TokenSource` before every attempt and
//! asks it to refresh once when Graph answers 401, so a bulk run survives a token expiring
//! mid-run without losing or repeating a user, and without a retry storm.

pub mod access_token;
pub mod static_token;
pub mod token_claims;

pub use access_token::AccessToken;
pub use static_token::StaticToken;
pub use token_claims::TokenClaims;

use futures::future::BoxFuture;
use std::sync::Arc;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    /// The token cannot be renewed (it was given to us; there is no credential to ask again).
    #[error("the access token was rejected and cannot be renewed: connect again with a new token or a credential")]
    CannotRefresh,
    /// The identity platform refused or failed; the message carries its AADSTS code when any.
    #[error("{0}")]
    SignInFailed(String),
}

pub trait TokenSource: Send + Sync + std::fmt::Debug {
    /// A token valid for at least the next few minutes (renewed ahead of expiry where possible).
    fn access_token(&self) -> BoxFuture<'_, Result<Arc<AccessToken>, AuthError>>;

    /// Graph rejected `rejected` with 401: renew it. Concurrent callers holding the same
    /// rejected token share one renewal; a caller whose token was already replaced gets the new
    /// one without another request.
    fn refresh<'a>(&'a self, rejected: &'a Arc<AccessToken>) -> BoxFuture<'a, Result<Arc<AccessToken>, AuthError>>;

    /// What the current token says about itself, for Get-EntraContext.
    fn claims(&self) -> TokenClaims;

    /// How the identity was established: AccessToken, ClientSecret, Certificate, ManagedIdentity, DeviceCode.
    fn kind(&self) -> &'static str;
}
