//! Two-person approval of payments (SPEC.md §17): the `approval.policy` body, the
//! `approval` key of disbursements and transfers, the rule a campaign may declare when it
//! opens, and the rules in force as the ledger is read.
//!
//! A rule asks that every payment of at least `threshold` be approved by `approvers`
//! distinct staff members other than the one who proposed it. A campaign's rule and the
//! ledger-wide rule of the payment's currency both apply; the stricter one decides. A later
//! policy entry changes a rule from its own `seq` on, never for entries before it.

mod rules;

pub use rules::{check_payment, distinct_approvers, needed, LedgerRules, Rule};

use crate::entry::{is_slug, FieldError};
use crate::money::{Currency, Minor};
use serde::{Deserialize, Serialize};

/// The most approvers a rule may ask for, and the most an entry may list.
pub const MAX_APPROVERS: u64 = 20;

/// `approval.policy`: the approval rule of one campaign, or of the whole ledger for one
/// currency, from this entry on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApprovalPolicy {
    /// Distinct approvers each payment at or above `threshold` needs, 0 to 20; 0 lifts the
    /// rule.
    pub approvers: u64,
    /// The campaign the rule is for; absent for the whole ledger.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub campaign: Option<String>,
    /// The currency of `threshold`; a campaign's own currency for a campaign's rule.
    pub currency: Currency,
    /// Optional explanation (the board's decision, say).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub note: Option<String>,
    /// The smallest payment that needs approval, in minor units.
    pub threshold: Minor,
}

/// The `approval` key of a `campaign.open`: the campaign's rule from its opening.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OpeningRule {
    /// Distinct approvers each payment at or above `threshold` needs, 1 to 20.
    pub approvers: u64,
    /// The smallest payment that needs approval, in the campaign's currency.
    pub threshold: Minor,
}

/// The `approval` key of a disbursement or transfer: who proposed it and who approved it,
/// by staff id (never a name, unless the staff member chose to publish one as their id).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Approval {
    /// The staff members who approved it, 1 to 20 distinct ids, in the order they approved.
    pub approved_by: Vec<String>,
    /// The staff member who proposed it.
    pub proposed_by: String,
}

impl Approval {
    /// The field rules of SPEC.md §17.2: staff ids, at least one approver, none listed
    /// twice, and the proposer never among the approvers.
    ///
    /// # Errors
    /// A [`FieldError`] naming `approval.approved_by` or `approval.proposed_by`.
    pub fn validate(&self) -> Result<(), FieldError> {
        staff_id("approval.proposed_by", &self.proposed_by)?;
        let n = self.approved_by.len() as u64;
        if n == 0 || n > MAX_APPROVERS {
            return Err(FieldError::new(
                "approval.approved_by",
                format!("must list 1 to {MAX_APPROVERS} approvers"),
            ));
        }
        for (i, id) in self.approved_by.iter().enumerate() {
            staff_id("approval.approved_by", id)?;
            if self.approved_by[..i].contains(id) {
                return Err(FieldError::new(
                    "approval.approved_by",
                    format!("lists {id} twice"),
                ));
            }
            if *id == self.proposed_by {
                return Err(FieldError::new(
                    "approval.approved_by",
                    format!("{id} proposed this payment and cannot approve it too"),
                ));
            }
        }
        Ok(())
    }
}

impl OpeningRule {
    /// `approvers` is 1 to 20 (a rule at opening that asks for none is no rule).
    ///
    /// # Errors
    /// A [`FieldError`] naming `approval.approvers`.
    pub fn validate(&self) -> Result<(), FieldError> {
        approvers("approval.approvers", self.approvers, 1)
    }
}

impl ApprovalPolicy {
    /// `approvers` is 0 to 20, `campaign` a slug, `note` a long text.
    ///
    /// # Errors
    /// A [`FieldError`] naming the field.
    pub fn validate(&self) -> Result<(), FieldError> {
        approvers("approvers", self.approvers, 0)?;
        if let Some(c) = &self.campaign {
            if !is_slug(c) {
                return Err(FieldError::new(
                    "campaign",
                    "must be 1-64 lower-case letters, digits or '-', starting with a letter or digit",
                ));
            }
        }
        crate::entry::opt_long_text("note", &self.note)
    }
}

fn approvers(field: &str, n: u64, least: u64) -> Result<(), FieldError> {
    if (least..=MAX_APPROVERS).contains(&n) {
        Ok(())
    } else {
        Err(FieldError::new(
            field,
            format!("must be {least} to {MAX_APPROVERS}"),
        ))
    }
}

/// A staff id is written like a slug (SPEC.md §2.2): fundtrail writes `staff-<token id>`.
fn staff_id(field: &str, id: &str) -> Result<(), FieldError> {
    if is_slug(id) {
        Ok(())
    } else {
        Err(FieldError::new(
            field,
            format!("{id:?} is not a staff id (1-64 lower-case letters, digits or '-', such as staff-3)"),
        ))
    }
}

/// The staff id fundtrail writes for the API token with row id `token_id`.
pub fn staff_id_of_token(token_id: i64) -> String {
    format!("staff-{token_id}")
}
