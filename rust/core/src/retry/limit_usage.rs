//! Reading `x-ms-throttle-limit-percentage`: how much of one of its limits the caller has used,
//! which Graph documents as sent once an app passes 80 % of a limit (values 0.8 to 1.8). It is
//! reported missing in practice, even while 429s came, so it only ever refines the pacing that
//! Retry-After and the spacing of successes drive (`pacer`); nothing waits for it.

/// The response header (on a `$batch`, in each item's headers).
pub const HEADER: &str = "x-ms-throttle-limit-percentage";

/// The share of the limit used, in percent (`0.85` → 85), or None for a value that is not a
/// plausible share (negative, not a number, beyond ten times the limit).
pub fn parse_limit_used(value: &str) -> Option<u16> {
    let share = value.trim().parse::<f64>().ok()?;
    (share.is_finite() && (0.0..=10.0).contains(&share)).then(|| (share * 100.0).round() as u16)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_share_graph_documents_as_percent() {
        assert_eq!(parse_limit_used("0.8"), Some(80));
        assert_eq!(parse_limit_used(" 0.955 "), Some(96));
        assert_eq!(parse_limit_used("1.8"), Some(180));
    }

    #[test]
    fn ignores_values_that_are_no_share() {
        for value in ["", "high", "-0.5", "NaN", "inf", "11", "80%"] {
            assert_eq!(parse_limit_used(value), None, "{value:?}");
        }
    }
}
