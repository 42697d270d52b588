//! Every request to the identity endpoints, as `GET /_emulator/signins` shows them: who asked
//! what, with which kind of credential, and what was answered. Never a secret, assertion,
//! device code or token.

use parking_lot::Mutex;
use serde::Serialize;
use serde_json::Value;

const CAPACITY: usize = 20_000;

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SignIn {
    pub received_at: String,
    /// token, devicecode, imds, appService
    pub endpoint: &'static str,
    pub tenant: Option<String>,
    pub grant_type: Option<String>,
    pub client_id: Option<String>,
    /// secret, assertion, deviceCode, refreshToken, managedIdentity, none
    pub credential: &'static str,
    /// The scope or resource asked for.
    pub scope: Option<String>,
    pub status: u16,
    pub error: Option<String>,
    pub aadsts: Option<String>,
}

#[derive(Default)]
pub struct SignInLog {
    entries: Mutex<Vec<SignIn>>,
}

impl SignInLog {
    pub fn push(&self, entry: SignIn) {
        let mut entries = self.entries.lock();
        if entries.len() >= CAPACITY {
            entries.remove(0);
        }
        entries.push(entry);
    }

    pub fn to_json(&self) -> Value {
        let snapshot = self.entries.lock().clone();
        serde_json::to_value(snapshot).unwrap_or_default()
    }

    pub fn clear(&self) {
        self.entries.lock().clear();
    }
}
