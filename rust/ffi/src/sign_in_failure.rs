//! Why a sign-in failed, as both sides know it: the sign-in answer carries the kind's name, and
//! entra-bindgen renders the enum with these discriminants as C#'s `SignInFailureKind`, which
//! `SignInErrors` maps to a category and advice. The member names are Connect-Entra's error ids.
//! The numbers are stable, as `FailureKind`'s: never renumber; a retired kind keeps its number.

use crate::contract::PinnedEnum;
use entra_core::auth::AuthError;
use entra_core::auth::entra_error::EntraErrorKind;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[repr(i32)]
pub enum SignInFailureKind {
    InvalidClientSecret = 1,
    ExpiredClientSecret = 2,
    InvalidClientAssertion = 3,
    CertificateExpired = 4,
    UnknownClient = 5,
    UnknownTenant = 6,
    ConsentRequired = 7,
    AuthorizationDeclined = 8,
    DeviceCodeExpired = 9,
    SignInExpired = 10,
    ManagedIdentityNotFound = 11,
    SignInRefused = 12,
    CannotRefresh = 13,
    SignInFailed = 14,
    Unavailable = 15,
    InvalidCredential = 16,
    RejectedAfterRenewal = 17,
    Cancelled = 18,
    /// The native library failed (a caught panic) or gave no answer.
    Internal = 19,
}

impl SignInFailureKind {
    /// Every kind, in discriminant order.
    pub const ALL: [Self; 19] = [
        Self::InvalidClientSecret,
        Self::ExpiredClientSecret,
        Self::InvalidClientAssertion,
        Self::CertificateExpired,
        Self::UnknownClient,
        Self::UnknownTenant,
        Self::ConsentRequired,
        Self::AuthorizationDeclined,
        Self::DeviceCodeExpired,
        Self::SignInExpired,
        Self::ManagedIdentityNotFound,
        Self::SignInRefused,
        Self::CannotRefresh,
        Self::SignInFailed,
        Self::Unavailable,
        Self::InvalidCredential,
        Self::RejectedAfterRenewal,
        Self::Cancelled,
        Self::Internal,
    ];

    /// What the generated C# says about the kind.
    pub const fn doc(self) -> &'static str {
        match self {
            Self::InvalidClientSecret => "Entra refused the client secret (AADSTS7000215: not one of the app's secrets, or the secret's id).",
            Self::ExpiredClientSecret => "The client secret has expired (AADSTS7000222).",
            Self::InvalidClientAssertion => "The certificate's signed assertion did not verify against the app's certificates.",
            Self::CertificateExpired => "The certificate registered on the app has expired.",
            Self::UnknownClient => "No such application in the tenant (AADSTS700016).",
            Self::UnknownTenant => "No such tenant (AADSTS90002, AADSTS900023).",
            Self::ConsentRequired => "Consent or a permission is missing for what was asked (AADSTS65001 and friends).",
            Self::AuthorizationDeclined => "The user declined the device code sign-in.",
            Self::DeviceCodeExpired => "The device code expired before the user signed in.",
            Self::SignInExpired => "The refresh token expired or was revoked: sign in again.",
            Self::ManagedIdentityNotFound => "The managed identity endpoint knows no identity with that client id (or none at all).",
            Self::SignInRefused => "Anything else the identity platform refused.",
            Self::CannotRefresh => "The access token was rejected and cannot be renewed (it was given, not obtained).",
            Self::SignInFailed => "The identity platform failed without a typed answer.",
            Self::Unavailable => "The identity platform or managed identity endpoint could not be reached, or kept failing.",
            Self::InvalidCredential => "A credential given cannot be used (a key that is not RSA, a certificate that does not match its key, a malformed endpoint or tenant).",
            Self::RejectedAfterRenewal => "Graph rejected a renewed token before it ever worked.",
            Self::Cancelled => "The sign-in was stopped (Ctrl+C).",
            Self::Internal => "The native library failed or gave no answer.",
        }
    }

    /// The enum as entra-bindgen renders it.
    pub fn pinned() -> PinnedEnum {
        PinnedEnum {
            name: "SignInFailureKind",
            doc: "Why a sign-in failed (rust/ffi/src/sign_in_failure.rs); the member names are Connect-Entra's error ids. The values are stable: never renumbered.",
            members: Self::ALL.iter().map(|kind| (kind.name(), *kind as i32, kind.doc())).collect(),
        }
    }

    /// The name in the JSON answer, the C# member's name and the error id.
    pub fn name(self) -> &'static str {
        match self {
            Self::InvalidClientSecret => "InvalidClientSecret",
            Self::ExpiredClientSecret => "ExpiredClientSecret",
            Self::InvalidClientAssertion => "InvalidClientAssertion",
            Self::CertificateExpired => "CertificateExpired",
            Self::UnknownClient => "UnknownClient",
            Self::UnknownTenant => "UnknownTenant",
            Self::ConsentRequired => "ConsentRequired",
            Self::AuthorizationDeclined => "AuthorizationDeclined",
            Self::DeviceCodeExpired => "DeviceCodeExpired",
            Self::SignInExpired => "SignInExpired",
            Self::ManagedIdentityNotFound => "ManagedIdentityNotFound",
            Self::SignInRefused => "SignInRefused",
            Self::CannotRefresh => "CannotRefresh",
            Self::SignInFailed => "SignInFailed",
            Self::Unavailable => "Unavailable",
            Self::InvalidCredential => "InvalidCredential",
            Self::RejectedAfterRenewal => "RejectedAfterRenewal",
            Self::Cancelled => "Cancelled",
            Self::Internal => "Internal",
        }
    }
}

/// Exhaustive both ways: a kind added in entra-core does not compile here until it has a name.
impl From<&AuthError> for SignInFailureKind {
    fn from(error: &AuthError) -> Self {
        match error {
            AuthError::CannotRefresh => Self::CannotRefresh,
            AuthError::SignInFailed(_) => Self::SignInFailed,
            AuthError::Refused(refused) => match refused.kind {
                EntraErrorKind::InvalidClientSecret => Self::InvalidClientSecret,
                EntraErrorKind::ExpiredClientSecret => Self::ExpiredClientSecret,
                EntraErrorKind::InvalidClientAssertion => Self::InvalidClientAssertion,
                EntraErrorKind::CertificateExpired => Self::CertificateExpired,
                EntraErrorKind::UnknownClient => Self::UnknownClient,
                EntraErrorKind::UnknownTenant => Self::UnknownTenant,
                EntraErrorKind::ConsentRequired => Self::ConsentRequired,
                EntraErrorKind::AuthorizationDeclined => Self::AuthorizationDeclined,
                EntraErrorKind::DeviceCodeExpired => Self::DeviceCodeExpired,
                EntraErrorKind::SignInExpired => Self::SignInExpired,
                EntraErrorKind::ManagedIdentityNotFound => Self::ManagedIdentityNotFound,
                EntraErrorKind::Other => Self::SignInRefused,
            },
            AuthError::Unavailable(_) => Self::Unavailable,
            AuthError::InvalidCredential(_) => Self::InvalidCredential,
            AuthError::RejectedAfterRenewal => Self::RejectedAfterRenewal,
            AuthError::Cancelled => Self::Cancelled,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn discriminants_and_names_are_pinned() {
        // The names are Connect-Entra's error ids, the numbers what compiled scripts compare.
        let pinned = [
            ("InvalidClientSecret", 1),
            ("ExpiredClientSecret", 2),
            ("InvalidClientAssertion", 3),
            ("CertificateExpired", 4),
            ("UnknownClient", 5),
            ("UnknownTenant", 6),
            ("ConsentRequired", 7),
            ("AuthorizationDeclined", 8),
            ("DeviceCodeExpired", 9),
            ("SignInExpired", 10),
            ("ManagedIdentityNotFound", 11),
            ("SignInRefused", 12),
            ("CannotRefresh", 13),
            ("SignInFailed", 14),
            ("Unavailable", 15),
            ("InvalidCredential", 16),
            ("RejectedAfterRenewal", 17),
            ("Cancelled", 18),
            ("Internal", 19),
        ];
        assert_eq!(SignInFailureKind::ALL.map(|k| (k.name(), k as i32)), pinned);
    }

    #[test]
    fn kinds_serialize_as_their_names() {
        for kind in SignInFailureKind::ALL {
            assert_eq!(serde_json::to_value(kind).expect("kind json"), serde_json::Value::from(kind.name()), "{kind:?}");
        }
    }

    #[test]
    fn entras_refusals_keep_their_kind_and_anything_else_it_refused_is_sign_in_refused() {
        let refused = |kind| {
            AuthError::Refused(entra_core::auth::entra_error::EntraError {
                kind,
                http_status: 401,
                error: "invalid_client".to_owned(),
                description: "refused".to_owned(),
                aadsts: None,
                trace_id: None,
                correlation_id: None,
            })
        };
        assert_eq!(SignInFailureKind::from(&refused(EntraErrorKind::ExpiredClientSecret)), SignInFailureKind::ExpiredClientSecret);
        assert_eq!(SignInFailureKind::from(&refused(EntraErrorKind::Other)), SignInFailureKind::SignInRefused);
        assert_eq!(SignInFailureKind::from(&AuthError::Unavailable("down".to_owned())), SignInFailureKind::Unavailable);
    }
}
