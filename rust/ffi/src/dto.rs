//! JSON documents that cross the boundary: options in, outcomes and context out.
//! JSON keeps the C ABI small and stable while the records grow; C# reads and writes it with
//! System.Text.Json (in the box, no extra assembly) as classes generated from the
//! `boundary_document!` declarations here and beside each handle (`records`).

use chrono::SecondsFormat;
use entra_core::engine::DEFAULT_THROTTLE_LIMIT;
use crate::contract::{DELEGATED_SIGN_IN_REQUIRED_MESSAGE, FailureKind};
use entra_core::outcome::{Failure, FailureKind as CoreFailureKind};
use entra_core::retry::policy::DEFAULT_MAX_RETRIES;
use entra_core::engine::RunSummary;
use entra_core::trace::{RequestTrace, TraceLevel};
use entra_core::verify::Verification;
use entra_core::{Outcome, Session};
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// What a document reports when the native library itself failed (a caught panic).
pub const INTERNAL_ERROR_MESSAGE: &str = "internal error in the native library";

/// A document as JSON. The DTOs hold only strings, numbers, booleans, sequences and
/// string-keyed maps, which serde_json always serialises, so an error here is a bug: it
/// panics, and the exported function's panic guard answers its typed fallback document.
pub fn to_json(document: &impl Serialize) -> String {
    serde_json::to_string(document).unwrap_or_else(|e| panic!("a boundary document did not serialise: {e}"))
}

boundary_document! {
    /// A bulk revocation job's options (RevokeJobHandle.start); an absent field takes the engine's default.
    #[csharp_input = "JobOptionsRecord"]
    pub struct JobOptionsDto {
        #[serde(default = "default_throttle_limit")]
        pub throttle_limit: usize => "int",
        #[serde(default = "default_max_retry")]
        pub max_retry: u32 => "int",
        #[serde(default)]
        pub use_batch: bool => "bool",
        pub user_agent: String => "string",
        #[serde(default)]
        pub trace: TraceLevelDto => "TraceLevel",
        #[serde(default)]
        pub verify: bool => "bool",
    }
}

boundary_enum! {
    /// How much of each request to log: off, requests (-Verbose) or headers (-Debug).
    #[csharp = "TraceLevel"]
    #[derive(Default)]
    pub enum TraceLevelDto {
        #[default]
        Off,
        Requests,
        Headers,
    }
}

impl From<TraceLevelDto> for TraceLevel {
    fn from(level: TraceLevelDto) -> Self {
        match level {
            TraceLevelDto::Off => TraceLevel::Off,
            TraceLevelDto::Requests => TraceLevel::Requests,
            TraceLevelDto::Headers => TraceLevel::Headers,
        }
    }
}

boundary_document! {
    /// The request log taken since the last call, for WriteVerbose/WriteDebug.
    #[csharp = "TraceRecord"]
    pub struct TraceDto<'a> {
        entries: Vec<TraceEntryDto<'a>> => "List<TraceEntryRecord>",
        dropped: u64 => "ulong",
    }
}

boundary_document! {
    /// One request sent (retries included), its headers only at the headers level, Authorization redacted.
    #[csharp = "TraceEntryRecord"]
    pub(crate) struct TraceEntryDto<'a> {
        method: &'a str => "string",
        target: &'a str => "string",
        #[serde(skip_serializing_if = "Option::is_none")]
        status: Option<u16> => "int?",
        #[serde(skip_serializing_if = "Option::is_none")]
        error: Option<&'a str> => "string?",
        attempt: u32 => "int",
        duration_ms: f64 => "double",
        request_headers: &'a [(String, String)] => "List<List<string>>",
        response_headers: &'a [(String, String)] => "List<List<string>>",
    }
}

impl<'a> TraceDto<'a> {
    pub fn new(entries: &'a [RequestTrace], dropped: u64) -> Self {
        let entries = entries
            .iter()
            .map(|t| TraceEntryDto {
                method: &t.method,
                target: &t.target,
                status: t.status,
                error: t.error.as_deref(),
                attempt: t.attempt,
                duration_ms: t.duration.as_secs_f64() * 1000.0,
                request_headers: &t.request_headers,
                response_headers: &t.response_headers,
            })
            .collect();
        Self { entries, dropped }
    }

    /// No entries: the fallback of every `take_trace`.
    pub fn empty() -> Self {
        Self { entries: Vec::new(), dropped: 0 }
    }
}

fn default_throttle_limit() -> usize {
    DEFAULT_THROTTLE_LIMIT
}

fn default_max_retry() -> u32 {
    DEFAULT_MAX_RETRIES
}

boundary_document! {
    /// One outcome as the native engine reports it: a bulk job's, or the signed-in revocation's.
    #[csharp = "OutcomeRecord"]
    pub struct OutcomeDto<'a> {
        tag: u64 => "ulong",
        input: &'a str => "string",
        succeeded: bool => "bool",
        attempts: u32 => "int",
        duration_ms: f64 => "double",
        completed_at: String => "DateTimeOffset",
        #[serde(skip_serializing_if = "Option::is_none")]
        http_status: Option<u16> => "int?",
        #[serde(skip_serializing_if = "Option::is_none")]
        request_id: Option<&'a str> => "string?",
        #[serde(skip_serializing_if = "Option::is_none")]
        client_request_id: Option<&'a str> => "string?",
        #[serde(skip_serializing_if = "Option::is_none")]
        failure: Option<FailureDto<'a>> => "FailureRecord?",
        #[serde(skip_serializing_if = "Option::is_none")]
        verification: Option<VerificationDto> => "VerificationRecord?",
    }
}

boundary_document! {
    /// -Verify's finding for a successful revocation; the warning (naming the user when not verified) comes from Rust.
    #[csharp = "VerificationRecord"]
    pub(crate) struct VerificationDto {
        verified: bool => "bool",
        #[serde(skip_serializing_if = "Option::is_none")]
        sign_in_sessions_valid_from: Option<String> => "DateTimeOffset?",
        #[serde(skip_serializing_if = "Option::is_none")]
        warning: Option<String> => "string?",
    }
}

impl VerificationDto {
    fn new(verification: &Verification, input: &str) -> Self {
        Self {
            verified: verification.verified(),
            sign_in_sessions_valid_from: verification.valid_from().map(|t| t.to_rfc3339_opts(SecondsFormat::Secs, true)),
            warning: verification.warning(input),
        }
    }
}

boundary_document! {
    /// A run's closing summary: the figures, and the line the information stream shows.
    #[csharp = "SummaryRecord"]
    pub struct SummaryDto {
        revoked: u64 => "long",
        verified: u64 => "long",
        not_verified: u64 => "long",
        failed: u64 => "long",
        failed_by_kind: serde_json::Map<String, serde_json::Value> => "Dictionary<string, long>?",
        throttle_wait_ms: f64 => "double",
        elapsed_ms: f64 => "double",
        message: String => "string?",
    }
}

/// All zero and no message: the fallback of `summary`.
impl Default for SummaryDto {
    fn default() -> Self {
        Self { revoked: 0, verified: 0, not_verified: 0, failed: 0, failed_by_kind: serde_json::Map::new(), throttle_wait_ms: 0.0, elapsed_ms: 0.0, message: String::new() }
    }
}

impl SummaryDto {
    pub fn new(summary: &RunSummary, verify: bool) -> Self {
        Self {
            revoked: summary.revoked,
            verified: summary.verified,
            not_verified: summary.not_verified,
            failed: summary.failed_total(),
            failed_by_kind: summary.failed.iter().map(|(k, n)| (kind_name(*k).to_owned(), serde_json::Value::from(*n))).collect(),
            throttle_wait_ms: summary.throttle_wait.as_secs_f64() * 1000.0,
            elapsed_ms: summary.elapsed.as_secs_f64() * 1000.0,
            message: summary.message(verify, kind_name),
        }
    }
}

boundary_document! {
    /// Why an operation failed, with what Microsoft support asks for when Graph answered.
    #[csharp = "FailureRecord"]
    pub struct FailureDto<'a> {
        kind: FailureKind => "FailureKind",
        message: String => "string",
        #[serde(skip_serializing_if = "Option::is_none")]
        code: Option<&'a str> => "string?",
        #[serde(skip_serializing_if = "Option::is_none")]
        date: Option<&'a str> => "string?",
        #[serde(skip_serializing_if = "Option::is_none")]
        http_status: Option<u16> => "int?",
        #[serde(skip_serializing_if = "Option::is_none")]
        request_id: Option<&'a str> => "string?",
        #[serde(skip_serializing_if = "Option::is_none")]
        client_request_id: Option<&'a str> => "string?",
        retries_exhausted: bool => "bool",
    }
}

impl<'a> OutcomeDto<'a> {
    /// An outcome decided in the FFI crate without a core `Outcome` (nothing was sent, or the
    /// library failed): tag 0, as the one-request cmdlet uses.
    pub fn failed_locally(input: &'a str, attempts: u32, duration: Duration, failure: FailureDto<'a>) -> Self {
        Self {
            tag: 0,
            input,
            succeeded: false,
            attempts,
            duration_ms: duration.as_secs_f64() * 1000.0,
            completed_at: chrono::Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true),
            http_status: None,
            request_id: None,
            client_request_id: None,
            failure: Some(failure),
            verification: None,
        }
    }

    pub fn from_outcome(outcome: &'a Outcome) -> Self {
        let base = Self {
            tag: outcome.tag,
            input: &outcome.input,
            succeeded: outcome.result.is_ok(),
            attempts: outcome.attempts,
            duration_ms: outcome.duration.as_secs_f64() * 1000.0,
            completed_at: outcome.completed_at.to_rfc3339_opts(SecondsFormat::Millis, true),
            http_status: None,
            request_id: None,
            client_request_id: None,
            failure: None,
            verification: outcome.verification.as_ref().map(|v| VerificationDto::new(v, &outcome.input)),
        };
        match &outcome.result {
            Ok(success) => Self {
                http_status: Some(success.status),
                request_id: success.request_id.as_deref(),
                client_request_id: Some(&success.client_request_id),
                ..base
            },
            Err(failure) => {
                let graph = failure.graph_error();
                Self {
                    http_status: graph.map(|g| g.status),
                    request_id: graph.and_then(|g| g.request_id.as_deref()),
                    client_request_id: graph.and_then(|g| g.client_request_id.as_deref()),
                    failure: Some(FailureDto::from_failure(failure)),
                    ..base
                }
            }
        }
    }
}

impl FailureDto<'static> {
    /// The native library itself failed (a caught panic).
    pub fn internal() -> Self {
        Self::local(FailureKind::Other, INTERNAL_ERROR_MESSAGE.to_owned())
    }

    /// The signed-in revocation on a connection without a signed-in user.
    pub fn delegated_sign_in_required() -> Self {
        Self::local(FailureKind::DelegatedSignInRequired, DELEGATED_SIGN_IN_REQUIRED_MESSAGE.to_owned())
    }

    fn local(kind: FailureKind, message: String) -> Self {
        Self { kind, message, code: None, date: None, http_status: None, request_id: None, client_request_id: None, retries_exhausted: false }
    }
}

impl<'a> FailureDto<'a> {
    pub fn from_failure(failure: &'a Failure) -> Self {
        let graph = failure.graph_error();
        Self {
            kind: failure.kind().into(),
            message: failure.message(),
            code: graph.map(|g| g.code.as_str()),
            date: graph.and_then(|g| g.date.as_deref()),
            http_status: graph.map(|g| g.status),
            request_id: graph.and_then(|g| g.request_id.as_deref()),
            client_request_id: graph.and_then(|g| g.client_request_id.as_deref()),
            retries_exhausted: matches!(
                failure,
                Failure::Graph { retries_exhausted: true, .. } | Failure::Transport { retries_exhausted: true, .. }
            ),
        }
    }
}

boundary_document! {
    /// One page of Get-EntraUser: users as Graph sent them, or the failure that ended the listing.
    #[csharp = "UserPage"]
    pub struct UserPageDto<'a> {
        pub users: &'a [serde_json::Map<String, serde_json::Value>] => "List<Dictionary<string, JsonElement>>",
        pub done: bool => "bool",
        #[serde(skip_serializing_if = "Option::is_none")]
        pub failure: Option<FailureDto<'a>> => "FailureRecord?",
    }
}

impl<'a> UserPageDto<'a> {
    /// The last page: no users, the failure that ended the listing.
    pub fn failed(failure: FailureDto<'a>) -> Self {
        Self { users: &[], done: true, failure: Some(failure) }
    }
}

/// The summary's names for the core's kinds: the same names the outcome documents carry.
fn kind_name(kind: CoreFailureKind) -> &'static str {
    FailureKind::from(kind).name()
}

boundary_document! {
    /// What Get-EntraContext shows. Never the token. The default (nothing known) is the fallback of `describe`; there GraphEndpoint is absent and callers use the environment's.
    #[csharp = "SessionRecord"]
    #[derive(Default)]
    pub struct SessionDto {
        #[serde(skip_serializing_if = "Option::is_none")]
        graph_endpoint: Option<String> => "string?",
        /// The credential kind (ClientSecret, Certificate, …); "" when unknown.
        auth_type: &'static str => "string",
        #[serde(skip_serializing_if = "Option::is_none")]
        tenant_id: Option<String> => "string?",
        #[serde(skip_serializing_if = "Option::is_none")]
        client_id: Option<String> => "string?",
        #[serde(skip_serializing_if = "Option::is_none")]
        account: Option<String> => "string?",
        scopes: Vec<String> => "string[]",
        roles: Vec<String> => "string[]",
        #[serde(skip_serializing_if = "Option::is_none")]
        expires_on: Option<String> => "DateTimeOffset?",
        /// Delegated, AppOnly or Opaque; "" when unknown.
        token_kind: &'static str => "string",
    }
}

impl SessionDto {
    pub fn from_session(session: &Session) -> Self {
        let claims = session.claims();
        let token_kind = match (claims.is_delegated(), claims.tenant_id.is_some()) {
            (true, _) => "Delegated",
            (false, true) => "AppOnly",
            (false, false) => "Opaque",
        };
        Self {
            graph_endpoint: Some(session.endpoint().as_str().to_owned()),
            auth_type: session.tokens().kind(),
            scopes: claims.scopes.as_deref().map(|s| s.split(' ').filter(|x| !x.is_empty()).map(str::to_owned).collect()).unwrap_or_default(),
            expires_on: claims
                .expires_unix
                .and_then(|exp| chrono::DateTime::from_timestamp(exp, 0))
                .map(|t| t.to_rfc3339_opts(SecondsFormat::Secs, true)),
            tenant_id: claims.tenant_id,
            client_id: claims.app_id,
            account: claims.account,
            roles: claims.roles,
            token_kind,
        }
    }
}
