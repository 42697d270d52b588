//! No panic may unwind into .NET: each exported body runs through one of these.

use interoptopus::lang::types::TypeInfo;
use interoptopus::{ffi, pattern::result::panic_to_result};
use std::panic::{AssertUnwindSafe, catch_unwind};

/// For functions returning a plain value: a panic yields `fallback`.
pub fn guard_value<T>(fallback: T, body: impl FnOnce() -> T) -> T {
    catch_unwind(AssertUnwindSafe(body)).unwrap_or(fallback)
}

/// For functions answering a JSON document: a panic yields the document `fallback` builds (a
/// typed DTO, so C# reads it like any other answer), built only then.
pub fn guard_json(fallback: impl FnOnce() -> String, body: impl FnOnce() -> String) -> ffi::String {
    ffi::String::from_string(catch_unwind(AssertUnwindSafe(body)).unwrap_or_else(|_| fallback()))
}

/// For functions returning `ffi::Result`: a panic yields `Result::Panic`, which C# turns
/// into an exception.
pub fn guard_result<T: TypeInfo, E: TypeInfo>(body: impl FnOnce() -> ffi::Result<T, E>) -> ffi::Result<T, E> {
    panic_to_result(body)
}
