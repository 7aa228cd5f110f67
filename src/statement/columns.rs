//! Which column of a statement holds what: the header names the user chose ([`Mapping`]),
//! or else the first of the usual names, Vietnamese and English, that the header row holds
//! ([`defaults`]); and the names a statement was read with ([`Columns`]).

use super::StatementError;
use serde::Serialize;

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

/// A header name as compared: trimmed, without a trailing `:`, runs of spaces collapsed,
/// in lower case.
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
#[derive(Debug, Clone)]
pub(super) struct Layout {
    pub(super) date: usize,
    pub(super) amount: Option<usize>,
    pub(super) credit: Option<usize>,
    pub(super) debit: Option<usize>,
    pub(super) description: Option<usize>,
    pub(super) transaction_id: usize,
    pub(super) payer: Option<usize>,
}

/// The layout `cells` name, the needed columns they lack, or a column the user named
/// that is not among them.
pub(super) fn layout(
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
