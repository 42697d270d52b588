//! The subset of OData `$filter` Graph supports on users without advanced queries:
//! `prop eq 'v'`, `startswith(prop,'v')`, joined with `and` / `or` and parentheses.
//! Anything else is refused with `Request_UnsupportedQuery`, as Graph does.

use crate::graph_error::GraphError;
use crate::users::User;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Id,
    UserPrincipalName,
    DisplayName,
    Mail,
    GivenName,
    Surname,
    UserType,
    AccountEnabled,
}

impl Field {
    fn parse(name: &str) -> Option<Self> {
        const NAMES: [(&str, Field); 8] = [
            ("id", Field::Id),
            ("userPrincipalName", Field::UserPrincipalName),
            ("displayName", Field::DisplayName),
            ("mail", Field::Mail),
            ("givenName", Field::GivenName),
            ("surname", Field::Surname),
            ("userType", Field::UserType),
            ("accountEnabled", Field::AccountEnabled),
        ];
        NAMES.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, f)| *f)
    }

    fn text<'u>(self, u: &'u User) -> Option<std::borrow::Cow<'u, str>> {
        use std::borrow::Cow::{Borrowed, Owned};
        match self {
            Self::Id => Some(Owned(u.id_string())),
            Self::UserPrincipalName => Some(Borrowed(&u.user_principal_name)),
            Self::DisplayName => Some(Borrowed(&u.display_name)),
            Self::Mail => u.mail.as_deref().map(Borrowed),
            Self::GivenName => u.given_name.as_deref().map(Borrowed),
            Self::Surname => u.surname.as_deref().map(Borrowed),
            Self::UserType => Some(Borrowed(&u.user_type)),
            Self::AccountEnabled => None,
        }
    }

    /// startswith is only offered on name-like properties.
    fn supports_startswith(self) -> bool {
        !matches!(self, Self::Id | Self::UserType | Self::AccountEnabled)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Filter {
    EqText(Field, String),
    EqBool(Field, bool),
    StartsWith(Field, String),
    And(Box<Filter>, Box<Filter>),
    Or(Box<Filter>, Box<Filter>),
}

impl Filter {
    pub fn matches(&self, u: &User) -> bool {
        match self {
            // Directory string comparisons are case-insensitive.
            Self::EqText(f, v) => f.text(u).is_some_and(|t| t.to_lowercase() == v.to_lowercase()),
            Self::EqBool(_, v) => u.account_enabled == *v,
            Self::StartsWith(f, v) => f.text(u).is_some_and(|t| t.to_lowercase().starts_with(&v.to_lowercase())),
            Self::And(a, b) => a.matches(u) && b.matches(u),
            Self::Or(a, b) => a.matches(u) || b.matches(u),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    Str(String),
    Open,
    Close,
    Comma,
}

fn unsupported(detail: &str) -> GraphError {
    GraphError::unsupported_query(format!("Unsupported or invalid query filter clause specified: {detail}"))
}

fn tokenize(input: &str) -> Result<Vec<Tok>, GraphError> {
    let mut toks = Vec::new();
    let mut chars = input.chars().peekable();
    while let Some(&c) = chars.peek() {
        match c {
            c if c.is_whitespace() => {
                chars.next();
            }
            '(' | ')' | ',' => {
                chars.next();
                toks.push(match c {
                    '(' => Tok::Open,
                    ')' => Tok::Close,
                    _ => Tok::Comma,
                });
            }
            '\'' => {
                chars.next();
                let mut s = String::new();
                loop {
                    match chars.next() {
                        Some('\'') if chars.peek() == Some(&'\'') => {
                            chars.next();
                            s.push('\'');
                        }
                        Some('\'') => break,
                        Some(ch) => s.push(ch),
                        None => return Err(unsupported("unterminated string literal")),
                    }
                }
                toks.push(Tok::Str(s));
            }
            c if c.is_alphanumeric() || c == '_' || c == '/' || c == '.' || c == '-' => {
                let mut s = String::new();
                while let Some(&ch) = chars.peek() {
                    if ch.is_alphanumeric() || ch == '_' || ch == '/' || ch == '.' || ch == '-' {
                        s.push(ch);
                        chars.next();
                    } else {
                        break;
                    }
                }
                toks.push(Tok::Ident(s));
            }
            other => return Err(unsupported(&format!("unexpected character '{other}'"))),
        }
    }
    Ok(toks)
}

struct Parser {
    toks: Vec<Tok>,
    pos: usize,
}

impl Parser {
    fn peek_keyword(&self, kw: &str) -> bool {
        matches!(self.toks.get(self.pos), Some(Tok::Ident(s)) if s.eq_ignore_ascii_case(kw))
    }

    fn next(&mut self) -> Option<Tok> {
        let t = self.toks.get(self.pos).cloned();
        self.pos += 1;
        t
    }

    fn expect(&mut self, want: Tok, what: &str) -> Result<(), GraphError> {
        if self.next() == Some(want) { Ok(()) } else { Err(unsupported(&format!("expected {what}"))) }
    }

    fn or_expr(&mut self) -> Result<Filter, GraphError> {
        let mut left = self.and_expr()?;
        while self.peek_keyword("or") {
            self.pos += 1;
            left = Filter::Or(Box::new(left), Box::new(self.and_expr()?));
        }
        Ok(left)
    }

    fn and_expr(&mut self) -> Result<Filter, GraphError> {
        let mut left = self.atom()?;
        while self.peek_keyword("and") {
            self.pos += 1;
            left = Filter::And(Box::new(left), Box::new(self.atom()?));
        }
        Ok(left)
    }

    fn field(name: &str) -> Result<Field, GraphError> {
        Field::parse(name).ok_or_else(|| unsupported(&format!("property '{name}' of resource 'User'")))
    }

    fn atom(&mut self) -> Result<Filter, GraphError> {
        match self.next() {
            Some(Tok::Open) => {
                let inner = self.or_expr()?;
                self.expect(Tok::Close, "')'")?;
                Ok(inner)
            }
            Some(Tok::Ident(name)) if name.eq_ignore_ascii_case("startswith") => {
                self.expect(Tok::Open, "'('")?;
                let Some(Tok::Ident(prop)) = self.next() else { return Err(unsupported("expected a property")) };
                let field = Self::field(&prop)?;
                if !field.supports_startswith() {
                    return Err(unsupported(&format!("startswith on property '{prop}'")));
                }
                self.expect(Tok::Comma, "','")?;
                let Some(Tok::Str(value)) = self.next() else { return Err(unsupported("expected a string literal")) };
                self.expect(Tok::Close, "')'")?;
                Ok(Filter::StartsWith(field, value))
            }
            Some(Tok::Ident(prop)) => {
                let field = Self::field(&prop)?;
                if !self.peek_keyword("eq") {
                    return Err(unsupported(&format!("only 'eq' is supported on '{prop}'")));
                }
                self.pos += 1;
                match (field, self.next()) {
                    (Field::AccountEnabled, Some(Tok::Ident(b))) if b == "true" || b == "false" => {
                        Ok(Filter::EqBool(field, b == "true"))
                    }
                    (Field::AccountEnabled, _) => Err(unsupported("accountEnabled needs true or false")),
                    (_, Some(Tok::Str(v))) => Ok(Filter::EqText(field, v)),
                    _ => Err(unsupported("expected a string literal")),
                }
            }
            _ => Err(unsupported("expected a clause")),
        }
    }
}

pub fn parse(input: &str) -> Result<Filter, GraphError> {
    let mut p = Parser { toks: tokenize(input)?, pos: 0 };
    let f = p.or_expr()?;
    if p.pos != p.toks.len() {
        return Err(unsupported("unexpected text after the clause"));
    }
    Ok(f)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seed::directory;

    fn count(f: &str) -> usize {
        let users = directory(20);
        let filter = parse(f).unwrap();
        users.scan(0, 1000, |u| filter.matches(u)).0.len()
    }

    #[test]
    fn supported_clauses() {
        assert_eq!(count("userPrincipalName eq 'adelev@contoso.com'"), 1);
        assert_eq!(count("startswith(userPrincipalName,'user00001')"), 10);
        assert_eq!(count("startswith(displayName,'User 1')"), 11);
        assert_eq!(count("id eq '87D349ED-44D7-43E1-9A83-5F2406DEE5BD'"), 1);
        assert_eq!(count("userType eq 'Guest'"), 3);
        assert_eq!(count("userType eq 'Member' and startswith(displayName,'A')"), 2);
        assert_eq!(count("(userPrincipalName eq 'LeeG@contoso.com') or displayName eq 'Megan Bowen'"), 2);
        assert_eq!(count("accountEnabled eq true"), 28);
        assert_eq!(count("userPrincipalName eq 'jane.doe_fabrikam.com#EXT#@contoso.onmicrosoft.com'"), 1);
    }

    #[test]
    fn quotes_are_doubled() {
        assert_eq!(parse("displayName eq 'O''Brien'").unwrap(), Filter::EqText(Field::DisplayName, "O'Brien".into()));
    }

    #[test]
    fn everything_else_is_unsupported() {
        for f in [
            "endswith(mail,'@contoso.com')",
            "displayName ne 'x'",
            "jobTitle eq 'x'",
            "startswith(id,'8')",
            "userPrincipalName eq 'x' extra",
            "displayName eq 'open",
            "",
        ] {
            let e = parse(f).unwrap_err();
            assert_eq!(e.code, "Request_UnsupportedQuery", "{f}");
        }
    }
}
