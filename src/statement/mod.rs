//! Bank statements: CSV exports from Vietnamese and other banks read into typed lines, the
//! plan of which lines become donations, and the import that records them.
//!
//! Reading is strict and happens before anything is recorded: a statement with one bad
//! cell is refused whole, naming the line and the column ([`StatementError`]). Planning
//! then sorts every line: credits become donations keyed on the bank transaction id
//! (their `reference`); credits already in the ledger, repeated lines, outgoing lines and
//! money that came back from an earlier outgoing transfer are listed, never recorded.
//!
//! Statements are read a piece at a time ([`StatementLines`], over `csv.rs` records) and
//! sorted with what a first reading gathered ([`Scan`], [`Planner`]), so an import holds
//! a few numbers per line, never the statement; [`parse`] and [`plan`] do both at once
//! for a statement in memory.
//!
//! Everything but [`import`] is pure (no I/O, no async): `csv.rs` splits bytes into
//! records, `columns.rs` finds the columns, `amounts.rs` reads amounts and dates, `lines.rs`
//! makes typed lines of records, `planner.rs` sorts them. [`import`] reads a statement file
//! through them and records its donations through the sequencer.

mod amounts;
mod columns;
mod csv;
pub mod demo;
pub mod formats;
pub mod import;
mod lines;
pub mod message;
mod planner;
pub mod record;

pub use amounts::{parse_amount, parse_date};
pub use columns::{defaults, Columns, Mapping};
pub use lines::StatementLines;
pub use planner::{Outcome, PlanOptions, Planned, Planner, Scan};

use crate::ledger::money::{Currency, Minor};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Why a statement was refused. Nothing was recorded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StatementError {
    /// The file holds no lines.
    #[error("the statement is empty")]
    Empty,
    /// A header row was found but no transaction line under it.
    #[error("the statement has no transaction lines under its header row")]
    NoLines,
    /// A line is not UTF-8 text.
    #[error("line {line} is not UTF-8 text (save the statement as CSV in UTF-8)")]
    NotUtf8 {
        /// Physical line (1-based).
        line: usize,
    },
    /// A line (or a record over several lines) is longer than any statement line.
    #[error("line {line} is longer than {} KiB; this is not a bank statement", csv::MAX_RECORD_BYTES / 1024)]
    LineTooLong {
        /// Physical line (1-based) where the record starts.
        line: usize,
    },
    /// No row names the columns needed.
    #[error("no header row names the needed columns: {missing} (headers seen: {seen}); name them with the column options")]
    NoHeader {
        /// The columns not found.
        missing: String,
        /// The first row's cells.
        seen: String,
    },
    /// A column named by the user is not in the header.
    #[error("the header has no column \"{0}\"")]
    UnknownColumn(String),
    /// A quoted field never ends.
    #[error("line {line}: a quoted field is not closed")]
    Unterminated {
        /// Physical line (1-based) where the record starts.
        line: usize,
    },
    /// One cell is wrong.
    #[error("line {line}, column \"{column}\": {problem}")]
    Cell {
        /// Physical line (1-based) where the record starts.
        line: usize,
        /// The header name of the column.
        column: String,
        /// What is wrong, in words.
        problem: String,
    },
}

impl StatementError {
    /// The column at fault, if one is.
    pub fn column(&self) -> Option<&str> {
        match self {
            StatementError::Cell { column, .. } => Some(column),
            StatementError::UnknownColumn(c) => Some(c),
            _ => None,
        }
    }
}

/// Which way money went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Money received (a credit).
    In,
    /// Money sent (a debit).
    Out,
}

/// One transaction line of a statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// Physical line in the file (1-based).
    pub line: usize,
    /// `YYYY-MM-DD`.
    pub date: String,
    /// In or out.
    pub direction: Direction,
    /// Always positive, in the campaign currency's minor units.
    pub amount: Minor,
    /// The bank's transaction id.
    pub transaction_id: String,
    /// The transfer message (may be empty).
    pub description: String,
    /// The other party's name, when the statement gives one.
    pub payer: Option<String>,
}

/// A statement read in full.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    /// The columns used.
    pub columns: Columns,
    /// Transaction lines in file order (blank rows are left out).
    pub lines: Vec<Line>,
}

/// Reads a whole statement held in memory: finds the header, then every line's date,
/// direction, amount in `currency`, transaction id, message and payer. Imports read
/// statements a piece at a time with [`StatementLines`] and [`Scan`] instead.
///
/// # Errors
/// [`StatementError`] for the first bad cell (naming its line and column), a missing
/// header, or a line repeating another's transaction id with different facts.
pub fn parse(
    text: &str,
    mapping: &Mapping,
    currency: Currency,
) -> Result<Statement, StatementError> {
    let mut reader = StatementLines::new(mapping.clone(), currency);
    reader.feed(text.as_bytes())?;
    reader.finish()?;
    let columns = reader.columns().cloned().unwrap_or_default();
    let mut scan = Scan::new();
    let mut lines = Vec::new();
    while let Some(line) = reader.next_line() {
        scan.add(&line, &columns)?;
        lines.push(line);
    }
    Ok(Statement { columns, lines })
}

/// Sorts every line of `statement`, held in memory. `recorded` maps references already in
/// the ledger to the campaign holding them.
///
/// # Errors
/// [`StatementError::Cell`] when a donation to record would be invalid (a transaction id
/// or payer name that is too long or holds control characters).
pub fn plan(
    statement: &Statement,
    recorded: &HashMap<String, String>,
    options: &PlanOptions<'_>,
) -> Result<Vec<Planned>, StatementError> {
    let mut scan = Scan::new();
    for line in &statement.lines {
        scan.add(line, &statement.columns)?;
    }
    let planner = Planner::new(scan);
    statement
        .lines
        .iter()
        .map(|line| {
            let held = recorded.get(&line.transaction_id).map(String::as_str);
            planner.plan(line.clone(), held, &statement.columns, options)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vnd() -> Currency {
        Currency::parse("VND").expect("VND")
    }

    const STATEMENT: &str = "\u{feff}Sao kê tài khoản 0123456789\n\
Ngày giao dịch;Mã giao dịch;Ghi nợ;Ghi có;Nội dung;Tên người chuyển\n\
24/11/2026;FT001;;1.000.000;ung ho lu lut;NGUYEN VAN A\n\
24/11/2026;FT002;2.000.000;;mua gao;CONG TY GAO\n\
25/11/2026;FT003;;2.000.000;hoan tien FT002;CONG TY GAO\n\
24/11/2026;FT001;;1.000.000;ung ho lu lut;NGUYEN VAN A\n\
26/11/2026;FT004;;500.000;ung ho;\n";

    #[test]
    fn a_semicolon_statement_with_a_preamble_is_read_and_planned() {
        let s = parse(STATEMENT, &Mapping::default(), vnd()).expect("parses");
        assert_eq!(s.columns.credit.as_deref(), Some("Ghi có"));
        assert_eq!(s.lines.len(), 5);
        assert_eq!(s.lines[0].line, 3);
        let recorded = HashMap::from([("FT004".to_string(), "flood".to_string())]);
        let options = PlanOptions {
            campaign: "flood",
            currency: vnd(),
            publish_payer_names: false,
        };
        let p = plan(&s, &recorded, &options).expect("plans");
        let outcomes: Vec<&Outcome> = p.iter().map(|p| &p.outcome).collect();
        assert_eq!(
            outcomes,
            [
                &Outcome::Record,
                &Outcome::Outgoing,
                &Outcome::ReturnedTransfer { of_line: Some(4) },
                &Outcome::DuplicateLine { of_line: 3 },
                &Outcome::AlreadyRecorded {
                    campaign: "flood".into()
                },
            ]
        );
        let d = p[0].donation.as_ref().expect("a donation");
        assert_eq!(d.donor, "Anonymous");
        assert_eq!(d.reference.as_deref(), Some("FT001"));
        assert_eq!(d.amount.get(), 1_000_000);
    }

    #[test]
    fn a_bad_cell_names_its_line_and_column() {
        let text = "Date,Transaction ID,Amount,Description\n2026-11-24,T1,\"1,000\",x\n2026-11-24,T2,1.000.0x0,y\n";
        let err = parse(text, &Mapping::default(), vnd()).expect_err("refused");
        assert_eq!(
            err.to_string(),
            "line 3, column \"Amount\": \"1.000.0x0\" is not an amount"
        );
    }

    #[test]
    fn a_missing_header_names_what_is_missing() {
        let err = parse("When,What\n1,2\n", &Mapping::default(), vnd()).expect_err("refused");
        assert!(
            err.to_string()
                .contains("date, amount (or credit), transaction id"),
            "{err}"
        );
        let mapped = Mapping {
            date: Some("When".into()),
            amount: Some("What".into()),
            transaction_id: Some("Id".into()),
            ..Mapping::default()
        };
        let err = parse("When,What\n1,2\n", &mapped, vnd()).expect_err("refused");
        assert_eq!(err, StatementError::UnknownColumn("Id".into()));
    }

    #[test]
    fn payer_names_are_published_only_when_asked() {
        let s = parse(STATEMENT, &Mapping::default(), vnd()).expect("parses");
        let options = PlanOptions {
            campaign: "flood",
            currency: vnd(),
            publish_payer_names: true,
        };
        let p = plan(&s, &HashMap::new(), &options).expect("plans");
        let donor = |i: usize| p[i].donation.as_ref().map(|d| d.donor.clone());
        assert_eq!(donor(0).as_deref(), Some("NGUYEN VAN A"));
        assert_eq!(donor(4).as_deref(), Some("Anonymous"));
    }
}
