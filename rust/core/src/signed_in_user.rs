//! Revoke-EntraSignedInUserAllRefreshToken: `POST {graph}/v1.0/me/revokeSignInSessions` for the
//! signed-in user. Only a delegated token has a signed-in user: an app-only token (a readable
//! JWT without `scp`) is refused before any request, and Graph's own 400 for `/me` with an
//! app-only token (opaque tokens) reads the same way.

use crate::attempt::AttemptSuccess;
use crate::attempts::{PolicyHooks, drive};
use crate::http::{RequestContext, post};
use crate::outcome::Failure;
use crate::request_url::revoke_own_sessions_url;
use crate::retry::RetryPolicy;
use crate::session::Session;
use crate::trace::TraceSink;
use crate::transport::MAX_ANSWER_BYTES;
use tokio_util::sync::CancellationToken;

/// Graph's words for `/me` with an app-only token.
const GRAPH_APP_ONLY_MESSAGE: &str = "only valid with delegated authentication flow";

#[derive(Debug, Clone)]
pub enum SignedInRevokeError {
    /// The connection has no signed-in user (client credentials, managed identity).
    AppOnlyToken,
    Failed(Failure),
}

/// The answer and the attempts it took.
pub struct SignedInRevocation {
    pub attempts: u32,
    pub result: Result<AttemptSuccess, SignedInRevokeError>,
}

pub async fn revoke_signed_in_user(session: &Session, policy: RetryPolicy, user_agent: &str, cancel: &CancellationToken, trace: Option<&TraceSink>) -> SignedInRevocation {
    let claims = session.claims();
    if claims.tenant_id.is_some() && !claims.is_delegated() {
        return SignedInRevocation { attempts: 0, result: Err(SignedInRevokeError::AppOnlyToken) };
    }
    let url = revoke_own_sessions_url(session.endpoint());
    let hooks = PolicyHooks { session, policy };
    let transport = session.transport();
    let driven = drive(session, cancel, &hooks, None, |token, attempt| {
        let url = url.clone();
        async move { post(transport, url, None, MAX_ANSWER_BYTES, &RequestContext { token: &token, user_agent, attempt, trace }).await }
    })
    .await;
    let result = match driven.result {
        Ok((success, _body)) => Ok(success),
        Err(Failure::Graph { error, .. }) if error.status == 400 && error.message.contains(GRAPH_APP_ONLY_MESSAGE) => Err(SignedInRevokeError::AppOnlyToken),
        Err(failure) => Err(SignedInRevokeError::Failed(failure)),
    };
    SignedInRevocation { attempts: driven.attempts, result }
}
