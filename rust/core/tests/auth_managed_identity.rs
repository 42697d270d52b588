//! Managed identity: the IMDS and App Service endpoints, each with its own header and query,
//! the user-assigned identity by client id, and the failures an admin can act on.

mod auth_support;

use auth_support::*;
use entra_core::auth::managed_identity::ManagedIdentityEnvironment;
use entra_core::auth::sign_in::with_managed_identity;
use entra_core::auth::{AuthError, EntraErrorKind, TokenSource};
use secrecy::SecretString;
use serde_json::json;
use std::time::Duration;
use wiremock::matchers::{header, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn token_answer(lifetime: &str) -> ResponseTemplate {
    let token = jwt(1, json!({"tid": TENANT, "appid": "mi-client", "roles": ["User.RevokeSessions.All"]}));
    ResponseTemplate::new(200).set_body_json(json!({"access_token": token, "expires_in": lifetime, "expires_on": "1", "resource": "https://graph.microsoft.com", "token_type": "Bearer"}))
}

#[tokio::test]
async fn imds_is_asked_with_metadata_header_for_the_graph_resource() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/metadata/identity/oauth2/token"))
        .and(header("Metadata", "true"))
        .and(query_param("api-version", "2018-02-01"))
        .and(query_param("resource", "https://graph.microsoft.com"))
        .and(query_param_is_missing("client_id"))
        .respond_with(token_answer("3599"))
        .expect(1)
        .mount(&server)
        .await;
    let mut options = options("https://login.microsoftonline.com", "https://graph.microsoft.com");
    options.client_id = None;
    let environment = ManagedIdentityEnvironment { imds_authority_host: Some(server.uri()), ..Default::default() };
    let source = with_managed_identity(&options, environment).await.unwrap();
    assert_eq!(source.kind(), "ManagedIdentity");
    assert_eq!(source.claims().app_id.as_deref(), Some("mi-client"));
}

#[tokio::test]
async fn app_service_is_asked_with_the_identity_header_and_the_user_assigned_client_id() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/msi/token"))
        .and(header("X-IDENTITY-HEADER", "identity-header-secret"))
        .and(query_param("api-version", "2019-08-01"))
        .and(query_param("client_id", "user-assigned-1"))
        .respond_with(token_answer("600"))
        .expect(1)
        .mount(&server)
        .await;
    let mut options = options("https://login.microsoftonline.com", "https://graph.microsoft.com");
    options.client_id = Some("user-assigned-1".into());
    let environment = ManagedIdentityEnvironment {
        identity_endpoint: Some(format!("{}/msi/token", server.uri())),
        identity_header: Some(SecretString::from("identity-header-secret")),
        imds_authority_host: Some("http://127.0.0.1:9".into()),
    };
    with_managed_identity(&options, environment).await.unwrap();
}

#[tokio::test]
async fn an_unknown_user_assigned_identity_is_named_as_such() {
    let server = MockServer::start().await;
    Mock::given(path("/metadata/identity/oauth2/token"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({"error": "invalid_request", "error_description": "Identity not found"})))
        .mount(&server)
        .await;
    let environment = ManagedIdentityEnvironment { imds_authority_host: Some(server.uri()), ..Default::default() };
    let error = with_managed_identity(&options("https://login.microsoftonline.com", "https://graph.microsoft.com"), environment).await.unwrap_err();
    assert_eq!(error.entra().unwrap().kind, EntraErrorKind::ManagedIdentityNotFound);
}

#[tokio::test]
async fn no_endpoint_means_a_clear_unavailable_error_quickly() {
    // A port nobody listens on: connection refused, retried twice, then reported.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let environment = ManagedIdentityEnvironment { imds_authority_host: Some(format!("http://127.0.0.1:{port}")), ..Default::default() };
    let started = std::time::Instant::now();
    let error = with_managed_identity(&options("https://login.microsoftonline.com", "https://graph.microsoft.com"), environment).await.unwrap_err();
    assert!(matches!(&error, AuthError::Unavailable(m) if m.contains("instance metadata") && m.contains("could not be reached")), "{error}");
    assert!(started.elapsed() < Duration::from_secs(10));
}
