//! The emulator misbehaves on request: redirects elsewhere, hostile error text, oversized and
//! trickling bodies, per-workload throttling windows (Dev Proxy's manner).

mod common;

use common::*;
use serde_json::json;

const REVOKE_ADELE: &str = "/users/AdeleV@contoso.com/revokeSignInSessions";

#[tokio::test]
async fn redirect_to_sends_every_graph_request_elsewhere_with_a_307() {
    let emu = Emu::start().await;
    emu.config(json!({"redirectTo": "https://elsewhere.example"})).await;
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let r = client.post(emu.v1(REVOKE_ADELE)).header("Authorization", emu.bearer()).send().await.unwrap();
    assert_eq!(r.status(), 307);
    assert_eq!(r.headers()["location"], "https://elsewhere.example/v1.0/users/AdeleV@contoso.com/revokeSignInSessions");
    assert_eq!(emu.user_state("AdeleV@contoso.com").await["revocations"], 0, "nothing was revoked");
    let (status, _) = emu.control_post("/config", json!({"redirectTo": "not a url"})).await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn hostile_error_text_puts_escape_sequences_in_error_messages() {
    let emu = Emu::start().await;
    emu.config(json!({"hostileErrorText": true})).await;
    let body = json(emu.post("/users/nobody@contoso.com/revokeSignInSessions").await).await;
    let message = body["error"]["message"].as_str().unwrap();
    assert!(message.starts_with("\u{1b}[2J") && message.contains('\u{7}'), "{message:?}");
    assert_eq!(emu.post(REVOKE_ADELE).await.status(), 200, "successes stay as they are");
}

#[tokio::test]
async fn oversized_bodies_are_streamed_without_a_length() {
    let emu = Emu::start().await;
    emu.config(json!({"oversizedBodyBytes": 3_000_000})).await;
    let r = emu.post(REVOKE_ADELE).await;
    assert_eq!(r.status(), 200);
    assert!(r.headers().get("content-length").is_none());
    let body = r.bytes().await.unwrap();
    assert!(body.len() > 3_000_000);
    let parsed: serde_json::Value = serde_json::from_slice(&body).expect("still JSON: the padding is whitespace");
    assert_eq!(parsed["value"], true);
}

#[tokio::test]
async fn trickled_bodies_arrive_whole() {
    let emu = Emu::start().await;
    emu.config(json!({"trickleBytesPerSecond": 1_000_000})).await;
    let body = json(emu.post(REVOKE_ADELE).await).await;
    assert_eq!(body["value"], true);
}

#[tokio::test]
async fn a_workload_throttling_window_answers_everyone_429_and_counts_them() {
    let emu = Emu::start().await;
    emu.config(json!({"workloadThrottling": true})).await;
    let (status, _) = emu.control_post("/throttle", json!({"seconds": 30})).await;
    assert_eq!(status, 200);
    for _ in 0..3 {
        let r = emu.post(REVOKE_ADELE).await;
        assert_eq!(r.status(), 429);
        let wait: f64 = r.headers()["retry-after"].to_str().unwrap().parse().unwrap();
        assert!(wait > 0.0 && wait <= 30.0, "{wait}");
    }
    assert_eq!(emu.stats().await["throttledWindowRequests"], 3);
    assert_eq!(emu.user_state("AdeleV@contoso.com").await["revocations"], 0);
}

#[tokio::test]
async fn with_workload_throttling_one_429_throttles_every_request_until_its_retry_after() {
    let emu = Emu::with_users(5).await;
    emu.config(json!({"workloadThrottling": true, "rateLimitPerSecond": 1, "rateLimitBurst": 1})).await;
    assert_eq!(emu.post_owned("/users/user000001@contoso.com/revokeSignInSessions".into()).await, 200);
    assert_eq!(emu.post_owned("/users/user000002@contoso.com/revokeSignInSessions".into()).await, 429, "the bucket is empty");
    // Another user: the bucket may have refilled a little, but the window is open.
    assert_eq!(emu.post_owned("/users/user000003@contoso.com/revokeSignInSessions".into()).await, 429);
    assert!(emu.stats().await["throttledWindowRequests"].as_u64().unwrap() >= 1);
}
