//! `POST /donations`: a recorder records a gift. The answer carries the donation's receipt
//! (SPEC.md §12), with the donor's salt when personal data was committed to.

use super::appends::{amount, check_currency, currency_of, ensure_leading, idempotency_key, today};
use super::auth::{Recorder, Staff};
use super::donors::DonorPrivateIn;
use super::error::ApiError;
use super::schema::{AmountText, ChannelSchema, CurrencyCode, Sha256Hex};
use super::{ApiJson, AppState};
use crate::ledger::entry::{Body, Channel, Donation, InKind};
use crate::ledger::hash::Hash;
use crate::sequencer::{AppendError, AppendRequest};
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Deserialize;
use utoipa::ToSchema;

/// Body of `POST /donations`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Donate {
    /// The campaign's id.
    campaign: String,
    /// The amount, as text in the campaign's currency.
    #[schema(value_type = AmountText)]
    amount: String,
    /// The campaign's currency, to check it (optional).
    #[schema(value_type = Option<CurrencyCode>)]
    currency: Option<String>,
    /// The day it was received, `YYYY-MM-DD` (default today, UTC).
    received_at: Option<String>,
    /// How it arrived (default `bank_transfer`).
    #[schema(value_type = Option<ChannelSchema>)]
    channel: Option<Channel>,
    /// The payment reference (e.g. the bank's transaction id); unique in the ledger.
    reference: Option<String>,
    /// The published donor name (default `Anonymous`; see `publish_name`).
    donor: Option<String>,
    /// A donor commitment made elsewhere (SPEC.md §3.2).
    #[schema(value_type = Option<Sha256Hex>)]
    commitment: Option<Hash>,
    /// A public note.
    memo: Option<String>,
    /// What was given, for `channel: in_kind` (required then, refused otherwise).
    in_kind_description: Option<String>,
    /// Record a second gift with the same details instead of refusing it as a duplicate.
    #[serde(default)]
    separate_gift: bool,
    /// What the charity keeps off the ledger about the donor.
    donor_private: Option<DonorPrivateIn>,
    /// Whether the donor consented to publish their name.
    publish_name: Option<bool>,
    /// The entry number of the campaign's pledge this gift fulfils (SPEC.md §19).
    pledge: Option<u64>,
}

impl Donate {
    /// Whether the request asks to record a second gift with the same reference.
    pub(super) fn separate_gift(&self) -> bool {
        self.separate_gift
    }
}

/// Records a donation (recorder); the answer holds its receipt.
#[utoipa::path(
    post, path = "/donations", tag = "donations",
    request_body = Donate,
    params(super::openapi::IdempotencyKey),
    security(("bearer" = [])),
    responses(super::openapi::Appended)
)]
pub async fn donate(
    State(s): State<AppState>,
    staff: Staff<Recorder>,
    headers: HeaderMap,
    ApiJson(r): ApiJson<Donate>,
) -> Result<Response, ApiError> {
    ensure_leading(&s)?;
    let prepared = prepare(&s, r)?;
    let request = AppendRequest {
        body: prepared.body,
        recorded_by: staff.token.recorded_by(),
        idempotency_key: idempotency_key(&headers)?,
        separate_gift: prepared.separate_gift,
        private: prepared.private,
    };
    let appended = s.sequencer.append(request).await.map_err(refusal)?;
    super::receipts::acknowledged_donation(&s, appended, prepared.salt).await
}

/// A donation request, checked and turned into what to append.
pub(super) struct Prepared {
    /// The donation.
    pub(super) body: Body,
    /// The donor's personal data, kept off the ledger.
    pub(super) private: Option<crate::store::DonorPrivate>,
    /// The commitment's salt, for the donor's receipt.
    pub(super) salt: Option<[u8; 32]>,
    /// Whether the request asked to record a second gift with the same reference.
    pub(super) separate_gift: bool,
}

/// Checks the fields of a donation request and builds its entry.
///
/// # Errors
/// 422 naming the first field that breaks a rule (as the request writes it).
pub(super) fn prepare(s: &AppState, r: Donate) -> Result<Prepared, ApiError> {
    let currency = check_currency(&r.currency, currency_of(s, &r.campaign, "campaign")?)?;
    let channel = r.channel.unwrap_or(Channel::BankTransfer);
    check_in_kind(channel, &r.in_kind_description)?;
    let donor = super::donors::prepare(r.donor, r.donor_private, r.publish_name, r.commitment)?;
    let salt = donor.private.as_ref().and_then(|p| p.salt);
    let body = Body::Donation(Donation {
        amount: amount(&r.amount, currency, "amount")?,
        campaign: r.campaign,
        channel,
        commitment: donor.commitment,
        currency,
        donor: donor.display_name,
        in_kind: r
            .in_kind_description
            .map(|description| InKind { description }),
        memo: r.memo,
        pledge: r.pledge,
        received_at: r.received_at.unwrap_or_else(today),
        reference: r.reference,
    });
    Ok(Prepared {
        body,
        private: donor.private,
        salt,
        separate_gift: r.separate_gift,
    })
}

/// The answer to a refused donation, naming its fields as the request writes them.
pub(super) fn refusal(e: AppendError) -> ApiError {
    match e {
        // The entry's `in_kind.description` is the request's `in_kind_description`.
        AppendError::Invalid(f) if f.field == "in_kind.description" => ApiError::invalid(
            "in_kind_description",
            format!("in_kind_description: {}", f.problem),
        ),
        other => other.into(),
    }
}

/// A gift of goods needs a description of them, and only such a gift may have one.
///
/// # Errors
/// 422 naming `in_kind_description`.
fn check_in_kind(channel: Channel, description: &Option<String>) -> Result<(), ApiError> {
    match (channel, description) {
        (Channel::InKind, None) => Err(ApiError::invalid(
            "in_kind_description",
            "in_kind_description is required when channel is in_kind: describe the goods, e.g. \"200 bags of rice, 10 kg each\"",
        )),
        (Channel::InKind, Some(_)) | (_, None) => Ok(()),
        (_, Some(_)) => Err(ApiError::invalid(
            "in_kind_description",
            "in_kind_description is only for gifts of goods: send it with channel in_kind",
        )),
    }
}
