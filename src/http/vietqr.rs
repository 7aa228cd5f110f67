//! VietQR codes of an open campaign's official accounts (`GET /campaigns/{id}/vietqr` and
//! `GET /campaigns/{id}/vietqr/{index}/qr.svg`): a donor's banking app scans one and fills in
//! the account and a transfer message naming the campaign, so statement imports can tell
//! which campaign a transfer was for. Hidden (410) once the campaign is closed, so nobody
//! is told to pay into a closed campaign. Payloads are built by [`crate::vietqr`].

use super::error::{ApiError, ErrorBody};
use super::receipts::QR_CSP;
use super::sorted::Sorted;
use super::{ApiPath, ApiQuery, AppState};
use crate::ledger::decode;
use crate::ledger::entry::{Account, Body};
use crate::ledger::money::Currency;
use crate::vietqr::{bank_bin, payload, suggested_message, Transfer};
use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// Query of the VietQR routes.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct VietQrQuery {
    /// An amount in đồng to put in the code (digits only, e.g. `200000`); without it the
    /// donor types the amount.
    amount: Option<String>,
}

/// An account's VietQR code.
#[derive(Serialize, ToSchema)]
pub struct VietQrAccount {
    /// The account's position in the campaign's `accounts`.
    index: usize,
    /// The bank as the campaign names it.
    bank: String,
    /// The bank's NAPAS BIN.
    bin: String,
    /// The account number as the campaign writes it.
    number: String,
    /// The account holder.
    holder: String,
    /// The VietQR payload (EMVCo text) the QR code holds.
    payload: String,
    /// Where its QR code is, relative to this server (`/api/v1/campaigns/{id}/vietqr/{index}/qr.svg`).
    svg: String,
}

/// An account without a VietQR code, and why.
#[derive(Serialize, ToSchema)]
pub struct VietQrSkipped {
    /// The account's position in the campaign's `accounts`.
    index: usize,
    /// The bank as the campaign names it.
    bank: String,
    /// The account number as the campaign writes it.
    number: String,
    /// Why it has no code.
    reason: String,
}

/// The VietQR codes of a campaign.
#[derive(Serialize, ToSchema)]
pub struct VietQrCodes {
    /// The campaign's id.
    campaign: String,
    /// The suggested transfer message (`UNG HO <campaign code>`), in every code.
    message: String,
    /// The amount in the codes, when one was asked for.
    amount: Option<String>,
    /// The accounts with a code.
    accounts: Vec<VietQrAccount>,
    /// The accounts without one (a bank whose BIN this server does not know, an account
    /// number a code cannot carry).
    skipped: Vec<VietQrSkipped>,
}

/// The official accounts of open VND campaign `id`, refusing a closed, unknown or other
/// currency's campaign.
async fn open_accounts(s: &AppState, id: &str) -> Result<Vec<Account>, ApiError> {
    let view = s.sequencer.view();
    let Some((opened_seq, state)) = view.campaigns.iter().find(|(_, c)| c.id == id) else {
        return Err(ApiError::not_found(format!(
            "campaign {id:?} does not exist"
        )));
    };
    if state.closed {
        return Err(ApiError::new(
            StatusCode::GONE,
            "campaign_closed",
            format!("campaign {id:?} is closed: do not send money to it"),
        ));
    }
    if state.currency != Currency::parse("VND").map_err(|_| internal())? {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "not_vnd",
            format!(
                "campaign {id:?} is in {}: VietQR codes carry transfers in đồng (VND) only",
                state.currency
            ),
        ));
    }
    let entry = s.store.entry(*opened_seq).await?.ok_or_else(internal)?;
    match decode(&entry.leaf).map(|e| e.body) {
        Ok(Body::CampaignOpen(o)) => Ok(o.accounts),
        _ => Err(internal()),
    }
}

/// 500, for a ledger that does not hold what its view says.
fn internal() -> ApiError {
    tracing::error!("a campaign's opening entry could not be read");
    ApiError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal",
        "internal error; see the server log",
    )
}

/// `amount` as đồng: 1 to 13 digits, not zero.
fn read_amount(amount: Option<&str>) -> Result<Option<u64>, ApiError> {
    let Some(text) = amount else { return Ok(None) };
    let refuse = || {
        ApiError::bad_query(
            "amount",
            format!("amount must be a whole number of đồng in digits, e.g. 200000 (not {text:?})"),
        )
    };
    if text.is_empty() || text.len() > 13 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(refuse());
    }
    match text.parse::<u64>() {
        Ok(0) | Err(_) => Err(refuse()),
        Ok(n) => Ok(Some(n)),
    }
}

/// The payload of account `a` of campaign `id` with `amount`, or why it has none.
fn account_payload(a: &Account, id: &str, amount: Option<u64>) -> Result<(String, String), String> {
    let (bin, _) = bank_bin(&a.bank)
        .ok_or_else(|| crate::vietqr::VietQrError::UnknownBank(a.bank.clone()).to_string())?;
    let message = suggested_message(id);
    let text = payload(&Transfer {
        bin,
        account: &a.number,
        amount,
        message: &message,
    })
    .map_err(|e| e.to_string())?;
    Ok((bin.to_string(), text))
}

/// The VietQR codes of an open campaign's official accounts.
#[utoipa::path(
    get, path = "/campaigns/{id}/vietqr", tag = "campaigns",
    params(("id" = String, Path, description = "The campaign's id"), VietQrQuery),
    responses(
        (status = 200, description = "Each account's payload, or why it has none", body = VietQrCodes),
        (status = 400, description = "`amount` is not a whole number of đồng", body = ErrorBody),
        (status = 404, description = "No such campaign", body = ErrorBody),
        (status = 410, description = "The campaign is closed: no codes", body = ErrorBody),
        (status = 422, description = "The campaign is not in VND", body = ErrorBody),
    )
)]
pub async fn codes(
    State(s): State<AppState>,
    ApiPath(id): ApiPath<String>,
    ApiQuery(q): ApiQuery<VietQrQuery>,
) -> Result<Sorted<VietQrCodes>, ApiError> {
    let amount = read_amount(q.amount.as_deref())?;
    let accounts = open_accounts(&s, &id).await?;
    let mut codes = VietQrCodes {
        campaign: id.clone(),
        message: suggested_message(&id),
        amount: amount.map(|a| a.to_string()),
        accounts: Vec::new(),
        skipped: Vec::new(),
    };
    for (index, a) in accounts.into_iter().enumerate() {
        match account_payload(&a, &id, amount) {
            Ok((bin, payload)) => codes.accounts.push(VietQrAccount {
                index,
                svg: format!("/api/v1/campaigns/{id}/vietqr/{index}/qr.svg"),
                bank: a.bank,
                bin,
                number: a.number,
                holder: a.holder,
                payload,
            }),
            Err(reason) => codes.skipped.push(VietQrSkipped {
                index,
                bank: a.bank,
                number: a.number,
                reason,
            }),
        }
    }
    Ok(Sorted(codes))
}

/// The QR code of one account's VietQR payload, as SVG (dark modules on white, the standard
/// quiet zone; one rectangle and one path, no script or external reference).
#[utoipa::path(
    get, path = "/campaigns/{id}/vietqr/{index}/qr.svg", tag = "campaigns",
    params(
        ("id" = String, Path, description = "The campaign's id"),
        ("index" = usize, Path, description = "The account's position in the campaign's `accounts`"),
        VietQrQuery,
    ),
    responses(
        (status = 200, description = "The QR code", body = String, content_type = "image/svg+xml"),
        (status = 400, description = "`amount` is not a whole number of đồng", body = ErrorBody),
        (status = 404, description = "No such campaign or account, or the account has no code (its bank is unknown)", body = ErrorBody),
        (status = 410, description = "The campaign is closed: no codes", body = ErrorBody),
        (status = 422, description = "The campaign is not in VND", body = ErrorBody),
    )
)]
pub async fn qr_code(
    State(s): State<AppState>,
    ApiPath((id, index)): ApiPath<(String, usize)>,
    ApiQuery(q): ApiQuery<VietQrQuery>,
) -> Result<Response, ApiError> {
    let amount = read_amount(q.amount.as_deref())?;
    let accounts = open_accounts(&s, &id).await?;
    let a = accounts
        .get(index)
        .ok_or_else(|| ApiError::not_found(format!("campaign {id:?} has no account {index}")))?;
    let (_, text) = account_payload(a, &id, amount)
        .map_err(|why| ApiError::not_found(format!("account {index} has no VietQR code: {why}")))?;
    let svg = qrcode::QrCode::new(text.as_bytes())
        .map_err(|e| {
            tracing::error!(error = %e, "drawing a VietQR code failed");
            internal()
        })?
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(256, 256)
        .build();
    let headers = [
        (
            header::CONTENT_TYPE,
            HeaderValue::from_static("image/svg+xml"),
        ),
        // Hidden at once when the campaign closes: never kept by a cache.
        (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        (
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(QR_CSP),
        ),
    ];
    Ok((headers, svg).into_response())
}
