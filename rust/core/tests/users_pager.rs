//! Get-EntraUser's pager against a scripted Graph on tokio's paused clock: it follows
//! `@odata.nextLink` only while it stays on the connected origin, stops at -Top across pages
//! without asking for a page it does not need, retries a page at most `max_retries` times, and
//! refuses a bad -Property before anything is sent.

mod common;

use common::fast_retry;
use common::scripted::{scripted_session, static_tokens};
use entra_core::outcome::{Failure, FailureKind};
use entra_core::trace::TraceLevel;
use entra_core::transport::scripted::{Scripted, ScriptedTransport};
use entra_core::users::{QueryError, UserPager, UserQuery};
use serde_json::json;
use std::ops::Range;
use std::sync::Arc;

/// A page of users `u{i}` for `ids`, with a nextLink when given.
fn page(ids: Range<usize>, next: Option<&str>) -> Scripted {
    let users: Vec<_> = ids.map(|i| json!({"id": format!("u{i}"), "userPrincipalName": format!("user{i}@contoso.com")})).collect();
    let mut body = json!({"value": users});
    if let Some(next) = next {
        body["@odata.nextLink"] = json!(next);
    }
    Scripted::status(200).body(&serde_json::to_vec(&body).expect("page json"))
}

fn pager(transport: &Arc<ScriptedTransport>, query: &UserQuery, max_retries: u32) -> UserPager {
    UserPager::new(scripted_session(transport.clone(), static_tokens()), query, "users-pager-tests".to_owned(), fast_retry(max_retries), TraceLevel::Off)
        .expect("a valid query")
}

/// Every page until the listing ends: the ids of each page, then the failure that ended it.
async fn drain(pager: &mut UserPager) -> (Vec<Vec<String>>, Option<Failure>) {
    let mut pages = Vec::new();
    loop {
        match pager.next_page().await {
            Ok(Some(users)) => pages.push(users.iter().map(|u| u["id"].as_str().unwrap_or_default().to_owned()).collect()),
            Ok(None) => return (pages, None),
            Err(failure) => return (pages, Some(failure)),
        }
    }
}

fn every_user() -> UserQuery {
    UserQuery { all: true, ..UserQuery::default() }
}

#[tokio::test(start_paused = true)]
async fn follows_next_links_on_the_connected_graph_to_the_end() {
    let transport = ScriptedTransport::new(|request, _| match request.url.query().unwrap_or_default() {
        q if q.contains("skiptoken=2") => page(2..4, Some("https://graph.microsoft.com/v1.0/users?$skiptoken=3")),
        q if q.contains("skiptoken=3") => page(4..5, None),
        _ => page(0..2, Some("https://graph.microsoft.com/v1.0/users?$skiptoken=2")),
    });
    let (pages, failure) = drain(&mut pager(&transport, &every_user(), 0)).await;
    assert!(failure.is_none(), "{failure:?}");
    assert_eq!(pages, vec![vec!["u0", "u1"], vec!["u2", "u3"], vec!["u4"]]);
    assert_eq!(transport.sent().len(), 3);
}

#[tokio::test(start_paused = true)]
async fn refuses_a_next_link_to_another_origin_and_sends_nothing_there() {
    for foreign in ["https://graph.evil.example/v1.0/users?$skiptoken=2", "http://graph.microsoft.com/v1.0/users?$skiptoken=2", "https://graph.microsoft.com:8443/v1.0/users?$skiptoken=2"] {
        let transport = ScriptedTransport::new(move |request, _| {
            if request.url.query().unwrap_or_default().contains("skiptoken") { page(2..4, None) } else { page(0..2, Some(foreign)) }
        });
        let (pages, failure) = drain(&mut pager(&transport, &every_user(), 3)).await;
        assert!(pages.is_empty(), "the page carrying a foreign link is not half-used: {pages:?}");
        let failure = failure.unwrap_or_else(|| panic!("{foreign} was followed"));
        assert!(failure.message().contains("another host"), "{foreign}: {}", failure.message());
        let sent: Vec<String> = transport.sent().iter().map(|s| s.request.url.origin().ascii_serialization()).collect();
        assert_eq!(sent, vec!["https://graph.microsoft.com"], "{foreign}: one request, to the connected Graph only");
    }
}

#[tokio::test(start_paused = true)]
async fn top_counts_users_across_pages_and_asks_for_no_page_beyond_it() {
    // Graph may send fewer users per page than $top asked for.
    let transport = ScriptedTransport::new(|request, _| match request.url.query().unwrap_or_default() {
        q if q.contains("skiptoken=2") => page(100..200, Some("https://graph.microsoft.com/v1.0/users?$skiptoken=3")),
        q if q.contains("skiptoken=3") => panic!("a third page was asked for"),
        _ => page(0..100, Some("https://graph.microsoft.com/v1.0/users?$skiptoken=2")),
    });
    let query = UserQuery { top: Some(150), ..UserQuery::default() };
    let (pages, failure) = drain(&mut pager(&transport, &query, 0)).await;
    assert!(failure.is_none(), "{failure:?}");
    assert_eq!(pages.iter().map(Vec::len).collect::<Vec<_>>(), vec![100, 50]);
    assert_eq!(pages[1].last().map(String::as_str), Some("u149"));
    let sent = transport.sent();
    assert_eq!(sent.len(), 2);
    assert!(sent[0].request.url.query().unwrap_or_default().contains("%24top=150"), "{:?}", sent[0].request.url);
}

#[tokio::test(start_paused = true)]
async fn max_retries_bounds_the_attempts_for_a_page() {
    for (max_retries, attempts) in [(0, 1), (2, 3)] {
        let transport = ScriptedTransport::new(|_, _| Scripted::status(503).header("retry-after", "1"));
        let (pages, failure) = drain(&mut pager(&transport, &every_user(), max_retries)).await;
        assert!(pages.is_empty());
        let failure = failure.expect("the listing fails");
        assert_eq!(failure.kind(), FailureKind::Unavailable);
        assert_eq!(transport.sent().len(), attempts, "max_retries {max_retries}");
        if max_retries > 0 {
            assert!(matches!(failure, Failure::Graph { retries_exhausted: true, .. }), "{failure:?}");
        }
    }
}

#[test]
fn refuses_a_property_name_that_is_not_one_before_sending_anything() {
    let transport = ScriptedTransport::new(|_, _| page(0..1, None));
    for bad in ["id,displayName", "mail;drop", "", "sign in"] {
        let query = UserQuery { properties: vec!["id".to_owned(), bad.to_owned()], ..UserQuery::default() };
        let refused = UserPager::new(scripted_session(transport.clone(), static_tokens()), &query, "t".to_owned(), fast_retry(0), TraceLevel::Off);
        assert!(matches!(refused, Err(QueryError::InvalidProperty(ref name)) if name == bad), "{bad:?}");
    }
    assert!(transport.sent().is_empty());
}
