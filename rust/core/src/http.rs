//! One HTTP attempt against Graph: build the request, send it through the session's transport,
//! classify what came back (2xx, Graph's error, a redirect that is not followed, no answer).

use crate::attempt::{AttemptError, AttemptSuccess};
use crate::auth::AccessToken;
use crate::graph_error::{GraphError, ResponseIds};
use crate::retry::{limit_usage, parse_retry_after};
use crate::text::clean_server_text;
use crate::trace::{RequestTrace, TraceLevel, TraceSink};
use crate::transport::{HttpAnswer, HttpRequest, Transport, TransportFailure};
use bytes::Bytes;
use reqwest::Method;
use reqwest::header::{HeaderMap, HeaderValue};
use std::error::Error as _;
use std::sync::Once;
use std::time::{Duration, SystemTime};
use url::Url;
use uuid::Uuid;

/// Settings of the HTTP client shared by every request of a session.
#[derive(Debug, Clone)]
pub struct HttpSettings {
    /// Time allowed for one attempt, from sending to the last byte of the answer.
    pub request_timeout: Duration,
    /// Explicit proxy (Connect-Entra -Proxy); otherwise HTTPS_PROXY/HTTP_PROXY/NO_PROXY apply.
    pub proxy: Option<Url>,
    /// The proxy variables as the caller sees them. PowerShell's `$env:` changes are not
    /// visible to the process's native environment on Unix, so the cmdlet passes them; `None`
    /// reads the process environment.
    pub proxy_environment: Option<ProxyEnvironment>,
}

/// HTTPS_PROXY, HTTP_PROXY, ALL_PROXY and NO_PROXY (curl's meaning: NO_PROXY lists hosts,
/// domains and CIDR ranges that go direct).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProxyEnvironment {
    pub https: Option<String>,
    pub http: Option<String>,
    pub all: Option<String>,
    pub no_proxy: Option<String>,
}

/// Time allowed for one HTTP request unless Connect-Entra -ClientTimeout says otherwise (as
/// Connect-MgGraph's default).
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(100);

impl Default for HttpSettings {
    fn default() -> Self {
        Self { request_timeout: DEFAULT_REQUEST_TIMEOUT, proxy: None, proxy_environment: None }
    }
}

pub fn build_client(settings: &HttpSettings) -> Result<reqwest::Client, reqwest::Error> {
    install_crypto_provider();
    let mut builder = reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(15))
        .timeout(settings.request_timeout)
        .pool_max_idle_per_host(256)
        .tcp_nodelay(true)
        // Graph never redirects these calls, and the identity platform's token endpoint must not
        // be followed elsewhere with a secret in the body: a 3xx is an answer to report.
        .redirect(reqwest::redirect::Policy::none());
    if let Some(proxy) = &settings.proxy {
        builder = builder.proxy(reqwest::Proxy::all(proxy.as_str())?);
    } else if let Some(environment) = &settings.proxy_environment {
        builder = builder.no_proxy();
        let bypass = environment.no_proxy.as_deref().and_then(reqwest::NoProxy::from_string);
        let set = |v: &Option<String>| v.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned);
        if let Some(url) = set(&environment.https).or_else(|| set(&environment.all)) {
            builder = builder.proxy(reqwest::Proxy::https(url)?.no_proxy(bypass.clone()));
        }
        if let Some(url) = set(&environment.http).or_else(|| set(&environment.all)) {
            builder = builder.proxy(reqwest::Proxy::http(url)?.no_proxy(bypass));
        }
    }
    builder.build()
}

/// rustls needs a process-wide crypto provider before the first client is built.
pub(crate) fn install_crypto_provider() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}

/// What every Graph request carries besides its URL and body.
pub struct RequestContext<'a> {
    pub token: &'a AccessToken,
    pub user_agent: &'a str,
    /// 1 for the first attempt; later attempts also send Graph's `retry-attempt` header.
    pub attempt: u32,
    /// Where to log the request for -Verbose/-Debug, if anyone asked.
    pub trace: Option<&'a TraceSink>,
}

/// A 2xx answer and its raw body (for callers that need it: `$batch`, user pages).
pub type Answered = (AttemptSuccess, Bytes);

/// Sends `POST url` with an optional JSON body, reading at most `max_body` bytes of the answer.
pub async fn post(transport: &dyn Transport, url: Url, body: Option<Vec<u8>>, max_body: usize, ctx: &RequestContext<'_>) -> Result<Answered, AttemptError> {
    let client_request_id = Uuid::new_v4().to_string();
    let mut headers = request_headers(ctx, &client_request_id, body.is_some());
    if body.is_none() {
        headers.insert(reqwest::header::CONTENT_LENGTH, HeaderValue::from_static("0"));
    }
    send(transport, HttpRequest { method: Method::POST, url, headers, body, max_body }, client_request_id, ctx).await
}

/// Sends `GET url`; `eventual` adds `ConsistencyLevel: eventual`, which Graph requires for
/// `$search` and advanced queries.
pub async fn get(transport: &dyn Transport, url: Url, eventual: bool, max_body: usize, ctx: &RequestContext<'_>) -> Result<Answered, AttemptError> {
    let client_request_id = Uuid::new_v4().to_string();
    let mut headers = request_headers(ctx, &client_request_id, false);
    if eventual {
        headers.insert("consistencylevel", HeaderValue::from_static("eventual"));
    }
    send(transport, HttpRequest { method: Method::GET, url, headers, body: None, max_body }, client_request_id, ctx).await
}

async fn send(transport: &dyn Transport, request: HttpRequest, client_request_id: String, ctx: &RequestContext<'_>) -> Result<Answered, AttemptError> {
    let Some(trace) = ctx.trace.filter(|t| t.level() > TraceLevel::Off) else {
        return classify(transport.send(request).await, client_request_id).0;
    };
    let started = tokio::time::Instant::now();
    let method = request.method.to_string();
    let target = match request.url.query() {
        Some(query) => format!("{}?{query}", request.url.path()),
        None => request.url.path().to_owned(),
    };
    let request_headers = trace.headers(&request.headers);
    let (answer, response_headers) = classify(transport.send(request).await, client_request_id);
    let (status, error) = match &answer {
        Ok((success, _)) => (Some(success.status), None),
        Err(AttemptError::Http { error, .. }) => (Some(error.status), None),
        Err(AttemptError::Transport { message, .. }) => (None, Some(message.clone())),
    };
    let response_headers = response_headers.map(|h| trace.headers(&h)).unwrap_or_default();
    trace.record(RequestTrace { method, target, status, error, attempt: ctx.attempt, duration: started.elapsed(), request_headers, response_headers });
    answer
}

/// What an exchange means for Graph's caller, plus the response headers (when there was a
/// response) for the trace.
fn classify(exchange: Result<HttpAnswer, TransportFailure>, client_request_id: String) -> (Result<Answered, AttemptError>, Option<HeaderMap>) {
    let answer = match exchange {
        Ok(answer) => answer,
        Err(failure) => {
            let error = AttemptError::Transport { kind: failure.kind, message: clean_server_text(&failure.message) };
            return (Err(error), failure.headers);
        }
    };
    let HttpAnswer { status, headers, body } = answer;
    let ids = response_ids(&headers);
    if (200..300).contains(&status) {
        let limit_used = headers.get(limit_usage::HEADER).and_then(|v| v.to_str().ok()).and_then(limit_usage::parse_limit_used);
        let success = AttemptSuccess { status, request_id: ids.request_id, client_request_id: ids.client_request_id.unwrap_or(client_request_id), limit_used };
        return (Ok((success, body)), Some(headers));
    }
    let mut ids = ids;
    ids.client_request_id.get_or_insert(client_request_id);
    let error = if (300..400).contains(&status) {
        GraphError::redirect(status, headers.get(reqwest::header::LOCATION).and_then(|v| v.to_str().ok()), &ids)
    } else {
        GraphError::from_response(status, &body, &ids)
    };
    let retry_after = headers
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| parse_retry_after(v, SystemTime::now()));
    (Err(AttemptError::Http { error, retry_after }), Some(headers))
}

fn request_headers(ctx: &RequestContext<'_>, client_request_id: &str, json_body: bool) -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert(reqwest::header::AUTHORIZATION, ctx.token.authorization_header());
    headers.insert(reqwest::header::ACCEPT, HeaderValue::from_static("application/json"));
    if let Ok(ua) = HeaderValue::from_str(ctx.user_agent) {
        headers.insert(reqwest::header::USER_AGENT, ua);
    }
    if let Ok(id) = HeaderValue::from_str(client_request_id) {
        headers.insert("client-request-id", id);
    }
    if ctx.attempt > 1 {
        headers.insert("retry-attempt", HeaderValue::from((ctx.attempt - 1) as u64));
    }
    if json_body {
        headers.insert(reqwest::header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    }
    headers
}

/// The ids Graph sends back, cleaned (they are server text like any other).
pub fn response_ids(headers: &HeaderMap) -> ResponseIds {
    let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(clean_server_text);
    ResponseIds { request_id: text("request-id"), client_request_id: text("client-request-id"), date: text("date") }
}

/// The error and its causes on one line ("error sending request: connection closed before…").
pub(crate) fn describe_chain(error: &reqwest::Error) -> String {
    let mut text = error.without_url_ref().to_string();
    let mut source = error.source();
    while let Some(err) = source {
        text.push_str(": ");
        text.push_str(&err.to_string());
        source = err.source();
    }
    text
}

trait WithoutUrlRef {
    fn without_url_ref(&self) -> String;
}

impl WithoutUrlRef for reqwest::Error {
    fn without_url_ref(&self) -> String {
        match self.url() {
            Some(url) => self.to_string().replace(&format!(" for url ({url})"), ""),
            None => self.to_string(),
        }
    }
}
