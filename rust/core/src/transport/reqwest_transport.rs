//! The transport every real session uses: one reqwest client (connection pool, proxy, TLS),
//! no redirects, and answers read only up to their bound.

use super::{HttpAnswer, HttpRequest, Transport, TransportFailure, too_large_message};
use crate::attempt::TransportKind;
use crate::http::{HttpSettings, build_client, describe_chain};
use bytes::BytesMut;
use futures::future::BoxFuture;
use std::error::Error as _;

#[derive(Debug, Clone)]
pub struct ReqwestTransport {
    client: reqwest::Client,
}

impl ReqwestTransport {
    pub fn new(settings: &HttpSettings) -> Result<Self, reqwest::Error> {
        Ok(Self { client: build_client(settings)? })
    }

    async fn exchange(&self, request: HttpRequest) -> Result<HttpAnswer, TransportFailure> {
        let mut builder = self.client.request(request.method, request.url).headers(request.headers);
        if let Some(body) = request.body {
            builder = builder.body(body);
        }
        let mut response = builder.send().await.map_err(failure)?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let too_large = |headers: &reqwest::header::HeaderMap| TransportFailure {
            kind: TransportKind::TooLarge,
            message: too_large_message(request.max_body),
            status: Some(status),
            headers: Some(headers.clone()),
        };
        // A declared length over the bound fails before a byte is read.
        if response.content_length().is_some_and(|length| length > request.max_body as u64) {
            return Err(too_large(&headers));
        }
        let mut body = BytesMut::new();
        loop {
            match response.chunk().await {
                Ok(Some(chunk)) => {
                    if body.len() + chunk.len() > request.max_body {
                        return Err(too_large(&headers));
                    }
                    body.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                Err(e) => return Err(TransportFailure { status: Some(status), headers: Some(headers), ..failure(e) }),
            }
        }
        Ok(HttpAnswer { status, headers, body: body.freeze() })
    }
}

impl Transport for ReqwestTransport {
    fn send(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpAnswer, TransportFailure>> {
        Box::pin(self.exchange(request))
    }
}

fn failure(error: reqwest::Error) -> TransportFailure {
    let kind = if error.is_timeout() {
        TransportKind::Timeout
    } else if error.is_connect() {
        TransportKind::Connect
    } else if error.is_request() || error.is_body() || is_connection_io_error(&error) {
        TransportKind::ConnectionClosed
    } else {
        TransportKind::Other
    };
    TransportFailure::new(kind, describe_chain(&error))
}

fn is_connection_io_error(error: &reqwest::Error) -> bool {
    let mut source = error.source();
    while let Some(err) = source {
        if let Some(io) = err.downcast_ref::<std::io::Error>() {
            use std::io::ErrorKind::*;
            return matches!(io.kind(), ConnectionReset | ConnectionAborted | BrokenPipe | UnexpectedEof);
        }
        source = err.source();
    }
    false
}
