//! Timestamp formats Graph uses. Kept in one place so every response agrees on precision.

use chrono::{DateTime, SecondsFormat, Utc};

/// 2024-01-01T00:00:00Z: the ValidFrom value every user starts with (and returns to on reset),
/// so tests can tell "never revoked" from "revoked just now".
pub const INITIAL_VALID_FROM: i64 = 1_704_067_200;

pub fn now_unix() -> i64 {
    Utc::now().timestamp()
}

/// `2026-11-27T17:13:51Z`: Graph returns ValidFrom properties with whole seconds.
pub fn graph_timestamp(unix_seconds: i64) -> String {
    DateTime::<Utc>::from_timestamp(unix_seconds, 0)
        .unwrap_or_default()
        .to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// `2026-11-27T17:13:51`: the error envelope's innerError.date has no zone suffix.
pub fn inner_error_date() -> String {
    Utc::now().format("%Y-%m-%dT%H:%M:%S").to_string()
}

/// Millisecond precision for the request log, so tests can order and space requests.
pub fn received_at() -> String {
    Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn initial_timestamp_is_2024() {
        assert_eq!(graph_timestamp(INITIAL_VALID_FROM), "2024-01-01T00:00:00Z");
    }

    #[test]
    fn inner_date_has_no_zone() {
        let d = inner_error_date();
        assert_eq!(d.len(), 19);
        assert!(!d.ends_with('Z'));
    }
}
