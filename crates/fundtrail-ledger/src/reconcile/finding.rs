//! What reconciling an account can find (SPEC.md §16.4): every difference between the bank's
//! lines and the ledger, located by statement, line and day, and said in words.

use crate::entry::{ExclusionReason, SignedMinor};
use std::fmt;

/// One difference between the bank and the ledger, located.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Finding {
    /// `seq` of the statement entry it is about.
    pub statement: u64,
    /// The line's position in that statement, from 1, when it is about one line.
    pub line: Option<u64>,
    /// The line's booking day, or the day the problem starts.
    pub date: String,
    /// What is wrong.
    pub kind: FindingKind,
}

/// What a [`Finding`] found.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FindingKind {
    /// No campaign lists the statement's account (with its currency) among its accounts.
    UnknownAccount,
    /// No statement covers the days `from` to `to` between two statements.
    Gap { from: String, to: String },
    /// The statement covers days an earlier statement (`other`) of the account covers too.
    Overlap {
        other: u64,
        from: String,
        to: String,
    },
    /// The opening balance is not the previous statement's closing balance.
    OpeningMismatch {
        previous: u64,
        previous_closing: SignedMinor,
        opening: SignedMinor,
    },
    /// The published lines were not available to check.
    LinesUnavailable,
    /// The published lines do not form a valid file of lines.
    LinesMalformed { problem: String },
    /// The published lines do not hash to the statement's `lines_root` (or their number
    /// differs): they are not the lines the ledger committed to.
    LinesTampered { published: u64, committed: u64 },
    /// Opening plus the lines is not the closing balance.
    SumMismatch {
        opening: SignedMinor,
        lines_sum: i128,
        closing: SignedMinor,
    },
    /// A line booked outside the statement's period.
    OutsidePeriod,
    /// A credit in the statement that no donation names and no exclusion explains: a
    /// provable omission.
    UnmatchedCredit { id: String, amount: SignedMinor },
    /// A debit in the statement that no disbursement or transfer names and no exclusion
    /// explains.
    UnmatchedDebit { id: String, amount: SignedMinor },
    /// More than one entry, none of them reversed, names the line: a duplicate.
    NamedMoreThanOnce { id: String, entries: Vec<u64> },
    /// The entry naming the line records another amount.
    AmountMismatch {
        id: String,
        entry: u64,
        line_amount: SignedMinor,
        entry_amount: u64,
    },
    /// The entry naming the line moves money the other way (a donation naming a debit...).
    WrongDirection { id: String, entry: u64 },
    /// An exclusion whose reason cannot explain a line of that direction.
    ExclusionDoesNotFit { reason: ExclusionReason },
    /// An excluded line that an entry names too: the money would count twice.
    ExcludedButNamed { id: String, entries: Vec<u64> },
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(
                f,
                "statement {} line {} ({}): ",
                self.statement, line, self.date
            )?,
            None => write!(f, "statement {} ({}): ", self.statement, self.date)?,
        }
        match &self.kind {
            FindingKind::UnknownAccount => {
                write!(f, "no campaign lists this account in this currency")
            }
            FindingKind::Gap { from, to } => {
                write!(f, "no statement covers {from} to {to} (a gap)")
            }
            FindingKind::Overlap { other, from, to } => write!(
                f,
                "covers {from} to {to}, which statement {other} covers too (an overlap)"
            ),
            FindingKind::OpeningMismatch {
                previous,
                previous_closing,
                opening,
            } => write!(
                f,
                "opens at {opening}, but statement {previous} closed at {previous_closing}"
            ),
            FindingKind::LinesUnavailable => write!(f, "its published lines are not available"),
            FindingKind::LinesMalformed { problem } => {
                write!(f, "its published lines are malformed: {problem}")
            }
            FindingKind::LinesTampered {
                published,
                committed,
            } => write!(
                f,
                "the published lines ({published}) are not the {committed} lines the ledger committed to (root differs)"
            ),
            FindingKind::SumMismatch {
                opening,
                lines_sum,
                closing,
            } => write!(
                f,
                "opening {opening} plus the lines ({lines_sum}) is not the closing balance {closing}"
            ),
            FindingKind::OutsidePeriod => write!(f, "the line is booked outside the period"),
            FindingKind::UnmatchedCredit { id, amount } => write!(
                f,
                "credit {amount} ({id}) is in the statement but no donation names it"
            ),
            FindingKind::UnmatchedDebit { id, amount } => write!(
                f,
                "debit {amount} ({id}) is in the statement but no disbursement or transfer names it"
            ),
            FindingKind::NamedMoreThanOnce { id, entries } => write!(
                f,
                "{id} is named by {} entries ({}): a duplicate",
                entries.len(),
                list(entries)
            ),
            FindingKind::AmountMismatch {
                id,
                entry,
                line_amount,
                entry_amount,
            } => write!(
                f,
                "{id} moves {line_amount}, but entry {entry} records {entry_amount}"
            ),
            FindingKind::WrongDirection { id, entry } => write!(
                f,
                "{id} moves money the other way than entry {entry}, which names it"
            ),
            FindingKind::ExclusionDoesNotFit { reason } => write!(
                f,
                "excluded as {}, which cannot explain a line in this direction",
                reason.as_str()
            ),
            FindingKind::ExcludedButNamed { id, entries } => write!(
                f,
                "{id} is excluded but entries {} name it too",
                list(entries)
            ),
        }
    }
}

fn list(seqs: &[u64]) -> String {
    seqs.iter()
        .map(u64::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}
