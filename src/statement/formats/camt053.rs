//! ISO 20022 camt.053 (Bank-to-Customer Statement) read as it streams: the account, the
//! period, the opening (`OPBD`) and closing (`CLBD`) balances, and each entry (`Ntry`) as a
//! transaction, in the file's order, handed over one at a time so memory does not grow with
//! the statement. The bank transaction id is the entry's `AcctSvcrRef` (else the first
//! transaction's `AcctSvcrRef`, then its `EndToEndId`).

use super::{decimal_units, FormatError, Header, Transaction};
use crate::ledger::entry::SignedMinor;
use crate::ledger::money::Currency;
use quick_xml::events::Event;
use quick_xml::Reader;
use std::io::BufRead;

/// An entry being read.
#[derive(Default)]
struct Entry {
    amount: Option<String>,
    currency: Option<String>,
    credit: Option<bool>,
    date: Option<String>,
    account_ref: Option<String>,
    tx_ref: Option<String>,
    end_to_end: Option<String>,
    debtor: Option<String>,
    creditor: Option<String>,
    memo: Vec<String>,
}

/// A balance being read.
#[derive(Default)]
struct Balance {
    code: Option<String>,
    amount: Option<String>,
    credit: Option<bool>,
    date: Option<String>,
}

/// Reads the statement from `input`, calling `each` with every transaction in order, and
/// returns the header. The currency of amounts is the account's (`Acct/Ccy`), else the
/// first amount's.
///
/// # Errors
/// [`FormatError::Camt`] for XML that is not well formed or an entry missing its amount,
/// direction, day or id; whatever `each` returns.
pub fn read<R: BufRead>(
    input: R,
    mut each: impl FnMut(Transaction) -> Result<(), FormatError>,
) -> Result<Header, FormatError> {
    let mut reader = Reader::from_reader(input);
    reader.config_mut().trim_text(true);
    let mut buf = Vec::new();
    let mut path: Vec<String> = Vec::new();
    let mut header = Header::default();
    let mut entry: Option<Entry> = None;
    let mut balance: Option<Balance> = None;
    let mut count = 0usize;
    let bad = |e: quick_xml::Error| FormatError::Camt(e.to_string());
    loop {
        match reader.read_event_into(&mut buf).map_err(bad)? {
            Event::Start(e) => {
                let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                if name == "Ntry" {
                    entry = Some(Entry::default());
                }
                if name == "Bal" {
                    balance = Some(Balance::default());
                }
                if name == "Amt" {
                    let ccy = e
                        .try_get_attribute("Ccy")
                        .ok()
                        .flatten()
                        .map(|a| String::from_utf8_lossy(&a.value).into_owned());
                    if let (Some(en), Some(c)) = (entry.as_mut(), ccy) {
                        en.currency.get_or_insert(c);
                    }
                }
                path.push(name);
            }
            Event::End(_) => match path.pop().as_deref() {
                Some("Ntry") => {
                    if let Some(en) = entry.take() {
                        count += 1;
                        let currency = currency_of(&mut header, en.currency.as_deref())?;
                        each(transaction(en, currency, count)?)?;
                    }
                }
                Some("Bal") => {
                    if let Some(b) = balance.take() {
                        let currency = currency_of(&mut header, None)?;
                        take_balance(&mut header, b, currency)?;
                    }
                }
                _ => {}
            },
            Event::Text(t) => {
                let text = t.decode().map_err(|e| FormatError::Camt(e.to_string()))?;
                let text = quick_xml::escape::unescape(&text)
                    .map_err(|e| FormatError::Camt(e.to_string()))?
                    .into_owned();
                take_text(&path, text, &mut header, entry.as_mut(), balance.as_mut());
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    Ok(header)
}

fn ends(path: &[String], tail: &[&str]) -> bool {
    path.len() >= tail.len()
        && path[path.len() - tail.len()..]
            .iter()
            .zip(tail)
            .all(|(a, b)| a == b)
}

/// Files the text at `path` where it belongs.
fn take_text(
    path: &[String],
    text: String,
    header: &mut Header,
    entry: Option<&mut Entry>,
    balance: Option<&mut Balance>,
) {
    if let Some(en) = entry {
        if ends(path, &["Ntry", "Amt"]) {
            en.amount = Some(text);
        } else if ends(path, &["Ntry", "CdtDbtInd"]) {
            en.credit = Some(text == "CRDT");
        } else if ends(path, &["BookgDt", "Dt"]) || ends(path, &["BookgDt", "DtTm"]) {
            en.date = Some(text.chars().take(10).collect());
        } else if ends(path, &["Ntry", "AcctSvcrRef"]) {
            en.account_ref = Some(text);
        } else if ends(path, &["Refs", "AcctSvcrRef"]) {
            en.tx_ref.get_or_insert(text);
        } else if ends(path, &["Refs", "EndToEndId"]) {
            en.end_to_end.get_or_insert(text);
        } else if ends(path, &["Dbtr", "Nm"]) || ends(path, &["Dbtr", "Pty", "Nm"]) {
            en.debtor.get_or_insert(text);
        } else if ends(path, &["Cdtr", "Nm"]) || ends(path, &["Cdtr", "Pty", "Nm"]) {
            en.creditor.get_or_insert(text);
        } else if ends(path, &["RmtInf", "Ustrd"]) {
            en.memo.push(text);
        }
        return;
    }
    if let Some(b) = balance {
        if ends(path, &["CdOrPrtry", "Cd"]) {
            b.code = Some(text);
        } else if ends(path, &["Bal", "Amt"]) {
            b.amount = Some(text);
        } else if ends(path, &["Bal", "CdtDbtInd"]) {
            b.credit = Some(text == "CRDT");
        } else if ends(path, &["Dt", "Dt"]) || ends(path, &["Dt", "DtTm"]) {
            b.date = Some(text.chars().take(10).collect());
        }
        return;
    }
    if ends(path, &["Acct", "Id", "IBAN"]) || ends(path, &["Acct", "Id", "Othr", "Id"]) {
        header.account.get_or_insert(text);
    } else if ends(path, &["Acct", "Ccy"]) {
        header.currency = header.currency.or_else(|| Currency::parse(&text).ok());
    } else if ends(path, &["FrToDt", "FrDtTm"]) {
        header.from = Some(text.chars().take(10).collect());
    } else if ends(path, &["FrToDt", "ToDtTm"]) {
        header.to = Some(text.chars().take(10).collect());
    }
}

/// The statement's currency: the account's, else `first` (an amount's), remembered.
fn currency_of(header: &mut Header, first: Option<&str>) -> Result<Currency, FormatError> {
    if let Some(c) = header.currency {
        return Ok(c);
    }
    let code =
        first.ok_or_else(|| FormatError::Camt("no currency (Acct/Ccy or Amt/@Ccy)".into()))?;
    let c = Currency::parse(code).map_err(|e| FormatError::Camt(e.to_string()))?;
    header.currency = Some(c);
    Ok(c)
}

fn transaction(en: Entry, currency: Currency, index: usize) -> Result<Transaction, FormatError> {
    let missing = |what: &str| FormatError::Line {
        index,
        problem: format!("the entry has no {what}"),
    };
    let text = en.amount.ok_or_else(|| missing("amount (Amt)"))?;
    let credit = en.credit.ok_or_else(|| missing("direction (CdtDbtInd)"))?;
    let units = decimal_units(&text, '.', currency)
        .map_err(|problem| FormatError::Line { index, problem })?;
    if let Some(c) = &en.currency {
        if c != currency.code() {
            return Err(FormatError::Line {
                index,
                problem: format!("the amount is in {c}, the statement in {currency}"),
            });
        }
    }
    Ok(Transaction {
        date: en.date.ok_or_else(|| missing("booking day (BookgDt)"))?,
        amount: if credit { units } else { -units },
        id: en
            .account_ref
            .or(en.tx_ref)
            .or(en.end_to_end)
            .ok_or_else(|| missing("bank reference (AcctSvcrRef)"))?,
        counterparty: if credit { en.debtor } else { en.creditor },
        memo: (!en.memo.is_empty()).then(|| en.memo.join(" ")),
    })
}

fn take_balance(header: &mut Header, b: Balance, currency: Currency) -> Result<(), FormatError> {
    let (Some(code), Some(amount)) = (b.code, b.amount) else {
        return Ok(());
    };
    let units = decimal_units(&amount, '.', currency).map_err(FormatError::Camt)?;
    let signed = SignedMinor(if b.credit == Some(false) {
        -units
    } else {
        units
    });
    match code.as_str() {
        "OPBD" | "PRCD" => {
            header.opening.get_or_insert(signed);
            if header.from.is_none() {
                header.from = b.date;
            }
        }
        "CLBD" => {
            header.closing = Some(signed);
            if header.to.is_none() {
                header.to = b.date;
            }
        }
        _ => {}
    }
    Ok(())
}
