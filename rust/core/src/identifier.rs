//! User identifiers: what an admin may type, and nothing else.
//!
//! Graph addresses a user by object id (a GUID) or by userPrincipalName. Everything that is
//! neither is rejected here, before any request exists, so that a hostile or mistyped value
//! (`../me`, `a/b@x.com`, `x?y`, `%2e%2e`) can never reach the URL builder.

use std::fmt;
use uuid::Uuid;

/// Graph's limits for a userPrincipalName: 113 characters in all, 64 before the `@`.
pub const MAX_UPN_LENGTH: usize = 113;
pub const MAX_UPN_LOCAL_PART_LENGTH: usize = 64;

/// A validated user identifier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UserIdentifier {
    /// An object id, kept in Graph's canonical lower-case hyphenated form.
    ObjectId(Uuid),
    /// A userPrincipalName exactly as given (Graph compares UPNs case-insensitively).
    UserPrincipalName(String),
}

/// Why an identifier was rejected. The text is shown to the admin, so it names the rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdentifierError {
    #[error("the identifier is empty")]
    Empty,
    #[error("the identifier has leading or trailing whitespace")]
    SurroundingWhitespace,
    #[error("the identifier contains a control character")]
    ControlCharacter,
    #[error("the identifier is longer than {MAX_UPN_LENGTH} characters")]
    TooLong,
    #[error("the identifier is neither an object id (GUID) nor a userPrincipalName (name@domain)")]
    NotGuidOrUpn,
    #[error("the part before '@' is longer than {MAX_UPN_LOCAL_PART_LENGTH} characters")]
    LocalPartTooLong,
    #[error("the userPrincipalName contains the character '{0}', which is not allowed")]
    ForbiddenCharacter(char),
    #[error("the domain of the userPrincipalName is not a valid domain name")]
    InvalidDomain,
    #[error("the part before '@' is empty, or starts or ends with '.', or contains '..'")]
    InvalidLocalPart,
}

impl UserIdentifier {
    /// Parses an identifier typed or piped by an admin.
    pub fn parse(input: &str) -> Result<Self, IdentifierError> {
        if input.is_empty() {
            return Err(IdentifierError::Empty);
        }
        if input.chars().any(char::is_control) {
            return Err(IdentifierError::ControlCharacter);
        }
        if input.trim() != input {
            return Err(IdentifierError::SurroundingWhitespace);
        }
        if input.chars().count() > MAX_UPN_LENGTH {
            return Err(IdentifierError::TooLong);
        }
        if let Some(guid) = parse_guid(input) {
            return Ok(Self::ObjectId(guid));
        }
        parse_upn(input).map(|upn| Self::UserPrincipalName(upn.to_owned()))
    }

    /// True for a UPN that Graph only resolves in the `users('…')` key form.
    pub fn needs_key_syntax(&self) -> bool {
        matches!(self, Self::UserPrincipalName(upn) if upn.starts_with('$'))
    }
}

impl fmt::Display for UserIdentifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::ObjectId(id) => write!(f, "{}", id.hyphenated()),
            Self::UserPrincipalName(upn) => f.write_str(upn),
        }
    }
}

/// Accepts the hyphenated form, optionally in braces (as .NET's `Guid.ToString("B")` prints).
fn parse_guid(input: &str) -> Option<Uuid> {
    let inner = input
        .strip_prefix('{')
        .and_then(|s| s.strip_suffix('}'))
        .unwrap_or(input);
    if inner.len() != 36 {
        return None;
    }
    Uuid::try_parse(inner).ok()
}

fn parse_upn(input: &str) -> Result<&str, IdentifierError> {
    let mut parts = input.split('@');
    let (Some(local), Some(domain), None) = (parts.next(), parts.next(), parts.next()) else {
        return Err(match first_forbidden_char(input) {
            Some(c) if c != '@' => IdentifierError::ForbiddenCharacter(c),
            _ => IdentifierError::NotGuidOrUpn,
        });
    };
    if let Some(c) = local.chars().find(|c| !is_allowed_local_char(*c)) {
        return Err(IdentifierError::ForbiddenCharacter(c));
    }
    if local.is_empty() || local.starts_with('.') || local.ends_with('.') || local.contains("..") {
        return Err(IdentifierError::InvalidLocalPart);
    }
    if local.chars().count() > MAX_UPN_LOCAL_PART_LENGTH {
        return Err(IdentifierError::LocalPartTooLong);
    }
    if let Some(c) = domain.chars().find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '.')) {
        return Err(IdentifierError::ForbiddenCharacter(c));
    }
    if !is_valid_domain(domain) {
        return Err(IdentifierError::InvalidDomain);
    }
    Ok(input)
}

fn first_forbidden_char(input: &str) -> Option<char> {
    input.chars().find(|c| !is_allowed_local_char(*c) && *c != '@')
}

/// Characters Entra ID allows before the `@` of a UPN: letters, digits and `' . - _ ! # ^ ~`,
/// plus `$` (service accounts) and `&` `+` `=` that synced on-premises accounts carry.
/// `/ \ ? % : ;` and whitespace are never allowed: they are exactly what a path injection needs.
fn is_allowed_local_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "'.-_!#^~$&+=".contains(c)
}

fn is_valid_domain(domain: &str) -> bool {
    let labels: Vec<&str> = domain.split('.').collect();
    labels.len() >= 2
        && labels.iter().all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_a_guid_in_any_case_and_normalises_it() {
        let id = UserIdentifier::parse("A1D91A49-70C6-4D1D-A80A-B74C820A9A33").unwrap();
        assert_eq!(id.to_string(), "a1d91a49-70c6-4d1d-a80a-b74c820a9a33");
        assert!(matches!(UserIdentifier::parse("{a1d91a49-70c6-4d1d-a80a-b74c820a9a33}"), Ok(UserIdentifier::ObjectId(_))));
    }

    #[test]
    fn accepts_upns_including_dollar_and_guest_forms() {
        for upn in [
            "AdeleV@contoso.com",
            "$svc-backup@contoso.com",
            "jane.doe_fabrikam.com#EXT#@contoso.onmicrosoft.com",
            "o'brien@contoso.com",
        ] {
            assert_eq!(UserIdentifier::parse(upn), Ok(UserIdentifier::UserPrincipalName(upn.into())), "{upn}");
        }
        assert!(UserIdentifier::parse("$svc-backup@contoso.com").unwrap().needs_key_syntax());
        assert!(!UserIdentifier::parse("AdeleV@contoso.com").unwrap().needs_key_syntax());
    }

    #[test]
    fn rejects_hostile_and_malformed_values() {
        let cases: &[(&str, IdentifierError)] = &[
            ("", IdentifierError::Empty),
            ("   ", IdentifierError::SurroundingWhitespace),
            (" AdeleV@contoso.com", IdentifierError::SurroundingWhitespace),
            ("../me", IdentifierError::ForbiddenCharacter('/')),
            ("me", IdentifierError::NotGuidOrUpn),
            ("a/b@x.com", IdentifierError::ForbiddenCharacter('/')),
            ("x?y", IdentifierError::ForbiddenCharacter('?')),
            ("%2e%2e", IdentifierError::ForbiddenCharacter('%')),
            ("a%2Fb@x.com", IdentifierError::ForbiddenCharacter('%')),
            ("a\u{0}b@x.com", IdentifierError::ControlCharacter),
            ("a\r\nHost: evil@x.com", IdentifierError::ControlCharacter),
            ("a@b@x.com", IdentifierError::NotGuidOrUpn),
            ("user@localhost", IdentifierError::InvalidDomain),
            ("user@evil.com/../me", IdentifierError::ForbiddenCharacter('/')),
            ("user@evil.com?x=1", IdentifierError::ForbiddenCharacter('?')),
            (".user@x.com", IdentifierError::InvalidLocalPart),
            ("us..er@x.com", IdentifierError::InvalidLocalPart),
            ("a1d91a49-70c6-4d1d-a80a-b74c820a9a3", IdentifierError::NotGuidOrUpn),
        ];
        for (input, expected) in cases {
            assert_eq!(UserIdentifier::parse(input).as_ref(), Err(expected), "{input:?}");
        }
    }

    #[test]
    fn enforces_graph_length_limits() {
        let local = "a".repeat(65);
        assert_eq!(UserIdentifier::parse(&format!("{local}@x.com")), Err(IdentifierError::LocalPartTooLong));
        let long = format!("{}@{}.com", "a".repeat(60), "b".repeat(60));
        assert_eq!(UserIdentifier::parse(&long), Err(IdentifierError::TooLong));
    }
}
