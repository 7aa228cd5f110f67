//! `POST /api/v1/statements?campaign=ID&dry_run=true|false`: a recorder uploads a bank
//! statement (the CSV text as the body) and its new credits become donations. See
//! [`crate::statement_import`].

use super::auth::{Role, Staff};
use super::error::ApiError;
use super::{ApiQuery, AppState};
use crate::statement::Mapping;
use crate::statement_import::{import, ImportError, ImportRequest};
use axum::extract::rejection::BytesRejection;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use bytes::Bytes;
use serde::Deserialize;

/// The largest statement accepted (the only route with a body above 64 KiB but evidence).
pub const MAX_STATEMENT_BYTES: usize = 5 * 1024 * 1024;

/// Query of `POST /statements`: the campaign, the mode and optional column names.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatementQuery {
    campaign: String,
    #[serde(default)]
    dry_run: bool,
    #[serde(default)]
    publish_payer_names: bool,
    date_column: Option<String>,
    amount_column: Option<String>,
    credit_column: Option<String>,
    debit_column: Option<String>,
    description_column: Option<String>,
    transaction_id_column: Option<String>,
    payer_column: Option<String>,
}

impl From<ImportError> for ApiError {
    fn from(e: ImportError) -> Self {
        match e {
            ImportError::Statement(s) => {
                let mut err = ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "invalid_statement",
                    format!("{s}; nothing was imported"),
                );
                err.field = s.column().map(str::to_string);
                err
            }
            ImportError::UnknownCampaign(_) => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "unknown_campaign",
                e.to_string(),
            )
            .field("campaign"),
            ImportError::CampaignClosed(_) => {
                ApiError::new(StatusCode::CONFLICT, "campaign_closed", e.to_string())
                    .field("campaign")
            }
            ImportError::NotLeader => crate::sequencer::AppendError::NotLeader.into(),
            ImportError::Store(s) => s.into(),
        }
    }
}

/// Imports (or previews) a statement; answers the report of every line.
pub async fn import_statement(
    State(s): State<AppState>,
    staff: Staff,
    ApiQuery(q): ApiQuery<StatementQuery>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    staff.require(Role::Recorder)?;
    let body = body.map_err(|_| {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            format!("a statement may be at most {MAX_STATEMENT_BYTES} bytes"),
        )
    })?;
    let text = String::from_utf8(body.to_vec()).map_err(|_| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_statement",
            "the statement must be UTF-8 text (save the CSV as UTF-8)",
        )
    })?;
    let request = ImportRequest {
        campaign: q.campaign,
        text,
        mapping: Mapping {
            date: q.date_column,
            amount: q.amount_column,
            credit: q.credit_column,
            debit: q.debit_column,
            description: q.description_column,
            transaction_id: q.transaction_id_column,
            payer: q.payer_column,
        },
        publish_payer_names: q.publish_payer_names,
        dry_run: q.dry_run,
        recorded_by: staff.token.recorded_by(),
    };
    let report = import(&s.store, &s.sequencer, request).await?;
    let status = if report.recorded > 0 {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(report)).into_response())
}
