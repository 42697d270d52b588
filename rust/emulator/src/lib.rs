//! A local Microsoft Graph emulator for tests, demos and benchmarks: users, revokeSignInSessions,
//! `$batch`, Graph's errors and headers, plus run-time fault injection and throttling driven by
//! a control API under `/_emulator/`.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! let emulator = graph_emulator::start(graph_emulator::EmulatorOptions::default()).await?;
//! println!("{}", emulator.url());
//! emulator.shutdown().await;
//! # Ok(())
//! # }
//! ```

mod body;
pub mod config;
mod control;
mod early_retry;
mod faults;
mod filter;
mod graph;
mod graph_error;
mod misbehave;
pub mod identity;
mod path;
mod query;
mod rate_limit;
mod recorder;
mod reply;
mod response;
mod retry_after;
mod routes;
pub mod seed;
mod search;
mod server;
mod skiptoken;
mod state;
mod stats;
mod timefmt;
mod tokens;
mod user_json;
mod users;

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;

use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

pub use users::{generated_id, generated_upn};

pub const DEFAULT_TOKEN: &str = "emulator-token";

#[derive(Debug, Clone)]
pub struct EmulatorOptions {
    /// 0 picks a free port.
    pub port: u16,
    /// Generated users `user{i:06}@contoso.com` added to the seeded ones.
    pub users: u64,
    /// The default app-only access token.
    pub token: String,
}

impl Default for EmulatorOptions {
    fn default() -> Self {
        Self { port: 0, users: 0, token: DEFAULT_TOKEN.to_string() }
    }
}

/// A running emulator. Dropping it stops the server too (without waiting).
pub struct RunningEmulator {
    url: String,
    addr: SocketAddr,
    token: String,
    stop: watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
}

impl RunningEmulator {
    /// `http://127.0.0.1:<port>`, without a trailing slash or version.
    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn token(&self) -> &str {
        &self.token
    }

    /// Stops accepting, lets open responses finish (briefly), and waits for the server.
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for RunningEmulator {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}

/// Binds 127.0.0.1 only (the emulator accepts any registered token: it must not be reachable
/// from the network) and starts serving in the background.
pub async fn start(options: EmulatorOptions) -> std::io::Result<RunningEmulator> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, options.port)).await?;
    let addr = listener.local_addr()?;
    let url = format!("http://{addr}");
    let users = seed::directory(options.users);
    let state = Arc::new(state::AppState::new(users, &options.token, url.clone()));
    let (stop, stopped) = watch::channel(false);
    let task = tokio::spawn(server::serve(listener, state, stopped));
    Ok(RunningEmulator { url, addr, token: options.token, stop, task: Some(task) })
}
