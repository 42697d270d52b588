//! `$skiptoken`: opaque to clients, it carries where the previous page ended and the original
//! query, so a nextLink alone continues the listing. A checksum makes garbage fail loudly.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};

use crate::graph_error::GraphError;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ListState {
    #[serde(rename = "p")]
    pub position: usize,
    #[serde(rename = "t")]
    pub top: usize,
    #[serde(rename = "sel", default, skip_serializing_if = "Option::is_none")]
    pub select: Option<String>,
    #[serde(rename = "f", default, skip_serializing_if = "Option::is_none")]
    pub filter: Option<String>,
    #[serde(rename = "s", default, skip_serializing_if = "Option::is_none")]
    pub search: Option<String>,
}

/// FNV-1a: not security, just a guard against hand-edited or truncated tokens.
fn checksum(data: &[u8]) -> u64 {
    data.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3))
}

pub fn encode(state: &ListState) -> String {
    let json = serde_json::to_vec(state).unwrap_or_default();
    let mut raw = checksum(&json).to_be_bytes().to_vec();
    raw.extend_from_slice(&json);
    URL_SAFE_NO_PAD.encode(raw)
}

pub fn decode(token: &str) -> Result<ListState, GraphError> {
    let invalid = || GraphError::new(hyper::StatusCode::BAD_REQUEST, "Request_BadRequest", "Invalid paging token: the $skiptoken value is malformed or has been altered.");
    let raw = URL_SAFE_NO_PAD.decode(token.trim()).map_err(|_| invalid())?;
    if raw.len() < 8 {
        return Err(invalid());
    }
    let (sum, json) = raw.split_at(8);
    if sum != checksum(json).to_be_bytes() {
        return Err(invalid());
    }
    serde_json::from_slice(json).map_err(|_| invalid())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let s = ListState { position: 1234, top: 50, select: Some("id".into()), filter: None, search: Some("\"displayName:a\"".into()) };
        let t = encode(&s);
        assert!(t.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
        assert_eq!(decode(&t).unwrap(), s);
    }

    #[test]
    fn garbage_is_refused() {
        assert!(decode("garbage").is_err());
        assert!(decode("").is_err());
        let mut t = encode(&ListState { position: 1, top: 2, select: None, filter: None, search: None });
        t.push('A');
        assert!(decode(&t).is_err());
    }
}
