//! A connection to one cloud with one identity: endpoint, token, the transport requests go
//! through, and what every job sending with this identity shares (the throttle gate and the
//! outage guard).

use crate::auth::{AccessToken, StaticToken, TokenClaims, TokenSource};
use crate::endpoint::{EndpointError, GraphEndpoint};
use crate::http::HttpSettings;
use crate::retry::{OutageGuard, ThrottleGate};
use crate::transport::{ReqwestTransport, Transport};
use std::sync::Arc;

#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    #[error(transparent)]
    Endpoint(#[from] EndpointError),
    #[error("the access token is empty or contains characters that cannot be sent in a header")]
    InvalidToken,
    #[error("the HTTP client could not be created: {0}")]
    Client(String),
}

#[derive(Debug)]
pub struct Session {
    endpoint: GraphEndpoint,
    tokens: Arc<dyn TokenSource>,
    transport: Arc<dyn Transport>,
    gate: ThrottleGate,
    outage: OutageGuard,
}

impl Session {
    pub fn with_access_token(graph_endpoint: &str, token: String, settings: &HttpSettings) -> Result<Self, SessionError> {
        let endpoint = GraphEndpoint::parse(graph_endpoint)?;
        let token = AccessToken::new(token).ok_or(SessionError::InvalidToken)?;
        Self::with_token_source(endpoint, Arc::new(StaticToken::new(token)), settings)
    }

    /// A session whose tokens come from `tokens` (a credential flow that can renew them).
    pub fn with_token_source(endpoint: GraphEndpoint, tokens: Arc<dyn TokenSource>, settings: &HttpSettings) -> Result<Self, SessionError> {
        let transport = ReqwestTransport::new(settings).map_err(|e| SessionError::Client(e.to_string()))?;
        Ok(Self::with_transport(endpoint, tokens, Arc::new(transport)))
    }

    /// A session over any transport (tests script one).
    pub fn with_transport(endpoint: GraphEndpoint, tokens: Arc<dyn TokenSource>, transport: Arc<dyn Transport>) -> Self {
        Self { endpoint, tokens, transport, gate: ThrottleGate::new(), outage: OutageGuard::new() }
    }

    pub fn endpoint(&self) -> &GraphEndpoint {
        &self.endpoint
    }

    pub fn tokens(&self) -> &Arc<dyn TokenSource> {
        &self.tokens
    }

    pub fn claims(&self) -> TokenClaims {
        self.tokens.claims()
    }

    pub fn transport(&self) -> &dyn Transport {
        &*self.transport
    }

    pub fn gate(&self) -> &ThrottleGate {
        &self.gate
    }

    pub fn outage(&self) -> &OutageGuard {
        &self.outage
    }
}
