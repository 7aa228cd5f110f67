//! Pledges (SPEC.md §19): a recorder records money promised (`POST /pledges`) and a pledge
//! withdrawn (`POST /pledges/{seq}/cancel`); a donation names the pledge it fulfils in its
//! `pledge` member (`POST /donations`). Anyone reads a campaign's pledges with what was
//! received against each (`GET /campaigns/{id}/pledges`).

use super::appends::{amount, append, check_currency, currency_of, ensure_leading};
use super::auth::{Recorder, Staff};
use super::campaigns::no_such_campaign;
use super::error::{ApiError, ErrorBody};
use super::schema::{AmountText, CurrencyCode};
use super::sorted::Sorted;
use super::{ApiJson, ApiPath, AppState};
use crate::ledger::decode;
use crate::ledger::entry::Body;
use crate::ledger::pledge::{Pledge, PledgeCancel};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Body of `POST /pledges`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PledgeIn {
    /// The campaign's id.
    campaign: String,
    /// The amount promised, as text in the campaign's currency.
    #[schema(value_type = AmountText)]
    amount: String,
    /// The campaign's currency, to check it (optional).
    #[schema(value_type = Option<CurrencyCode>)]
    currency: Option<String>,
    /// The name the donor consented to publish, or `Anonymous`.
    donor: String,
    /// The day the money is expected, `YYYY-MM-DD`.
    expected_on: Option<String>,
    /// A public note.
    note: Option<String>,
}

/// Records a pledge (recorder).
#[utoipa::path(
    post, path = "/pledges", tag = "pledges",
    request_body = PledgeIn,
    params(super::openapi::IdempotencyKey),
    security(("bearer" = [])),
    responses(super::openapi::Appended)
)]
pub async fn record(
    State(s): State<AppState>,
    staff: Staff<Recorder>,
    headers: HeaderMap,
    ApiJson(r): ApiJson<PledgeIn>,
) -> Result<Response, ApiError> {
    ensure_leading(&s)?;
    let currency = check_currency(&r.currency, currency_of(&s, &r.campaign, "campaign")?)?;
    let body = Body::Pledge(Pledge {
        amount: amount(&r.amount, currency, "amount")?,
        campaign: r.campaign,
        currency,
        donor: r.donor,
        expected_on: r.expected_on,
        note: r.note,
    });
    append(&s, &staff, &headers, body).await
}

/// Body of `POST /pledges/{seq}/cancel`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CancelIn {
    /// Why the pledge will not be fulfilled (required).
    reason: String,
}

/// Cancels a pledge, with the reason (recorder). What was received stays received; the rest
/// is no longer expected.
#[utoipa::path(
    post, path = "/pledges/{seq}/cancel", tag = "pledges",
    params(("seq" = u64, Path, description = "The pledge's entry number"), super::openapi::IdempotencyKey),
    request_body = CancelIn,
    security(("bearer" = [])),
    responses(super::openapi::Appended)
)]
pub async fn cancel(
    State(s): State<AppState>,
    staff: Staff<Recorder>,
    headers: HeaderMap,
    ApiPath(seq): ApiPath<u64>,
    ApiJson(r): ApiJson<CancelIn>,
) -> Result<Response, ApiError> {
    ensure_leading(&s)?;
    let not_a_pledge = || {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "not_a_pledge",
            format!("entry {seq} is not a pledge"),
        )
        .field("seq")
    };
    let row = s.store.entry(seq).await?.ok_or_else(not_a_pledge)?;
    let campaign = match decode(&row.leaf) {
        Ok(e) => match e.body {
            Body::Pledge(p) => p.campaign,
            _ => return Err(not_a_pledge()),
        },
        Err(_) => return Err(not_a_pledge()),
    };
    let body = Body::PledgeCancel(PledgeCancel {
        campaign,
        pledge: seq,
        reason: r.reason,
    });
    append(&s, &staff, &headers, body).await
}

/// One pledge and what became of it.
#[derive(Serialize, ToSchema)]
pub struct PledgeOut {
    /// The pledge's entry number (a donation names it in `pledge`).
    seq: u64,
    /// The donor as published.
    donor: String,
    /// Promised, in minor units.
    #[schema(value_type = String)]
    amount: String,
    /// The day expected, when given.
    #[serde(skip_serializing_if = "Option::is_none")]
    expected_on: Option<String>,
    /// Received by donations naming it, net of reversals, in minor units.
    #[schema(value_type = String)]
    received: String,
    /// Still expected, in minor units (nothing once cancelled).
    #[schema(value_type = String)]
    outstanding: String,
    /// Given up by its cancellation, in minor units.
    #[schema(value_type = String)]
    cancelled: String,
    /// The entry number of its cancellation, when cancelled.
    #[serde(skip_serializing_if = "Option::is_none")]
    cancelled_by: Option<u64>,
}

/// `GET /campaigns/{id}/pledges`: pledged, received, outstanding and cancelled (SPEC.md §8.1).
#[derive(Serialize, ToSchema)]
pub struct PledgeStatusOut {
    /// The campaign's id.
    campaign: String,
    /// Its currency.
    currency: String,
    /// Number of pledges, cancelled ones included.
    pledges: u64,
    /// Sum promised, in minor units.
    #[schema(value_type = String)]
    pledged: String,
    /// Received against pledges, in minor units.
    #[schema(value_type = String)]
    received: String,
    /// Still expected, in minor units.
    #[schema(value_type = String)]
    outstanding: String,
    /// Given up by cancellations, in minor units.
    #[schema(value_type = String)]
    cancelled: String,
    /// Each pledge, in ledger order.
    list: Vec<PledgeOut>,
    /// The entries covered (the published checkpoint's size).
    size: u64,
}

/// A campaign's pledges with what was received against each (anyone).
#[utoipa::path(
    get, path = "/campaigns/{id}/pledges", tag = "pledges",
    params(("id" = String, Path, description = "The campaign's id")),
    responses(
        (status = 200, description = "The campaign's pledges", body = PledgeStatusOut),
        (status = 404, description = "No such campaign", body = ErrorBody),
    )
)]
pub async fn status(
    State(s): State<AppState>,
    ApiPath(id): ApiPath<String>,
) -> Result<Sorted<PledgeStatusOut>, ApiError> {
    let v = s.sequencer.view();
    let Some(summary) = v.totals.campaigns.iter().find(|c| c.id == id) else {
        return Err(no_such_campaign(&id));
    };
    let size = v.checkpoint.size;
    let plans = s.store.campaign_plans(&id, size).await?;
    let t = plans.pledge_totals(&id);
    let list = plans
        .pledges()
        .of_campaign(&id)
        .map(|(seq, p)| PledgeOut {
            seq,
            donor: p.donor.clone(),
            amount: p.amount.to_string(),
            expected_on: p.expected_on.clone(),
            received: p.received.to_string(),
            outstanding: p.outstanding().to_string(),
            cancelled: p.cancelled().to_string(),
            cancelled_by: p.cancelled_by,
        })
        .collect();
    Ok(Sorted(PledgeStatusOut {
        campaign: id,
        currency: summary.currency.clone(),
        pledges: t.pledges,
        pledged: t.pledged.to_string(),
        received: t.received.to_string(),
        outstanding: t.outstanding.to_string(),
        cancelled: t.cancelled.to_string(),
        list,
        size,
    }))
}
