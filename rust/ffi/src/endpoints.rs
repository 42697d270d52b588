//! `check_endpoints`: Add-EntraEnvironment asks the rule Connect-Entra applies
//! (`entra_core::endpoint::GraphEndpoint`), so an environment it accepts can be connected to.

use crate::dto::{INTERNAL_ERROR_MESSAGE, to_json};
use crate::panic_boundary::guard_json;
use entra_core::endpoint::GraphEndpoint;
use interoptopus::ffi;
use serde::Serialize;

boundary_document! {
    /// One endpoint's verdict: its normalised origin, or why it is refused.
    #[csharp = "EndpointVerdict"]
    #[derive(PartialEq, Eq)]
    pub(crate) struct EndpointVerdict {
        #[serde(skip_serializing_if = "Option::is_none")]
        origin: Option<String> => "string?",
        #[serde(skip_serializing_if = "Option::is_none")]
        error: Option<String> => "string?",
    }
}

impl EndpointVerdict {
    fn of(text: &str) -> Self {
        match GraphEndpoint::parse(text) {
            Ok(endpoint) => Self { origin: Some(endpoint.as_str().to_owned()), error: None },
            Err(error) => Self { origin: None, error: Some(error.to_string()) },
        }
    }
}

boundary_document! {
    /// check_endpoints' answer: the verdicts on an environment's Graph and sign-in endpoints.
    #[csharp = "EndpointCheckRecord"]
    pub(crate) struct EndpointPairVerdict {
        graph_endpoint: EndpointVerdict => "EndpointVerdict",
        azure_ad_endpoint as "azureADEndpoint": EndpointVerdict => "EndpointVerdict",
    }
}

pub(crate) fn check(graph_endpoint: &str, azure_ad_endpoint: &str) -> String {
    let verdict = EndpointPairVerdict { graph_endpoint: EndpointVerdict::of(graph_endpoint), azure_ad_endpoint: EndpointVerdict::of(azure_ad_endpoint) };
    to_json(&verdict)
}

/// Both endpoints refused with the internal-error message: the answer after a caught panic.
pub(crate) fn internal_error() -> String {
    let refused = || EndpointVerdict { origin: None, error: Some(INTERNAL_ERROR_MESSAGE.to_owned()) };
    to_json(&EndpointPairVerdict { graph_endpoint: refused(), azure_ad_endpoint: refused() })
}

/// Validates an environment's Graph and sign-in endpoints as Connect-Entra will. Answers JSON
/// {"graphEndpoint":{"origin"|"error"},"azureADEndpoint":{"origin"|"error"}}: `origin` is the
/// normalised `scheme://host[:port]`, `error` the reason in words.
#[ffi]
pub fn check_endpoints(graph_endpoint: ffi::String, azure_ad_endpoint: ffi::String) -> ffi::String {
    guard_json(internal_error, || check(graph_endpoint.as_str(), azure_ad_endpoint.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_the_origin_of_each_valid_endpoint() {
        assert_eq!(
            check("https://graph.microsoft.us/", "http://127.0.0.1:5000"),
            r#"{"graphEndpoint":{"origin":"https://graph.microsoft.us"},"azureADEndpoint":{"origin":"http://127.0.0.1:5000"}}"#
        );
    }

    #[test]
    fn answers_the_core_rule_text_for_each_refused_endpoint() {
        let json: serde_json::Value = serde_json::from_str(&check("http://graph.example.com", "https://login.example.com/tenant")).unwrap();
        assert_eq!(json["graphEndpoint"]["error"], GraphEndpoint::parse("http://graph.example.com").unwrap_err().to_string());
        assert_eq!(json["azureADEndpoint"]["error"], GraphEndpoint::parse("https://login.example.com/tenant").unwrap_err().to_string());
        assert!(json["graphEndpoint"].get("origin").is_none());
    }

    #[test]
    fn after_a_panic_refuses_both_endpoints_as_an_internal_error() {
        let json: serde_json::Value = serde_json::from_str(&internal_error()).unwrap();
        assert_eq!(json, serde_json::json!({"graphEndpoint": {"error": INTERNAL_ERROR_MESSAGE}, "azureADEndpoint": {"error": INTERNAL_ERROR_MESSAGE}}));
    }
}
