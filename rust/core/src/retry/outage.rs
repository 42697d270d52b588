//! A run-wide transport outage: when Graph stops answering everyone (timeouts, refused or reset
//! connections), each user spending its own retries would turn one outage into a storm of
//! doomed requests and a wait of (retries x timeout) per user. Like the throttle gate, this guard
//! is shared by every request of a session: after `OUTAGE_AFTER` consecutive transport failures
//! (across users, with no HTTP answer between them) it holds every request behind one probe, sent
//! with capped backoff. Any HTTP answer ends the outage and everyone resumes. When the probes'
//! patience runs out, the waiting requests end with the outage as their outcome; afterwards one
//! probe per `PROBE_MAX` checks for recovery while new requests fail at once.

use crate::attempt::TransportKind;
use parking_lot::Mutex;
use std::time::Duration;
use tokio::sync::Notify;
use tokio::time::Instant;

/// Consecutive transport failures that make an outage. High enough that scattered faults (30 %
/// of requests failing at random: 0.3^5 = 0.24 %) rarely trip it; an outage fails every request
/// in flight, which is at least this many in any bulk run.
pub const OUTAGE_AFTER: u32 = 5;
/// The first probe waits this long; each failed probe doubles the wait, up to `PROBE_MAX`.
pub const PROBE_BASE: Duration = Duration::from_secs(1);
pub const PROBE_MAX: Duration = Duration::from_secs(30);

#[derive(Debug)]
enum Phase {
    Healthy { consecutive: u32 },
    Outage(Outage),
}

#[derive(Debug, Clone)]
struct Outage {
    since: Instant,
    probe_out: bool,
    next_probe: Instant,
    failed_probes: u32,
    last_error: String,
    last_kind: TransportKind,
    gave_up: bool,
}

/// Why a request was not sent: the outage outlasted the patience of the probes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutageReport {
    pub lasted: Duration,
    pub failed_probes: u32,
    pub last_error: String,
    pub last_kind: TransportKind,
}

impl OutageReport {
    pub fn message(&self) -> String {
        format!(
            "Graph has been unreachable for everyone for {} s ({} probe requests failed, the last with: {}); this request was held back and not sent",
            self.lasted.as_secs(),
            self.failed_probes,
            self.last_error
        )
    }
}

/// What a request may do now.
#[derive(Debug, PartialEq, Eq)]
pub enum Admission {
    /// No outage: send.
    Go,
    /// Send: this request is the probe. Report how it went with `on_answer`,
    /// `on_transport_failure(.., probe = true)` or `probe_abandoned`.
    Probe,
    /// The outage outlasted its patience: do not send.
    GiveUp(OutageReport),
}

#[derive(Debug)]
pub struct OutageGuard {
    phase: Mutex<Phase>,
    changed: Notify,
}

impl Default for OutageGuard {
    fn default() -> Self {
        Self { phase: Mutex::new(Phase::Healthy { consecutive: 0 }), changed: Notify::new() }
    }
}

impl OutageGuard {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn in_outage(&self) -> bool {
        matches!(*self.phase.lock(), Phase::Outage(_))
    }

    /// The decision at `now`, or the instant to look again (waiters are also woken on changes).
    /// `patience`: failed probes after which waiting requests give up.
    pub fn admit_at(&self, now: Instant, patience: u32) -> Result<Admission, Instant> {
        let mut phase = self.phase.lock();
        let Phase::Outage(outage) = &mut *phase else { return Ok(Admission::Go) };
        if !outage.probe_out && now >= outage.next_probe {
            outage.probe_out = true;
            return Ok(Admission::Probe);
        }
        if outage.gave_up || outage.failed_probes > patience {
            outage.gave_up = true;
            let report = OutageReport { lasted: now.saturating_duration_since(outage.since), failed_probes: outage.failed_probes, last_error: outage.last_error.clone(), last_kind: outage.last_kind };
            return Ok(Admission::GiveUp(report));
        }
        Err(if outage.probe_out { now + PROBE_MAX } else { outage.next_probe })
    }

    /// Waits until the request may go (or must give up).
    pub async fn admit(&self, patience: u32) -> Admission {
        loop {
            let changed = self.changed.notified();
            tokio::pin!(changed);
            changed.as_mut().enable();
            match self.admit_at(Instant::now(), patience) {
                Ok(admission) => return admission,
                Err(until) => {
                    tokio::select! {
                        _ = &mut changed => {}
                        _ = tokio::time::sleep_until(until) => {}
                    }
                }
            }
        }
    }

    /// Graph answered (any HTTP status): it is reachable.
    pub fn on_answer(&self) {
        let mut phase = self.phase.lock();
        let was_outage = matches!(*phase, Phase::Outage(_));
        *phase = Phase::Healthy { consecutive: 0 };
        drop(phase);
        if was_outage {
            self.changed.notify_waiters();
        }
    }

    /// A request got no answer at `now` (a retryable transport failure).
    pub fn on_transport_failure(&self, now: Instant, probe: bool, kind: TransportKind, message: &str) {
        let mut phase = self.phase.lock();
        match &mut *phase {
            Phase::Healthy { consecutive } => {
                *consecutive += 1;
                if *consecutive >= OUTAGE_AFTER {
                    *phase = Phase::Outage(Outage { since: now, probe_out: false, next_probe: now + PROBE_BASE, failed_probes: 0, last_error: message.to_owned(), last_kind: kind, gave_up: false });
                }
            }
            // Failures of requests sent before the outage was known tell nothing new.
            Phase::Outage(outage) if probe => {
                outage.failed_probes += 1;
                outage.probe_out = false;
                outage.last_error = message.to_owned();
                outage.last_kind = kind;
                outage.next_probe = now + probe_wait(outage.failed_probes);
            }
            Phase::Outage(_) => {}
        }
        drop(phase);
        self.changed.notify_waiters();
    }

    /// The probe was abandoned (cancelled) before it had an answer: another request may probe.
    pub fn probe_abandoned(&self) {
        if let Phase::Outage(outage) = &mut *self.phase.lock() {
            outage.probe_out = false;
        }
        self.changed.notify_waiters();
    }
}

/// The wait before the probe after `failed` failed probes.
fn probe_wait(failed: u32) -> Duration {
    PROBE_BASE.saturating_mul(1 << failed.min(16)).min(PROBE_MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fail(guard: &OutageGuard, now: Instant, times: u32) {
        for _ in 0..times {
            guard.on_transport_failure(now, false, TransportKind::ConnectionClosed, "reset");
        }
    }

    #[test]
    fn scattered_failures_between_answers_are_no_outage() {
        let guard = OutageGuard::new();
        let t0 = Instant::now();
        for _ in 0..100 {
            fail(&guard, t0, OUTAGE_AFTER - 1);
            guard.on_answer();
        }
        assert_eq!(guard.admit_at(t0, 10), Ok(Admission::Go));
    }

    #[test]
    fn consecutive_failures_hold_everyone_behind_one_probe_with_capped_backoff() {
        let guard = OutageGuard::new();
        let t0 = Instant::now();
        fail(&guard, t0, OUTAGE_AFTER);
        assert!(guard.in_outage());
        assert_eq!(guard.admit_at(t0, 10), Err(t0 + PROBE_BASE), "nobody goes before the first probe is due");
        let t1 = t0 + PROBE_BASE;
        assert_eq!(guard.admit_at(t1, 10), Ok(Admission::Probe));
        assert!(guard.admit_at(t1, 10).is_err(), "one probe at a time");
        let mut now = t1;
        let mut waits = Vec::new();
        for _ in 0..7 {
            guard.on_transport_failure(now, true, TransportKind::Timeout, "timed out");
            let Err(next) = guard.admit_at(now, 10) else { panic!("held") };
            waits.push((next - now).as_secs());
            now = next;
            assert_eq!(guard.admit_at(now, 10), Ok(Admission::Probe));
        }
        assert_eq!(waits, vec![2, 4, 8, 16, 30, 30, 30]);
    }

    #[test]
    fn an_answer_ends_the_outage_for_everyone() {
        let guard = OutageGuard::new();
        let t0 = Instant::now();
        fail(&guard, t0, OUTAGE_AFTER);
        assert_eq!(guard.admit_at(t0 + PROBE_BASE, 10), Ok(Admission::Probe));
        guard.on_answer();
        assert_eq!(guard.admit_at(t0 + PROBE_BASE, 10), Ok(Admission::Go));
        assert!(!guard.in_outage());
    }

    #[test]
    fn when_patience_runs_out_waiters_give_up_naming_the_outage_and_a_probe_still_checks_for_recovery() {
        let guard = OutageGuard::new();
        let t0 = Instant::now();
        fail(&guard, t0, OUTAGE_AFTER);
        let mut now = t0;
        for _ in 0..3 {
            now = guard.admit_at(now, 2).err().unwrap_or(now);
            assert_eq!(guard.admit_at(now, 2), Ok(Admission::Probe));
            guard.on_transport_failure(now, true, TransportKind::Connect, "connection refused");
        }
        let Ok(Admission::GiveUp(report)) = guard.admit_at(now, 2) else { panic!("gives up after 3 failed probes with patience 2") };
        assert_eq!(report.failed_probes, 3);
        assert!(report.message().contains("connection refused"), "{}", report.message());
        let later = now + PROBE_MAX;
        assert_eq!(guard.admit_at(later, 2), Ok(Admission::Probe), "a recovery check is still let through");
        assert!(matches!(guard.admit_at(later, 2), Ok(Admission::GiveUp(_))), "others fail at once meanwhile");
        guard.on_answer();
        assert_eq!(guard.admit_at(later, 2), Ok(Admission::Go));
    }

    #[test]
    fn an_abandoned_probe_lets_another_request_probe() {
        let guard = OutageGuard::new();
        let start = Instant::now();
        let t0 = start + PROBE_BASE;
        fail(&guard, start, OUTAGE_AFTER);
        assert_eq!(guard.admit_at(t0, 10), Ok(Admission::Probe));
        guard.probe_abandoned();
        assert_eq!(guard.admit_at(t0, 10), Ok(Admission::Probe));
    }

    #[tokio::test(start_paused = true)]
    async fn waiters_resume_when_the_probe_is_answered() {
        let guard = std::sync::Arc::new(OutageGuard::new());
        let started = Instant::now();
        fail(&guard, started, OUTAGE_AFTER);
        let waiters: Vec<_> = (0..3)
            .map(|_| {
                let guard = guard.clone();
                tokio::spawn(async move { (guard.admit(10).await, Instant::now()) })
            })
            .collect();
        tokio::time::sleep(PROBE_BASE + Duration::from_millis(10)).await;
        assert_eq!(waiters.iter().filter(|w| w.is_finished()).count(), 1, "exactly one probe goes, when it is due");
        guard.on_answer();
        let mut admissions = Vec::new();
        for waiter in waiters {
            let (admission, at) = waiter.await.unwrap();
            assert!(at >= started + PROBE_BASE);
            admissions.push(admission);
        }
        assert_eq!(admissions.iter().filter(|a| **a == Admission::Probe).count(), 1);
        assert_eq!(admissions.iter().filter(|a| **a == Admission::Go).count(), 2);
    }
}
