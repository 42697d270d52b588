//! Facts the C# layer must agree with, generated into `cmdlets/Native/Contract.g.cs` by
//! entra-bindgen so they are written once, here (values from entra-core). C# needs them as
//! compile-time constants (PowerShell's `[ValidateRange]` and `PSDefaultValue` take only
//! constants), which interoptopus 0.16's C# backend does not emit for `#[ffi]` constants.

use entra_core::engine::{DEFAULT_THROTTLE_LIMIT, MAX_RETRY_LIMIT, MAX_THROTTLE_LIMIT, MIN_THROTTLE_LIMIT};
use entra_core::http::DEFAULT_REQUEST_TIMEOUT;
use entra_core::retry::policy::DEFAULT_MAX_RETRIES;
use entra_core::outcome::FailureKind as CoreFailureKind;
use entra_core::users::query::DEFAULT_PROPERTIES;
use serde::Serialize;

/// Why an operation failed, as both sides know it: outcome documents carry the name (so the
/// JSON and the summary's `failedByKind` stay readable), and entra-bindgen renders the enum with
/// these discriminants as C#'s `FailureKind`, which GraphErrorRecords maps to error ids.
/// The numbers are stable, as rustls-ffi keeps its error codes: never renumber a kind; a
/// retired kind keeps its number reserved (leave a gap).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[repr(i32)]
pub enum FailureKind {
    InvalidArgument = 1,
    BadRequest = 2,
    Authentication = 3,
    PermissionDenied = 4,
    NotFound = 5,
    Throttled = 6,
    Unavailable = 7,
    Cancelled = 8,
    Other = 9,
    /// Revoke-EntraSignedInUserAllRefreshToken on a connection without a signed-in user
    /// (app-only token): decided by the FFI crate before any request, so not a core kind.
    DelegatedSignInRequired = 10,
}

impl FailureKind {
    /// Every kind, in discriminant order (the generated C# enum lists them so).
    pub const ALL: [Self; 10] = [
        Self::InvalidArgument,
        Self::BadRequest,
        Self::Authentication,
        Self::PermissionDenied,
        Self::NotFound,
        Self::Throttled,
        Self::Unavailable,
        Self::Cancelled,
        Self::Other,
        Self::DelegatedSignInRequired,
    ];

    /// The name in the JSON documents and the C# enum member's name.
    pub const fn name(self) -> &'static str {
        match self {
            Self::InvalidArgument => "InvalidArgument",
            Self::BadRequest => "BadRequest",
            Self::Authentication => "Authentication",
            Self::PermissionDenied => "PermissionDenied",
            Self::NotFound => "NotFound",
            Self::Throttled => "Throttled",
            Self::Unavailable => "Unavailable",
            Self::Cancelled => "Cancelled",
            Self::Other => "Other",
            Self::DelegatedSignInRequired => "DelegatedSignInRequired",
        }
    }

    /// The C# enum value.
    pub const fn code(self) -> i32 {
        self as i32
    }

    /// The enum as entra-bindgen renders it.
    pub fn pinned() -> PinnedEnum {
        PinnedEnum {
            name: "FailureKind",
            doc: "Why an operation failed (rust/ffi/src/contract.rs). The values are stable: never renumbered.",
            members: Self::ALL.iter().map(|kind| (kind.name(), kind.code(), kind.doc())).collect(),
        }
    }

    /// What the generated C# says about the kind.
    pub const fn doc(self) -> &'static str {
        match self {
            Self::InvalidArgument => "The input was refused before any request: not a user identifier, or a query Graph would refuse.",
            Self::BadRequest => "Graph answered 400.",
            Self::Authentication => "Graph did not accept the token (401).",
            Self::PermissionDenied => "The token lacks a permission (403).",
            Self::NotFound => "No such user (404).",
            Self::Throttled => "Graph kept throttling (429) after all retries.",
            Self::Unavailable => "Graph or the network failed (5xx, timeout, connection) after all retries.",
            Self::Cancelled => "The operation was stopped (Ctrl+C) before its outcome was known.",
            Self::Other => "Any other failure.",
            Self::DelegatedSignInRequired => "The signed-in revocation on a connection without a signed-in user (app-only token); nothing was sent.",
        }
    }
}

impl From<CoreFailureKind> for FailureKind {
    fn from(kind: CoreFailureKind) -> Self {
        match kind {
            CoreFailureKind::InvalidArgument => Self::InvalidArgument,
            CoreFailureKind::BadRequest => Self::BadRequest,
            CoreFailureKind::Authentication => Self::Authentication,
            CoreFailureKind::PermissionDenied => Self::PermissionDenied,
            CoreFailureKind::NotFound => Self::NotFound,
            CoreFailureKind::Throttled => Self::Throttled,
            CoreFailureKind::Unavailable => Self::Unavailable,
            CoreFailureKind::Cancelled => Self::Cancelled,
            CoreFailureKind::Other => Self::Other,
        }
    }
}

/// What the signed-in revocation answers for an app-only connection.
pub const DELEGATED_SIGN_IN_REQUIRED_MESSAGE: &str =
    "The connection has no signed-in user: it uses an app-only token (client credentials or managed identity), and /me needs a delegated sign-in.";

/// `DEFAULT_PROPERTIES` joined with ", " (a test keeps the two equal: const fns cannot join).
const DEFAULT_PROPERTIES_TEXT: &str = "id, displayName, userPrincipalName, mail, userType, accountEnabled, givenName, surname, jobTitle";

/// The range Connect-Entra accepts for -ClientTimeout: Connect-MgGraph's. (The settings document
/// is read more widely, `ConnectSettingsDto::http_settings`, only bounding what a Duration holds.)
const MIN_CLIENT_TIMEOUT_SECONDS: i64 = 1;
const MAX_CLIENT_TIMEOUT_SECONDS: i64 = 3600;

/// An enum both sides know by name and stable number, as entra-bindgen renders it into
/// `Contract.g.cs`: (member name, discriminant, what it means) per member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PinnedEnum {
    pub name: &'static str,
    pub doc: &'static str,
    pub members: Vec<(&'static str, i32, &'static str)>,
}

/// Every pinned enum, in the order the generated file lists them.
pub fn pinned_enums() -> Vec<PinnedEnum> {
    vec![FailureKind::pinned(), crate::sign_in_failure::SignInFailureKind::pinned()]
}

/// One named fact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContractItem {
    pub name: &'static str,
    pub doc: &'static str,
    pub value: ContractValue,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContractValue {
    Int(i64),
    Text(&'static str),
    TextList(&'static [&'static str]),
}

/// Every fact, in the order the generated file lists them.
pub fn contract() -> Vec<ContractItem> {
    use ContractValue::{Int, Text, TextList};
    let item = |name, doc, value| ContractItem { name, doc, value };
    vec![
        item("MinThrottleLimit", "-ThrottleLimit's lowest value.", Int(to_i64(MIN_THROTTLE_LIMIT))),
        item("MaxThrottleLimit", "-ThrottleLimit's highest value.", Int(to_i64(MAX_THROTTLE_LIMIT))),
        item("DefaultThrottleLimit", "-ThrottleLimit when not given.", Int(to_i64(DEFAULT_THROTTLE_LIMIT))),
        item("MinMaxRetry", "-MaxRetry's lowest value (no retry).", Int(0)),
        item("MaxMaxRetry", "-MaxRetry's highest value.", Int(i64::from(MAX_RETRY_LIMIT))),
        item("DefaultMaxRetry", "-MaxRetry when not given.", Int(i64::from(DEFAULT_MAX_RETRIES))),
        item("MinClientTimeoutSeconds", "Connect-Entra -ClientTimeout's lowest value (seconds per request).", Int(MIN_CLIENT_TIMEOUT_SECONDS)),
        item("MaxClientTimeoutSeconds", "Connect-Entra -ClientTimeout's highest value (seconds per request), as Connect-MgGraph's.", Int(MAX_CLIENT_TIMEOUT_SECONDS)),
        item("DefaultClientTimeoutSeconds", "Connect-Entra -ClientTimeout when not given (seconds per request).", Int(i64::try_from(DEFAULT_REQUEST_TIMEOUT.as_secs()).unwrap_or(i64::MAX))),
        item("DefaultUserProperties", "The properties Get-EntraUser reads when -Property is not given.", TextList(DEFAULT_PROPERTIES)),
        item("DefaultUserPropertiesText", "DefaultUserProperties as the help shows them (a constant, for [PSDefaultValue]).", Text(DEFAULT_PROPERTIES_TEXT)),
    ]
}

/// `serde(default)` of every options document's `maxRetry` (-MaxRetry not given).
pub(crate) fn default_max_retry() -> u32 {
    DEFAULT_MAX_RETRIES
}

fn to_i64(value: usize) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_csharp_identifiers() {
        let items = contract();
        let mut names: Vec<&str> = items.iter().map(|i| i.name).collect();
        assert!(names.iter().all(|n| n.chars().next().is_some_and(|c| c.is_ascii_uppercase()) && n.chars().all(|c| c.is_ascii_alphanumeric())));
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), items.len());
    }

    #[test]
    fn failure_kind_discriminants_are_pinned() {
        // Renumbering would silently change what compiled scripts and older bindings mean by a value.
        let pinned = [
            ("InvalidArgument", 1),
            ("BadRequest", 2),
            ("Authentication", 3),
            ("PermissionDenied", 4),
            ("NotFound", 5),
            ("Throttled", 6),
            ("Unavailable", 7),
            ("Cancelled", 8),
            ("Other", 9),
            ("DelegatedSignInRequired", 10),
        ];
        assert_eq!(FailureKind::ALL.map(|k| (k.name(), k.code())), pinned);
    }

    #[test]
    fn failure_kinds_serialize_as_their_names() {
        for kind in FailureKind::ALL {
            assert_eq!(serde_json::to_value(kind).expect("kind json"), serde_json::Value::from(kind.name()), "{kind:?}");
        }
    }

    #[test]
    fn the_default_properties_text_lists_the_default_properties() {
        assert_eq!(DEFAULT_PROPERTIES_TEXT, DEFAULT_PROPERTIES.join(", "));
    }

    #[test]
    fn ranges_contain_their_defaults() {
        let int = |name: &str| match contract().into_iter().find(|i| i.name == name).map(|i| i.value) {
            Some(ContractValue::Int(v)) => v,
            other => panic!("{name}: {other:?}"),
        };
        assert!((int("MinThrottleLimit")..=int("MaxThrottleLimit")).contains(&int("DefaultThrottleLimit")));
        assert!((int("MinMaxRetry")..=int("MaxMaxRetry")).contains(&int("DefaultMaxRetry")));
        assert!((int("MinClientTimeoutSeconds")..=int("MaxClientTimeoutSeconds")).contains(&int("DefaultClientTimeoutSeconds")));
    }
}
