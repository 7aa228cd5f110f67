//! Donation receipts over HTTP (SPEC.md §12): in the answer to `POST /donations` (with the
//! salt), re-issued to admins by seq (`GET /receipts/{seq}`, with the salt until it is
//! erased), public by code (`GET /receipts/{code}`, never with the salt), and the QR code of
//! a receipt's page (`GET /receipts/{code}/qr.svg`) for the console to print.

use super::acknowledgement;
use super::auth::{Admin, Staff};
use super::error::{ApiError, ErrorBody};
use super::origin::base_url;
use super::schema::ReceiptSchema;
use super::{ApiPath, AppState};
use crate::ledger::receipt::{build, parse_code, Receipt, ReceiptParts};
use crate::ledger::{decode, Body};
use crate::sequencer::Appended;
use crate::store::StoredEntry;
use crate::witness::cosigned::Witnessed;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderValue};
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
    let witnesses = acknowledgement::witnesses(s, &a).await?;
    let body = acknowledgement::donation_body(
        &a,
        &s.key_at(a.checkpoint.size),
        salt.as_ref(),
        Some(&witnesses),
    )?;
    Ok(acknowledgement::respond(&a, body))
}

/// Donation `seq` as published (in the latest checkpoint), or 404 when `seq` is not a
/// published donation (or, with `prefix`, when its leaf hash does not start with `prefix`).
pub(super) async fn published_donation(
    s: &AppState,
    seq: u64,
    prefix: Option<&str>,
) -> Result<StoredEntry, ApiError> {
    let not_found = || ApiError::not_found("no donation has this receipt code");
    if seq >= s.sequencer.view().checkpoint.size {
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
    Ok(entry)
}

/// The receipt of donation `seq` against the latest checkpoint, or 404 when `seq` is not
/// a donation (or, with `prefix`, when its leaf hash does not start with `prefix`).
pub(super) async fn issue(
    s: &AppState,
    seq: u64,
    prefix: Option<&str>,
    with_salt: bool,
) -> Result<Receipt, ApiError> {
    let cp = s.sequencer.view().checkpoint.clone();
    let entry = published_donation(s, seq, prefix).await?;
    let proof = s.store.inclusion_proof(seq, cp.size).await?;
    let salt = if with_salt {
        s.store.donor(seq).await?.and_then(|d| d.salt_bytes())
    } else {
        None
    };
    let note = s.cosigned.note_for(&cp);
    Ok(build(ReceiptParts {
        seq,
        leaf: &entry.leaf,
        checkpoint: &note,
        size: cp.size,
        root: cp.root,
        proof: &proof,
        key: &s.key_at(cp.size),
        salt: salt.as_ref(),
    }))
}

/// The receipt of donation `seq` (its leaf hash starting with `prefix`) against the newest
/// checkpoint witnesses cosigned that includes it, else against the latest checkpoint: a
/// donor's receipt then shows the witnesses' countersignatures as soon as they exist, even
/// while newer entries keep the latest checkpoint ahead of the witnesses.
pub(super) async fn issue_cosigned(
    s: &AppState,
    seq: u64,
    prefix: &str,
) -> Result<Receipt, ApiError> {
    let Witnessed::Cosigned(c) = s.cosigned.covering(seq + 1, s.policy.is_some()) else {
        return issue(s, seq, Some(prefix), false).await;
    };
    let entry = published_donation(s, seq, Some(prefix)).await?;
    let proof = s.store.inclusion_proof(seq, c.size).await?;
    Ok(build(ReceiptParts {
        seq,
        leaf: &entry.leaf,
        checkpoint: &c.note,
        size: c.size,
        root: c.root,
        proof: &proof,
        key: &s.key_at(c.size),
        salt: None,
    }))
}

/// A donation's receipt: by its code (public, never with the salt) against the newest
/// cosigned checkpoint that includes it, else the latest; or by its seq (admin, with the
/// salt while it is not erased) against the latest checkpoint.
#[utoipa::path(
    get, path = "/receipts/{key}", tag = "receipts",
    params(("key" = String, Path, description = "The receipt code `R-<seq>-<8 hex digits>` (public), or the donation's seq (admin)")),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "The receipt", body = ReceiptSchema,
            headers(("Fundtrail-Reversed-By" = u64, description = "Only when the donation was reversed: the reversal's seq"))),
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
        issue_cosigned(&s, seq, prefix).await?
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
    let mut answer = Json(&receipt).into_response();
    if let Some(by) = super::reversed::reversal(&s, receipt.seq).await? {
        answer
            .headers_mut()
            .insert(REVERSED_BY, HeaderValue::from(by.seq));
    }
    Ok(answer)
}

/// The header that says a receipt's donation was reversed, and by which entry
/// (`GET /receipts/{code}/status` says why).
pub const REVERSED_BY: header::HeaderName =
    header::HeaderName::from_static("fundtrail-reversed-by");

/// The Content-Security-Policy of a QR code, as of evidence downloads: an SVG opened on its
/// own may load and run nothing.
pub const QR_CSP: &str = super::evidence::EVIDENCE_CSP;

/// The QR code of a receipt's page, `<base>/#/receipt/<code>`, as SVG (dark modules on
/// white, with the standard quiet zone). The SVG holds one rectangle and one path: no
/// script, no style sheet, no external reference. A code's page never moves, so the answer
/// may be cached for a year.
#[utoipa::path(
    get, path = "/receipts/{code}/qr.svg", tag = "receipts",
    params(("code" = String, Path, description = "The receipt code `R-<seq>-<8 hex digits>`")),
    responses(
        (status = 200, description = "The QR code of the receipt's page", body = String, content_type = "image/svg+xml",
            headers(("Cache-Control" = String, description = "`public, max-age=31536000, immutable`"))),
        (status = 404, description = "No donation has this code", body = ErrorBody),
    )
)]
pub async fn qr_code(
    State(s): State<AppState>,
    ApiPath(code): ApiPath<String>,
    parts: Parts,
) -> Result<Response, ApiError> {
    let Some((seq, prefix)) = parse_code(&code) else {
        return Err(ApiError::not_found(
            "a receipt code looks like R-<seq>-<8 hex digits>",
        ));
    };
    published_donation(&s, seq, Some(prefix)).await?;
    let base = base_url(
        &parts,
        &s.guard.trusted_proxies,
        s.site.public_url.as_deref(),
    );
    let url = format!("{base}/#/receipt/{code}");
    let svg = qrcode::QrCode::new(url.as_bytes())
        .map_err(|e| {
            tracing::error!(error = %e, "drawing a QR code failed");
            ApiError::new(
                axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "internal error; see the server log",
            )
        })?
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(256, 256)
        .build();
    let headers = [
        (
            header::CONTENT_TYPE,
            HeaderValue::from_static("image/svg+xml"),
        ),
        (
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=31536000, immutable"),
        ),
        (
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(QR_CSP),
        ),
    ];
    Ok((headers, svg).into_response())
}
