//! The identity platform's refusals, typed: `{"error","error_description","error_codes",
//! "trace_id","correlation_id"}` where the description starts with the AADSTS code
//! ("AADSTS7000215: Invalid client secret provided. …"). The kind is decided from the AADSTS
//! number first (stable across wording changes), then from the OAuth error code.

use crate::text::{body_snippet, clean_server_text};
use serde::Deserialize;
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntraErrorKind {
    /// AADSTS7000215: the secret is not one of the app's secrets (or is the secret's id).
    InvalidClientSecret,
    /// AADSTS7000222: the secret has expired.
    ExpiredClientSecret,
    /// AADSTS700027 and friends: the signed assertion does not verify against the app's
    /// certificates (wrong certificate, not uploaded, bad signature, clock skew).
    InvalidClientAssertion,
    /// AADSTS700027 "… is expired …": the certificate registered on the app has expired.
    CertificateExpired,
    /// AADSTS700016: no such application in the tenant.
    UnknownClient,
    /// AADSTS90002 / AADSTS900023: no such tenant.
    UnknownTenant,
    /// AADSTS65001 and friends: consent or permission missing for what was asked.
    ConsentRequired,
    /// The user declined the device code sign-in.
    AuthorizationDeclined,
    /// The device code expired before the user signed in.
    DeviceCodeExpired,
    /// The refresh token expired or was revoked (AADSTS700082, AADSTS50173, …): sign in again.
    SignInExpired,
    /// The managed identity endpoint knows no identity with that client id (or none at all).
    ManagedIdentityNotFound,
    /// Anything else the platform refused.
    Other,
}

impl EntraErrorKind {
    fn cause(self) -> &'static str {
        match self {
            Self::InvalidClientSecret => "The client secret is wrong",
            Self::ExpiredClientSecret => "The client secret has expired",
            Self::InvalidClientAssertion => "The certificate's signed assertion was not accepted",
            Self::CertificateExpired => "The certificate has expired",
            Self::UnknownClient => "The application (client id) was not found in the tenant",
            Self::UnknownTenant => "The tenant was not found",
            Self::ConsentRequired => "Consent or a permission is missing",
            Self::AuthorizationDeclined => "The sign-in was declined",
            Self::DeviceCodeExpired => "The device code expired before the sign-in was completed",
            Self::SignInExpired => "The sign-in has expired or was revoked",
            Self::ManagedIdentityNotFound => "The managed identity was not found",
            Self::Other => "The sign-in was refused",
        }
    }
}

/// One refusal, with what Microsoft support asks for (trace and correlation ids).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntraError {
    pub kind: EntraErrorKind,
    pub http_status: u16,
    /// The OAuth error code (`invalid_client`, `authorization_pending`, …).
    pub error: String,
    /// The first line of `error_description` (the rest repeats the ids below).
    pub description: String,
    /// `AADSTS7000215`, when the platform gave one.
    pub aadsts: Option<String>,
    pub trace_id: Option<String>,
    pub correlation_id: Option<String>,
}

#[derive(Deserialize, Default)]
struct Body {
    #[serde(default)]
    error: Option<serde_json::Value>,
    #[serde(default)]
    error_description: Option<String>,
    #[serde(default)]
    error_codes: Vec<u64>,
    #[serde(default)]
    trace_id: Option<String>,
    #[serde(default)]
    correlation_id: Option<String>,
    /// App Service's managed identity endpoint: `{"statusCode":400,"message":"…"}`.
    #[serde(default)]
    message: Option<String>,
}

impl EntraError {
    /// Reads an error answer (any body: Entra's JSON, a managed identity endpoint's variant, a
    /// proxy's HTML).
    pub fn from_response(http_status: u16, body: &[u8]) -> Self {
        let parsed: Body = serde_json::from_slice(body).unwrap_or_default();
        let (error, nested_message) = match parsed.error {
            Some(serde_json::Value::String(code)) => (code, None),
            // `{"error":{"code","message"}}` (Graph-style, some managed identity endpoints).
            Some(serde_json::Value::Object(o)) => (
                o.get("code").and_then(|v| v.as_str()).unwrap_or_default().to_owned(),
                o.get("message").and_then(|v| v.as_str()).map(str::to_owned),
            ),
            _ => (String::new(), None),
        };
        let full = parsed.error_description.or(nested_message).or(parsed.message).unwrap_or_else(|| {
            let snippet = body_snippet(body);
            if snippet.is_empty() {
                format!("HTTP {http_status} without an error description")
            } else {
                format!("HTTP {http_status}: {snippet}")
            }
        });
        // Server text: the first line only, cleaned of anything a terminal would act on.
        let description = clean_server_text(full.lines().next().unwrap_or_default()).trim().to_owned();
        let error = clean_server_text(&error);
        let aadsts = aadsts_code(&description).or_else(|| parsed.error_codes.first().map(|n| format!("AADSTS{n}")));
        let kind = classify(aadsts.as_deref(), &error, &description);
        let error = if error.is_empty() { format!("http_{http_status}") } else { error };
        let clean = |id: Option<String>| id.map(|id| clean_server_text(&id));
        Self { kind, http_status, error, description, aadsts, trace_id: clean(parsed.trace_id), correlation_id: clean(parsed.correlation_id) }
    }

    /// The device code flow's "keep polling" answers.
    pub fn is_pending(&self) -> bool {
        self.error == "authorization_pending"
    }

    pub fn is_slow_down(&self) -> bool {
        self.error == "slow_down"
    }
}

impl fmt::Display for EntraError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind.cause(), self.description)?;
        let mut details = vec![format!("HTTP {}", self.http_status), format!("error {}", self.error)];
        if let Some(id) = &self.trace_id {
            details.push(format!("trace id {id}"));
        }
        if let Some(id) = &self.correlation_id {
            details.push(format!("correlation id {id}"));
        }
        write!(f, " ({})", details.join(", "))
    }
}

/// `AADSTS` followed by digits, wherever it appears in the text.
fn aadsts_code(text: &str) -> Option<String> {
    let start = text.find("AADSTS")?;
    let digits: String = text[start + 6..].chars().take_while(char::is_ascii_digit).collect();
    (!digits.is_empty()).then(|| format!("AADSTS{digits}"))
}

fn classify(aadsts: Option<&str>, error: &str, description: &str) -> EntraErrorKind {
    let number = aadsts.and_then(|c| c.trim_start_matches("AADSTS").parse::<u64>().ok());
    let lower = description.to_ascii_lowercase();
    match number {
        Some(7_000_215) => return EntraErrorKind::InvalidClientSecret,
        Some(7_000_222) => return EntraErrorKind::ExpiredClientSecret,
        Some(700_027) if lower.contains("expired") => return EntraErrorKind::CertificateExpired,
        Some(700_027 | 700_024 | 700_023 | 50_012) => return EntraErrorKind::InvalidClientAssertion,
        Some(700_016) => return EntraErrorKind::UnknownClient,
        Some(90_002 | 900_023 | 90_072) => return EntraErrorKind::UnknownTenant,
        Some(65_001 | 65_004 | 650_057) => return EntraErrorKind::ConsentRequired,
        Some(700_082 | 50_173 | 50_133 | 70_043 | 700_084 | 50_078 | 50_076) => return EntraErrorKind::SignInExpired,
        Some(70_019) => return EntraErrorKind::DeviceCodeExpired,
        _ => {}
    }
    match error {
        "authorization_declined" | "access_denied" => EntraErrorKind::AuthorizationDeclined,
        "expired_token" | "code_expired" => EntraErrorKind::DeviceCodeExpired,
        _ if lower.contains("identity not found") || lower.contains("no msi found") || lower.contains("no managed identity") => {
            EntraErrorKind::ManagedIdentityNotFound
        }
        _ => EntraErrorKind::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_entra_errors_and_keeps_the_aadsts_code() {
        let body = br#"{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.\r\nTrace ID: t-1\r\nCorrelation ID: c-1\r\nTimestamp: 2026-01-01 00:00:00Z","error_codes":[7000215],"timestamp":"2026-01-01 00:00:00Z","trace_id":"t-1","correlation_id":"c-1"}"#;
        let e = EntraError::from_response(401, body);
        assert_eq!(e.kind, EntraErrorKind::InvalidClientSecret);
        assert_eq!(e.aadsts.as_deref(), Some("AADSTS7000215"));
        assert_eq!(e.error, "invalid_client");
        assert!(!e.description.contains("Trace ID"));
        let text = e.to_string();
        assert!(text.starts_with("The client secret is wrong: AADSTS7000215: Invalid client secret provided."), "{text}");
        assert!(text.contains("trace id t-1") && text.contains("correlation id c-1") && text.contains("HTTP 401"), "{text}");
    }

    #[test]
    fn classifies_by_code_then_by_oauth_error() {
        let kind = |status, body: &str| EntraError::from_response(status, body.as_bytes()).kind;
        assert_eq!(kind(400, r#"{"error":"invalid_request","error_description":"AADSTS90002: Tenant 'x' not found."}"#), EntraErrorKind::UnknownTenant);
        assert_eq!(kind(400, r#"{"error":"unauthorized_client","error_description":"AADSTS700016: Application with identifier 'a' was not found in the directory 'd'."}"#), EntraErrorKind::UnknownClient);
        assert_eq!(kind(401, r#"{"error":"invalid_client","error_description":"AADSTS700027: Client assertion contains an invalid signature."}"#), EntraErrorKind::InvalidClientAssertion);
        assert_eq!(kind(401, r#"{"error":"invalid_client","error_description":"AADSTS700027: The certificate with identifier used to sign the client assertion is expired on application."}"#), EntraErrorKind::CertificateExpired);
        assert_eq!(kind(400, r#"{"error":"authorization_declined","error_description":"AADSTS70000: The user declined."}"#), EntraErrorKind::AuthorizationDeclined);
        assert_eq!(kind(400, r#"{"error":"expired_token","error_description":"AADSTS70020: The provided value for the input parameter 'device_code' is not valid."}"#), EntraErrorKind::DeviceCodeExpired);
        assert_eq!(kind(400, r#"{"error":"invalid_request","error_description":"Identity not found"}"#), EntraErrorKind::ManagedIdentityNotFound);
        assert_eq!(kind(400, r#"{"statusCode":400,"message":"No MSI found for specified ClientId/ResourceId."}"#), EntraErrorKind::ManagedIdentityNotFound);
        assert_eq!(kind(400, r#"{"error":"invalid_grant","error_codes":[700082],"error_description":"The refresh token has expired"}"#), EntraErrorKind::SignInExpired);
    }

    #[test]
    fn survives_foreign_bodies() {
        let e = EntraError::from_response(502, b"<html>Bad Gateway</html>");
        assert_eq!(e.kind, EntraErrorKind::Other);
        assert_eq!(e.error, "http_502");
        assert!(e.description.contains("Bad Gateway"));
        let empty = EntraError::from_response(500, b"");
        assert_eq!(empty.description, "HTTP 500 without an error description");
    }

    #[test]
    fn recognises_pending_device_code_answers() {
        let e = EntraError::from_response(400, br#"{"error":"authorization_pending","error_description":"AADSTS70016: OAuth 2.0 device flow error. Authorization is pending. Continue polling."}"#);
        assert!(e.is_pending() && !e.is_slow_down());
    }
}
