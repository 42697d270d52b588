//! A connection to one cloud with one identity: endpoint, token, HTTP client, and the throttle
//! gate every job sending with this identity shares.

use crate::endpoint::{EndpointError, GraphEndpoint};
use crate::http::{HttpSettings, build_client};
use crate::auth::{AccessToken, StaticToken, TokenClaims, TokenSource};
use crate::retry::ThrottleGate;
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
    client: reqwest::Client,
    gate: ThrottleGate,
}

impl Session {
    pub fn with_access_token(graph_endpoint: &str, token: String, settings: &HttpSettings) -> Result<Self, SessionError> {
        let endpoint = GraphEndpoint::parse(graph_endpoint)?;
        let token = AccessToken::new(token).ok_or(SessionError::InvalidToken)?;
        Self::with_token_source(endpoint, Arc::new(StaticToken::new(token)), settings)
    }

    /// A session whose tokens come from `tokens` (a credential flow that can renew them).
    pub fn with_token_source(endpoint: GraphEndpoint, tokens: Arc<dyn TokenSource>, settings: &HttpSettings) -> Result<Self, SessionError> {
        let client = build_client(settings).map_err(|e| SessionError::Client(e.to_string()))?;
        Ok(Self { endpoint, tokens, client, gate: ThrottleGate::new() })
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

    pub fn client(&self) -> &reqwest::Client {
        &self.client
    }

    pub fn gate(&self) -> &ThrottleGate {
        &self.gate
    }
}
