//! Managed identity endpoints, as an Azure VM (IMDS) and App Service / Functions expose them.
//! An app registered with `"managedIdentity": "system"` answers requests without a client id;
//! `"user"` answers requests for its client id.

use chrono::Utc;
use hyper::StatusCode;
use serde_json::json;

use super::apps::IDENTITY_HEADER;
use super::signins::SignIn;
use super::{Answer, Ctx};
use crate::graph::header;
use crate::timefmt::received_at;

/// `GET /metadata/identity/oauth2/token?api-version=2018-02-01&resource=…[&client_id=…]`, `Metadata: true`.
pub fn imds(ctx: &Ctx<'_>) -> Answer {
    let answer = if header(ctx.headers, "metadata").is_none_or(|v| !v.eq_ignore_ascii_case("true")) {
        Answer::json(StatusCode::BAD_REQUEST, json!({"error": "invalid_request", "error_description": "Required metadata header not specified"}))
    } else {
        issue(ctx, Flavor::Imds)
    };
    log(ctx, "imds", &answer);
    answer
}

/// `GET /msi/token?api-version=2019-08-01&resource=…[&client_id=…]`, `X-IDENTITY-HEADER`.
pub fn app_service(ctx: &Ctx<'_>) -> Answer {
    let answer = if header(ctx.headers, "x-identity-header") != Some(IDENTITY_HEADER) {
        Answer::json(StatusCode::UNAUTHORIZED, json!({"statusCode": 401, "message": "Unauthorized: the X-IDENTITY-HEADER is missing or wrong."}))
    } else {
        issue(ctx, Flavor::AppService)
    };
    log(ctx, "appService", &answer);
    answer
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Flavor {
    Imds,
    AppService,
}

fn issue(ctx: &Ctx<'_>, flavor: Flavor) -> Answer {
    let bad = |message: &str| match flavor {
        Flavor::Imds => Answer::json(StatusCode::BAD_REQUEST, json!({"error": "invalid_request", "error_description": message})),
        Flavor::AppService => Answer::json(StatusCode::BAD_REQUEST, json!({"statusCode": 400, "message": message})),
    };
    if ctx.query_param("api-version").is_none() {
        return bad("Required query variable 'api-version' is missing");
    }
    let Some(resource) = ctx.query_param("resource") else {
        return bad("Required query variable 'resource' is missing");
    };
    if !ctx.is_own_resource(&resource) {
        return bad(&format!("AADSTS500011: The resource principal named {resource} was not found in the tenant."));
    }
    let client_id = ctx.query_param("client_id");
    let Some(app) = ctx.state.identity.apps.managed_identity(client_id.as_deref()) else {
        return match flavor {
            Flavor::Imds => bad("Identity not found"),
            Flavor::AppService => bad("No MSI found for specified ClientId/ResourceId."),
        };
    };
    let (token, lifetime) = ctx.issue(&app, &app.tenant_id.clone(), None);
    let now = Utc::now().timestamp();
    let expires_on = (now + lifetime as i64).to_string();
    match flavor {
        Flavor::Imds => Answer::ok(json!({
            "access_token": token,
            "client_id": app.client_id,
            "expires_in": lifetime.to_string(),
            "expires_on": expires_on,
            "ext_expires_in": lifetime.to_string(),
            "not_before": now.to_string(),
            "resource": resource,
            "token_type": "Bearer",
        })),
        Flavor::AppService => Answer::ok(json!({
            "access_token": token,
            "expires_on": expires_on,
            "resource": resource,
            "token_type": "Bearer",
            "client_id": app.client_id,
        })),
    }
}

fn log(ctx: &Ctx<'_>, endpoint: &'static str, answer: &Answer) {
    let (error, aadsts) = answer.error_summary();
    ctx.state.identity.signins.push(SignIn {
        received_at: received_at(),
        endpoint,
        tenant: None,
        grant_type: None,
        client_id: ctx.query_param("client_id"),
        credential: "managedIdentity",
        scope: ctx.query_param("resource"),
        status: answer.status(),
        error,
        aadsts,
    });
}
