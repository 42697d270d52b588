//! Retry rules, a leaf below everything that sends: which failures are worth another attempt and
//! when (`policy`, `retry_after`), and what every request of one identity shares while Graph
//! throttles or is unreachable (`throttle_gate`, `outage`) or while a run finds its pace
//! (`adaptive_limit`, and `operations_window` for `$batch` sends). Nothing here sends a request or knows about sessions or tokens; the
//! attempt loop that uses these rules is `crate::attempts`.

pub mod adaptive_limit;
pub mod limit_usage;
pub mod operations_window;
pub mod outage;
pub mod pacer;
pub mod policy;
pub mod retry_after;
pub mod throttle_gate;

pub use adaptive_limit::{AdaptiveLimit, LimitPermit};
pub use operations_window::{OperationsPermit, OperationsWindow};
pub use outage::{Admission, OutageGuard, OutageReport};
pub use policy::{Decision, RetryPolicy};
pub use retry_after::parse_retry_after;
pub use throttle_gate::ThrottleGate;
