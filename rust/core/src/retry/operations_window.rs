//! Slow start for `$batch` sends, counted in operations.
//!
//! Graph's quota counts a `$batch`'s items, not its requests, so a run's first contact with a
//! quota it knows nothing about costs the operations in flight when the bucket runs dry.
//! `AdaptiveLimit`'s slow start counts requests: with -UseBatch its first four sends carry 80
//! revocations, and against a bucket holding 20 sixty of them are answered 429 at once. This
//! window opens the same way as unbatched runs do, in operations: `INITIAL_WINDOW` before any
//! answer, doubled each time a whole window of operations has been accepted (once per round
//! trip), so a batched and an unbatched run meet an unknown quota with the same handful.
//!
//! It ends for good at the first throttled operation (from then on the throttle gate paces
//! operations and bounds what a send carries, see `pacer`) or once it holds every send the
//! run's concurrency allows. The price is paid by unthrottled batched runs: a few more round
//! trips before their sends are full (measured in `bench/`).

use super::adaptive_limit::INITIAL_WINDOW;
use parking_lot::Mutex;
use std::sync::Arc;
use tokio::sync::Notify;

#[derive(Debug)]
struct State {
    /// Operations that may be in flight; None: the window has ended, sends carry what is due.
    window: Option<usize>,
    in_flight: usize,
    /// Operations accepted since the window last doubled.
    accepted: usize,
}

#[derive(Debug)]
pub struct OperationsWindow {
    max: usize,
    state: Mutex<State>,
    freed: Notify,
}

/// Operations one send may carry, held while that send is on the wire.
#[derive(Debug)]
pub struct OperationsPermit {
    owner: Arc<OperationsWindow>,
    granted: usize,
}

impl OperationsPermit {
    /// How many operations the send may carry (at least one).
    pub fn granted(&self) -> usize {
        self.granted
    }
}

impl Drop for OperationsPermit {
    fn drop(&mut self) {
        self.owner.state.lock().in_flight -= self.granted;
        self.owner.freed.notify_waiters();
    }
}

impl OperationsWindow {
    /// A window that ends once `max_operations` may be in flight (the run's concurrency times
    /// the operations one send carries at most).
    pub fn new(max_operations: usize) -> Arc<Self> {
        let max = max_operations.max(1);
        let window = (INITIAL_WINDOW < max).then_some(INITIAL_WINDOW);
        Arc::new(Self { max, state: Mutex::new(State { window, in_flight: 0, accepted: 0 }), freed: Notify::new() })
    }

    /// The operations that may be in flight now; None once the window has ended.
    pub fn window(&self) -> Option<usize> {
        self.state.lock().window
    }

    /// Up to `wanted` operations if the window has room for at least one.
    pub fn try_take(self: &Arc<Self>, wanted: usize) -> Option<OperationsPermit> {
        let wanted = wanted.max(1);
        let mut state = self.state.lock();
        let granted = match state.window {
            None => wanted,
            Some(window) if state.in_flight < window => wanted.min(window - state.in_flight),
            Some(_) => return None,
        };
        state.in_flight += granted;
        Some(OperationsPermit { owner: self.clone(), granted })
    }

    /// Waits until the window has room, then takes up to `wanted` operations.
    pub async fn take(self: &Arc<Self>, wanted: usize) -> OperationsPermit {
        loop {
            let freed = self.freed.notified();
            tokio::pin!(freed);
            freed.as_mut().enable();
            if let Some(permit) = self.try_take(wanted) {
                return permit;
            }
            freed.await;
        }
    }

    /// How a send's operations were answered: a whole window of them accepted doubles the
    /// window; a throttled one ends it (the gate's pacing knows the quota from then on).
    pub fn answered(&self, accepted: usize, throttled: usize) {
        let mut state = self.state.lock();
        let Some(window) = state.window else { return };
        if throttled > 0 {
            state.window = None;
        } else {
            state.accepted += accepted;
            if state.accepted >= window {
                state.accepted = 0;
                state.window = (window * 2 < self.max).then_some(window * 2);
            }
        }
        drop(state);
        self.freed.notify_waiters();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn before_any_answer_sends_carry_the_initial_window_between_them() {
        let window = OperationsWindow::new(640);
        let first = window.try_take(20).unwrap();
        assert_eq!(first.granted(), INITIAL_WINDOW);
        assert!(window.try_take(20).is_none(), "the window is full until an answer comes");
        drop(first);
        assert_eq!(window.try_take(3).unwrap().granted(), 3, "a send never gets more than it asks for");
    }

    #[test]
    fn accepted_operations_double_the_window_every_round_trip_until_it_holds_every_send() {
        let window = OperationsWindow::new(640);
        let mut windows = vec![];
        while let Some(size) = window.window() {
            windows.push(size);
            // One round trip: the whole window is sent and accepted.
            let permit = window.try_take(size).unwrap();
            window.answered(permit.granted(), 0);
        }
        assert_eq!(windows, vec![4, 8, 16, 32, 64, 128, 256, 512]);
        assert_eq!(window.try_take(10_000).unwrap().granted(), 10_000, "ended: a send carries what is due");
    }

    #[test]
    fn the_window_widens_only_once_a_whole_window_is_accepted() {
        let window = OperationsWindow::new(640);
        window.answered(3, 0);
        assert_eq!(window.window(), Some(INITIAL_WINDOW), "answers one by one do not widen it each");
        window.answered(1, 0);
        assert_eq!(window.window(), Some(2 * INITIAL_WINDOW));
    }

    #[test]
    fn the_first_throttled_operation_ends_the_window() {
        let window = OperationsWindow::new(640);
        let permit = window.try_take(20).unwrap();
        window.answered(3, 1);
        assert_eq!(window.window(), None);
        drop(permit);
        assert_eq!(window.try_take(20).unwrap().granted(), 20);
    }

    #[test]
    fn a_run_that_allows_few_operations_has_no_window() {
        assert_eq!(OperationsWindow::new(3).window(), None);
        assert_eq!(OperationsWindow::new(3).try_take(3).unwrap().granted(), 3);
    }

    #[tokio::test]
    async fn a_waiting_send_goes_once_an_answer_frees_or_widens_the_window() {
        let window = OperationsWindow::new(640);
        let first = window.try_take(20).unwrap();
        let w = window.clone();
        let waiter = tokio::spawn(async move { w.take(20).await.granted() });
        tokio::task::yield_now().await;
        assert!(!waiter.is_finished());
        window.answered(first.granted(), 0);
        drop(first);
        assert_eq!(waiter.await.unwrap(), 8, "the widened window, nothing else in flight");
    }
}
