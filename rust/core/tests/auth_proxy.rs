//! Proxies: the caller's HTTPS_PROXY/HTTP_PROXY/NO_PROXY are honoured for the sign-in and Graph,
//! and an explicit proxy (Connect-Entra -Proxy) overrides them.

mod auth_support;

use auth_support::*;
use entra_core::auth::AuthError;
use entra_core::auth::sign_in::with_client_secret;
use entra_core::http::ProxyEnvironment;
use secrecy::SecretString;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer};

async fn proxy() -> (MockServer, &'static Issuer) {
    let issuer = issuer(Some(SECRET), 3600);
    let server = MockServer::start().await;
    Mock::given(method("POST")).and(path(token_path())).respond_with(issuer).mount(&server).await;
    (server, issuer)
}

#[tokio::test]
async fn the_environment_proxy_carries_the_sign_in() {
    let (proxy, issuer) = proxy().await;
    // http://localhost:80, where nothing listens: only the proxy can answer. (Plain http is
    // allowed for loopback only; a real AzureADEndpoint is https and goes through HTTPS_PROXY.)
    let mut options = options("http://localhost", "https://graph.microsoft.com");
    options.http.proxy_environment = Some(ProxyEnvironment { http: Some(proxy.uri()), ..Default::default() });
    with_client_secret(&options, SecretString::from(SECRET)).await.unwrap();
    assert_eq!(issuer.forms.lock().len(), 1, "the request went through the proxy");
    let request = &proxy.received_requests().await.unwrap()[0];
    assert_eq!(request.url.host_str(), Some("localhost"), "the proxy was asked for the login host");
}

#[tokio::test]
async fn no_proxy_and_an_explicit_proxy_take_precedence() {
    let (proxy, issuer) = proxy().await;
    let mut options = options("http://localhost", "https://graph.microsoft.com");
    options.http.proxy_environment = Some(ProxyEnvironment { http: Some(proxy.uri()), no_proxy: Some("localhost".into()), ..Default::default() });
    // Direct to localhost:80, where nothing listens.
    let error = with_client_secret(&options, SecretString::from(SECRET)).await.unwrap_err();
    assert!(matches!(error, AuthError::Unavailable(_)), "{error}");
    assert!(issuer.forms.lock().is_empty());

    options.http.proxy = Some(url::Url::parse(&proxy.uri()).unwrap());
    with_client_secret(&options, SecretString::from(SECRET)).await.unwrap();
    assert_eq!(issuer.forms.lock().len(), 1, "-Proxy overrides NO_PROXY and the environment");
}
