//! Pledges (SPEC.md §19): the `pledge` and `pledge.cancel` bodies, their field rules, and
//! [`PledgeBook`], which keeps every pledge with what was received against it so that no
//! pledge is ever over-fulfilled or fulfilled after its cancellation.

mod book;

pub use book::{PledgeBook, PledgeStatus, PledgeTotals};

use crate::entry::{date_field, long_text, opt_long_text, short_text, slug_field, FieldError};
use crate::money::{Currency, Minor};
use serde::{Deserialize, Serialize};

/// `pledge`: money a donor promised a campaign and has not given yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pledge {
    /// Minor units promised.
    pub amount: Minor,
    /// The campaign promised to.
    pub campaign: String,
    /// Must equal the campaign's currency.
    pub currency: Currency,
    /// The name the donor consented to publish, or `Anonymous`.
    pub donor: String,
    /// Optional day the money is expected, `YYYY-MM-DD`.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub expected_on: Option<String>,
    /// Optional public note.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub note: Option<String>,
}

/// `pledge.cancel`: a pledge that will not be (further) fulfilled, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PledgeCancel {
    /// The pledge's campaign.
    pub campaign: String,
    /// `seq` of the pledge cancelled.
    pub pledge: u64,
    /// Why; required, since a promise withdrawn must be explained.
    pub reason: String,
}

/// Checks a pledge's fields (SPEC.md §19.1): `campaign`, `donor`, `expected_on`, `note`.
///
/// # Errors
/// A [`FieldError`] naming the first bad field of the body.
pub fn validate_pledge(p: &Pledge) -> Result<(), FieldError> {
    slug_field("campaign", &p.campaign)?;
    short_text("donor", &p.donor)?;
    if let Some(day) = &p.expected_on {
        date_field("expected_on", day)?;
    }
    opt_long_text("note", &p.note)
}

/// Checks a cancellation's fields (SPEC.md §19.1): `campaign`, `reason`.
///
/// # Errors
/// A [`FieldError`] naming the first bad field of the body.
pub fn validate_cancel(c: &PledgeCancel) -> Result<(), FieldError> {
    slug_field("campaign", &c.campaign)?;
    long_text("reason", &c.reason)
}
