//! Client credentials with a certificate: the client assertion is a JWT the platform can verify
//! with the registered certificate (RS256, x5t thumbprint, x5c on request), fresh per request,
//! signed by a signer that holds the key (the credential never sees it).

mod auth_support;

use auth_support::*;
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use entra_core::auth::client_assertion::ASSERTION_TYPE;
use entra_core::auth::sign_in::with_certificate;
use entra_core::auth::{AuthError, EntraErrorKind, TokenSource};
use serde_json::{Value, json};
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, ResponseTemplate};
use std::sync::atomic::Ordering;

fn decode(part: &str) -> Value {
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(part).unwrap()).unwrap()
}

/// Verifies an assertion the way the platform does, with the certificate's public key.
fn verify(assertion: &str, certificate_der: &[u8]) -> (Value, Value) {
    let (signed, signature) = assertion.rsplit_once('.').unwrap();
    let (header, claims) = signed.split_once('.').unwrap();
    let (_, cert) = x509_parser::parse_x509_certificate(certificate_der).unwrap();
    let public_key = cert.public_key().subject_public_key.data.to_vec();
    ring::signature::UnparsedPublicKey::new(&ring::signature::RSA_PKCS1_2048_8192_SHA256, public_key)
        .verify(signed.as_bytes(), &URL_SAFE_NO_PAD.decode(signature).unwrap())
        .expect("the signature verifies with the certificate's public key");
    (decode(header), decode(claims))
}

#[tokio::test]
async fn signs_a_fresh_rs256_assertion_the_certificate_verifies() {
    let issuer = issuer(None, 3600);
    let server = MockServer::start().await;
    Mock::given(path(token_path())).respond_with(issuer).mount(&server).await;
    let (key, cert) = test_certificate(30);
    let options = options(&server.uri(), "https://graph.microsoft.com");
    let signer = KeySigner::new(&key);
    let source = with_certificate(&options, signer.clone(), &cert).await.unwrap();
    assert_eq!(source.kind(), "Certificate");
    assert_eq!(signer.calls.load(Ordering::SeqCst), 1);

    let form = issuer.forms.lock()[0].clone();
    assert_eq!(form["grant_type"], "client_credentials");
    assert_eq!(form["client_assertion_type"], ASSERTION_TYPE);
    assert_eq!(form["scope"], "https://graph.microsoft.com/.default");
    assert!(!form.contains_key("client_secret"));
    let (header, claims) = verify(&form["client_assertion"], &cert);
    let thumbprint = URL_SAFE_NO_PAD.encode(ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, &cert));
    assert_eq!(header, json!({"alg": "RS256", "typ": "JWT", "x5t": thumbprint}));
    assert_eq!(claims["aud"], format!("{}{}", server.uri(), token_path()));
    assert_eq!(claims["iss"], CLIENT_ID);
    assert_eq!(claims["sub"], CLIENT_ID);
    assert_eq!(claims["exp"].as_i64().unwrap() - claims["nbf"].as_i64().unwrap(), 600);
    assert!(uuid::Uuid::parse_str(claims["jti"].as_str().unwrap()).is_ok());

    // A renewal signs a new assertion (new jti), never a replay.
    let t1 = source.access_token().await.unwrap();
    source.refresh(&t1).await.unwrap();
    let forms = issuer.forms.lock().clone();
    assert_eq!(forms.len(), 2);
    assert_eq!(signer.calls.load(Ordering::SeqCst), 2, "one signature per token request");
    let (_, again) = verify(&forms[1]["client_assertion"], &cert);
    assert_ne!(again["jti"], claims["jti"]);
}

#[tokio::test]
async fn sends_the_certificate_as_x5c_when_asked() {
    let issuer = issuer(None, 3600);
    let server = MockServer::start().await;
    Mock::given(path(token_path())).respond_with(issuer).mount(&server).await;
    let (key, cert) = test_certificate(30);
    let mut options = options(&server.uri(), "https://graph.microsoft.com");
    options.send_certificate_chain = true;
    with_certificate(&options, KeySigner::new(&key), &cert).await.unwrap();
    let (header, _) = verify(&issuer.forms.lock()[0]["client_assertion"], &cert);
    assert_eq!(header["x5c"], json!([STANDARD.encode(&cert)]));
}

#[tokio::test]
async fn refuses_keys_that_do_not_belong_to_the_certificate_before_sending_anything() {
    let server = MockServer::start().await;
    let (key, _) = test_certificate(30);
    let options = options(&server.uri(), "https://graph.microsoft.com");
    let signer = KeySigner::new(&key);
    let error = with_certificate(&options, signer.clone(), &other_certificate()).await.unwrap_err();
    assert!(matches!(&error, AuthError::InvalidCredential(m) if m.contains("does not belong")), "{error}");
    assert_eq!(signer.calls.load(Ordering::SeqCst), 1, "the key signed, the certificate did not verify it");

    let ec = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
    let ec_cert = rcgen::CertificateParams::new(vec!["other".to_owned()]).unwrap().self_signed(&ec).unwrap();
    let error = with_certificate(&options, signer.clone(), ec_cert.der()).await.unwrap_err();
    assert!(matches!(&error, AuthError::InvalidCredential(m) if m.contains("RSA")), "{error}");
    let error = with_certificate(&options, signer.clone(), b"not a certificate").await.unwrap_err();
    assert!(matches!(&error, AuthError::InvalidCredential(m) if m.contains("X.509")), "{error}");
    assert_eq!(signer.calls.load(Ordering::SeqCst), 1, "an unusable certificate is refused before signing");
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_key_that_refuses_to_sign_fails_the_sign_in_with_its_reason_and_sends_nothing() {
    let server = MockServer::start().await;
    let (key, cert) = test_certificate(30);
    let signer = KeySigner::new(&key);
    *signer.refuse.lock() = Some("The smart card was removed.".to_owned());
    let error = with_certificate(&options(&server.uri(), "https://graph.microsoft.com"), signer.clone(), &cert).await.unwrap_err();
    assert!(matches!(&error, AuthError::InvalidCredential(m) if m.contains("could not sign") && m.contains("The smart card was removed.")), "{error}");
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_renewal_whose_key_refuses_is_a_sign_in_error_and_the_next_one_signs_again() {
    let issuer = issuer(None, 3600);
    let server = MockServer::start().await;
    Mock::given(path(token_path())).respond_with(issuer).mount(&server).await;
    let (key, cert) = test_certificate(30);
    let signer = KeySigner::new(&key);
    let source = with_certificate(&options(&server.uri(), "https://graph.microsoft.com"), signer.clone(), &cert).await.unwrap();
    let first = source.access_token().await.unwrap();

    *signer.refuse.lock() = Some("The key is locked.".to_owned());
    let error = source.refresh(&first).await.unwrap_err();
    assert!(matches!(&error, AuthError::InvalidCredential(m) if m.contains("The key is locked.")), "{error}");
    assert_eq!(issuer.forms.lock().len(), 1, "nothing was sent for the refused signature");
    assert_eq!(signer.calls.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn an_expired_certificate_is_reported_with_entras_code() {
    let server = MockServer::start().await;
    Mock::given(path(token_path())).respond_with(ResponseTemplate::new(401).set_body_json(json!({
        "error": "invalid_client",
        "error_description": "AADSTS700027: The certificate with identifier used to sign the client assertion is expired on application.",
        "error_codes": [700027]
    }))).mount(&server).await;
    let (key, cert) = test_certificate(-1);
    let error = with_certificate(&options(&server.uri(), "https://graph.microsoft.com"), KeySigner::new(&key), &cert).await.unwrap_err();
    let entra = error.entra().unwrap();
    assert_eq!(entra.kind, EntraErrorKind::CertificateExpired);
    assert_eq!(entra.aadsts.as_deref(), Some("AADSTS700027"));
}
