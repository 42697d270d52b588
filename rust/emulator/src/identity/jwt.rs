//! JWTs both ways: the access tokens the emulator issues (JWT-shaped so clients can read their
//! claims; the signature is random bytes, the registry is what Graph checks) and the client
//! assertions it verifies (RS256 against a registered certificate).

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};

/// `header.payload.signature` with the given claims.
pub fn issue(claims: &Value) -> String {
    let header = json!({ "typ": "JWT", "alg": "RS256", "kid": "graph-emulator" });
    let signature: Vec<u8> = (0..32).map(|_| fastrand::u8(..)).collect();
    format!("{}.{}.{}", URL_SAFE_NO_PAD.encode(header.to_string()), URL_SAFE_NO_PAD.encode(claims.to_string()), URL_SAFE_NO_PAD.encode(signature))
}

/// A client assertion taken apart; nothing is trusted until `verify` says so.
pub struct Assertion {
    pub header: Value,
    pub claims: Value,
    signed: String,
    signature: Vec<u8>,
}

impl Assertion {
    pub fn parse(text: &str) -> Option<Self> {
        let mut parts = text.split('.');
        let (Some(h), Some(c), Some(s), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
            return None;
        };
        let decode = |part: &str| URL_SAFE_NO_PAD.decode(part.trim_end_matches('=')).ok();
        let header = serde_json::from_slice(&decode(h)?).ok()?;
        let claims = serde_json::from_slice(&decode(c)?).ok()?;
        Some(Self { header, claims, signed: format!("{h}.{c}"), signature: decode(s)? })
    }

    pub fn header_str(&self, name: &str) -> Option<&str> {
        self.header.get(name).and_then(Value::as_str)
    }

    pub fn claim_str(&self, name: &str) -> Option<&str> {
        self.claims.get(name).and_then(Value::as_str)
    }

    pub fn claim_i64(&self, name: &str) -> Option<i64> {
        self.claims.get(name).and_then(Value::as_i64)
    }

    /// RS256 with the certificate's RSAPublicKey (PKCS#1 DER).
    pub fn verify(&self, rsa_public_key: &[u8]) -> bool {
        ring::signature::UnparsedPublicKey::new(&ring::signature::RSA_PKCS1_2048_8192_SHA256, rsa_public_key)
            .verify(self.signed.as_bytes(), &self.signature)
            .is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issued_tokens_read_back_and_are_unique() {
        let claims = json!({ "tid": "t", "roles": ["r"] });
        let a = issue(&claims);
        assert_ne!(a, issue(&claims));
        let parsed = Assertion::parse(&a).unwrap();
        assert_eq!(parsed.claims, claims);
        assert_eq!(parsed.header_str("alg"), Some("RS256"));
        assert!(!parsed.verify(b"not a key"));
        assert!(Assertion::parse("a.b").is_none());
        assert!(Assertion::parse("!!.!!.!!").is_none());
    }
}
