//! Walks a user listing page by page, following `@odata.nextLink` only while it stays on the
//! connected Graph endpoint: a link elsewhere would carry our token to another host.

use super::query::{QueryError, UserQuery};
use crate::attempt::{AttemptError, TransportKind};
use crate::attempts::{PolicyHooks, drive};
use crate::http::{RequestContext, get};
use crate::outcome::Failure;
use crate::retry::RetryPolicy;
use crate::session::Session;
use crate::trace::{TraceLevel, TraceSink};
use crate::transport::MAX_PAGE_BYTES;
use serde_json::{Map, Value};
use std::sync::Arc;
use tokio_util::sync::CancellationToken;
use url::Url;

pub type User = Map<String, Value>;

pub struct UserPager {
    session: Arc<Session>,
    user_agent: String,
    policy: RetryPolicy,
    single: bool,
    next: Option<Url>,
    /// Users still wanted (from -Top); `None` for no limit.
    remaining: Option<u64>,
    cancel: CancellationToken,
    trace: Arc<TraceSink>,
}

impl UserPager {
    pub fn new(session: Arc<Session>, query: &UserQuery, user_agent: String, policy: RetryPolicy, trace: TraceLevel) -> Result<Self, QueryError> {
        let first = query.first_url(session.endpoint())?;
        let remaining = if query.all { query.top.map(u64::from) } else { Some(u64::from(query.top.unwrap_or(100))) };
        Ok(Self { session, user_agent, policy, single: query.is_single_user(), next: Some(first), remaining, cancel: CancellationToken::new(), trace: Arc::new(TraceSink::new(trace)) })
    }

    /// Cancels the page being fetched; callable from any thread.
    pub fn cancel_token(&self) -> CancellationToken {
        self.cancel.clone()
    }

    /// The requests sent so far, for -Verbose/-Debug.
    pub fn trace(&self) -> &TraceSink {
        &self.trace
    }

    /// The next page of users, or `None` when the listing is complete.
    pub async fn next_page(&mut self) -> Result<Option<Vec<User>>, Failure> {
        let Some(url) = self.next.take() else { return Ok(None) };
        if self.remaining == Some(0) {
            return Ok(None);
        }
        let hooks = PolicyHooks { session: &self.session, policy: self.policy };
        let transport = self.session.transport();
        let user_agent = self.user_agent.as_str();
        let trace = Some(&*self.trace);
        let driven = drive(&self.session, &self.cancel, &hooks, None, |token, attempt| {
            let url = url.clone();
            async move { get(transport, url, false, MAX_PAGE_BYTES, &RequestContext { token: &token, user_agent, attempt, trace }).await }
        })
        .await;
        let (_, body) = driven.result?;
        let mut page: Value = serde_json::from_slice(&body).map_err(|e| malformed(&e.to_string()))?;
        let mut users = if self.single {
            vec![page.as_object().cloned().ok_or_else(|| malformed("the user is not a JSON object"))?]
        } else {
            self.next = match page.get("@odata.nextLink").and_then(Value::as_str) {
                Some(link) => Some(self.same_origin(link)?),
                None => None,
            };
            match page.get_mut("value").map(Value::take) {
                Some(Value::Array(items)) => items.into_iter().filter_map(|v| if let Value::Object(o) = v { Some(o) } else { None }).collect(),
                _ => return Err(malformed("the page has no 'value' array")),
            }
        };
        if let Some(remaining) = self.remaining.as_mut() {
            users.truncate(usize::try_from(*remaining).unwrap_or(usize::MAX));
            *remaining -= users.len() as u64;
        }
        Ok(Some(users))
    }

    fn same_origin(&self, link: &str) -> Result<Url, Failure> {
        let url = Url::parse(link).map_err(|_| malformed("@odata.nextLink is not a URL"))?;
        if url.origin() != self.session.endpoint().origin().origin() {
            return Err(malformed("@odata.nextLink points to another host; it was not followed"));
        }
        Ok(url)
    }
}

fn malformed(what: &str) -> Failure {
    Failure::from_attempt(AttemptError::Transport { kind: TransportKind::Other, message: format!("Graph's answer could not be read: {what}") }, false)
}
