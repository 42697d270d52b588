//! Revoking the signed-in user's sessions: delegated tokens only, Graph's errors kept.

mod auth_support;

use auth_support::*;
use entra_core::http::HttpSettings;
use entra_core::outcome::Failure;
use entra_core::retry::RetryPolicy;
use entra_core::signed_in_user::{SignedInRevokeError, revoke_signed_in_user};
use entra_core::{FailureKind, Session};
use serde_json::json;
use tokio_util::sync::CancellationToken;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn delegated() -> String {
    jwt(1, json!({"tid": TENANT, "appid": CLIENT_ID, "upn": "AdeleV@contoso.com", "scp": "User.RevokeSessions.All"}))
}

async fn revoke(server: &MockServer, token: String) -> entra_core::signed_in_user::SignedInRevocation {
    let session = Session::with_access_token(&server.uri(), token, &HttpSettings::default()).unwrap();
    revoke_signed_in_user(&session, RetryPolicy::default(), "tests", &CancellationToken::new(), None).await
}

#[tokio::test]
async fn posts_to_me_with_a_delegated_token() {
    let server = MockServer::start().await;
    let token = delegated();
    Mock::given(method("POST"))
        .and(path("/v1.0/me/revokeSignInSessions"))
        .and(header("authorization", format!("Bearer {token}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"value": true})))
        .expect(1)
        .mount(&server)
        .await;
    let done = revoke(&server, token).await;
    assert_eq!(done.result.unwrap().status, 200);
    assert_eq!(done.attempts, 1);
}

#[tokio::test]
async fn app_only_tokens_are_refused_before_any_request_or_by_graph() {
    let server = MockServer::start().await;
    let app_only = jwt(1, json!({"tid": TENANT, "appid": CLIENT_ID, "roles": ["User.RevokeSessions.All"]}));
    assert!(matches!(revoke(&server, app_only).await.result, Err(SignedInRevokeError::AppOnlyToken)));
    assert!(server.received_requests().await.unwrap().is_empty());

    Mock::given(path("/v1.0/me/revokeSignInSessions"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({"error": {"code": "BadRequest", "message": "/me request is only valid with delegated authentication flow."}})))
        .mount(&server)
        .await;
    assert!(matches!(revoke(&server, "opaque-token".into()).await.result, Err(SignedInRevokeError::AppOnlyToken)));
}

#[tokio::test]
async fn a_missing_permission_is_permission_denied() {
    let server = MockServer::start().await;
    Mock::given(path("/v1.0/me/revokeSignInSessions"))
        .respond_with(ResponseTemplate::new(403).set_body_json(json!({"error": {"code": "Authorization_RequestDenied", "message": "Access to invalidate refresh tokens operation is denied."}})))
        .mount(&server)
        .await;
    match revoke(&server, delegated()).await.result {
        Err(SignedInRevokeError::Failed(failure @ Failure::Graph { .. })) => assert_eq!(failure.kind(), FailureKind::PermissionDenied),
        other => panic!("{other:?}"),
    }
}
