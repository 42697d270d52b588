//! revokeSignInSessions in every addressing form Graph accepts.

mod common;

use common::{ADELE_ID, Emu, INITIAL, json};
use serde_json::Value;

async fn assert_revoked(emu: &Emu, path: &str, control_key: &str) {
    assert_answered(emu, path).await;
    let state = emu.user_state(control_key).await;
    assert_eq!(state["revocations"], 1, "{path}");
    let stamp = state["signInSessionsValidFromDateTime"].as_str().unwrap();
    assert_ne!(stamp, INITIAL);
    assert_eq!(stamp.len(), 20, "seconds precision: {stamp}");
    assert_eq!(state["refreshTokensValidFromDateTime"], stamp);
}

/// An external guest: Graph answers success, the record stays (its sessions live in its home tenant).
async fn assert_answered_but_unchanged(emu: &Emu, path: &str, control_key: &str) {
    assert_answered(emu, path).await;
    let state = emu.user_state(control_key).await;
    assert_eq!(state["revocations"], 1, "{path}");
    assert_eq!(state["signInSessionsValidFromDateTime"], INITIAL);
    assert_eq!(state["refreshTokensValidFromDateTime"], INITIAL);
}

async fn assert_answered(emu: &Emu, path: &str) {
    let r = emu.post(path).await;
    assert_eq!(r.status(), 200, "{path}");
    let body = json(r).await;
    assert_eq!(body["@odata.context"], "https://graph.microsoft.com/v1.0/$metadata#Edm.Boolean");
    assert_eq!(body["value"], true);
}

#[tokio::test]
async fn revoke_by_guid_upn_quoted_and_guest() {
    let emu = Emu::start().await;
    assert_revoked(&emu, &format!("/users/{ADELE_ID}/revokeSignInSessions"), ADELE_ID).await;
    assert_revoked(&emu, "/users/ALEXW@contoso.com/revokeSignInSessions", "AlexW@contoso.com").await;
    assert_revoked(&emu, "/users('$svc-backup@contoso.com')/revokeSignInSessions", "%24svc-backup@contoso.com").await;
    assert_answered_but_unchanged(
        &emu,
        "/users/jane.doe_fabrikam.com%23EXT%23@contoso.onmicrosoft.com/revokeSignInSessions",
        "jane.doe_fabrikam.com%23EXT%23@contoso.onmicrosoft.com",
    )
    .await;

    let stats = emu.stats().await;
    assert_eq!(stats["totalRevocations"], 4);
    assert_eq!(stats["revokedUsers"], 4);
    assert_eq!(stats["revocations"][ADELE_ID], 1);
    assert_eq!(stats["byStatus"]["200"], 4);
}

#[tokio::test]
async fn revoke_is_visible_through_select() {
    let emu = Emu::start().await;
    let before = json(emu.get("/users/MeganB@contoso.com?$select=id,signInSessionsValidFromDateTime").await).await;
    assert_eq!(before["signInSessionsValidFromDateTime"], INITIAL);
    assert_eq!(emu.post("/users/MeganB@contoso.com/revokeSignInSessions").await.status(), 200);
    let after = json(emu.get("/users/MeganB@contoso.com?$select=signInSessionsValidFromDateTime,refreshTokensValidFromDateTime").await).await;
    assert_ne!(after["signInSessionsValidFromDateTime"], INITIAL);
    assert_eq!(after["signInSessionsValidFromDateTime"], after["refreshTokensValidFromDateTime"]);
}

#[tokio::test]
async fn dollar_upn_needs_the_quoted_form_and_quotes_are_doubled() {
    let emu = Emu::start().await;
    let r = emu.post("/users/$svc-backup@contoso.com/revokeSignInSessions").await;
    assert_eq!(r.status(), 400);
    assert_eq!(json(r).await["error"]["message"], "Resource not found for the segment '$svc-backup@contoso.com'.");

    let (status, _) = emu
        .control_post("/users", serde_json::json!({"users":[{"userPrincipalName":"o'brien@contoso.com","displayName":"Pat O'Brien"}]}))
        .await;
    assert_eq!(status, 201);
    assert_eq!(emu.post("/users('o''brien@contoso.com')/revokeSignInSessions").await.status(), 200);
    assert_eq!(emu.post("/users('o'brien@contoso.com')/revokeSignInSessions").await.status(), 400);
}

#[tokio::test]
async fn encoded_slash_is_data_not_a_separator() {
    let emu = Emu::start().await;
    // `a%2Fb@contoso.com` is one (unknown) id: 404, never a different route.
    let r = emu.post("/users/a%2FAdeleV@contoso.com/revokeSignInSessions").await;
    assert_eq!(r.status(), 404);
    let body: Value = json(r).await;
    assert_eq!(body["error"]["code"], "Request_ResourceNotFound");
    // A non-UPN, non-GUID id is an invalid identifier.
    let r = emu.post("/users/..%2Fme/revokeSignInSessions").await;
    assert_eq!(r.status(), 400);
    assert_eq!(json(r).await["error"]["message"], "Invalid object identifier '../me'.");
    assert_eq!(emu.stats().await["totalRevocations"], 0);
}

#[tokio::test]
async fn beta_works_too() {
    let emu = Emu::start().await;
    let r = emu
        .client
        .post(emu.url("/beta/users/LeeG@contoso.com/revokeSignInSessions"))
        .header("Authorization", emu.bearer())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(json(r).await["@odata.context"], "https://graph.microsoft.com/beta/$metadata#Edm.Boolean");
}

#[tokio::test]
async fn generated_users_are_addressable() {
    let emu = Emu::with_users(1000).await;
    assert_eq!(emu.post("/users/user000999@contoso.com/revokeSignInSessions").await.status(), 200);
    assert_eq!(emu.post("/users/00000000-0000-4000-8000-000000000500/revokeSignInSessions").await.status(), 200);
    assert_eq!(emu.post("/users/user001001@contoso.com/revokeSignInSessions").await.status(), 404);
    let user = json(emu.get("/users/00000000-0000-4000-8000-000000000500?$select=displayName,userPrincipalName").await).await;
    assert_eq!(user["displayName"], "User 500");
    assert_eq!(user["userPrincipalName"], "user000500@contoso.com");
}

/// What -Verify reads after a revocation, alone and inside `$batch`: a member's record moved, a
/// guest's did not; without a read role the read is Graph's 403 envelope (the revocation still works).
#[tokio::test]
async fn the_record_read_back_moved_for_members_not_guests_and_needs_a_read_role() {
    let emu = Emu::start().await;
    let select = "?$select=id,userPrincipalName,userType,signInSessionsValidFromDateTime";
    for user in ["MeganB@contoso.com", "sam.rivera_tailspintoys.com%23EXT%23@contoso.onmicrosoft.com"] {
        assert_eq!(emu.post(&format!("/users/{user}/revokeSignInSessions")).await.status(), 200);
    }
    let megan = json(emu.get(&format!("/users/MeganB@contoso.com{select}")).await).await;
    assert_ne!(megan["signInSessionsValidFromDateTime"], INITIAL);
    assert!(megan["signInSessionsValidFromDateTime"].as_str().unwrap().ends_with('Z'));
    let r = emu
        .batch(serde_json::json!({"requests": [
            {"id": "1", "method": "GET", "url": format!("/users/sam.rivera_tailspintoys.com%23EXT%23@contoso.onmicrosoft.com{select}")},
        ]}))
        .await;
    let body = json(r).await;
    let sam = &body["responses"][0]["body"];
    assert_eq!((sam["userType"].as_str(), sam["signInSessionsValidFromDateTime"].as_str()), (Some("Guest"), Some(INITIAL)));

    emu.register_token(serde_json::json!({"token": "revoker", "kind": "app", "roles": ["User.RevokeSessions.All"]})).await;
    let r = emu
        .client
        .post(emu.v1("/$batch"))
        .bearer_auth("revoker")
        .json(&serde_json::json!({"requests": [
            {"id": "1", "method": "POST", "url": "/users/AdeleV@contoso.com/revokeSignInSessions"},
            {"id": "2", "method": "GET", "url": format!("/users/AdeleV@contoso.com{select}")},
        ]}))
        .send()
        .await
        .unwrap();
    let body = json(r).await;
    let item = |id: &str| body["responses"].as_array().unwrap().iter().find(|r| r["id"] == id).unwrap().clone();
    assert_eq!(item("1")["status"], 200);
    assert_eq!(item("2")["status"], 403);
    assert_eq!(item("2")["body"]["error"]["code"], "Authorization_RequestDenied");
    assert!(item("2")["body"]["error"]["innerError"]["request-id"].is_string());
}
