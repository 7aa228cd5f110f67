//! Budgets (SPEC.md §18): a recorder publishes a campaign's budget or a revision of it
//! (`POST /budgets`, a new `budget` entry, never an edit), and anyone reads the budget in
//! force against what was paid per line (`GET /campaigns/{id}/budget`).

use super::appends::{amount, append, check_currency, currency_of, ensure_leading};
use super::auth::{Recorder, Staff};
use super::campaigns::no_such_campaign;
use super::error::{ApiError, ErrorBody};
use super::schema::{AmountText, CurrencyCode};
use super::sorted::Sorted;
use super::{ApiJson, ApiPath, AppState};
use crate::ledger::budget::{Budget, BudgetLine};
use crate::ledger::entry::Body;
use crate::ledger::money::Total;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// One line of `POST /budgets`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LineIn {
    /// The line's id: 1-64 lower-case letters, digits or `-` (payments name it).
    id: String,
    /// What it is for, as donors will read it.
    label: String,
    /// `food`, `water`, `shelter`, `health`, `education`, `cash`, `logistics`,
    /// `reconstruction`, `administration`, `other`, or `x-` and a custom name.
    category: String,
    /// The IATI sector code (5 digits), when one fits.
    sector: Option<String>,
    /// The planned amount, as text in the campaign's currency.
    #[schema(value_type = AmountText)]
    amount: String,
}

/// Body of `POST /budgets`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BudgetIn {
    /// The campaign's id.
    campaign: String,
    /// The campaign's currency, to check it (optional).
    #[schema(value_type = Option<CurrencyCode>)]
    currency: Option<String>,
    /// The lines, 1 to 200.
    lines: Vec<LineIn>,
    /// For a revision: the entry number of the budget in force (`in_force` of
    /// `GET /campaigns/{id}/budget`); absent for the campaign's first budget.
    revises: Option<u64>,
    /// Why (a revision's reason, typically).
    note: Option<String>,
}

/// Records a budget or a revision (recorder).
#[utoipa::path(
    post, path = "/budgets", tag = "budgets",
    request_body = BudgetIn,
    params(super::openapi::IdempotencyKey),
    security(("bearer" = [])),
    responses(super::openapi::Appended)
)]
pub async fn record(
    State(s): State<AppState>,
    staff: Staff<Recorder>,
    headers: HeaderMap,
    ApiJson(r): ApiJson<BudgetIn>,
) -> Result<Response, ApiError> {
    ensure_leading(&s)?;
    let currency = check_currency(&r.currency, currency_of(&s, &r.campaign, "campaign")?)?;
    let mut lines = Vec::with_capacity(r.lines.len());
    for l in r.lines {
        lines.push(BudgetLine {
            amount: amount(&l.amount, currency, "lines.amount")?,
            category: l.category,
            id: l.id,
            label: l.label,
            sector: l.sector,
        });
    }
    let body = Body::Budget(Budget {
        campaign: r.campaign,
        currency,
        lines,
        note: r.note,
        revises: r.revises,
    });
    append(&s, &staff, &headers, body).await
}

/// One line of the budget in force, planned against paid.
#[derive(Serialize, ToSchema)]
pub struct LineStatusOut {
    /// The line's id.
    id: String,
    /// What it is for.
    label: String,
    /// Its category.
    category: String,
    /// Its IATI sector code, when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    sector: Option<String>,
    /// Planned, in minor units.
    #[schema(value_type = String)]
    planned: String,
    /// Paid against it by disbursements not reversed, in minor units.
    #[schema(value_type = String)]
    paid: String,
}

/// `GET /campaigns/{id}/budget`: the budget in force against what was paid.
#[derive(Serialize, ToSchema)]
pub struct BudgetStatus {
    /// The campaign's id.
    campaign: String,
    /// Its currency.
    currency: String,
    /// The entry number of the budget in force (absent when the campaign has no budget);
    /// a revision names it in `revises`.
    #[serde(skip_serializing_if = "Option::is_none")]
    in_force: Option<u64>,
    /// How many `budget` entries the campaign has (the first and its revisions).
    budgets: u64,
    /// The lines of the budget in force, in its order.
    lines: Vec<LineStatusOut>,
    /// Sum of the lines' planned amounts, in minor units.
    #[schema(value_type = String)]
    planned: String,
    /// Paid against the lines, in minor units.
    #[schema(value_type = String)]
    paid: String,
    /// Paid by disbursements naming no line, in minor units.
    #[schema(value_type = String)]
    unbudgeted: String,
    /// The entries covered (the published checkpoint's size).
    size: u64,
}

/// A campaign's budget in force, planned against paid per line (anyone).
#[utoipa::path(
    get, path = "/campaigns/{id}/budget", tag = "budgets",
    params(("id" = String, Path, description = "The campaign's id")),
    responses(
        (status = 200, description = "The budget in force against what was paid", body = BudgetStatus),
        (status = 404, description = "No such campaign", body = ErrorBody),
    )
)]
pub async fn status(
    State(s): State<AppState>,
    ApiPath(id): ApiPath<String>,
) -> Result<Sorted<BudgetStatus>, ApiError> {
    let v = s.sequencer.view();
    let Some(summary) = v.totals.campaigns.iter().find(|c| c.id == id) else {
        return Err(no_such_campaign(&id));
    };
    let size = v.checkpoint.size;
    let plans = s.store.campaign_plans(&id, size).await?;
    let book = plans.budget(&id);
    let mut planned = Total::default();
    let mut paid = Total::default();
    let lines = book
        .lines()
        .into_iter()
        .map(|l| {
            planned.0 += u128::from(l.line.amount.get());
            paid.0 += l.paid.0;
            LineStatusOut {
                id: l.line.id.clone(),
                label: l.line.label.clone(),
                category: l.line.category.clone(),
                sector: l.line.sector.clone(),
                planned: l.line.amount.to_string(),
                paid: l.paid.to_string(),
            }
        })
        .collect();
    let unbudgeted = summary.disbursed.0.saturating_sub(paid.0);
    Ok(Sorted(BudgetStatus {
        campaign: id,
        currency: summary.currency.to_string(),
        in_force: book.in_force(),
        budgets: book.entries(),
        lines,
        planned: planned.to_string(),
        paid: paid.to_string(),
        unbudgeted: unbudgeted.to_string(),
        size,
    }))
}
