//! Exports for people and other systems: a CSV of entries with running balances
//! ([`csv`]) and IATI 2.03 activity XML ([`iati`]). The generators are pure: they take
//! decoded entries in ledger order and return text. [`stream`] feeds them from the store a
//! page at a time and hands the text over in chunks, so an export of any size holds one
//! page of entries and one chunk of text, never the ledger.

pub mod atom;
pub mod csv;
pub mod iati;
mod iati_plans;
mod plans_text;
pub mod stream;

use crate::ledger::entry::Body;
use crate::ledger::money::{format_decimal, Currency, Minor};

/// Why an export could not be produced.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExportError {
    /// The campaign asked for does not exist.
    #[error("campaign {0:?} does not exist")]
    UnknownCampaign(String),
    /// IATI needs at least one activity.
    #[error("the ledger has no campaigns to export")]
    NoCampaigns,
    /// The entries do not fold (they should have been verified).
    #[error("entry {seq}: {problem}")]
    Inconsistent {
        /// The entry.
        seq: u64,
        /// What does not fit.
        problem: String,
    },
}

/// The money movement of one donation, disbursement or transfer, so that a reversal of it
/// can be shown with its campaigns and amount.
#[derive(Debug, Clone)]
pub(crate) struct Movement {
    /// `donation`, `disbursement` or `transfer`.
    pub kind: &'static str,
    /// The campaign (source of a transfer).
    pub campaign: String,
    /// The destination of a transfer.
    pub to: Option<String>,
    /// How much.
    pub amount: Minor,
    /// Its currency.
    pub currency: Currency,
}

/// The movement an entry makes, if it moves money.
pub(crate) fn movement(body: &Body) -> Option<Movement> {
    match body {
        Body::Donation(d) => Some(Movement {
            kind: "donation",
            campaign: d.campaign.clone(),
            to: None,
            amount: d.amount,
            currency: d.currency,
        }),
        Body::Disbursement(d) => Some(Movement {
            kind: "disbursement",
            campaign: d.campaign.clone(),
            to: None,
            amount: d.amount,
            currency: d.currency,
        }),
        Body::Transfer(t) => Some(Movement {
            kind: "transfer",
            campaign: t.from.clone(),
            to: Some(t.to.clone()),
            amount: t.amount,
            currency: t.currency,
        }),
        _ => None,
    }
}

/// The movement a reversal (entry `seq`, reversing entry `reverses` whose body is
/// `reversed`) undoes.
///
/// # Errors
/// [`ExportError::Inconsistent`] when the reversed entry is not given or moved no money.
pub(crate) fn reversed_movement(
    seq: u64,
    reverses: u64,
    reversed: Option<&Body>,
) -> Result<Movement, ExportError> {
    reversed
        .and_then(movement)
        .ok_or_else(|| ExportError::Inconsistent {
            seq,
            problem: format!("reverses entry {reverses}, which moved no money"),
        })
}

/// A signed count of minor units as a decimal in the major unit: `-12.50`.
pub(crate) fn signed_decimal(units: i128, currency: Currency) -> String {
    let text = format_decimal(units.unsigned_abs(), currency);
    if units < 0 {
        format!("-{text}")
    } else {
        text
    }
}
