//! Retry-After values: written as fractional seconds (Graph does send `2.128`), read back in
//! either seconds or HTTP-date form.

use std::time::{Duration, SystemTime};

/// Seconds with at most 3 decimals, rounded UP to the millisecond so a client that waits
/// exactly this long is never early; at least 0.001.
pub fn format_seconds(wait: Duration) -> String {
    let millis = wait.as_nanos().div_ceil(1_000_000).max(1);
    let whole = millis / 1000;
    let frac = millis % 1000;
    if frac == 0 {
        whole.to_string()
    } else {
        format!("{whole}.{frac:03}").trim_end_matches('0').to_string()
    }
}

/// How long a Retry-After value asks the client to wait; None when it cannot be read.
pub fn parse(value: &str) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<f64>() {
        return (seconds.is_finite() && seconds >= 0.0).then(|| Duration::from_secs_f64(seconds));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(SystemTime::now()).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_round_up_to_milliseconds() {
        assert_eq!(format_seconds(Duration::from_micros(46_001)), "0.047");
        assert_eq!(format_seconds(Duration::from_millis(47)), "0.047");
        assert_eq!(format_seconds(Duration::from_millis(1500)), "1.5");
        assert_eq!(format_seconds(Duration::from_secs(2)), "2");
        assert_eq!(format_seconds(Duration::ZERO), "0.001");
        assert_eq!(format_seconds(Duration::from_millis(2128)), "2.128");
    }

    #[test]
    fn parses_seconds_and_dates() {
        assert_eq!(parse("2.128"), Some(Duration::from_millis(2128)));
        assert_eq!(parse("5"), Some(Duration::from_secs(5)));
        assert_eq!(parse("soon"), None);
        assert_eq!(parse("-1"), None);
        let later = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(30));
        let d = parse(&later).unwrap();
        assert!(d > Duration::from_secs(28) && d <= Duration::from_secs(30));
    }
}
