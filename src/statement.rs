//! Bank statements: CSV exports from Vietnamese and other banks read into typed lines, and
//! the plan of which lines become donations. Pure: no I/O, no async.
//!
//! Reading is strict and happens before anything is recorded: a statement with one bad
//! cell is refused whole, naming the line and the column ([`StatementError`]). Planning
//! then sorts every line: credits become donations keyed on the bank transaction id
//! (their `reference`); credits already in the ledger, repeated lines, outgoing lines and
//! money that came back from an earlier outgoing transfer are listed, never recorded.

use crate::ledger::entry::{Body, Channel, Donation};
use crate::ledger::money::{Currency, Minor, MoneyError};
use serde::Serialize;
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
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

/// CSV records, each with the physical line (1-based) it starts on.
type Rows = Vec<(usize, Vec<String>)>;

/// Splits CSV text into records (RFC 4180 quoting, `\n` or `\r\n`), each with the
/// physical line it starts on.
fn records(text: &str, delimiter: char) -> Result<Rows, StatementError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut out = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut line = 1;
    let mut start = 1;
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                '\n' => {
                    line += 1;
                    field.push('\n');
                }
                _ => field.push(c),
            }
            continue;
        }
        match c {
            '"' if field.trim().is_empty() => {
                field.clear();
                quoted = true;
            }
            c if c == delimiter => record.push(std::mem::take(&mut field)),
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' => {
                record.push(std::mem::take(&mut field));
                out.push((start, std::mem::take(&mut record)));
                line += 1;
                start = line;
            }
            _ => field.push(c),
        }
    }
    if quoted {
        return Err(StatementError::Unterminated { line: start });
    }
    if !field.is_empty() || !record.is_empty() {
        record.push(field);
        out.push((start, record));
    }
    Ok(out)
}

fn normalize(header: &str) -> String {
    header
        .trim()
        .trim_end_matches(':')
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// The index of the column named `chosen`, or of the first default name present.
fn find(
    headers: &[String],
    chosen: Option<&String>,
    names: &[&str],
) -> Result<Option<usize>, StatementError> {
    if let Some(name) = chosen {
        let wanted = normalize(name);
        return headers
            .iter()
            .position(|h| *h == wanted)
            .map(Some)
            .ok_or_else(|| StatementError::UnknownColumn(name.clone()));
    }
    Ok(names
        .iter()
        .find_map(|n| headers.iter().position(|h| h == n)))
}

/// Column indexes found in one header row.
struct Layout {
    date: usize,
    amount: Option<usize>,
    credit: Option<usize>,
    debit: Option<usize>,
    description: Option<usize>,
    transaction_id: usize,
    payer: Option<usize>,
}

fn layout(
    cells: &[String],
    mapping: &Mapping,
) -> Result<Result<Layout, Vec<&'static str>>, StatementError> {
    use defaults as d;
    let headers: Vec<String> = cells.iter().map(|c| normalize(c)).collect();
    let date = find(&headers, mapping.date.as_ref(), d::DATE)?;
    let amount = find(&headers, mapping.amount.as_ref(), d::AMOUNT)?;
    let credit = find(&headers, mapping.credit.as_ref(), d::CREDIT)?;
    let debit = find(&headers, mapping.debit.as_ref(), d::DEBIT)?;
    let description = find(&headers, mapping.description.as_ref(), d::DESCRIPTION)?;
    let transaction_id = find(&headers, mapping.transaction_id.as_ref(), d::TRANSACTION_ID)?;
    let payer = find(&headers, mapping.payer.as_ref(), d::PAYER)?;
    let mut missing = Vec::new();
    if date.is_none() {
        missing.push("date");
    }
    if amount.is_none() && credit.is_none() {
        missing.push("amount (or credit)");
    }
    if transaction_id.is_none() {
        missing.push("transaction id");
    }
    match (date, transaction_id) {
        (Some(date), Some(transaction_id)) if missing.is_empty() => Ok(Ok(Layout {
            date,
            amount,
            credit,
            debit,
            description,
            transaction_id,
            payer,
        })),
        _ => Ok(Err(missing)),
    }
}

/// The header row: the first of the first rows that names every needed column (bank
/// exports often start with a few lines about the account). Tries `,`, `;` and tab.
fn header(text: &str, mapping: &Mapping) -> Result<(Rows, usize, Layout), StatementError> {
    // The error to report comes from the delimiter that splits the first rows widest.
    let mut best: Option<(usize, StatementError)> = None;
    for delimiter in [',', ';', '\t'] {
        let rows = records(text, delimiter)?;
        if rows
            .iter()
            .all(|(_, r)| r.iter().all(|c| c.trim().is_empty()))
        {
            return Err(StatementError::Empty);
        }
        let mut error = None;
        for (i, (_, cells)) in rows.iter().enumerate().take(30) {
            // A user-named column missing from this row only means it is not the header.
            match layout(cells, mapping) {
                Ok(Ok(l)) => return Ok((rows, i, l)),
                Ok(Err(missing)) if i == 0 => {
                    error = Some(StatementError::NoHeader {
                        missing: missing.join(", "),
                        seen: cells.join(", "),
                    });
                }
                Ok(Err(_)) => {}
                Err(e) => {
                    if !matches!(error, Some(StatementError::UnknownColumn(_))) {
                        error = Some(e);
                    }
                }
            }
        }
        let width = rows
            .iter()
            .take(30)
            .map(|(_, r)| r.len())
            .max()
            .unwrap_or(0);
        if let Some(e) = error {
            if best.as_ref().is_none_or(|(w, _)| width > *w) {
                best = Some((width, e));
            }
        }
    }
    Err(best.map_or(StatementError::Empty, |(_, e)| e))
}

/// Reads a statement: finds the header, then every line's date, direction, amount in
/// `currency`, transaction id, message and payer.
///
/// # Errors
/// [`StatementError`] for the first bad cell (naming its line and column), a missing
/// header, or a line repeating another's transaction id with different facts.
pub fn parse(
    text: &str,
    mapping: &Mapping,
    currency: Currency,
) -> Result<Statement, StatementError> {
    let (rows, header_at, l) = header(text, mapping)?;
    let names = &rows[header_at].1;
    let name = |i: usize| names.get(i).map_or(String::new(), |n| n.trim().to_string());
    let columns = Columns {
        date: name(l.date),
        amount: l.amount.map(name),
        credit: l.credit.map(name),
        debit: l.debit.map(name),
        description: l.description.map(name),
        transaction_id: name(l.transaction_id),
        payer: l.payer.map(name),
    };
    let mut lines = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (line, cells) in rows.iter().skip(header_at + 1) {
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let line = *line;
        let cell = |i: usize| cells.get(i).map_or("", |c| c.trim());
        let bad = |column: &str, problem: String| StatementError::Cell {
            line,
            column: column.to_string(),
            problem,
        };
        let date = parse_date(cell(l.date)).map_err(|p| bad(&columns.date, p))?;
        let (direction, amount) =
            line_amount(&l, &columns, cell, currency).map_err(|(c, p)| bad(&c, p))?;
        let transaction_id = cell(l.transaction_id).to_string();
        if transaction_id.is_empty() {
            return Err(bad(
                &columns.transaction_id,
                "empty: every line needs the bank's transaction id".into(),
            ));
        }
        let description = l.description.map_or("", cell).to_string();
        let payer = l
            .payer
            .map(cell)
            .filter(|p| !p.is_empty())
            .map(str::to_string);
        let parsed = Line {
            line,
            date,
            direction,
            amount,
            transaction_id,
            description,
            payer,
        };
        if let Some(first) = seen.get(&parsed.transaction_id) {
            let earlier: &Line = &lines[*first];
            if (earlier.date.as_str(), earlier.direction, earlier.amount)
                != (parsed.date.as_str(), parsed.direction, parsed.amount)
            {
                return Err(bad(
                    &columns.transaction_id,
                    format!(
                        "transaction id {:?} is also on line {} with a different date or amount",
                        parsed.transaction_id, earlier.line
                    ),
                ));
            }
        } else {
            seen.insert(parsed.transaction_id.clone(), lines.len());
        }
        lines.push(parsed);
    }
    Ok(Statement { columns, lines })
}

/// The direction and amount of one line, or the column at fault and why.
fn line_amount<'a>(
    l: &Layout,
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
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

/// The outgoing line a credit gives back, if it looks like a return: its message names an
/// outgoing transaction id, or says "refund"/"hoàn tiền", or it has the amount and payer
/// of an outgoing line on or before its date.
fn returned(credit: &Line, outgoing: &[&Line]) -> Option<Option<usize>> {
    let message = credit.description.to_lowercase();
    let earlier = |o: &&&Line| o.date <= credit.date;
    if let Some(o) = outgoing.iter().filter(earlier).find(|o| {
        o.transaction_id.chars().count() >= 4 && message.contains(&o.transaction_id.to_lowercase())
    }) {
        return Some(Some(o.line));
    }
    let same_amount = |o: &&&Line| o.amount == credit.amount;
    if RETURN_WORDS.iter().any(|w| message.contains(w)) {
        return Some(
            outgoing
                .iter()
                .filter(earlier)
                .find(same_amount)
                .map(|o| o.line),
        );
    }
    let payer = credit.payer.as_deref().map(|p| p.trim().to_lowercase());
    outgoing
        .iter()
        .filter(earlier)
        .filter(same_amount)
        .find(|o| payer.is_some() && o.payer.as_deref().map(|p| p.trim().to_lowercase()) == payer)
        .map(|o| Some(o.line))
}

/// Sorts every line of `statement`. `recorded` maps references already in the ledger to
/// the campaign holding them.
///
/// # Errors
/// [`StatementError::Cell`] when a donation to record would be invalid (a transaction id
/// or payer name that is too long or holds control characters).
pub fn plan(
    statement: &Statement,
    recorded: &HashMap<String, String>,
    options: &PlanOptions<'_>,
) -> Result<Vec<Planned>, StatementError> {
    let outgoing: Vec<&Line> = statement
        .lines
        .iter()
        .filter(|l| l.direction == Direction::Out)
        .collect();
    let mut first_line: HashMap<&str, usize> = HashMap::new();
    let mut out = Vec::with_capacity(statement.lines.len());
    for line in &statement.lines {
        let outcome = if let Some(first) = first_line.get(line.transaction_id.as_str()) {
            Outcome::DuplicateLine { of_line: *first }
        } else if line.direction == Direction::Out {
            Outcome::Outgoing
        } else if let Some(campaign) = recorded.get(&line.transaction_id) {
            Outcome::AlreadyRecorded {
                campaign: campaign.clone(),
            }
        } else if let Some(of_line) = returned(line, &outgoing) {
            Outcome::ReturnedTransfer { of_line }
        } else {
            Outcome::Record
        };
        first_line.entry(&line.transaction_id).or_insert(line.line);
        let donation = (outcome == Outcome::Record)
            .then(|| donation(line, &statement.columns, options))
            .transpose()?;
        out.push(Planned {
            line: line.clone(),
            outcome,
            donation,
        });
    }
    Ok(out)
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

    #[test]
    fn quoted_fields_keep_separators_quotes_and_newlines() {
        let rows = records("a,\"b, \"\"c\"\"\nd\",e\r\nf,g\n", ',').expect("parses");
        assert_eq!(
            rows[0],
            (1, vec!["a".into(), "b, \"c\"\nd".into(), "e".into()])
        );
        assert_eq!(rows[1], (3, vec!["f".into(), "g".into()]));
        assert_eq!(
            records("a,\"b\n", ','),
            Err(StatementError::Unterminated { line: 1 })
        );
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
