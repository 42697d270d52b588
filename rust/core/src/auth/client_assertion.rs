//! Client credentials with a certificate: a client assertion (a JWT signed RS256 with the
//! certificate's private key) instead of a secret.
//!
//! Header `{"alg":"RS256","typ":"JWT","x5t":<base64url SHA-1 of the certificate>}` plus
//! `"x5c":[<base64 DER>]` when the chain is sent (subject name / issuer authentication).
//! Claims: `aud` = the token endpoint, `iss` = `sub` = the client id, a fresh `jti`, `nbf`/`iat`
//! = now, `exp` = now + 10 minutes. A new assertion is signed for every token request.

use super::clock::unix_now;
use super::renewing::{Credential, IssuedToken};
use super::token_endpoint::{SecretForm, request_token};
use super::{AuthError, Authority};
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use futures::future::BoxFuture;
use ring::rand::SystemRandom;
use ring::signature::{RSA_PKCS1_SHA256, RsaKeyPair};
use secrecy::SecretString;
use serde_json::json;
use std::fmt;
use zeroize::Zeroizing;

pub const ASSERTION_TYPE: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
/// How long an assertion is valid.
pub const ASSERTION_LIFETIME_SECONDS: i64 = 600;
/// Entra refuses smaller RSA keys.
const MIN_KEY_BITS: usize = 2048;

pub struct CertificateCredential {
    client: reqwest::Client,
    authority: Authority,
    client_id: String,
    scope: String,
    key: RsaKeyPair,
    thumbprint: String,
    chain: Option<Vec<String>>,
}

impl CertificateCredential {
    /// `private_key_pkcs8` is the certificate's RSA key (PKCS#8 DER); it is parsed and the buffer
    /// zeroed. `certificate_der` is the certificate the app registration knows; `chain_der` the
    /// certificates sent as `x5c` when `send_chain` (the leaf first).
    pub fn new(
        client: reqwest::Client,
        authority: Authority,
        client_id: String,
        scope: String,
        private_key_pkcs8: Zeroizing<Vec<u8>>,
        certificate_der: &[u8],
        send_chain: bool,
    ) -> Result<Self, AuthError> {
        let key = RsaKeyPair::from_pkcs8(&private_key_pkcs8)
            .map_err(|e| AuthError::InvalidCredential(format!("The certificate's private key cannot be used: it must be an RSA key of at least {MIN_KEY_BITS} bits ({e}).")))?;
        drop(private_key_pkcs8);
        if key.public().modulus_len() * 8 < MIN_KEY_BITS {
            return Err(AuthError::InvalidCredential(format!("The certificate's RSA key is smaller than {MIN_KEY_BITS} bits; Entra refuses it.")));
        }
        if certificate_der.is_empty() {
            return Err(AuthError::InvalidCredential("The certificate is empty.".to_owned()));
        }
        // The certificate's SubjectPublicKeyInfo holds the RSAPublicKey DER verbatim: if it is
        // not in there, the key belongs to another certificate (a common PEM mix-up).
        let public = key.public().as_ref();
        if !certificate_der.windows(public.len()).any(|w| w == public) {
            return Err(AuthError::InvalidCredential("The private key does not belong to the certificate.".to_owned()));
        }
        let thumbprint = URL_SAFE_NO_PAD.encode(ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, certificate_der));
        let chain = send_chain.then(|| vec![STANDARD.encode(certificate_der)]);
        Ok(Self { client, authority, client_id, scope, key, thumbprint, chain })
    }

    /// A freshly signed assertion for the token endpoint.
    pub fn assertion(&self, now_unix: i64) -> Result<SecretString, AuthError> {
        let mut header = json!({ "alg": "RS256", "typ": "JWT", "x5t": self.thumbprint });
        if let Some(chain) = &self.chain {
            header["x5c"] = json!(chain);
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
        let signing_input = format!("{}.{}", URL_SAFE_NO_PAD.encode(header.to_string()), URL_SAFE_NO_PAD.encode(claims.to_string()));
        let mut signature = vec![0; self.key.public().modulus_len()];
        self.key
            .sign(&RSA_PKCS1_SHA256, &SystemRandom::new(), signing_input.as_bytes(), &mut signature)
            .map_err(|_| AuthError::InvalidCredential("The client assertion could not be signed with the certificate's key.".to_owned()))?;
        Ok(SecretString::from(format!("{signing_input}.{}", URL_SAFE_NO_PAD.encode(signature))))
    }
}

impl fmt::Debug for CertificateCredential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CertificateCredential")
            .field("token_url", &self.authority.token_url().as_str())
            .field("client_id", &self.client_id)
            .field("x5t", &self.thumbprint)
            .field("send_chain", &self.chain.is_some())
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
                .secret("client_assertion", self.assertion(unix_now())?);
            Ok(request_token(&self.client, self.authority.token_url(), &form).await?.into())
        })
    }

    fn kind(&self) -> &'static str {
        "Certificate"
    }
}
