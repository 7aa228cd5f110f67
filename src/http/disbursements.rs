//! `POST /disbursements`: a recorder records money paid out of a campaign, listing the
//! documents that back it (each already uploaded with `POST /evidence`).

use super::appends::{amount, append, check_currency, currency_of, ensure_leading, today};
use super::auth::{Recorder, Staff};
use super::error::ApiError;
use super::schema::{AmountText, CurrencyCode, EvidenceSchema};
use super::{ApiJson, AppState};
use crate::ledger::entry::{Body, Disbursement, Evidence};
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Deserialize;
use utoipa::ToSchema;

/// Body of `POST /disbursements`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Disburse {
    /// The campaign's id.
    campaign: String,
    /// The amount, as text in the campaign's currency.
    #[schema(value_type = AmountText)]
    amount: String,
    /// The campaign's currency, to check it (optional).
    #[schema(value_type = Option<CurrencyCode>)]
    currency: Option<String>,
    /// The day it was paid, `YYYY-MM-DD` (default today, UTC).
    paid_at: Option<String>,
    /// Who was paid.
    recipient: String,
    /// What for.
    purpose: String,
    /// The documents backing it, as `POST /evidence` answered them.
    #[serde(default)]
    #[schema(value_type = Vec<EvidenceSchema>)]
    evidence: Vec<Evidence>,
    /// The bank's transaction id of the payment, naming its bank statement line (SPEC.md §16).
    reference: Option<String>,
    /// The id of the line of the campaign's budget in force it is paid against (SPEC.md §18).
    budget_line: Option<String>,
}

/// Records a disbursement (recorder).
#[utoipa::path(
    post, path = "/disbursements", tag = "disbursements",
    request_body = Disburse,
    params(super::openapi::IdempotencyKey),
    security(("bearer" = [])),
    responses(super::openapi::Appended)
)]
pub async fn disburse(
    State(s): State<AppState>,
    staff: Staff<Recorder>,
    headers: HeaderMap,
    ApiJson(r): ApiJson<Disburse>,
) -> Result<Response, ApiError> {
    ensure_leading(&s)?;
    let body = disbursement_body(&s, r).await?;
    append(&s, &staff, &headers, body).await
}

/// The disbursement `r` asks for, its amount parsed and every listed document checked
/// against the evidence store (also how a proposal's body is made, `super::proposals`).
///
/// # Errors
/// 422 naming the field: an unknown campaign, another currency, a bad amount, a document
/// not stored as listed.
pub(super) async fn disbursement_body(s: &AppState, r: Disburse) -> Result<Body, ApiError> {
    let currency = check_currency(&r.currency, currency_of(s, &r.campaign, "campaign")?)?;
    // Strict: every listed document must already be in the evidence store, as listed.
    s.evidence.check_listed(&r.evidence).await?;
    Ok(Body::Disbursement(Disbursement {
        amount: amount(&r.amount, currency, "amount")?,
        approval: None,
        budget_line: r.budget_line,
        campaign: r.campaign,
        currency,
        evidence: r.evidence,
        paid_at: r.paid_at.unwrap_or_else(today),
        purpose: r.purpose,
        recipient: r.recipient,
        reference: r.reference,
    }))
}
