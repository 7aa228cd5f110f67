//! `POST /statements/file?campaign=ID&format=camt053|mt940&dry_run=…`: a recorder sends a
//! bank's camt.053 or MT940 file; it becomes a `statement` entry committing to its canonical
//! lines (SPEC.md §16) and a donation for every credit line no donation names yet. With
//! `dry_run=true` nothing is recorded and the answer is the preview.
//!
//! Everything is checked before anything is recorded (the file, the account, the balances,
//! each donation's fields; `crate::statement::record`). Then the statement and its donations
//! are recorded in one all-or-nothing step: a refusal or failure at any point records none of
//! them, and the answer says why, naming the line.

use super::appends::ensure_leading;
use super::auth::{Recorder, Staff};
use super::error::ApiError;
use super::statements::MAX_STATEMENT_BYTES;
use super::{ApiQuery, AppState};
use crate::evidence::EvidenceError;
use crate::ledger::entry::SignedMinor;
use crate::sequencer::AppendError;
use crate::statement::formats::prepare::{parse_exclusions, Format, PrepareError};
use crate::statement::formats::{Header, Publish};
use crate::statement::record::{check_file, record_prepared, FileImport, RecordError};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};
use utoipa::IntoParams;

/// The most donations and payments out the answer lists (the counts cover them all).
const MAX_LISTED: usize = 1000;

/// Query of `POST /statements/file`.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct FileQuery {
    /// The campaign whose official account the statement is of; new donations go to it.
    campaign: String,
    /// `camt053`, `mt940` or `csv`.
    #[param(value_type = String)]
    format: Format,
    /// Show what would be recorded, and record nothing.
    #[serde(default)]
    dry_run: bool,
    /// Publish the other party's name in the lines and as the donor's name.
    #[serde(default)]
    publish_names: bool,
    /// Publish the transfer messages in the lines.
    #[serde(default)]
    publish_memos: bool,
    /// Lines no entry should name, as `line:reason` separated by commas (`4:interest,5:fee`).
    exclude: Option<String>,
    /// The account number, when the file does not say (CSV).
    account: Option<String>,
    /// The first day covered, `YYYY-MM-DD`, when the file does not say (CSV).
    from: Option<String>,
    /// The last day covered, when the file does not say (CSV).
    to: Option<String>,
    /// The opening balance in signed minor units, when the file does not say (CSV).
    opening: Option<i64>,
    /// The closing balance in signed minor units, when the file does not say (CSV).
    closing: Option<i64>,
}

/// The sequencer's refusal, naming the statement line of a refused donation.
fn refused_donation(e: AppendError, donations: &[u64]) -> ApiError {
    match e {
        AppendError::InGroup { index, source } => {
            let line = index
                .checked_sub(1)
                .and_then(|i| donations.get(i))
                .copied()
                .unwrap_or_default();
            let mut err = ApiError::from(*source);
            err.message = format!(
                "line {line}: the donation it becomes: {}; nothing was recorded",
                err.message
            );
            err
        }
        e => e.into(),
    }
}

/// A statement file not recorded, in the API's words; `donations` are the lines whose
/// donations were being recorded (to name the line of a refused one).
fn refused_record(e: RecordError, donations: &[u64]) -> ApiError {
    match e {
        RecordError::Prepare(p) => refused(p),
        RecordError::Invalid(f) => ApiError::invalid(&f.field, f.problem),
        RecordError::CampaignClosed(_) => {
            ApiError::new(StatusCode::CONFLICT, "campaign_closed", e.to_string()).field("campaign")
        }
        RecordError::Donation { .. } => ApiError::invalid("file", e.to_string()),
        RecordError::Append(a) => refused_donation(a, donations),
        RecordError::Lines(b) => EvidenceError::from(b).into(),
    }
}

fn refused(e: PrepareError) -> ApiError {
    let field = match &e {
        PrepareError::UnknownCampaign(_) | PrepareError::Currency { .. } => "campaign",
        PrepareError::NotOfficial { .. } => "account",
        PrepareError::Exclusion(_) => "exclude",
        PrepareError::Store(_) => {
            return ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "the database failed",
            )
        }
        _ => "file",
    };
    ApiError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_statement",
        e.to_string(),
    )
    .field(field)
}

/// Records a camt.053 or MT940 statement and its missing donations, or previews them.
#[utoipa::path(
    post, path = "/statements/file", tag = "statements",
    params(FileQuery),
    request_body(content = String, content_type = "application/xml"),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The preview (dry run)", body = Object),
        (status = 201, description = "Recorded", body = Object),
        (status = 400, description = "A query parameter is missing or unknown (`format` is `camt053`, `mt940` or `csv`)", body = super::error::ErrorBody),
        (status = 413, description = "The file is larger than 64 MiB", body = super::error::ErrorBody),
        (status = 422, description = "The file, account, balances or exclusions are refused", body = super::error::ErrorBody),
    )
)]
pub async fn record_file(
    State(s): State<AppState>,
    staff: Staff<Recorder>,
    ApiQuery(q): ApiQuery<FileQuery>,
    file: Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    if file.len() > MAX_STATEMENT_BYTES {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            "the statement is larger than 64 MiB",
        ));
    }
    let exclusions = parse_exclusions(q.exclude.as_deref().unwrap_or(""))
        .map_err(|e| ApiError::invalid("exclude", e))?;
    let publish = Publish {
        names: q.publish_names,
        memos: q.publish_memos,
    };
    let given = Header {
        account: q.account,
        currency: None,
        from: q.from,
        to: q.to,
        opening: q.opening.map(SignedMinor),
        closing: q.closing.map(SignedMinor),
    };
    let import = FileImport {
        campaign: q.campaign,
        format: q.format,
        publish,
        exclusions,
        given,
    };
    let prepared = check_file(&s.store, &s.sequencer, &file, import)
        .await
        .map_err(|e| refused_record(e, &[]))?;
    let line_of = |n: u64| {
        n.checked_sub(1)
            .and_then(|i| prepared.lines.line(i as usize))
            .and_then(Result::ok)
    };
    let preview = json!({
        "statement": prepared.statement,
        "donations_count": prepared.donations.len(),
        "donations": prepared.donations.iter().take(MAX_LISTED).filter_map(|n| prepared.donation(*n).ok().map(|d| json!({
            "line": n, "date": d.received_at, "reference": d.reference, "amount": d.amount, "donor": d.donor,
        }))).collect::<Vec<_>>(),
        "unnamed_debits_count": prepared.unnamed_debits.len(),
        "unnamed_debits": prepared.unnamed_debits.iter().take(MAX_LISTED).filter_map(|n| line_of(*n).map(|l| json!({
            "line": n, "date": l.date, "id": l.id, "amount": l.amount,
        }))).collect::<Vec<_>>(),
    });
    drop(file);
    if q.dry_run {
        return Ok((
            StatusCode::OK,
            Json(json!({ "dry_run": true, "preview": preview })),
        ));
    }
    ensure_leading(&s)?;
    let recorded = record_prepared(
        &s.sequencer,
        &s.evidence.blobs,
        &prepared,
        &staff.token.recorded_by(),
    )
    .await
    .map_err(|e| refused_record(e, &prepared.donations))?;
    let statement = recorded.statement;
    let seqs = (1..=recorded.donations).map(|i| statement.seq + i);
    let recorded: Vec<(u64, u64)> = prepared.donations.iter().copied().zip(seqs).collect();
    Ok((
        StatusCode::CREATED,
        Json(json!({
            "dry_run": false,
            "statement_seq": statement.seq,
            "recorded": recorded.len(),
            "donations": recorded.iter().take(MAX_LISTED).map(|(line, seq)| json!({ "line": line, "seq": seq })).collect::<Vec<_>>(),
            "first_seq": recorded.first().map(|r| r.1),
            "last_seq": recorded.last().map(|r| r.1),
            "in_line_order": recorded.windows(2).all(|w| w[0].0 < w[1].0 && w[0].1 < w[1].1),
            "not_recorded": [],
            "preview": preview,
        })),
    ))
}
