//! GET /users/{id} and GET /users: $select, $filter, $search and server-driven paging.

mod common;

use std::collections::HashSet;

use common::{Emu, json};
use serde_json::Value;

#[tokio::test]
async fn select_controls_the_properties() {
    let emu = Emu::start().await;
    let user = json(emu.get("/users/AdeleV@contoso.com").await).await;
    assert_eq!(user["@odata.context"], "https://graph.microsoft.com/v1.0/$metadata#users/$entity");
    let keys: Vec<&str> = user.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "@odata.context", "id", "businessPhones", "displayName", "givenName", "jobTitle", "mail",
            "mobilePhone", "officeLocation", "preferredLanguage", "surname", "userPrincipalName"
        ]
    );
    assert!(user.get("signInSessionsValidFromDateTime").is_none());
    assert!(user.get("userType").is_none());

    let user = json(emu.get("/users('jane.doe_fabrikam.com%23EXT%23@contoso.onmicrosoft.com')?$select=ID,userType,accountEnabled").await).await;
    assert_eq!(user["@odata.context"], "https://graph.microsoft.com/v1.0/$metadata#users(id,userType,accountEnabled)/$entity");
    assert_eq!(user["userType"], "Guest");
    assert_eq!(user["accountEnabled"], true);
    assert_eq!(user.as_object().unwrap().len(), 4);

    let r = emu.get("/users/AdeleV@contoso.com?$select=id,favouriteColour").await;
    assert_eq!(r.status(), 400);
}

async fn all_pages(emu: &Emu, first: &str, consistency: bool) -> (Vec<Value>, usize) {
    let mut url = emu.v1(first);
    let mut users = Vec::new();
    let mut pages = 0;
    loop {
        let mut req = emu.client.get(&url).header("Authorization", emu.bearer());
        if consistency {
            req = req.header("ConsistencyLevel", "eventual");
        }
        let r = req.send().await.unwrap();
        assert_eq!(r.status(), 200, "{url}");
        let body = json(r).await;
        pages += 1;
        users.extend(body["value"].as_array().unwrap().iter().cloned());
        match body["@odata.nextLink"].as_str() {
            Some(next) => {
                assert!(next.starts_with(&format!("{}/v1.0/users?$skiptoken=", emu.running.url())), "{next}");
                url = next.to_string();
            }
            None => return (users, pages),
        }
    }
}

#[tokio::test]
async fn paging_returns_every_user_exactly_once() {
    let emu = Emu::with_users(250).await;
    let (users, pages) = all_pages(&emu, "/users?$top=37&$select=id,userPrincipalName", false).await;
    assert_eq!(users.len(), 258);
    assert_eq!(pages, 7);
    let ids: HashSet<&str> = users.iter().map(|u| u["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), 258);
    // $select survives the nextLink.
    assert!(users.iter().all(|u| u.as_object().unwrap().len() == 2));

    let (users, pages) = all_pages(&emu, "/users", false).await;
    assert_eq!((users.len(), pages), (258, 3));
    let body = json(emu.get("/users?$top=1000").await).await;
    assert_eq!(body["error"]["code"], "Request_UnsupportedQuery");
    let r = emu.get("/users?$skiptoken=garbage").await;
    assert_eq!(r.status(), 400);
}

#[tokio::test]
async fn filters() {
    let emu = Emu::with_users(30).await;
    let count = |body: Value| body["value"].as_array().unwrap().len();
    let cases = [
        ("userPrincipalName eq 'adelev@contoso.com'", 1),
        ("startswith(userPrincipalName,'user00002')", 10),
        ("startswith(displayName,'Alex')", 1),
        ("userType eq 'Guest'", 3),
        ("id eq '87d349ed-44d7-43e1-9a83-5f2406dee5bd'", 1),
        ("userPrincipalName eq 'jane.doe_fabrikam.com#EXT#@contoso.onmicrosoft.com'", 1),
    ];
    for (filter, n) in cases {
        let url = format!("/users?$filter={}", urlencode(filter));
        let r = emu.get(&url).await;
        assert_eq!(r.status(), 200, "{filter}");
        assert_eq!(count(json(r).await), n, "{filter}");
    }
    // Paging keeps the filter.
    let (users, _) = all_pages(&emu, &format!("/users?$top=4&$filter={}", urlencode("startswith(userPrincipalName,'user')")), false).await;
    assert_eq!(users.len(), 30);
    let r = emu.get(&format!("/users?$filter={}", urlencode("endswith(mail,'contoso.com')"))).await;
    assert_eq!(r.status(), 400);
    assert_eq!(json(r).await["error"]["code"], "Request_UnsupportedQuery");
}

#[tokio::test]
async fn search_needs_consistency_level() {
    let emu = Emu::with_users(30).await;
    let q = format!("/users?$search={}", urlencode("\"displayName:Vance\""));
    let r = emu.get(&q).await;
    assert_eq!(r.status(), 400);
    assert_eq!(json(r).await["error"]["code"], "Request_UnsupportedQuery");
    let (users, _) = all_pages(&emu, &q, true).await;
    assert_eq!(users.len(), 1);
    assert_eq!(users[0]["displayName"], "Adele Vance");
    let q = format!("/users?$top=2&$search={}", urlencode("\"userPrincipalName:user00001\" OR \"displayName:Lee\""));
    let (users, pages) = all_pages(&emu, &q, true).await;
    assert_eq!((users.len(), pages), (11, 6));
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
