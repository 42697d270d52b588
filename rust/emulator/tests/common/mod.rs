//! Shared helpers: each test starts its own emulator on a free port, so tests run in parallel.

#![allow(dead_code)] // each test file uses a different subset

use graph_emulator::{EmulatorOptions, RunningEmulator, start};
use reqwest::{Client, Response};
use serde_json::Value;

pub const ADELE_ID: &str = "87d349ed-44d7-43e1-9a83-5f2406dee5bd";
pub const INITIAL: &str = "2024-01-01T00:00:00Z";

pub struct Emu {
    pub running: RunningEmulator,
    pub client: Client,
}

impl Emu {
    pub async fn start() -> Self {
        Self::with_users(0).await
    }

    pub async fn with_users(users: u64) -> Self {
        let running = start(EmulatorOptions { users, ..EmulatorOptions::default() }).await.expect("emulator starts");
        let client = client(false);
        Self { running, client }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.running.url())
    }

    pub fn v1(&self, path: &str) -> String {
        self.url(&format!("/v1.0{path}"))
    }

    pub fn bearer(&self) -> String {
        format!("Bearer {}", self.running.token())
    }

    pub async fn post(&self, path: &str) -> Response {
        self.client.post(self.v1(path)).header("Authorization", self.bearer()).send().await.expect("request")
    }

    /// POST returning only the status, for running many requests concurrently.
    pub async fn post_owned(&self, path: String) -> u16 {
        self.post(&path).await.status().as_u16()
    }

    pub async fn get(&self, path: &str) -> Response {
        self.client.get(self.v1(path)).header("Authorization", self.bearer()).send().await.expect("request")
    }

    pub async fn batch(&self, body: Value) -> Response {
        self.client
            .post(self.v1("/$batch"))
            .header("Authorization", self.bearer())
            .json(&body)
            .send()
            .await
            .expect("request")
    }

    pub async fn control_get(&self, path: &str) -> Value {
        self.client.get(self.url(&format!("/_emulator{path}"))).send().await.unwrap().json().await.unwrap()
    }

    pub async fn control_post(&self, path: &str, body: Value) -> (u16, Value) {
        let r = self.client.post(self.url(&format!("/_emulator{path}"))).json(&body).send().await.unwrap();
        (r.status().as_u16(), r.json().await.unwrap())
    }

    pub async fn config(&self, body: Value) {
        let (status, v) = self.control_post("/config", body).await;
        assert_eq!(status, 200, "{v}");
    }

    pub async fn register_token(&self, body: Value) {
        let (status, v) = self.control_post("/tokens", body).await;
        assert_eq!(status, 201, "{v}");
    }

    pub async fn stats(&self) -> Value {
        self.control_get("/stats").await
    }

    /// A user's state as the control API shows it (including the revocation count).
    pub async fn user_state(&self, key: &str) -> Value {
        self.control_get(&format!("/users/{key}")).await
    }
}

/// A plain-http client; `h2` forces HTTP/2 with prior knowledge (h2c).
pub fn client(h2: bool) -> Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let builder = Client::builder().no_proxy();
    let builder = if h2 { builder.http2_prior_knowledge() } else { builder.http1_only() };
    builder.build().expect("client")
}

pub async fn json(r: Response) -> Value {
    r.json().await.expect("json body")
}
