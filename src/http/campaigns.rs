//! Campaigns: anyone reads them (`GET /campaigns`, `/campaigns/{id}`, and a campaign's
//! entries newest first); admins open (`POST /campaigns`) and close
//! (`POST /campaigns/{id}/close`) them.

use super::appends::{amount, append, ensure_leading};
use super::auth::{Admin, Staff};
use super::error::{ApiError, ErrorBody};
use super::log::EntryRow;
use super::schema::{AccountSchema, AmountText, CampaignSummarySchema};
use super::sorted::Sorted;
use super::{ApiJson, ApiPath, ApiQuery, AppState};
use crate::ledger::entry::{Account, Body, CampaignClose, CampaignOpen};
use crate::ledger::money::Currency;
use crate::ledger::totals::CampaignSummary;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

/// A campaign: its totals, and what its `campaign.open` entry says.
#[derive(Serialize, ToSchema)]
pub struct CampaignDetails {
    /// Its totals.
    #[serde(flatten)]
    #[schema(value_type = CampaignSummarySchema)]
    summary: CampaignSummary,
    /// What its opening entry says (absent only if that entry cannot be read).
    #[serde(flatten)]
    opening: Option<Opening>,
    /// The position of its `campaign.open` entry.
    opened_seq: u64,
    /// The two-person approval rules its payments keep now (SPEC.md §17): its own and the
    /// ledger-wide rule of its currency; empty when none is in force.
    approval_rules: Vec<RuleInForce>,
}

/// An approval rule in force (SPEC.md §17.3).
#[derive(Serialize, ToSchema)]
pub struct RuleInForce {
    /// Distinct approvers, other than the proposer, each covered payment needs.
    approvers: u64,
    /// `campaign` (the campaign's own rule) or `ledger` (the whole ledger's, for its currency).
    scope: &'static str,
    /// The entry that declared it.
    since: u64,
    /// The smallest payment it covers, in minor units.
    #[schema(value_type = String)]
    threshold: String,
}

/// The rules in force for the campaign opened at `opened_seq`.
fn rules_in_force(s: &AppState, opened_seq: u64) -> Vec<RuleInForce> {
    let view = s.sequencer.view();
    let Some((_, c)) = view.campaigns.iter().find(|(seq, _)| *seq == opened_seq) else {
        return Vec::new();
    };
    let shown = |scope, r: &crate::ledger::approval::Rule| RuleInForce {
        approvers: r.approvers,
        scope,
        since: r.since,
        threshold: r.threshold.to_string(),
    };
    c.approval
        .iter()
        .map(|r| shown("campaign", r))
        .chain(view.ledger_rules.of(c.currency).map(|r| shown("ledger", r)))
        .collect()
}

/// What a campaign's `campaign.open` entry says, copied from its leaf.
#[derive(Serialize, ToSchema)]
pub struct Opening {
    /// What the money is for.
    #[schema(value_type = String)]
    purpose: Value,
    /// Where donors may pay.
    #[schema(value_type = Vec<AccountSchema>)]
    accounts: Value,
    /// The last day of the campaign, when it has one.
    #[serde(skip_serializing_if = "Value::is_null")]
    #[schema(value_type = String, required = false)]
    ends_on: Value,
    /// When it was opened (`recorded_at` of its opening entry).
    #[schema(value_type = String)]
    opened_at: Value,
}

impl Opening {
    /// The opening details in `leaf` (members it lacks are `null`).
    fn of(leaf: &[u8]) -> Opening {
        let leaf: Value = serde_json::from_slice(leaf).unwrap_or(Value::Null);
        let body = &leaf["body"];
        Opening {
            purpose: body["purpose"].clone(),
            accounts: body["accounts"].clone(),
            ends_on: body["ends_on"].clone(),
            opened_at: leaf["recorded_at"].clone(),
        }
    }
}

/// The details of the campaign opened at `opened_seq`, whose totals are `summary`.
async fn details(
    s: &AppState,
    opened_seq: u64,
    summary: &CampaignSummary,
) -> Result<CampaignDetails, ApiError> {
    let opening = s
        .store
        .entry(opened_seq)
        .await?
        .map(|e| Opening::of(&e.leaf));
    Ok(CampaignDetails {
        summary: summary.clone(),
        opening,
        opened_seq,
        approval_rules: rules_in_force(s, opened_seq),
    })
}

/// Every campaign.
#[derive(Serialize, ToSchema)]
pub struct CampaignList {
    /// In opening order.
    campaigns: Vec<CampaignDetails>,
}

/// Every campaign, in opening order, with its totals.
#[utoipa::path(
    get, path = "/campaigns", tag = "campaigns",
    responses((status = 200, description = "The campaigns", body = CampaignList))
)]
pub async fn list(State(s): State<AppState>) -> Result<Sorted<CampaignList>, ApiError> {
    let v = s.sequencer.view();
    let mut campaigns = Vec::with_capacity(v.campaigns.len());
    for ((opened, _), summary) in v.campaigns.iter().zip(&v.totals.campaigns) {
        campaigns.push(details(&s, *opened, summary).await?);
    }
    Ok(Sorted(CampaignList { campaigns }))
}

/// The 404 for a campaign that was never opened.
pub(super) fn no_such_campaign(id: &str) -> ApiError {
    ApiError::not_found(format!("campaign {id:?} does not exist"))
}

/// One campaign with its totals.
#[utoipa::path(
    get, path = "/campaigns/{id}", tag = "campaigns",
    params(("id" = String, Path, description = "The campaign's id")),
    responses(
        (status = 200, description = "The campaign", body = CampaignDetails),
        (status = 400, description = "The path is not valid text", body = ErrorBody),
        (status = 404, description = "No such campaign", body = ErrorBody),
    )
)]
pub async fn get(
    State(s): State<AppState>,
    ApiPath(id): ApiPath<String>,
) -> Result<Sorted<CampaignDetails>, ApiError> {
    let v = s.sequencer.view();
    let found = v
        .campaigns
        .iter()
        .zip(&v.totals.campaigns)
        .find(|((_, c), _)| c.id == id);
    let Some(((opened, _), summary)) = found else {
        return Err(no_such_campaign(&id));
    };
    Ok(Sorted(details(&s, *opened, summary).await?))
}

/// Query of `GET /campaigns/{id}/entries`.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct Before {
    /// Only entries before this position (the previous page's `next_before`).
    before: Option<u64>,
    /// How many entries, 1 to 200 (default 20).
    limit: Option<u64>,
}

/// A page of a campaign's entries, newest first.
#[derive(Serialize, ToSchema)]
pub struct CampaignEntries {
    /// The entries.
    entries: Vec<EntryRow>,
    /// `before` for the next page; `null` after the last.
    next_before: Option<u64>,
}

/// The entries of one campaign (and transfers into or out of it), newest first.
#[utoipa::path(
    get, path = "/campaigns/{id}/entries", tag = "campaigns",
    params(("id" = String, Path, description = "The campaign's id"), Before),
    responses(
        (status = 200, description = "A page of entries", body = CampaignEntries),
        (status = 400, description = "`limit` outside 1..200, or a bad query", body = ErrorBody),
        (status = 404, description = "No such campaign", body = ErrorBody),
    )
)]
pub async fn entries(
    State(s): State<AppState>,
    ApiPath(id): ApiPath<String>,
    ApiQuery(q): ApiQuery<Before>,
) -> Result<Sorted<CampaignEntries>, ApiError> {
    let v = s.sequencer.view();
    if !v.campaigns.iter().any(|(_, c)| c.id == id) {
        return Err(no_such_campaign(&id));
    }
    let limit = q.limit.unwrap_or(20);
    if limit == 0 || limit > 200 {
        return Err(ApiError::bad_query("limit", "limit must be 1 to 200"));
    }
    let before = q.before.unwrap_or(u64::MAX).min(v.checkpoint.size);
    let rows = s.store.campaign_entries(&id, before, limit).await?;
    let next_before = if rows.len() as u64 == limit {
        rows.last().map(|r| r.seq)
    } else {
        None
    };
    let mut entries: Vec<EntryRow> = rows.iter().map(EntryRow::of).collect();
    EntryRow::mark_reversals(&s, &mut entries).await?;
    Ok(Sorted(CampaignEntries {
        entries,
        next_before,
    }))
}

/// Body of `POST /campaigns`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OpenCampaign {
    /// A new id: lower-case letters, digits and `-` (e.g. `flood-2026`).
    id: String,
    /// The title shown to donors.
    title: String,
    /// What the money is for.
    purpose: String,
    /// Its only currency.
    #[schema(value_type = super::schema::CurrencyCode)]
    currency: String,
    /// A goal, as amount text in the currency.
    #[schema(value_type = Option<AmountText>)]
    goal: Option<String>,
    /// The last day, `YYYY-MM-DD`.
    ends_on: Option<String>,
    /// Where donors may pay.
    #[serde(default)]
    #[schema(value_type = Vec<AccountSchema>)]
    accounts: Vec<Account>,
    /// The campaign's two-person approval rule from its opening (SPEC.md §17.1).
    approval: Option<super::approvals::OpeningRuleRequest>,
}

/// Opens a campaign (admin).
#[utoipa::path(
    post, path = "/campaigns", tag = "campaigns",
    request_body = OpenCampaign,
    params(super::openapi::IdempotencyKey),
    security(("bearer" = [])),
    responses(super::openapi::Appended)
)]
pub async fn open(
    State(s): State<AppState>,
    staff: Staff<Admin>,
    headers: HeaderMap,
    ApiJson(r): ApiJson<OpenCampaign>,
) -> Result<Response, ApiError> {
    ensure_leading(&s)?;
    let currency =
        Currency::parse(&r.currency).map_err(|e| ApiError::invalid("currency", e.to_string()))?;
    let goal = r
        .goal
        .as_deref()
        .map(|g| amount(g, currency, "goal"))
        .transpose()?;
    let approval = r
        .approval
        .as_ref()
        .map(|a| super::approvals::opening_rule(a, currency))
        .transpose()?;
    let body = Body::CampaignOpen(CampaignOpen {
        approval,
        accounts: r.accounts,
        currency,
        ends_on: r.ends_on,
        goal,
        id: r.id,
        purpose: r.purpose,
        title: r.title,
    });
    append(&s, &staff, &headers, body).await
}

/// Body of `POST /campaigns/{id}/close`; the body may also be empty.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CloseCampaign {
    /// Why, in words.
    note: Option<String>,
}

/// Closes a campaign (admin): it takes no more donations or transfers in.
#[utoipa::path(
    post, path = "/campaigns/{id}/close", tag = "campaigns",
    request_body(content = Option<CloseCampaign>, description = "Optional: a note, or nothing"),
    params(("id" = String, Path, description = "The campaign's id"), super::openapi::IdempotencyKey),
    security(("bearer" = [])),
    responses(
        super::openapi::Appended,
        (status = 404, description = "No such campaign", body = ErrorBody),
    )
)]
pub async fn close(
    State(s): State<AppState>,
    staff: Staff<Admin>,
    ApiPath(id): ApiPath<String>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    ensure_leading(&s)?;
    if !s.sequencer.view().campaigns.iter().any(|(_, c)| c.id == id) {
        return Err(no_such_campaign(&id));
    }
    let note = if body.iter().all(u8::is_ascii_whitespace) {
        None
    } else {
        let parsed: CloseCampaign = super::json_body::parse(&body)?;
        parsed.note
    };
    append(
        &s,
        &staff,
        &headers,
        Body::CampaignClose(CampaignClose { campaign: id, note }),
    )
    .await
}
