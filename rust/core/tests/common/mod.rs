//! Shared harness for the engine's integration tests: a wiremock server that answers like Graph
//! from a per-user script (also inside `$batch`), records every request with the time it
//! arrived, and helpers that drive a `RevokeJob` from a plain (blocking) thread, as the FFI
//! layer does.

#![allow(dead_code)]

pub mod scripted;

use entra_core::trace::TraceLevel;
use entra_core::http::HttpSettings;
use entra_core::outcome::Outcome;
use entra_core::retry::RetryPolicy;
use entra_core::{FailureKind, JobOptions, RevokeJob, Session, SubmitStatus};
use parking_lot::Mutex;
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::runtime::Runtime;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

pub const TOKEN: &str = "test-token.header.signature";
pub const USER_AGENT: &str = "PowerShell/7.4.6 EntraRsTests/0.1.0 Revoke-EntraUserAllRefreshToken";
/// No test run may take longer than this to finish; a hang fails instead of blocking CI.
pub const RUN_DEADLINE: Duration = Duration::from_secs(20);

/// `user0042@contoso.com`
pub fn user(i: usize) -> String {
    format!("user{i:04}@contoso.com")
}

/// The resource a revocation of `upn` addresses, relative to `/v1.0` (as in a `$batch` item).
pub fn resource(upn: &str) -> String {
    format!("/users/{upn}/revokeSignInSessions")
}

/// The user index from a resource built with [`user`] and [`resource`].
pub fn user_index(resource: &str) -> Option<usize> {
    resource.strip_prefix("/users/user")?.get(..4)?.parse().ok()
}

/// Retries fast enough for tests: 20 ms first backoff step, 100 ms at most.
pub fn fast_retry(max_retries: u32) -> RetryPolicy {
    RetryPolicy { max_retries, base_delay: Duration::from_millis(20), max_delay: Duration::from_millis(100) }
}

pub fn options(throttle_limit: usize, use_batch: bool) -> JobOptions {
    JobOptions { throttle_limit, retry: fast_retry(3), use_batch, user_agent: USER_AGENT.to_owned(), trace: TraceLevel::Off, verify: false }
}

pub fn runtime() -> Runtime {
    tokio::runtime::Builder::new_multi_thread().worker_threads(4).enable_all().build().expect("test runtime")
}

pub fn session_for(uri: &str, settings: &HttpSettings) -> Arc<Session> {
    Arc::new(Session::with_access_token(uri, TOKEN.to_owned(), settings).expect("session against the test server"))
}

/// What the fake Graph answers to one revocation (a plain request or one `$batch` item).
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub delay: Duration,
}

impl Reply {
    pub fn status(status: u16) -> Self {
        Self { status, headers: Vec::new(), body: Vec::new(), delay: Duration::ZERO }
    }

    /// Today's Graph success: `200 {"@odata.context":"…","value":true}`.
    pub fn ok() -> Self {
        Self::status(200).json(json!({"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#Edm.Boolean", "value": true}))
    }

    /// Older docs' success: `204` without a body.
    pub fn no_content() -> Self {
        Self::status(204)
    }

    /// Graph's error envelope; request ids are derived from the code so tests can check them.
    pub fn graph_error(status: u16, code: &str, message: &str) -> Self {
        Self::status(status).json(json!({
            "error": {
                "code": code,
                "message": message,
                "innerError": {
                    "date": "2026-11-27T10:00:00",
                    "request-id": format!("req-{code}"),
                    "client-request-id": format!("client-{code}"),
                }
            }
        }))
    }

    pub fn throttled(retry_after: &str) -> Self {
        Self::graph_error(429, "TooManyRequests", "Too many requests.").header("Retry-After", retry_after)
    }

    pub fn json(mut self, body: Value) -> Self {
        self.body = serde_json::to_vec(&body).unwrap();
        self.headers.push(("Content-Type".into(), "application/json".into()));
        self
    }

    pub fn raw(mut self, body: &[u8]) -> Self {
        self.body = body.to_vec();
        self
    }

    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    pub fn delayed(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }

    fn template(&self) -> ResponseTemplate {
        let mut template = ResponseTemplate::new(self.status).set_delay(self.delay);
        for (name, value) in &self.headers {
            template = template.insert_header(name.as_str(), value.as_str());
        }
        if !self.body.is_empty() {
            template = template.set_body_bytes(self.body.clone());
        }
        template
    }

    fn batch_item(&self, id: &str) -> Value {
        let headers: serde_json::Map<String, Value> = self.headers.iter().map(|(k, v)| (k.clone(), Value::String(v.clone()))).collect();
        let body = match serde_json::from_slice::<Value>(&self.body) {
            Ok(value) => value,
            Err(_) if self.body.is_empty() => Value::Null,
            Err(_) => Value::String(String::from_utf8_lossy(&self.body).into_owned()),
        };
        let mut item = json!({"id": id, "status": self.status, "headers": headers});
        if !body.is_null() {
            item["body"] = body;
        }
        item
    }
}

/// One HTTP request as the server saw it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub at: Instant,
    pub method: String,
    pub path: String,
    /// Header names in lower case.
    pub headers: HashMap<String, String>,
    pub body: Vec<u8>,
}

impl Seen {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(&name.to_ascii_lowercase()).map(String::as_str)
    }
}

/// One revocation the script answered: a plain request or one item of a `$batch`.
#[derive(Debug, Clone)]
pub struct Call {
    pub at: Instant,
    /// `/users/{segment}/revokeSignInSessions`, as sent (percent-encoding kept).
    pub resource: String,
    /// 1 for the first call for this resource.
    pub nth: u32,
    pub status: u16,
    /// Index into [`GraphMock::requests`] of the HTTP request that carried it.
    pub request: usize,
    pub via_batch: bool,
}

type Script = dyn Fn(&str, u32) -> Reply + Send + Sync;

struct State {
    requests: Vec<Seen>,
    calls: Vec<Call>,
    counts: HashMap<String, u32>,
}

/// A fake Graph: every revocation, alone or inside `$batch`, is answered by `script(resource,
/// nth)`, so the same script drives the single and the batch mode alike.
#[derive(Clone)]
pub struct GraphMock {
    script: Arc<Script>,
    state: Arc<Mutex<State>>,
}

impl GraphMock {
    pub fn new(script: impl Fn(&str, u32) -> Reply + Send + Sync + 'static) -> Self {
        Self { script: Arc::new(script), state: Arc::new(Mutex::new(State { requests: Vec::new(), calls: Vec::new(), counts: HashMap::new() })) }
    }

    pub fn requests(&self) -> Vec<Seen> {
        self.state.lock().requests.clone()
    }

    pub fn calls(&self) -> Vec<Call> {
        self.state.lock().calls.clone()
    }

    pub fn calls_for(&self, resource: &str) -> Vec<Call> {
        self.state.lock().calls.iter().filter(|c| c.resource == resource).cloned().collect()
    }

    fn answer(&self, state: &mut State, resource: &str, at: Instant, request: usize, via_batch: bool) -> Reply {
        let nth = {
            let n = state.counts.entry(resource.to_owned()).or_insert(0);
            *n += 1;
            *n
        };
        let reply = (self.script)(resource, nth);
        state.calls.push(Call { at, resource: resource.to_owned(), nth, status: reply.status, request, via_batch });
        reply
    }
}

impl Respond for GraphMock {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let at = Instant::now();
        let mut state = self.state.lock();
        let index = state.requests.len();
        state.requests.push(Seen {
            at,
            method: request.method.to_string(),
            path: request.url.path().to_owned(),
            headers: request
                .headers
                .iter()
                .map(|(k, v)| (k.as_str().to_ascii_lowercase(), v.to_str().unwrap_or_default().to_owned()))
                .collect(),
            body: request.body.clone(),
        });
        let path = request.url.path();
        if path == "/v1.0/$batch" {
            let Ok(batch) = serde_json::from_slice::<Value>(&request.body) else {
                return ResponseTemplate::new(400);
            };
            let mut delay = Duration::ZERO;
            let mut items = Vec::new();
            for item in batch["requests"].as_array().cloned().unwrap_or_default() {
                let id = item["id"].as_str().unwrap_or_default().to_owned();
                let url = item["url"].as_str().unwrap_or_default().to_owned();
                let reply = self.answer(&mut state, &url, at, index, true);
                delay = delay.max(reply.delay);
                items.push(reply.batch_item(&id));
            }
            // Graph answers items in any order.
            items.reverse();
            return ResponseTemplate::new(200)
                .insert_header("request-id", "batch-request-id")
                .set_body_json(json!({"responses": items}))
                .set_delay(delay);
        }
        let resource = path.strip_prefix("/v1.0").unwrap_or(path).to_owned();
        self.answer(&mut state, &resource, at, index, false).template()
    }
}

/// A runtime, a wiremock server answering with a [`GraphMock`], and a session pointed at it.
pub struct Harness {
    pub graph: GraphMock,
    pub session: Arc<Session>,
    pub server: MockServer,
    pub rt: Runtime,
}

impl Harness {
    pub fn new(script: impl Fn(&str, u32) -> Reply + Send + Sync + 'static) -> Self {
        Self::with_settings(&HttpSettings { request_timeout: Duration::from_secs(30), ..HttpSettings::default() }, script)
    }

    pub fn with_settings(settings: &HttpSettings, script: impl Fn(&str, u32) -> Reply + Send + Sync + 'static) -> Self {
        let rt = runtime();
        let graph = GraphMock::new(script);
        let server = rt.block_on(async {
            let server = MockServer::start().await;
            Mock::given(any()).respond_with(graph.clone()).mount(&server).await;
            server
        });
        let session = session_for(&server.uri(), settings);
        Self { graph, session, server, rt }
    }

    pub fn start(&self, options: JobOptions) -> RevokeJob {
        RevokeJob::start(self.session.clone(), options, self.rt.handle().clone())
    }

    /// Starts a job, feeds it `inputs` (tag = index), completes input and collects everything.
    pub fn run(&self, options: JobOptions, inputs: &[String]) -> Vec<Outcome> {
        run(&self.start(options), inputs)
    }
}

/// Feeds `inputs` with tags 0.., taking outcomes whenever the job is full (as the cmdlet does),
/// then completes input and collects the rest.
pub fn run(job: &RevokeJob, inputs: &[String]) -> Vec<Outcome> {
    let mut outcomes = submit_all(job, 0, inputs);
    job.complete_input();
    outcomes.extend(collect_until_finished(job));
    outcomes
}

/// Submits `inputs` with tags from `first_tag`; returns the outcomes taken while the job was full.
pub fn submit_all(job: &RevokeJob, first_tag: u64, inputs: &[String]) -> Vec<Outcome> {
    let started = Instant::now();
    let mut taken = Vec::new();
    for (i, input) in inputs.iter().enumerate() {
        loop {
            match job.try_submit(first_tag + i as u64, input.clone()) {
                SubmitStatus::Accepted | SubmitStatus::AcceptedLast => break,
                SubmitStatus::Full => taken.extend(job.next_outcomes(256, Duration::from_millis(50))),
                SubmitStatus::Closed => panic!("the job closed its input while {input:?} was submitted"),
            }
            assert!(started.elapsed() < RUN_DEADLINE, "submitting did not finish within {RUN_DEADLINE:?}");
        }
    }
    taken
}

/// Takes outcomes until the job is finished. Call from a plain thread (never inside the runtime).
pub fn collect_until_finished(job: &RevokeJob) -> Vec<Outcome> {
    let started = Instant::now();
    let mut outcomes = Vec::new();
    while !job.is_finished() {
        outcomes.extend(job.next_outcomes(256, Duration::from_millis(100)));
        assert!(
            started.elapsed() < RUN_DEADLINE,
            "the job did not finish within {RUN_DEADLINE:?}; {} outcomes so far, progress {:?}",
            outcomes.len(),
            job.progress()
        );
    }
    outcomes
}

/// Takes outcomes until `count` have been taken (the job need not be finished).
pub fn take_outcomes(job: &RevokeJob, count: usize) -> Vec<Outcome> {
    let started = Instant::now();
    let mut outcomes = Vec::new();
    while outcomes.len() < count {
        outcomes.extend(job.next_outcomes(count - outcomes.len(), Duration::from_millis(100)));
        assert!(started.elapsed() < RUN_DEADLINE, "only {} of {count} outcomes arrived", outcomes.len());
    }
    outcomes
}

/// Outcomes keyed by tag; fails on a duplicate tag.
pub fn by_tag(outcomes: Vec<Outcome>) -> BTreeMap<u64, Outcome> {
    let mut map = BTreeMap::new();
    for outcome in outcomes {
        let tag = outcome.tag;
        if let Some(earlier) = map.insert(tag, outcome) {
            panic!("two outcomes for tag {tag}: {earlier:?} and {:?}", map[&tag]);
        }
    }
    map
}

/// The outcome for `input`; fails unless there is exactly one.
pub fn outcome_for<'a>(outcomes: &'a [Outcome], input: &str) -> &'a Outcome {
    let matching: Vec<&Outcome> = outcomes.iter().filter(|o| o.input == input).collect();
    assert_eq!(matching.len(), 1, "expected one outcome for {input:?}, got {matching:?}");
    matching[0]
}

pub fn failure_kind(outcome: &Outcome) -> Option<FailureKind> {
    outcome.result.as_ref().err().map(|f| f.kind())
}

/// A comparable summary of an outcome: success status, or failure kind and Graph's code and
/// message; and the attempts.
pub fn summary(outcome: &Outcome) -> (String, u32) {
    let what = match &outcome.result {
        Ok(success) => format!("ok {}", success.status),
        Err(failure) => match failure.graph_error() {
            Some(error) => format!("{:?} {}: {}", failure.kind(), error.code, error.message),
            None => format!("{:?}", failure.kind()),
        },
    };
    (what, outcome.attempts)
}

/// Waits (polling) until `condition` holds or `timeout` passes; returns whether it held.
pub fn eventually(timeout: Duration, mut condition: impl FnMut() -> bool) -> bool {
    let started = Instant::now();
    loop {
        if condition() {
            return true;
        }
        if started.elapsed() > timeout {
            return false;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// A mixed run: 500 inputs where every tenth user fails with 404 (Graph's envelope) and every
/// other tenth with a bare 500, some are throttled once, some get a 503 once, some answer 204,
/// and every 50th input is not a valid identifier.
pub fn mixed_inputs() -> Vec<String> {
    (0..500).map(|i| if i % 50 == 49 { format!("bad/{i}@contoso.com") } else { user(i) }).collect()
}

pub fn mixed_script(res: &str, nth: u32) -> Reply {
    let i = user_index(res).expect("only valid users reach the server");
    match (i % 5, nth) {
        (0, _) if i % 10 == 0 => Reply::graph_error(404, "Request_ResourceNotFound", "Resource does not exist."),
        (0, _) => Reply::status(500),
        (1, 1) => Reply::throttled("0.01"),
        (2, _) => Reply::no_content(),
        (3, 1) => Reply::status(503),
        _ => Reply::ok(),
    }
}

/// What [`mixed_script`] must produce for input `i`, as a [`summary`].
pub fn mixed_expected(i: usize) -> (String, u32) {
    if i % 50 == 49 {
        return ("InvalidArgument".into(), 0);
    }
    match i % 10 {
        0 => ("NotFound Request_ResourceNotFound: Resource does not exist.".into(), 1),
        5 => ("Unavailable UnknownError: Graph answered HTTP 500 without an error body.".into(), 1),
        1 | 6 => ("ok 200".into(), 2),
        2 | 7 => ("ok 204".into(), 1),
        3 | 8 => ("ok 200".into(), 2),
        _ => ("ok 200".into(), 1),
    }
}

/// The items of a `$batch` request the server saw.
pub fn batch_items(seen: &Seen) -> Vec<Value> {
    items_of(&seen.body)
}

/// The items of a `$batch` request body.
pub fn items_of(body: &[u8]) -> Vec<Value> {
    let body: Value = serde_json::from_slice(body).expect("a $batch body is JSON");
    body["requests"].as_array().expect("requests array").clone()
}
