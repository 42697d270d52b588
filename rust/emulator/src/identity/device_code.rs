//! The device code flow: `POST /{tenant}/oauth2/v2.0/devicecode` hands out a code; polls of
//! the token endpoint answer `authorization_pending` a configured number of times (and
//! `slow_down` to a client polling faster than the interval), then the app's configured outcome:
//! a delegated token for its device code user, `authorization_declined` or `expired_token`.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use chrono::Utc;
use hyper::StatusCode;
use serde_json::json;

use super::apps::DeviceOutcome;
use super::signins::SignIn;
use super::token::{delegated_answer, find_app, unknown_client, unknown_tenant};
use super::{Answer, Ctx};
use crate::timefmt::received_at;

const EXPIRES_IN: i64 = 900;
const VERIFICATION_URI: &str = "https://microsoft.com/devicelogin";
const OPENID: &[&str] = &["openid", "profile", "email", "offline_access"];

pub struct Pending {
    client_id: String,
    tenant: String,
    scopes: Vec<String>,
    offline: bool,
    user: String,
    pending_polls: u32,
    outcome: DeviceOutcome,
    interval: Duration,
    last_poll: Option<Instant>,
    expires_at: i64,
}

pub fn start(ctx: &Ctx<'_>, tenant: &str, form: &HashMap<String, String>) -> Answer {
    let client_id = form.get("client_id").cloned().unwrap_or_default();
    let answer = issue_code(ctx, tenant, &client_id, form.get("scope").map(String::as_str).unwrap_or_default());
    let (error, aadsts) = answer.error_summary();
    ctx.state.identity.signins.push(SignIn {
        received_at: received_at(),
        endpoint: "devicecode",
        tenant: Some(tenant.to_string()),
        grant_type: None,
        client_id: Some(client_id),
        credential: "none",
        scope: form.get("scope").cloned(),
        status: answer.status(),
        error,
        aadsts,
    });
    answer
}

fn issue_code(ctx: &Ctx<'_>, tenant: &str, client_id: &str, scope: &str) -> Answer {
    let well_known = ["common", "organizations"].iter().any(|t| t.eq_ignore_ascii_case(tenant));
    let tenant_id = match ctx.state.identity.apps.resolve_tenant(tenant) {
        Some(id) => id,
        None if well_known => super::apps::TENANT_ID.to_string(),
        None => return unknown_tenant(tenant),
    };
    let Some(app) = find_app(ctx, client_id, &tenant_id).or_else(|| if well_known { ctx.state.identity.apps.get(client_id) } else { None }) else {
        return unknown_client(client_id, &tenant_id);
    };
    if !app.public_client {
        return Answer::entra(StatusCode::BAD_REQUEST, "invalid_client", 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'. (The app is not a public client: enable 'Allow public client flows'.)");
    }
    let mut scopes = Vec::new();
    let mut offline = false;
    for item in scope.split_whitespace() {
        if OPENID.iter().any(|o| o.eq_ignore_ascii_case(item)) {
            offline |= item.eq_ignore_ascii_case("offline_access");
            continue;
        }
        let (resource, permission) = match item.rsplit_once('/') {
            Some((resource, permission)) => (resource, permission),
            None => (ctx.origin.as_str(), item),
        };
        if !ctx.is_own_resource(resource) {
            return Answer::entra(StatusCode::BAD_REQUEST, "invalid_resource", 500011, &format!("The resource principal named {resource} was not found in the tenant named {tenant_id}."));
        }
        if permission == ".default" {
            scopes.extend(app.delegated_scopes.iter().cloned());
        } else {
            scopes.push(permission.to_string());
        }
    }
    if scopes.is_empty() {
        scopes = app.delegated_scopes.clone();
    }
    scopes.dedup();
    let device_code = format!("emu-dc.{}", uuid::Uuid::new_v4().simple());
    let letters: String = (0..9).map(|i| if i == 4 { '-' } else { (b'A' + fastrand::u8(0..26)) as char }).collect();
    let interval = app.device_code.interval_seconds;
    ctx.state.identity.device_codes.lock().insert(
        device_code.clone(),
        Pending {
            client_id: app.client_id.clone(),
            tenant: tenant_id,
            scopes,
            offline,
            user: app.device_code.user.clone(),
            pending_polls: app.device_code.pending_polls,
            outcome: app.device_code.outcome,
            interval: Duration::from_secs(interval),
            last_poll: None,
            expires_at: Utc::now().timestamp() + EXPIRES_IN,
        },
    );
    Answer::ok(json!({
        "user_code": letters,
        "device_code": device_code,
        "verification_uri": VERIFICATION_URI,
        "expires_in": EXPIRES_IN,
        "interval": interval,
        "message": format!("To sign in, use a web browser to open the page {VERIFICATION_URI} and enter the code {letters} to authenticate."),
    }))
}

/// One poll of the token endpoint with `grant_type=…:device_code`.
pub fn poll(ctx: &Ctx<'_>, client_id: &str, device_code: &str) -> Answer {
    let mut codes = ctx.state.identity.device_codes.lock();
    let Some(pending) = codes.get_mut(device_code).filter(|p| p.client_id.eq_ignore_ascii_case(client_id)) else {
        return Answer::entra(StatusCode::BAD_REQUEST, "invalid_grant", 70000, "Provided grant is invalid or malformed.");
    };
    let now = Instant::now();
    if Utc::now().timestamp() > pending.expires_at {
        codes.remove(device_code);
        return expired();
    }
    // A client polling faster than it was told is slowed down (RFC 8628 §3.5); allow some jitter.
    let early = pending.last_poll.is_some_and(|last| now.duration_since(last) + Duration::from_millis(200) < pending.interval);
    pending.last_poll = Some(now);
    if early {
        return Answer::entra(StatusCode::BAD_REQUEST, "slow_down", 70016, "OAuth 2.0 device flow error. Polling too frequently: slow down.");
    }
    if pending.pending_polls > 0 {
        pending.pending_polls -= 1;
        return Answer::entra(StatusCode::BAD_REQUEST, "authorization_pending", 70016, "OAuth 2.0 device flow error. Authorization is pending. Continue polling.");
    }
    let Some(pending) = codes.remove(device_code) else {
        return expired();
    };
    drop(codes);
    match pending.outcome {
        DeviceOutcome::Decline => Answer::entra(StatusCode::BAD_REQUEST, "authorization_declined", 70000, "The user denied the authorization request."),
        DeviceOutcome::Expire => expired(),
        DeviceOutcome::Approve => {
            let Some(app) = ctx.state.identity.apps.get(&pending.client_id) else {
                return unknown_client(&pending.client_id, &pending.tenant);
            };
            let Some(user) = ctx.state.users.find(&pending.user) else {
                return Answer::entra(StatusCode::BAD_REQUEST, "invalid_grant", 50034, &format!("The user account {} does not exist in the directory.", pending.user));
            };
            delegated_answer(ctx, &app, &pending.tenant, &user, pending.scopes, pending.offline)
        }
    }
}

fn expired() -> Answer {
    Answer::entra(StatusCode::BAD_REQUEST, "expired_token", 70019, "Verification code expired.")
}
