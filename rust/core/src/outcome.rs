//! What happened to one input: exactly one outcome per identifier handed to a job.

use crate::attempt::{AttemptError, AttemptSuccess, TransportKind};
use crate::auth::AuthError;
use crate::graph_error::GraphError;
use crate::identifier::IdentifierError;
use crate::verify::Verification;
use chrono::{DateTime, Utc};
use std::time::Duration;

#[derive(Debug, Clone)]
pub struct Outcome {
    /// The caller's correlation number for this input.
    pub tag: u64,
    /// The identifier exactly as the caller gave it.
    pub input: String,
    /// HTTP attempts made (0 when the input was rejected before any request).
    pub attempts: u32,
    /// From the first attempt (or rejection) to the final answer.
    pub duration: Duration,
    pub completed_at: DateTime<Utc>,
    pub result: Result<AttemptSuccess, Failure>,
    /// With -Verify, for a successful revocation: what the directory's record says.
    pub verification: Option<Verification>,
}

#[derive(Debug, Clone)]
pub enum Failure {
    /// Rejected before any request was sent.
    InvalidIdentifier(IdentifierError),
    /// Graph's final error answer; `retries_exhausted` when it was retryable but we ran out.
    Graph { error: GraphError, retries_exhausted: bool },
    /// No usable answer, after any retries.
    Transport { kind: TransportKind, message: String, retries_exhausted: bool },
    /// The job was cancelled (Ctrl+C) before this input got a final answer.
    Cancelled,
    /// No token could be obtained for the request (the sign-in itself failed).
    SignIn(AuthError),
    /// A query Graph would refuse, rejected before any request (Get-EntraUser).
    InvalidQuery(String),
}

/// The kinds of failure an admin (and PowerShell's error categories) distinguish.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureKind {
    InvalidArgument,
    BadRequest,
    Authentication,
    PermissionDenied,
    NotFound,
    Throttled,
    Unavailable,
    Cancelled,
    Other,
}

impl Failure {
    pub fn from_attempt(error: AttemptError, retries_exhausted: bool) -> Self {
        match error {
            AttemptError::Http { error, .. } => Self::Graph { error, retries_exhausted },
            AttemptError::Transport { kind, message } => Self::Transport { kind, message, retries_exhausted },
        }
    }

    pub fn kind(&self) -> FailureKind {
        match self {
            Self::InvalidIdentifier(_) | Self::InvalidQuery(_) => FailureKind::InvalidArgument,
            Self::Cancelled => FailureKind::Cancelled,
            Self::SignIn(_) => FailureKind::Authentication,
            Self::Transport { kind: TransportKind::TooLarge, .. } => FailureKind::Other,
            Self::Transport { .. } => FailureKind::Unavailable,
            Self::Graph { error, .. } => match error.status {
                400 => FailureKind::BadRequest,
                401 => FailureKind::Authentication,
                403 => FailureKind::PermissionDenied,
                404 => FailureKind::NotFound,
                429 => FailureKind::Throttled,
                500..=599 => FailureKind::Unavailable,
                _ => FailureKind::Other,
            },
        }
    }

    pub fn graph_error(&self) -> Option<&GraphError> {
        match self {
            Self::Graph { error, .. } => Some(error),
            _ => None,
        }
    }

    /// A sentence that reads well on its own in an error record.
    pub fn message(&self) -> String {
        match self {
            Self::InvalidIdentifier(e) => format!("Not a valid user identifier: {e}. Use the user's object id (GUID) or userPrincipalName."),
            Self::Cancelled => "The operation was cancelled before Graph confirmed the revocation.".to_owned(),
            Self::SignIn(e) => format!("No access token could be obtained: {e}"),
            Self::InvalidQuery(e) => format!("The query is not valid: {e}."),
            Self::Transport { kind: TransportKind::TooLarge, message, .. } => format!("Graph's answer could not be used: {message}."),
            Self::Transport { message, retries_exhausted, .. } => {
                let retried = if *retries_exhausted { " after all retries" } else { "" };
                format!("Graph could not be reached{retried}: {message}")
            }
            Self::Graph { error, retries_exhausted } => {
                let retried = if *retries_exhausted { " (still failing after all retries)" } else { "" };
                format!("{}: {}{retried}", error.code, error.message)
            }
        }
    }
}
