//! The device code flow: the prompt the user sees, polling at the server's pace until the
//! sign-in completes (or is declined), and renewal with the rotating refresh token.

mod auth_support;

use auth_support::*;
use entra_core::auth::sign_in::start_device_code;
use entra_core::auth::{EntraErrorKind, TokenSource};
use serde_json::json;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const DEVICE_CODE: &str = "device-code-secret-123";

fn pending() -> ResponseTemplate {
    ResponseTemplate::new(400).set_body_json(json!({
        "error": "authorization_pending",
        "error_description": "AADSTS70016: OAuth 2.0 device flow error. Authorization is pending. Continue polling.",
        "error_codes": [70016]
    }))
}

/// Pending for `polls` polls, then a delegated token with a refresh token; refresh-token grants
/// get a new token and a rotated refresh token.
struct Platform {
    polls: usize,
    seen: AtomicUsize,
    issued: AtomicUsize,
    forms: parking_lot::Mutex<Vec<std::collections::HashMap<String, String>>>,
}

impl Respond for &'static Platform {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let form = form(request);
        self.forms.lock().push(form.clone());
        match form["grant_type"].as_str() {
            "urn:ietf:params:oauth:grant-type:device_code" => {
                assert_eq!(form["device_code"], DEVICE_CODE);
                if self.seen.fetch_add(1, Ordering::SeqCst) < self.polls {
                    return pending();
                }
            }
            "refresh_token" => {
                let expected = format!("refresh-{}", self.issued.load(Ordering::SeqCst));
                if form["refresh_token"] != expected {
                    return ResponseTemplate::new(400).set_body_json(json!({"error": "invalid_grant", "error_description": "AADSTS700082: The refresh token has expired due to inactivity.", "error_codes": [700082]}));
                }
            }
            other => panic!("unexpected grant {other}"),
        }
        let n = self.issued.fetch_add(1, Ordering::SeqCst) + 1;
        let token = jwt(n, json!({"tid": TENANT, "appid": CLIENT_ID, "upn": "AdeleV@contoso.com", "scp": "User.RevokeSessions.All User.Read"}));
        ResponseTemplate::new(200).set_body_json(json!({"token_type": "Bearer", "expires_in": 3600, "access_token": token, "refresh_token": format!("refresh-{n}"), "scope": "User.RevokeSessions.All User.Read"}))
    }
}

async fn server(polls: usize) -> (MockServer, &'static Platform) {
    let platform: &'static Platform = Box::leak(Box::new(Platform { polls, seen: AtomicUsize::new(0), issued: AtomicUsize::new(0), forms: Default::default() }));
    let server = MockServer::start().await;
    Mock::given(path("/organizations/oauth2/v2.0/devicecode"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "user_code": "ABCD-EFGH",
            "device_code": DEVICE_CODE,
            "verification_uri": "https://microsoft.com/devicelogin",
            "expires_in": 900,
            "interval": 0,
            "message": "To sign in, use a web browser to open the page https://microsoft.com/devicelogin and enter the code ABCD-EFGH to authenticate."
        })))
        .mount(&server)
        .await;
    Mock::given(path("/organizations/oauth2/v2.0/token")).respond_with(platform).mount(&server).await;
    (server, platform)
}

#[tokio::test]
async fn shows_the_code_polls_until_approved_and_renews_with_the_refresh_token() {
    let (server, platform) = server(2).await;
    let mut options = options(&server.uri(), "https://graph.microsoft.com");
    options.tenant_id = None;
    options.client_id = None;
    options.scopes = vec!["User.RevokeSessions.All".into(), "User.Read".into()];
    let flow = start_device_code(&options).await.unwrap();
    assert_eq!(flow.prompt().user_code, "ABCD-EFGH");
    assert!(flow.prompt().message.contains("ABCD-EFGH"));
    assert!(!format!("{flow:?}").contains(DEVICE_CODE));

    let source = flow.with_min_poll_interval(Duration::from_millis(10)).complete().await.unwrap();
    assert_eq!(platform.seen.load(Ordering::SeqCst), 3, "two pending answers, then the token");
    assert_eq!(source.kind(), "DeviceCode");
    let claims = source.claims();
    assert_eq!(claims.account.as_deref(), Some("AdeleV@contoso.com"));
    assert!(claims.is_delegated());

    let forms = platform.forms.lock().clone();
    assert_eq!(forms[0]["client_id"], "14d82eec-204b-4c2f-b7e8-296a70dab67e", "Microsoft Graph Command Line Tools by default");
    let devicecode_request = &server.received_requests().await.unwrap()[0];
    let asked: std::collections::HashMap<String, String> = url::form_urlencoded::parse(&devicecode_request.body).into_owned().collect();
    assert_eq!(asked["scope"], "https://graph.microsoft.com/User.RevokeSessions.All https://graph.microsoft.com/User.Read offline_access");

    // Renewals use the latest refresh token each time (the platform rotates it).
    let t1 = source.access_token().await.unwrap();
    let t2 = source.refresh(&t1).await.unwrap();
    assert_eq!(token_number(t2.expose()), Some(2));
    assert!(matches!(source.refresh(&t2).await, Err(entra_core::auth::AuthError::RejectedAfterRenewal)));
    let forms = platform.forms.lock().clone();
    assert_eq!(forms.last().unwrap()["grant_type"], "refresh_token");
    assert_eq!(forms.last().unwrap()["refresh_token"], "refresh-1");
}

#[tokio::test]
async fn a_declined_sign_in_ends_the_flow_with_a_typed_error() {
    let server = MockServer::start().await;
    Mock::given(path("/organizations/oauth2/v2.0/devicecode"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"user_code": "X", "device_code": "d", "verification_uri": "https://microsoft.com/devicelogin", "expires_in": 900, "interval": 0})))
        .mount(&server)
        .await;
    Mock::given(path("/organizations/oauth2/v2.0/token"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({"error": "authorization_declined", "error_description": "AADSTS70000: The user denied the authorization request.", "error_codes": [70000]})))
        .mount(&server)
        .await;
    let mut options = options(&server.uri(), "https://graph.microsoft.com");
    options.tenant_id = None;
    let flow = start_device_code(&options).await.unwrap();
    assert!(flow.prompt().message.contains("https://microsoft.com/devicelogin"), "a message is composed when the server sends none");
    let error = flow.with_min_poll_interval(Duration::from_millis(10)).complete().await.unwrap_err();
    assert_eq!(error.entra().unwrap().kind, EntraErrorKind::AuthorizationDeclined);
}

#[tokio::test]
async fn slow_down_makes_polling_slower() {
    let server = MockServer::start().await;
    Mock::given(path("/organizations/oauth2/v2.0/devicecode"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"user_code": "X", "device_code": "d", "verification_uri": "https://microsoft.com/devicelogin", "expires_in": 900, "interval": 0})))
        .mount(&server)
        .await;
    Mock::given(path("/organizations/oauth2/v2.0/token"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({"error": "slow_down", "error_description": "AADSTS70016: slow down"})))
        .mount(&server)
        .await;
    let mut options = options(&server.uri(), "https://graph.microsoft.com");
    options.tenant_id = None;
    let flow = start_device_code(&options).await.unwrap().with_min_poll_interval(Duration::from_millis(10));
    // After one slow_down the next poll waits 5 s more: within 2 s only one poll happens.
    let _ = tokio::time::timeout(Duration::from_secs(2), flow.complete()).await;
    assert_eq!(server.received_requests().await.unwrap().len(), 2, "the device code request and one poll");
}
