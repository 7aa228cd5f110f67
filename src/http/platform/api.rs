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
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};
use std::sync::Arc;
use utoipa::{IntoParams, OpenApi as _, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::schema::{
    AccountCheckAnswer, CampaignIndex, Changed, CreatedOrgAnswer, OrgChecksSchema, OrgKindSchema,
    OrgList, PlatformDoc, PlatformInfo, RotatedAnswer,
};
use crate::http::error::ErrorBody;
use crate::http::schema::AccountSchema;

type Shared = State<Arc<Platform>>;

/// Every route of the platform API, each at the path its `#[utoipa::path]` names (under
/// `/api/v1`), with the document they make.
fn api() -> OpenApiRouter<Arc<Platform>> {
    OpenApiRouter::with_openapi(PlatformDoc::openapi())
        .routes(routes!(info))
        .routes(routes!(orgs, create))
        .routes(routes!(accounts))
        .routes(routes!(suspend))
        .routes(routes!(resume))
        .routes(routes!(close))
        .routes(routes!(rotate_key))
        .routes(routes!(check_account))
        .routes(routes!(campaigns))
        .routes(routes!(super::schema::document))
}

/// The platform API's OpenAPI document, with the answers common to every route.
pub fn api_document() -> utoipa::openapi::OpenApi {
    use utoipa::Modify as _;
    let mut doc = api().into_openapi();
    crate::http::openapi::CommonAnswers.modify(&mut doc);
    doc
}

/// The platform API's routes.
pub(super) fn routes() -> Router<Arc<Platform>> {
    let (api, doc) = api().split_for_parts();
    super::schema::keep(doc);
    Router::new()
        .nest("/api/v1", api)
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

/// The platform's name and the registry's origin, key and address.
#[utoipa::path(get, path = "/platform", tag = "platform",
    responses((status = 200, description = "The platform's facts", body = PlatformInfo)))]
async fn info(State(p): Shared) -> Json<Value> {
    let site = &p.registry().state.site;
    Json(json!({
        "name": p.config().name,
        "origin": site.origin,
        "verifier_key": site.verifier_key,
        "registry": "/registry/",
    }))
}

/// Every organisation the registry names, with its standing, key and accounts.
#[utoipa::path(get, path = "/platform/orgs", tag = "platform",
    responses((status = 200, description = "The organisations", body = OrgList)))]
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
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct CreateOrg {
    /// Its path `/o/{slug}/`: 3 to 40 of a-z, 0-9 and `-`, starting with a letter.
    slug: String,
    /// Its name.
    name: String,
    /// What kind of organisation it is.
    #[schema(value_type = OrgKindSchema)]
    kind: OrgKind,
    /// Its official receiving accounts (0 to 20).
    #[serde(default)]
    #[schema(value_type = Vec<AccountSchema>)]
    accounts: Vec<Account>,
    /// What the platform checked.
    #[serde(default)]
    #[schema(value_type = OrgChecksSchema)]
    checks: OrgChecks,
    /// Its checkpoint origin (default `<platform host>/o/<slug>`).
    #[serde(default)]
    origin: Option<String>,
}

/// Creates an organisation: its ledger (key, database, first checkpoint, first admin
/// token), then its `org.register` in the registry. A refused creation leaves no trace.
#[utoipa::path(post, path = "/platform/orgs", tag = "platform-admin",
    request_body = CreateOrg,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Created and registered", body = CreatedOrgAnswer),
        (status = 400, description = "The body is not JSON", body = ErrorBody),
        (status = 403, description = "The token is not a platform administrator's (a registry admin token)", body = ErrorBody),
        (status = 409, description = "The registry's rules refuse it (a slug, origin or account already registered). Nothing was recorded", body = ErrorBody),
        (status = 413, description = "The body is too large", body = ErrorBody),
        (status = 415, description = "The body is not sent as `application/json`", body = ErrorBody),
        (status = 422, description = "A field is missing, unknown or invalid (`field` names it). Nothing was recorded", body = ErrorBody),
    ))]
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
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct SetAccounts {
    /// The organisation's official accounts from now on (they replace the ones before).
    #[schema(value_type = Vec<AccountSchema>)]
    accounts: Vec<Account>,
    /// Why, in words.
    #[serde(default)]
    note: Option<String>,
}

/// Replaces an organisation's official accounts (`org.accounts`).
#[utoipa::path(post, path = "/platform/orgs/{slug}/accounts", tag = "platform-admin",
    params(("slug" = String, Path, description = "The organisation")),
    request_body = SetAccounts, security(("bearer" = [])), responses(Changed))]
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
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct Reason {
    /// Why, in words (published in the registry).
    reason: String,
}

/// The body of `/resume`.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct Note {
    /// A note, in words (published in the registry).
    #[serde(default)]
    note: Option<String>,
}

/// Suspends an organisation (`org.suspend`): its appends are refused (423) until it is
/// resumed; its history stays readable.
#[utoipa::path(post, path = "/platform/orgs/{slug}/suspend", tag = "platform-admin",
    params(("slug" = String, Path, description = "The organisation")),
    request_body = Reason, security(("bearer" = [])), responses(Changed))]
async fn suspend(
    State(p): Shared,
    admin: PlatformAdmin,
    Path(slug): Path<String>,
    ApiJson(body): ApiJson<Reason>,
) -> Result<Json<Value>, ApiError> {
    let seq = p.suspend(&slug, body.reason, &admin.recorded_by()).await?;
    Ok(changed(&p, &slug, seq))
}

/// Resumes a suspended organisation (`org.resume`).
#[utoipa::path(post, path = "/platform/orgs/{slug}/resume", tag = "platform-admin",
    params(("slug" = String, Path, description = "The organisation")),
    request_body = Note, security(("bearer" = [])), responses(Changed))]
async fn resume(
    State(p): Shared,
    admin: PlatformAdmin,
    Path(slug): Path<String>,
    ApiJson(body): ApiJson<Note>,
) -> Result<Json<Value>, ApiError> {
    let seq = p.resume(&slug, body.note, &admin.recorded_by()).await?;
    Ok(changed(&p, &slug, seq))
}

/// Closes an organisation for good (`org.close`); its history stays public and its
/// accounts are released.
#[utoipa::path(post, path = "/platform/orgs/{slug}/close", tag = "platform-admin",
    params(("slug" = String, Path, description = "The organisation")),
    request_body = Reason, security(("bearer" = [])), responses(Changed))]
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

/// `POST /api/v1/platform/orgs/{slug}/rotate-key`: the organisation's ledger rotates to a
/// new key (its `key.rotate`, SPEC.md §23), then the registry records it (`org.key`).
#[utoipa::path(post, path = "/platform/orgs/{slug}/rotate-key", tag = "platform-admin",
    params(("slug" = String, Path, description = "The organisation")),
    request_body = Note, security(("bearer" = [])),
    responses(
        (status = 200, description = "Rotated in the ledger and recorded in the registry", body = RotatedAnswer),
        (status = 400, description = "The body is not JSON", body = ErrorBody),
        (status = 403, description = "The token is not a platform administrator's (a registry admin token)", body = ErrorBody),
        (status = 404, description = "No such organisation (`unknown_organisation`)", body = ErrorBody),
        (status = 409, description = "The registry's rules refuse it (a closed organisation)", body = ErrorBody),
        (status = 413, description = "The body is too large", body = ErrorBody),
        (status = 415, description = "The body is not sent as `application/json`", body = ErrorBody),
        (status = 422, description = "A field is invalid (`field` names it)", body = ErrorBody),
        (status = 423, description = "The organisation is suspended: its ledger appends nothing", body = ErrorBody),
    ))]
async fn rotate_key(
    State(p): Shared,
    admin: PlatformAdmin,
    Path(slug): Path<String>,
    ApiJson(body): ApiJson<Note>,
) -> Result<Json<Value>, ApiError> {
    p.ensure_live(&slug)?;
    let org = p
        .org(&slug)
        .await?
        .ok_or_else(|| crate::platform::PlatformError::UnknownOrg(slug.clone()))?;
    let recorded_by = admin.recorded_by();
    let rotated = crate::key_rotation::rotate_signing_key(
        &org.state,
        &p.dir().org(&slug),
        body.note.clone(),
        &recorded_by,
    )
    .await?;
    let seq = p
        .record_key(&slug, rotated.verifier_key.clone(), body.note, &recorded_by)
        .await?;
    Ok(Json(json!({
        "registry_seq": seq,
        "slug": slug,
        "verifier_key": rotated.verifier_key,
        "previous_key": rotated.previous_key,
        "ledger_seq": rotated.seq,
    })))
}

/// The query of the account check.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct AccountQuery {
    /// The bank account number to check (spaces, dots and dashes ignored). Required.
    #[serde(default)]
    number: Option<String>,
    /// The bank (any bank when absent).
    #[serde(default)]
    bank: Option<String>,
}

/// A campaign of an organisation, as the account check and the index list it.
fn campaign_json(c: &OrgCampaign) -> Value {
    json!({
        "org": c.org,
        "org_name": c.org_name,
        "id": c.open().id,
        "title": c.open().title,
        "purpose": c.open().purpose,
        "currency": c.open().currency.code(),
        "open": c.is_open,
        "url": format!("/o/{}/#/campaign/{}", c.org, c.open().id),
    })
}

/// Which organisation (not closed) lists a bank account, its campaigns naming it and the
/// registry entry listing it with its proof; or `registered: false`. 200 either way.
#[utoipa::path(get, path = "/platform/check-account", tag = "account-check",
    params(AccountQuery),
    responses(
        (status = 200, description = "The answer, registered or not", body = AccountCheckAnswer),
        (status = 400, description = "No account number given (`field`: `number`), or a query that cannot be read", body = ErrorBody),
    ))]
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
                    json!({ "id": c.open().id, "title": c.open().title, "open": c.is_open, "url": format!("/o/{}/#/campaign/{}", c.org, c.open().id) })
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
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct CampaignQuery {
    /// Words of a title, purpose or organisation name (case and Vietnamese accents
    /// ignored); every open campaign when absent.
    #[serde(default)]
    q: Option<String>,
}

/// The open campaigns of every active organisation matching `q`.
#[utoipa::path(get, path = "/platform/campaigns", tag = "campaign-index",
    params(CampaignQuery),
    responses(
        (status = 200, description = "The campaigns found", body = CampaignIndex),
        (status = 400, description = "A query that cannot be read", body = ErrorBody),
    ))]
async fn campaigns(
    State(p): Shared,
    ApiQuery(q): ApiQuery<CampaignQuery>,
) -> Result<Json<Value>, ApiError> {
    let found = p.open_campaigns(q.q.as_deref().unwrap_or("")).await?;
    Ok(Json(
        json!({ "campaigns": found.iter().map(campaign_json).collect::<Vec<_>>() }),
    ))
}
