//! Microsoft.Graph.Entra.Rs core: everything that can be tested without FFI or a PowerShell host.
//!
//! Layers, bottom up (a module uses only those listed before it):
//! 1. validated inputs and server text: `identifier`, `endpoint`, `text`;
//! 2. one HTTP exchange: `transport` (the seam tests script), `attempt`, `graph_error`,
//!    `request_url`, `trace`, `http`;
//! 3. retry rules, a leaf: `retry` (policy, Retry-After, throttle gate, outage guard, adaptive
//!    limit); tokens: `auth`;
//! 4. the connection: `session`;
//! 5. the one attempt engine: `attempts` (outcomes in `outcome`);
//! 6. what uses it: the bulk engine (`engine`), `users`, `signed_in_user`; `verify` (the rule
//!    that the directory confirms a revocation, pure) sits beside `outcome`.

pub mod attempt;
pub mod attempts;
pub mod auth;
pub mod endpoint;
pub mod engine;
pub mod graph_error;
pub mod http;
pub mod identifier;
pub mod outcome;
pub mod request_url;
pub mod retry;
pub mod session;
pub mod trace;
pub mod signed_in_user;
pub mod text;
pub mod transport;
pub mod users;
pub mod verify;

pub use engine::{JobOptions, RevokeJob, SubmitStatus};
pub use identifier::{IdentifierError, UserIdentifier};
pub use outcome::{Failure, FailureKind, Outcome};
pub use session::{Session, SessionError};
