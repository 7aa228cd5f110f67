//! `POST /updates`: a recorder records a campaign's narrative update (SPEC.md §20.1): a
//! title, a short text and the files that show it (each already uploaded with
//! `POST /evidence`).

use super::appends::{append, ensure_leading, today};
use super::auth::{Recorder, Staff};
use super::error::ApiError;
use super::schema::EvidenceSchema;
use super::{ApiJson, AppState};
use crate::ledger::entry::{Body, Evidence, Update};
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Deserialize;
use utoipa::ToSchema;

/// Body of `POST /updates`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordUpdate {
    /// The campaign's id.
    campaign: String,
    /// A short headline (at most 200 characters).
    title: String,
    /// The update (at most 2000 characters, newlines allowed).
    text: String,
    /// The day it reports on, `YYYY-MM-DD` (default today, UTC).
    date: Option<String>,
    /// Photos and documents, as `POST /evidence` answered them.
    #[serde(default)]
    #[schema(value_type = Vec<EvidenceSchema>)]
    evidence: Vec<Evidence>,
}

/// Records a campaign's narrative update (recorder).
#[utoipa::path(
    post, path = "/updates", tag = "updates",
    request_body = RecordUpdate,
    params(super::openapi::IdempotencyKey),
    security(("bearer" = [])),
    responses(super::openapi::Appended)
)]
pub async fn record(
    State(s): State<AppState>,
    staff: Staff<Recorder>,
    headers: HeaderMap,
    ApiJson(r): ApiJson<RecordUpdate>,
) -> Result<Response, ApiError> {
    ensure_leading(&s)?;
    // Strict: every listed file must already be in the evidence store, as listed.
    s.evidence.check_listed(&r.evidence).await?;
    let body = Body::Update(Update {
        campaign: r.campaign,
        date: r.date.unwrap_or_else(today),
        evidence: r.evidence,
        text: r.text,
        title: r.title,
    });
    append(&s, &staff, &headers, body).await
}
