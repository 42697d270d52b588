//! `$search="displayName:x"`: Graph's tokenized search. A term matches when a word of the
//! property (split on spaces and punctuation) starts with it, or the whole value does.
//! Clauses may be joined with AND / OR; `$search` needs `ConsistencyLevel: eventual`.

use crate::graph_error::GraphError;
use crate::users::User;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SearchField {
    DisplayName,
    UserPrincipalName,
    Mail,
    GivenName,
    Surname,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Search {
    /// OR of ANDs of (field, lower-cased term).
    any_of: Vec<Vec<(SearchField, String)>>,
}

fn invalid(detail: &str) -> GraphError {
    GraphError::unsupported_query(format!("Invalid $search query: {detail}"))
}

fn clause(text: &str) -> Result<(SearchField, String), GraphError> {
    let (prop, term) = text
        .split_once(':')
        .ok_or_else(|| invalid("a clause must look like \"property:term\""))?;
    let field = match prop.trim().to_ascii_lowercase().as_str() {
        "displayname" => SearchField::DisplayName,
        "userprincipalname" => SearchField::UserPrincipalName,
        "mail" => SearchField::Mail,
        "givenname" => SearchField::GivenName,
        "surname" => SearchField::Surname,
        other => return Err(invalid(&format!("property '{other}' is not searchable"))),
    };
    Ok((field, term.trim().to_lowercase()))
}

pub fn parse(input: &str) -> Result<Search, GraphError> {
    let mut any_of = vec![Vec::new()];
    let mut rest = input.trim();
    let mut expect_clause = true;
    while !rest.is_empty() {
        if expect_clause {
            let body = rest.strip_prefix('"').ok_or_else(|| invalid("clauses must be in double quotes"))?;
            let end = body.find('"').ok_or_else(|| invalid("unterminated quote"))?;
            let c = clause(&body[..end])?;
            if let Some(all) = any_of.last_mut() {
                all.push(c);
            }
            rest = body[end + 1..].trim_start();
        } else {
            let (op, after) = rest.split_once(char::is_whitespace).ok_or_else(|| invalid("expected AND or OR"))?;
            match op.to_ascii_uppercase().as_str() {
                "AND" => {}
                "OR" => any_of.push(Vec::new()),
                _ => return Err(invalid("expected AND or OR")),
            }
            rest = after.trim_start();
        }
        expect_clause = !expect_clause;
    }
    if expect_clause {
        return Err(invalid("expected a clause"));
    }
    Ok(Search { any_of })
}

fn value(field: SearchField, u: &User) -> Option<&str> {
    match field {
        SearchField::DisplayName => Some(&u.display_name),
        SearchField::UserPrincipalName => Some(&u.user_principal_name),
        SearchField::Mail => u.mail.as_deref(),
        SearchField::GivenName => u.given_name.as_deref(),
        SearchField::Surname => u.surname.as_deref(),
    }
}

fn term_matches(text: &str, term: &str) -> bool {
    let text = text.to_lowercase();
    text.starts_with(term) || text.split(|c: char| !c.is_alphanumeric()).any(|w| w.starts_with(term))
}

impl Search {
    pub fn matches(&self, u: &User) -> bool {
        self.any_of
            .iter()
            .any(|all| all.iter().all(|(f, term)| value(*f, u).is_some_and(|v| term_matches(v, term))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seed::directory;

    fn count(q: &str) -> usize {
        let users = directory(20);
        let s = parse(q).unwrap();
        users.scan(0, 1000, |u| s.matches(u)).0.len()
    }

    #[test]
    fn tokenized_prefix_search() {
        assert_eq!(count("\"displayName:vance\""), 1);
        assert_eq!(count("\"displayName:ad\""), 1);
        assert_eq!(count("\"displayName:Fabrikam\""), 1);
        assert_eq!(count("\"userPrincipalName:user00001\""), 10);
        assert_eq!(count("\"displayName:adele\" OR \"displayName:lee\""), 2);
        assert_eq!(count("\"displayName:user\" AND \"displayName:20\""), 1);
        assert_eq!(count("\"displayName:zzz\""), 0);
    }

    #[test]
    fn malformed_is_refused() {
        for q in ["displayName:x", "\"displayName:x", "\"jobTitle:x\"", "\"displayName:x\" XOR \"mail:y\"", "\"displayName:x\" AND", "\"nocolon\""] {
            assert!(parse(q).is_err(), "{q}");
        }
    }
}
