//! Two-person approval of payments (SPEC.md §17) through the API: a recorder proposes a
//! disbursement or transfer that an approval rule covers (`POST /proposals`: the full body,
//! checked as if it were appended, nothing appended); another staff member approves it
//! (`POST /proposals/{id}/approve`) or rejects it with a reason (`…/reject`); once the rule's
//! approvers have approved, the entry is appended with its `approval` key, exactly once.
//!
//! Exactly once: an approver first claims the proposal (only a pending or half-recorded one
//! can be claimed; only a pending one rejected), then appends it under the idempotency key
//! `proposal-<id>` with a body made only from stored facts (the proposal, its approvals in
//! order). Two approvers appending at once send the same request, and the sequencer answers
//! the second with the first's entry.

use super::appends::{ensure_leading, idempotency_key, today};
use super::auth::{Recorder, Staff};
use super::disbursements::{disbursement_body, Disburse};
use super::error::{ApiError, ErrorBody};
use super::transfers::{transfer_body, MoveMoney};
use super::{ApiJson, ApiPath, ApiQuery, AppState};
use crate::ledger::admission::{check_new_body, hidden_character};
use crate::ledger::approval::{needed, staff_id_of_token, Approval, MAX_APPROVERS};
use crate::ledger::entry::{format_recorded_at, Body, Disbursement, Transfer};
use crate::ledger::money::{Currency, Minor};
use crate::ledger::state::LedgerState;
use crate::sequencer::{AppendError, AppendRequest};
use crate::store::{NewProposal, ProposalFilter, Proposed, StoredProposal};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, IntoResponses, ToSchema};

/// The answers of the routes that change a proposal, besides those of every route.
#[derive(IntoResponses)]
#[allow(dead_code)] // Described, never built.
pub enum ProposalAnswers {
    /// Approved or rejected; `status` says whether the entry is now recorded (with `seq`).
    #[response(status = 200)]
    Changed(ProposalView),
    /// Proposed: stored, waiting for approval; nothing appended.
    #[response(status = 201)]
    Created(ProposalView),
    /// The body is not JSON, or the id is not a number.
    #[response(status = 400)]
    BadRequest(ErrorBody),
    /// The proposer cannot approve or reject their own payment (`own_proposal`).
    #[response(status = 403)]
    Forbidden(ErrorBody),
    /// No proposal has this id.
    #[response(status = 404)]
    NotFound(ErrorBody),
    /// Already recorded or rejected (`proposal_decided`), or the ledger refuses the payment
    /// (too little money, a closed campaign). Nothing was recorded.
    #[response(status = 409)]
    Conflict(ErrorBody),
    /// The body is over 64 KiB.
    #[response(status = 413)]
    TooLarge(ErrorBody),
    /// The body is not sent as `application/json`.
    #[response(status = 415)]
    NotJson(ErrorBody),
    /// A field is missing, unknown or invalid (`field` names it), or no rule covers the
    /// payment (`approval_not_needed`). Nothing was recorded.
    #[response(status = 422)]
    Invalid(ErrorBody),
    /// The server's storage is full. Nothing was recorded.
    #[response(status = 507)]
    StorageFull(ErrorBody),
}

/// Body of `POST /proposals`: exactly one of a disbursement or a transfer, with the fields
/// of `POST /disbursements` or `POST /transfers`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Propose {
    /// A disbursement, as `POST /disbursements` takes it.
    disbursement: Option<Disburse>,
    /// A transfer, as `POST /transfers` takes it.
    transfer: Option<MoveMoney>,
}

/// Body of `POST /proposals/{id}/reject`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Reject {
    /// Why, in words (shown to the proposer).
    reason: String,
}

/// `GET /proposals?status=`.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    /// `pending` (default: waiting for approval, oldest first) or `decided` (recorded or
    /// rejected, newest first).
    status: Option<String>,
}

/// One approval of a proposal.
#[derive(Serialize, ToSchema)]
pub struct ApprovalView {
    /// When it was given.
    approved_at: String,
    /// The approver's staff id.
    staff_id: String,
}

/// A proposal as the API shows it.
#[derive(Serialize, ToSchema)]
pub struct ProposalView {
    /// The amount in minor units, as text.
    amount: String,
    /// Who approved it, in order.
    approvals: Vec<ApprovalView>,
    /// The proposed entry body, without `approval`.
    #[schema(value_type = Object)]
    body: serde_json::Value,
    /// The paying campaign (a transfer's source).
    campaign: String,
    /// When it was proposed.
    created_at: String,
    /// The currency.
    currency: String,
    /// When it was recorded or rejected.
    decided_at: Option<String>,
    /// Who rejected it.
    decided_by: Option<String>,
    /// Its id.
    id: i64,
    /// `disbursement` or `transfer`.
    kind: String,
    /// Approvers other than the proposer the rules in force ask for now.
    needed: u64,
    /// The proposer's staff id.
    proposed_by: String,
    /// Why it was rejected.
    reason: Option<String>,
    /// The entry it became, once recorded.
    seq: Option<u64>,
    /// `pending`, `recording`, `recorded` or `rejected`.
    status: String,
}

/// Proposes a payment for approval (recorder).
#[utoipa::path(
    post, path = "/proposals", tag = "proposals",
    request_body = Propose,
    security(("bearer" = [])),
    responses(ProposalAnswers)
)]
pub async fn propose(
    State(s): State<AppState>,
    staff: Staff<Recorder>,
    headers: axum::http::HeaderMap,
    ApiJson(r): ApiJson<Propose>,
) -> Result<Response, ApiError> {
    let key = idempotency_key(&headers)?;
    let body = match (r.disbursement, r.transfer) {
        (Some(d), None) => disbursement_body(&s, d).await?,
        (None, Some(t)) => transfer_body(&s, t)?,
        _ => {
            return Err(ApiError::invalid(
                "disbursement",
                "send exactly one of disbursement or transfer",
            ))
        }
    };
    check_as_if_appended(&s, &body)?;
    let (amount, currency) = money_of(&body)?;
    if needed_now(&s, &body, amount, currency) == 0 {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "approval_not_needed",
            "no approval rule covers this payment: record it directly",
        )
        .field("amount"));
    }
    let proposal = NewProposal {
        kind: body.kind(),
        campaign: body.campaign().to_string(),
        body: serde_json::to_string(&body).map_err(|_| internal())?,
        proposed_by: staff_id_of_token(staff.token.id),
        recorded_by: staff.token.recorded_by(),
        created_at: now(),
        idempotency_key: key,
    };
    match s.store.create_proposal(&proposal).await? {
        Proposed::New(id) => {
            let stored = found(s.store.proposal(id).await?)?;
            Ok((StatusCode::CREATED, Json(view(&s, &stored)?)).into_response())
        }
        // The same request sent again (a retry after a lost answer): the proposal stored
        // the first time, never a second one that could become a second payment.
        Proposed::Existing(id) => {
            let stored = found(s.store.proposal(id).await?)?;
            if stored.body != proposal.body || stored.proposed_by != proposal.proposed_by {
                return Err(ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "idempotency_mismatch",
                    "this Idempotency-Key was used for another proposal: send a new key",
                )
                .field("Idempotency-Key"));
            }
            Ok((StatusCode::OK, Json(view(&s, &stored)?)).into_response())
        }
    }
}

/// Lists proposals (recorder).
#[utoipa::path(
    get, path = "/proposals", tag = "proposals",
    params(ListQuery),
    security(("bearer" = [])),
    responses((status = 200, description = "Up to 200 proposals", body = Vec<ProposalView>),
        (status = 400, description = "`status` is not pending or decided", body = ErrorBody))
)]
pub async fn list(
    State(s): State<AppState>,
    _staff: Staff<Recorder>,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> Result<Json<Vec<ProposalView>>, ApiError> {
    let filter = match q.status.as_deref() {
        None | Some("pending") => ProposalFilter::Pending,
        Some("decided") => ProposalFilter::Decided,
        Some(_) => {
            return Err(ApiError::bad_query(
                "status",
                "status is pending or decided",
            ))
        }
    };
    let stored = s.store.proposals(filter, 200).await?;
    stored
        .iter()
        .map(|p| view(&s, p))
        .collect::<Result<_, _>>()
        .map(Json)
}

/// One proposal (recorder).
#[utoipa::path(
    get, path = "/proposals/{id}", tag = "proposals",
    params(("id" = i64, Path, description = "The proposal's id")),
    security(("bearer" = [])),
    responses((status = 200, description = "The proposal", body = ProposalView),
        (status = 400, description = "The id is not a number", body = ErrorBody),
        (status = 404, description = "No such proposal", body = ErrorBody))
)]
pub async fn get(
    State(s): State<AppState>,
    _staff: Staff<Recorder>,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<ProposalView>, ApiError> {
    view(&s, &found(s.store.proposal(id).await?)?).map(Json)
}

/// Approves a proposal (any staff member but its proposer); the approval that completes
/// the rule appends the entry.
#[utoipa::path(
    post, path = "/proposals/{id}/approve", tag = "proposals",
    params(("id" = i64, Path, description = "The proposal's id")),
    security(("bearer" = [])),
    responses(ProposalAnswers)
)]
pub async fn approve(
    State(s): State<AppState>,
    staff: Staff<Recorder>,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<ProposalView>, ApiError> {
    let me = staff_id_of_token(staff.token.id);
    let p = found(s.store.proposal(id).await?)?;
    undecided(&p)?;
    if p.proposed_by == me {
        return Err(own_proposal("approve"));
    }
    s.store.approve_proposal(id, &me, &now()).await?;
    let p = found(s.store.proposal(id).await?)?;
    let shown = view(&s, &p)?;
    if (approvers(&p).len() as u64) < shown.needed {
        return Ok(Json(shown));
    }
    ensure_leading(&s)?;
    if !s.store.claim_proposal(id).await? {
        return view(&s, &found(s.store.proposal(id).await?)?).map(Json);
    }
    match append_approved(&s, &p).await {
        Ok(seq) => s.store.finish_proposal(id, seq, &now()).await?,
        Err(e) => {
            let latest = found(s.store.proposal(id).await?)?;
            if latest.status == "recorded" {
                return view(&s, &latest).map(Json);
            }
            s.store.release_proposal(id).await?;
            return Err(e.into());
        }
    }
    view(&s, &found(s.store.proposal(id).await?)?).map(Json)
}

/// Rejects a pending proposal with a reason (any staff member but its proposer).
#[utoipa::path(
    post, path = "/proposals/{id}/reject", tag = "proposals",
    params(("id" = i64, Path, description = "The proposal's id")),
    request_body = Reject,
    security(("bearer" = [])),
    responses(ProposalAnswers)
)]
pub async fn reject(
    State(s): State<AppState>,
    staff: Staff<Recorder>,
    ApiPath(id): ApiPath<i64>,
    ApiJson(r): ApiJson<Reject>,
) -> Result<Json<ProposalView>, ApiError> {
    let me = staff_id_of_token(staff.token.id);
    check_reason(&r.reason)?;
    let p = found(s.store.proposal(id).await?)?;
    undecided(&p)?;
    if p.proposed_by == me {
        return Err(own_proposal("reject"));
    }
    if !s
        .store
        .reject_proposal(id, &me, &now(), r.reason.trim())
        .await?
    {
        return Err(decided(&found(s.store.proposal(id).await?)?));
    }
    view(&s, &found(s.store.proposal(id).await?)?).map(Json)
}

/// Appends proposal `p` with its approvals, under its own idempotency key.
async fn append_approved(s: &AppState, p: &StoredProposal) -> Result<u64, AppendError> {
    let approval = Approval {
        approved_by: approvers(p)
            .into_iter()
            .take(MAX_APPROVERS as usize)
            .collect(),
        proposed_by: p.proposed_by.clone(),
    };
    let body = with_approval(p, approval).map_err(|e| {
        AppendError::Store(crate::store::StoreError::Corrupt(format!(
            "proposal {}: {e}",
            p.id
        )))
    })?;
    let request = AppendRequest {
        body,
        recorded_by: p.recorded_by.clone(),
        idempotency_key: Some(format!("proposal-{}", p.id)),
        separate_gift: false,
        private: None,
    };
    Ok(s.sequencer.append(request).await?.seq)
}

/// The stored body of `p` with `approval` filled in.
fn with_approval(p: &StoredProposal, approval: Approval) -> Result<Body, serde_json::Error> {
    Ok(match p.kind.as_str() {
        "transfer" => Body::Transfer(Transfer {
            approval: Some(approval),
            ..serde_json::from_str(&p.body)?
        }),
        _ => Body::Disbursement(Disbursement {
            approval: Some(approval),
            ..serde_json::from_str(&p.body)?
        }),
    })
}

/// The staff ids that approved `p`, in order, never its proposer.
fn approvers(p: &StoredProposal) -> Vec<String> {
    p.approvals
        .iter()
        .map(|(id, _)| id.clone())
        .filter(|id| *id != p.proposed_by)
        .collect()
}

/// Checks `body` as the sequencer would, but for the approval rules: its fields, the rules
/// for new entries, and the ledger rules against the latest view (campaign open, currency,
/// balance). Nothing is appended.
fn check_as_if_appended(s: &AppState, body: &Body) -> Result<(), ApiError> {
    body.validate().map_err(AppendError::Invalid)?;
    check_new_body(body, &today()).map_err(AppendError::Invalid)?;
    let view = s.sequencer.view();
    let campaigns = view
        .campaigns
        .iter()
        .map(|(_, c)| {
            let mut c = c.clone();
            c.approval = None;
            c
        })
        .collect();
    let state = LedgerState::resume(
        view.checkpoint.size,
        crate::ledger::ZERO_HASH,
        String::new(),
        campaigns,
    );
    state.check(body).map_err(AppendError::Invariant)?;
    Ok(())
}

/// The amount and currency of a payment body (proposals are only ever made of payments).
///
/// # Errors
/// An internal error for any other body.
fn money_of(body: &Body) -> Result<(Minor, Currency), ApiError> {
    match body {
        Body::Disbursement(d) => Ok((d.amount, d.currency)),
        Body::Transfer(t) => Ok((t.amount, t.currency)),
        _ => Err(internal()),
    }
}

/// Approvers the rules in force ask of `body` now (0 when none covers it).
fn needed_now(s: &AppState, body: &Body, amount: Minor, currency: Currency) -> u64 {
    let view = s.sequencer.view();
    let campaign = view
        .campaigns
        .iter()
        .find(|(_, c)| c.id == body.campaign())
        .and_then(|(_, c)| c.approval);
    let ledger = view.ledger_rules.of(currency).copied();
    needed(campaign.iter().chain(ledger.iter()), amount).map_or(0, |(n, _)| n)
}

fn view(s: &AppState, p: &StoredProposal) -> Result<ProposalView, ApiError> {
    let body: serde_json::Value = serde_json::from_str(&p.body).map_err(|_| internal())?;
    let with = with_approval(
        p,
        Approval {
            approved_by: vec![],
            proposed_by: p.proposed_by.clone(),
        },
    )
    .map_err(|_| internal())?;
    let (amount, currency) = money_of(&with)?;
    Ok(ProposalView {
        amount: amount.to_string(),
        approvals: p
            .approvals
            .iter()
            .map(|(staff_id, approved_at)| ApprovalView {
                approved_at: approved_at.clone(),
                staff_id: staff_id.clone(),
            })
            .collect(),
        body,
        campaign: p.campaign.clone(),
        created_at: p.created_at.clone(),
        currency: currency.to_string(),
        decided_at: p.decided_at.clone(),
        decided_by: p.decided_by.clone(),
        id: p.id,
        kind: p.kind.clone(),
        needed: needed_now(s, &with, amount, currency),
        proposed_by: p.proposed_by.clone(),
        reason: p.reason.clone(),
        seq: p.seq,
        status: p.status.clone(),
    })
}

fn found(p: Option<StoredProposal>) -> Result<StoredProposal, ApiError> {
    p.ok_or_else(|| ApiError::not_found("no proposal has this id"))
}

fn undecided(p: &StoredProposal) -> Result<(), ApiError> {
    match p.status.as_str() {
        "recorded" | "rejected" => Err(decided(p)),
        _ => Ok(()),
    }
}

fn decided(p: &StoredProposal) -> ApiError {
    let what = match (p.status.as_str(), p.seq) {
        ("recorded", Some(seq)) => format!("was already recorded as entry {seq}"),
        ("rejected", _) => "was rejected".to_string(),
        _ => "is being recorded".to_string(),
    };
    ApiError::new(
        StatusCode::CONFLICT,
        "proposal_decided",
        format!("proposal {} {what}", p.id),
    )
}

fn own_proposal(verb: &str) -> ApiError {
    ApiError::new(
        StatusCode::FORBIDDEN,
        "own_proposal",
        format!("you proposed this payment: another staff member must {verb} it"),
    )
}

/// A rejection's reason: a long text (SPEC.md §2.2) with no hidden characters.
fn check_reason(reason: &str) -> Result<(), ApiError> {
    let bad = |m: &str| Err(ApiError::invalid("reason", format!("reason {m}")));
    if reason.trim().is_empty() {
        return bad("must not be empty: say why the payment is rejected");
    }
    if reason.chars().count() > crate::ledger::entry::MAX_LONG_TEXT {
        return bad("is longer than 2000 characters");
    }
    if reason.chars().any(|c| c.is_control() && c != '\n') || hidden_character(reason).is_some() {
        return bad("contains control or hidden characters");
    }
    Ok(())
}

fn now() -> String {
    format_recorded_at(chrono::Utc::now())
}

fn internal() -> ApiError {
    ApiError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal",
        "internal error; see the server log",
    )
}
