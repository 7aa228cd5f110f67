//! `POST /approval-policies`: an admin declares the approval rule of one campaign, or of the
//! whole ledger for one currency, from the next entry on (SPEC.md §17.1): payments of at
//! least `threshold` then need `approvers` distinct staff members other than their proposer
//! (`super::proposals`). `approvers: 0` lifts the rule. The rule is a signed entry, so
//! anyone verifying the ledger checks every later payment against it. `GET
//! /approval-policies` lists the ledger-wide rules in force, in every currency (each
//! campaign's own rule is in `GET /campaigns`).

use super::appends::{amount, append, check_currency, currency_of, ensure_leading};
use super::auth::{Admin, Staff};
use super::error::ApiError;
use super::schema::{AmountText, CurrencyCode};
use super::{ApiJson, AppState};
use crate::ledger::approval::{ApprovalPolicy, OpeningRule};
use crate::ledger::entry::Body;
use crate::ledger::money::Currency;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Body of `POST /approval-policies`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeclarePolicy {
    /// The campaign the rule is for; absent for the whole ledger (then `currency` is
    /// required).
    campaign: Option<String>,
    /// Distinct approvers each covered payment needs, 0 to 20 (0 lifts the rule).
    approvers: u64,
    /// The smallest payment the rule covers, as text in the currency.
    #[schema(value_type = AmountText)]
    threshold: String,
    /// The currency: the campaign's (checked when given), or the ledger-wide rule's.
    #[schema(value_type = Option<CurrencyCode>)]
    currency: Option<String>,
    /// Why (the board's decision, say); public.
    note: Option<String>,
}

/// Declares an approval rule (admin).
#[utoipa::path(
    post, path = "/approval-policies", tag = "proposals",
    request_body = DeclarePolicy,
    params(super::openapi::IdempotencyKey),
    security(("bearer" = [])),
    responses(super::openapi::Appended)
)]
pub async fn declare(
    State(s): State<AppState>,
    staff: Staff<Admin>,
    headers: HeaderMap,
    ApiJson(r): ApiJson<DeclarePolicy>,
) -> Result<Response, ApiError> {
    ensure_leading(&s)?;
    let currency = match &r.campaign {
        Some(c) => check_currency(&r.currency, currency_of(&s, c, "campaign")?)?,
        None => match &r.currency {
            Some(code) => {
                Currency::parse(code).map_err(|e| ApiError::invalid("currency", e.to_string()))?
            }
            None => {
                return Err(ApiError::invalid(
                    "currency",
                    "currency is required for a rule of the whole ledger",
                ))
            }
        },
    };
    let body = Body::ApprovalPolicy(ApprovalPolicy {
        approvers: r.approvers,
        campaign: r.campaign,
        currency,
        note: r.note,
        threshold: amount(&r.threshold, currency, "threshold")?,
    });
    append(&s, &staff, &headers, body).await
}

/// The ledger-wide approval rules in force (SPEC.md §17.3).
#[derive(Serialize, ToSchema)]
pub struct LedgerRulesInForce {
    /// One rule per currency that has one, by currency code; empty when none is in force.
    ledger: Vec<LedgerRuleInForce>,
}

/// A ledger-wide approval rule in force: every campaign in its currency keeps it.
#[derive(Serialize, ToSchema)]
pub struct LedgerRuleInForce {
    /// The currency whose campaigns it covers.
    #[schema(value_type = CurrencyCode)]
    currency: String,
    /// Distinct approvers, other than the proposer, each covered payment needs.
    approvers: u64,
    /// The smallest payment it covers, in minor units.
    #[schema(value_type = String)]
    threshold: String,
    /// The entry that declared it.
    since: u64,
}

/// The ledger-wide approval rules in force, in every currency, whether or not a campaign
/// uses the currency yet (public: the rules are signed entries).
#[utoipa::path(
    get, path = "/approval-policies", tag = "proposals",
    responses((status = 200, description = "The ledger-wide rules in force", body = LedgerRulesInForce))
)]
pub async fn list(State(s): State<AppState>) -> Json<LedgerRulesInForce> {
    let view = s.sequencer.view();
    let mut ledger: Vec<LedgerRuleInForce> = view
        .ledger_rules
        .all()
        .iter()
        .map(|(currency, r)| LedgerRuleInForce {
            currency: currency.code().to_string(),
            approvers: r.approvers,
            threshold: r.threshold.to_string(),
            since: r.since,
        })
        .collect();
    ledger.sort_by(|a, b| a.currency.cmp(&b.currency));
    Json(LedgerRulesInForce { ledger })
}

/// The `approval` member of `POST /campaigns`: the campaign's rule from its opening
/// (SPEC.md §17.1).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OpeningRuleRequest {
    /// Distinct approvers each covered payment needs, 1 to 20.
    approvers: u64,
    /// The smallest payment the rule covers, as text in the campaign's currency.
    #[schema(value_type = AmountText)]
    threshold: String,
}

/// The opening rule `r` asks for, its threshold read in `currency`.
///
/// # Errors
/// 422 naming `approval.threshold` for an amount the API rule refuses.
pub(super) fn opening_rule(
    r: &OpeningRuleRequest,
    currency: Currency,
) -> Result<OpeningRule, ApiError> {
    Ok(OpeningRule {
        approvers: r.approvers,
        threshold: amount(&r.threshold, currency, "approval.threshold")?,
    })
}
