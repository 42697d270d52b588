//! Run-time fault and throttling configuration (`/_emulator/config`). Everything is off by
//! default so a plain emulator behaves like a healthy Graph.

use crate::retry_after::format_seconds;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;
use std::time::Duration;

/// `rateLimitRetryAfter`'s value for whole seconds.
const WHOLE_SECONDS: &str = "wholeSeconds";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FaultConfig {
    /// Added to every Graph request (a `$batch` once) before it is answered.
    pub latency_ms: u64,
    /// Uniform extra latency in `0..=latencyJitterMs`.
    pub latency_jitter_ms: u64,
    pub rate429: f64,
    /// Sent verbatim as Retry-After with injected 429s; null sends none.
    #[serde(deserialize_with = "string_or_number")]
    pub retry_after429: Option<String>,
    pub rate503: f64,
    #[serde(deserialize_with = "string_or_number")]
    pub retry_after503: Option<String>,
    pub rate504: f64,
    /// Probability of closing the connection without any response.
    pub rate_drop: f64,
    /// Token-bucket refill per access token; null disables rate limiting.
    pub rate_limit_per_second: Option<f64>,
    /// Bucket size; null means one second's worth (= rateLimitPerSecond).
    pub rate_limit_burst: Option<f64>,
    /// The Retry-After of the rate limit's 429s: null, the time to the next token (fractional);
    /// `"wholeSeconds"`, that rounded up to whole seconds (as most of Graph words it); a number,
    /// always that many seconds (a service asking for a long pause).
    #[serde(deserialize_with = "string_or_number")]
    pub rate_limit_retry_after: Option<String>,
    /// Answers the rate limit lets through carry `x-ms-throttle-limit-percentage` (the share of
    /// the bucket in use, two decimals) once 80 % is in use, as Graph documents it. Off by
    /// default: it is reported missing in practice, and clients must not depend on it.
    pub rate_limit_usage_header: bool,
    pub seed: u64,
    /// Misbehaviours (see `misbehave`): every Graph request is answered 307 to this origin.
    pub redirect_to: Option<String>,
    /// Graph's error messages carry terminal escape sequences (screen clear, colours, an OSC
    /// window title, BEL).
    pub hostile_error_text: bool,
    /// Every Graph answer's body is this many bytes (JSON whitespace, then the real body), sent
    /// chunked without a Content-Length.
    pub oversized_body_bytes: Option<u64>,
    /// No Graph request is ever answered.
    pub hang: bool,
    /// Answers' bodies trickle at this many bytes a second.
    pub trickle_bytes_per_second: Option<u64>,
    /// Tokens the identity endpoints issue stop working this many seconds after issue (401).
    pub reject_issued_tokens_after_seconds: Option<f64>,
    /// Dev Proxy's per-workload throttling: after any 429, every Graph request is answered 429
    /// until that Retry-After has passed, and is counted in stats' `throttledWindowRequests`.
    pub workload_throttling: bool,
}

impl Default for FaultConfig {
    fn default() -> Self {
        Self {
            latency_ms: 0,
            latency_jitter_ms: 0,
            rate429: 0.0,
            // Microsoft's own throttling sample uses a fractional value: clients must cope.
            retry_after429: Some("2.128".to_string()),
            rate503: 0.0,
            retry_after503: None,
            rate504: 0.0,
            rate_drop: 0.0,
            rate_limit_per_second: None,
            rate_limit_burst: None,
            rate_limit_retry_after: None,
            rate_limit_usage_header: false,
            seed: 42,
            redirect_to: None,
            hostile_error_text: false,
            oversized_body_bytes: None,
            hang: false,
            trickle_bytes_per_second: None,
            reject_issued_tokens_after_seconds: None,
            workload_throttling: false,
        }
    }
}

/// Retry-After is a header string, but a test script may well send `5` rather than `"5"`.
fn string_or_number<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    match Option::<Value>::deserialize(d)? {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(Value::Number(n)) => Ok(Some(n.to_string())),
        Some(other) => Err(serde::de::Error::custom(format!(
            "expected a string, a number or null, got {other}"
        ))),
    }
}

impl FaultConfig {
    /// Applies a partial JSON object on top of this configuration: only the fields present
    /// change, and an explicit null clears an optional field.
    pub fn merged(&self, patch: &Value) -> Result<FaultConfig, String> {
        let Value::Object(patch) = patch else {
            return Err("the configuration must be a JSON object".to_string());
        };
        let mut current = serde_json::to_value(self).map_err(|e| e.to_string())?;
        if let Value::Object(fields) = &mut current {
            for (k, v) in patch {
                fields.insert(k.clone(), v.clone());
            }
        }
        let merged: FaultConfig = serde_json::from_value(current).map_err(|e| e.to_string())?;
        merged.validate()?;
        Ok(merged)
    }

    fn validate(&self) -> Result<(), String> {
        for (name, rate) in [
            ("rate429", self.rate429),
            ("rate503", self.rate503),
            ("rate504", self.rate504),
            ("rateDrop", self.rate_drop),
        ] {
            if !(0.0..=1.0).contains(&rate) {
                return Err(format!("{name} must be between 0 and 1"));
            }
        }
        if self.rate_limit_per_second.is_some_and(|r| !(r > 0.0 && r.is_finite())) {
            return Err("rateLimitPerSecond must be a positive number or null".to_string());
        }
        if self.rate_limit_burst.is_some_and(|b| !(b >= 1.0 && b.is_finite())) {
            return Err("rateLimitBurst must be at least 1 or null".to_string());
        }
        if let Some(style) = &self.rate_limit_retry_after
            && style != WHOLE_SECONDS
            && !style.parse::<f64>().is_ok_and(|s| s >= 0.0 && s.is_finite())
        {
            return Err(format!("rateLimitRetryAfter must be null, \"{WHOLE_SECONDS}\" or a non-negative number of seconds"));
        }
        if self.trickle_bytes_per_second == Some(0) {
            return Err("trickleBytesPerSecond must be at least 1 or null".to_string());
        }
        if self.reject_issued_tokens_after_seconds.is_some_and(|s| !(s >= 0.0 && s.is_finite())) {
            return Err("rejectIssuedTokensAfterSeconds must be a non-negative number or null".to_string());
        }
        if let Some(target) = &self.redirect_to
            && url::Url::parse(target).is_err()
        {
            return Err("redirectTo must be an absolute URL".to_string());
        }
        Ok(())
    }

    /// The Retry-After a rate-limit 429 carries when the next token is `wait` away.
    pub fn rate_limit_retry_after(&self, wait: Duration) -> String {
        match self.rate_limit_retry_after.as_deref() {
            None => format_seconds(wait),
            Some(WHOLE_SECONDS) => wait.as_secs_f64().ceil().max(1.0).to_string(),
            Some(fixed) => fixed.to_string(),
        }
    }

    /// (rate, burst) when rate limiting is on.
    pub fn rate_limit(&self) -> Option<(f64, f64)> {
        self.rate_limit_per_second
            .map(|rate| (rate, self.rate_limit_burst.unwrap_or(rate.max(1.0))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn partial_bodies_merge() {
        let c = FaultConfig::default().merged(&json!({"rate429": 0.5, "retryAfter429": 5})).unwrap();
        assert_eq!(c.rate429, 0.5);
        assert_eq!(c.retry_after429.as_deref(), Some("5"));
        assert_eq!(c.seed, 42);
        let c = c.merged(&json!({"retryAfter429": null})).unwrap();
        assert_eq!(c.retry_after429, None);
        assert_eq!(c.rate429, 0.5);
    }

    #[test]
    fn bad_values_are_rejected() {
        let d = FaultConfig::default();
        assert!(d.merged(&json!({"rate429": 1.5})).is_err());
        assert!(d.merged(&json!({"rate249": 0.1})).is_err());
        assert!(d.merged(&json!({"rateLimitPerSecond": 0})).is_err());
        assert!(d.merged(&json!([1])).is_err());
    }

    #[test]
    fn the_rate_limits_retry_after_is_exact_whole_seconds_or_fixed() {
        let d = FaultConfig::default();
        let wait = Duration::from_millis(47);
        assert_eq!(d.rate_limit_retry_after(wait), "0.047");
        assert!(!d.rate_limit_usage_header, "Graph is reported not to send x-ms-throttle-limit-percentage");
        let whole = d.merged(&json!({"rateLimitRetryAfter": "wholeSeconds"})).unwrap();
        assert_eq!(whole.rate_limit_retry_after(wait), "1");
        assert_eq!(whole.rate_limit_retry_after(Duration::from_millis(1200)), "2");
        let fixed = d.merged(&json!({"rateLimitRetryAfter": 30})).unwrap();
        assert_eq!(fixed.rate_limit_retry_after(wait), "30");
        assert!(d.merged(&json!({"rateLimitRetryAfter": "soon"})).is_err());
        assert!(d.merged(&json!({"rateLimitRetryAfter": -1})).is_err());
    }

    #[test]
    fn burst_defaults_to_rate() {
        let c = FaultConfig::default().merged(&json!({"rateLimitPerSecond": 20.0})).unwrap();
        assert_eq!(c.rate_limit(), Some((20.0, 20.0)));
    }
}
