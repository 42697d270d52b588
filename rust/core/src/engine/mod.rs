//! The bulk revocation engine: inputs stream in, requests run concurrently under an adaptive
//! limit and a shared throttle gate, outcomes stream out. Queues are bounded both ways, so memory
//! does not grow with the number of users, and every input yields exactly one outcome.

mod batch;
mod context;
mod dispatch;
mod job;
mod progress;
mod single;
mod summary;
mod work;

pub use job::{JobOptions, RevokeJob, SubmitStatus};
pub use progress::ProgressSnapshot;
pub use summary::RunSummary;

/// Graph accepts at most 20 requests in one JSON batch.
pub const MAX_BATCH_SIZE: usize = 20;
/// -ThrottleLimit's range and default. 32 in flight keeps 1,000 users at 50 ms latency far
/// below a sequential loop's time while staying a polite client for one tenant.
pub const MIN_THROTTLE_LIMIT: usize = 1;
pub const MAX_THROTTLE_LIMIT: usize = 256;
pub const DEFAULT_THROTTLE_LIMIT: usize = 32;
/// -MaxRetry's upper bound (every cmdlet that sends requests has it; the default is
/// `retry::policy::DEFAULT_MAX_RETRIES`). 50 retries at the 30 s backoff cap ride out 25 minutes
/// of outage; beyond that a run is better restarted than left waiting.
pub const MAX_RETRY_LIMIT: u32 = 50;
/// How many works (users, or batches with -UseBatch) may be under way at once per slot of
/// -ThrottleLimit. Under way includes waiting out a retry's backoff, which holds no concurrency
/// slot; the spare works keep the slots busy meanwhile. Bounded, so intake stays bounded.
pub const WORKS_PER_SLOT: usize = 4;
