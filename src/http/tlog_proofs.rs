//! A donation's receipt as a C2SP tlog-proof file (SPEC.md §12.1): the same proof as the
//! JSON receipt, against the newest checkpoint witnesses cosigned when it includes the
//! donation, else against the latest checkpoint (with the cosignatures gathered so far), so
//! fetching it again later gives one witnesses have cosigned.

use super::error::{ApiError, ErrorBody};
use super::{ApiPath, AppState};
use crate::ledger::receipt::parse_code;
use crate::ledger::tlog_proof::from_receipt;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};

/// The receipt of a donation as a `.tlog-proof` file.
#[utoipa::path(
    get, path = "/receipts/{code}/receipt.tlog-proof", tag = "receipts",
    params(("code" = String, Path, description = "The receipt code `R-<seq>-<8 hex digits>`")),
    responses(
        (status = 200, description = "The tlog-proof: the leaf as extra, its index, its inclusion proof and the cosigned checkpoint", body = String, content_type = "text/plain; charset=utf-8"),
        (status = 404, description = "No donation has this code", body = ErrorBody),
    )
)]
pub async fn tlog_proof(
    State(s): State<AppState>,
    ApiPath(code): ApiPath<String>,
) -> Result<Response, ApiError> {
    let Some((seq, prefix)) = parse_code(&code) else {
        return Err(ApiError::not_found(
            "a receipt code looks like R-<seq>-<8 hex digits>",
        ));
    };
    let receipt = super::receipts::issue_cosigned(&s, seq, prefix).await?;
    let disposition = format!("attachment; filename=\"{code}.tlog-proof\"");
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "text/plain; charset=utf-8".to_string(),
            ),
            (header::CACHE_CONTROL, "no-cache".to_string()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        from_receipt(&receipt).encode(),
    )
        .into_response())
}
