//! One input on its way through the engine: the caller's tag, the text as given, the parsed id.

use crate::attempt::AttemptSuccess;
use crate::identifier::UserIdentifier;
use crate::outcome::{Failure, Outcome};
use crate::verify::Verification;
use chrono::Utc;
use std::time::Duration;

pub(super) struct Work {
    pub tag: u64,
    pub input: String,
    pub id: UserIdentifier,
}

impl Work {
    pub fn outcome(self, attempts: u32, duration: Duration, result: Result<AttemptSuccess, Failure>) -> Outcome {
        self.verified_outcome(attempts, duration, result, None)
    }

    pub fn verified_outcome(self, attempts: u32, duration: Duration, result: Result<AttemptSuccess, Failure>, verification: Option<Verification>) -> Outcome {
        Outcome { tag: self.tag, input: self.input, attempts, duration, completed_at: Utc::now(), result, verification }
    }
}
