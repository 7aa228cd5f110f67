//! `GET /receipts/{code}/status`: what a page shows beside a verified receipt that the
//! receipt itself cannot say (SPEC.md §12 fixes its members): the campaign, the day the
//! gift was received, and whether a published reversal has undone it since.

use super::error::{ApiError, ErrorBody};
use super::receipts::published_donation;
use super::reversed::{reversal, ReversedBy};
use super::search::CampaignRef;
use super::sorted::Sorted;
use super::{ApiPath, AppState};
use crate::ledger::receipt::parse_code;
use crate::ledger::{decode, Body};
use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;

/// The status of a receipt's donation.
#[derive(Serialize, ToSchema)]
pub struct ReceiptStatus {
    /// The receipt code.
    code: String,
    /// The donation's position.
    seq: u64,
    /// Its campaign.
    campaign: CampaignRef,
    /// The day it was received, `YYYY-MM-DD`.
    received_at: String,
    /// The published reversal that undid it, or `null`.
    reversed_by: Option<ReversedBy>,
}

/// The campaign of a receipt's donation and whether it was reversed.
#[utoipa::path(
    get, path = "/receipts/{code}/status", tag = "receipts",
    params(("code" = String, Path, description = "The receipt code `R-<seq>-<8 hex digits>`")),
    responses(
        (status = 200, description = "The donation's status", body = ReceiptStatus),
        (status = 404, description = "No donation has this code", body = ErrorBody),
    )
)]
pub async fn status(
    State(s): State<AppState>,
    ApiPath(code): ApiPath<String>,
) -> Result<Sorted<ReceiptStatus>, ApiError> {
    let Some((seq, prefix)) = parse_code(&code) else {
        return Err(ApiError::not_found(
            "a receipt code looks like R-<seq>-<8 hex digits>",
        ));
    };
    let entry = published_donation(&s, seq, Some(prefix)).await?;
    let Ok(Body::Donation(d)) = decode(&entry.leaf).map(|e| e.body) else {
        return Err(ApiError::not_found(format!(
            "entry {seq} is not a donation"
        )));
    };
    let title = s
        .sequencer
        .view()
        .campaigns
        .iter()
        .find(|(_, c)| c.id == d.campaign)
        .map(|(_, c)| c.title.clone())
        .unwrap_or_default();
    Ok(Sorted(ReceiptStatus {
        code,
        seq,
        campaign: CampaignRef::new(d.campaign, title),
        received_at: d.received_at,
        reversed_by: reversal(&s, seq).await?,
    }))
}
