//! The one attempt engine: how a logical request (a revocation, a `$batch` item, the signed-in
//! user's revocation, a page of users) becomes a final answer. Every caller goes through the same
//! steps, so a rule changes in one place:
//!
//! 1. take a concurrency slot (`AttemptHooks::attempt_slot`);
//! 2. wait for the session's throttle gate, then for the outage guard (one probe at a time while
//!    Graph is unreachable for everyone);
//! 3. take a token, waiting out an identity platform outage;
//! 4. send (through the session's transport), give the slot back, tell the outage guard;
//! 5. classify: success, a 401 (renew the rejected token, go again), a failure the policy retries
//!    (no earlier than Graph asked), or a final failure.
//!
//! `machine` holds the per-request state and decisions (steps 3 and 5), `drive` runs steps 1-5
//! for one request; `engine::batch` runs them for 20 items sharing one request.
//! Layering: above `session` and `retry`, below `engine`, `users` and `signed_in_user`.

mod drive;
mod hooks;
mod machine;
mod wait_clock;

pub use drive::{Driven, drive};
pub use hooks::{AttemptHooks, PolicyHooks, close_gate_if_throttled};
pub use wait_clock::{WaitClock, Waiting};
pub use machine::{AttemptState, ProbeTicket, Step, clear_to_send, paced_send_succeeded, report_exchange, until_cancelled, until_cancelled_value};
