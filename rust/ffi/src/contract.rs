//! Facts the C# layer must agree with, generated into `cmdlets/Native/Contract.g.cs` by
//! entra-bindgen so they are written once, here (values from entra-core). C# needs them as
//! compile-time constants (PowerShell's `[ValidateRange]` and `PSDefaultValue` take only
//! constants), which interoptopus 0.16's C# backend does not emit for `#[ffi]` constants.

use entra_core::engine::{DEFAULT_THROTTLE_LIMIT, MAX_RETRY_LIMIT, MAX_THROTTLE_LIMIT, MIN_THROTTLE_LIMIT};
use entra_core::http::DEFAULT_REQUEST_TIMEOUT;
use entra_core::retry::policy::DEFAULT_MAX_RETRIES;
use entra_core::users::query::DEFAULT_PROPERTIES;

/// The failure kind of Revoke-EntraSignedInUserAllRefreshToken on a connection that has no
/// signed-in user (app-only token); C# gives it its own error id.
pub const DELEGATED_SIGN_IN_REQUIRED_KIND: &str = "DelegatedSignInRequired";

/// What the signed-in revocation answers for an app-only connection.
pub const DELEGATED_SIGN_IN_REQUIRED_MESSAGE: &str =
    "The connection has no signed-in user: it uses an app-only token (client credentials or managed identity), and /me needs a delegated sign-in.";

/// `DEFAULT_PROPERTIES` joined with ", " (a test keeps the two equal: const fns cannot join).
const DEFAULT_PROPERTIES_TEXT: &str = "id, displayName, userPrincipalName, mail, userType, accountEnabled, givenName, surname, jobTitle";

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
        item("DefaultClientTimeoutSeconds", "Connect-Entra -ClientTimeout when not given (seconds per request).", Int(i64::try_from(DEFAULT_REQUEST_TIMEOUT.as_secs()).unwrap_or(i64::MAX))),
        item("DefaultUserProperties", "The properties Get-EntraUser reads when -Property is not given.", TextList(DEFAULT_PROPERTIES)),
        item("DefaultUserPropertiesText", "DefaultUserProperties as the help shows them (a constant, for [PSDefaultValue]).", Text(DEFAULT_PROPERTIES_TEXT)),
        item("DelegatedSignInRequiredKind", "The failure kind of a signed-in revocation on an app-only connection.", Text(DELEGATED_SIGN_IN_REQUIRED_KIND)),
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
    }
}
