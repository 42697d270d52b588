//! Shared by the `auth_*` tests: a fake identity platform (token endpoint that issues numbered
//! JWT-shaped tokens and records every form it received) and a test certificate.

#![allow(dead_code)]

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use entra_core::endpoint::GraphEndpoint;
use entra_core::http::HttpSettings;
use entra_core::auth::sign_in::SignInOptions;
use parking_lot::Mutex;
use serde_json::json;
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use wiremock::{Request, Respond, ResponseTemplate};

pub const TENANT: &str = "11111111-2222-3333-4444-555555555555";
pub const CLIENT_ID: &str = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";
pub const SECRET: &str = "s3cr3t~Value.With+Symbols/=";

/// A JWT-shaped token whose payload says who it is for; `n` numbers the tokens issued.
pub fn jwt(n: usize, claims: serde_json::Value) -> String {
    let header = URL_SAFE_NO_PAD.encode(br#"{"typ":"JWT","alg":"RS256"}"#);
    let mut payload = claims;
    payload["n"] = json!(n);
    format!("{header}.{}.sig{n}", URL_SAFE_NO_PAD.encode(payload.to_string()))
}

/// The number a token from [`jwt`] carries.
pub fn token_number(token: &str) -> Option<usize> {
    token.rsplit_once(".sig").and_then(|(_, n)| n.parse().ok())
}

pub fn form(request: &Request) -> HashMap<String, String> {
    url::form_urlencoded::parse(&request.body).into_owned().collect()
}

/// The token endpoint: checks the client secret when `secret` is set, issues numbered tokens
/// living `lifetime` seconds, records every form.
pub struct Issuer {
    pub secret: Option<String>,
    pub lifetime: u64,
    pub issued: AtomicUsize,
    pub forms: Mutex<Vec<HashMap<String, String>>>,
    /// Until then every request is answered 503 (an identity platform outage).
    pub unavailable_until: Mutex<Option<std::time::Instant>>,
    /// How many requests the outage answered.
    pub unavailable_answers: AtomicUsize,
}

impl Issuer {
    pub fn new(secret: Option<&str>, lifetime: u64) -> Self {
        Self {
            secret: secret.map(str::to_owned),
            lifetime,
            issued: AtomicUsize::new(0),
            forms: Mutex::new(Vec::new()),
            unavailable_until: Mutex::new(None),
            unavailable_answers: AtomicUsize::new(0),
        }
    }
}

impl Respond for &'static Issuer {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let form = form(request);
        self.forms.lock().push(form.clone());
        if self.unavailable_until.lock().is_some_and(|until| std::time::Instant::now() < until) {
            self.unavailable_answers.fetch_add(1, Ordering::SeqCst);
            return ResponseTemplate::new(503).set_body_string("service unavailable");
        }
        if let Some(secret) = &self.secret
            && form.get("client_secret") != Some(secret)
        {
            return ResponseTemplate::new(401).set_body_json(json!({
                "error": "invalid_client",
                "error_description": "AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.\r\nTrace ID: trace-1\r\nCorrelation ID: corr-1\r\nTimestamp: 2026-01-01 00:00:00Z",
                "error_codes": [7000215],
                "trace_id": "trace-1",
                "correlation_id": "corr-1"
            }));
        }
        let n = self.issued.fetch_add(1, Ordering::SeqCst) + 1;
        let token = jwt(n, json!({"tid": TENANT, "appid": CLIENT_ID, "roles": ["User.RevokeSessions.All"], "exp": 4_102_444_800u64}));
        ResponseTemplate::new(200).set_body_json(json!({"token_type": "Bearer", "expires_in": self.lifetime, "ext_expires_in": self.lifetime, "access_token": token}))
    }
}

/// Leaks an issuer so mocks (which need `'static` responders) can share it with the test.
pub fn issuer(secret: Option<&str>, lifetime: u64) -> &'static Issuer {
    Box::leak(Box::new(Issuer::new(secret, lifetime)))
}

pub fn options(login: &str, graph: &str) -> SignInOptions {
    SignInOptions {
        graph: GraphEndpoint::parse(graph).unwrap(),
        login_endpoint: login.to_owned(),
        tenant_id: Some(TENANT.to_owned()),
        client_id: Some(CLIENT_ID.to_owned()),
        scopes: Vec::new(),
        send_certificate_chain: false,
        http: HttpSettings::default(),
    }
}

/// The path of the token endpoint for [`TENANT`].
pub fn token_path() -> String {
    format!("/{TENANT}/oauth2/v2.0/token")
}

/// A self-signed test certificate for the fixture key (PKCS#8 DER, certificate DER).
pub fn test_certificate(not_after_days: i64) -> (Vec<u8>, Vec<u8>) {
    let key_pem = include_str!("../fixtures/test-only-rsa-2048.pk8.pem");
    let key = rcgen::KeyPair::from_pkcs8_pem_and_sign_algo(key_pem, &rcgen::PKCS_RSA_SHA256).expect("fixture key");
    let mut params = rcgen::CertificateParams::new(vec!["entra-rs-test".to_owned()]).unwrap();
    let now = time::OffsetDateTime::now_utc();
    params.not_before = now - time::Duration::days(1);
    params.not_after = now + time::Duration::days(not_after_days);
    let cert = params.self_signed(&key).expect("self-signed certificate");
    (key.serialize_der(), cert.der().to_vec())
}

/// Another RSA key (the emulator's fixture): a certificate made for it does not match the
/// key of [`test_certificate`].
pub fn other_certificate() -> Vec<u8> {
    let key_pem = include_str!("../fixtures/test-only-rsa-2048-other.pk8.pem");
    let key = rcgen::KeyPair::from_pkcs8_pem_and_sign_algo(key_pem, &rcgen::PKCS_RSA_SHA256).expect("fixture key");
    rcgen::CertificateParams::new(vec!["entra-rs-other".to_owned()]).unwrap().self_signed(&key).expect("self-signed certificate").der().to_vec()
}

/// Signs as the module's .NET signer does, with a key the credential never sees (ring here,
/// the certificate's own key there); counts its calls and can be told to refuse.
pub struct KeySigner {
    key: ring::signature::RsaKeyPair,
    pub calls: AtomicUsize,
    pub refuse: Mutex<Option<String>>,
}

impl KeySigner {
    pub fn new(pkcs8: &[u8]) -> std::sync::Arc<Self> {
        let key = ring::signature::RsaKeyPair::from_pkcs8(pkcs8).expect("fixture key");
        std::sync::Arc::new(Self { key, calls: AtomicUsize::new(0), refuse: Mutex::new(None) })
    }
}

impl entra_core::auth::client_assertion::AssertionSigner for KeySigner {
    fn sign_rs256(&self, signing_input: &[u8], signature_len: usize) -> Result<Vec<u8>, String> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        if let Some(reason) = self.refuse.lock().clone() {
            return Err(reason);
        }
        assert_eq!(signature_len, self.key.public().modulus_len(), "the credential asks for the modulus length");
        let mut signature = vec![0; signature_len];
        self.key.sign(&ring::signature::RSA_PKCS1_SHA256, &ring::rand::SystemRandom::new(), signing_input, &mut signature).expect("signing");
        Ok(signature)
    }
}
