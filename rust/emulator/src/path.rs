//! Raw request paths. The path is split on `/` BEFORE any percent-decoding, so an encoded `%2F`
//! inside an identifier stays data and can never become a separator (no `../me` tricks).

use percent_encoding::percent_decode_str;

use crate::graph_error::GraphError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiVersion {
    V1,
    Beta,
}

impl ApiVersion {
    pub fn parse(segment: &str) -> Option<Self> {
        if segment.eq_ignore_ascii_case("v1.0") {
            Some(Self::V1)
        } else if segment.eq_ignore_ascii_case("beta") {
            Some(Self::Beta)
        } else {
            None
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::V1 => "v1.0",
            Self::Beta => "beta",
        }
    }

    /// `https://graph.microsoft.com/v1.0/$metadata#…` prefix of `@odata.context`.
    pub fn metadata(self) -> String {
        format!("https://graph.microsoft.com/{}/$metadata", self.as_str())
    }
}

/// Raw (still encoded) segments; one trailing slash is tolerated as Graph does.
pub fn split(raw_path: &str) -> Vec<&str> {
    let p = raw_path.strip_prefix('/').unwrap_or(raw_path);
    let p = p.strip_suffix('/').unwrap_or(p);
    if p.is_empty() { Vec::new() } else { p.split('/').collect() }
}

/// Percent-decodes one segment. Invalid UTF-8 is replaced rather than refused: such an id can
/// only be "not found".
pub fn decode(segment: &str) -> String {
    percent_decode_str(segment).decode_utf8_lossy().into_owned()
}

/// The path with each segment decoded, for the request log.
pub fn decoded_path(raw_path: &str) -> String {
    let segments: Vec<String> = split(raw_path).into_iter().map(decode).collect();
    format!("/{}", segments.join("/"))
}

/// The key inside `users(…)`: a single-quoted OData string literal where `''` is one `'`.
pub fn parse_quoted_key(segment: &str, inner: &str) -> Result<String, GraphError> {
    let syntax = || GraphError::bad_request(format!("Syntax error: character ''' is not valid at position 1 in '{segment}'."));
    let body = inner
        .strip_prefix('\'')
        .and_then(|s| s.strip_suffix('\''))
        .filter(|_| inner.len() >= 2)
        .ok_or_else(|| GraphError::bad_request(format!("Bad Request - Error in query syntax: '{segment}'.")))?;
    let mut key = String::with_capacity(body.len());
    let mut chars = body.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\'' {
            // Inside the literal a quote must be doubled.
            if chars.next() != Some('\'') {
                return Err(syntax());
            }
        }
        key.push(c);
    }
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_before_decoding() {
        assert_eq!(split("/v1.0/users/a%2Fb/revokeSignInSessions"), vec!["v1.0", "users", "a%2Fb", "revokeSignInSessions"]);
        assert_eq!(decode("a%2Fb"), "a/b");
        assert_eq!(split("/v1.0/users/"), vec!["v1.0", "users"]);
        assert_eq!(split("/v1.0/users//x"), vec!["v1.0", "users", "", "x"]);
        assert!(split("/").is_empty());
    }

    #[test]
    fn decodes_guest_and_dollar() {
        assert_eq!(decode("jane.doe_fabrikam.com%23EXT%23@contoso.onmicrosoft.com"), "jane.doe_fabrikam.com#EXT#@contoso.onmicrosoft.com");
        assert_eq!(decode("%24svc"), "$svc");
        assert_eq!(decoded_path("/v1.0/users('%24x')"), "/v1.0/users('$x')");
    }

    #[test]
    fn quoted_keys() {
        assert_eq!(parse_quoted_key("s", "'$svc@x'").unwrap(), "$svc@x");
        assert_eq!(parse_quoted_key("s", "'o''brien@x'").unwrap(), "o'brien@x");
        assert_eq!(parse_quoted_key("s", "''").unwrap(), "");
        assert!(parse_quoted_key("s", "'o'brien@x'").is_err());
        assert!(parse_quoted_key("s", "'").is_err());
        assert!(parse_quoted_key("s", "abc").is_err());
    }
}
