//! Turns a [`Reply`] into a hyper response with the headers every Graph response carries.

use bytes::Bytes;
use hyper::Response;
use hyper::header::{HeaderName, HeaderValue};

use crate::body::EmuBody;
use crate::graph_error::RequestIds;
use crate::reply::Reply;
use crate::stats::InFlightGuard;

pub const JSON_CONTENT_TYPE: &str = "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8";

pub const DIAGNOSTIC: &str = r#"{"ServerInfo":{"DataCenter":"Emulator","Slice":"E","Ring":"0","ScaleUnit":"000","RoleInstance":"emulator"}}"#;

pub fn build(reply: Reply, ids: &RequestIds, guard: Option<InFlightGuard>) -> Response<EmuBody> {
    let bytes = Bytes::from(serde_json::to_vec(&reply.body).unwrap_or_default());
    let mut response = Response::new(EmuBody::new(bytes, guard));
    *response.status_mut() = reply.status;
    let headers = response.headers_mut();
    let mut put = |name: &str, value: &str| {
        // Values come from config or client headers; an invalid one is skipped, not fatal.
        if let (Ok(n), Ok(v)) = (HeaderName::try_from(name), HeaderValue::try_from(value)) {
            headers.append(n, v);
        }
    };
    put("content-type", JSON_CONTENT_TYPE);
    put("cache-control", "no-cache");
    put("strict-transport-security", "max-age=31536000");
    put("request-id", &ids.request_id);
    put("client-request-id", &ids.client_request_id);
    put("x-ms-ags-diagnostic", DIAGNOSTIC);
    put("odata-version", "4.0");
    put("date", &httpdate::fmt_http_date(std::time::SystemTime::now()));
    for (name, value) in &reply.headers {
        put(name, value);
    }
    response
}
