//! Counters for tests and benchmarks. Lock-free atomics because every Graph request touches them.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering::Relaxed};

use serde_json::{Map, Value, json};

use crate::users::UserStore;

/// Covers every status code hyper can send (100..=599).
const STATUS_SLOTS: usize = 600;

pub struct Stats {
    total: AtomicU64,
    by_status: Box<[AtomicU64]>,
    batch_requests: AtomicU64,
    batch_items: AtomicU64,
    batch_items_by_status: Box<[AtomicU64]>,
    early_retries: AtomicU64,
    /// Requests that arrived while a per-workload throttling window was open.
    throttled_window_requests: AtomicU64,
    throttled: AtomicU64,
    dropped: AtomicU64,
    in_flight: AtomicI64,
    peak: AtomicI64,
}

/// Decrements the in-flight count when the response (or the dropped connection) is done.
pub struct InFlightGuard(Arc<Stats>);

impl Drop for InFlightGuard {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Relaxed);
    }
}

fn slots() -> Box<[AtomicU64]> {
    (0..STATUS_SLOTS).map(|_| AtomicU64::new(0)).collect()
}

fn status_map(slots: &[AtomicU64]) -> Map<String, Value> {
    slots
        .iter()
        .enumerate()
        .filter_map(|(code, n)| {
            let n = n.load(Relaxed);
            (n > 0).then(|| (code.to_string(), Value::from(n)))
        })
        .collect()
}

impl Default for Stats {
    fn default() -> Self {
        Self {
            total: AtomicU64::new(0),
            by_status: slots(),
            batch_requests: AtomicU64::new(0),
            batch_items: AtomicU64::new(0),
            batch_items_by_status: slots(),
            early_retries: AtomicU64::new(0),
            throttled_window_requests: AtomicU64::new(0),
            throttled: AtomicU64::new(0),
            dropped: AtomicU64::new(0),
            in_flight: AtomicI64::new(0),
            peak: AtomicI64::new(0),
        }
    }
}

impl Stats {
    /// Counts a Graph request from its arrival; the guard ends it.
    pub fn begin(self: &Arc<Self>) -> InFlightGuard {
        self.total.fetch_add(1, Relaxed);
        let now = self.in_flight.fetch_add(1, Relaxed) + 1;
        self.peak.fetch_max(now, Relaxed);
        InFlightGuard(Arc::clone(self))
    }

    pub fn response(&self, status: u16) {
        bump(&self.by_status, status);
        if status == 429 {
            self.throttled.fetch_add(1, Relaxed);
        }
    }

    pub fn batch_item(&self, status: u16) {
        self.batch_items.fetch_add(1, Relaxed);
        bump(&self.batch_items_by_status, status);
        if status == 429 {
            self.throttled.fetch_add(1, Relaxed);
        }
    }

    pub fn batch(&self) {
        self.batch_requests.fetch_add(1, Relaxed);
    }

    pub fn throttled_window_request(&self) {
        self.throttled_window_requests.fetch_add(1, Relaxed);
    }

    pub fn early_retry(&self) {
        self.early_retries.fetch_add(1, Relaxed);
    }

    pub fn dropped(&self) {
        self.dropped.fetch_add(1, Relaxed);
    }

    /// Zeroes everything except the live in-flight count, which still has guards pointing at it;
    /// the peak restarts from what is in flight now.
    pub fn reset(&self) {
        for c in [
            &self.total,
            &self.batch_requests,
            &self.batch_items,
            &self.early_retries,
            &self.throttled_window_requests,
            &self.throttled,
            &self.dropped,
        ] {
            c.store(0, Relaxed);
        }
        for s in self.by_status.iter().chain(self.batch_items_by_status.iter()) {
            s.store(0, Relaxed);
        }
        self.peak.store(self.in_flight.load(Relaxed), Relaxed);
    }

    pub fn snapshot(&self, users: &UserStore) -> Value {
        let revocations = users.revocation_counts();
        let total_revocations: u64 = revocations.iter().map(|(_, n)| n).sum();
        let revoked_users = revocations.len();
        let revocations: Map<String, Value> =
            revocations.into_iter().map(|(id, n)| (id, Value::from(n))).collect();
        json!({
            "totalRequests": self.total.load(Relaxed),
            "byStatus": status_map(&self.by_status),
            "revocations": revocations,
            "revokedUsers": revoked_users,
            "totalRevocations": total_revocations,
            "earlyRetries": self.early_retries.load(Relaxed),
            "throttledWindowRequests": self.throttled_window_requests.load(Relaxed),
            "peakConcurrency": self.peak.load(Relaxed),
            "inFlight": self.in_flight.load(Relaxed),
            "batchRequests": self.batch_requests.load(Relaxed),
            "batchItems": self.batch_items.load(Relaxed),
            "batchItemsByStatus": status_map(&self.batch_items_by_status),
            "throttled": self.throttled.load(Relaxed),
            "dropped": self.dropped.load(Relaxed),
        })
    }
}

fn bump(slots: &[AtomicU64], status: u16) {
    if let Some(s) = slots.get(usize::from(status)) {
        s.fetch_add(1, Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn peak_tracks_overlap() {
        let s = Arc::new(Stats::default());
        let a = s.begin();
        let b = s.begin();
        drop(a);
        drop(b);
        let _c = s.begin();
        assert_eq!(s.peak.load(Relaxed), 2);
        assert_eq!(s.in_flight.load(Relaxed), 1);
        assert_eq!(s.total.load(Relaxed), 3);
    }
}
