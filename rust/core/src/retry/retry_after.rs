//! Reading `Retry-After` as Graph sends it: seconds (fractional ones such as `2.128` included)
//! or an HTTP date. Kiota-based SDKs read only whole numbers; we must not be that client.

use std::time::{Duration, SystemTime};

/// Longest wait we accept from a header; beyond it the value is treated as this cap, so a
/// broken proxy cannot park an incident response for hours.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(300);

/// Parses a `Retry-After` value relative to `now` (the wall clock, for HTTP dates).
/// Returns `None` for values that are neither form.
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<f64>() {
        if !seconds.is_finite() || seconds < 0.0 {
            return None;
        }
        return Some(Duration::from_secs_f64(seconds.min(MAX_RETRY_AFTER.as_secs_f64())));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    let wait = at.duration_since(now).unwrap_or(Duration::ZERO);
    Some(wait.min(MAX_RETRY_AFTER))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_whole_and_fractional_seconds() {
        let now = SystemTime::UNIX_EPOCH;
        assert_eq!(parse_retry_after("5", now), Some(Duration::from_secs(5)));
        assert_eq!(parse_retry_after("2.128", now), Some(Duration::from_millis(2128)));
        assert_eq!(parse_retry_after(" 0.047 ", now), Some(Duration::from_millis(47)));
        assert_eq!(parse_retry_after("0", now), Some(Duration::ZERO));
    }

    #[test]
    fn reads_http_dates_relative_to_now() {
        let now = httpdate::parse_http_date("Fri, 27 Nov 2026 17:00:00 GMT").unwrap();
        assert_eq!(parse_retry_after("Fri, 27 Nov 2026 17:00:07 GMT", now), Some(Duration::from_secs(7)));
        assert_eq!(parse_retry_after("Fri, 27 Nov 2026 16:59:00 GMT", now), Some(Duration::ZERO));
    }

    #[test]
    fn rejects_garbage_and_caps_huge_values() {
        let now = SystemTime::UNIX_EPOCH;
        for bad in ["", "soon", "-1", "NaN", "inf"] {
            assert_eq!(parse_retry_after(bad, now), None, "{bad}");
        }
        assert_eq!(parse_retry_after("86400", now), Some(MAX_RETRY_AFTER));
    }
}
