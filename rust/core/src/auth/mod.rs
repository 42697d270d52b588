//! Where access tokens come from. The engine asks a `TokenSource` before every attempt and
//! asks it to refresh once when Graph answers 401, so a bulk run survives a token expiring
//! mid-run without losing or repeating a user, and without a retry storm.
//!
//! Flows, one file each: a token given by the admin (`static_token`), client credentials with a
//! secret (`client_secret`) or a certificate-signed assertion (`client_assertion`), managed
//! identity (`managed_identity`) and the device code flow (`device_code`). The app and device
//! flows hand their `Credential` to `RenewingToken`, which caches the token in memory and renews
//! it ahead of expiry and once on a 401. `token_endpoint` speaks to the identity platform and
//! turns its refusals into `EntraError`s that keep the AADSTS code.

pub mod access_token;
pub mod authority;
pub mod client_assertion;
pub mod client_secret;
pub mod clock;
pub mod device_code;
pub mod entra_error;
pub mod managed_identity;
pub mod renewing;
pub mod sign_in;
pub mod static_token;
pub mod token_claims;
pub mod token_endpoint;

pub use access_token::AccessToken;
pub use authority::{Authority, AuthorityError};
pub use entra_error::{EntraError, EntraErrorKind};
pub use renewing::{Credential, IssuedToken, RenewingToken};
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
    /// The identity platform (or managed identity endpoint) refused: its own answer, typed.
    #[error("{0}")]
    Refused(EntraError),
    /// The identity platform or managed identity endpoint could not be reached, or kept failing.
    #[error("{0}")]
    Unavailable(String),
    /// A credential given to us cannot be used (a key that is not RSA, a certificate that does
    /// not match its key, a malformed endpoint or tenant).
    #[error("{0}")]
    InvalidCredential(String),
    /// Graph rejected a token that had been renewed because it rejected the previous one, before
    /// it ever worked: renewing again would not help (the app, tenant or clock is the problem).
    #[error("Graph rejected the renewed access token too; renewing it again would not help. Check the app's permissions and the connected environment, then run Connect-Entra again")]
    RejectedAfterRenewal,
    /// The sign-in was cancelled (Ctrl+C) before it finished.
    #[error("the sign-in was cancelled")]
    Cancelled,
}

impl AuthError {
    /// The identity platform's typed answer, when it refused.
    pub fn entra(&self) -> Option<&EntraError> {
        match self {
            Self::Refused(e) => Some(e),
            _ => None,
        }
    }
}

pub trait TokenSource: Send + Sync + std::fmt::Debug {
    /// A token valid for at least the next few minutes (renewed ahead of expiry where possible).
    fn access_token(&self) -> BoxFuture<'_, Result<Arc<AccessToken>, AuthError>>;

    /// Graph rejected `rejected` with 401: renew it. Concurrent callers holding the same
    /// rejected token share one renewal; a caller whose token was already replaced gets the new
    /// one without another request.
    fn refresh<'a>(&'a self, rejected: &'a Arc<AccessToken>) -> BoxFuture<'a, Result<Arc<AccessToken>, AuthError>>;

    /// Graph accepted `token` (a request sent with it succeeded). A token that has worked is
    /// renewed when it is rejected later, also if it was itself obtained after a rejection.
    fn accepted(&self, _token: &Arc<AccessToken>) {}

    /// What the current token says about itself, for Get-EntraContext.
    fn claims(&self) -> TokenClaims;

    /// How the identity was established: AccessToken, ClientSecret, Certificate, ManagedIdentity, DeviceCode.
    fn kind(&self) -> &'static str;
}
