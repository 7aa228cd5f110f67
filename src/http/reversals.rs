//! `POST /reversals`: a recorder undoes an earlier donation, disbursement or transfer. The
//! ledger is never edited: a reversal is a new entry naming the one it cancels.

use super::appends::{append, ensure_leading};
use super::auth::{Recorder, Staff};
use super::error::ApiError;
use super::schema::ReversalReasonSchema;
use super::{ApiJson, AppState};
use crate::ledger::entry::{Body, Reversal, ReversalReason};
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Deserialize;
use utoipa::ToSchema;

/// Body of `POST /reversals`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Reverse {
    /// The position of the entry to reverse.
    reverses: u64,
    /// Why.
    #[schema(value_type = ReversalReasonSchema)]
    reason: ReversalReason,
    /// More words on why.
    note: Option<String>,
}

/// Records a reversal (recorder).
#[utoipa::path(
    post, path = "/reversals", tag = "reversals",
    request_body = Reverse,
    params(super::openapi::IdempotencyKey),
    security(("bearer" = [])),
    responses(super::openapi::Appended)
)]
pub async fn reverse(
    State(s): State<AppState>,
    staff: Staff<Recorder>,
    headers: HeaderMap,
    ApiJson(r): ApiJson<Reverse>,
) -> Result<Response, ApiError> {
    ensure_leading(&s)?;
    let body = Body::Reversal(Reversal {
        note: r.note,
        reason: r.reason,
        reverses: r.reverses,
    });
    append(&s, &staff, &headers, body).await
}
