//! The platform API under `/api/v1/platform` (SPEC.md §24.3): the platform's facts, its
//! organisations, the platform administrators' changes (each one registry entry, with the
//! registry's admin tokens), the account check and the index of open campaigns.

use crate::http::auth::{Admin, Staff};
use crate::http::error::ApiError;
use crate::http::{ApiJson, ApiQuery};
use crate::ledger::entry::Account;
use crate::ledger::registry::{OrgChecks, OrgKind};
use crate::platform::admin::NewOrg;
use crate::platform::lookup::{AccountCheck, OrgCampaign};
use crate::platform::Platform;
use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};
use std::sync::Arc;

type Shared = State<Arc<Platform>>;

/// The platform API's routes.
pub(super) fn routes() -> Router<Arc<Platform>> {
    Router::new()
        .route("/api/v1/platform", get(info))
        .route("/api/v1/platform/orgs", get(orgs).post(create))
        .route("/api/v1/platform/orgs/{slug}/accounts", post(accounts))
        .route("/api/v1/platform/orgs/{slug}/suspend", post(suspend))
        .route("/api/v1/platform/orgs/{slug}/resume", post(resume))
        .route("/api/v1/platform/orgs/{slug}/close", post(close))
        .route("/api/v1/platform/check-account", get(check_account))
        .route("/api/v1/platform/campaigns", get(campaigns))
        // An API client always gets the JSON error body, never the page's plain 404.
        .route(
            "/api/{*rest}",
            axum::routing::any(|| async { ApiError::not_found("no such API route") }),
        )
}

/// A platform administrator: a staff token of the registry with the admin role.
struct PlatformAdmin(Staff<Admin>);

impl PlatformAdmin {
    fn recorded_by(&self) -> String {
        self.0.token.recorded_by()
    }
}

impl FromRequestParts<Arc<Platform>> for PlatformAdmin {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        platform: &Arc<Platform>,
    ) -> Result<Self, Self::Rejection> {
        Staff::<Admin>::from_request_parts(parts, &platform.registry().state)
            .await
            .map(PlatformAdmin)
    }
}

/// `GET /api/v1/platform`
async fn info(State(p): Shared) -> Json<Value> {
    let site = &p.registry().state.site;
    Json(json!({
        "name": p.config().name,
        "origin": site.origin,
        "verifier_key": site.verifier_key,
        "registry": "/registry/",
    }))
}

/// `GET /api/v1/platform/orgs`
async fn orgs(State(p): Shared) -> Json<Value> {
    let orgs: Vec<Value> = p.with_book(|b| {
        b.orgs()
            .iter()
            .map(|o| {
                json!({
                    "slug": o.slug,
                    "name": o.name,
                    "kind": o.kind.as_str(),
                    "origin": o.origin,
                    "verifier_key": o.verifier_key,
                    "status": o.status.as_str(),
                    "accounts": o.accounts,
                    "url": format!("/o/{}/", o.slug),
                    "registered_seq": o.registered_seq,
                })
            })
            .collect()
    });
    Json(json!({ "orgs": orgs }))
}

/// The body of `POST /api/v1/platform/orgs`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CreateOrg {
    slug: String,
    name: String,
    kind: OrgKind,
    #[serde(default)]
    accounts: Vec<Account>,
    #[serde(default)]
    checks: OrgChecks,
    #[serde(default)]
    origin: Option<String>,
}

/// `POST /api/v1/platform/orgs`: 201 with the new organisation's first admin token.
async fn create(
    State(p): Shared,
    admin: PlatformAdmin,
    ApiJson(body): ApiJson<CreateOrg>,
) -> Result<Response, ApiError> {
    let new = NewOrg {
        slug: body.slug,
        name: body.name,
        kind: body.kind,
        accounts: body.accounts,
        checks: body.checks,
        origin: body.origin,
    };
    let created = p.create_org(new, &admin.recorded_by()).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({
            "slug": created.slug,
            "origin": created.origin,
            "verifier_key": created.verifier_key,
            "admin_token": created.admin_token,
            "registry_seq": created.registry_seq,
        })),
    )
        .into_response())
}

/// The answer of a change to organisation `slug`: the registry entry's seq and the
/// organisation's status after it.
fn changed(p: &Platform, slug: &str, seq: u64) -> Json<Value> {
    let status = p.with_book(|b| b.org(slug).map(|o| o.status.as_str()));
    Json(json!({ "registry_seq": seq, "slug": slug, "status": status }))
}

/// The body of `POST /api/v1/platform/orgs/{slug}/accounts`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SetAccounts {
    accounts: Vec<Account>,
    #[serde(default)]
    note: Option<String>,
}

/// `POST /api/v1/platform/orgs/{slug}/accounts`
async fn accounts(
    State(p): Shared,
    admin: PlatformAdmin,
    Path(slug): Path<String>,
    ApiJson(body): ApiJson<SetAccounts>,
) -> Result<Json<Value>, ApiError> {
    let seq = p
        .set_accounts(&slug, body.accounts, body.note, &admin.recorded_by())
        .await?;
    Ok(changed(&p, &slug, seq))
}

/// The body of `/suspend` and `/close`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Reason {
    reason: String,
}

/// The body of `/resume`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Note {
    #[serde(default)]
    note: Option<String>,
}

/// `POST /api/v1/platform/orgs/{slug}/suspend`
async fn suspend(
    State(p): Shared,
    admin: PlatformAdmin,
    Path(slug): Path<String>,
    ApiJson(body): ApiJson<Reason>,
) -> Result<Json<Value>, ApiError> {
    let seq = p.suspend(&slug, body.reason, &admin.recorded_by()).await?;
    Ok(changed(&p, &slug, seq))
}

/// `POST /api/v1/platform/orgs/{slug}/resume`
async fn resume(
    State(p): Shared,
    admin: PlatformAdmin,
    Path(slug): Path<String>,
    ApiJson(body): ApiJson<Note>,
) -> Result<Json<Value>, ApiError> {
    let seq = p.resume(&slug, body.note, &admin.recorded_by()).await?;
    Ok(changed(&p, &slug, seq))
}

/// `POST /api/v1/platform/orgs/{slug}/close`
async fn close(
    State(p): Shared,
    admin: PlatformAdmin,
    Path(slug): Path<String>,
    ApiJson(body): ApiJson<Reason>,
) -> Result<Json<Value>, ApiError> {
    let seq = p
        .close_org(&slug, body.reason, &admin.recorded_by())
        .await?;
    Ok(changed(&p, &slug, seq))
}

/// The query of the account check.
#[derive(Debug, Deserialize)]
struct AccountQuery {
    #[serde(default)]
    number: Option<String>,
    #[serde(default)]
    bank: Option<String>,
}

/// A campaign of an organisation, as the account check and the index list it.
fn campaign_json(c: &OrgCampaign) -> Value {
    json!({
        "org": c.org,
        "org_name": c.org_name,
        "id": c.open.id,
        "title": c.open.title,
        "purpose": c.open.purpose,
        "currency": c.open.currency.code(),
        "open": c.is_open,
        "url": format!("/o/{}/#/campaign/{}", c.org, c.open.id),
    })
}

/// `GET /api/v1/platform/check-account?number=...&bank=...`: 200 either way.
async fn check_account(
    State(p): Shared,
    ApiQuery(q): ApiQuery<AccountQuery>,
) -> Result<Json<Value>, ApiError> {
    let number = q
        .number
        .as_deref()
        .map(str::trim)
        .filter(|n| n.chars().any(char::is_alphanumeric))
        .ok_or_else(|| {
            ApiError::bad_query("number", "number: give the bank account number to check")
        })?;
    Ok(Json(
        match p.check_account(number, q.bank.as_deref()).await? {
            AccountCheck::NotRegistered => json!({ "registered": false }),
            AccountCheck::Registered {
                slug,
                name,
                status,
                campaigns,
                registry,
            } => json!({
                "registered": true,
                "org": { "slug": slug, "name": name, "status": status.as_str(), "url": format!("/o/{slug}/") },
                "campaigns": campaigns.iter().map(|c| {
                    json!({ "id": c.open.id, "title": c.open.title, "open": c.is_open, "url": format!("/o/{}/#/campaign/{}", c.org, c.open.id) })
                }).collect::<Vec<_>>(),
                "registry": {
                    "seq": registry.seq,
                    "leaf": String::from_utf8_lossy(&registry.leaf),
                    "proof": registry.proof.iter().map(|h| hex::encode(h.0)).collect::<Vec<_>>(),
                    "size": registry.size,
                    "root": hex::encode(registry.root.0),
                    "checkpoint": registry.checkpoint,
                },
            }),
        },
    ))
}

/// The query of the campaign index.
#[derive(Debug, Deserialize)]
struct CampaignQuery {
    #[serde(default)]
    q: Option<String>,
}

/// `GET /api/v1/platform/campaigns?q=...`
async fn campaigns(
    State(p): Shared,
    ApiQuery(q): ApiQuery<CampaignQuery>,
) -> Result<Json<Value>, ApiError> {
    let found = p.open_campaigns(q.q.as_deref().unwrap_or("")).await?;
    Ok(Json(
        json!({ "campaigns": found.iter().map(campaign_json).collect::<Vec<_>>() }),
    ))
}
