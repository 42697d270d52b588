//! Counters a job keeps for progress display; read from another thread at any time.

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

#[derive(Debug, Default)]
pub struct Progress {
    submitted: AtomicU64,
    succeeded: AtomicU64,
    failed: AtomicU64,
    throttled: AtomicU64,
    retries: AtomicU64,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ProgressSnapshot {
    pub submitted: u64,
    pub succeeded: u64,
    pub failed: u64,
    /// 429 answers received (each one, including those later retried successfully).
    pub throttled: u64,
    pub retries: u64,
}

impl Progress {
    pub fn submitted(&self) {
        self.submitted.fetch_add(1, Relaxed);
    }
    pub fn finished(&self, ok: bool) {
        if ok { &self.succeeded } else { &self.failed }.fetch_add(1, Relaxed);
    }
    pub fn throttled(&self) {
        self.throttled.fetch_add(1, Relaxed);
    }
    pub fn retried(&self) {
        self.retries.fetch_add(1, Relaxed);
    }
    pub fn snapshot(&self) -> ProgressSnapshot {
        ProgressSnapshot {
            submitted: self.submitted.load(Relaxed),
            succeeded: self.succeeded.load(Relaxed),
            failed: self.failed.load(Relaxed),
            throttled: self.throttled.load(Relaxed),
            retries: self.retries.load(Relaxed),
        }
    }
}
