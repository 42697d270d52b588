//! Graph's error envelope, standard headers, authentication and permissions.

mod common;

use common::{ADELE_ID, Emu, json};
use serde_json::json;

const JSON_TYPE: &str = "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8";

#[tokio::test]
async fn not_found_envelope_matches_headers() {
    let emu = Emu::start().await;
    let r = emu.post("/users/nobody@contoso.com/revokeSignInSessions").await;
    assert_eq!(r.status(), 404);
    let h = r.headers().clone();
    let request_id = h["request-id"].to_str().unwrap().to_string();
    assert_eq!(request_id.len(), 36);
    assert_eq!(h["content-type"], JSON_TYPE);
    assert_eq!(h["cache-control"], "no-cache");
    assert_eq!(h["strict-transport-security"], "max-age=31536000");
    assert!(h["x-ms-ags-diagnostic"].to_str().unwrap().contains("\"DataCenter\":\"Emulator\""));
    assert!(h.contains_key("date"));
    let body = json(r).await;
    let error = &body["error"];
    assert_eq!(error["code"], "Request_ResourceNotFound");
    assert_eq!(
        error["message"],
        "Resource 'nobody@contoso.com' does not exist or one of its queried reference-property objects are not present."
    );
    assert_eq!(error["innerError"]["request-id"], request_id.as_str());
    assert_eq!(error["innerError"]["client-request-id"], h["client-request-id"].to_str().unwrap());
    let date = error["innerError"]["date"].as_str().unwrap();
    assert_eq!(date.len(), 19, "{date}");
    // Nothing else in the envelope.
    assert_eq!(body.as_object().unwrap().len(), 1);
    assert_eq!(error.as_object().unwrap().len(), 3);
}

#[tokio::test]
async fn client_request_id_is_echoed() {
    let emu = Emu::start().await;
    let r = emu
        .client
        .post(emu.v1("/users/nobody@contoso.com/revokeSignInSessions"))
        .header("Authorization", emu.bearer())
        .header("client-request-id", "my-correlation-id")
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["client-request-id"], "my-correlation-id");
    assert_eq!(json(r).await["error"]["innerError"]["client-request-id"], "my-correlation-id");
    // Control endpoints carry the same headers.
    let r = emu.client.get(emu.url("/_emulator/health")).header("client-request-id", "c2").send().await.unwrap();
    assert_eq!(r.headers()["client-request-id"], "c2");
    assert!(r.headers().contains_key("request-id"));
    assert_eq!(json(r).await, json!({"status": "ok"}));
}

#[tokio::test]
async fn unauthenticated_requests_get_401() {
    let emu = Emu::start().await;
    let path = emu.v1(&format!("/users/{ADELE_ID}/revokeSignInSessions"));
    let cases = [
        (None, "Access token is empty."),
        (Some("Bearer nodots"), "IDX14100: JWT is not well formed, there are no dots (.)."),
        (Some("Bearer a.b.c"), "Access token validation failure. Invalid audience."),
    ];
    for (auth, message) in cases {
        let mut req = emu.client.post(&path);
        if let Some(a) = auth {
            req = req.header("Authorization", a);
        }
        let r = req.send().await.unwrap();
        assert_eq!(r.status(), 401);
        assert!(r.headers()["www-authenticate"].to_str().unwrap().starts_with("Bearer realm=\"\""));
        let body = json(r).await;
        assert_eq!(body["error"]["code"], "InvalidAuthenticationToken");
        assert_eq!(body["error"]["message"], message);
    }
    emu.register_token(json!({"token": "old", "roles": ["User.RevokeSessions.All"], "expiresAt": "2020-01-01T00:00:00Z"})).await;
    let r = emu.client.post(&path).header("Authorization", "Bearer old").send().await.unwrap();
    assert_eq!(r.status(), 401);
    assert_eq!(json(r).await["error"]["message"], "Lifetime validation failed, the token is expired.");
    assert_eq!(emu.stats().await["totalRevocations"], 0);
}

#[tokio::test]
async fn missing_roles_get_403() {
    let emu = Emu::start().await;
    emu.register_token(json!({"token": "reader", "kind": "app", "roles": ["User.Read.All"]})).await;
    emu.register_token(json!({"token": "revoker", "kind": "app", "roles": ["User.RevokeSessions.All"]})).await;
    let revoke = emu.v1("/users/AdeleV@contoso.com/revokeSignInSessions");
    let r = emu.client.post(&revoke).bearer_auth("reader").send().await.unwrap();
    assert_eq!(r.status(), 403);
    let body = json(r).await;
    assert_eq!(body["error"]["code"], "Authorization_RequestDenied");
    assert_eq!(body["error"]["message"], "Access to invalidate refresh tokens operation is denied.");

    let r = emu.client.get(emu.v1("/users/AdeleV@contoso.com")).bearer_auth("revoker").send().await.unwrap();
    assert_eq!(r.status(), 403);
    assert_eq!(json(r).await["error"]["message"], "Insufficient privileges to complete the operation.");
    let r = emu.client.post(&revoke).bearer_auth("revoker").send().await.unwrap();
    assert_eq!(r.status(), 200);
}

#[tokio::test]
async fn me_needs_a_delegated_token() {
    let emu = Emu::start().await;
    let r = emu.post("/me/revokeSignInSessions").await;
    assert_eq!(r.status(), 400);
    let body = json(r).await;
    assert_eq!(body["error"]["code"], "BadRequest");
    assert_eq!(body["error"]["message"], "/me request is only valid with delegated authentication flow.");

    emu.register_token(json!({"token": "alex", "kind": "delegated", "userId": "AlexW@contoso.com", "scopes": ["User.RevokeSessions.All", "User.Read"]})).await;
    let r = emu.client.post(emu.v1("/me/revokeSignInSessions")).bearer_auth("alex").send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(emu.user_state("AlexW@contoso.com").await["revocations"], 1);
    let me = json(emu.client.get(emu.v1("/me")).bearer_auth("alex").send().await.unwrap()).await;
    assert_eq!(me["userPrincipalName"], "AlexW@contoso.com");
    // A delegated token without a userId is refused at registration.
    let (status, _) = emu.control_post("/tokens", json!({"token": "x", "kind": "delegated"})).await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn routing_errors() {
    let emu = Emu::start().await;
    let r = emu.get("/groups").await;
    assert_eq!(r.status(), 400);
    assert_eq!(json(r).await["error"]["message"], "Resource not found for the segment 'groups'.");
    let r = emu.post("/users/AdeleV@contoso.com/revokeEverything").await;
    assert_eq!(json(r).await["error"]["message"], "Resource not found for the segment 'revokeEverything'.");
    let r = emu.get("/users/AdeleV@contoso.com/revokeSignInSessions").await;
    assert_eq!(r.status(), 405);
    assert_eq!(json(r).await["error"]["code"], "Request_BadRequest");
    let r = emu.post("/users//revokeSignInSessions").await;
    assert_eq!(r.status(), 400);
    assert_eq!(json(r).await["error"]["message"], "Invalid object identifier ''.");
    let r = emu.client.get(emu.url("/v2.0/users")).bearer_auth("emulator-token").send().await.unwrap();
    assert_eq!(r.status(), 400);
    let r = emu.post("/users/00000000-0000-0000-0000-000000000000/revokeSignInSessions").await;
    assert_eq!(r.status(), 404);
    let stats = emu.stats().await;
    assert_eq!(stats["totalRequests"], 6);
    assert_eq!(stats["byStatus"]["400"], 4);
}
