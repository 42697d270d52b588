//! How a user looks on the wire, and `$select`. Like real Graph, the ValidFrom timestamps,
//! userType and accountEnabled are returned only when selected.

use serde_json::{Map, Value, json};

use crate::graph_error::GraphError;
use crate::timefmt::graph_timestamp;
use crate::users::User;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prop {
    Id,
    BusinessPhones,
    DisplayName,
    GivenName,
    JobTitle,
    Mail,
    MobilePhone,
    OfficeLocation,
    PreferredLanguage,
    Surname,
    UserPrincipalName,
    UserType,
    AccountEnabled,
    SignInSessionsValidFromDateTime,
    RefreshTokensValidFromDateTime,
}

const ALL: [Prop; 15] = [
    Prop::Id,
    Prop::BusinessPhones,
    Prop::DisplayName,
    Prop::GivenName,
    Prop::JobTitle,
    Prop::Mail,
    Prop::MobilePhone,
    Prop::OfficeLocation,
    Prop::PreferredLanguage,
    Prop::Surname,
    Prop::UserPrincipalName,
    Prop::UserType,
    Prop::AccountEnabled,
    Prop::SignInSessionsValidFromDateTime,
    Prop::RefreshTokensValidFromDateTime,
];

/// What Graph returns for a user when no `$select` is given.
pub const DEFAULT_PROPS: &[Prop] = &[
    Prop::Id,
    Prop::BusinessPhones,
    Prop::DisplayName,
    Prop::GivenName,
    Prop::JobTitle,
    Prop::Mail,
    Prop::MobilePhone,
    Prop::OfficeLocation,
    Prop::PreferredLanguage,
    Prop::Surname,
    Prop::UserPrincipalName,
];

impl Prop {
    pub fn name(self) -> &'static str {
        match self {
            Self::Id => "id",
            Self::BusinessPhones => "businessPhones",
            Self::DisplayName => "displayName",
            Self::GivenName => "givenName",
            Self::JobTitle => "jobTitle",
            Self::Mail => "mail",
            Self::MobilePhone => "mobilePhone",
            Self::OfficeLocation => "officeLocation",
            Self::PreferredLanguage => "preferredLanguage",
            Self::Surname => "surname",
            Self::UserPrincipalName => "userPrincipalName",
            Self::UserType => "userType",
            Self::AccountEnabled => "accountEnabled",
            Self::SignInSessionsValidFromDateTime => "signInSessionsValidFromDateTime",
            Self::RefreshTokensValidFromDateTime => "refreshTokensValidFromDateTime",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        ALL.into_iter().find(|p| p.name().eq_ignore_ascii_case(name))
    }

    fn value(self, u: &User) -> Value {
        let opt = |v: &Option<String>| v.as_deref().map_or(Value::Null, Value::from);
        match self {
            Self::Id => Value::from(u.id_string()),
            Self::BusinessPhones => json!(u.business_phones),
            Self::DisplayName => Value::from(u.display_name.as_str()),
            Self::GivenName => opt(&u.given_name),
            Self::JobTitle => opt(&u.job_title),
            Self::Mail => opt(&u.mail),
            Self::MobilePhone => opt(&u.mobile_phone),
            Self::OfficeLocation => opt(&u.office_location),
            Self::PreferredLanguage => opt(&u.preferred_language),
            Self::Surname => opt(&u.surname),
            Self::UserPrincipalName => Value::from(u.user_principal_name.as_str()),
            Self::UserType => Value::from(u.user_type.as_str()),
            Self::AccountEnabled => Value::from(u.account_enabled),
            Self::SignInSessionsValidFromDateTime => Value::from(graph_timestamp(u.sign_in_sessions_valid_from())),
            Self::RefreshTokensValidFromDateTime => Value::from(graph_timestamp(u.refresh_tokens_valid_from())),
        }
    }
}

/// The properties to return and how `@odata.context` names the entity set.
#[derive(Debug, Clone, PartialEq)]
pub struct Selection {
    pub props: Vec<Prop>,
    pub explicit: bool,
}

impl Selection {
    /// Parses `$select` (names case-insensitive, canonical spelling in the output).
    pub fn parse(select: Option<&str>) -> Result<Self, GraphError> {
        let Some(select) = select.filter(|s| !s.trim().is_empty()) else {
            return Ok(Self { props: DEFAULT_PROPS.to_vec(), explicit: false });
        };
        let mut props = Vec::new();
        for name in select.split(',').map(str::trim).filter(|n| !n.is_empty()) {
            let prop = Prop::parse(name).ok_or_else(|| {
                GraphError::bad_request(format!("Could not find a property named '{name}' on type 'microsoft.graph.user'."))
            })?;
            if !props.contains(&prop) {
                props.push(prop);
            }
        }
        Ok(Self { props, explicit: true })
    }

    /// `users` or `users(id,displayName)`.
    pub fn entity_set(&self) -> String {
        if self.explicit {
            let names: Vec<&str> = self.props.iter().map(|p| p.name()).collect();
            format!("users({})", names.join(","))
        } else {
            "users".to_string()
        }
    }

    pub fn render(&self, user: &User) -> Map<String, Value> {
        self.props.iter().map(|p| (p.name().to_string(), p.value(user))).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seed::directory;

    #[test]
    fn default_hides_timestamps() {
        let users = directory(0);
        let adele = users.find("AdeleV@contoso.com").unwrap();
        let sel = Selection::parse(None).unwrap();
        let v = sel.render(&adele);
        assert_eq!(v.len(), 11);
        assert!(!v.contains_key("signInSessionsValidFromDateTime"));
        assert_eq!(sel.entity_set(), "users");
    }

    #[test]
    fn select_is_case_insensitive() {
        let users = directory(0);
        let adele = users.find("adelev@contoso.com").unwrap();
        let sel = Selection::parse(Some("ID, signinsessionsvalidfromdatetime")).unwrap();
        let v = sel.render(&adele);
        assert_eq!(v["signInSessionsValidFromDateTime"], "2024-01-01T00:00:00Z");
        assert_eq!(v.len(), 2);
        assert_eq!(sel.entity_set(), "users(id,signInSessionsValidFromDateTime)");
        assert!(Selection::parse(Some("id,nope")).is_err());
    }
}
