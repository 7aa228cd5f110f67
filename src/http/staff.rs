//! Staff appends: `Authorization: Bearer <token>`; `recorder` appends money entries,
//! `admin` also opens and closes campaigns. Amounts arrive as decimal text in the
//! campaign's currency (`"12.50"`), parsed exactly.

use super::acknowledgement;
use super::auth::{AdminStaff, Role, Staff};
use super::error::ApiError;
use super::{ApiJson, ApiPath, AppState};
use crate::ledger::entry::{
    Account, Body, CampaignClose, CampaignOpen, Channel, Disbursement, Donation, Evidence, InKind,
    Reversal, ReversalReason, Transfer,
};
use crate::ledger::hash::Hash;
use crate::ledger::money::{Currency, Minor};
use crate::sequencer::{AppendError, AppendRequest, Appended};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::Deserialize;

fn idempotency_key(headers: &HeaderMap) -> Result<Option<String>, ApiError> {
    match headers.get("idempotency-key") {
        None => Ok(None),
        Some(v) => {
            let key = v
                .to_str()
                .ok()
                .map(str::trim)
                .filter(|k| !k.is_empty() && k.len() <= 200);
            key.map(|k| Some(k.to_string())).ok_or_else(|| {
                ApiError::bad_query(
                    "Idempotency-Key",
                    "Idempotency-Key must be 1 to 200 visible characters",
                )
            })
        }
    }
}

fn acknowledged(a: &Appended) -> Result<Response, ApiError> {
    Ok(acknowledgement::respond(a, acknowledgement::body(a)?))
}

async fn append(
    s: &AppState,
    staff: &Staff,
    headers: &HeaderMap,
    body: Body,
    separate_gift: bool,
) -> Result<Response, ApiError> {
    let request = AppendRequest {
        body,
        recorded_by: staff.token.recorded_by(),
        idempotency_key: idempotency_key(headers)?,
        separate_gift,
        private: None,
    };
    acknowledged(&s.sequencer.append(request).await?)
}

/// Appends go to the process that sequences; others answer 503 with Retry-After before
/// judging the request against a view that may lag behind the leader's.
fn ensure_leading(s: &AppState) -> Result<(), ApiError> {
    if s.sequencer.is_leading() {
        Ok(())
    } else {
        Err(crate::sequencer::AppendError::NotLeader.into())
    }
}

fn currency_of(s: &AppState, campaign: &str, field: &str) -> Result<Currency, ApiError> {
    s.sequencer
        .view()
        .campaigns
        .iter()
        .find(|(_, c)| c.id == campaign)
        .map(|(_, c)| c.currency)
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "unknown_campaign",
                format!("campaign {campaign:?} does not exist"),
            )
            .field(field)
        })
}

/// An amount field, by the API's one rule for amount text (SPEC.md §3.4).
fn amount(text: &str, currency: Currency, field: &str) -> Result<Minor, ApiError> {
    Minor::parse_decimal(text, currency).map_err(|e| ApiError::invalid(field, e.describe(field)))
}

fn check_currency(given: &Option<String>, expected: Currency) -> Result<Currency, ApiError> {
    match given {
        None => Ok(expected),
        Some(code) => {
            let c =
                Currency::parse(code).map_err(|e| ApiError::invalid("currency", e.to_string()))?;
            if c != expected {
                return Err(ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "currency_mismatch",
                    format!("currency {c} does not match the campaign's currency {expected}"),
                )
                .field("currency"));
            }
            Ok(c)
        }
    }
}

fn today() -> String {
    chrono::Utc::now().format("%Y-%m-%d").to_string()
}

/// `POST /campaigns`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OpenCampaign {
    id: String,
    title: String,
    purpose: String,
    currency: String,
    goal: Option<String>,
    ends_on: Option<String>,
    #[serde(default)]
    accounts: Vec<Account>,
}

pub async fn open_campaign(
    State(s): State<AppState>,
    AdminStaff(staff): AdminStaff,
    headers: HeaderMap,
    ApiJson(r): ApiJson<OpenCampaign>,
) -> Result<Response, ApiError> {
    ensure_leading(&s)?;
    let currency =
        Currency::parse(&r.currency).map_err(|e| ApiError::invalid("currency", e.to_string()))?;
    let goal = r
        .goal
        .as_deref()
        .map(|g| amount(g, currency, "goal"))
        .transpose()?;
    let body = Body::CampaignOpen(CampaignOpen {
        accounts: r.accounts,
        currency,
        ends_on: r.ends_on,
        goal,
        id: r.id,
        purpose: r.purpose,
        title: r.title,
    });
    append(&s, &staff, &headers, body, false).await
}

/// `POST /campaigns/{id}/close`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CloseCampaign {
    note: Option<String>,
}

pub async fn close_campaign(
    State(s): State<AppState>,
    staff: Staff,
    ApiPath(id): ApiPath<String>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    staff.require(Role::Admin)?;
    ensure_leading(&s)?;
    if !s.sequencer.view().campaigns.iter().any(|(_, c)| c.id == id) {
        return Err(ApiError::not_found(format!(
            "campaign {id:?} does not exist"
        )));
    }
    let note = if body.iter().all(u8::is_ascii_whitespace) {
        None
    } else {
        let parsed: CloseCampaign = super::json_body::parse(&body)?;
        parsed.note
    };
    append(
        &s,
        &staff,
        &headers,
        Body::CampaignClose(CampaignClose { campaign: id, note }),
        false,
    )
    .await
}

/// `POST /donations`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Donate {
    campaign: String,
    amount: String,
    currency: Option<String>,
    received_at: Option<String>,
    channel: Option<Channel>,
    reference: Option<String>,
    donor: Option<String>,
    commitment: Option<Hash>,
    memo: Option<String>,
    in_kind_description: Option<String>,
    #[serde(default)]
    separate_gift: bool,
    donor_private: Option<super::donors::DonorPrivateIn>,
    publish_name: Option<bool>,
}

pub async fn donate(
    State(s): State<AppState>,
    staff: Staff,
    headers: HeaderMap,
    ApiJson(r): ApiJson<Donate>,
) -> Result<Response, ApiError> {
    staff.require(Role::Recorder)?;
    ensure_leading(&s)?;
    let currency = check_currency(&r.currency, currency_of(&s, &r.campaign, "campaign")?)?;
    let channel = r.channel.unwrap_or(Channel::BankTransfer);
    match (channel, &r.in_kind_description) {
        (Channel::InKind, None) => {
            return Err(ApiError::invalid(
                "in_kind_description",
                "in_kind_description is required when channel is in_kind: describe the goods, e.g. \"200 bags of rice, 10 kg each\"",
            ))
        }
        (Channel::InKind, Some(_)) | (_, None) => {}
        (_, Some(_)) => {
            return Err(ApiError::invalid(
                "in_kind_description",
                "in_kind_description is only for gifts of goods: send it with channel in_kind",
            ))
        }
    }
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
        received_at: r.received_at.unwrap_or_else(today),
        reference: r.reference,
    });
    let request = AppendRequest {
        body,
        recorded_by: staff.token.recorded_by(),
        idempotency_key: idempotency_key(&headers)?,
        separate_gift: r.separate_gift,
        private: donor.private,
    };
    let appended = s.sequencer.append(request).await.map_err(|e| match e {
        // The entry's `in_kind.description` is the request's `in_kind_description`.
        AppendError::Invalid(f) if f.field == "in_kind.description" => ApiError::invalid(
            "in_kind_description",
            format!("in_kind_description: {}", f.problem),
        ),
        other => other.into(),
    })?;
    super::receipts::acknowledged_donation(&s, appended, salt).await
}

/// `POST /disbursements`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Disburse {
    campaign: String,
    amount: String,
    currency: Option<String>,
    paid_at: Option<String>,
    recipient: String,
    purpose: String,
    #[serde(default)]
    evidence: Vec<Evidence>,
}

pub async fn disburse(
    State(s): State<AppState>,
    staff: Staff,
    headers: HeaderMap,
    ApiJson(r): ApiJson<Disburse>,
) -> Result<Response, ApiError> {
    staff.require(Role::Recorder)?;
    ensure_leading(&s)?;
    let currency = check_currency(&r.currency, currency_of(&s, &r.campaign, "campaign")?)?;
    // Strict: every listed document must already be in the evidence store, as listed.
    s.evidence.check_listed(&r.evidence).await?;
    let body = Body::Disbursement(Disbursement {
        amount: amount(&r.amount, currency, "amount")?,
        campaign: r.campaign,
        currency,
        evidence: r.evidence,
        paid_at: r.paid_at.unwrap_or_else(today),
        purpose: r.purpose,
        recipient: r.recipient,
    });
    append(&s, &staff, &headers, body, false).await
}

/// `POST /transfers`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MoveMoney {
    from: String,
    to: String,
    amount: String,
    currency: Option<String>,
    reason: String,
}

pub async fn transfer(
    State(s): State<AppState>,
    staff: Staff,
    headers: HeaderMap,
    ApiJson(r): ApiJson<MoveMoney>,
) -> Result<Response, ApiError> {
    staff.require(Role::Recorder)?;
    ensure_leading(&s)?;
    let currency = check_currency(&r.currency, currency_of(&s, &r.from, "from")?)?;
    let body = Body::Transfer(Transfer {
        amount: amount(&r.amount, currency, "amount")?,
        currency,
        from: r.from,
        reason: r.reason,
        to: r.to,
    });
    append(&s, &staff, &headers, body, false).await
}

/// `POST /reversals`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reverse {
    reverses: u64,
    reason: ReversalReason,
    note: Option<String>,
}

pub async fn reverse(
    State(s): State<AppState>,
    staff: Staff,
    headers: HeaderMap,
    ApiJson(r): ApiJson<Reverse>,
) -> Result<Response, ApiError> {
    staff.require(Role::Recorder)?;
    ensure_leading(&s)?;
    let body = Body::Reversal(Reversal {
        note: r.note,
        reason: r.reason,
        reverses: r.reverses,
    });
    append(&s, &staff, &headers, body, false).await
}
