//! `POST /donor-statements` (SPEC.md §21): anyone holding a donor's receipt codes, or their
//! identifier and one of their salts, gets the statement of their gifts over a range of days,
//! each with its receipt and proof against one signed checkpoint, and totals per currency.
//! It changes nothing; it is a POST so that identifiers and salts never appear in an address
//! (addresses end up in logs and browser history).

use super::error::{ApiError, ErrorBody};
use super::{ApiJson, AppState};
use crate::donor_statements::{statement_for, Donor};
use axum::extract::State;
use axum::Json;
use serde::Deserialize;
use utoipa::ToSchema;

/// Body of `POST /donor-statements`: `codes`, or `identifier` with `salt`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AskStatement {
    /// First day, `YYYY-MM-DD` (the day a gift was received counts).
    from: String,
    /// Last day, inclusive.
    to: String,
    /// Receipt codes (`R-<seq>-<8 hex digits>`), at most 500.
    codes: Option<Vec<String>>,
    /// The identifier a gift was committed to (e-mail, phone...).
    identifier: Option<String>,
    /// One of that identifier's salts (64 hex digits, from a receipt).
    salt: Option<String>,
}

/// A donor's statement (public, with receipt codes or an identifier and salt).
#[utoipa::path(
    post, path = "/donor-statements", tag = "donor-statements",
    request_body = AskStatement,
    responses(
        (status = 200, description = "The statement (SPEC.md §21)", body = Object),
        (status = 400, description = "The body is not JSON", body = ErrorBody),
        (status = 404, description = "The ledger has no signed checkpoint yet", body = ErrorBody),
        (status = 413, description = "The body is over 64 KiB", body = ErrorBody),
        (status = 415, description = "The body is not sent as `application/json`", body = ErrorBody),
        (status = 422, description = "A bad range, code, identifier or salt, named", body = ErrorBody),
    )
)]
pub async fn ask(
    State(s): State<AppState>,
    ApiJson(r): ApiJson<AskStatement>,
) -> Result<Json<crate::ledger::donor_statement::DonorStatement>, ApiError> {
    let donor =
        match (r.codes, r.identifier, r.salt) {
            (Some(codes), None, None) => Donor::Codes(codes),
            (None, Some(identifier), Some(salt)) => Donor::Identifier { identifier, salt },
            (None, Some(_), None) => return Err(ApiError::invalid(
                "salt",
                "salt: an identifier needs one of its salts (64 hex digits, printed on a receipt)",
            )),
            _ => {
                return Err(ApiError::invalid(
                    "codes",
                    "codes: send receipt codes, or an identifier with one of its salts, not both",
                ))
            }
        };
    let cp = s.sequencer.view().checkpoint.clone();
    let note = s.cosigned.note_for(&cp);
    let st = statement_for(
        &s.store,
        &cp,
        &note,
        &s.key_at(cp.size),
        &donor,
        (&r.from, &r.to),
    )
    .await?;
    Ok(Json(st))
}
