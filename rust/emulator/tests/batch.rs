//! JSON batching: limits, unique ids, per-item processing, shuffled order.

mod common;

use common::{ADELE_ID, Emu, json};
use serde_json::{Value, json};

fn revoke_items(n: usize) -> Value {
    let requests: Vec<Value> = (1..=n)
        .map(|i| json!({"id": i.to_string(), "method": "POST", "url": format!("/users/user{i:06}@contoso.com/revokeSignInSessions")}))
        .collect();
    json!({ "requests": requests })
}

#[tokio::test]
async fn limits_and_unique_ids() {
    let emu = Emu::with_users(25).await;
    let r = emu.batch(revoke_items(21)).await;
    assert_eq!(r.status(), 400);
    let body = json(r).await;
    assert_eq!(body["error"]["code"], "BadRequest");
    assert!(body["error"]["message"].as_str().unwrap().contains("maximum of 20"));

    let r = emu
        .batch(json!({"requests": [
            {"id": "1", "method": "POST", "url": "/users/user000001@contoso.com/revokeSignInSessions"},
            {"id": "1", "method": "POST", "url": "/users/user000002@contoso.com/revokeSignInSessions"}
        ]}))
        .await;
    assert_eq!(r.status(), 400);
    let r = emu.batch(json!({"nothing": []})).await;
    assert_eq!(r.status(), 400);
    // Nothing was revoked by the refused batches.
    assert_eq!(emu.stats().await["totalRevocations"], 0);
}

#[tokio::test]
async fn items_are_processed_like_standalone_requests() {
    let emu = Emu::with_users(25).await;
    let r = emu
        .batch(json!({"requests": [
            {"id": "a", "method": "POST", "url": format!("/users/{ADELE_ID}/revokeSignInSessions")},
            {"id": "b", "method": "POST", "url": "users('$svc-backup@contoso.com')/revokeSignInSessions"},
            {"id": "c", "method": "POST", "url": "/users/nobody@contoso.com/revokeSignInSessions"},
            {"id": "d", "method": "GET", "url": "/users/AdeleV@contoso.com?$select=id,signInSessionsValidFromDateTime"},
            {"id": "e", "method": "POST", "url": "/v1.0/users/AlexW@contoso.com/revokeSignInSessions"},
            {"id": "f", "method": "GET", "url": "/users?$search=\"displayName:Vance\"", "headers": {"ConsistencyLevel": "eventual"}}
        ]}))
        .await;
    assert_eq!(r.status(), 200);
    let body = json(r).await;
    let responses = body["responses"].as_array().unwrap();
    assert_eq!(responses.len(), 6);
    let item = |id: &str| responses.iter().find(|r| r["id"] == id).unwrap().clone();
    assert_eq!(item("a")["status"], 200);
    assert_eq!(item("a")["body"]["value"], true);
    assert_eq!(item("b")["status"], 200);
    assert_eq!(item("c")["status"], 404);
    assert_eq!(item("c")["body"]["error"]["code"], "Request_ResourceNotFound");
    assert_eq!(item("d")["status"], 200);
    assert!(item("d")["headers"]["Content-Type"].as_str().unwrap().starts_with("application/json"));
    // Items are relative to the version: a /v1.0 prefix is an unknown segment.
    assert_eq!(item("e")["status"], 400);
    assert_eq!(item("f")["body"]["value"].as_array().unwrap().len(), 1);

    let stats = emu.stats().await;
    assert_eq!(stats["batchRequests"], 1);
    assert_eq!(stats["batchItems"], 6);
    assert_eq!(stats["totalRequests"], 1);
    assert_eq!(stats["totalRevocations"], 2);
    let log = emu.control_get("/requests").await;
    assert_eq!(log[0]["batchItems"].as_array().unwrap().len(), 6);
}

#[tokio::test]
async fn responses_come_back_shuffled() {
    let emu = Emu::with_users(25).await;
    let mut saw_reordered = false;
    for _ in 0..5 {
        let body = json(emu.batch(revoke_items(20)).await).await;
        let ids: Vec<String> = body["responses"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap().to_string()).collect();
        let sorted: Vec<String> = (1..=20).map(|i| i.to_string()).collect();
        let mut seen = ids.clone();
        seen.sort_by_key(|s| s.parse::<u32>().unwrap());
        assert_eq!(seen, sorted);
        saw_reordered |= ids != sorted;
    }
    assert!(saw_reordered);
}

#[tokio::test]
async fn throttled_items_carry_retry_after() {
    let emu = Emu::with_users(25).await;
    emu.config(json!({"rate429": 1.0, "retryAfter429": "3.5"})).await;
    let body = json(emu.batch(revoke_items(3)).await).await;
    for item in body["responses"].as_array().unwrap() {
        assert_eq!(item["status"], 429);
        assert_eq!(item["headers"]["Retry-After"], "3.5");
        assert_eq!(item["body"]["error"]["code"], "TooManyRequests");
    }
    let stats = emu.stats().await;
    assert_eq!(stats["throttled"], 3);
    assert_eq!(stats["totalRevocations"], 0);
    // The standalone form of a throttled item is the same target: retrying it now is early.
    emu.config(json!({"rate429": 0.0})).await;
    let r = emu.post("/users/user000001@contoso.com/revokeSignInSessions").await;
    assert_eq!(r.status(), 429);
    assert_eq!(emu.stats().await["earlyRetries"], 1);
}

#[tokio::test]
async fn rate_limit_applies_per_item() {
    let emu = Emu::with_users(25).await;
    emu.config(json!({"rateLimitPerSecond": 1.0, "rateLimitBurst": 5.0})).await;
    let body = json(emu.batch(revoke_items(8)).await).await;
    let statuses: Vec<u64> = body["responses"].as_array().unwrap().iter().map(|r| r["status"].as_u64().unwrap()).collect();
    assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 5);
    assert_eq!(statuses.iter().filter(|s| **s == 429).count(), 3);
}
