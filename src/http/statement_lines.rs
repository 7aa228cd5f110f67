//! Bank statements as ledger entries (SPEC.md §16): a recorder records one with its lines
//! (`POST /statements/entries`); anyone fetches a statement's published lines
//! (`GET /statements/{lines_sha256}/lines`), finds their own bank line with its proofs
//! (`GET /statements/lines?id=…` or `?amount=…&date=…`), and reads each account's
//! reconciliation (`GET /statements/reconciliation`).

use super::acknowledgement;
use super::appends::{ensure_leading, idempotency_key};
use super::auth::{Recorder, Staff};
use super::error::ApiError;
use super::{ApiJson, ApiPath, ApiQuery, AppState};
use crate::evidence::EvidenceError;
use crate::ledger::entry::{Account, Body, Exclusion, SignedMinor, Statement};
use crate::ledger::hash::Hash;
use crate::ledger::reconcile::{LinesFile, StatementLine};
use crate::ledger::Currency;
use crate::sequencer::{AppendRequest, StatementImport};
use axum::extract::State;
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use axum::Json;
use bytes::Bytes;
use serde::Deserialize;
use serde_json::{json, Value};
use std::sync::Arc;
use utoipa::{IntoParams, ToSchema};

/// The media type the published lines are stored and served with.
const LINES_MEDIA_TYPE: &str = "application/x-ndjson";

/// Body of `POST /statements/entries`: one bank statement and all its lines, in the bank's
/// order.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordStatement {
    /// The bank account: `{bank, holder, number}`, one of a campaign's official accounts.
    #[schema(value_type = Object)]
    account: Account,
    /// The account's currency.
    #[schema(value_type = String)]
    currency: Currency,
    /// First day covered, `YYYY-MM-DD`.
    from: String,
    /// Last day covered, `YYYY-MM-DD`.
    to: String,
    /// Opening balance in signed minor units, as text (`"-5000"`, `"0"`).
    #[schema(value_type = String)]
    opening: SignedMinor,
    /// Closing balance in signed minor units, as text.
    #[schema(value_type = String)]
    closing: SignedMinor,
    /// SHA-256 of the file the bank delivered.
    #[schema(value_type = String)]
    file_sha256: Hash,
    /// The lines (SPEC.md §16.2), in the bank's order.
    #[schema(value_type = Vec<Object>)]
    lines: Vec<StatementLine>,
    /// Lines no entry names, with the typed reason (`interest`, `fee`, ...).
    #[serde(default)]
    #[schema(value_type = Vec<Object>)]
    exclusions: Vec<Exclusion>,
}

/// Records a bank statement: its lines are stored as a content-addressed file and the
/// `statement` entry commits to them (recorder).
#[utoipa::path(
    post, path = "/statements/entries", tag = "statements",
    request_body = RecordStatement,
    params(super::openapi::IdempotencyKey),
    security(("bearer" = [])),
    responses(super::openapi::Appended)
)]
pub async fn record(
    State(s): State<AppState>,
    staff: Staff<Recorder>,
    headers: HeaderMap,
    ApiJson(r): ApiJson<RecordStatement>,
) -> Result<Response, ApiError> {
    ensure_leading(&s)?;
    let (statement, lines) = admit(r)?;
    let stored = s
        .evidence
        .blobs
        .store(Bytes::copy_from_slice(lines.bytes()), LINES_MEDIA_TYPE)
        .await
        .map_err(EvidenceError::from)?;
    let import = StatementImport {
        request: AppendRequest {
            body: Body::Statement(statement),
            recorded_by: staff.token.recorded_by(),
            idempotency_key: idempotency_key(&headers)?,
            separate_gift: false,
            private: None,
        },
        lines: Arc::new(lines),
    };
    match s
        .sequencer
        .record_statement(import, std::iter::empty())
        .await
    {
        Ok(recorded) => {
            let witnesses = acknowledgement::witnesses(&s, &recorded.statement).await?;
            Ok(acknowledgement::respond(
                &recorded.statement,
                acknowledgement::body(&recorded.statement, Some(&witnesses))?,
            ))
        }
        Err(e) => {
            if stored.created {
                // Refused: leave no trace (a file another statement names was not created here).
                let _ = s.evidence.blobs.delete(&stored.hash).await;
            }
            Err(e.into())
        }
    }
}

/// The statement entry of `r` and its file of lines, each line checked here so a refusal names the
/// field (`lines[i].amount`). The rules that involve the ledger (an official account, no
/// overlap or gap with the account's statements, the sum) are the sequencer's to judge, one
/// statement at a time (`StatementRefused`).
fn admit(r: RecordStatement) -> Result<(Statement, LinesFile), ApiError> {
    for (i, line) in r.lines.iter().enumerate() {
        line.validate().map_err(|e| {
            ApiError::invalid(
                &format!("lines[{i}].{}", e.field),
                format!("line {}: {}", i + 1, e.problem),
            )
        })?;
        if line.date < r.from || line.date > r.to {
            return Err(ApiError::invalid(
                &format!("lines[{i}].date"),
                format!(
                    "line {} is booked on {}, outside the statement's {} to {}",
                    i + 1,
                    line.date,
                    r.from,
                    r.to
                ),
            ));
        }
    }
    let file = LinesFile::of(&r.lines);
    let statement = Statement {
        account: r.account,
        closing: r.closing,
        currency: r.currency,
        exclusions: r.exclusions,
        file_sha256: r.file_sha256,
        from: r.from,
        lines: file.len() as u64,
        lines_root: file.root(),
        lines_sha256: file.sha256(),
        opening: r.opening,
        to: r.to,
    };
    let body = Body::Statement(statement.clone());
    body.validate()
        .map_err(|e| ApiError::invalid(&e.field, e.problem))?;
    Ok((statement, file))
}

/// Every statement in the latest signed checkpoint, with its `seq`.
async fn statements(s: &AppState) -> Result<Vec<(u64, Statement)>, ApiError> {
    let size = s.sequencer.view().checkpoint.size;
    s.statement_reads.statements(s, size).await
}

/// The published lines of the statement whose file has SHA-256 `sha256`, as stored.
#[utoipa::path(
    get, path = "/statements/{sha256}/lines", tag = "statements",
    params(("sha256" = String, Path, description = "The statement's `lines_sha256`")),
    responses(
        (status = 200, description = "One canonical line per line (SPEC.md §16.2)", content_type = "application/x-ndjson", body = String),
        (status = 400, description = "`sha256` is not 64 lower-case hex digits", body = super::error::ErrorBody),
        (status = 404, description = "No statement publishes such a file", body = super::error::ErrorBody),
    )
)]
pub async fn lines(
    State(s): State<AppState>,
    ApiPath(sha): ApiPath<String>,
) -> Result<Response, ApiError> {
    let hash = Hash::from_hex(&sha).map_err(|e| ApiError::bad_query("sha256", e))?;
    if !statements(&s)
        .await?
        .iter()
        .any(|(_, st)| st.lines_sha256 == hash)
    {
        return Err(ApiError::not_found(
            "no statement publishes a file of lines with this SHA-256",
        ));
    }
    let blob = s
        .evidence
        .blobs
        .get(&hash)
        .await
        .map_err(EvidenceError::from)?
        .ok_or_else(|| ApiError::not_found("the statement's lines are not stored here"))?;
    Ok(([(header::CONTENT_TYPE, LINES_MEDIA_TYPE)], blob.bytes).into_response())
}

/// Query of `GET /statements/lines`: a bank transaction id, or an amount and a day.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct LineQuery {
    /// The bank's transaction id, exactly as on the donor's bank slip.
    id: Option<String>,
    /// The amount in minor units (`500000` đồng).
    amount: Option<i64>,
    /// The booking day, `YYYY-MM-DD`.
    date: Option<String>,
}

/// A donor's bank line: the line, its inclusion proof in the statement's root, the statement
/// entry with its inclusion proof in the latest signed checkpoint, and the entries naming it
/// (none: a provable omission).
#[utoipa::path(
    get, path = "/statements/lines", tag = "statements",
    params(LineQuery),
    responses(
        (status = 200, description = "The matching lines, with proofs", body = Object),
        (status = 400, description = "Neither `id` nor `amount` and `date` given", body = super::error::ErrorBody),
    )
)]
pub async fn find_line(
    State(s): State<AppState>,
    ApiQuery(q): ApiQuery<LineQuery>,
) -> Result<Json<Value>, ApiError> {
    let wanted = |l: &StatementLine| match (&q.id, q.amount, &q.date) {
        (Some(id), _, _) => l.id == *id,
        (None, Some(a), Some(d)) => l.amount.get() == a && l.date == *d,
        _ => false,
    };
    if q.id.is_none() && (q.amount.is_none() || q.date.is_none()) {
        return Err(ApiError::bad_query(
            "id",
            "give the bank transaction id, or the amount and the date",
        ));
    }
    let checkpoint = s.sequencer.view().checkpoint.clone();
    let mut matches = Vec::new();
    for (seq, st) in s.statement_reads.statements(&s, checkpoint.size).await? {
        let Some(index) = s.statement_reads.index(&s, &st.lines_sha256).await? else {
            continue;
        };
        let candidates = match (&q.id, q.amount, &q.date) {
            (Some(id), _, _) => index.with_id(id),
            (None, Some(a), Some(d)) => index.with_amount(a, d),
            _ => Vec::new(),
        };
        if candidates.is_empty() {
            continue;
        }
        let Some(file) = s
            .evidence
            .blobs
            .get(&st.lines_sha256)
            .await
            .map_err(EvidenceError::from)?
        else {
            continue;
        };
        for i in candidates {
            let Some(line) = index.line(&file.bytes, i).filter(|l| wanted(l)) else {
                continue;
            };
            let proof = crate::ledger::merkle::inclusion_proof(&index.hashes, i)
                .map_err(|e| ApiError::invalid("id", e.to_string()))?;
            matches.push(line_answer(&s, &checkpoint, seq, &st, proof, i, &line).await?);
        }
    }
    Ok(Json(
        json!({ "matches": matches, "checkpoint": checkpoint.note }),
    ))
}

/// One found line with both proofs and what names it.
async fn line_answer(
    s: &AppState,
    checkpoint: &crate::store::StoredCheckpoint,
    seq: u64,
    st: &Statement,
    proof: Vec<Hash>,
    i: usize,
    line: &StatementLine,
) -> Result<Value, ApiError> {
    let (leaf_hash, entry_proof) = s
        .store
        .leaf_and_inclusion_proof(seq, checkpoint.size)
        .await?;
    let entry = s
        .store
        .entry(seq)
        .await?
        .ok_or_else(|| ApiError::not_found("statement entry"))?;
    let mut named_by = Vec::new();
    for e in s.store.find_by_reference(&line.id, 100).await? {
        if !s.store.is_reversed(e.seq).await? {
            named_by.push(e.seq);
        }
    }
    let number = i as u64 + 1;
    let excluded = st
        .exclusions
        .iter()
        .find(|x| x.line == number)
        .map(|x| x.reason.as_str());
    let omission = line.is_credit() && named_by.is_empty() && excluded.is_none();
    Ok(json!({
        "statement": seq,
        "account": st.account,
        "line_number": number,
        "line": String::from_utf8_lossy(&line.encode()),
        "line_leaf_hash": line.leaf_hash(),
        "line_proof": proof,
        "lines": st.lines,
        "lines_root": st.lines_root,
        "entry": String::from_utf8_lossy(&entry.leaf),
        "entry_proof": {
            "index": seq,
            "size": checkpoint.size,
            "leaf_hash": leaf_hash,
            "root": checkpoint.root,
            "proof": entry_proof,
        },
        "named_by": named_by,
        "excluded": excluded,
        "omission": omission,
    }))
}

/// Every account's reconciliation (SPEC.md §16.3), from the whole ledger and the stored lines.
#[utoipa::path(
    get, path = "/statements/reconciliation", tag = "statements",
    responses((status = 200, description = "Per account: reconciled through, balances, findings", body = Object))
)]
pub async fn reconciliation(State(s): State<AppState>) -> Result<Json<Value>, ApiError> {
    let size = s.sequencer.view().checkpoint.size;
    let answer = s.statement_reads.reconciliation(&s, size).await?;
    Ok(Json(Value::clone(&answer)))
}
