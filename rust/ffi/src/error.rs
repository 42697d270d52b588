//! Error codes that cross the boundary. Stable: append new ones, never renumber or reuse.

use interoptopus::ffi;

#[ffi]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NativeError {
    /// The Graph endpoint is not an https origin (or loopback http).
    InvalidEndpoint,
    /// The access token is empty or not sendable in a header.
    InvalidToken,
    /// The options document could not be read.
    InvalidOptions,
    /// The HTTP client could not be built (TLS, proxy).
    ClientUnavailable,
    /// `GraphSession::connect` was called on a sign-in flow that has not signed in.
    NotSignedIn,
    /// The proxy given (Connect-Entra -Proxy) is not an absolute URL.
    InvalidProxy,
}
