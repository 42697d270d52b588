//! Client credentials with a certificate: a client assertion (a JWT signed RS256 with the
//! certificate's private key) instead of a secret.
//!
//! Header `{"alg":"RS256","typ":"JWT","x5t":<base64url SHA-1 of the certificate>}` plus
//! `"x5c":[<base64 DER>]` when the chain is sent (subject name / issuer authentication).
//! Claims: `aud` = the token endpoint, `iss` = `sub` = the client id, a fresh `jti`, `nbf`/`iat`
//! = now, `exp` = now + 10 minutes. A new assertion is signed for every token request.
//!
//! The JWT is built here, but the signature is made where the key lives (an `AssertionSigner`:
//! in the module, .NET with the certificate's own key, which may be a CNG, smart card or TPM key
//! that cannot be exported). Every signature is checked against the certificate's public key
//! before it is sent, so a key that does not belong to the certificate fails here, with a
//! message, instead of at the identity platform.

use super::clock::unix_now;
use super::renewing::{Credential, IssuedToken};
use super::token_endpoint::{SecretForm, request_token};
use super::{AuthError, Authority};
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use futures::future::BoxFuture;
use ring::signature::{RSA_PKCS1_2048_8192_SHA256, UnparsedPublicKey};
use secrecy::SecretString;
use serde_json::json;
use std::fmt;
use std::sync::Arc;
use x509_parser::public_key::PublicKey;

pub const ASSERTION_TYPE: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
/// How long an assertion is valid.
pub const ASSERTION_LIFETIME_SECONDS: i64 = 600;
/// Entra refuses smaller RSA keys.
const MIN_KEY_BITS: usize = 2048;

/// Makes RS256 signatures (RSASSA-PKCS1-v1_5 with SHA-256) with the certificate's private key.
/// Called on a blocking thread for every token request, at sign-in and at each renewal.
pub trait AssertionSigner: Send + Sync {
    /// The signature of `signing_input`, `signature_len` bytes (the key's modulus length); or
    /// why the key refused, in words fit for the user (never key material).
    fn sign_rs256(&self, signing_input: &[u8], signature_len: usize) -> Result<Vec<u8>, String>;
}

/// What the assertion needs to know about the certificate (its public half only).
struct CertificateInfo {
    /// RSAPublicKey DER, for checking signatures.
    public_key: Vec<u8>,
    modulus_len: usize,
    thumbprint: String,
    der_base64: String,
}

impl CertificateInfo {
    fn parse(certificate_der: &[u8]) -> Result<Self, AuthError> {
        if certificate_der.is_empty() {
            return Err(AuthError::InvalidCredential("The certificate is empty.".to_owned()));
        }
        let (_, certificate) = x509_parser::parse_x509_certificate(certificate_der)
            .map_err(|_| AuthError::InvalidCredential("The certificate cannot be read (it is not X.509 DER).".to_owned()))?;
        let spki = certificate.public_key();
        let modulus_bits = match spki.parsed() {
            Ok(PublicKey::RSA(rsa)) => rsa.key_size(),
            _ => return Err(AuthError::InvalidCredential("The certificate does not have an RSA key; Entra accepts RSA certificates for client assertions.".to_owned())),
        };
        if modulus_bits < MIN_KEY_BITS {
            return Err(AuthError::InvalidCredential(format!("The certificate's RSA key is smaller than {MIN_KEY_BITS} bits; Entra refuses it.")));
        }
        Ok(Self {
            public_key: spki.subject_public_key.data.to_vec(),
            modulus_len: modulus_bits.div_ceil(8),
            thumbprint: URL_SAFE_NO_PAD.encode(ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, certificate_der)),
            der_base64: STANDARD.encode(certificate_der),
        })
    }
}

pub struct CertificateCredential {
    client: reqwest::Client,
    authority: Authority,
    client_id: String,
    scope: String,
    signer: Arc<dyn AssertionSigner>,
    certificate: Arc<CertificateInfo>,
    send_chain: bool,
}

impl CertificateCredential {
    /// `certificate_der` is the certificate the app registration knows (also sent as `x5c` when
    /// `send_chain`); `signer` signs with its private key, wherever that key is kept.
    pub fn new(
        client: reqwest::Client,
        authority: Authority,
        client_id: String,
        scope: String,
        signer: Arc<dyn AssertionSigner>,
        certificate_der: &[u8],
        send_chain: bool,
    ) -> Result<Self, AuthError> {
        let certificate = Arc::new(CertificateInfo::parse(certificate_der)?);
        Ok(Self { client, authority, client_id, scope, signer, certificate, send_chain })
    }

    /// The header and claims, base64url-encoded and joined: what the signature covers.
    fn signing_input(&self, now_unix: i64) -> String {
        let mut header = json!({ "alg": "RS256", "typ": "JWT", "x5t": self.certificate.thumbprint });
        if self.send_chain {
            header["x5c"] = json!([self.certificate.der_base64]);
        }
        let claims = json!({
            "aud": self.authority.token_url().as_str(),
            "iss": self.client_id,
            "sub": self.client_id,
            "jti": uuid::Uuid::new_v4().to_string(),
            "nbf": now_unix,
            "iat": now_unix,
            "exp": now_unix + ASSERTION_LIFETIME_SECONDS,
        });
        format!("{}.{}", URL_SAFE_NO_PAD.encode(header.to_string()), URL_SAFE_NO_PAD.encode(claims.to_string()))
    }

    /// A freshly signed assertion for the token endpoint. The signer runs on a blocking thread:
    /// a smart card or TPM may take a while, and the runtime's workers keep serving requests.
    pub async fn assertion(&self, now_unix: i64) -> Result<SecretString, AuthError> {
        let signing_input = self.signing_input(now_unix);
        let (signer, certificate) = (self.signer.clone(), self.certificate.clone());
        tokio::task::spawn_blocking(move || sign(&*signer, &certificate, signing_input))
            .await
            .map_err(|_| AuthError::InvalidCredential("The certificate's key failed while signing the client assertion.".to_owned()))?
    }
}

fn sign(signer: &dyn AssertionSigner, certificate: &CertificateInfo, signing_input: String) -> Result<SecretString, AuthError> {
    let signature = signer
        .sign_rs256(signing_input.as_bytes(), certificate.modulus_len)
        .map_err(|reason| AuthError::InvalidCredential(format!("The certificate's private key could not sign the client assertion: {reason}")))?;
    // The certificate's public key must verify what its private key signed: otherwise the key
    // belongs to another certificate (a common PEM mix-up) and Entra would refuse it anyway.
    UnparsedPublicKey::new(&RSA_PKCS1_2048_8192_SHA256, &certificate.public_key)
        .verify(signing_input.as_bytes(), &signature)
        .map_err(|_| AuthError::InvalidCredential("The private key does not belong to the certificate: its signature does not verify with the certificate's public key.".to_owned()))?;
    Ok(SecretString::from(format!("{signing_input}.{}", URL_SAFE_NO_PAD.encode(signature))))
}

impl fmt::Debug for CertificateCredential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CertificateCredential")
            .field("token_url", &self.authority.token_url().as_str())
            .field("client_id", &self.client_id)
            .field("x5t", &self.certificate.thumbprint)
            .field("send_chain", &self.send_chain)
            .finish_non_exhaustive()
    }
}

impl Credential for CertificateCredential {
    fn fetch(&self) -> BoxFuture<'_, Result<IssuedToken, AuthError>> {
        Box::pin(async move {
            let form = SecretForm::new()
                .field("grant_type", "client_credentials")
                .field("client_id", self.client_id.clone())
                .field("scope", self.scope.clone())
                .field("client_assertion_type", ASSERTION_TYPE)
                .secret("client_assertion", self.assertion(unix_now()).await?);
            Ok(request_token(&self.client, self.authority.token_url(), &form).await?.into())
        })
    }

    fn kind(&self) -> &'static str {
        "Certificate"
    }
}
