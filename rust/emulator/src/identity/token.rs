//! `POST /{tenant}/oauth2/v2.0/token`: client credentials (secret or certificate assertion),
//! the device code grant, and refresh tokens, answered with Entra's codes and messages.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::Utc;
use hyper::StatusCode;
use serde_json::json;

use super::apps::App;
use super::jwt::Assertion;
use super::signins::SignIn;
use super::{Answer, Ctx};
use crate::timefmt::received_at;

pub const ASSERTION_TYPE: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
pub const DEVICE_CODE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";
/// Accepted clock skew for assertion times.
const SKEW: i64 = 300;

/// What a refresh token stands for.
#[derive(Debug, Clone)]
pub struct RefreshGrant {
    pub client_id: String,
    pub tenant: String,
    pub user_id: uuid::Uuid,
    pub scopes: Vec<String>,
}

pub fn handle(ctx: &Ctx<'_>, tenant: &str, form: &HashMap<String, String>) -> Answer {
    let grant = form.get("grant_type").cloned();
    let credential = match grant.as_deref() {
        Some(DEVICE_CODE_GRANT) => "deviceCode",
        Some("refresh_token") => "refreshToken",
        _ if form.contains_key("client_assertion") => "assertion",
        _ if form.contains_key("client_secret") => "secret",
        _ => "none",
    };
    let answer = answer(ctx, tenant, form);
    let (error, aadsts) = answer.error_summary();
    ctx.state.identity.signins.push(SignIn {
        received_at: received_at(),
        endpoint: "token",
        tenant: Some(tenant.to_string()),
        grant_type: grant,
        client_id: form.get("client_id").cloned(),
        credential,
        scope: form.get("scope").cloned(),
        status: answer.status(),
        error,
        aadsts,
    });
    answer
}

fn answer(ctx: &Ctx<'_>, tenant: &str, form: &HashMap<String, String>) -> Answer {
    if ctx.state.identity.in_outage() {
        // What Entra answers when it cannot serve a request for a while.
        return Answer::entra(StatusCode::SERVICE_UNAVAILABLE, "temporarily_unavailable", 90033, "A transient error has occurred. Please try again.");
    }
    let well_known = ["common", "organizations"].iter().any(|t| t.eq_ignore_ascii_case(tenant));
    let resolved = ctx.state.identity.apps.resolve_tenant(tenant);
    if resolved.is_none() && !well_known {
        return unknown_tenant(tenant);
    }
    let client_id = form.get("client_id").map(String::as_str).unwrap_or_default();
    match form.get("grant_type").map(String::as_str) {
        Some("client_credentials") => {
            let Some(tenant_id) = resolved else {
                return Answer::entra(StatusCode::BAD_REQUEST, "invalid_request", 50059, "No tenant-identifying information found in either the request or implied by any provided credentials.");
            };
            let Some(app) = find_app(ctx, client_id, &tenant_id) else {
                return unknown_client(client_id, &tenant_id);
            };
            client_credentials(ctx, &app, &tenant_id, form)
        }
        Some(DEVICE_CODE_GRANT) => super::device_code::poll(ctx, client_id, form.get("device_code").map(String::as_str).unwrap_or_default()),
        Some("refresh_token") => refresh(ctx, client_id, form.get("refresh_token").map(String::as_str).unwrap_or_default()),
        Some(other) => Answer::entra(StatusCode::BAD_REQUEST, "unsupported_grant_type", 70003, &format!("The app requested an unsupported grant type '{other}'.")),
        None => Answer::entra(StatusCode::BAD_REQUEST, "invalid_request", 900144, "The request body must contain the following parameter: 'grant_type'."),
    }
}

pub fn unknown_tenant(tenant: &str) -> Answer {
    Answer::entra(
        StatusCode::BAD_REQUEST,
        "invalid_request",
        90002,
        &format!("Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant."),
    )
}

pub fn unknown_client(client_id: &str, tenant: &str) -> Answer {
    Answer::entra(
        StatusCode::BAD_REQUEST,
        "unauthorized_client",
        700016,
        &format!("Application with identifier '{client_id}' was not found in the directory '{tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant."),
    )
}

/// The app if it lives in `tenant` (the built-in public client lives everywhere).
pub fn find_app(ctx: &Ctx<'_>, client_id: &str, tenant: &str) -> Option<Arc<App>> {
    ctx.state.identity.apps.get(client_id).filter(|a| a.tenant_id.eq_ignore_ascii_case(tenant) || a.client_id == super::apps::GRAPH_CLI_CLIENT_ID)
}

fn invalid_resource(resource: &str, tenant: &str) -> Answer {
    Answer::entra(
        StatusCode::BAD_REQUEST,
        "invalid_resource",
        500011,
        &format!("The resource principal named {resource} was not found in the tenant named {tenant}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant."),
    )
}

fn client_credentials(ctx: &Ctx<'_>, app: &App, tenant: &str, form: &HashMap<String, String>) -> Answer {
    let scope = form.get("scope").map(String::as_str).unwrap_or_default();
    let Some(resource) = scope.strip_suffix("/.default") else {
        return Answer::entra(StatusCode::BAD_REQUEST, "invalid_scope", 1002012, &format!("The provided value for scope {scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI)."));
    };
    if !ctx.is_own_resource(resource) {
        return invalid_resource(resource, tenant);
    }
    let authenticated = match (form.get("client_secret"), form.get("client_assertion")) {
        (Some(secret), None) => check_secret(app, secret),
        (None, Some(assertion)) => check_assertion(ctx, app, tenant, form.get("client_assertion_type").map(String::as_str), assertion),
        (Some(_), Some(_)) => Err(Answer::entra(StatusCode::BAD_REQUEST, "invalid_request", 90015, "Requested query string is too long, or a credential is duplicated: send either a client secret or a client assertion.")),
        (None, None) => Err(Answer::entra(StatusCode::UNAUTHORIZED, "invalid_client", 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.")),
    };
    if let Err(refusal) = authenticated {
        return refusal;
    }
    let (token, lifetime) = ctx.issue(app, tenant, None);
    Answer::ok(json!({ "token_type": "Bearer", "expires_in": lifetime, "ext_expires_in": lifetime, "access_token": token }))
}

fn check_secret(app: &App, secret: &str) -> Result<(), Answer> {
    if app.secrets.iter().any(|s| s == secret) {
        return Ok(());
    }
    Err(Answer::entra(
        StatusCode::UNAUTHORIZED,
        "invalid_client",
        7000215,
        &format!("Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '{}'.", app.client_id),
    ))
}

fn check_assertion(ctx: &Ctx<'_>, app: &App, tenant: &str, assertion_type: Option<&str>, text: &str) -> Result<(), Answer> {
    let refuse = |code: u32, message: &str| Err(Answer::entra(StatusCode::UNAUTHORIZED, "invalid_client", code, message));
    if assertion_type != Some(ASSERTION_TYPE) {
        return Err(Answer::entra(StatusCode::BAD_REQUEST, "invalid_request", 70002, "The client_assertion_type must be urn:ietf:params:oauth:client-assertion-type:jwt-bearer."));
    }
    let Some(assertion) = Assertion::parse(text) else {
        return refuse(50027, "JWT token is invalid or malformed.");
    };
    if assertion.header_str("alg") != Some("RS256") && assertion.header_str("alg") != Some("PS256") {
        return refuse(5002738, "The client assertion must be signed with RS256.");
    }
    let Some(certificate) = assertion.header_str("x5t").and_then(|x5t| app.certificates.iter().find(|c| c.x5t == x5t)) else {
        return refuse(700027, &format!("The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found., Thumbprint of key used by client: '{}', Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '{}'.]", assertion.header_str("x5t").unwrap_or_default(), app.client_id));
    };
    if !assertion.verify(&certificate.public_key) {
        return refuse(700027, "Client assertion contains an invalid signature. [Reason - The key used does not match the signature.]");
    }
    let now = Utc::now().timestamp();
    if certificate.not_after < now {
        return refuse(700027, &format!("The certificate with identifier used to sign the client assertion is expired on application. [Reason - The key used is expired., Thumbprint of key used by client: '{}', Found key 'Start=…, End={}', Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '{}'.]", certificate.thumbprint, chrono::DateTime::from_timestamp(certificate.not_after, 0).unwrap_or_default().to_rfc3339(), app.client_id));
    }
    let expected_audience = format!("{}/{tenant}/oauth2/v2.0/token", ctx.origin);
    let audience_ok = assertion.claim_str("aud").is_some_and(|aud| {
        // Entra accepts the token endpoint of the tenant id or of a domain: compare all but the tenant.
        aud.eq_ignore_ascii_case(&expected_audience) || (aud.starts_with(&ctx.origin) && aud.ends_with("/oauth2/v2.0/token"))
    });
    if !audience_ok {
        return refuse(700212, &format!("No matching federated identity record found for presented assertion audience '{}'.", assertion.claim_str("aud").unwrap_or_default()));
    }
    if assertion.claim_str("iss") != Some(app.client_id.as_str()) || assertion.claim_str("sub") != Some(app.client_id.as_str()) {
        return refuse(700021, "Client assertion application identifier doesn't match 'client_id' parameter.");
    }
    let (Some(nbf), Some(exp)) = (assertion.claim_i64("nbf"), assertion.claim_i64("exp")) else {
        return refuse(700024, "Client assertion is not within its valid time range.");
    };
    if nbf > now + SKEW || exp < now - SKEW || exp - nbf > 24 * 3600 {
        return refuse(700024, &format!("Client assertion is not within its valid time range. Current time: {now}, assertion valid from {nbf}, expiry time of assertion {exp}."));
    }
    Ok(())
}

fn refresh(ctx: &Ctx<'_>, client_id: &str, refresh_token: &str) -> Answer {
    let grant = ctx.state.identity.refresh_tokens.lock().remove(refresh_token);
    let Some(grant) = grant.filter(|g| g.client_id.eq_ignore_ascii_case(client_id)) else {
        return Answer::entra(StatusCode::BAD_REQUEST, "invalid_grant", 700082, "The refresh token has expired due to inactivity. The token was issued on a date before the emulator was reset, or it was already used.");
    };
    let Some(app) = ctx.state.identity.apps.get(client_id) else {
        return unknown_client(client_id, &grant.tenant);
    };
    let Some(user) = ctx.state.users.by_id(&grant.user_id) else {
        return Answer::entra(StatusCode::BAD_REQUEST, "invalid_grant", 50034, "The user account does not exist in the directory.");
    };
    delegated_answer(ctx, &app, &grant.tenant, &user, grant.scopes, true)
}

/// A user token plus, when asked for (`offline_access`), a fresh refresh token.
pub fn delegated_answer(ctx: &Ctx<'_>, app: &App, tenant: &str, user: &crate::users::User, scopes: Vec<String>, offline: bool) -> Answer {
    let (token, lifetime) = ctx.issue(app, tenant, Some((user, &scopes)));
    let mut body = json!({ "token_type": "Bearer", "scope": scopes.join(" "), "expires_in": lifetime, "ext_expires_in": lifetime, "access_token": token });
    if offline {
        let refresh_token = format!("emu-rt.{}", uuid::Uuid::new_v4().simple());
        ctx.state.identity.refresh_tokens.lock().insert(
            refresh_token.clone(),
            RefreshGrant { client_id: app.client_id.clone(), tenant: tenant.to_string(), user_id: user.id, scopes },
        );
        body["refresh_token"] = json!(refresh_token);
    }
    Answer::ok(body)
}
