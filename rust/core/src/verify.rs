//! -Verify: whether the directory confirms a revocation. Graph's `revokeSignInSessions` answers
//! `{"value": true}` whatever happens (also for external guests, whose sessions live in their
//! home tenant), so the proof is the user's record read back: `signInSessionsValidFromDateTime`
//! ("tokens issued before this time are invalid") must not be earlier than the moment the
//! revocation was sent. The rule, its clock skew and every warning text live here, once.

use crate::outcome::{Failure, FailureKind};
use crate::text::clean_server_text;
use chrono::{DateTime, SecondsFormat, TimeDelta, Utc};
use serde::Deserialize;
use std::time::Duration;

/// How much earlier than our own clock the directory's time may be and still count as "moved
/// by this revocation". The comparison is between this machine's clock (when the request was
/// sent) and the directory's (when it took the change), and Graph keeps whole seconds.
/// Microsoft advises a minute of skew before testing a revoked token; we allow 5 minutes, the
/// tolerance Kerberos demands of every domain-joined machine's clock, so an admin workstation
/// whose clock drifts a little never reports a revocation that took as unverified (a false
/// alarm in an incident costs more than it proves). What it cannot hide: a record that moved
/// less than 5 minutes before this revocation (an earlier revocation of the same user) reads as
/// verified even if this one did not take; that record still revoked everything issued before it.
pub const CLOCK_SKEW: Duration = Duration::from_secs(5 * 60);

/// The least privileged permission Graph documents for reading a user's
/// `signInSessionsValidFromDateTime` (Get user: User.Read.All; Directory.Read.All and the
/// ReadWrite permissions also work; User.ReadBasic.All does not include this property).
pub const READ_PERMISSION: &str = "User.Read.All";

/// What the read asks for: the property, and what the warnings name the user by.
pub const SELECT: &str = "id,userPrincipalName,userType,signInSessionsValidFromDateTime";

/// The rule: the directory's `signInSessionsValidFromDateTime` is not earlier than the moment
/// the revocation was sent, less the clock skew.
pub fn is_verified(valid_from: DateTime<Utc>, sent_at: DateTime<Utc>) -> bool {
    let skew = TimeDelta::from_std(CLOCK_SKEW).unwrap_or(TimeDelta::zero());
    valid_from >= sent_at - skew
}

/// The user's record as read back after a successful revocation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadBack {
    /// The directory's `signInSessionsValidFromDateTime` (None: Graph did not send it).
    pub valid_from: Option<DateTime<Utc>>,
    pub sent_at: DateTime<Utc>,
    pub user_principal_name: Option<String>,
    /// userType Guest, or an `#EXT#` UPN: an external account whose sessions live elsewhere.
    pub external: bool,
}

/// What -Verify found for one successfully revoked user.
#[derive(Debug, Clone)]
pub enum Verification {
    Read(ReadBack),
    /// The read got no usable answer (after its retries, or the run was stopped). The
    /// revocation itself succeeded: this never turns the outcome into a failure.
    ReadFailed(Failure),
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct UserRecord {
    user_principal_name: Option<String>,
    user_type: Option<String>,
    sign_in_sessions_valid_from_date_time: Option<DateTime<Utc>>,
}

impl Verification {
    /// Reads Graph's answer to the read (`GET users/{id}?$select=…`).
    pub fn from_answer(body: &[u8], sent_at: DateTime<Utc>) -> Self {
        let record: Option<UserRecord> = serde_json::from_slice(body).ok();
        let (upn, user_type, valid_from) = match record {
            Some(r) => (r.user_principal_name, r.user_type, r.sign_in_sessions_valid_from_date_time),
            None => (None, None, None),
        };
        let upn = upn.map(|u| clean_server_text(&u));
        let external = user_type.is_some_and(|t| t.eq_ignore_ascii_case("Guest")) || upn.as_deref().is_some_and(|u| u.to_ascii_uppercase().contains("#EXT#"));
        Self::Read(ReadBack { valid_from, sent_at, user_principal_name: upn, external })
    }

    pub fn verified(&self) -> bool {
        match self {
            Self::Read(read) => read.valid_from.is_some_and(|t| is_verified(t, read.sent_at)),
            Self::ReadFailed(_) => false,
        }
    }

    pub fn valid_from(&self) -> Option<DateTime<Utc>> {
        match self {
            Self::Read(read) => read.valid_from,
            Self::ReadFailed(_) => None,
        }
    }

    /// The warning an unverified user gets (None when verified), naming the user as given.
    pub fn warning(&self, input: &str) -> Option<String> {
        if self.verified() {
            return None;
        }
        let prefix = format!("The sessions of '{input}' were revoked (Graph answered success), but the directory does not confirm it");
        Some(match self {
            Self::Read(ReadBack { valid_from: None, .. }) => {
                format!("{prefix}: Graph's answer did not include the user's signInSessionsValidFromDateTime.")
            }
            Self::Read(ReadBack { valid_from: Some(t), sent_at, user_principal_name, external }) => {
                let record = format!(
                    "its signInSessionsValidFromDateTime is {}, earlier than the revocation ({})",
                    t.to_rfc3339_opts(SecondsFormat::Secs, true),
                    sent_at.to_rfc3339_opts(SecondsFormat::Secs, true)
                );
                if *external {
                    let upn = user_principal_name.as_deref().unwrap_or(input);
                    format!("{prefix}: {record}. '{upn}' is an external (guest) account: its sessions live in its home tenant and are not affected here; revoke them in the home tenant.")
                } else {
                    format!("{prefix}: {record}. The directory did not take the change; revoke again, and check the account.")
                }
            }
            Self::ReadFailed(Failure::Cancelled) => format!("{prefix}: the run was stopped before the user's record was read."),
            Self::ReadFailed(failure) if failure.kind() == FailureKind::PermissionDenied => format!(
                "{prefix}: reading the user's signInSessionsValidFromDateTime needs the {READ_PERMISSION} permission (delegated or application), which this connection lacks ({}).",
                failure.message()
            ),
            Self::ReadFailed(failure) => format!("{prefix}: reading the user's record failed: {}", failure.message()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph_error::{GraphError, ResponseIds};

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn the_rule_allows_exactly_the_clock_skew() {
        let sent = at("2026-12-02T10:00:00.700Z");
        assert!(is_verified(at("2026-12-02T10:00:01Z"), sent), "later");
        assert!(is_verified(at("2026-12-02T10:00:00Z"), sent), "Graph keeps whole seconds");
        assert!(is_verified(at("2026-12-02T09:55:00.700Z"), sent), "exactly the skew earlier");
        assert!(!is_verified(at("2026-12-02T09:55:00.699Z"), sent), "just beyond the skew");
        assert!(!is_verified(at("2024-01-01T00:00:00Z"), sent), "a record that never moved");
        assert_eq!(CLOCK_SKEW, Duration::from_secs(300));
    }

    #[test]
    fn a_moved_member_is_verified_without_warning() {
        let body = br#"{"id":"x","userPrincipalName":"AdeleV@contoso.com","userType":"Member","signInSessionsValidFromDateTime":"2026-12-02T10:00:01Z"}"#;
        let v = Verification::from_answer(body, at("2026-12-02T10:00:00Z"));
        assert!(v.verified());
        assert_eq!(v.valid_from(), Some(at("2026-12-02T10:00:01Z")));
        assert_eq!(v.warning("AdeleV@contoso.com"), None);
    }

    #[test]
    fn a_guest_whose_record_stayed_is_not_verified_and_told_to_revoke_at_home() {
        let body = br#"{"userPrincipalName":"jane_fabrikam.com#EXT#@contoso.onmicrosoft.com","userType":"Guest","signInSessionsValidFromDateTime":"2024-01-01T00:00:00Z"}"#;
        let v = Verification::from_answer(body, at("2026-12-02T10:00:00Z"));
        assert!(!v.verified());
        let warning = v.warning("c0ffee00").unwrap();
        assert!(warning.contains("'c0ffee00'") && warning.contains("external (guest)") && warning.contains("home tenant"), "{warning}");
        // An #EXT# UPN is external even when userType says otherwise.
        let ext = Verification::from_answer(br#"{"userPrincipalName":"a#ext#@x.com","signInSessionsValidFromDateTime":"2024-01-01T00:00:00Z"}"#, at("2026-12-02T10:00:00Z"));
        assert!(ext.warning("a").unwrap().contains("guest"));
    }

    #[test]
    fn a_member_whose_record_stayed_or_a_missing_property_is_not_verified() {
        let stayed = Verification::from_answer(br#"{"userType":"Member","signInSessionsValidFromDateTime":"2024-01-01T00:00:00Z"}"#, at("2026-12-02T10:00:00Z"));
        assert!(stayed.warning("a@x.com").unwrap().contains("did not take the change"));
        for body in [&br#"{"id":"x"}"#[..], br#"{"signInSessionsValidFromDateTime":null}"#, b"not json"] {
            let v = Verification::from_answer(body, at("2026-12-02T10:00:00Z"));
            assert!(!v.verified());
            assert!(v.warning("a@x.com").unwrap().contains("did not include"));
        }
    }

    #[test]
    fn a_refused_read_names_the_permission() {
        let error = GraphError::from_response(403, br#"{"error":{"code":"Authorization_RequestDenied","message":"Insufficient privileges to complete the operation."}}"#, &ResponseIds::default());
        let v = Verification::ReadFailed(Failure::Graph { error, retries_exhausted: false });
        let warning = v.warning("a@x.com").unwrap();
        assert!(warning.contains(READ_PERMISSION) && warning.contains("Authorization_RequestDenied"), "{warning}");
        assert!(Verification::ReadFailed(Failure::Cancelled).warning("a@x.com").unwrap().contains("stopped"));
    }
}
