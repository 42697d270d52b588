//! What Get-EntraUser asks for, turned into a Graph URL. Values go through the URL encoder
//! as query data; the identifier of a single user goes through the same builder as revocation.

use crate::endpoint::GraphEndpoint;
use crate::identifier::{IdentifierError, UserIdentifier};
use crate::request_url::{API_VERSION, user_path};
use url::Url;

/// Properties read when the caller names none: what an admin looks at, plus what piping into
/// Revoke-EntraUserAllRefreshToken needs.
pub const DEFAULT_PROPERTIES: &[&str] = &["id", "displayName", "userPrincipalName", "mail", "userType", "accountEnabled", "givenName", "surname", "jobTitle"];
/// Always read, so results keep binding to -UserId down the pipeline.
const REQUIRED_PROPERTIES: &[&str] = &["id", "userPrincipalName"];
/// Graph's page size limit for users.
pub const MAX_PAGE_SIZE: u32 = 999;

#[derive(Debug, Clone, Default)]
pub struct UserQuery {
    /// One user by object id or UPN; the other filters do not apply then.
    pub user_id: Option<String>,
    /// An OData `$filter`, passed as data.
    pub filter: Option<String>,
    /// Matches the start of displayName or userPrincipalName (Get-EntraUser -SearchString).
    pub search: Option<String>,
    /// At most this many users; `None` with `all` false means one default page.
    pub top: Option<u32>,
    /// Follow `@odata.nextLink` to the end.
    pub all: bool,
    /// `$select`; empty means the default set.
    pub properties: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    #[error("not a valid user identifier: {0}")]
    InvalidIdentifier(#[from] IdentifierError),
    #[error("'{0}' is not a property name")]
    InvalidProperty(String),
    #[error("the search text contains a control character")]
    InvalidSearch,
}

impl UserQuery {
    /// The first request's URL.
    pub fn first_url(&self, endpoint: &GraphEndpoint) -> Result<Url, QueryError> {
        let select = self.select()?;
        let mut url = endpoint.origin().clone();
        if let Some(input) = &self.user_id {
            let id = UserIdentifier::parse(input)?;
            url.set_path(&format!("/{API_VERSION}/{}", user_path(&id)));
            url.query_pairs_mut().append_pair("$select", &select);
            return Ok(url);
        }
        url.set_path(&format!("/{API_VERSION}/users"));
        {
            let mut query = url.query_pairs_mut();
            query.append_pair("$select", &select);
            if let Some(top) = self.page_size() {
                query.append_pair("$top", &top.to_string());
            }
            if let Some(filter) = self.effective_filter()? {
                query.append_pair("$filter", &filter);
            }
        }
        Ok(url)
    }

    pub fn is_single_user(&self) -> bool {
        self.user_id.is_some()
    }

    fn page_size(&self) -> Option<u32> {
        match (self.top, self.all) {
            (Some(top), _) => Some(top.clamp(1, MAX_PAGE_SIZE)),
            (None, true) => Some(MAX_PAGE_SIZE),
            (None, false) => None,
        }
    }

    fn select(&self) -> Result<String, QueryError> {
        if let Some(bad) = self.properties.iter().find(|p| p.is_empty() || !p.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')) {
            return Err(QueryError::InvalidProperty(bad.clone()));
        }
        let mut names: Vec<&str> = if self.properties.is_empty() { DEFAULT_PROPERTIES.to_vec() } else { self.properties.iter().map(String::as_str).collect() };
        for required in REQUIRED_PROPERTIES {
            if !names.iter().any(|n| n.eq_ignore_ascii_case(required)) {
                names.insert(0, required);
            }
        }
        Ok(names.join(","))
    }

    fn effective_filter(&self) -> Result<Option<String>, QueryError> {
        let search = match &self.search {
            None => None,
            Some(text) if text.chars().any(char::is_control) => return Err(QueryError::InvalidSearch),
            Some(text) => {
                let quoted = text.replace('\'', "''");
                Some(format!("startswith(displayName,'{quoted}') or startswith(userPrincipalName,'{quoted}')"))
            }
        };
        Ok(match (&self.filter, search) {
            (Some(filter), Some(search)) => Some(format!("({filter}) and ({search})")),
            (Some(filter), None) => Some(filter.clone()),
            (None, search) => search,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn endpoint() -> GraphEndpoint {
        GraphEndpoint::parse("https://graph.microsoft.com").unwrap()
    }

    #[test]
    fn single_user_urls_use_the_safe_identifier_path() {
        let q = UserQuery { user_id: Some("jane_f.com#EXT#@contoso.com".into()), properties: vec!["signInSessionsValidFromDateTime".into()], ..Default::default() };
        let url = q.first_url(&endpoint()).unwrap();
        assert_eq!(url.path(), "/v1.0/users/jane_f.com%23EXT%23@contoso.com");
        assert_eq!(url.query(), Some("%24select=userPrincipalName%2Cid%2CsignInSessionsValidFromDateTime"));
        let bad = UserQuery { user_id: Some("../me".into()), ..Default::default() };
        assert!(matches!(bad.first_url(&endpoint()), Err(QueryError::InvalidIdentifier(_))));
    }

    #[test]
    fn filters_and_searches_are_query_data_with_quotes_doubled() {
        let q = UserQuery { search: Some("O'Brien&$top=1".into()), top: Some(5), ..Default::default() };
        let url = q.first_url(&endpoint()).unwrap();
        let pairs: Vec<(String, String)> = url.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
        assert!(pairs.contains(&("$top".into(), "5".into())));
        assert!(pairs.contains(&("$filter".into(), "startswith(displayName,'O''Brien&$top=1') or startswith(userPrincipalName,'O''Brien&$top=1')".into())));
        assert_eq!(pairs.iter().filter(|(k, _)| k == "$top").count(), 1);
    }

    #[test]
    fn rejects_property_names_that_are_not_names() {
        let q = UserQuery { properties: vec!["id,manager&$expand=x".into()], ..Default::default() };
        assert!(matches!(q.first_url(&endpoint()), Err(QueryError::InvalidProperty(_))));
    }

    #[test]
    fn all_asks_for_the_largest_pages() {
        let q = UserQuery { all: true, ..Default::default() };
        assert!(q.first_url(&endpoint()).unwrap().query().unwrap().contains("%24top=999"));
    }
}
