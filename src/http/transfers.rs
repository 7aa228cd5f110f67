//! `POST /transfers`: a recorder moves money from one campaign to another of the same
//! currency.

use super::appends::{amount, append, check_currency, currency_of, ensure_leading};
use super::auth::{Recorder, Staff};
use super::error::ApiError;
use super::schema::{AmountText, CurrencyCode};
use super::{ApiJson, AppState};
use crate::ledger::entry::{Body, Transfer};
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Deserialize;
use utoipa::ToSchema;

/// Body of `POST /transfers`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MoveMoney {
    /// The campaign the money leaves.
    from: String,
    /// The campaign it goes to.
    to: String,
    /// The amount, as text in the campaigns' currency.
    #[schema(value_type = AmountText)]
    amount: String,
    /// The campaigns' currency, to check it (optional).
    #[schema(value_type = Option<CurrencyCode>)]
    currency: Option<String>,
    /// Why, in words.
    reason: String,
    /// The bank's transaction id, when a bank line shows the move (SPEC.md §16).
    reference: Option<String>,
}

/// Records a transfer between campaigns (recorder).
#[utoipa::path(
    post, path = "/transfers", tag = "transfers",
    request_body = MoveMoney,
    params(super::openapi::IdempotencyKey),
    security(("bearer" = [])),
    responses(super::openapi::Appended)
)]
pub async fn transfer(
    State(s): State<AppState>,
    staff: Staff<Recorder>,
    headers: HeaderMap,
    ApiJson(r): ApiJson<MoveMoney>,
) -> Result<Response, ApiError> {
    ensure_leading(&s)?;
    let body = transfer_body(&s, r)?;
    append(&s, &staff, &headers, body).await
}

/// The transfer `r` asks for, its amount parsed (also how a proposal's body is made,
/// `super::proposals`).
///
/// # Errors
/// 422 naming the field: an unknown campaign, another currency, a bad amount.
pub(super) fn transfer_body(s: &AppState, r: MoveMoney) -> Result<Body, ApiError> {
    let currency = check_currency(&r.currency, currency_of(s, &r.from, "from")?)?;
    Ok(Body::Transfer(Transfer {
        amount: amount(&r.amount, currency, "amount")?,
        approval: None,
        currency,
        from: r.from,
        reason: r.reason,
        reference: r.reference,
        to: r.to,
    }))
}
