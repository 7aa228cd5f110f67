//! Bank statements in any of the formats banks deliver, read into the canonical published
//! lines of SPEC.md §16.2: the Vietnamese CSV exports (through the CSV reader of
//! `super::lines`), ISO 20022 camt.053 (`camt053.rs`) and SWIFT MT940 (`mt940.rs`). Every
//! format gives the same lines for the same bank transactions, in the statement's own order.
//!
//! What is published of each line is the charity's choice ([`Publish`]): by default the
//! amount, day and bank transaction id only; the payer's name and the transfer message (which
//! often hold personal data) only when asked.

pub mod camt053;
pub mod mt940;
mod mt940_86;
pub mod prepare;

use super::{Direction, Line};
use crate::ledger::entry::SignedMinor;
use crate::ledger::money::Currency;
use crate::ledger::reconcile::StatementLine;

/// What a statement file says besides its lines.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Header {
    /// The account number (or IBAN) as the file gives it.
    pub account: Option<String>,
    /// The account's currency.
    pub currency: Option<Currency>,
    /// The first day covered.
    pub from: Option<String>,
    /// The last day covered.
    pub to: Option<String>,
    /// The opening balance.
    pub opening: Option<SignedMinor>,
    /// The closing balance.
    pub closing: Option<SignedMinor>,
}

/// What of each line is published besides amount, day and transaction id.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Publish {
    /// The payer's or payee's name.
    pub names: bool,
    /// The transfer message.
    pub memos: bool,
}

/// Why a statement file could not be read. Nothing was recorded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FormatError {
    /// The XML is not well formed, or not a camt.053 statement.
    #[error("camt.053: {0}")]
    Camt(String),
    /// The file is not an MT940 statement.
    #[error("MT940 line {line}: {problem}")]
    Mt940 {
        /// The physical line (1-based).
        line: usize,
        /// What is wrong.
        problem: String,
    },
    /// A transaction cannot be published as a line.
    #[error("transaction {index}: {problem}")]
    Line {
        /// The transaction's position (1-based).
        index: usize,
        /// What is wrong.
        problem: String,
    },
}

/// A transaction as a format reads it, before it is made canonical.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transaction {
    /// Booking day, `YYYY-MM-DD`.
    pub date: String,
    /// Minor units, signed: positive money in.
    pub amount: i64,
    /// The bank's transaction id.
    pub id: String,
    /// The other party's name, when given.
    pub counterparty: Option<String>,
    /// The transfer message, when given.
    pub memo: Option<String>,
}

impl Transaction {
    /// The canonical line (SPEC.md §16.2), publishing what `publish` allows; `index` (from
    /// 1) names the transaction in errors.
    ///
    /// # Errors
    /// [`FormatError::Line`] when a field breaks the line's rules.
    pub fn canonical(self, publish: Publish, index: usize) -> Result<StatementLine, FormatError> {
        let present = |s: Option<String>, on: bool| s.filter(|t| on && !t.trim().is_empty());
        let line = StatementLine {
            amount: SignedMinor(self.amount),
            counterparty: present(self.counterparty, publish.names),
            counterparty_commitment: None,
            date: self.date,
            id: self.id,
            memo: present(self.memo, publish.memos),
        };
        line.validate().map_err(|e| FormatError::Line {
            index,
            problem: e.to_string(),
        })?;
        Ok(line)
    }
}

/// A line of a CSV statement (`super::lines`) as a transaction.
///
/// # Errors
/// [`FormatError::Line`] when its amount does not fit a signed line amount.
pub fn from_csv(line: &Line) -> Result<Transaction, FormatError> {
    let units = i64::try_from(line.amount.get()).map_err(|_| FormatError::Line {
        index: line.line,
        problem: "the amount does not fit in a statement line".into(),
    })?;
    Ok(Transaction {
        date: line.date.clone(),
        amount: match line.direction {
            Direction::In => units,
            Direction::Out => -units,
        },
        id: line.transaction_id.clone(),
        counterparty: line.payer.clone(),
        memo: Some(line.description.clone()),
    })
}

/// Reads an amount written with `separator` as the decimal mark (`.` in camt.053, `,` in
/// MT940) into minor units of `currency`: digits, optionally the mark and decimals; decimals
/// beyond the currency's exponent are accepted only when they are zeros (exact either way).
///
/// # Errors
/// Words saying what is wrong.
pub fn decimal_units(text: &str, separator: char, currency: Currency) -> Result<i64, String> {
    let text = text.trim();
    let (whole, fraction) = text.split_once(separator).unwrap_or((text, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || !digits(whole) || !digits(fraction) {
        return Err(format!("{text:?} is not an amount"));
    }
    let exponent = usize::from(currency.exponent());
    let (kept, dropped) = fraction.split_at(fraction.len().min(exponent));
    if dropped.bytes().any(|b| b != b'0') {
        return Err(format!("{text:?} has more decimals than {currency} has"));
    }
    let mut units: i64 = 0;
    for b in whole
        .bytes()
        .chain(kept.bytes())
        .chain(std::iter::repeat_n(b'0', exponent - kept.len()))
    {
        units = units
            .checked_mul(10)
            .and_then(|u| u.checked_add(i64::from(b - b'0')))
            .ok_or_else(|| format!("{text:?} is too large"))?;
    }
    Ok(units)
}
