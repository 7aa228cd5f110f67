//! The platform API's OpenAPI document (served at `GET /api/v1/platform/openapi.json`) and
//! the shapes of its bodies and answers. Like the ledger's document ([`crate::http::openapi`])
//! it is generated from the handlers' `#[utoipa::path]` attributes and the router mounts each
//! handler at the path its attribute names, so the two cannot disagree; the answers every
//! route may give are added by the same [`crate::http::openapi::CommonAnswers`].

use crate::http::error::ErrorBody;
use crate::http::schema::{AccountSchema, Sha256Hex};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use std::sync::OnceLock;
use utoipa::{IntoResponses, OpenApi, ToSchema};

/// The platform document's fixed parts; `super::api::routes` adds every route.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "fundtrail platform",
        description = "The API of a fundtrail platform: many ledgers on one server (SPEC.md §24). This document covers `/api/v1/platform/...`: the platform's facts, its organisations, the platform administrators' changes (each one registry entry; a registry admin token), the account check and the index of open campaigns. Each organisation's ledger answers the single-ledger API under `/o/{slug}/api/v1/...` (its document at `/o/{slug}/api/v1/openapi.json`; an unregistered slug answers 404 `unknown_organisation`). The registry's ledger answers the same API under `/registry/api/v1/...` for reading and verifying; any change there other than its own tokens and console sessions answers 405 `registry_read_only`. Every error answer is `{\"error\", \"message\", \"field\"}`.",
        license(name = "Apache-2.0", identifier = "Apache-2.0"),
    ),
    servers((url = "/api/v1", description = "This server")),
    components(schemas(ErrorBody, ChangedAnswer, OrgStatusSchema)),
    tags(
        (name = "platform", description = "The platform and its organisations"),
        (name = "platform-admin", description = "Platform administrators' changes: each is one registry entry (SPEC.md §22)"),
        (name = "account-check", description = "Is this bank account registered here, and for whom?"),
        (name = "campaign-index", description = "Open campaigns across organisations"),
        (name = "openapi", description = "This document"),
    )
)]
pub(super) struct PlatformDoc;

/// The document as served: built from the platform router's routes once, then kept.
static DOCUMENT: OnceLock<String> = OnceLock::new();

/// Keeps `doc` (with the common answers) as the document served; the first one kept wins
/// (every platform router builds the same one).
pub(super) fn keep(mut doc: utoipa::openapi::OpenApi) {
    use utoipa::Modify as _;
    DOCUMENT.get_or_init(|| {
        crate::http::openapi::CommonAnswers.modify(&mut doc);
        serde_json::to_string(&doc).unwrap_or_else(|e| {
            tracing::error!(error = %e, "writing the platform's OpenAPI document failed");
            String::from("{}")
        })
    });
}

/// This document: every route of `/api/v1/platform`, its parameters, bodies and answers.
#[utoipa::path(
    get, path = "/platform/openapi.json", tag = "openapi",
    responses((status = 200, description = "The OpenAPI 3.1 document of /api/v1/platform", body = Object, content_type = "application/json"))
)]
pub(super) async fn document() -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        DOCUMENT.get().map_or("{}", String::as_str).to_string(),
    )
        .into_response()
}

/// What kind of organisation it is (`ledger::registry::OrgKind`).
#[derive(ToSchema)]
#[schema(as = OrgKind)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code)] // Described, never built.
pub enum OrgKindSchema {
    /// A registered association or foundation.
    Ngo,
    /// A person raising money in their own name.
    Individual,
    /// A commune's or district's relief committee.
    LocalAuthority,
}

/// Where an organisation stands (`ledger::registry::OrgStatus`).
#[derive(ToSchema)]
#[schema(as = OrgStatus)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code)] // Described, never built.
pub enum OrgStatusSchema {
    /// It may append.
    Active,
    /// It appends nothing until resumed; its history stays readable.
    Suspended,
    /// Closed for good; its history stays readable.
    Closed,
}

/// What the platform checked about an organisation (`ledger::registry::OrgChecks`).
#[derive(ToSchema)]
#[schema(as = OrgChecks)]
#[allow(dead_code)] // Described, never built.
pub struct OrgChecksSchema {
    /// SHA-256 of a document the platform saw.
    #[schema(required = false)]
    document_sha256: Option<Sha256Hex>,
    /// What was checked, in words.
    #[schema(required = false)]
    note: Option<String>,
    /// The organisation's official registration number.
    #[schema(required = false)]
    registration_number: Option<String>,
}

/// `GET /platform`: the platform's facts.
#[derive(ToSchema)]
#[allow(dead_code)] // Described, never built: the answer is written with `json!`.
pub struct PlatformInfo {
    /// The platform's name.
    name: String,
    /// The registry's checkpoint origin.
    origin: String,
    /// The registry's verifier key.
    verifier_key: String,
    /// Where the registry's ledger is served (`/registry/`).
    registry: String,
}

/// An organisation as the registry knows it.
#[derive(ToSchema)]
#[allow(dead_code)] // Described, never built.
pub struct OrgSummary {
    /// Its slug (its path `/o/{slug}/`).
    slug: String,
    /// Its name.
    name: String,
    /// What kind of organisation it is.
    kind: OrgKindSchema,
    /// Its ledger's checkpoint origin.
    origin: String,
    /// Its ledger's verifier key in force.
    verifier_key: String,
    /// Its standing.
    status: OrgStatusSchema,
    /// Its official receiving accounts.
    accounts: Vec<AccountSchema>,
    /// Its page.
    url: String,
    /// The seq of its `org.register` in the registry.
    registered_seq: u64,
}

/// `GET /platform/orgs`.
#[derive(ToSchema)]
#[allow(dead_code)] // Described, never built.
pub struct OrgList {
    /// Every organisation the registry names, closed ones included.
    orgs: Vec<OrgSummary>,
}

/// `POST /platform/orgs` answered: the new organisation, with its first admin token.
#[derive(ToSchema)]
#[allow(dead_code)] // Described, never built.
pub struct CreatedOrgAnswer {
    /// Its slug.
    slug: String,
    /// Its ledger's checkpoint origin.
    origin: String,
    /// Its ledger's verifier key.
    verifier_key: String,
    /// Its first admin token, shown once.
    admin_token: String,
    /// The seq of its `org.register` in the registry.
    registry_seq: u64,
}

/// A change to an organisation, recorded.
#[derive(ToSchema)]
#[allow(dead_code)] // Described, never built.
pub struct ChangedAnswer {
    /// The registry entry's seq.
    registry_seq: u64,
    /// The organisation.
    slug: String,
    /// Its standing after the change.
    status: OrgStatusSchema,
}

/// `POST /platform/orgs/{slug}/rotate-key` answered.
#[derive(ToSchema)]
#[allow(dead_code)] // Described, never built.
pub struct RotatedAnswer {
    /// The registry's `org.key` entry.
    registry_seq: u64,
    /// The organisation.
    slug: String,
    /// The key in force from now on.
    verifier_key: String,
    /// The key it replaced.
    previous_key: String,
    /// The organisation ledger's `key.rotate` entry.
    ledger_seq: u64,
}

/// An open campaign in the index.
#[derive(ToSchema)]
#[allow(dead_code)] // Described, never built.
pub struct IndexedCampaign {
    /// Its organisation's slug.
    org: String,
    /// Its organisation's name.
    org_name: String,
    /// The campaign's id in its ledger.
    id: String,
    /// Its title.
    title: String,
    /// Its purpose.
    purpose: String,
    /// Its currency code.
    currency: String,
    /// Whether it takes money now.
    open: bool,
    /// Its page.
    url: String,
}

/// `GET /platform/campaigns`.
#[derive(ToSchema)]
#[allow(dead_code)] // Described, never built.
pub struct CampaignIndex {
    /// The open campaigns found, organisation by organisation.
    campaigns: Vec<IndexedCampaign>,
}

/// The organisation an account check found.
#[derive(ToSchema)]
#[allow(dead_code)] // Described, never built.
pub struct CheckedOrg {
    /// Its slug.
    slug: String,
    /// Its name.
    name: String,
    /// Its standing (a suspended organisation's accounts are still answered).
    status: OrgStatusSchema,
    /// Its page.
    url: String,
}

/// A campaign naming the checked account.
#[derive(ToSchema)]
#[allow(dead_code)] // Described, never built.
pub struct CheckedCampaign {
    /// Its id.
    id: String,
    /// Its title.
    title: String,
    /// Whether it takes money now.
    open: bool,
    /// Its page.
    url: String,
}

/// The registry entry listing the account, with its inclusion proof.
#[derive(ToSchema)]
#[allow(dead_code)] // Described, never built.
pub struct RegistryProofSchema {
    /// The entry's seq.
    seq: u64,
    /// The entry's exact leaf, as text.
    leaf: String,
    /// Its audit path to `root`.
    proof: Vec<Sha256Hex>,
    /// The checkpoint's tree size.
    size: u64,
    /// The checkpoint's root.
    root: Sha256Hex,
    /// The registry's signed checkpoint.
    checkpoint: String,
}

/// `GET /platform/check-account` answered: `registered: false` alone when no organisation
/// (not closed) lists the account.
#[derive(ToSchema)]
#[allow(dead_code)] // Described, never built.
pub struct AccountCheckAnswer {
    /// Whether an organisation lists the account.
    registered: bool,
    /// The organisation (only when registered).
    #[schema(required = false)]
    org: CheckedOrg,
    /// Its campaigns naming the account (only when registered).
    #[schema(required = false)]
    campaigns: Vec<CheckedCampaign>,
    /// The registry entry listing it, proved (only when registered).
    #[schema(required = false)]
    registry: RegistryProofSchema,
}

/// The answers of a platform administrator's change besides those of every route.
#[derive(IntoResponses)]
#[allow(dead_code)] // Described, never built.
pub enum Changed {
    /// Recorded in the registry.
    #[response(status = 200)]
    Done(ChangedAnswer),
    /// The body is not JSON.
    #[response(status = 400)]
    BadRequest(ErrorBody),
    /// The token is not a platform administrator's (a registry admin token).
    #[response(status = 403)]
    Forbidden(ErrorBody),
    /// No such organisation (`unknown_organisation`).
    #[response(status = 404)]
    UnknownOrg(ErrorBody),
    /// The registry's rules refuse it (a closed organisation, an account another
    /// organisation lists, nothing to resume). Nothing was recorded.
    #[response(status = 409)]
    Conflict(ErrorBody),
    /// The body is too large.
    #[response(status = 413)]
    TooLarge(ErrorBody),
    /// The body is not sent as `application/json`.
    #[response(status = 415)]
    NotJson(ErrorBody),
    /// A field is missing, unknown or invalid (`field` names it). Nothing was recorded.
    #[response(status = 422)]
    Invalid(ErrorBody),
}
