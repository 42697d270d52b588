//! Fault injection, rate limiting, early-retry detection, latency and concurrency counters.

mod common;

use std::time::{Duration, Instant};

use common::{Emu, client, json};
use serde_json::json;

const REVOKE_ADELE: &str = "/users/AdeleV@contoso.com/revokeSignInSessions";

#[tokio::test]
async fn rate_limit_answers_fractional_retry_after() {
    let emu = Emu::start().await;
    emu.config(json!({"rateLimitPerSecond": 20.0, "rateLimitBurst": 1.0})).await;
    assert_eq!(emu.post(REVOKE_ADELE).await.status(), 200);
    let r = emu.post("/users/AlexW@contoso.com/revokeSignInSessions").await;
    assert_eq!(r.status(), 429);
    let h = r.headers().clone();
    let retry_after = h["retry-after"].to_str().unwrap().to_string();
    let seconds: f64 = retry_after.parse().unwrap();
    assert!(seconds > 0.0 && seconds <= 0.05, "{retry_after}");
    assert!(retry_after.starts_with("0.0") && retry_after.len() <= 5, "{retry_after}");
    assert!(h["x-ms-throttle-scope"].to_str().unwrap().starts_with("Tenant_Application/ReadWrite/"));
    assert_eq!(h["x-ms-throttle-information"], "ResourceUnitLimitExceeded");
    let body = json(r).await;
    assert_eq!(body["error"]["code"], "TooManyRequests");
    assert_eq!(body["error"]["message"], "Too many requests.");
    // Another token has its own bucket.
    emu.register_token(json!({"token": "other", "roles": ["User.RevokeSessions.All"]})).await;
    let r = emu.client.post(emu.v1(REVOKE_ADELE)).bearer_auth("other").send().await.unwrap();
    assert_eq!(r.status(), 200);
}

#[tokio::test]
async fn the_limit_usage_header_comes_once_most_of_the_bucket_is_used_and_only_when_asked_for() {
    let emu = Emu::start().await;
    // A bucket of 10 that barely refills during the test.
    emu.config(json!({"rateLimitPerSecond": 0.001, "rateLimitBurst": 10.0, "rateLimitUsageHeader": true})).await;
    let mut sent = vec![];
    for _ in 0..10 {
        let r = emu.post(REVOKE_ADELE).await;
        assert_eq!(r.status(), 200);
        sent.push(r.headers().get("x-ms-throttle-limit-percentage").map(|v| v.to_str().unwrap().to_owned()));
    }
    assert!(sent[..8].iter().all(Option::is_none), "up to 80 % used: {sent:?}");
    assert_eq!(sent[8..], [Some("0.90".to_owned()), Some("1.00".to_owned())]);
    let r = emu.post(REVOKE_ADELE).await;
    assert_eq!(r.status(), 429);
    assert!(r.headers().get("x-ms-throttle-limit-percentage").is_none(), "a 429 says it with its Retry-After");

    // Other users: Adele's 429 holds her to its Retry-After.
    emu.config(json!({"rateLimitPerSecond": 0.001, "rateLimitBurst": 2.0, "rateLimitUsageHeader": false})).await;
    assert_eq!(emu.post("/users/AlexW@contoso.com/revokeSignInSessions").await.status(), 200);
    let r = emu.post("/users/MeganB@contoso.com/revokeSignInSessions").await;
    assert_eq!(r.status(), 200);
    assert!(r.headers().get("x-ms-throttle-limit-percentage").is_none(), "not sent unless asked for, as Graph is reported to behave");
}

#[tokio::test]
async fn early_retries_are_counted_and_patient_ones_are_not() {
    let emu = Emu::start().await;
    emu.config(json!({"rateLimitPerSecond": 5.0, "rateLimitBurst": 1.0})).await;
    let target = "/users/MeganB@contoso.com/revokeSignInSessions";
    assert_eq!(emu.post(REVOKE_ADELE).await.status(), 200);
    let r = emu.post(target).await;
    assert_eq!(r.status(), 429);
    let wait: f64 = r.headers()["retry-after"].to_str().unwrap().parse().unwrap();

    // Too soon: refused again with the remaining time, and counted.
    let r = emu.post(target).await;
    assert_eq!(r.status(), 429);
    let remaining: f64 = r.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!(remaining <= wait);
    assert_eq!(emu.stats().await["earlyRetries"], 1);

    // Waiting as told: served, not counted.
    tokio::time::sleep(Duration::from_secs_f64(wait) + Duration::from_millis(20)).await;
    let r = emu.post(target).await;
    assert_eq!(r.status(), 200);
    let stats = emu.stats().await;
    assert_eq!(stats["earlyRetries"], 1);
    assert_eq!(stats["throttled"], 2);
    assert_eq!(stats["byStatus"]["429"], 2);
}

#[tokio::test]
async fn injected_errors_use_graph_codes() {
    let emu = Emu::start().await;
    emu.config(json!({"rate503": 1.0, "retryAfter503": "1"})).await;
    let r = emu.post(REVOKE_ADELE).await;
    assert_eq!(r.status(), 503);
    assert_eq!(r.headers()["retry-after"], "1");
    assert_eq!(json(r).await["error"]["code"], "serviceNotAvailable");
    emu.config(json!({"rate503": 0.0, "rate504": 1.0})).await;
    let r = emu.post("/users/AlexW@contoso.com/revokeSignInSessions").await;
    assert_eq!(r.status(), 504);
    assert!(r.headers().get("retry-after").is_none());
    assert_eq!(json(r).await["error"]["code"], "UnknownError");
    emu.config(json!({"rate504": 0.0, "rate429": 1.0, "retryAfter429": null})).await;
    let r = emu.post("/users/LeeG@contoso.com/revokeSignInSessions").await;
    assert_eq!(r.status(), 429);
    assert!(r.headers().get("retry-after").is_none());
    // Control endpoints are never faulted.
    let r = emu.client.get(emu.url("/_emulator/stats")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(emu.stats().await["totalRevocations"], 0);
}

async fn assert_dropped(h2: bool) {
    let emu = Emu::start().await;
    emu.config(json!({"rateDrop": 1.0})).await;
    let c = client(h2);
    let result = c.post(emu.v1(REVOKE_ADELE)).bearer_auth("emulator-token").send().await;
    let err = result.expect_err("the connection is dropped without a response");
    assert!(err.is_request() || err.is_connect() || err.is_body(), "{err:?}");
    let stats = emu.stats().await;
    assert_eq!(stats["dropped"], 1);
    assert_eq!(stats["totalRevocations"], 0);
    let log = emu.control_get("/requests").await;
    assert_eq!(log[0]["dropped"], true);
    assert!(log[0]["status"].is_null());
    // After turning drops off the same client works again.
    emu.config(json!({"rateDrop": 0.0})).await;
    let r = c.post(emu.v1(REVOKE_ADELE)).bearer_auth("emulator-token").send().await.unwrap();
    assert_eq!(r.status(), 200);
}

#[tokio::test]
async fn drop_closes_http1_connections() {
    assert_dropped(false).await;
}

#[tokio::test]
async fn drop_resets_http2_streams() {
    assert_dropped(true).await;
}

#[tokio::test]
async fn latency_overlaps_and_peak_concurrency_is_counted() {
    let emu = Emu::with_users(10).await;
    emu.config(json!({"latencyMs": 200})).await;
    let started = Instant::now();
    let requests = (1..=10).map(|i| emu.post_owned(format!("/users/user{i:06}@contoso.com/revokeSignInSessions")));
    let statuses = futures::future::join_all(requests).await;
    let elapsed = started.elapsed();
    assert!(statuses.iter().all(|s| *s == 200), "{statuses:?}");
    assert!(elapsed >= Duration::from_millis(200), "{elapsed:?}");
    // That latency does not serialise requests shows in the count, not in a wall-clock bound.
    let stats = emu.stats().await;
    assert_eq!(stats["peakConcurrency"], 10);
    assert_eq!(stats["inFlight"], 0);
    assert_eq!(stats["totalRevocations"], 10);
}

#[tokio::test]
async fn requests_are_recorded_raw() {
    let emu = Emu::start().await;
    let raw = "/v1.0/users/jane.doe_fabrikam.com%23EXT%23@contoso.onmicrosoft.com/revokeSignInSessions";
    let r = emu
        .client
        .post(emu.url(&format!("{raw}?x=%2F")))
        .bearer_auth("emulator-token")
        .header("User-Agent", "PowerShell/7.4 EntraPowershell/1.0 Revoke-EntraUserAllRefreshToken")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let _ = emu.control_get("/health").await;
    let log = emu.control_get("/requests").await;
    let log = log.as_array().unwrap();
    assert_eq!(log.len(), 1, "control requests are not recorded");
    let entry = &log[0];
    assert_eq!(entry["method"], "POST");
    assert_eq!(entry["rawPath"], format!("{raw}?x=%2F"));
    assert_eq!(entry["path"], "/v1.0/users/jane.doe_fabrikam.com#EXT#@contoso.onmicrosoft.com/revokeSignInSessions");
    assert_eq!(entry["query"], "x=%2F");
    assert_eq!(entry["status"], 200);
    assert_eq!(entry["headers"]["authorization"], "Bearer emulator-token");
    assert!(entry["headers"]["user-agent"].as_str().unwrap().contains("Revoke-EntraUserAllRefreshToken"));
    assert!(entry["batchItems"].is_null());

    let r = emu.client.delete(emu.url("/_emulator/requests")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(emu.control_get("/requests").await, json!([]));
}

#[tokio::test]
async fn config_merges_and_reset_restores_everything() {
    let emu = Emu::start().await;
    emu.config(json!({"latencyMs": 5, "rate429": 0.25})).await;
    emu.config(json!({"seed": 7})).await;
    let config = emu.control_get("/config").await;
    assert_eq!(config["latencyMs"], 5);
    assert_eq!(config["rate429"], 0.25);
    assert_eq!(config["seed"], 7);
    assert_eq!(config["retryAfter429"], "2.128");
    let (status, _) = emu.control_post("/config", json!({"rate429": 2})).await;
    assert_eq!(status, 400);
    let (status, _) = emu.control_post("/config", json!({"latencyMS": 2})).await;
    assert_eq!(status, 400);

    emu.config(json!({"rate429": 0.0})).await;
    emu.register_token(json!({"token": "temp", "roles": ["User.RevokeSessions.All"]})).await;
    assert_eq!(emu.post(REVOKE_ADELE).await.status(), 200);
    let (status, _) = emu.control_post("/reset", json!({})).await;
    assert_eq!(status, 200);

    let config = emu.control_get("/config").await;
    assert_eq!(config["latencyMs"], 0);
    assert_eq!(config["seed"], 42);
    let stats = emu.stats().await;
    assert_eq!(stats["totalRequests"], 0);
    assert_eq!(stats["totalRevocations"], 0);
    assert_eq!(stats["revocations"], json!({}));
    assert_eq!(emu.user_state("AdeleV@contoso.com").await["signInSessionsValidFromDateTime"], common::INITIAL);
    assert_eq!(emu.control_get("/requests").await, json!([]));
    let r = emu.client.post(emu.v1(REVOKE_ADELE)).bearer_auth("temp").send().await.unwrap();
    assert_eq!(r.status(), 401);
    assert_eq!(emu.post(REVOKE_ADELE).await.status(), 200, "the default token survives a reset");
}

#[tokio::test]
async fn users_can_be_added_at_run_time() {
    let emu = Emu::with_users(3).await;
    let (status, body) = emu.control_post("/users", json!({"count": 2})).await;
    assert_eq!(status, 201);
    assert_eq!(body["created"][0]["userPrincipalName"], "user000004@contoso.com");
    assert_eq!(body["created"][1]["id"], "00000000-0000-4000-8000-000000000005");
    let (status, body) = emu
        .control_post("/users", json!({"users": [{"userPrincipalName": "new@contoso.com", "displayName": "New Person", "userType": "Guest"}]}))
        .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(emu.post("/users/new@contoso.com/revokeSignInSessions").await.status(), 200);
    let (status, _) = emu.control_post("/users", json!({"users": [{"userPrincipalName": "NEW@contoso.com"}]})).await;
    assert_eq!(status, 409);
}
