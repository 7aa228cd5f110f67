//! `POST /api/v1/statements?campaign=ID&dry_run=true|false`: a recorder uploads a bank
//! statement (the CSV text as the body) and its new credits become donations. See
//! [`crate::statement::import`].
//!
//! The body is read as it arrives into a temporary file (at most [`MAX_STATEMENT_BYTES`]),
//! the import reads that file a piece at a time, and the report is sent as it is read
//! back: a request holds a few numbers per statement line, never the statement or the
//! report.

use super::auth::{Recorder, Staff};
use super::error::{ApiError, ErrorBody};
use super::schema::StatementReportSchema;
use super::{ApiQuery, AppState};
use crate::statement::import::{check_campaign, import, ImportError, ImportRequest};
use crate::statement::{Mapping, StatementError};
use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt as _;
use serde::Deserialize;
use tokio::io::AsyncWriteExt as _;
use utoipa::IntoParams;

/// The largest statement accepted: 64 MiB, about 500,000 lines of a Vietnamese bank's
/// export (the only route with a body above 64 KiB but evidence).
pub const MAX_STATEMENT_BYTES: usize = 64 * 1024 * 1024;

/// Media types a statement may be sent as (a missing type counts as the last).
const ACCEPTED_TYPES: [&str; 4] = [
    "text/csv",
    "text/plain",
    "application/vnd.ms-excel",
    "application/octet-stream",
];

/// Query of `POST /statements`: the campaign, the mode and optional column names (the
/// columns are found by their headers, in Vietnamese or English, when not named).
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct StatementQuery {
    /// The campaign the donations are for.
    campaign: String,
    /// Report what would be recorded, and record nothing.
    #[serde(default)]
    dry_run: bool,
    /// Publish the payer's name from the statement as the donor's (default `Anonymous`).
    #[serde(default)]
    publish_payer_names: bool,
    /// The header of the date column.
    date_column: Option<String>,
    /// The header of a signed amount column.
    amount_column: Option<String>,
    /// The header of the credit (money in) column.
    credit_column: Option<String>,
    /// The header of the debit (money out) column.
    debit_column: Option<String>,
    /// The header of the description column.
    description_column: Option<String>,
    /// The header of the transaction id column.
    transaction_id_column: Option<String>,
    /// The header of the payer name column.
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
            ImportError::Io(io) if io.kind() == std::io::ErrorKind::StorageFull => {
                crate::store::StoreError::Full(io.to_string()).into()
            }
            ImportError::Io(io) => {
                tracing::error!(error = %io, "statement import: temporary file");
                ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "the statement could not be held in a temporary file; nothing was imported; see the server log",
                )
            }
        }
    }
}

/// Refuses a body sent as anything but statement text: `curl -d @file` sends
/// `application/x-www-form-urlencoded` (and drops the line ends), a form upload
/// `multipart/form-data`, neither of which is the statement's own bytes.
fn check_content_type(headers: &HeaderMap) -> Result<(), ApiError> {
    let Some(value) = headers.get(header::CONTENT_TYPE) else {
        return Ok(());
    };
    let text = value.to_str().unwrap_or_default().to_ascii_lowercase();
    let mut parts = text.split(';').map(str::trim);
    let media_type = parts.next().unwrap_or_default();
    let charset_ok = parts
        .filter_map(|p| p.strip_prefix("charset="))
        .all(|c| matches!(c.trim_matches('"'), "utf-8" | "utf8" | "us-ascii"));
    if ACCEPTED_TYPES.contains(&media_type) && charset_ok {
        return Ok(());
    }
    Err(ApiError::new(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
        format!(
            "a statement is the bank's CSV file sent as it is, in UTF-8, with Content-Type {} (not {text:?}); with curl: --data-binary @statement.csv -H 'Content-Type: text/csv'",
            ACCEPTED_TYPES.join(", ")
        ),
    )
    .field("Content-Type"))
}

fn too_large() -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "too_large",
        format!(
            "a statement may be at most {} MiB; split it by month; nothing was imported",
            MAX_STATEMENT_BYTES >> 20
        ),
    )
}

/// Writes `body` into a new temporary file as it arrives, refusing more than
/// [`MAX_STATEMENT_BYTES`].
async fn spill(body: Body) -> Result<tokio::fs::File, ApiError> {
    let file = tempfile::tempfile().map_err(|e| ApiError::from(ImportError::Io(e)))?;
    let mut file = tokio::io::BufWriter::with_capacity(64 * 1024, tokio::fs::File::from_std(file));
    let mut stream = body.into_data_stream();
    let mut received = 0usize;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|_| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "incomplete_body",
                "the statement did not arrive whole; nothing was imported; send it again",
            )
        })?;
        received += chunk.len();
        if received > MAX_STATEMENT_BYTES {
            return Err(too_large());
        }
        file.write_all(&chunk)
            .await
            .map_err(|e| ApiError::from(ImportError::Io(e)))?;
    }
    if received == 0 {
        return Err(ImportError::Statement(StatementError::Empty).into());
    }
    file.flush()
        .await
        .map_err(|e| ApiError::from(ImportError::Io(e)))?;
    Ok(file.into_inner())
}

/// Imports (or previews) a bank statement (recorder): its new credits become donations,
/// and the answer reports every line.
#[utoipa::path(
    post, path = "/statements", tag = "statements",
    params(StatementQuery),
    request_body(content = String, description = "The bank's CSV file as it is, in UTF-8, at most 64 MiB", content_type = "text/csv"),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Donations were recorded; the report of every line", body = StatementReportSchema),
        (status = 200, description = "Nothing was recorded (a dry run, or nothing new); the report of every line", body = StatementReportSchema),
        (status = 400, description = "A bad query, or a body that did not arrive whole", body = ErrorBody),
        (status = 409, description = "The campaign is closed", body = ErrorBody),
        (status = 413, description = "Over 64 MiB; nothing was imported", body = ErrorBody),
        (status = 415, description = "Not sent as the statement's own bytes", body = ErrorBody),
        (status = 422, description = "An unknown campaign, or a statement that cannot be read (naming the line or column); nothing was imported", body = ErrorBody),
        (status = 507, description = "The server's storage is full", body = ErrorBody),
    )
)]
pub async fn import_statement(
    State(s): State<AppState>,
    staff: Staff<Recorder>,
    ApiQuery(q): ApiQuery<StatementQuery>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    check_content_type(&headers)?;
    check_campaign(&s.sequencer, &q.campaign)?;
    let mut file = spill(body).await?;
    let request = ImportRequest {
        campaign: q.campaign,
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
    // The import runs to its end even if the client goes away: once donations are being
    // queued, every line's outcome is decided and recorded, never half of them.
    let store = s.store.clone();
    let sequencer = s.sequencer.clone();
    let report = tokio::spawn(async move { import(&store, &sequencer, &request, &mut file).await })
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "statement import task failed");
            ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "internal error; see the server log",
            )
        })??;
    let status = if report.recorded > 0 {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((
        status,
        [(header::CONTENT_TYPE, "application/json")],
        Body::from_stream(report.into_json_chunks()),
    )
        .into_response())
}
