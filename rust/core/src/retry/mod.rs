//! When to try a request again, how long to wait, and how the waiting is shared.

pub mod adaptive_limit;
pub mod driver;
pub mod policy;
pub mod retry_after;
pub mod throttle_gate;

pub use adaptive_limit::{AdaptiveLimit, LimitPermit};
pub use policy::{Decision, RetryPolicy};
pub use retry_after::parse_retry_after;
pub use throttle_gate::ThrottleGate;
