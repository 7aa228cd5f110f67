//! What every staff append shares: the `Idempotency-Key` header, the leader check, the
//! campaign's currency, amounts as decimal text in that currency (`"12.50"`, parsed
//! exactly), and the append itself with its acknowledgement.

use super::acknowledgement;
use super::auth::{NeededRole, Staff};
use super::error::ApiError;
use super::AppState;
use crate::ledger::entry::Body;
use crate::ledger::money::{Currency, Minor};
use crate::sequencer::{AppendError, AppendRequest, Appended};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;

/// The `Idempotency-Key` header: absent, or 1 to 200 visible characters (trimmed).
///
/// # Errors
/// 400 `bad_query` naming `Idempotency-Key` when it is empty, too long or not text.
pub(super) fn idempotency_key(headers: &HeaderMap) -> Result<Option<String>, ApiError> {
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

/// Appends `body` as recorded by `staff` and answers the acknowledgement (201, or 200 for a
/// replayed retry).
///
/// # Errors
/// The sequencer's refusal, or a bad `Idempotency-Key`.
pub(super) async fn append<R: NeededRole>(
    s: &AppState,
    staff: &Staff<R>,
    headers: &HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let request = AppendRequest {
        body,
        recorded_by: staff.token.recorded_by(),
        idempotency_key: idempotency_key(headers)?,
        separate_gift: false,
        private: None,
    };
    acknowledged(s, &s.sequencer.append(request).await?).await
}

/// The acknowledgement of `a`, without a receipt.
///
/// # Errors
/// An internal error if the answer cannot be written (never in practice), or the error of
/// reading the entry's audit path in a cosigned tree.
async fn acknowledged(s: &AppState, a: &Appended) -> Result<Response, ApiError> {
    let witnesses = acknowledgement::witnesses(s, a).await?;
    Ok(acknowledgement::respond(
        a,
        acknowledgement::body(a, Some(&witnesses))?,
    ))
}

/// Appends go to the process that sequences; others answer 503 with Retry-After before
/// judging the request against a view that may lag behind the leader's.
///
/// # Errors
/// 503 `unavailable` when this process is not the leader.
pub(super) fn ensure_leading(s: &AppState) -> Result<(), ApiError> {
    if s.sequencer.is_leading() {
        Ok(())
    } else {
        Err(AppendError::NotLeader.into())
    }
}

/// The currency of `campaign`, named in the request as `field`.
///
/// # Errors
/// 422 `unknown_campaign` naming `field` when no such campaign was opened.
pub(super) fn currency_of(s: &AppState, campaign: &str, field: &str) -> Result<Currency, ApiError> {
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
///
/// # Errors
/// 422 naming `field`, with the accepted form in words.
pub(super) fn amount(text: &str, currency: Currency, field: &str) -> Result<Minor, ApiError> {
    Minor::parse_decimal(text, currency).map_err(|e| ApiError::invalid(field, e.describe(field)))
}

/// The request's optional `currency`, which must be the campaign's (`expected`) when given.
///
/// # Errors
/// 422 naming `currency`: an unknown code, or another currency than the campaign's.
pub(super) fn check_currency(
    given: &Option<String>,
    expected: Currency,
) -> Result<Currency, ApiError> {
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

/// Today's date in UTC, `YYYY-MM-DD`: a donation's `received_at` or a disbursement's
/// `paid_at` when the request leaves it out.
pub(super) fn today() -> String {
    chrono::Utc::now().format("%Y-%m-%d").to_string()
}
