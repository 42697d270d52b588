//! The JSON documents Rust writes as C# reads them: the field names and shapes (the classes
//! generated into cmdlets/Native/Records.g.cs), the failure kind names C# reads into its
//! generated FailureKind, the typed fallback documents, and the option defaults taken from
//! entra-core. The documents C# writes are checked in `input_document_tests`.

use crate::dto::{FailureDto, INTERNAL_ERROR_MESSAGE, JobOptionsDto, OutcomeDto, SessionDto, SummaryDto, TraceDto, TraceLevelDto, UserPageDto, to_json};
use chrono::{TimeZone, Utc};
use entra_core::attempt::{AttemptSuccess, TransportKind};
use entra_core::engine::DEFAULT_THROTTLE_LIMIT;
use entra_core::graph_error::GraphError;
use entra_core::retry::policy::DEFAULT_MAX_RETRIES;
use entra_core::trace::{RequestTrace, TraceLevel};
use entra_core::{Failure, Outcome, UserIdentifier};
use crate::records::CsRecord;
use serde_json::{Value, json};
use std::time::Duration;

fn graph(status: u16) -> Failure {
    Failure::Graph {
        error: GraphError {
            status,
            code: "Code".to_owned(),
            message: "Graph said no.".to_owned(),
            request_id: Some("req-1".to_owned()),
            client_request_id: Some("client-1".to_owned()),
            date: Some("Mon, 01 Dec 2026 10:00:00 GMT".to_owned()),
        },
        retries_exhausted: status == 429,
    }
}

fn failure_json(failure: &Failure) -> Value {
    serde_json::to_value(FailureDto::from_failure(failure)).expect("failure json")
}

#[test]
fn each_failure_kind_has_the_name_the_cmdlets_map_to_an_error_id() {
    let invalid = Failure::InvalidIdentifier(UserIdentifier::parse("../me").expect_err("not an identifier"));
    let cases = [
        (invalid, "InvalidArgument"),
        (Failure::InvalidQuery("'a b' is not a property name".to_owned()), "InvalidArgument"),
        (graph(400), "BadRequest"),
        (graph(401), "Authentication"),
        (graph(403), "PermissionDenied"),
        (graph(404), "NotFound"),
        (graph(429), "Throttled"),
        (graph(503), "Unavailable"),
        (Failure::Transport { kind: TransportKind::Connect, message: "refused".to_owned(), retries_exhausted: true }, "Unavailable"),
        (Failure::Cancelled, "Cancelled"),
        (graph(418), "Other"),
        (Failure::Transport { kind: TransportKind::TooLarge, message: "too big".to_owned(), retries_exhausted: false }, "Other"),
    ];
    for (failure, kind) in cases {
        assert_eq!(failure_json(&failure)["kind"], kind, "{failure:?}");
    }
}

#[test]
fn a_graph_failure_carries_what_support_asks_for_and_whether_retries_ran_out() {
    let json = failure_json(&graph(429));
    assert_eq!(json["code"], "Code");
    assert_eq!(json["httpStatus"], 429);
    assert_eq!(json["requestId"], "req-1");
    assert_eq!(json["clientRequestId"], "client-1");
    assert_eq!(json["date"], "Mon, 01 Dec 2026 10:00:00 GMT");
    assert_eq!(json["retriesExhausted"], true);
    assert_eq!(json["message"], graph(429).message());

    let local = failure_json(&Failure::Cancelled);
    assert_eq!(local["retriesExhausted"], false);
    for absent in ["code", "httpStatus", "requestId", "clientRequestId", "date"] {
        assert!(local.get(absent).is_none(), "{absent} is left out, not null: {local}");
    }
}

#[test]
fn a_successful_outcome_has_its_ids_and_millisecond_utc_time_and_no_failure() {
    let outcome = Outcome {
        tag: 7,
        input: "AdeleV@contoso.com".to_owned(),
        attempts: 2,
        duration: Duration::from_micros(1500),
        completed_at: Utc.with_ymd_and_hms(2026, 12, 1, 10, 0, 0).unwrap(),
        result: Ok(AttemptSuccess { status: 200, request_id: Some("req-2".to_owned()), client_request_id: "client-2".to_owned(), limit_used: None }),
        verification: None,
    };
    let json = serde_json::to_value(OutcomeDto::from_outcome(&outcome)).unwrap();
    assert_eq!(
        json,
        json!({"tag": 7, "input": "AdeleV@contoso.com", "succeeded": true, "attempts": 2, "durationMs": 1.5,
               "completedAt": "2026-12-01T10:00:00.000Z", "httpStatus": 200, "requestId": "req-2", "clientRequestId": "client-2"})
    );
}

#[test]
fn a_failed_outcome_lifts_graphs_status_and_ids_beside_the_failure() {
    let outcome = Outcome { tag: 1, input: "x@contoso.com".to_owned(), attempts: 1, duration: Duration::ZERO, completed_at: Utc::now(), result: Err(graph(404)), verification: None };
    let json = serde_json::to_value(OutcomeDto::from_outcome(&outcome)).unwrap();
    assert_eq!(json["succeeded"], false);
    assert_eq!(json["httpStatus"], 404);
    assert_eq!(json["requestId"], "req-1");
    assert_eq!(json["failure"]["kind"], "NotFound");
}

#[test]
fn traces_give_milliseconds_and_headers_as_name_value_pairs() {
    let entries = [
        RequestTrace {
            method: "GET".to_owned(),
            target: "/v1.0/users?$top=1".to_owned(),
            status: Some(200),
            error: None,
            attempt: 1,
            duration: Duration::from_millis(25),
            request_headers: vec![("authorization".to_owned(), "<redacted>".to_owned())],
            response_headers: vec![],
        },
        RequestTrace { method: "GET".to_owned(), target: "/v1.0/users".to_owned(), status: None, error: Some("reset".to_owned()), attempt: 2, duration: Duration::ZERO, request_headers: vec![], response_headers: vec![] },
    ];
    let json: Value = serde_json::from_str(&to_json(&TraceDto::new(&entries, 3))).unwrap();
    assert_eq!(json["dropped"], 3);
    assert_eq!(json["entries"][0]["durationMs"], 25.0);
    assert_eq!(json["entries"][0]["requestHeaders"], json!([["authorization", "<redacted>"]]));
    assert!(json["entries"][0].get("error").is_none());
    assert!(json["entries"][1].get("status").is_none());
    assert_eq!(json["entries"][1]["error"], "reset");
}

#[test]
fn job_options_default_to_the_engines_constants_and_refuse_unknown_fields() {
    let options: JobOptionsDto = serde_json::from_str(r#"{"userAgent":"ua"}"#).unwrap();
    assert_eq!((options.throttle_limit, options.max_retry, options.use_batch), (DEFAULT_THROTTLE_LIMIT, DEFAULT_MAX_RETRIES, false));
    assert!(matches!(TraceLevel::from(options.trace), TraceLevel::Off));
    assert!(serde_json::from_str::<JobOptionsDto>(r#"{"userAgent":"ua","throttleLimits":4}"#).is_err());
}

#[test]
fn trace_levels_read_the_names_csharp_sends() {
    for (name, level) in [("off", TraceLevel::Off), ("requests", TraceLevel::Requests), ("headers", TraceLevel::Headers)] {
        let dto: TraceLevelDto = serde_json::from_value(json!(name)).unwrap();
        assert_eq!(TraceLevel::from(dto), level, "{name}");
    }
    assert!(serde_json::from_value::<TraceLevelDto>(json!("verbose")).is_err());
}

#[test]
fn a_user_page_is_users_done_and_an_optional_failure() {
    let users = vec![serde_json::Map::from_iter([("id".to_owned(), json!("u1"))])];
    let page = serde_json::to_value(UserPageDto { users: &users, done: false, failure: None }).unwrap();
    assert_eq!(page, json!({"users": [{"id": "u1"}], "done": false}));
    let failed = Failure::Cancelled;
    let last = serde_json::to_value(UserPageDto { users: &[], done: true, failure: Some(FailureDto::from_failure(&failed)) }).unwrap();
    assert_eq!(last["failure"]["kind"], "Cancelled");
}

#[test]
fn the_fallback_documents_read_as_empty_or_as_an_internal_failure() {
    // What each exported function answers after a caught panic: typed documents, read by the
    // same C# records as any other answer.
    let parse = |json: String| serde_json::from_str::<Value>(&json).expect("fallback json");
    assert_eq!(parse(to_json(&TraceDto::empty())), json!({"entries": [], "dropped": 0}));
    assert_eq!(parse(to_json(&Vec::<OutcomeDto<'_>>::new())), json!([]));
    let summary = parse(to_json(&SummaryDto::default()));
    assert_eq!((summary["revoked"].clone(), summary["failed"].clone(), summary["message"].clone()), (json!(0), json!(0), json!("")));
    let session = parse(to_json(&SessionDto::default()));
    assert!(session.get("graphEndpoint").is_none(), "C# then shows the environment's endpoint: {session}");
    let internal = json!({"kind": "Other", "message": INTERNAL_ERROR_MESSAGE, "retriesExhausted": false});
    assert_eq!(parse(to_json(&UserPageDto::failed(FailureDto::internal()))), json!({"users": [], "done": true, "failure": internal}));
    let outcome = parse(to_json(&OutcomeDto::failed_locally("me", 0, Duration::ZERO, FailureDto::internal())));
    assert_eq!((outcome["tag"].clone(), outcome["input"].clone(), outcome["succeeded"].clone(), outcome["failure"].clone()), (json!(0), json!("me"), json!(false), internal));
}

#[test]
fn an_app_only_signed_in_revocation_is_a_delegated_sign_in_required_failure() {
    let outcome = serde_json::to_value(OutcomeDto::failed_locally("app", 0, Duration::from_millis(2), FailureDto::delegated_sign_in_required())).unwrap();
    assert_eq!(outcome["failure"]["kind"], "DelegatedSignInRequired");
    assert_eq!(outcome["failure"]["message"], crate::contract::DELEGATED_SIGN_IN_REQUIRED_MESSAGE);
    assert_eq!(outcome["durationMs"], 2.0);
    assert!(outcome.get("httpStatus").is_none());
}

/// Checks one JSON value against the C# type its generated property declares.
fn assert_fits(record: &str, field: &str, cs_type: &str, value: &Value) {
    let base = cs_type.trim_end_matches('?');
    let fits = match base {
        "string" => value.is_string(),
        "bool" => value.is_boolean(),
        "int" | "long" => value.is_i64() || value.is_u64(),
        "ulong" => value.is_u64(),
        "double" => value.is_number(),
        "DateTimeOffset" => value.as_str().is_some_and(|t| chrono::DateTime::parse_from_rfc3339(t).is_ok()),
        "FailureKind" => value.as_str().is_some_and(|n| crate::contract::FailureKind::ALL.iter().any(|k| k.name() == n)),
        "SignInFailureKind" => value.as_str().is_some_and(|n| crate::sign_in_failure::SignInFailureKind::ALL.iter().any(|k| k.name() == n)),
        "Dictionary<string, long>" => value.as_object().is_some_and(|m| m.values().all(Value::is_i64)),
        "List<Dictionary<string, JsonElement>>" => value.as_array().is_some_and(|a| a.iter().all(Value::is_object)),
        "string[]" => value.as_array().is_some_and(|a| a.iter().all(Value::is_string)),
        // A header: [name, value].
        "List<List<string>>" => value.as_array().is_some_and(|a| a.iter().all(|h| h.as_array().is_some_and(|p| p.len() == 2 && p.iter().all(Value::is_string)))),
        other => {
            if let Some(enumeration) = described_enum(other) {
                value.as_str().is_some_and(|n| enumeration.json_names().iter().any(|m| m == n))
            } else if let Some(item) = other.strip_prefix("List<").and_then(|t| t.strip_suffix('>')) {
                let array = value.as_array().unwrap_or_else(|| panic!("{record}.{field} is a list: {value}"));
                array.iter().for_each(|v| assert_fits(record, field, item, v));
                true
            } else {
                assert_document(described(other), value);
                true
            }
        }
    };
    assert!(fits, "{record}.{field} is {cs_type} in C#, but the JSON has {value}");
}

/// A document's JSON has no field C# lacks, every field C# declares non-nullable, and values of
/// the declared C# types.
pub(crate) fn assert_document(record: CsRecord, json: &Value) {
    let object = json.as_object().unwrap_or_else(|| panic!("{} is an object: {json}", record.name));
    for key in object.keys() {
        assert!(record.fields.iter().any(|f| f.json_name() == *key), "{}: C# has no property for {key}", record.name);
    }
    for field in record.fields {
        match object.get(&field.json_name()) {
            Some(value) => assert_fits(record.name, field.name, field.cs_type, value),
            None => assert!(field.cs_type.ends_with('?'), "{}.{} ({}) is always sent, but this JSON lacks it: {json}", record.name, field.name, field.cs_type),
        }
    }
}

pub(crate) fn described_enum(name: &str) -> Option<crate::records::CsEnum> {
    crate::records::all_enums().into_iter().find(|e| e.name == name)
}

pub(crate) fn described(name: &str) -> CsRecord {
    crate::records::all().into_iter().find(|r| r.name == name).unwrap_or_else(|| panic!("{name} is described"))
}

#[test]
fn every_document_serializes_to_the_fields_and_types_of_its_generated_csharp_class() {
    let failed = Outcome { tag: 3, input: "x@contoso.com".to_owned(), attempts: 2, duration: Duration::from_millis(5), completed_at: Utc::now(), result: Err(graph(429)), verification: None };
    let read_back = entra_core::verify::Verification::from_answer(
        br#"{"userPrincipalName":"a@contoso.com","signInSessionsValidFromDateTime":"2026-12-01T09:00:00Z"}"#,
        Utc.with_ymd_and_hms(2026, 12, 1, 10, 0, 0).unwrap(),
    );
    let verified = Outcome {
        tag: u64::MAX,
        input: "a@contoso.com".to_owned(),
        attempts: 1,
        duration: Duration::from_millis(7),
        completed_at: Utc::now(),
        result: Ok(AttemptSuccess { status: 204, request_id: Some("req".to_owned()), client_request_id: "client".to_owned(), limit_used: None }),
        verification: Some(read_back),
    };
    for outcome in [&failed, &verified] {
        let json = serde_json::to_value(OutcomeDto::from_outcome(outcome)).unwrap();
        assert_document(described("OutcomeRecord"), &json);
    }
    let verified_json = serde_json::to_value(OutcomeDto::from_outcome(&verified)).unwrap();
    for present in ["verified", "signInSessionsValidFrom", "warning"] {
        assert!(verified_json["verification"].get(present).is_some(), "the sample covers {present}: {verified_json}");
    }

    let summary = entra_core::engine::RunSummary {
        revoked: 4,
        verified: 3,
        not_verified: 1,
        failed: vec![(entra_core::FailureKind::Throttled, 2)],
        throttle_wait: Duration::from_millis(10),
        elapsed: Duration::from_secs(1),
    };
    assert_document(described("SummaryRecord"), &serde_json::to_value(SummaryDto::new(&summary, true)).unwrap());

    let users = vec![serde_json::Map::from_iter([("id".to_owned(), json!("u1"))])];
    assert_document(described("UserPage"), &serde_json::to_value(UserPageDto { users: &users, done: false, failure: None }).unwrap());
    let failure = graph(404);
    assert_document(described("UserPage"), &serde_json::to_value(UserPageDto::failed(FailureDto::from_failure(&failure))).unwrap());
}

/// A delegated session whose token says everything Get-EntraContext shows.
fn described_session() -> entra_core::Session {
    use base64::Engine as _;
    let claims = br#"{"tid":"t1","appid":"a1","upn":"adele@contoso.com","scp":"User.Read User.RevokeSessions.All","roles":["R"],"exp":1900000000}"#;
    let token = format!("h.{}.s", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(claims));
    entra_core::Session::with_access_token("https://graph.microsoft.com", token, &entra_core::http::HttpSettings::default()).expect("session")
}

#[test]
fn the_trace_session_endpoint_and_sign_in_documents_serialize_to_their_generated_csharp_classes() {
    let entries = [
        RequestTrace {
            method: "POST".to_owned(),
            target: "/v1.0/users/a/revokeSignInSessions".to_owned(),
            status: Some(200),
            error: None,
            attempt: 1,
            duration: Duration::from_millis(3),
            request_headers: vec![("authorization".to_owned(), "<redacted>".to_owned())],
            response_headers: vec![("request-id".to_owned(), "r".to_owned())],
        },
        RequestTrace { method: "GET".to_owned(), target: "/v1.0/users".to_owned(), status: None, error: Some("reset".to_owned()), attempt: 2, duration: Duration::ZERO, request_headers: vec![], response_headers: vec![] },
    ];
    assert_document(described("TraceRecord"), &serde_json::to_value(TraceDto::new(&entries, 1)).unwrap());
    assert_document(described("TraceRecord"), &serde_json::to_value(TraceDto::empty()).unwrap());

    let session = serde_json::to_value(SessionDto::from_session(&described_session())).unwrap();
    for present in ["graphEndpoint", "tenantId", "clientId", "account", "expiresOn"] {
        assert!(session.get(present).is_some(), "the sample covers {present}: {session}");
    }
    assert_document(described("SessionRecord"), &session);
    assert_document(described("SessionRecord"), &serde_json::to_value(SessionDto::default()).unwrap());

    for (graph, login) in [("https://graph.microsoft.us", "http://127.0.0.1:5000"), ("http://graph.example.com", "https://login.example.com/tenant")] {
        assert_document(described("EndpointCheckRecord"), &serde_json::from_str(&crate::endpoints::check(graph, login)).unwrap());
    }
    assert_document(described("EndpointCheckRecord"), &serde_json::from_str(&crate::endpoints::internal_error()).unwrap());

    for answer in crate::sign_in::sample_answers() {
        assert_document(described("SignInAnswer"), &answer);
    }
}
