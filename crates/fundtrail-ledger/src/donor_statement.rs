//! Donor statements (SPEC.md §21): every gift of one donor over a date range, each as a
//! full receipt (SPEC.md §12) against one signed checkpoint, with totals per currency. Like a
//! receipt, a statement verifies offline and for good with nothing but the verifier key.
//!
//! Pure: building and checking a statement reads and writes nothing.

use crate::checkpoint::Checkpoint;
use crate::entry::{is_date, Donation};
use crate::money::Currency;
use crate::receipt::{verify_receipt, Receipt, ReceiptError};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The `type` member of every donor statement.
pub const STATEMENT_TYPE: &str = "fundtrail-donor-statement";
/// The donor statement format version.
pub const STATEMENT_VERSION: u64 = 1;

/// A donor statement (SPEC.md §21).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DonorStatement {
    /// Always `"fundtrail-donor-statement"`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Always 1.
    pub v: u64,
    /// First day of the range, `YYYY-MM-DD` (a gift's `received_at` counts).
    pub from: String,
    /// Last day of the range, inclusive.
    pub to: String,
    /// One receipt per gift, in ledger order, all against the same checkpoint.
    pub receipts: Vec<Receipt>,
    /// The sum of the gifts per currency, in currency-code order.
    pub totals: Vec<CurrencyTotal>,
}

/// The gifts of one currency in a statement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CurrencyTotal {
    /// The currency.
    pub currency: Currency,
    /// The sum, in minor units, as decimal digits.
    pub amount: String,
    /// How many gifts.
    pub gifts: u64,
}

/// Why a donor statement does not verify.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StatementError {
    /// Not a statement of this format.
    #[error("statement: not a fundtrail donor statement version 1 (type {kind:?}, v {v})")]
    NotAStatement { kind: String, v: u64 },
    /// `from` or `to` is not a date, or `to` is before `from`.
    #[error("statement: the range {from:?} to {to:?} is not two days in order")]
    BadRange { from: String, to: String },
    /// A gift's receipt does not verify.
    #[error("statement: gift {index} ({code}): {source}")]
    Receipt {
        index: usize,
        code: String,
        source: ReceiptError,
    },
    /// A gift's receipt is against another checkpoint than the first gift's.
    #[error("statement: gift {index} ({code}) is proven against another checkpoint than gift 1")]
    MixedCheckpoints { index: usize, code: String },
    /// Gifts out of ledger order, or one gift twice.
    #[error(
        "statement: gift {index} (entry {seq}) is not after the gift before it (entry {previous})"
    )]
    OutOfOrder {
        index: usize,
        seq: u64,
        previous: u64,
    },
    /// A gift received outside the range.
    #[error("statement: gift {index} (entry {seq}) was received on {day}, outside {from} to {to}")]
    OutOfRange {
        index: usize,
        seq: u64,
        day: String,
        from: String,
        to: String,
    },
    /// The stated totals are not the sums of the gifts.
    #[error("statement: the totals say {stated}, the gifts add up to {computed}")]
    WrongTotals { stated: String, computed: String },
}

/// What a verified statement establishes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedStatement {
    /// The gifts: seq, receipt code, the donation, its `recorded_at`.
    pub gifts: Vec<(u64, String, Donation, String)>,
    /// The totals, recomputed.
    pub totals: Vec<CurrencyTotal>,
    /// The signed checkpoint every gift is proven against (absent for no gifts).
    pub checkpoint: Option<Checkpoint>,
    /// Whether an identifier was checked against every gift's donor commitment.
    pub identifier_checked: bool,
}

/// The totals of `donations`, one per currency, in currency-code order.
pub fn totals_of<'a>(donations: impl IntoIterator<Item = &'a Donation>) -> Vec<CurrencyTotal> {
    let mut sums: BTreeMap<String, (Currency, u128, u64)> = BTreeMap::new();
    for d in donations {
        let slot = sums
            .entry(d.currency.to_string())
            .or_insert((d.currency, 0, 0));
        // A u128 holds more than 2^64 gifts of the largest amount: this cannot overflow.
        slot.1 += u128::from(d.amount.get());
        slot.2 += 1;
    }
    sums.into_values()
        .map(|(currency, amount, gifts)| CurrencyTotal {
            currency,
            amount: amount.to_string(),
            gifts,
        })
        .collect()
}

/// Assembles a statement of `receipts` (in ledger order, all against one checkpoint) for the
/// days `from` to `to`. It checks nothing: the parts come from the ledger.
pub fn build(from: &str, to: &str, receipts: Vec<Receipt>) -> DonorStatement {
    let donations: Vec<Donation> = receipts
        .iter()
        .filter_map(|r| match crate::canonical::decode(r.leaf.as_bytes()) {
            Ok(e) => match e.body {
                crate::entry::Body::Donation(d) => Some(d),
                _ => None,
            },
            Err(_) => None,
        })
        .collect();
    DonorStatement {
        kind: STATEMENT_TYPE.to_string(),
        v: STATEMENT_VERSION,
        from: from.to_string(),
        to: to.to_string(),
        totals: totals_of(&donations),
        receipts,
    }
}

/// Verifies a statement against the verifier key `key`, in the order of SPEC.md §21.2:
/// format, range, then each gift in turn (its receipt as SPEC.md §12 says, with
/// `identifier` when given; the same checkpoint as the first gift's; after the gift before
/// it; received within the range), then the totals.
///
/// # Errors
/// The first [`StatementError`] found.
pub fn verify_statement(
    st: &DonorStatement,
    key: &str,
    identifier: Option<&str>,
) -> Result<VerifiedStatement, StatementError> {
    if st.kind != STATEMENT_TYPE || st.v != STATEMENT_VERSION {
        return Err(StatementError::NotAStatement {
            kind: st.kind.clone(),
            v: st.v,
        });
    }
    if !is_date(&st.from) || !is_date(&st.to) || st.to < st.from {
        return Err(StatementError::BadRange {
            from: st.from.clone(),
            to: st.to.clone(),
        });
    }
    let mut gifts = Vec::with_capacity(st.receipts.len());
    let mut checkpoint = None;
    let mut previous: Option<u64> = None;
    for (i, r) in st.receipts.iter().enumerate() {
        let index = i + 1;
        let v = verify_receipt(r, key, identifier).map_err(|source| StatementError::Receipt {
            index,
            code: r.code.clone(),
            source,
        })?;
        if st.receipts[0].checkpoint != r.checkpoint {
            return Err(StatementError::MixedCheckpoints {
                index,
                code: r.code.clone(),
            });
        }
        if let Some(p) = previous.filter(|p| *p >= v.seq) {
            return Err(StatementError::OutOfOrder {
                index,
                seq: v.seq,
                previous: p,
            });
        }
        let day = &v.donation.received_at;
        if *day < st.from || *day > st.to {
            return Err(StatementError::OutOfRange {
                index,
                seq: v.seq,
                day: day.clone(),
                from: st.from.clone(),
                to: st.to.clone(),
            });
        }
        previous = Some(v.seq);
        checkpoint = Some(v.checkpoint);
        gifts.push((v.seq, r.code.clone(), v.donation, v.recorded_at));
    }
    let totals = totals_of(gifts.iter().map(|g| &g.2));
    if totals != st.totals {
        return Err(StatementError::WrongTotals {
            stated: describe(&st.totals),
            computed: describe(&totals),
        });
    }
    Ok(VerifiedStatement {
        gifts,
        totals,
        checkpoint,
        identifier_checked: identifier.is_some() && !st.receipts.is_empty(),
    })
}

/// Totals as words for an error: `250000 VND in 2 gifts; ...`, or `nothing`.
fn describe(totals: &[CurrencyTotal]) -> String {
    if totals.is_empty() {
        return "nothing".into();
    }
    totals
        .iter()
        .map(|t| {
            let noun = if t.gifts == 1 { "gift" } else { "gifts" };
            format!("{} {} in {} {noun}", t.amount, t.currency, t.gifts)
        })
        .collect::<Vec<_>>()
        .join("; ")
}
