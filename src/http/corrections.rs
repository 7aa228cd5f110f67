//! `POST /corrections`: a recorder corrects a donation in one step: its reversal and the
//! donation as it should have been, appended together at consecutive positions in one
//! group commit, or both refused. The corrected donation may keep the reversed one's bank
//! reference (the duplicate-reference rule lets exactly that reference through, since the
//! entry holding it is reversed in the same step), so a donor still finds the gift by it.

use super::acknowledgement;
use super::appends::{ensure_leading, idempotency_key};
use super::auth::{Recorder, Staff};
use super::donations::{prepare, refusal, Donate};
use super::error::ApiError;
use super::schema::ReversalReasonSchema;
use super::{ApiJson, AppState};
use crate::ledger::decode;
use crate::ledger::entry::{Body, Reversal, ReversalReason};
use crate::sequencer::{AppendError, AppendRequest, Appended};
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use utoipa::ToSchema;

/// Body of `POST /corrections`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Correct {
    /// The position of the donation to correct.
    reverses: u64,
    /// Why it is reversed.
    #[schema(value_type = ReversalReasonSchema)]
    reason: ReversalReason,
    /// More words on why.
    note: Option<String>,
    /// The donation as it should have been: the body of `POST /donations` (without
    /// `separate_gift`).
    donation: Donate,
}

/// Reverses a donation and records its corrected version, all or nothing (recorder).
#[utoipa::path(
    post, path = "/corrections", tag = "reversals",
    request_body = Correct,
    params(super::openapi::IdempotencyKey),
    security(("bearer" = [])),
    responses(super::openapi::Corrected)
)]
pub async fn correct(
    State(s): State<AppState>,
    staff: Staff<Recorder>,
    headers: HeaderMap,
    ApiJson(r): ApiJson<Correct>,
) -> Result<Response, ApiError> {
    ensure_leading(&s)?;
    let reversed_reference = reversed_donation(&s, r.reverses).await?;
    let separate_gift_asked = r.donation.separate_gift();
    let prepared = prepare(&s, r.donation).map_err(in_donation)?;
    if separate_gift_asked {
        return Err(ApiError::invalid(
            "donation.separate_gift",
            "donation.separate_gift is not taken here: a correction may keep the reference of the donation it reverses",
        ));
    }
    // The corrected gift may keep the reversed one's reference: it replaces that gift.
    let keeps_reference = match (&prepared.body, &reversed_reference) {
        (Body::Donation(d), Some((campaign, reference))) => {
            d.campaign == *campaign && d.reference.as_ref() == Some(reference)
        }
        _ => false,
    };
    let recorded_by = staff.token.recorded_by();
    let reversal = AppendRequest {
        body: Body::Reversal(Reversal {
            note: r.note,
            reason: r.reason,
            reverses: r.reverses,
        }),
        recorded_by: recorded_by.clone(),
        idempotency_key: idempotency_key(&headers)?,
        separate_gift: false,
        private: None,
    };
    let donation = AppendRequest {
        body: prepared.body,
        recorded_by,
        idempotency_key: None,
        separate_gift: keeps_reference,
        private: prepared.private,
    };
    let appended = s
        .sequencer
        .append_group(vec![reversal, donation])
        .await
        .map_err(|e| match e {
            AppendError::InGroup { index: 1, source } => in_donation(refusal(*source)),
            other => other.into(),
        })?;
    let [reversal, donation] = <[Appended; 2]>::try_from(appended).map_err(|_| {
        tracing::error!("a correction's group did not answer two entries");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "internal error; see the server log",
        )
    })?;
    let salt = if donation.replayed {
        s.store
            .donor(donation.seq)
            .await?
            .and_then(|d| d.salt_bytes())
    } else {
        prepared.salt
    };
    let (donation_witnesses, reversal_witnesses) = (
        acknowledgement::witnesses(&s, &donation).await?,
        acknowledgement::witnesses(&s, &reversal).await?,
    );
    let mut body = b"{\"donation\":".to_vec();
    body.extend(acknowledgement::donation_body(
        &donation,
        &s.key_at(donation.checkpoint.size),
        salt.as_ref(),
        Some(&donation_witnesses),
    )?);
    body.extend_from_slice(b",\"reversal\":");
    body.extend(acknowledgement::body(&reversal, Some(&reversal_witnesses))?);
    body.push(b'}');
    let status = if reversal.replayed {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok((
        status,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        body,
    )
        .into_response())
}

/// The (campaign, reference) of published donation `seq`, refusing any other entry.
///
/// # Errors
/// 422 naming `reverses` when `seq` is not a published donation.
async fn reversed_donation(s: &AppState, seq: u64) -> Result<Option<(String, String)>, ApiError> {
    let not_a_donation = |what: String| {
        ApiError::invalid(
            "reverses",
            format!("reverses: {what}; a correction reverses a donation (reverse other entries with POST /reversals)"),
        )
    };
    if seq >= s.sequencer.view().checkpoint.size {
        return Err(not_a_donation(format!("there is no entry {seq}")));
    }
    let entry = s
        .store
        .entry(seq)
        .await?
        .ok_or_else(|| not_a_donation(format!("there is no entry {seq}")))?;
    match decode(&entry.leaf).map(|e| e.body) {
        Ok(Body::Donation(d)) => Ok(d.reference.map(|r| (d.campaign, r))),
        Ok(other) => Err(not_a_donation(format!("entry {seq} is a {}", other.kind()))),
        Err(_) => Err(not_a_donation(format!("entry {seq} cannot be read"))),
    }
}

/// `e` with its field named inside `donation` (`amount` becomes `donation.amount`).
fn in_donation(mut e: ApiError) -> ApiError {
    if let Some(field) = e.field.take() {
        if e.message.starts_with(field.as_str()) {
            e.message = format!("donation.{}", e.message);
        }
        e.field = Some(format!("donation.{field}"));
    }
    e
}
