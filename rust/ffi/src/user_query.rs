//! `UserQueryHandle`: Get-EntraUser's listing, fetched one page per call from the pipeline
//! thread so each page streams into the pipeline as it arrives.

use crate::dto::{FailureDto, TraceDto, TraceLevelDto, UserPageDto, to_json};
use crate::error::NativeError;
use crate::graph_session::GraphSession;
use crate::panic_boundary::{guard_json, guard_result, guard_value};
use crate::runtime;
use entra_core::outcome::Failure;
use entra_core::retry::RetryPolicy;
use entra_core::users::{QueryError, UserPager, UserQuery};
use interoptopus::ffi;
use parking_lot::Mutex;
use serde::Deserialize;
use tokio_util::sync::CancellationToken;

boundary_document! {
    /// Get-EntraUser's query (UserQueryHandle.start): one user by id, or a listing by filter or search.
    #[csharp_input = "UserQueryRecord"]
    pub(crate) struct UserQueryDto {
        user_id: Option<String> => "string?",
        filter: Option<String> => "string?",
        search: Option<String> => "string?",
        top: Option<u32> => "int?",
        #[serde(default)]
        all: bool => "bool",
        #[serde(default)]
        properties: Vec<String> => "string[]",
        user_agent: String => "string",
        #[serde(default = "crate::contract::default_max_retry")]
        max_retry: u32 => "int",
        #[serde(default)]
        trace: TraceLevelDto => "TraceLevel",
    }
}

#[ffi(service)]
pub struct UserQueryHandle {
    pager: Mutex<Result<UserPager, Option<QueryError>>>,
    cancel: CancellationToken,
}

#[ffi]
impl UserQueryHandle {
    /// Prepares a listing; `query_json`: {"userId","filter","search","top","all","properties","userAgent","maxRetry","trace"}.
    /// A query Graph would refuse (bad identifier, bad property name) is reported by the first page.
    pub fn start(session: &GraphSession, query_json: ffi::String) -> ffi::Result<Self, NativeError> {
        guard_result(|| {
            let Ok(dto) = serde_json::from_str::<UserQueryDto>(query_json.as_str()) else {
                return ffi::Result::Err(NativeError::InvalidOptions);
            };
            let query = UserQuery { user_id: dto.user_id, filter: dto.filter, search: dto.search, top: dto.top, all: dto.all, properties: dto.properties };
            let pager = UserPager::new(session.inner.clone(), &query, dto.user_agent, RetryPolicy { max_retries: dto.max_retry, ..RetryPolicy::default() }, dto.trace.into());
            let cancel = pager.as_ref().map(UserPager::cancel_token).unwrap_or_default();
            ffi::Result::Ok(Self { pager: Mutex::new(pager.map_err(Some)), cancel })
        })
    }

    /// The next page as JSON {"users":[…],"done":bool,"failure":{…}}; blocks until it arrives.
    pub fn next_page(&self) -> ffi::String {
        guard_json(
            || to_json(&UserPageDto::failed(FailureDto::internal())),
            || {
                let mut state = self.pager.lock();
                let page = match &mut *state {
                    Ok(pager) => runtime::handle().block_on(pager.next_page()),
                    Err(error) => Err(error.take().map_or(Failure::Cancelled, query_failure)),
                };
                match &page {
                    Ok(Some(users)) => to_json(&UserPageDto { users, done: false, failure: None }),
                    Ok(None) => to_json(&UserPageDto { users: &[], done: true, failure: None }),
                    Err(failure) => to_json(&UserPageDto::failed(FailureDto::from_failure(failure))),
                }
            },
        )
    }

    /// The requests logged since the last call as JSON {"entries":[…],"dropped":n}.
    pub fn take_trace(&self) -> ffi::String {
        guard_json(
            || to_json(&TraceDto::empty()),
            || {
                let state = self.pager.lock();
                let (entries, dropped) = match &*state {
                    Ok(pager) => pager.trace().take(),
                    Err(_) => (Vec::new(), 0),
                };
                to_json(&TraceDto::new(&entries, dropped))
            },
        )
    }

    /// Stops the page being fetched; callable from any thread (StopProcessing).
    pub fn cancel(&self) {
        guard_value((), || self.cancel.cancel());
    }
}

/// A query rejected before any request reads like an invalid identifier: InvalidArgument.
fn query_failure(error: QueryError) -> Failure {
    match error {
        QueryError::InvalidIdentifier(e) => Failure::InvalidIdentifier(e),
        other => Failure::InvalidQuery(other.to_string()),
    }
}

