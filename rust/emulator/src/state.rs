//! Everything one emulator instance knows, shared by all connections.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

use crate::config::FaultConfig;
use crate::early_retry::EarlyRetryTracker;
use crate::faults::FaultEngine;
use crate::identity::IdentityState;
use crate::misbehave::WorkloadThrottle;
use crate::rate_limit::RateLimiter;
use crate::recorder::Recorder;
use crate::stats::Stats;
use crate::tokens::TokenRegistry;
use crate::users::UserStore;

pub struct AppState {
    pub users: UserStore,
    pub tokens: TokenRegistry,
    /// App registrations, device codes, refresh tokens and the sign-in log.
    pub identity: IdentityState,
    pub faults: FaultEngine,
    pub limiter: RateLimiter,
    pub early: EarlyRetryTracker,
    /// Dev Proxy-style per-workload throttling window (`workloadThrottling`).
    pub workload: WorkloadThrottle,
    pub stats: Arc<Stats>,
    pub recorder: Recorder,
    /// `http://127.0.0.1:<port>`: nextLinks are absolute, like Graph's.
    pub base_url: String,
    batch_seq: AtomicU64,
}

impl AppState {
    pub fn new(users: UserStore, default_token: &str, base_url: String) -> Self {
        Self {
            users,
            tokens: TokenRegistry::new(default_token),
            identity: IdentityState::default(),
            faults: FaultEngine::default(),
            limiter: RateLimiter::default(),
            early: EarlyRetryTracker::default(),
            workload: WorkloadThrottle::default(),
            stats: Arc::new(Stats::default()),
            recorder: Recorder::default(),
            base_url,
            batch_seq: AtomicU64::new(0),
        }
    }

    /// Installs a new fault configuration; buckets refill so a new rate starts clean.
    pub fn set_config(&self, config: FaultConfig) {
        self.faults.set_config(config);
        self.limiter.clear();
    }

    /// Back to a fresh emulator, except that added users stay (with their state cleared).
    pub fn reset(&self) {
        self.set_config(FaultConfig::default());
        self.early.clear();
        self.workload.clear();
        self.stats.reset();
        self.recorder.clear();
        self.users.reset_state();
        self.tokens.reset();
        self.identity.reset();
        self.batch_seq.store(0, Relaxed);
    }

    /// A seed for shuffling one `$batch` response: deterministic for a given config seed and
    /// batch number, but different from batch to batch.
    pub fn next_batch_seed(&self) -> u64 {
        let n = self.batch_seq.fetch_add(1, Relaxed);
        self.faults.config().seed ^ n.wrapping_mul(0x9E37_79B9_7F4A_7C15)
    }
}
