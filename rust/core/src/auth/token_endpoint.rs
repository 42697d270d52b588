//! One call to the identity platform's token (or device code) endpoint: a form POST whose body
//! may hold a secret, sent from a buffer that is zeroed when the request is done with it; the
//! answer is a token or Entra's typed refusal. Throttling (429) and server errors are retried a
//! few times, no earlier than Retry-After; refusals (4xx) are final.

use super::entra_error::EntraError;
use super::{AccessToken, AuthError};
use crate::http::describe_chain;
use crate::retry::parse_retry_after;
use bytes::Bytes;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use std::time::{Duration, SystemTime};
use url::Url;
use zeroize::Zeroizing;

/// Attempts per call: the first and two retries.
const ATTEMPTS: u32 = 3;
/// Longest Retry-After honoured before giving up instead.
const MAX_WAIT: Duration = Duration::from_secs(30);

/// An `application/x-www-form-urlencoded` body built in a buffer that is zeroed when dropped.
/// The buffer is sized up front so it never reallocates (which would leave a copy behind).
pub struct SecretForm {
    fields: Vec<(&'static str, FormValue)>,
}

enum FormValue {
    Plain(String),
    Secret(SecretString),
}

impl FormValue {
    fn text(&self) -> &str {
        match self {
            Self::Plain(text) => text,
            Self::Secret(secret) => secret.expose_secret(),
        }
    }
}

impl Default for SecretForm {
    fn default() -> Self {
        Self::new()
    }
}

impl SecretForm {
    pub fn new() -> Self {
        Self { fields: Vec::new() }
    }

    pub fn field(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.fields.push((name, FormValue::Plain(value.into())));
        self
    }

    /// A field whose value is secret (client secret, assertion, device code, refresh token).
    pub fn secret(mut self, name: &'static str, value: SecretString) -> Self {
        self.fields.push((name, FormValue::Secret(value)));
        self
    }

    /// The encoded body; the bytes are zeroed once the last request holding them is dropped.
    pub fn encode(&self) -> Bytes {
        let capacity = self.fields.iter().map(|(k, v)| k.len() + 3 * v.text().len() + 2).sum::<usize>();
        let mut body = Zeroizing::new(String::with_capacity(capacity));
        for (i, (name, value)) in self.fields.iter().enumerate() {
            if i > 0 {
                body.push('&');
            }
            body.extend(url::form_urlencoded::byte_serialize(name.as_bytes()));
            body.push('=');
            body.extend(url::form_urlencoded::byte_serialize(value.text().as_bytes()));
        }
        debug_assert!(body.capacity() == capacity, "the form buffer must not reallocate");
        let bytes = Zeroizing::new(std::mem::take(&mut *body).into_bytes());
        Bytes::from_owner(bytes)
    }
}

/// A token as the platform issued it.
#[derive(Debug)]
pub struct TokenAnswer {
    pub token: AccessToken,
    /// From the moment the request was sent.
    pub expires_in: Duration,
    /// Delegated flows only; rotates with every answer.
    pub refresh_token: Option<SecretString>,
}

impl From<TokenAnswer> for super::IssuedToken {
    fn from(answer: TokenAnswer) -> Self {
        Self { token: answer.token, lifetime: answer.expires_in }
    }
}

#[derive(Deserialize)]
struct TokenBody {
    access_token: String,
    #[serde(default, deserialize_with = "number_or_string")]
    expires_in: Option<u64>,
    /// Managed identity endpoints: Unix seconds, as a number or a string.
    #[serde(default, deserialize_with = "number_or_string")]
    expires_on: Option<u64>,
    #[serde(default)]
    refresh_token: Option<String>,
}

fn number_or_string<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    Ok(match Option::<serde_json::Value>::deserialize(d)? {
        Some(serde_json::Value::Number(n)) => n.as_u64(),
        Some(serde_json::Value::String(s)) => s.trim().parse().ok(),
        _ => None,
    })
}

/// Reads a token answer; `None` when the body is not one (no usable `access_token`).
pub fn parse_token_answer(body: &[u8]) -> Option<TokenAnswer> {
    let parsed: TokenBody = serde_json::from_slice(body).ok()?;
    let expires_in = match (parsed.expires_in, parsed.expires_on) {
        (Some(seconds), _) => Duration::from_secs(seconds),
        (None, Some(on)) => {
            let now = super::clock::unix_now().max(0) as u64;
            Duration::from_secs(on.saturating_sub(now))
        }
        // No lifetime given: assume the platform's usual hour, renewal on 401 covers the rest.
        (None, None) => Duration::from_secs(3600),
    };
    Some(TokenAnswer {
        token: AccessToken::new(parsed.access_token)?,
        expires_in,
        refresh_token: parsed.refresh_token.filter(|t| !t.is_empty()).map(SecretString::from),
    })
}

/// What to send besides the body, so the same retry loop serves Entra and managed identity.
pub struct Call<'a> {
    pub url: &'a Url,
    /// Words for messages: "the sign-in endpoint", "the managed identity endpoint".
    pub what: &'a str,
    /// HTTP statuses worth another attempt (besides transport failures).
    pub retry_statuses: &'a [u16],
}

/// The raw answer of a successful (2xx) call, or the typed failure after any retries.
pub async fn send(call: &Call<'_>, build: impl Fn() -> reqwest::RequestBuilder) -> Result<Bytes, AuthError> {
    let mut attempt = 0;
    loop {
        attempt += 1;
        let last = attempt >= ATTEMPTS;
        let response = match build().send().await {
            Ok(response) => response,
            Err(_) if !last => {
                tokio::time::sleep(backoff(attempt)).await;
                continue;
            }
            Err(error) => return Err(AuthError::Unavailable(format!("{} {} could not be reached: {}", capitalised(call.what), origin(call.url), describe_chain(&error)))),
        };
        let status = response.status().as_u16();
        let retry_after = response.headers().get(reqwest::header::RETRY_AFTER).and_then(|v| v.to_str().ok()).and_then(|v| parse_retry_after(v, SystemTime::now()));
        let body = match response.bytes().await {
            Ok(body) => body,
            Err(_) if !last => {
                tokio::time::sleep(backoff(attempt)).await;
                continue;
            }
            Err(error) => return Err(AuthError::Unavailable(format!("The answer of {} {} could not be read: {}", call.what, origin(call.url), describe_chain(&error)))),
        };
        if (200..300).contains(&status) {
            return Ok(body);
        }
        let wait = retry_after.unwrap_or_else(|| backoff(attempt));
        if call.retry_statuses.contains(&status) && !last && wait <= MAX_WAIT {
            tokio::time::sleep(wait).await;
            continue;
        }
        let refusal = EntraError::from_response(status, &body);
        if status >= 500 || status == 429 {
            return Err(AuthError::Unavailable(format!("{} {} kept failing: {}", capitalised(call.what), origin(call.url), refusal)));
        }
        return Err(AuthError::Refused(refusal));
    }
}

/// POSTs `form` to the token (or device code) endpoint at `url`.
pub async fn post_form(client: &reqwest::Client, url: &Url, form: &SecretForm) -> Result<Bytes, AuthError> {
    let body = form.encode();
    let call = Call { url, what: "the sign-in endpoint", retry_statuses: &[429, 500, 502, 503, 504] };
    send(&call, || {
        client
            .post(url.clone())
            .header(reqwest::header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(reqwest::header::ACCEPT, "application/json")
            .body(body.clone())
    })
    .await
}

/// A token from the token endpoint.
pub async fn request_token(client: &reqwest::Client, url: &Url, form: &SecretForm) -> Result<TokenAnswer, AuthError> {
    let body = post_form(client, url, form).await?;
    parse_token_answer(&body).ok_or_else(|| AuthError::Unavailable(format!("The sign-in endpoint {} answered without a usable access token.", origin(url))))
}

fn backoff(attempt: u32) -> Duration {
    Duration::from_millis(500u64 << attempt.min(6))
}

/// Scheme, host and port: enough to say where, without a path or query.
pub fn origin(url: &Url) -> String {
    url.origin().ascii_serialization()
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|c| c.to_uppercase().collect::<String>() + chars.as_str()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_forms_without_reallocating() {
        let form = SecretForm::new()
            .field("grant_type", "client_credentials")
            .field("scope", "https://graph.microsoft.com/.default")
            .secret("client_secret", SecretString::from("a+b/c=d&e f~"));
        let body = form.encode();
        assert_eq!(
            std::str::from_utf8(&body).unwrap(),
            "grant_type=client_credentials&scope=https%3A%2F%2Fgraph.microsoft.com%2F.default&client_secret=a%2Bb%2Fc%3Dd%26e+f%7E"
        );
    }

    #[test]
    fn reads_token_answers_with_numbers_or_strings() {
        let a = parse_token_answer(br#"{"token_type":"Bearer","expires_in":3599,"access_token":"eyJ.a.b"}"#).unwrap();
        assert_eq!(a.expires_in, Duration::from_secs(3599));
        assert!(a.refresh_token.is_none());
        let imds = parse_token_answer(br#"{"access_token":"x.y.z","expires_in":"86399","expires_on":"1","resource":"r"}"#).unwrap();
        assert_eq!(imds.expires_in, Duration::from_secs(86399));
        let app_service = parse_token_answer(format!(r#"{{"access_token":"t","expires_on":"{}"}}"#, super::super::clock::unix_now() + 600).as_bytes()).unwrap();
        assert!(app_service.expires_in > Duration::from_secs(590) && app_service.expires_in <= Duration::from_secs(600));
        let delegated = parse_token_answer(br#"{"access_token":"t","expires_in":10,"refresh_token":"r1"}"#).unwrap();
        assert_eq!(delegated.refresh_token.unwrap().expose_secret(), "r1");
        assert!(parse_token_answer(br#"{"access_token":""}"#).is_none());
        assert!(parse_token_answer(b"<html>").is_none());
    }
}
