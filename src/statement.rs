//! Bank statements: CSV exports from Vietnamese and other banks read into typed lines, and
//! the plan of which lines become donations. Pure: no I/O, no async.
//!
//! Reading is strict and happens before anything is recorded: a statement with one bad
//! cell is refused whole, naming the line and the column ([`StatementError`]). Planning
//! then sorts every line: credits become donations keyed on the bank transaction id
//! (their `reference`); credits already in the ledger, repeated lines, outgoing lines and
//! money that came back from an earlier outgoing transfer are listed, never recorded.
//!
//! Statements are read a piece at a time ([`StatementLines`], over [`csv`] records) and
//! sorted with what a first reading gathered ([`Scan`], [`Planner`]), so an import holds
//! a few numbers per line, never the statement; [`parse`] and [`plan`] do both at once
//! for a statement in memory.

mod csv;
mod lines;
mod planner;

pub use lines::StatementLines;
pub use planner::{Planner, Scan};

use crate::ledger::entry::{Body, Channel, Donation};
use crate::ledger::money::{Currency, Minor, MoneyError};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Header names tried, in order, for each column when no name is given (compared
/// case-insensitively, with runs of spaces collapsed).
pub mod defaults {
    /// Day of the transaction.
    pub const DATE: &[&str] = &[
        "ngày giao dịch",
        "ngày gd",
        "ngày hiệu lực",
        "ngày",
        "date",
        "transaction date",
        "value date",
        "posting date",
    ];
    /// One signed amount (negative: money out).
    pub const AMOUNT: &[&str] = &["số tiền", "số tiền giao dịch", "amount"];
    /// Money in.
    pub const CREDIT: &[&str] = &[
        "ghi có",
        "số tiền ghi có",
        "phát sinh có",
        "tiền vào",
        "credit",
        "credit amount",
        "money in",
    ];
    /// Money out.
    pub const DEBIT: &[&str] = &[
        "ghi nợ",
        "số tiền ghi nợ",
        "phát sinh nợ",
        "tiền ra",
        "debit",
        "debit amount",
        "money out",
    ];
    /// The transfer message.
    pub const DESCRIPTION: &[&str] = &[
        "nội dung",
        "nội dung giao dịch",
        "nội dung chuyển khoản",
        "diễn giải",
        "mô tả",
        "description",
        "details",
        "transfer message",
        "remarks",
        "narrative",
    ];
    /// The bank's own id of the transaction.
    pub const TRANSACTION_ID: &[&str] = &[
        "mã giao dịch",
        "mã gd",
        "số tham chiếu",
        "số bút toán",
        "transaction id",
        "transaction no",
        "transaction number",
        "reference number",
        "ref no",
    ];
    /// The other party's name.
    pub const PAYER: &[&str] = &[
        "tên người chuyển",
        "người chuyển",
        "tên đối ứng",
        "đối ứng",
        "tên tài khoản đối ứng",
        "payer",
        "payer name",
        "counterparty",
        "counterparty name",
    ];
}

/// Words in a transfer message that say money came back (compared in lower case).
const RETURN_WORDS: &[&str] = &[
    "hoàn tiền",
    "hoan tien",
    "hoàn trả",
    "hoan tra",
    "trả lại",
    "tra lai",
    "chuyển trả",
    "refund",
    "returned",
    "return of",
];

/// Header names chosen by the user; `None` means "try the defaults".
#[derive(Debug, Clone, Default)]
pub struct Mapping {
    /// Date column.
    pub date: Option<String>,
    /// Signed amount column.
    pub amount: Option<String>,
    /// Credit (money in) column.
    pub credit: Option<String>,
    /// Debit (money out) column.
    pub debit: Option<String>,
    /// Transfer message column.
    pub description: Option<String>,
    /// Bank transaction id column.
    pub transaction_id: Option<String>,
    /// Payer name column.
    pub payer: Option<String>,
}

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

/// The header names a statement was read with.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Columns {
    /// Date.
    pub date: String,
    /// Signed amount, when there is no credit column.
    pub amount: Option<String>,
    /// Credit.
    pub credit: Option<String>,
    /// Debit.
    pub debit: Option<String>,
    /// Transfer message.
    pub description: Option<String>,
    /// Transaction id.
    pub transaction_id: String,
    /// Payer name.
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

/// The direction and amount of one line, or the column at fault and why.
fn line_amount<'a>(
    l: &lines::Layout,
    columns: &Columns,
    cell: impl Fn(usize) -> &'a str,
    currency: Currency,
) -> Result<(Direction, Minor), (String, String)> {
    let col = |c: &Option<String>| c.clone().unwrap_or_default();
    if let Some(credit) = l.credit {
        let read = |i: usize, column: &Option<String>| -> Result<u64, (String, String)> {
            let text = cell(i);
            if text.is_empty() {
                return Ok(0);
            }
            parse_amount(text, currency)
                .map(|(_, units)| units)
                .map_err(|p| (col(column), p))
        };
        let money_in = read(credit, &columns.credit)?;
        let money_out = match l.debit {
            Some(d) => read(d, &columns.debit)?,
            None => 0,
        };
        return match (money_in, money_out) {
            (0, 0) => Err((
                col(&columns.credit),
                "no amount: the credit and debit cells are both empty or zero".into(),
            )),
            (i, 0) => Ok((
                Direction::In,
                Minor::new(i).map_err(|e| (col(&columns.credit), e.to_string()))?,
            )),
            (0, o) => Ok((
                Direction::Out,
                Minor::new(o).map_err(|e| (col(&columns.debit), e.to_string()))?,
            )),
            _ => Err((
                col(&columns.debit),
                "both the credit and the debit cell hold an amount".into(),
            )),
        };
    }
    let i = l.amount.unwrap_or_default();
    let column = col(&columns.amount);
    let text = cell(i);
    if text.is_empty() {
        return Err((column, "empty: every line needs an amount".into()));
    }
    let (negative, units) = parse_amount(text, currency).map_err(|p| (column.clone(), p))?;
    let amount = Minor::new(units).map_err(|e| (column, e.to_string()))?;
    Ok((
        if negative {
            Direction::Out
        } else {
            Direction::In
        },
        amount,
    ))
}

/// Parses an amount as banks print it, exactly, in `currency`'s minor units: Vietnamese
/// `1.000.000` and `1.000.000,50`, English `1,000,000.50`, plain `250000`, with an optional
/// sign (`-`, `+`, or parentheses) and currency mark (`VND`, `đ`, `₫`). A single separator
/// followed by exactly three digits groups thousands (`1.000` is one thousand); otherwise
/// it is the decimal mark. In a currency with three decimals (KWD) a single `.` is the
/// decimal mark and a single `,` before three digits is refused as ambiguous, so any text
/// the API accepts ([`Minor::parse_decimal`]) means the same number here. Returns whether
/// it was negative, and the units (maybe zero).
///
/// # Errors
/// A sentence saying why the text is not an amount in `currency`.
pub fn parse_amount(text: &str, currency: Currency) -> Result<(bool, u64), String> {
    let not = || format!("{text:?} is not an amount");
    let mut t = text.trim();
    for mark in [currency.code(), "VNĐ", "VND", "đ", "₫", "$"] {
        t = t.trim_end_matches(mark).trim_start_matches(mark).trim();
    }
    let mut negative = false;
    if let Some(inner) = t.strip_prefix('(').and_then(|s| s.strip_suffix(')')) {
        negative = true;
        t = inner.trim();
    }
    if let Some(rest) = t.strip_prefix('-') {
        negative = true;
        t = rest.trim_start();
    } else if let Some(rest) = t.strip_prefix('+') {
        t = rest.trim_start();
    }
    if t.is_empty()
        || !t
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'.' || b == b',')
    {
        return Err(not());
    }
    let dots = t.matches('.').count();
    let commas = t.matches(',').count();
    let last = |c: char| t.rfind(c);
    let (group, decimal) = match (dots, commas) {
        (0, 0) => (None, None),
        (_, 0) | (0, _) => {
            let sep = if dots > 0 { '.' } else { ',' };
            let count = dots + commas;
            let after = t.len() - last(sep).unwrap_or(0) - 1;
            if count == 1 && after == 3 && currency.exponent() >= 3 {
                // `1.234` is a decimal in a three-decimal currency, as the API reads it;
                // `1,234` could be either.
                if sep == ',' {
                    return Err(format!(
                        "{text:?} could be {} with three decimals or a whole {currency} amount: write it with a decimal point",
                        t.replace(',', ".")
                    ));
                }
                (None, Some(sep))
            } else if count > 1 || after == 3 {
                (Some(sep), None)
            } else {
                (None, Some(sep))
            }
        }
        _ => {
            if last('.') > last(',') {
                (Some(','), Some('.'))
            } else {
                (Some('.'), Some(','))
            }
        }
    };
    let (whole, frac) = match decimal {
        Some(d) => {
            let at = last(d).unwrap_or(0);
            (&t[..at], &t[at + 1..])
        }
        None => (t, ""),
    };
    if decimal.is_some() && (frac.is_empty() || !frac.bytes().all(|b| b.is_ascii_digit())) {
        return Err(not());
    }
    let digits = match group {
        Some(g) => {
            let groups: Vec<&str> = whole.split(g).collect();
            let ok = groups.iter().enumerate().all(|(i, part)| {
                part.bytes().all(|b| b.is_ascii_digit())
                    && if i == 0 {
                        (1..=3).contains(&part.len())
                    } else {
                        part.len() == 3
                    }
            });
            if !ok {
                return Err(not());
            }
            groups.concat()
        }
        None => whole.to_string(),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(not());
    }
    if digits.bytes().all(|b| b == b'0') && frac.bytes().all(|b| b == b'0') {
        return Ok((negative, 0));
    }
    // Banks pad decimals (`1.000.000,00` for dong): zeros after the last significant
    // decimal change nothing.
    let frac = frac.trim_end_matches('0');
    let plain = if frac.is_empty() {
        digits
    } else {
        format!("{digits}.{frac}")
    };
    match Minor::parse_decimal(&plain, currency) {
        Ok(m) => Ok((negative, m.get())),
        Err(MoneyError::TooManyDecimals { .. }) => Err(format!(
            "{text:?} has more decimals than {currency} allows ({})",
            currency.exponent()
        )),
        Err(MoneyError::Overflow(_)) => Err(format!("{text:?} is too large")),
        Err(_) => Err(not()),
    }
}

/// Parses `24/11/2026`, `24-11-2026`, `24.11.2026`, `2026-11-24` or `2026/11/24`, with an
/// optional time after a space (ignored), into `YYYY-MM-DD`.
///
/// # Errors
/// A sentence saying why the text is not a date.
pub fn parse_date(text: &str) -> Result<String, String> {
    let not = || format!("{text:?} is not a date (expected 24/11/2026 or 2026-11-24)");
    let day = text.split_whitespace().next().ok_or_else(not)?;
    let parts: Vec<&str> = day.split(['/', '-', '.']).collect();
    let number = |s: &str| -> Option<u32> {
        (!s.is_empty() && s.len() <= 4 && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    let (y, m, d) = match parts.as_slice() {
        [a, b, c] if a.len() == 4 => (number(a), number(b), number(c)),
        [a, b, c] if c.len() == 4 => (number(c), number(b), number(a)),
        _ => return Err(not()),
    };
    let (Some(y), Some(m), Some(d)) = (y, m, d) else {
        return Err(not());
    };
    let date = chrono::NaiveDate::from_ymd_opt(y as i32, m, d).ok_or_else(not)?;
    Ok(date.format("%Y-%m-%d").to_string())
}

/// What the import does with one line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    /// Recorded as a donation (or would be, in a dry run).
    Record,
    /// A donation with this reference is already in the ledger.
    AlreadyRecorded {
        /// The campaign holding it.
        campaign: String,
    },
    /// The same transaction appears on an earlier line of this statement.
    DuplicateLine {
        /// That line.
        of_line: usize,
    },
    /// Money out: staff record it as a disbursement.
    Outgoing,
    /// Money that came back from an outgoing transfer: staff record a reversal of that
    /// disbursement instead of a new donation.
    ReturnedTransfer {
        /// The outgoing line it matches, when it is on this statement.
        of_line: Option<usize>,
    },
}

impl Outcome {
    /// Why, in words, for the preview.
    pub fn reason(&self) -> String {
        match self {
            Outcome::Record => "new donation".into(),
            Outcome::AlreadyRecorded { campaign } => {
                format!("already recorded (campaign {campaign})")
            }
            Outcome::DuplicateLine { of_line } => {
                format!("repeats line {of_line} of this statement")
            }
            Outcome::Outgoing => "outgoing: record it as a disbursement".into(),
            Outcome::ReturnedTransfer { of_line: Some(l) } => {
                format!("returned transfer (of line {l}): record as a reversal of the disbursement")
            }
            Outcome::ReturnedTransfer { of_line: None } => {
                "returned transfer: record as a reversal of the disbursement".into()
            }
        }
    }
}

/// One line of a plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Planned {
    /// The statement line.
    pub line: Line,
    /// What happens to it.
    pub outcome: Outcome,
    /// The donation to record, exactly when `outcome` is [`Outcome::Record`].
    pub donation: Option<Donation>,
}

/// How to turn lines into donations.
#[derive(Debug, Clone)]
pub struct PlanOptions<'a> {
    /// The receiving campaign.
    pub campaign: &'a str,
    /// Its currency.
    pub currency: Currency,
    /// Publish the statement's payer names as donor names (default: `Anonymous`).
    pub publish_payer_names: bool,
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

fn donation(
    line: &Line,
    columns: &Columns,
    o: &PlanOptions<'_>,
) -> Result<Donation, StatementError> {
    let donor = match (&line.payer, o.publish_payer_names) {
        (Some(p), true) => p.clone(),
        _ => "Anonymous".to_string(),
    };
    let d = Donation {
        amount: line.amount,
        campaign: o.campaign.to_string(),
        channel: Channel::BankTransfer,
        commitment: None,
        currency: o.currency,
        donor,
        in_kind: None,
        memo: None,
        received_at: line.date.clone(),
        reference: Some(line.transaction_id.clone()),
    };
    let body = Body::Donation(d.clone());
    let today = chrono::Utc::now().format("%Y-%m-%d").to_string();
    let checked = body
        .validate()
        .and_then(|()| crate::ledger::admission::check_new_body(&body, &today));
    checked.map_err(|f| {
        let column = match f.field.as_str() {
            "donor" => columns.payer.clone().unwrap_or_default(),
            "received_at" => columns.date.clone(),
            _ => columns.transaction_id.clone(),
        };
        StatementError::Cell {
            line: line.line,
            column,
            problem: f.problem,
        }
    })?;
    Ok(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vnd() -> Currency {
        Currency::parse("VND").expect("VND")
    }
    fn usd() -> Currency {
        Currency::parse("USD").expect("USD")
    }

    #[test]
    fn vietnamese_and_english_amounts_parse_exactly() {
        assert_eq!(parse_amount("1.000.000", vnd()), Ok((false, 1_000_000)));
        assert_eq!(parse_amount("500.000 đ", vnd()), Ok((false, 500_000)));
        assert_eq!(parse_amount("-200.000", vnd()), Ok((true, 200_000)));
        assert_eq!(
            parse_amount("1.000.000,50", usd()),
            Ok((false, 100_000_050))
        );
        assert_eq!(
            parse_amount("1,000,000.50", usd()),
            Ok((false, 100_000_050))
        );
        assert_eq!(parse_amount("12.5", usd()), Ok((false, 1250)));
        assert_eq!(parse_amount("12,50", usd()), Ok((false, 1250)));
        assert_eq!(parse_amount("1.000", vnd()), Ok((false, 1000)));
        assert_eq!(parse_amount("(1,234)", vnd()), Ok((true, 1234)));
        assert_eq!(parse_amount("250000", vnd()), Ok((false, 250_000)));
        assert_eq!(parse_amount("0", vnd()), Ok((false, 0)));
    }

    #[test]
    fn padded_decimals_and_three_decimal_currencies_read_as_the_api_reads_them() {
        let kwd = Currency::parse("KWD").expect("KWD");
        assert_eq!(parse_amount("1.000.000,00", vnd()), Ok((false, 1_000_000)));
        assert_eq!(parse_amount("250000.00", vnd()), Ok((false, 250_000)));
        assert_eq!(parse_amount("1.234", kwd), Ok((false, 1234)));
        assert_eq!(parse_amount("1,234.500", kwd), Ok((false, 1_234_500)));
        assert!(parse_amount("1,234", kwd).is_err_and(|e| e.contains("could be 1.234")));
    }

    #[test]
    fn malformed_amounts_say_why() {
        assert_eq!(
            parse_amount("1.000.0x0", vnd()),
            Err("\"1.000.0x0\" is not an amount".into())
        );
        assert!(parse_amount("1.00.000", vnd()).is_err());
        assert!(parse_amount("1,000.000,5", vnd()).is_err());
        assert!(parse_amount("12.", usd()).is_err());
        assert!(parse_amount("", vnd()).is_err());
        assert!(parse_amount("100,50", vnd()).is_err_and(|e| e.contains("more decimals than VND")));
        assert!(parse_amount("99999999999999999999", vnd()).is_err_and(|e| e.contains("too large")));
    }

    #[test]
    fn day_first_and_iso_dates_parse_and_impossible_ones_do_not() {
        assert_eq!(parse_date("24/11/2026"), Ok("2026-11-24".into()));
        assert_eq!(parse_date("2026-11-24"), Ok("2026-11-24".into()));
        assert_eq!(parse_date("4/1/2026 09:15:00"), Ok("2026-01-04".into()));
        assert!(parse_date("31/02/2026").is_err());
        assert!(parse_date("11/24").is_err());
        assert!(parse_date("").is_err());
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
