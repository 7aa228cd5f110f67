//! The rules a new `statement` entry keeps (SPEC.md §16.1, §16.3), checked by the one
//! writer against the ledger as committed, so two statements of one account sent at once
//! are judged one after the other and cannot both pass:
//!
//! - its lines are valid, fall inside its period, hash to its root and count, and sum from
//!   its opening to its closing balance;
//! - its account is one of a campaign's official accounts, in that campaign's currency;
//! - it overlaps no statement of the account already recorded, and unless it is the
//!   account's first it adjoins one (starts the day after one ends, opening with that one's
//!   closing balance, or ends the day before one starts, closing with its opening balance):
//!   the account's statements chain without gaps.

use crate::ledger::decode;
use crate::ledger::entry::SignedMinor;
use crate::ledger::entry::{Body, Statement};
use crate::ledger::reconcile::LinesFile;
use crate::store::{Store, StoreError};
use chrono::NaiveDate;

/// The most statements one check reads (a ledger's statements are one per account and month).
const MAX_STATEMENTS: u64 = 100_000;

/// Why a statement was refused. Nothing was recorded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StatementRefused {
    /// A line is invalid.
    #[error("line {line}: {field}: {problem}")]
    Line {
        /// The line, from 1.
        line: u64,
        /// The line's field at fault.
        field: String,
        /// What is wrong.
        problem: String,
    },
    /// A line is booked outside the period.
    #[error("line {line} is booked on {date}, outside the statement's {from} to {to}")]
    OutsidePeriod {
        line: u64,
        date: String,
        from: String,
        to: String,
    },
    /// The lines do not sum from the opening to the closing balance.
    #[error("the opening balance {opening} plus the lines ({sum}) is {}, not the closing balance {closing}", i128::from(*opening) + sum)]
    Sum {
        opening: i64,
        sum: i128,
        closing: i64,
    },
    /// The entry's line count or root is not that of its lines.
    #[error("the statement names {named} lines with root {root}, but its {given} lines hash to another root or count")]
    LinesDiffer {
        named: u64,
        given: u64,
        root: String,
    },
    /// A day is not `YYYY-MM-DD`.
    #[error("{field}: {value:?} is not a day (YYYY-MM-DD)")]
    Day { field: &'static str, value: String },
    /// No campaign lists the account in the statement's currency.
    #[error("no campaign lists account {number} ({bank}, {holder}) in {currency}: a statement is of one of a campaign's official accounts")]
    NotOfficial {
        bank: String,
        holder: String,
        number: String,
        currency: String,
    },
    /// A recorded statement of the account already covers some of the period.
    #[error("statement {seq} of this account already covers {from} to {to}: a statement must not overlap it")]
    Overlaps { seq: u64, from: String, to: String },
    /// The statement adjoins a recorded one but its balance does not continue it.
    #[error("statement {seq} of this account ends on {to} with closing balance {closing}; the next one must open with it, not {opening}")]
    Opening {
        seq: u64,
        to: String,
        closing: i64,
        opening: i64,
    },
    /// The statement adjoins a later recorded one but does not close with its opening.
    #[error("statement {seq} of this account starts on {from} with opening balance {opening}; the one before it must close with it, not {closing}")]
    Closing {
        seq: u64,
        from: String,
        opening: i64,
        closing: i64,
    },
    /// The statement leaves days uncovered next to the account's recorded ones.
    #[error("the account's statements would leave a gap: {gap_from} to {gap_to} is in none (record the statements in between first)")]
    Gap { gap_from: String, gap_to: String },
    /// Statements are recorded with their lines, through the statement import.
    #[error("a statement is recorded with its lines (POST /statements/entries or /statements/file), not as a bare entry")]
    WithoutLines,
    /// Only donations follow a statement in its import.
    #[error("item {index} of the statement's import is not a donation")]
    NotADonation { index: u64 },
    /// The import's source stopped before its end (the request went away, or stalled).
    #[error("the statement's import stopped before its end; nothing was recorded")]
    Interrupted,
}

fn day(field: &'static str, value: &str) -> Result<NaiveDate, StatementRefused> {
    NaiveDate::parse_from_str(value, "%Y-%m-%d").map_err(|_| StatementRefused::Day {
        field,
        value: value.to_string(),
    })
}

/// Checks `lines` against `statement`: each valid and inside the period, the count and root
/// the entry names, the sum from opening to closing.
///
/// # Errors
/// [`StatementRefused`] naming the first line or field at fault.
pub fn check_lines(statement: &Statement, lines: &LinesFile) -> Result<(), StatementRefused> {
    let mut sum: i128 = 0;
    for (n, line) in (1u64..).zip(lines.lines()) {
        let line = line.map_err(|e| StatementRefused::Line {
            line: n,
            field: "line".into(),
            problem: e.to_string(),
        })?;
        line.validate().map_err(|e| StatementRefused::Line {
            line: n,
            field: e.field.clone(),
            problem: e.problem.clone(),
        })?;
        if line.date < statement.from || line.date > statement.to {
            return Err(StatementRefused::OutsidePeriod {
                line: n,
                date: line.date.clone(),
                from: statement.from.clone(),
                to: statement.to.clone(),
            });
        }
        sum += i128::from(line.amount.get());
    }
    if i128::from(statement.opening.get()) + sum != i128::from(statement.closing.get()) {
        return Err(StatementRefused::Sum {
            opening: statement.opening.get(),
            sum,
            closing: statement.closing.get(),
        });
    }
    if statement.lines != lines.len() as u64 || statement.lines_root != lines.root() {
        return Err(StatementRefused::LinesDiffer {
            named: statement.lines,
            given: lines.len() as u64,
            root: statement.lines_root.to_hex(),
        });
    }
    Ok(())
}

/// Checks that a campaign lists the statement's account in its currency.
///
/// # Errors
/// [`StatementRefused::NotOfficial`] inside `Ok`, or the store's error.
pub async fn check_official(
    store: &Store,
    opened: &[u64],
    statement: &Statement,
) -> Result<Result<(), StatementRefused>, StoreError> {
    for &seq in opened {
        let Some(row) = store.entry(seq).await? else {
            continue;
        };
        if let Ok(Body::CampaignOpen(o)) = decode(&row.leaf).map(|e| e.body) {
            if o.currency == statement.currency && o.accounts.contains(&statement.account) {
                return Ok(Ok(()));
            }
        }
    }
    let a = &statement.account;
    Ok(Err(StatementRefused::NotOfficial {
        bank: a.bank.clone(),
        holder: a.holder.clone(),
        number: a.number.clone(),
        currency: statement.currency.to_string(),
    }))
}

/// The recorded statements of the new one's account and currency, with their seqs.
///
/// # Errors
/// The store's error.
pub async fn statements_of_account(
    store: &Store,
    statement: &Statement,
) -> Result<Vec<(u64, Statement)>, StoreError> {
    let rows = store.entries_of_kind("statement", MAX_STATEMENTS).await?;
    Ok(rows
        .into_iter()
        .filter_map(|row| match decode(&row.leaf).map(|e| e.body) {
            Ok(Body::Statement(st))
                if st.account == statement.account && st.currency == statement.currency =>
            {
                Some((row.seq, st))
            }
            _ => None,
        })
        .collect())
}

/// Checks that `new` continues the chain of `recorded` (the account's statements): no
/// overlap, and (unless it is the first) adjoining one with matching balances.
///
/// # Errors
/// [`StatementRefused`] saying which statement it overlaps, which balance differs, or
/// which days it would leave uncovered.
pub fn check_chain(recorded: &[(u64, Statement)], new: &Statement) -> Result<(), StatementRefused> {
    let (from, to) = (day("from", &new.from)?, day("to", &new.to)?);
    let mut adjoins = false;
    let mut before: Option<NaiveDate> = None;
    let mut after: Option<NaiveDate> = None;
    for (seq, other) in recorded {
        let (o_from, o_to) = (day("from", &other.from)?, day("to", &other.to)?);
        if o_from <= to && from <= o_to {
            return Err(StatementRefused::Overlaps {
                seq: *seq,
                from: other.from.clone(),
                to: other.to.clone(),
            });
        }
        if o_to.succ_opt() == Some(from) {
            if other.closing != new.opening {
                return Err(opening_differs(*seq, other, new.opening));
            }
            adjoins = true;
        }
        if to.succ_opt() == Some(o_from) {
            if other.opening != new.closing {
                return Err(StatementRefused::Closing {
                    seq: *seq,
                    from: other.from.clone(),
                    opening: other.opening.get(),
                    closing: new.closing.get(),
                });
            }
            adjoins = true;
        }
        if o_to < from {
            before = before.max(Some(o_to));
        } else if after.is_none_or(|a| o_from < a) {
            after = Some(o_from);
        }
    }
    if recorded.is_empty() || adjoins {
        return Ok(());
    }
    let (gap_from, gap_to) = match (before, after) {
        (Some(b), _) => (b.succ_opt(), from.pred_opt()),
        (None, Some(a)) => (to.succ_opt(), a.pred_opt()),
        (None, None) => return Ok(()),
    };
    let text = |d: Option<NaiveDate>| {
        d.map(|d| d.format("%Y-%m-%d").to_string())
            .unwrap_or_default()
    };
    Err(StatementRefused::Gap {
        gap_from: text(gap_from),
        gap_to: text(gap_to),
    })
}

fn opening_differs(seq: u64, other: &Statement, opening: SignedMinor) -> StatementRefused {
    StatementRefused::Opening {
        seq,
        to: other.to.clone(),
        closing: other.closing.get(),
        opening: opening.get(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::entry::Account;
    use crate::ledger::hash::Hash;
    use crate::ledger::money::Currency;
    use crate::ledger::reconcile::StatementLine;

    fn month(from: &str, to: &str, opening: i64, closing: i64) -> Statement {
        Statement {
            account: Account {
                bank: "Vietcombank".into(),
                holder: "Quỹ".into(),
                number: "0071000123456".into(),
            },
            closing: SignedMinor(closing),
            currency: Currency::parse("VND").expect("VND"),
            exclusions: Vec::new(),
            file_sha256: Hash([0; 32]),
            from: from.into(),
            lines: 0,
            lines_root: Hash([0; 32]),
            lines_sha256: Hash([0; 32]),
            opening: SignedMinor(opening),
            to: to.into(),
        }
    }

    #[test]
    fn the_accounts_first_statement_and_one_continuing_the_last_are_admitted() {
        let september = vec![(5, month("2024-09-01", "2024-09-30", 0, 100))];
        assert_eq!(
            check_chain(&[], &month("2024-09-01", "2024-09-30", 0, 100)),
            Ok(())
        );
        assert_eq!(
            check_chain(&september, &month("2024-10-01", "2024-10-31", 100, 70)),
            Ok(())
        );
        // Filling in the month before the first one, closing with its opening balance.
        assert_eq!(
            check_chain(&september, &month("2024-08-01", "2024-08-31", 40, 0)),
            Ok(())
        );
    }

    #[test]
    fn an_overlap_a_gap_or_a_balance_that_does_not_continue_is_refused() {
        let september = vec![(5, month("2024-09-01", "2024-09-30", 0, 100))];
        assert_eq!(
            check_chain(&september, &month("2024-09-30", "2024-10-31", 100, 70)),
            Err(StatementRefused::Overlaps {
                seq: 5,
                from: "2024-09-01".into(),
                to: "2024-09-30".into()
            })
        );
        assert_eq!(
            check_chain(&september, &month("2024-10-03", "2024-10-31", 100, 70)),
            Err(StatementRefused::Gap {
                gap_from: "2024-10-01".into(),
                gap_to: "2024-10-02".into()
            })
        );
        assert_eq!(
            check_chain(&september, &month("2024-10-01", "2024-10-31", 99, 70)),
            Err(StatementRefused::Opening {
                seq: 5,
                to: "2024-09-30".into(),
                closing: 100,
                opening: 99
            })
        );
        assert_eq!(
            check_chain(&september, &month("2024-08-01", "2024-08-31", 40, 1)),
            Err(StatementRefused::Closing {
                seq: 5,
                from: "2024-09-01".into(),
                opening: 0,
                closing: 1
            })
        );
    }

    #[test]
    fn lines_that_do_not_sum_or_fall_outside_the_period_are_refused() {
        let mut st = month("2024-09-01", "2024-09-30", 0, 100);
        let line = |amount: i64, date: &str| StatementLine {
            amount: SignedMinor(amount),
            counterparty: None,
            counterparty_commitment: None,
            date: date.into(),
            id: "FT1".into(),
            memo: None,
        };
        let lines = LinesFile::of(&[line(100, "2024-09-02")]);
        st.lines = 1;
        st.lines_root = lines.root();
        assert_eq!(check_lines(&st, &lines), Ok(()));
        assert!(matches!(
            check_lines(&st, &LinesFile::of(&[line(90, "2024-09-02")])),
            Err(StatementRefused::Sum { sum: 90, .. })
        ));
        assert!(matches!(
            check_lines(&st, &LinesFile::of(&[line(100, "2024-10-01")])),
            Err(StatementRefused::OutsidePeriod { line: 1, .. })
        ));
        st.lines_root = Hash([1; 32]);
        assert!(matches!(
            check_lines(&st, &lines),
            Err(StatementRefused::LinesDiffer { .. })
        ));
    }
}
