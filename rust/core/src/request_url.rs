//! Turns a validated identifier into a Graph URL in which it is one path segment and only data.

use crate::endpoint::GraphEndpoint;
use crate::identifier::UserIdentifier;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use url::Url;

pub const API_VERSION: &str = "v1.0";

/// Everything but the unreserved characters and the few a UPN shows literally is encoded,
/// so `/`, `?`, `#`, `%`, `\`, `(`, `)` and whitespace can never act as URL syntax.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'@')
    .remove(b'$')
    .remove(b'!');

/// Inside Graph's `('…')` key syntax the (doubled) quotes stay literal: they are the syntax.
const QUOTED_KEY: &AsciiSet = &SEGMENT.remove(b'\'');

/// The user's address relative to the API version root: `users/{segment}` or, for a UPN that
/// starts with `$`, Graph's key form `users('{upn}')` with quotes doubled inside.
pub fn user_path(id: &UserIdentifier) -> String {
    match id {
        UserIdentifier::ObjectId(guid) => format!("users/{}", guid.hyphenated()),
        UserIdentifier::UserPrincipalName(upn) if id.needs_key_syntax() => {
            let quoted = upn.replace('\'', "''");
            format!("users('{}')", utf8_percent_encode(&quoted, QUOTED_KEY))
        }
        UserIdentifier::UserPrincipalName(upn) => format!("users/{}", utf8_percent_encode(upn, SEGMENT)),
    }
}

/// `{graph}/v1.0/users/{id}/revokeSignInSessions`
pub fn revoke_sign_in_sessions_url(endpoint: &GraphEndpoint, id: &UserIdentifier) -> Url {
    versioned(endpoint, &format!("{}/revokeSignInSessions", user_path(id)))
}

/// `{graph}/v1.0/users/{id}?$select={select}`: one user's record (-Verify reads it back).
/// `select` is a fixed list of property names from this crate, never input.
pub fn user_read_url(endpoint: &GraphEndpoint, id: &UserIdentifier, select: &str) -> Url {
    let mut url = versioned(endpoint, &user_path(id));
    url.set_query(Some(&format!("$select={select}")));
    url
}

/// The relative URL of a user's read inside a JSON batch.
pub fn batch_item_read_url(id: &UserIdentifier, select: &str) -> String {
    format!("/{}?$select={select}", user_path(id))
}

/// `{graph}/v1.0/me/revokeSignInSessions`
pub fn revoke_own_sessions_url(endpoint: &GraphEndpoint) -> Url {
    versioned(endpoint, "me/revokeSignInSessions")
}

/// `{graph}/v1.0/$batch`
pub fn batch_url(endpoint: &GraphEndpoint) -> Url {
    versioned(endpoint, "$batch")
}

/// The relative URL of a revocation inside a JSON batch (no version prefix, as Graph wants).
pub fn batch_item_revoke_url(id: &UserIdentifier) -> String {
    format!("/{}/revokeSignInSessions", user_path(id))
}

fn versioned(endpoint: &GraphEndpoint, relative: &str) -> Url {
    let mut url = endpoint.origin().clone();
    url.set_path(&format!("/{API_VERSION}/{relative}"));
    url
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn endpoint() -> GraphEndpoint {
        GraphEndpoint::parse("https://graph.microsoft.com").unwrap()
    }

    fn url_for(input: &str) -> Url {
        revoke_sign_in_sessions_url(&endpoint(), &UserIdentifier::parse(input).unwrap())
    }

    #[test]
    fn builds_guid_and_upn_urls() {
        assert_eq!(
            url_for("A1D91A49-70C6-4D1D-A80A-B74C820A9A33").as_str(),
            "https://graph.microsoft.com/v1.0/users/a1d91a49-70c6-4d1d-a80a-b74c820a9a33/revokeSignInSessions"
        );
        assert_eq!(url_for("AdeleV@contoso.com").as_str(), "https://graph.microsoft.com/v1.0/users/AdeleV@contoso.com/revokeSignInSessions");
    }

    #[test]
    fn encodes_the_hash_of_guest_upns() {
        assert_eq!(
            url_for("jane.doe_fabrikam.com#EXT#@contoso.onmicrosoft.com").as_str(),
            "https://graph.microsoft.com/v1.0/users/jane.doe_fabrikam.com%23EXT%23@contoso.onmicrosoft.com/revokeSignInSessions"
        );
    }

    #[test]
    fn uses_key_syntax_for_dollar_upns_and_doubles_quotes() {
        assert_eq!(url_for("$svc-backup@contoso.com").as_str(), "https://graph.microsoft.com/v1.0/users('$svc-backup@contoso.com')/revokeSignInSessions");
        assert_eq!(url_for("$o'neil@contoso.com").path(), "/v1.0/users('$o''neil@contoso.com')/revokeSignInSessions");
    }

    #[test]
    fn batch_item_urls_are_relative_without_version() {
        assert_eq!(batch_item_revoke_url(&UserIdentifier::parse("AdeleV@contoso.com").unwrap()), "/users/AdeleV@contoso.com/revokeSignInSessions");
    }

    #[test]
    fn read_urls_keep_the_identifier_in_its_segment() {
        let id = UserIdentifier::parse("jane_fabrikam.com#EXT#@contoso.onmicrosoft.com").unwrap();
        let url = user_read_url(&endpoint(), &id, "id,signInSessionsValidFromDateTime");
        assert_eq!(url.as_str(), "https://graph.microsoft.com/v1.0/users/jane_fabrikam.com%23EXT%23@contoso.onmicrosoft.com?$select=id,signInSessionsValidFromDateTime");
        let quoted = UserIdentifier::parse("$o'neil@contoso.com").unwrap();
        assert_eq!(batch_item_read_url(&quoted, "id"), "/users('$o''neil@contoso.com')?$select=id");
    }

    /// Whatever an identifier contains, if it validates, the URL keeps its host, has no query or
    /// fragment, keeps its fixed path shape, and the user part decodes back to exactly the input.
    fn assert_structure_holds(input: &str) {
        let Ok(id) = UserIdentifier::parse(input) else { return };
        let url = revoke_sign_in_sessions_url(&endpoint(), &id);
        assert_eq!(url.host_str(), Some("graph.microsoft.com"), "{input:?}");
        assert_eq!(url.query(), None, "{input:?}");
        assert_eq!(url.fragment(), None, "{input:?}");
        let segments: Vec<&str> = url.path_segments().unwrap().collect();
        let decode = |s: &str| percent_encoding::percent_decode_str(s).decode_utf8().unwrap().into_owned();
        let user = if id.needs_key_syntax() {
            assert_eq!(segments.len(), 3, "{input:?} -> {url}");
            let key = decode(segments[1]);
            let quoted = key.strip_prefix("users('").and_then(|k| k.strip_suffix("')")).unwrap_or_else(|| panic!("{url}"));
            assert!(!quoted.replace("''", "").contains('\''), "unescaped quote in {url}");
            quoted.replace("''", "'")
        } else {
            assert_eq!(segments.len(), 4, "{input:?} -> {url}");
            assert_eq!(segments[1], "users");
            decode(segments[2])
        };
        assert_eq!(segments[0], "v1.0");
        assert_eq!(*segments.last().unwrap(), "revokeSignInSessions");
        assert_eq!(user, id.to_string(), "{input:?}");
    }

    #[test]
    fn hostile_identifiers_never_change_url_structure() {
        let hostile = [
            "../me", "..%2fme", "%2e%2e", "a/b@x.com", "x?y", "a#b@x.com", "a?b=c@x.com", "a\\b@x.com", "@x.com",
            "a@x.com/../../me", "a@x.com#", "a@x.com?$select=id", "a b@x.com", "a%00@x.com", "a\u{202e}@x.com",
            "$a'/b@x.com", "$a')/x@x.com", "a@x.com\r\n", "a:b@x.com", "a;b@x.com", "//evil.com/@x.com",
            "http://evil.com@x.com", "a@[::1]", "a@127.0.0.1:80", "ä@x.com", "a@xn--mnchen-3ya.de", "#EXT#@x.com",
            "$", "$@x.com", "''@x.com", "$''@x.com", "~!$@x.com", "a&b=c@x.com", "a+b@x.com",
        ];
        for input in hostile {
            assert_structure_holds(input);
        }
    }

    proptest! {
        #[test]
        fn arbitrary_identifiers_never_change_url_structure(input in "\\PC{0,120}") {
            assert_structure_holds(&input);
        }

        #[test]
        fn upn_shaped_identifiers_never_change_url_structure(local in "[a-zA-Z0-9'.\\-_!#^~$&+=/?%@]{1,40}", domain in "[a-z0-9.\\-/?#]{1,30}") {
            assert_structure_holds(&format!("{local}@{domain}"));
        }
    }
}
