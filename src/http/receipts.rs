//! Donation receipts over HTTP (SPEC.md §12): in the answer to `POST /donations` (with the
//! salt), re-issued to admins by seq (`GET /receipts/{seq}`, with the salt until it is
//! erased), and public by code (`GET /receipts/{code}`, never with the salt).

use super::acknowledgement;
use super::auth::{Admin, Staff};
use super::error::{ApiError, ErrorBody};
use super::schema::ReceiptSchema;
use super::{ApiPath, AppState};
use crate::ledger::receipt::{build, parse_code, Receipt, ReceiptParts};
use crate::ledger::{decode, Body};
use crate::sequencer::Appended;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use axum::Json;

/// The answer to an acknowledged donation: the usual acknowledgement plus `receipt`,
/// against the checkpoint of its batch and with the donor's salt. A retried request gets
/// the original donation's receipt with its stored salt.
///
/// # Errors
/// [`ApiError`] when the stored salt cannot be read (or, never in practice, the answer
/// cannot be written).
pub async fn acknowledged_donation(
    s: &AppState,
    a: Appended,
    salt: Option<[u8; 32]>,
) -> Result<Response, ApiError> {
    let salt = if a.replayed {
        s.store.donor(a.seq).await?.and_then(|d| d.salt_bytes())
    } else {
        salt
    };
    let body = acknowledgement::donation_body(&a, &s.site.verifier_key, salt.as_ref())?;
    Ok(acknowledgement::respond(&a, body))
}

/// The receipt of donation `seq` against the latest checkpoint, or 404 when `seq` is not
/// a donation (or, with `prefix`, when its leaf hash does not start with `prefix`).
async fn issue(
    s: &AppState,
    seq: u64,
    prefix: Option<&str>,
    with_salt: bool,
) -> Result<Receipt, ApiError> {
    let not_found = || ApiError::not_found("no donation has this receipt code");
    let cp = s.sequencer.view().checkpoint.clone();
    if seq >= cp.size {
        return Err(not_found());
    }
    let entry = s.store.entry(seq).await?.ok_or_else(not_found)?;
    if prefix.is_some_and(|p| !entry.leaf_hash.to_hex().starts_with(p)) {
        return Err(not_found());
    }
    if !decode(&entry.leaf).is_ok_and(|e| matches!(e.body, Body::Donation(_))) {
        return Err(ApiError::not_found(format!(
            "entry {seq} is not a donation"
        )));
    }
    let proof = s.store.inclusion_proof(seq, cp.size).await?;
    let salt = if with_salt {
        s.store.donor(seq).await?.and_then(|d| d.salt_bytes())
    } else {
        None
    };
    Ok(build(ReceiptParts {
        seq,
        leaf: &entry.leaf,
        checkpoint: &cp.note,
        size: cp.size,
        root: cp.root,
        proof: &proof,
        key: &s.site.verifier_key,
        salt: salt.as_ref(),
    }))
}

/// A donation's receipt against the latest checkpoint: by its code (public, never with the
/// salt) or by its seq (admin, with the salt while it is not erased).
#[utoipa::path(
    get, path = "/receipts/{key}", tag = "receipts",
    params(("key" = String, Path, description = "The receipt code `R-<seq>-<8 hex digits>` (public), or the donation's seq (admin)")),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "The receipt", body = ReceiptSchema),
        (status = 401, description = "A seq without a valid token", body = ErrorBody),
        (status = 403, description = "A seq with a token that is not an admin's", body = ErrorBody),
        (status = 404, description = "No donation has this code or seq", body = ErrorBody),
    )
)]
pub async fn receipt(
    State(s): State<AppState>,
    ApiPath(key): ApiPath<String>,
    mut request: Parts,
) -> Result<Response, ApiError> {
    let receipt = if let Some((seq, prefix)) = parse_code(&key) {
        issue(&s, seq, Some(prefix), false).await?
    } else if let Ok(seq) = key.parse::<u64>() {
        // Only a lookup by seq needs a token: a donor's lookup by code is never counted
        // as a failed sign-in, however often they check.
        Staff::<Admin>::from_request_parts(&mut request, &s).await?;
        issue(&s, seq, None, true).await?
    } else {
        return Err(ApiError::not_found(
            "a receipt code looks like R-<seq>-<8 hex digits>",
        ));
    };
    Ok(Json(receipt).into_response())
}
