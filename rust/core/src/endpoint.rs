//! The Graph endpoint of a cloud, validated once so every request URL starts from a safe base.

use std::net::IpAddr;
use url::Url;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EndpointError {
    #[error("'{0}' is not an absolute URL")]
    NotAbsolute(String),
    #[error("'{0}' must use https (plain http is allowed only for loopback addresses)")]
    InsecureScheme(String),
    #[error("'{0}' must be a bare origin such as https://graph.microsoft.com (no user, path, query or fragment)")]
    NotAnOrigin(String),
}

/// An origin (`scheme://host[:port]`) that Graph requests may be sent to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GraphEndpoint {
    origin: Url,
}

impl GraphEndpoint {
    pub fn parse(text: &str) -> Result<Self, EndpointError> {
        let trimmed = text.trim();
        // The url crate forgives what it rewrites: a backslash becomes a slash, inner whitespace
        // is dropped and "/.." resolves to "/". An endpoint is refused rather than rewritten, so
        // the text itself must already be a plain origin.
        if trimmed.chars().any(|c| c.is_whitespace() || c.is_control() || c == '\\') {
            return Err(EndpointError::NotAbsolute(text.to_owned()));
        }
        let url = Url::parse(trimmed).map_err(|_| EndpointError::NotAbsolute(text.to_owned()))?;
        let has_extras = has_text_after_authority(trimmed)
            || !url.username().is_empty()
            || url.password().is_some()
            || url.query().is_some()
            || url.fragment().is_some()
            || url.path() != "/";
        if url.host().is_none() || url.cannot_be_a_base() {
            return Err(EndpointError::NotAbsolute(text.to_owned()));
        }
        if has_extras {
            return Err(EndpointError::NotAnOrigin(text.to_owned()));
        }
        match url.scheme() {
            "https" => {}
            "http" if is_loopback(&url) => {}
            _ => return Err(EndpointError::InsecureScheme(text.to_owned())),
        }
        Ok(Self { origin: url })
    }

    /// The origin as a URL whose path is "/".
    pub fn origin(&self) -> &Url {
        &self.origin
    }

    pub fn as_str(&self) -> &str {
        self.origin.as_str().trim_end_matches('/')
    }
}

/// True when anything but one "/" follows `scheme://authority` in the text as typed.
fn has_text_after_authority(text: &str) -> bool {
    let Some((_, after_scheme)) = text.split_once("://") else { return false };
    after_scheme.find(['/', '?', '#']).is_some_and(|start| &after_scheme[start..] != "/")
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_https_origins_and_loopback_http() {
        for ok in ["https://graph.microsoft.com", "https://graph.microsoft.us/", "http://127.0.0.1:5000", "http://[::1]:80", "http://localhost:1"] {
            assert!(GraphEndpoint::parse(ok).is_ok(), "{ok}");
        }
        assert_eq!(GraphEndpoint::parse("https://graph.microsoft.com/").unwrap().as_str(), "https://graph.microsoft.com");
    }

    #[test]
    fn rejects_plain_http_to_remote_hosts_and_non_origins() {
        assert!(matches!(GraphEndpoint::parse("http://graph.microsoft.com"), Err(EndpointError::InsecureScheme(_))));
        assert!(matches!(GraphEndpoint::parse("http://127.0.0.1.evil.com"), Err(EndpointError::InsecureScheme(_))));
        assert!(matches!(GraphEndpoint::parse("ftp://x.com"), Err(EndpointError::InsecureScheme(_))));
        assert!(matches!(GraphEndpoint::parse("https://x.com/v1.0"), Err(EndpointError::NotAnOrigin(_))));
        assert!(matches!(GraphEndpoint::parse("https://u:p@x.com"), Err(EndpointError::NotAnOrigin(_))));
        assert!(matches!(GraphEndpoint::parse("https://x.com/?a=b"), Err(EndpointError::NotAnOrigin(_))));
        assert!(matches!(GraphEndpoint::parse("graph.microsoft.com"), Err(EndpointError::NotAbsolute(_))));
        assert!(matches!(GraphEndpoint::parse("/v1.0/users"), Err(EndpointError::NotAbsolute(_))));
    }

    #[test]
    fn refuses_what_url_parsing_would_silently_rewrite() {
        for dot in ["https://graph.microsoft.com/..", "https://graph.microsoft.com/%2e%2e", "https://graph.microsoft.com/.", "https://graph.microsoft.com//"] {
            assert!(matches!(GraphEndpoint::parse(dot), Err(EndpointError::NotAnOrigin(_))), "{dot}");
        }
        assert!(matches!(GraphEndpoint::parse("https://graph.microsoft.com#frag"), Err(EndpointError::NotAnOrigin(_))));
        for odd in ["https:\\\\graph.microsoft.com", "https://graph .microsoft.com", "https://graph\tmicrosoft.com"] {
            assert!(matches!(GraphEndpoint::parse(odd), Err(EndpointError::NotAbsolute(_))), "{odd}");
        }
        assert_eq!(GraphEndpoint::parse("  https://graph.microsoft.com/  ").unwrap().as_str(), "https://graph.microsoft.com");
    }
}
