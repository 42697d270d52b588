//! A gate shared by every worker sending to one tenant: a 429 closes it until its Retry-After
//! has passed, so the other workers wait instead of each collecting its own 429 (and extending
//! the throttling, which is what Graph does to clients that keep sending).

use parking_lot::Mutex;
use std::time::Duration;
use tokio::time::Instant;

#[derive(Debug, Default)]
pub struct ThrottleGate {
    closed_until: Mutex<Option<Instant>>,
}

impl ThrottleGate {
    pub fn new() -> Self {
        Self::default()
    }

    /// Closes the gate for `wait` from `now`; an earlier closing that ends later is kept.
    pub fn close_for(&self, now: Instant, wait: Duration) {
        let until = now + wait;
        let mut closed = self.closed_until.lock();
        if closed.is_none_or(|current| current < until) {
            *closed = Some(until);
        }
    }

    /// When the gate opens, or `None` when it is open at `now`.
    pub fn opens_at(&self, now: Instant) -> Option<Instant> {
        let closed = self.closed_until.lock();
        closed.filter(|until| *until > now)
    }

    /// Waits until the gate is open. Loops because another 429 may close it again meanwhile.
    pub async fn wait_open(&self) {
        while let Some(until) = self.opens_at(Instant::now()) {
            tokio::time::sleep_until(until).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_close_keeps_the_later_deadline() {
        let gate = ThrottleGate::new();
        let t0 = Instant::now();
        assert_eq!(gate.opens_at(t0), None);
        gate.close_for(t0, Duration::from_secs(5));
        gate.close_for(t0, Duration::from_secs(2));
        assert_eq!(gate.opens_at(t0), Some(t0 + Duration::from_secs(5)));
        assert_eq!(gate.opens_at(t0 + Duration::from_secs(5)), None);
        gate.close_for(t0 + Duration::from_secs(4), Duration::from_secs(3));
        assert_eq!(gate.opens_at(t0 + Duration::from_secs(5)), Some(t0 + Duration::from_secs(7)));
    }

    #[tokio::test(start_paused = true)]
    async fn waiters_resume_exactly_when_the_gate_opens() {
        let gate = std::sync::Arc::new(ThrottleGate::new());
        let start = Instant::now();
        gate.close_for(start, Duration::from_millis(2128));
        let waiters: Vec<_> = (0..5)
            .map(|_| {
                let g = gate.clone();
                tokio::spawn(async move {
                    g.wait_open().await;
                    Instant::now()
                })
            })
            .collect();
        for w in waiters {
            let resumed = w.await.unwrap();
            assert!(resumed >= start + Duration::from_millis(2128));
            assert!(resumed < start + Duration::from_millis(2200));
        }
    }
}
