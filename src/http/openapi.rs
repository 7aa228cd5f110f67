//! The OpenAPI 3.1 document of `/api/v1`, served at `GET /api/v1/openapi.json`. It is
//! generated from the handlers themselves: each carries a `#[utoipa::path]` naming its path,
//! parameters and answers, and the router mounts each handler at the path its attribute
//! names ([`super::router`]), so the document and the routes cannot disagree. The answers
//! every route may give (a time-out, a storage failure, a rate limit, a refused token) are
//! added here, in one place, by [`CommonAnswers`].

use super::error::ErrorBody;
use super::origin::MountPrefix;
use super::proofs::InclusionProof;
use super::schema::{LedgerEntrySchema, ReceiptSchema, Sha256Hex};
use axum::body::Body;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Extension;
use serde::Deserialize;
use std::sync::LazyLock;
use utoipa::openapi::path::{HttpMethod, Operation};
use utoipa::openapi::security::{
    ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme,
};
use utoipa::openapi::server::Server;
use utoipa::openapi::{ContentBuilder, OpenApi as Document, Ref, RefOr, ResponseBuilder};
use utoipa::{IntoParams, IntoResponses, Modify, OpenApi, ToSchema};

/// The document's fixed parts; [`super::router`] adds every route's path, then
/// [`CommonAnswers`].
#[derive(OpenApi)]
#[openapi(
    info(
        title = "fundtrail",
        description = "The API of a fundtrail ledger: a tamper-evident, publicly verifiable ledger of charity money. Reads are public; appends need a staff token (`Authorization: Bearer ft_…`). Amounts are decimal text in the campaign's currency; every error answer is `{\"error\", \"message\", \"field\"}`.",
        license(name = "Apache-2.0", identifier = "Apache-2.0"),
    ),
    servers((url = "/api/v1", description = "This server")),
    components(schemas(ErrorBody, Acknowledgement, CorrectionAcknowledgement)),
    tags(
        (name = "log", description = "The ledger: key, checkpoint, entries, totals"),
        (name = "proofs", description = "Merkle proofs (SPEC.md §5)"),
        (name = "campaigns", description = "Campaigns: read by anyone, opened and closed by admins"),
        (name = "donations", description = "Gifts received"),
        (name = "disbursements", description = "Money paid out"),
        (name = "transfers", description = "Money moved between campaigns"),
        (name = "reversals", description = "Corrections: the ledger is never edited"),
        (name = "budgets", description = "Budgets and their revisions, planned against paid per line"),
        (name = "pledges", description = "Money promised: pledges, their cancellations, what was received"),
        (name = "evidence", description = "Documents backing disbursements"),
        (name = "statements", description = "Bank statement import"),
        (name = "receipts", description = "Donation receipts (SPEC.md §12)"),
        (name = "donors", description = "Donors' personal data, off the ledger (admin)"),
        (name = "sessions", description = "The staff console's sign-in: a token traded for a session cookie"),
        (name = "tokens", description = "Staff tokens (admin)"),
        (name = "exports", description = "The bundle, CSV and IATI"),
        (name = "openapi", description = "This document"),
        (name = "updates", description = "Campaigns' narrative updates (SPEC.md §20.1)"),
        (name = "donor-statements", description = "A donor's gifts over a range of days, verifiable offline (SPEC.md §21)"),
        (name = "webhooks", description = "Outgoing webhooks for staff systems, signed with HMAC-SHA256 (admin, SPEC.md §20.3)"),
        (name = "feeds", description = "Atom feeds of the ledger and of each campaign (SPEC.md §20.2)"),
    )
)]
pub struct ApiDoc;

/// The `Idempotency-Key` header of every append: a retry with the same key and the same
/// request answers the first answer again (`replayed: true`) and appends nothing.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Header)]
#[allow(dead_code)] // Described, never built: `appends::idempotency_key` reads the header.
pub struct IdempotencyKey {
    /// 1 to 200 visible characters, e.g. a UUID made by the client for this request.
    #[serde(rename = "Idempotency-Key")]
    idempotency_key: Option<String>,
}

/// The answer to an append: the entry, its exact leaf, its inclusion proof and the
/// checkpoint it is in (SPEC.md §12). Written by `super::acknowledgement`.
#[derive(ToSchema)]
#[allow(dead_code)] // Described, never built: the answer is written from borrowed parts.
pub struct Acknowledgement {
    /// The checkpoint of the entry's batch.
    checkpoint: String,
    /// The entry.
    entry: LedgerEntrySchema,
    /// The exact leaf bytes, as text.
    leaf: String,
    /// SHA-256(0x00 || leaf).
    leaf_hash: Sha256Hex,
    /// Inclusion proof of the leaf in `checkpoint`.
    proof: InclusionProof,
    /// Only for a donation: its receipt, with the donor's salt when one was made.
    #[schema(required = false)]
    receipt: ReceiptSchema,
    /// Whether this answers a retry (the entry was appended by the first request).
    replayed: bool,
    /// The entry's position.
    seq: u64,
    /// Whether witnesses cosigned a checkpoint that includes the entry yet: for a fresh
    /// append `pending` (or `none` without a witness policy); ask
    /// `/proof/inclusion?index=<seq>` later for the cosigned checkpoint.
    witnesses: super::witnessed::WitnessesJson,
}

/// The answers of an append route besides those of every route.
#[derive(IntoResponses)]
#[allow(dead_code)] // Described, never built.
pub enum Appended {
    /// Recorded and durable.
    #[response(status = 201)]
    Created(Acknowledgement),
    /// A retry with the same `Idempotency-Key`: the first answer, `replayed: true`.
    #[response(status = 200)]
    Replayed(Acknowledgement),
    /// The body is not JSON, or `Idempotency-Key` is not 1 to 200 visible characters.
    #[response(status = 400)]
    BadRequest(ErrorBody),
    /// The ledger's rules refuse it: a closed campaign, too little money, a reversal of an
    /// entry already reversed, a reference already recorded. Nothing was recorded.
    #[response(status = 409)]
    Conflict(ErrorBody),
    /// The body is over 64 KiB.
    #[response(status = 413)]
    TooLarge(ErrorBody),
    /// The body is not sent as `application/json`.
    #[response(status = 415)]
    NotJson(ErrorBody),
    /// A field is missing, unknown or invalid (`field` names it). Nothing was recorded.
    #[response(status = 422)]
    Invalid(ErrorBody),
    /// The server's storage is full. Nothing was recorded.
    #[response(status = 507)]
    StorageFull(ErrorBody),
}

/// The answer to `POST /corrections`: both entries, each acknowledged as its own append
/// would be (the donation with its receipt).
#[derive(ToSchema)]
#[allow(dead_code)] // Described, never built: the answer is written from borrowed parts.
pub struct CorrectionAcknowledgement {
    /// The corrected donation.
    donation: Acknowledgement,
    /// The reversal of the donation it corrects.
    reversal: Acknowledgement,
}

/// The answers of `POST /corrections` besides those of every route.
#[derive(IntoResponses)]
#[allow(dead_code)] // Described, never built.
pub enum Corrected {
    /// Both entries are durable, at consecutive positions.
    #[response(status = 201)]
    Created(CorrectionAcknowledgement),
    /// A retry with the same `Idempotency-Key`: the first answer, `replayed: true` in each.
    #[response(status = 200)]
    Replayed(CorrectionAcknowledgement),
    /// The body is not JSON, or `Idempotency-Key` is not 1 to 200 visible characters.
    #[response(status = 400)]
    BadRequest(ErrorBody),
    /// The ledger's rules refuse one of the two (already reversed, a closed campaign, too
    /// little money, a reference already recorded). Nothing was recorded.
    #[response(status = 409)]
    Conflict(ErrorBody),
    /// The body is over 64 KiB.
    #[response(status = 413)]
    TooLarge(ErrorBody),
    /// The body is not sent as `application/json`.
    #[response(status = 415)]
    NotJson(ErrorBody),
    /// A field is missing, unknown or invalid (`field` names it, `donation.amount` for the
    /// donation's), or `reverses` is not a donation. Nothing was recorded.
    #[response(status = 422)]
    Invalid(ErrorBody),
    /// The server's storage is full. Nothing was recorded.
    #[response(status = 507)]
    StorageFull(ErrorBody),
}

/// Adds what every route may answer to each operation of the document: 408 (over the time
/// limit, no body), 500 and 503 (with `Retry-After`); 429 to reads (the per-address read
/// limit); 401 and 429 to staff routes (a missing or unknown token, too many failed
/// authentications), and 403 `csrf` to staff routes that change something. Also declares
/// the security schemes staff routes accept: `bearer`, and the staff console's `session`
/// cookie, which every route that takes a bearer token takes too.
pub struct CommonAnswers;

/// The session cookie's security scheme.
const SESSION_SCHEME: &str = "session";

/// Whether `operation` names the `bearer` scheme among its security requirements.
fn takes_bearer(operation: &Operation) -> bool {
    operation.security.iter().flatten().any(|requirement| {
        serde_json::to_value(requirement)
            .ok()
            .is_some_and(|v| v.get("bearer").is_some())
    })
}

impl Modify for CommonAnswers {
    fn modify(&self, doc: &mut Document) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "A staff token, `ft_` and 43 characters, from `fundtrail token create`",
                    ))
                    .build(),
            ),
        );
        components.add_security_scheme(
            SESSION_SCHEME,
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                crate::auth::session::SESSION_COOKIE,
                "The staff console's session, from `POST /session`. A request that changes something (any method but GET and HEAD) must also send the session's `csrf` value as `X-CSRF-Token` and come from this server's own pages (`Origin` or `Sec-Fetch-Site: same-origin`), else 403 `csrf`.",
            ))),
        );
        for item in doc.paths.paths.values_mut() {
            for method in [HttpMethod::Get, HttpMethod::Post, HttpMethod::Delete] {
                let operation = match method {
                    HttpMethod::Get => item.get.as_mut(),
                    HttpMethod::Post => item.post.as_mut(),
                    _ => item.delete.as_mut(),
                };
                if let Some(operation) = operation {
                    if takes_bearer(operation) {
                        accept_the_session_cookie(operation, method != HttpMethod::Get);
                    }
                    add_common_answers(operation, method == HttpMethod::Get);
                }
            }
        }
    }
}

/// Lets `operation`, which takes a bearer token, take the session cookie instead; one that
/// `changes` something may then answer 403 `csrf`.
fn accept_the_session_cookie(operation: &mut Operation, changes: bool) {
    operation
        .security
        .get_or_insert_with(Vec::new)
        .push(SecurityRequirement::new(
            SESSION_SCHEME,
            Vec::<String>::new(),
        ));
    if changes {
        let csrf = "a session-cookie request without the session's `X-CSRF-Token`, or from another site's page (`csrf`)";
        let responses = &mut operation.responses.responses;
        match responses.get_mut("403") {
            Some(RefOr::T(answer)) => {
                answer.description =
                    format!("{}; or {csrf}", answer.description.trim_end_matches('.'));
            }
            Some(RefOr::Ref(_)) => {}
            None => {
                let described = format!("{}{}", csrf[..1].to_uppercase(), &csrf[1..]);
                responses.insert("403".to_string(), error_answer(&described).into());
            }
        }
    }
}

/// Adds the answers every route may give to `operation` (a read when `read`), keeping any
/// the route documents itself.
fn add_common_answers(operation: &mut Operation, read: bool) {
    let staff = operation.security.as_ref().is_some_and(|s| !s.is_empty());
    let mut common = vec![
        ("500", "An internal error; see the server log"),
        (
            "503",
            "Storage unavailable or read-only, the ledger's audit failed, or this process does not sequence appends; retry after `Retry-After` seconds",
        ),
    ];
    if read {
        common.push((
            "429",
            "Too many requests from this address; retry after `Retry-After` seconds",
        ));
    }
    if staff {
        common.push(("401", "No valid staff token or live session"));
        common.push((
            "429",
            "Too many failed authentications from this address (or, for reads, too many requests); retry after `Retry-After` seconds",
        ));
    }
    let responses = &mut operation.responses.responses;
    for (status, description) in common {
        responses
            .entry(status.to_string())
            .or_insert_with(|| error_answer(description).into());
    }
    responses.entry("408".to_string()).or_insert_with(|| {
        ResponseBuilder::new()
            .description("The request took longer than its time limit (no body)")
            .build()
            .into()
    });
}

/// An answer with the error body, described as `description`.
fn error_answer(description: &str) -> utoipa::openapi::Response {
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/json",
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("ErrorBody")))
                .build(),
        )
        .build()
}

/// The document as built from the router's routes, once, then kept.
static BUILT: LazyLock<Document> = LazyLock::new(super::router::api_document);

/// The document as served at the root (`servers: [/api/v1]`): written once, then kept.
static DOCUMENT: LazyLock<String> = LazyLock::new(|| written(&BUILT));

/// `doc` as JSON text (`{}` if it cannot be written, which is logged).
fn written(doc: &Document) -> String {
    serde_json::to_string(doc).unwrap_or_else(|e| {
        tracing::error!(error = %e, "writing the OpenAPI document failed");
        String::from("{}")
    })
}

/// The document for a ledger a platform serves under `prefix` (`/o/<slug>`, `/registry`):
/// the same routes, with `servers: [<prefix>/api/v1]`, so a tool reading it calls that
/// ledger and not the one served at the root.
fn document_under(prefix: &str) -> String {
    let mut doc = BUILT.clone();
    let mut server = Server::new(format!("{prefix}/api/v1"));
    server.description = Some(format!("This ledger, served under {prefix} on this server"));
    doc.servers = Some(vec![server]);
    written(&doc)
}

/// This document: every route of `/api/v1`, its parameters, bodies and answers. Its
/// `servers` names where this ledger's API is: `/api/v1`, or `<prefix>/api/v1` when a
/// platform serves the ledger under a prefix ([`MountPrefix`]).
#[utoipa::path(
    get, path = "/openapi.json", tag = "openapi",
    responses((status = 200, description = "The OpenAPI 3.1 document of /api/v1", body = Object, content_type = "application/json"))
)]
pub async fn document(prefix: Option<Extension<MountPrefix>>) -> Response {
    let body = match prefix {
        Some(Extension(MountPrefix(prefix))) if !prefix.is_empty() => {
            Body::from(document_under(&prefix))
        }
        _ => Body::from(DOCUMENT.as_str()),
    };
    ([(header::CONTENT_TYPE, "application/json")], body).into_response()
}
