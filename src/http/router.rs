//! Every route: the API under `/api/v1` (one line per route below, each handler mounted at
//! the path its `#[utoipa::path]` names, which also puts it in the OpenAPI document), the
//! page at `/`, and the layers every answer passes through (limits, time-outs, security
//! headers).

use super::error::ApiError;
use super::openapi::{ApiDoc, CommonAnswers};
use super::{
    approvals, budgets, campaigns, corrections, deadline, disbursements, donations,
    donor_statements, donors, evidence, exports, feeds, limits, log, openapi, pledges, proofs,
    proposals, receipt_status, receipts, reversals, search, sessions, statement_files,
    statement_lines, statements, tiles, tlog_proofs, tokens, transfers, updates, vietqr, web,
    webhooks, widget, AppState, CONTENT_SECURITY_POLICY, MAX_BODY_BYTES,
};
use axum::extract::DefaultBodyLimit;
use axum::http::{header, HeaderValue};
use axum::Router;
use tower_http::compression::CompressionLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouter};
use utoipa_axum::routes;

/// `route` answering gzip-compressed when the request accepts it (`Accept-Encoding`): the
/// routes whose answers are large and compress well (the bundle, exports, pages of
/// entries, search results). The compression streams: a chunk in, a compressed chunk out,
/// so an export still holds a page and a chunk, never the file. Evidence files and QR
/// codes are never compressed (already compressed formats, or tiny).
fn compressed(route: UtoipaMethodRouter<AppState>) -> UtoipaMethodRouter<AppState> {
    let (schemas, paths, method_router) = route;
    (schemas, paths, method_router.layer(CompressionLayer::new()))
}

/// The routes of `/api/v1`, with the document they make. `evidence_body_limit` is the
/// largest `POST /evidence` body: the only route whose body may exceed [`MAX_BODY_BYTES`]
/// besides `POST /statements`, which reads its body as it arrives and counts it against
/// `statements::MAX_STATEMENT_BYTES` itself.
fn api(evidence_body_limit: usize) -> OpenApiRouter<AppState> {
    let (schemas, paths, upload) = routes!(evidence::upload);
    let upload = upload.layer(DefaultBodyLimit::max(evidence_body_limit));
    let (file_schemas, file_paths, statement_file) = routes!(statement_files::record_file);
    let statement_file =
        statement_file.layer(DefaultBodyLimit::max(statements::MAX_STATEMENT_BYTES));
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(log::info))
        .routes(routes!(log::checkpoint))
        .routes(routes!(log::key))
        .routes(compressed(routes!(log::entries)))
        .routes(routes!(log::entry))
        .routes(compressed(routes!(log::totals)))
        .routes(compressed(routes!(search::search)))
        .routes(routes!(proofs::inclusion))
        .routes(routes!(proofs::consistency))
        .routes(routes!(campaigns::list, campaigns::open))
        .routes(routes!(campaigns::get))
        .routes(compressed(routes!(campaigns::entries)))
        .routes(routes!(campaigns::close))
        .routes(routes!(vietqr::codes))
        .routes(routes!(vietqr::qr_code))
        .routes(routes!(donations::donate))
        .routes(routes!(disbursements::disburse))
        .routes(routes!(transfers::transfer))
        .routes(routes!(reversals::reverse))
        .routes(routes!(budgets::record))
        .routes(routes!(budgets::status))
        .routes(routes!(pledges::record))
        .routes(routes!(pledges::cancel))
        .routes(routes!(pledges::status))
        .routes(routes!(corrections::correct))
        .routes(routes!(approvals::declare, approvals::list))
        .routes(routes!(proposals::propose, proposals::list))
        .routes(routes!(proposals::get))
        .routes(routes!(proposals::approve))
        .routes(routes!(proposals::reject))
        .routes((schemas, paths, upload))
        .routes(routes!(evidence::download))
        .routes(routes!(statements::import_statement))
        .routes(routes!(statement_lines::record))
        .routes((file_schemas, file_paths, statement_file))
        .routes(routes!(statement_lines::reconciliation))
        .routes(routes!(statement_lines::find_line))
        .routes(routes!(statement_lines::lines))
        .routes(routes!(receipts::receipt))
        .routes(routes!(receipts::qr_code))
        .routes(routes!(receipt_status::status))
        .routes(routes!(tlog_proofs::tlog_proof))
        .routes(routes!(
            sessions::sign_in,
            sessions::current,
            sessions::sign_out
        ))
        .routes(routes!(tokens::list, tokens::create))
        .routes(routes!(tokens::revoke))
        .routes(routes!(donors::get_donor, donors::erase_donor))
        .routes(compressed(routes!(exports::bundle)))
        .routes(compressed(routes!(exports::csv)))
        .routes(compressed(routes!(exports::iati)))
        .routes(routes!(openapi::document))
        .routes(routes!(updates::record))
        .routes(routes!(feeds::ledger))
        .routes(routes!(feeds::campaign))
        .routes(routes!(donor_statements::ask))
        .routes(routes!(webhooks::list, webhooks::create))
        .routes(routes!(webhooks::remove))
        .routes(routes!(webhooks::deliveries))
}

/// The OpenAPI document of `/api/v1`: every route [`router`] serves there, with the
/// answers common to all of them.
pub fn api_document() -> utoipa::openapi::OpenApi {
    let mut doc = api(0).into_openapi();
    CommonAnswers.modify(&mut doc);
    doc
}

/// The whole application: API routes, the page, limits and security headers.
pub fn router(state: AppState) -> Router {
    let read_limits = state.guard.limits;
    // The mirrors are checked to be CSP-safe URLs; the fixed policy stands if one is not.
    let content_security_policy = HeaderValue::from_str(
        &crate::tiles::mirrors::content_security_policy(&state.site.tiles_mirrors),
    )
    .unwrap_or(HeaderValue::from_static(CONTENT_SECURITY_POLICY));
    let evidence_limit = evidence::upload_body_limit(state.evidence.max_file_bytes);
    let (api, _) = api(evidence_limit).split_for_parts();
    // The page's catch-all would otherwise answer unknown API paths in plain text: an API
    // client always gets the JSON error body.
    let no_such_route = || async { ApiError::not_found("no such API route") };
    let api = api
        .route("/{*rest}", axum::routing::any(no_such_route))
        .fallback(no_such_route);
    Router::new()
        .nest("/api/v1", limits::limit_reads(api, state.guard.clone()))
        .merge(limits::limit_reads(tiles::routes(), state.guard.clone()))
        .merge(limits::limit_reads(widget::routes(), state.guard.clone()))
        .merge(web::routes())
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(axum::middleware::from_fn_with_state(
            read_limits.request_timeout,
            deadline::limit_time,
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            content_security_policy,
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}
