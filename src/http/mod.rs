//! The HTTP API under `/api/v1` and the public page at `/`. Thin: handlers parse, call the
//! sequencer or the store, and map errors in one place ([`error::ApiError`]).

mod acknowledgement;
pub mod auth;
pub mod client;
mod deadline;
mod donors;
pub mod error;
mod evidence;
mod exports;
pub mod json_body;
pub mod limits;
mod public;
mod receipts;
pub mod server;
mod staff;
mod statements;
mod web;

use crate::sequencer::SequencerHandle;
use crate::store::Store;
use axum::extract::{DefaultBodyLimit, FromRequestParts};
use axum::http::{header, HeaderValue};
use axum::routing::{get, post};
use axum::Router;
use error::ApiError;
use std::sync::Arc;
use std::time::Duration;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

/// The largest request body accepted (JSON appends are small).
pub const MAX_BODY_BYTES: usize = 64 * 1024;
/// Time limit for one request.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// What every handler can reach, behind one `Arc`: axum clones the state for every
/// request, and this makes that one counter instead of one per shared part.
#[derive(Clone)]
pub struct AppState(Arc<AppParts>);

impl AppState {
    /// The state made of `parts`.
    pub fn new(parts: AppParts) -> AppState {
        AppState(Arc::new(parts))
    }

    /// The parts, to change before serving (cloned first if the state is already shared).
    pub fn parts_mut(&mut self) -> &mut AppParts {
        Arc::make_mut(&mut self.0)
    }
}

impl std::ops::Deref for AppState {
    type Target = AppParts;

    fn deref(&self) -> &AppParts {
        &self.0
    }
}

/// The parts of [`AppState`].
#[derive(Clone)]
pub struct AppParts {
    /// Reads.
    pub store: Store,
    /// Appends and the published view.
    pub sequencer: SequencerHandle,
    /// Organisation and key facts.
    pub site: Arc<Site>,
    /// Rate limits and failed-authentication tracking.
    pub guard: Arc<limits::Guard>,
    /// Evidence files for disbursements.
    pub evidence: crate::evidence::EvidenceStore,
}

/// Facts about this deployment shown on the page.
#[derive(Debug, Clone)]
pub struct Site {
    /// The organisation's name.
    pub name: String,
    /// Checkpoint origin.
    pub origin: String,
    /// Verifier key.
    pub verifier_key: String,
    /// IATI organisation identifier, when configured (for `/export/iati`).
    pub iati_org_id: Option<String>,
}

pub use json_body::ApiJson;

/// Query extractor whose rejections are [`ApiError`]s.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ApiError))]
pub struct ApiQuery<T>(pub T);

/// Path extractor whose rejections are [`ApiError`]s.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(ApiError))]
pub struct ApiPath<T>(pub T);

/// The Content-Security-Policy of every response: same-origin only, no inline script.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

/// The whole application: API routes, the page, limits and security headers.
pub fn router(state: AppState) -> Router {
    let read_limits = state.guard.limits;
    let api = Router::new()
        .route("/info", get(public::info))
        .route("/checkpoint", get(public::checkpoint))
        .route("/key", get(public::key))
        .route("/entries", get(public::entries))
        .route("/entries/{seq}", get(public::entry))
        .route("/totals", get(public::totals))
        .route(
            "/campaigns",
            get(public::campaigns).post(staff::open_campaign),
        )
        .route("/campaigns/{id}", get(public::campaign))
        .route("/campaigns/{id}/entries", get(public::campaign_entries))
        .route("/campaigns/{id}/close", post(staff::close_campaign))
        .route("/proof/inclusion", get(public::inclusion))
        .route("/proof/consistency", get(public::consistency))
        .route("/search", get(public::search))
        .route("/export", get(public::export))
        .route("/export/csv", get(exports::csv))
        .route("/export/iati", get(exports::iati))
        .route("/donations", post(staff::donate))
        .route("/disbursements", post(staff::disburse))
        .route(
            "/evidence",
            // The only route whose body may exceed MAX_BODY_BYTES.
            post(evidence::upload).layer(DefaultBodyLimit::max(evidence::upload_body_limit(
                state.evidence.max_file_bytes,
            ))),
        )
        .route("/evidence/{sha256}", get(evidence::download))
        .route("/transfers", post(staff::transfer))
        .route("/reversals", post(staff::reverse))
        .route(
            "/statements",
            // A bank statement may exceed MAX_BODY_BYTES: the handler reads the body as
            // it arrives and counts it against MAX_STATEMENT_BYTES itself.
            post(statements::import_statement),
        )
        .route("/receipts/{key}", get(receipts::receipt))
        .route(
            "/donors/{seq}",
            get(donors::get_donor).delete(donors::erase_donor),
        )
        .fallback(|| async { ApiError::not_found("no such API route") });
    Router::new()
        .nest("/api/v1", limits::limit_reads(api, state.guard.clone()))
        .merge(web::routes())
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(axum::middleware::from_fn_with_state(
            read_limits.request_timeout,
            deadline::limit_time,
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CONTENT_SECURITY_POLICY),
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
