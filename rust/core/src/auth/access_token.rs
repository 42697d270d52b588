//! The access token: kept secret in memory, zeroed when dropped, never printed.

use reqwest::header::HeaderValue;
use secrecy::{ExposeSecret, SecretString};
use std::fmt;

pub struct AccessToken {
    secret: SecretString,
}

impl AccessToken {
    /// Takes ownership of the token text; the caller's buffer moves in without a copy.
    pub fn new(token: String) -> Option<Self> {
        let usable = !token.trim().is_empty() && HeaderValue::from_str(&format!("Bearer {token}")).is_ok();
        usable.then(|| Self { secret: SecretString::from(token) })
    }

    /// The Authorization header value, marked sensitive so no debug output shows it.
    pub fn authorization_header(&self) -> HeaderValue {
        let mut value = HeaderValue::from_str(&format!("Bearer {}", self.secret.expose_secret()))
            .expect("validated in AccessToken::new");
        value.set_sensitive(true);
        value
    }

    pub fn expose(&self) -> &str {
        self.secret.expose_secret()
    }
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AccessToken(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_empty_tokens_and_header_injection() {
        assert!(AccessToken::new(String::new()).is_none());
        assert!(AccessToken::new("  ".into()).is_none());
        assert!(AccessToken::new("abc\r\nX-Evil: 1".into()).is_none());
    }

    #[test]
    fn never_shows_the_secret_in_debug_output() {
        let token = AccessToken::new("eyJ.secret.value".into()).unwrap();
        assert!(!format!("{token:?}").contains("secret"));
        assert!(!format!("{:?}", token.authorization_header()).contains("secret"));
    }
}
