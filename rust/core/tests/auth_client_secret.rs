//! Client credentials with a secret against a fake identity platform: what is sent where, what
//! comes back, and how refusals surface (typed, with the AADSTS code, never the secret).

mod auth_support;

use auth_support::*;
use entra_core::auth::sign_in::with_client_secret;
use entra_core::auth::{AuthError, EntraErrorKind, TokenSource};
use secrecy::SecretString;
use serde_json::json;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn platform(issuer: &'static Issuer) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST")).and(path(token_path())).and(header("content-type", "application/x-www-form-urlencoded")).respond_with(issuer).mount(&server).await;
    server
}

#[tokio::test]
async fn signs_in_with_the_environment_endpoints_and_the_default_scope() {
    let issuer = issuer(Some(SECRET), 3600);
    let server = platform(issuer).await;
    let options = options(&server.uri(), "https://graph.microsoft.us");
    let source = with_client_secret(&options, SecretString::from(SECRET)).await.unwrap();

    let form = issuer.forms.lock()[0].clone();
    assert_eq!(form["grant_type"], "client_credentials");
    assert_eq!(form["client_id"], CLIENT_ID);
    assert_eq!(form["client_secret"], SECRET);
    assert_eq!(form["scope"], "https://graph.microsoft.us/.default", "the token is asked of the connected cloud's Graph");
    assert_eq!(source.kind(), "ClientSecret");
    let claims = source.claims();
    assert_eq!(claims.tenant_id.as_deref(), Some(TENANT));
    assert_eq!(claims.app_id.as_deref(), Some(CLIENT_ID));
    assert_eq!(claims.roles, vec!["User.RevokeSessions.All".to_owned()]);
    assert_eq!(token_number(source.access_token().await.unwrap().expose()), Some(1));
    assert!(!format!("{source:?}").contains(SECRET));
}

#[tokio::test]
async fn a_wrong_secret_is_a_typed_refusal_that_never_shows_the_secret() {
    let server = platform(issuer(Some(SECRET), 3600)).await;
    let wrong = "not-the-secret-XYZ";
    let error = with_client_secret(&options(&server.uri(), "https://graph.microsoft.com"), SecretString::from(wrong)).await.unwrap_err();
    let entra = error.entra().expect("Entra's own answer");
    assert_eq!(entra.kind, EntraErrorKind::InvalidClientSecret);
    assert_eq!(entra.aadsts.as_deref(), Some("AADSTS7000215"));
    assert_eq!(entra.http_status, 401);
    assert_eq!(entra.trace_id.as_deref(), Some("trace-1"));
    let text = format!("{error} {error:?}");
    assert!(text.contains("AADSTS7000215") && !text.contains(wrong), "{text}");
}

#[tokio::test]
async fn unknown_tenants_and_clients_are_told_apart() {
    let server = MockServer::start().await;
    Mock::given(path(token_path())).respond_with(ResponseTemplate::new(400).set_body_json(json!({
        "error": "invalid_request",
        "error_description": format!("AADSTS90002: Tenant '{TENANT}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud."),
        "error_codes": [90002]
    }))).mount(&server).await;
    let error = with_client_secret(&options(&server.uri(), "https://graph.microsoft.com"), SecretString::from(SECRET)).await.unwrap_err();
    assert_eq!(error.entra().unwrap().kind, EntraErrorKind::UnknownTenant);

    server.reset().await;
    Mock::given(path(token_path())).respond_with(ResponseTemplate::new(400).set_body_json(json!({
        "error": "unauthorized_client",
        "error_description": format!("AADSTS700016: Application with identifier '{CLIENT_ID}' was not found in the directory 'Contoso'."),
        "error_codes": [700016]
    }))).mount(&server).await;
    let error = with_client_secret(&options(&server.uri(), "https://graph.microsoft.com"), SecretString::from(SECRET)).await.unwrap_err();
    assert_eq!(error.entra().unwrap().kind, EntraErrorKind::UnknownClient);
}

#[tokio::test]
async fn throttling_and_outages_of_the_platform_are_retried_then_reported() {
    let issuer = issuer(Some(SECRET), 3600);
    let server = MockServer::start().await;
    Mock::given(path(token_path())).respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "0")).up_to_n_times(1).with_priority(1).mount(&server).await;
    Mock::given(path(token_path())).respond_with(ResponseTemplate::new(503).insert_header("Retry-After", "0")).up_to_n_times(1).with_priority(2).mount(&server).await;
    Mock::given(path(token_path())).respond_with(issuer).with_priority(3).mount(&server).await;
    let source = with_client_secret(&options(&server.uri(), "https://graph.microsoft.com"), SecretString::from(SECRET)).await.unwrap();
    assert_eq!(token_number(source.access_token().await.unwrap().expose()), Some(1));

    server.reset().await;
    Mock::given(path(token_path())).respond_with(ResponseTemplate::new(503).insert_header("Retry-After", "0")).mount(&server).await;
    let error = with_client_secret(&options(&server.uri(), "https://graph.microsoft.com"), SecretString::from(SECRET)).await.unwrap_err();
    assert!(matches!(&error, AuthError::Unavailable(m) if m.contains("kept failing")), "{error}");
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
}

#[tokio::test]
async fn app_only_sign_in_needs_a_tenant_and_a_client_id_and_refuses_injected_tenants() {
    let mut no_tenant = options("https://login.microsoftonline.com", "https://graph.microsoft.com");
    no_tenant.tenant_id = None;
    assert!(matches!(with_client_secret(&no_tenant, SecretString::from(SECRET)).await, Err(AuthError::InvalidCredential(m)) if m.contains("tenant id")));
    let mut no_client = options("https://login.microsoftonline.com", "https://graph.microsoft.com");
    no_client.client_id = None;
    assert!(matches!(with_client_secret(&no_client, SecretString::from(SECRET)).await, Err(AuthError::InvalidCredential(m)) if m.contains("client id")));
    let mut injected = options("https://login.microsoftonline.com", "https://graph.microsoft.com");
    injected.tenant_id = Some("../common".into());
    assert!(matches!(with_client_secret(&injected, SecretString::from(SECRET)).await, Err(AuthError::InvalidCredential(_))));
    let insecure = options("http://login.microsoftonline.com", "https://graph.microsoft.com");
    assert!(matches!(with_client_secret(&insecure, SecretString::from(SECRET)).await, Err(AuthError::InvalidCredential(m)) if m.contains("https")));
}
