//! Microsoft.Graph.Entra.Rs core: everything that can be tested without FFI or a PowerShell host.
//!
//! Layers, bottom up: validated inputs (`identifier`, `endpoint`), URLs (`request_url`), one HTTP
//! attempt (`http`, `graph_error`, `attempt`), retry rules (`retry`), the connection (`session`),
//! and the bulk engine (`engine`) that turns a stream of identifiers into a stream of outcomes.

pub mod attempt;
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
pub mod users;

pub use engine::{JobOptions, RevokeJob, SubmitStatus};
pub use identifier::{IdentifierError, UserIdentifier};
pub use outcome::{Failure, FailureKind, Outcome};
pub use session::{Session, SessionError};
