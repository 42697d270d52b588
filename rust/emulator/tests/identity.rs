//! The identity side of the emulator: token endpoint (client secret, client assertion, device
//! code, refresh token), managed identity endpoints, issued tokens that Graph honours with the
//! app's roles and lifetime, and the sign-in log.

mod common;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use common::*;
use graph_emulator::identity::apps::{GRAPH_CLI_CLIENT_ID, IDENTITY_HEADER, TENANT_ID};
use serde_json::{Value, json};
use std::time::Duration;

const CLIENT: &str = "0c7e9f4a-1111-4c5e-9d3b-6f2a8b7c9d01";
const SECRET: &str = "emulator-test-secret~1";

fn claims(token: &str) -> Value {
    let payload = token.split('.').nth(1).unwrap();
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap()
}

impl Emu {
    async fn register_app(&self, body: Value) -> Value {
        let (status, v) = self.control_post("/apps", body).await;
        assert_eq!(status, 201, "{v}");
        v
    }

    async fn token(&self, tenant: &str, form: &[(&str, &str)]) -> (u16, Value) {
        let r = self.client.post(self.url(&format!("/{tenant}/oauth2/v2.0/token"))).form(form).send().await.unwrap();
        (r.status().as_u16(), json(r).await)
    }

    async fn secret_token(&self, secret: &str) -> (u16, Value) {
        let scope = format!("{}/.default", self.running.url());
        self.token(TENANT_ID, &[("grant_type", "client_credentials"), ("client_id", CLIENT), ("client_secret", secret), ("scope", &scope)]).await
    }

    async fn revoke_with(&self, token: &str) -> u16 {
        self.client.post(self.v1(&format!("/users/{ADELE_ID}/revokeSignInSessions"))).bearer_auth(token).send().await.unwrap().status().as_u16()
    }
}

fn aadsts(body: &Value) -> String {
    let description = body["error_description"].as_str().unwrap_or_default();
    description.split(':').next().unwrap_or_default().to_owned()
}

#[tokio::test]
async fn client_secret_tokens_carry_the_apps_roles_and_graph_honours_them() {
    let emu = Emu::start().await;
    emu.register_app(json!({"clientId": CLIENT, "secrets": [SECRET], "roles": ["User.RevokeSessions.All"]})).await;
    let (status, body) = emu.secret_token(SECRET).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 3600);
    let token = body["access_token"].as_str().unwrap();
    let c = claims(token);
    assert_eq!(c["tid"], TENANT_ID);
    assert_eq!(c["appid"], CLIENT);
    assert_eq!(c["roles"], json!(["User.RevokeSessions.All"]));
    assert_eq!(c["aud"], emu.running.url());
    assert!(c["exp"].as_i64().unwrap() > chrono::Utc::now().timestamp() + 3500);
    assert_eq!(emu.revoke_with(token).await, 200);

    // The same app without the role: Graph refuses the revocation.
    emu.register_app(json!({"clientId": CLIENT, "secrets": [SECRET], "roles": ["User.Read.All"]})).await;
    let (_, body) = emu.secret_token(SECRET).await;
    assert_eq!(emu.revoke_with(body["access_token"].as_str().unwrap()).await, 403);
}

#[tokio::test]
async fn refusals_are_entra_shaped_with_aadsts_codes() {
    let emu = Emu::start().await;
    emu.register_app(json!({"clientId": CLIENT, "secrets": [SECRET]})).await;
    let (status, body) = emu.secret_token("wrong").await;
    assert_eq!((status, body["error"].as_str().unwrap(), aadsts(&body).as_str()), (401, "invalid_client", "AADSTS7000215"));
    assert_eq!(body["error_codes"], json!([7000215]));
    assert!(body["trace_id"].is_string() && body["correlation_id"].is_string());
    assert!(!body.to_string().contains("wrong"), "the secret is never echoed");

    let scope = format!("{}/.default", emu.running.url());
    let (status, body) = emu.token("fabrikam.onmicrosoft.com", &[("grant_type", "client_credentials"), ("client_id", CLIENT), ("client_secret", SECRET), ("scope", &scope)]).await;
    assert_eq!((status, aadsts(&body).as_str()), (400, "AADSTS90002"));
    let (status, body) = emu.token("contoso.onmicrosoft.com", &[("grant_type", "client_credentials"), ("client_id", "unknown"), ("client_secret", SECRET), ("scope", &scope)]).await;
    assert_eq!((status, aadsts(&body).as_str()), (400, "AADSTS700016"));
    // A token for another cloud's Graph is not issued here.
    let (status, body) = emu.token(TENANT_ID, &[("grant_type", "client_credentials"), ("client_id", CLIENT), ("client_secret", SECRET), ("scope", "https://graph.microsoft.com/.default")]).await;
    assert_eq!((status, aadsts(&body).as_str()), (400, "AADSTS500011"));
}

/// A certificate for the fixture key, valid from `from` to `to` days from now.
fn certificate(from: i64, to: i64) -> (ring::signature::RsaKeyPair, Vec<u8>) {
    let pem = include_str!("fixtures/test-only-rsa-2048.pk8.pem");
    let key = rcgen::KeyPair::from_pkcs8_pem_and_sign_algo(pem, &rcgen::PKCS_RSA_SHA256).unwrap();
    let mut params = rcgen::CertificateParams::new(vec!["emulator-test".to_owned()]).unwrap();
    let now = time::OffsetDateTime::now_utc();
    params.not_before = now + time::Duration::days(from);
    params.not_after = now + time::Duration::days(to);
    let cert = params.self_signed(&key).unwrap();
    (ring::signature::RsaKeyPair::from_pkcs8(&key.serialize_der()).unwrap(), cert.der().to_vec())
}

fn assertion(key: &ring::signature::RsaKeyPair, cert: &[u8], aud: &str, client: &str) -> String {
    let x5t = URL_SAFE_NO_PAD.encode(ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, cert));
    let now = chrono::Utc::now().timestamp();
    let header = URL_SAFE_NO_PAD.encode(json!({"alg": "RS256", "typ": "JWT", "x5t": x5t}).to_string());
    let payload = URL_SAFE_NO_PAD.encode(json!({"aud": aud, "iss": client, "sub": client, "jti": "j", "nbf": now, "exp": now + 600}).to_string());
    let signed = format!("{header}.{payload}");
    let mut signature = vec![0; key.public().modulus_len()];
    key.sign(&ring::signature::RSA_PKCS1_SHA256, &ring::rand::SystemRandom::new(), signed.as_bytes(), &mut signature).unwrap();
    format!("{signed}.{}", URL_SAFE_NO_PAD.encode(signature))
}

#[tokio::test]
async fn client_assertions_are_verified_against_the_registered_certificate() {
    let emu = Emu::start().await;
    let (key, cert) = certificate(-1, 30);
    let app = emu.register_app(json!({"clientId": CLIENT, "certificates": [STANDARD.encode(&cert)], "roles": ["User.RevokeSessions.All"]})).await;
    assert_eq!(app["certificates"][0]["thumbprint"].as_str().unwrap().len(), 40);
    let aud = emu.url(&format!("/{TENANT_ID}/oauth2/v2.0/token"));
    let scope = format!("{}/.default", emu.running.url());
    let send = |assertion: String| {
        let scope = scope.clone();
        let emu = &emu;
        async move {
            emu.token(TENANT_ID, &[
                ("grant_type", "client_credentials"),
                ("client_id", CLIENT),
                ("scope", &scope),
                ("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"),
                ("client_assertion", &assertion),
            ])
            .await
        }
    };
    let (status, body) = send(assertion(&key, &cert, &aud, CLIENT)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(emu.revoke_with(body["access_token"].as_str().unwrap()).await, 200);

    let mut tampered = assertion(&key, &cert, &aud, CLIENT);
    tampered.truncate(tampered.len() - 4);
    tampered.push_str("AAAA");
    let (status, body) = send(tampered).await;
    assert_eq!((status, aadsts(&body).as_str()), (401, "AADSTS700027"));
    assert!(body["error_description"].as_str().unwrap().contains("invalid signature"));

    let (other_key, other_cert) = {
        let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
        let cert = rcgen::CertificateParams::new(vec!["other".to_owned()]).unwrap().self_signed(&key).unwrap();
        (key, cert.der().to_vec())
    };
    let _ = other_key;
    let (status, body) = send(assertion(&key, &other_cert, &aud, CLIENT)).await;
    assert_eq!((status, aadsts(&body).as_str()), (401, "AADSTS700027"));
    assert!(body["error_description"].as_str().unwrap().contains("not registered"));

    let (status, body) = send(assertion(&key, &cert, "https://login.microsoftonline.com/x/oauth2/v2.0/token", CLIENT)).await;
    assert_eq!(status, 401, "{body}");

    // An expired certificate on the app: Entra's AADSTS700027 "expired".
    let (old_key, old_cert) = certificate(-60, -1);
    emu.register_app(json!({"clientId": CLIENT, "certificates": [STANDARD.encode(&old_cert)]})).await;
    let (status, body) = send(assertion(&old_key, &old_cert, &aud, CLIENT)).await;
    assert_eq!((status, aadsts(&body).as_str()), (401, "AADSTS700027"));
    assert!(body["error_description"].as_str().unwrap().contains("expired"));
}

#[tokio::test]
async fn device_code_is_pending_then_approved_and_refresh_tokens_rotate() {
    let emu = Emu::start().await;
    let scope = format!("{0}/User.RevokeSessions.All {0}/User.Read offline_access", emu.running.url());
    let r = emu.client.post(emu.url("/organizations/oauth2/v2.0/devicecode")).form(&[("client_id", GRAPH_CLI_CLIENT_ID), ("scope", &scope)]).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let code = json(r).await;
    assert_eq!(code["interval"], 1);
    assert!(code["message"].as_str().unwrap().contains(code["user_code"].as_str().unwrap()));
    let device_code = code["device_code"].as_str().unwrap().to_owned();
    let poll = || async { emu.token("organizations", &[("grant_type", "urn:ietf:params:oauth:grant-type:device_code"), ("client_id", GRAPH_CLI_CLIENT_ID), ("device_code", &device_code)]).await };

    let (status, body) = poll().await;
    assert_eq!((status, body["error"].as_str().unwrap()), (400, "authorization_pending"));
    let (_, body) = poll().await;
    assert_eq!(body["error"], "slow_down", "polling faster than the interval is slowed down");
    tokio::time::sleep(Duration::from_millis(1000)).await;
    let (_, body) = poll().await;
    assert_eq!(body["error"], "authorization_pending");
    tokio::time::sleep(Duration::from_millis(1000)).await;
    let (status, body) = poll().await;
    assert_eq!(status, 200, "{body}");
    let token = body["access_token"].as_str().unwrap();
    let c = claims(token);
    assert_eq!(c["upn"], "AdeleV@contoso.com");
    assert_eq!(c["scp"], "User.RevokeSessions.All User.Read");
    let me = emu.client.post(emu.v1("/me/revokeSignInSessions")).bearer_auth(token).send().await.unwrap();
    assert_eq!(me.status(), 200);

    let refresh = body["refresh_token"].as_str().unwrap().to_owned();
    let emu = &emu;
    let renew = |rt: String| async move {
        emu.token("organizations", &[("grant_type", "refresh_token"), ("client_id", GRAPH_CLI_CLIENT_ID), ("refresh_token", &rt), ("scope", "x")]).await
    };
    let (status, renewed) = renew(refresh.clone()).await;
    assert_eq!(status, 200, "{renewed}");
    assert_ne!(renewed["refresh_token"], refresh.as_str());
    let (status, reused) = renew(refresh).await;
    assert_eq!((status, aadsts(&reused).as_str()), (400, "AADSTS700082"), "a used refresh token is gone");
}

#[tokio::test]
async fn device_code_outcomes_and_delegated_permissions_follow_the_app() {
    let emu = Emu::start().await;
    emu.register_app(json!({"clientId": CLIENT, "deviceCode": {"pendingPolls": 0, "outcome": "decline"}})).await;
    let r = emu.client.post(emu.url("/contoso.com/oauth2/v2.0/devicecode")).form(&[("client_id", CLIENT), ("scope", "offline_access")]).send().await.unwrap();
    let code = json(r).await;
    let (status, body) = emu.token("contoso.com", &[("grant_type", "urn:ietf:params:oauth:grant-type:device_code"), ("client_id", CLIENT), ("device_code", code["device_code"].as_str().unwrap())]).await;
    assert_eq!((status, body["error"].as_str().unwrap()), (400, "authorization_declined"));

    // User.Read only: the signed-in user cannot revoke their own sessions.
    emu.register_app(json!({"clientId": CLIENT, "deviceCode": {"pendingPolls": 0}, "delegatedScopes": ["User.Read"]})).await;
    let r = emu.client.post(emu.url("/contoso.com/oauth2/v2.0/devicecode")).form(&[("client_id", CLIENT), ("scope", &format!("{}/.default", emu.running.url()))]).send().await.unwrap();
    let code = json(r).await;
    let (_, body) = emu.token("contoso.com", &[("grant_type", "urn:ietf:params:oauth:grant-type:device_code"), ("client_id", CLIENT), ("device_code", code["device_code"].as_str().unwrap())]).await;
    assert_eq!(claims(body["access_token"].as_str().unwrap())["scp"], "User.Read");
    let me = emu.client.post(emu.v1("/me/revokeSignInSessions")).bearer_auth(body["access_token"].as_str().unwrap()).send().await.unwrap();
    assert_eq!(me.status(), 403);
}

#[tokio::test]
async fn managed_identity_endpoints_answer_for_registered_identities() {
    let emu = Emu::start().await;
    emu.register_app(json!({"clientId": "mi-system", "managedIdentity": "system", "roles": ["User.RevokeSessions.All"]})).await;
    emu.register_app(json!({"clientId": "mi-user", "managedIdentity": "user", "roles": ["User.Read.All"]})).await;
    let resource = emu.running.url().to_owned();
    let imds = |client_id: Option<&str>, metadata: bool| {
        let mut query = vec![("api-version", "2018-02-01".to_owned()), ("resource", resource.clone())];
        if let Some(id) = client_id {
            query.push(("client_id", id.to_owned()));
        }
        let mut request = emu.client.get(emu.url("/metadata/identity/oauth2/token")).query(&query);
        if metadata {
            request = request.header("Metadata", "true");
        }
        async move {
            let r = request.send().await.unwrap();
            (r.status().as_u16(), json(r).await)
        }
    };
    assert_eq!(imds(None, false).await.0, 400);
    let (status, body) = imds(None, true).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["expires_in"], "3600");
    assert_eq!(body["client_id"], "mi-system");
    assert_eq!(emu.revoke_with(body["access_token"].as_str().unwrap()).await, 200);
    let (status, body) = imds(Some("mi-user"), true).await;
    assert_eq!((status, body["client_id"].as_str().unwrap()), (200, "mi-user"));
    let (status, body) = imds(Some("nobody"), true).await;
    assert_eq!((status, body["error_description"].as_str().unwrap()), (400, "Identity not found"));

    let app_service = |header: &str| {
        let request = emu.client.get(emu.url("/msi/token")).query(&[("api-version", "2019-08-01"), ("resource", resource.as_str()), ("client_id", "mi-user")]).header("X-IDENTITY-HEADER", header);
        async move {
            let r = request.send().await.unwrap();
            (r.status().as_u16(), json(r).await)
        }
    };
    assert_eq!(app_service("wrong").await.0, 401);
    let (status, body) = app_service(IDENTITY_HEADER).await;
    assert_eq!(status, 200, "{body}");
    assert!(body["expires_on"].as_str().unwrap().parse::<i64>().unwrap() > chrono::Utc::now().timestamp());
}

#[tokio::test]
async fn issued_tokens_expire_when_told_and_can_be_refused_from_the_start() {
    let emu = Emu::start().await;
    emu.register_app(json!({"clientId": CLIENT, "secrets": [SECRET], "roles": ["User.RevokeSessions.All"], "tokenLifetimeSeconds": 1})).await;
    let (_, body) = emu.secret_token(SECRET).await;
    assert_eq!(body["expires_in"], 1);
    let token = body["access_token"].as_str().unwrap().to_owned();
    assert_eq!(emu.revoke_with(&token).await, 200);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(emu.revoke_with(&token).await, 401, "a short-lived token expires");

    emu.register_app(json!({"clientId": CLIENT, "secrets": [SECRET], "roles": ["User.RevokeSessions.All"]})).await;
    let (_, body) = emu.secret_token(SECRET).await;
    let token = body["access_token"].as_str().unwrap().to_owned();
    let (status, expired) = emu.control_post("/tokens/expire", json!({"clientId": CLIENT})).await;
    assert_eq!(status, 200);
    assert!(expired["expired"].as_u64().unwrap() >= 1);
    assert_eq!(emu.revoke_with(&token).await, 401);
    assert_eq!(emu.revoke_with(emu.running.token()).await, 200, "the default token is not an issued one");

    emu.register_app(json!({"clientId": CLIENT, "secrets": [SECRET], "roles": ["User.RevokeSessions.All"], "rejectIssuedTokens": true})).await;
    let (_, body) = emu.secret_token(SECRET).await;
    assert_eq!(emu.revoke_with(body["access_token"].as_str().unwrap()).await, 401);
}

#[tokio::test]
async fn the_sign_in_log_records_requests_without_secrets_and_reset_clears_apps() {
    let emu = Emu::start().await;
    emu.register_app(json!({"clientId": CLIENT, "secrets": [SECRET]})).await;
    emu.secret_token(SECRET).await;
    emu.secret_token("wrong-secret-value").await;
    let log = emu.control_get("/signins").await;
    assert_eq!(log.as_array().unwrap().len(), 2);
    assert_eq!(log[0]["credential"], "secret");
    assert_eq!(log[0]["status"], 200);
    assert_eq!(log[1]["aadsts"], "AADSTS7000215");
    let text = log.to_string();
    assert!(!text.contains(SECRET) && !text.contains("wrong-secret-value"));
    let apps = emu.control_get("/apps").await;
    assert!(!apps.to_string().contains(SECRET));
    let issued = emu.control_get("/tokens").await;
    assert_eq!(issued["accessTokens"].as_array().unwrap().len(), 1);
    assert_eq!(issued["accessTokens"][0]["clientId"], CLIENT);

    emu.control_post("/reset", json!({})).await;
    assert_eq!(emu.control_get("/signins").await, json!([]));
    assert_eq!(emu.secret_token(SECRET).await.0, 400, "apps are gone after a reset");
    let apps = emu.control_get("/apps").await;
    assert_eq!(apps.as_array().unwrap().len(), 1, "only the built-in public client stays");
}

#[tokio::test]
async fn an_identity_outage_answers_503_aadsts90033_until_it_ends() {
    let emu = Emu::start().await;
    emu.register_app(json!({"clientId": CLIENT, "secrets": [SECRET], "roles": ["User.RevokeSessions.All"]})).await;
    let (status, _) = emu.control_post("/identity/outage", json!({"seconds": 0.5})).await;
    assert_eq!(status, 200);
    let (status, body) = emu.secret_token(SECRET).await;
    assert_eq!(status, 503, "{body}");
    assert_eq!(body["error"], "temporarily_unavailable");
    assert!(aadsts(&body).contains("90033"), "{body}");
    tokio::time::sleep(Duration::from_millis(600)).await;
    let (status, body) = emu.secret_token(SECRET).await;
    assert_eq!(status, 200, "{body}");
    let (status, _) = emu.control_post("/identity/outage", json!({"seconds": -1})).await;
    assert_eq!(status, 400, "a negative duration is refused");
}
