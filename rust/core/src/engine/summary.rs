//! The closing summary of a run, counted by the engine as outcomes are delivered: revoked,
//! verified, failed by kind, time spent waiting on throttling and in all.

use crate::attempts::WaitClock;
use crate::outcome::{FailureKind, Outcome};
use parking_lot::Mutex;
use std::sync::Arc;
use std::time::Duration;
use tokio::time::Instant;

#[derive(Debug)]
pub struct Tally {
    started: Instant,
    throttle_wait: Arc<WaitClock>,
    counts: Mutex<Counts>,
}

#[derive(Debug, Default, Clone)]
struct Counts {
    revoked: u64,
    verified: u64,
    not_verified: u64,
    failed: Vec<(FailureKind, u64)>,
}

/// The figures of a run so far.
#[derive(Debug, Clone, PartialEq)]
pub struct RunSummary {
    /// Successful revocations (with -Verify: verified or not).
    pub revoked: u64,
    /// With -Verify: revocations the directory confirms, and those it does not.
    pub verified: u64,
    pub not_verified: u64,
    /// Failed inputs by kind, in the order each kind first occurred.
    pub failed: Vec<(FailureKind, u64)>,
    /// Wall-clock time during which at least one request waited on throttling.
    pub throttle_wait: Duration,
    pub elapsed: Duration,
}

impl Tally {
    pub fn new(throttle_wait: Arc<WaitClock>) -> Self {
        Self { started: Instant::now(), throttle_wait, counts: Mutex::default() }
    }

    pub fn count(&self, outcome: &Outcome) {
        let mut counts = self.counts.lock();
        match &outcome.result {
            Ok(_) => {
                counts.revoked += 1;
                match &outcome.verification {
                    Some(v) if v.verified() => counts.verified += 1,
                    Some(_) => counts.not_verified += 1,
                    None => {}
                }
            }
            Err(failure) => {
                let kind = failure.kind();
                match counts.failed.iter_mut().find(|(k, _)| *k == kind) {
                    Some((_, n)) => *n += 1,
                    None => counts.failed.push((kind, 1)),
                }
            }
        }
    }

    pub fn summary(&self) -> RunSummary {
        let counts = self.counts.lock().clone();
        RunSummary {
            revoked: counts.revoked,
            verified: counts.verified,
            not_verified: counts.not_verified,
            failed: counts.failed,
            throttle_wait: self.throttle_wait.total(),
            elapsed: self.started.elapsed(),
        }
    }
}

impl RunSummary {
    pub fn failed_total(&self) -> u64 {
        self.failed.iter().map(|(_, n)| n).sum()
    }

    /// One line for the information stream. `kind_name` names a failure kind as the error
    /// records do (the FFI layer's stable names).
    pub fn message(&self, verify: bool, kind_name: impl Fn(FailureKind) -> &'static str) -> String {
        let users = self.revoked + self.failed_total();
        let mut text = format!("Revoked {} of {users} users", self.revoked);
        if verify {
            text.push_str(&format!(", {} verified by the directory, {} not verified", self.verified, self.not_verified));
        }
        if self.failed.is_empty() {
            text.push_str(", none failed");
        } else {
            let kinds: Vec<String> = self.failed.iter().map(|(k, n)| format!("{n} {}", kind_name(*k))).collect();
            text.push_str(&format!(", {} failed ({})", self.failed_total(), kinds.join(", ")));
        }
        text.push_str(&format!(
            "; {:.1} s waiting on throttling, {:.1} s in all.",
            self.throttle_wait.as_secs_f64(),
            self.elapsed.as_secs_f64()
        ));
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_message_counts_what_it_was_given() {
        let summary = RunSummary {
            revoked: 5,
            verified: 4,
            not_verified: 1,
            failed: vec![(FailureKind::NotFound, 2), (FailureKind::Throttled, 1)],
            throttle_wait: Duration::from_millis(2130),
            elapsed: Duration::from_millis(4560),
        };
        let name = |k: FailureKind| if k == FailureKind::NotFound { "NotFound" } else { "Throttled" };
        assert_eq!(
            summary.message(true, name),
            "Revoked 5 of 8 users, 4 verified by the directory, 1 not verified, 3 failed (2 NotFound, 1 Throttled); 2.1 s waiting on throttling, 4.6 s in all."
        );
        let clean = RunSummary { failed: vec![], ..summary };
        assert_eq!(clean.message(false, name), "Revoked 5 of 5 users, none failed; 2.1 s waiting on throttling, 4.6 s in all.");
    }
}
