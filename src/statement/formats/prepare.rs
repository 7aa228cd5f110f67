//! A camt.053 or MT940 file made ready to record (SPEC.md §16): its canonical lines, the
//! `statement` entry committing to them for one of a campaign's official accounts, and a
//! donation for every credit line no donation in the ledger names yet. Nothing is recorded
//! here; the caller shows it (a dry run) or records it.

use super::{camt053, mt940, FormatError, Header, Publish};
use crate::ledger::entry::{
    Account, Body, Channel, Donation, Exclusion, ExclusionReason, Statement,
};
use crate::ledger::hash::sha256;
use crate::ledger::money::{Currency, Minor};
use crate::ledger::reconcile::{LinesFile, StatementLine};
use crate::statement::{Columns, Mapping, Scan, StatementError, StatementLines};
use crate::store::{Store, StoreError};
use std::collections::HashSet;

/// Lines whose transaction ids are looked up in the store at once.
const LINES_PER_LOOKUP: usize = 1000;
/// Bytes of a CSV export read at once.
const CSV_PIECE_BYTES: usize = 64 * 1024;

/// The formats a statement file may be in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    /// ISO 20022 camt.053 XML.
    Camt053,
    /// SWIFT MT940.
    Mt940,
    /// A Vietnamese bank's CSV export (columns found by their headers, `super::super::columns`);
    /// the account, period and balances come from the request.
    Csv,
}

/// Why a file cannot be recorded as a statement. Nothing was recorded.
#[derive(Debug, thiserror::Error)]
pub enum PrepareError {
    /// The file cannot be read.
    #[error(transparent)]
    Format(#[from] FormatError),
    /// The file lacks the account, the period or a balance.
    #[error("the statement file gives no {0}")]
    Missing(&'static str),
    /// The campaign does not exist.
    #[error("no campaign {0:?}")]
    UnknownCampaign(String),
    /// The file's account is not one of the campaign's official accounts.
    #[error("account {number} is not one of campaign {campaign}'s official accounts")]
    NotOfficial { number: String, campaign: String },
    /// The file's currency is not the campaign's.
    #[error("the statement is in {file}, the campaign in {campaign}")]
    Currency { file: Currency, campaign: Currency },
    /// The opening balance plus the lines is not the closing balance.
    #[error(
        "the opening balance {opening} plus the lines ({sum}) is not the closing balance {closing}"
    )]
    Sum {
        opening: i64,
        sum: i128,
        closing: i64,
    },
    /// A line is booked outside the statement's period.
    #[error("line {line} is booked on {date}, outside the statement's {from} to {to}")]
    OutsidePeriod {
        line: u64,
        date: String,
        from: String,
        to: String,
    },
    /// An exclusion names no line.
    #[error("exclusion of line {0}: the statement has no such line")]
    Exclusion(u64),
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What a statement file becomes.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// The `statement` entry's body.
    pub statement: Statement,
    /// Its canonical lines, in the file's order, as the file that publishes them (shared
    /// with the sequencer, which checks them against the entry, and with the blob store).
    pub lines: std::sync::Arc<LinesFile>,
    /// The lines (from 1) whose donations to record: credit lines no donation names, not
    /// excluded ([`Prepared::donation`] makes each).
    pub donations: Vec<u64>,
    /// The campaign the donations go to.
    pub campaign: String,
    /// Debit lines no disbursement or transfer names, not excluded (to record by hand).
    pub unnamed_debits: Vec<u64>,
}

/// Reads `file` in `format` and prepares it for `campaign`, excluding the lines listed;
/// what `given` holds (the account, period and balances a CSV export lacks) completes the
/// file's header.
///
/// # Errors
/// [`PrepareError`] naming the first problem.
pub async fn prepare(
    store: &Store,
    file: &[u8],
    format: Format,
    campaign: &str,
    publish: Publish,
    exclusions: Vec<Exclusion>,
    given: Header,
) -> Result<Prepared, PrepareError> {
    // Each transaction becomes its canonical line as it is read, kept only as the bytes
    // the published file holds; its sum and days are noted on the way.
    let mut lines = LinesFile::new();
    let mut sum: i128 = 0;
    let mut days: Option<(String, String)> = None;
    let mut take = |t: super::Transaction| {
        let line = t.canonical(publish, lines.len() + 1)?;
        sum += i128::from(line.amount.get());
        match &mut days {
            None => days = Some((line.date.clone(), line.date.clone())),
            Some((first, last)) => {
                if line.date < *first {
                    first.clone_from(&line.date);
                }
                if line.date > *last {
                    last.clone_from(&line.date);
                }
            }
        }
        lines.push(&line);
        Ok(())
    };
    let read = match format {
        Format::Camt053 => camt053::read(file, &mut take)?,
        Format::Mt940 => mt940::read(file, &mut take)?,
        Format::Csv => {
            let currency = campaign_currency(store, campaign).await?;
            std::str::from_utf8(file).map_err(|_| {
                PrepareError::Missing("UTF-8 text (save the statement as CSV in UTF-8)")
            })?;
            read_csv(file, currency, &mut take)?;
            Header::default()
        }
    };
    let header = Header {
        account: given.account.or(read.account),
        currency: read.currency.or(given.currency),
        from: given.from.or(read.from),
        to: given.to.or(read.to),
        opening: given.opening.or(read.opening),
        closing: given.closing.or(read.closing),
    };
    let (account, currency) = official_account(store, campaign, &header).await?;
    let (opening, closing) = (
        header
            .opening
            .ok_or(PrepareError::Missing("opening balance"))?,
        header
            .closing
            .ok_or(PrepareError::Missing("closing balance"))?,
    );
    if i128::from(opening.get()) + sum != i128::from(closing.get()) {
        return Err(PrepareError::Sum {
            opening: opening.get(),
            sum,
            closing: closing.get(),
        });
    }
    if let Some(x) = exclusions
        .iter()
        .find(|x| x.line == 0 || x.line > lines.len() as u64)
    {
        return Err(PrepareError::Exclusion(x.line));
    }
    let from = header
        .from
        .clone()
        .ok_or(PrepareError::Missing("first day"))?;
    let to = header.to.clone().ok_or(PrepareError::Missing("last day"))?;
    if days.is_some_and(|(first, last)| first < from || last > to) {
        return Err(outside_period(&lines, &from, &to));
    }
    let excluded: HashSet<u64> = exclusions.iter().map(|x| x.line).collect();
    let mut donations = Vec::new();
    let mut unnamed_debits = Vec::new();
    let mut number = 0u64;
    let mut chunk = Vec::with_capacity(LINES_PER_LOOKUP);
    let mut all = lines.lines();
    loop {
        chunk.clear();
        for line in all.by_ref().take(LINES_PER_LOOKUP) {
            chunk.push(line.map_err(|e| FormatError::Line {
                index: number as usize + chunk.len() + 1,
                problem: e.to_string(),
            })?);
        }
        if chunk.is_empty() {
            break;
        }
        let ids: Vec<String> = chunk.iter().map(|l| l.id.clone()).collect();
        let named: HashSet<String> = store
            .existing_references(&ids)
            .await?
            .into_iter()
            .map(|(_, r)| r)
            .collect();
        for l in &chunk {
            number += 1;
            if excluded.contains(&number) || named.contains(&l.id) {
                continue;
            }
            if l.is_credit() {
                donation(l, campaign, currency)?;
                donations.push(number);
            } else {
                unnamed_debits.push(number);
            }
        }
    }
    drop(all);
    let statement = Statement {
        account,
        closing,
        currency,
        exclusions,
        file_sha256: sha256(file),
        from,
        lines: lines.len() as u64,
        lines_root: lines.root(),
        lines_sha256: lines.sha256(),
        opening,
        to,
    };
    Ok(Prepared {
        statement,
        lines: std::sync::Arc::new(lines),
        donations,
        campaign: campaign.to_string(),
        unnamed_debits,
    })
}

/// Reads a CSV export (columns found by their headers) a piece at a time, handing each of
/// its lines to `take` as it is read; what is kept of the lines already read is what
/// [`Scan`] keeps to refuse a transaction id repeated with other facts.
///
/// # Errors
/// [`FormatError::Line`] for the first line, cell or repeat refused, or `take`'s error.
fn read_csv(
    file: &[u8],
    currency: Currency,
    mut take: impl FnMut(super::Transaction) -> Result<(), FormatError>,
) -> Result<(), FormatError> {
    let refused = |e: StatementError| FormatError::Line {
        index: 0,
        problem: e.to_string(),
    };
    let mut reader = StatementLines::new(Mapping::default(), currency);
    let mut scan = Scan::new();
    let mut columns: Option<Columns> = None;
    let mut pieces = file.chunks(CSV_PIECE_BYTES);
    loop {
        let piece = pieces.next();
        match piece {
            Some(bytes) => reader.feed(bytes).map_err(refused)?,
            None => reader.finish().map_err(refused)?,
        }
        while let Some(line) = reader.next_line() {
            let names =
                columns.get_or_insert_with(|| reader.columns().cloned().unwrap_or_default());
            scan.add(&line, names).map_err(refused)?;
            take(super::from_csv(&line)?)?;
        }
        if piece.is_none() {
            return Ok(());
        }
    }
}

/// The first line of `lines` booked outside `from` to `to` (some line is).
fn outside_period(lines: &LinesFile, from: &str, to: &str) -> PrepareError {
    let outside = (1u64..).zip(lines.lines()).find_map(|(n, l)| {
        l.ok()
            .filter(|l| l.date.as_str() < from || l.date.as_str() > to)
            .map(|l| (n, l.date))
    });
    let (line, date) = outside.unwrap_or_default();
    PrepareError::OutsidePeriod {
        line,
        date,
        from: from.to_string(),
        to: to.to_string(),
    }
}

/// The currency of `campaign`.
async fn campaign_currency(store: &Store, campaign: &str) -> Result<Currency, PrepareError> {
    store
        .campaigns()
        .await?
        .into_iter()
        .find(|c| c.state.id == campaign)
        .map(|c| c.state.currency)
        .ok_or_else(|| PrepareError::UnknownCampaign(campaign.to_string()))
}

impl Prepared {
    /// The donation credit line `line` (from 1) becomes.
    ///
    /// # Errors
    /// [`PrepareError::Missing`] when the line is not a credit of the statement.
    pub fn donation(&self, line: u64) -> Result<Donation, PrepareError> {
        let l = line
            .checked_sub(1)
            .and_then(|i| self.lines.line(i as usize))
            .ok_or(PrepareError::Missing("such a line"))?
            .map_err(|e| FormatError::Line {
                index: line as usize,
                problem: e.to_string(),
            })?;
        donation(&l, &self.campaign, self.statement.currency)
    }
}

/// The campaign's official account whose number is the file's (spaces aside), and the
/// campaign's currency.
async fn official_account(
    store: &Store,
    campaign: &str,
    header: &Header,
) -> Result<(Account, Currency), PrepareError> {
    let number = header
        .account
        .clone()
        .ok_or(PrepareError::Missing("account"))?;
    let plain = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    for c in store.campaigns().await? {
        let Some(entry) = store.entry(c.opened_seq).await? else {
            continue;
        };
        let Ok(Body::CampaignOpen(open)) = crate::ledger::decode(&entry.leaf).map(|e| e.body)
        else {
            continue;
        };
        if open.id != campaign {
            continue;
        }
        if let Some(file) = header.currency.filter(|f| *f != open.currency) {
            return Err(PrepareError::Currency {
                file,
                campaign: open.currency,
            });
        }
        return open
            .accounts
            .into_iter()
            .find(|a| plain(&a.number) == plain(&number))
            .map(|a| (a, open.currency))
            .ok_or(PrepareError::NotOfficial {
                number,
                campaign: campaign.to_string(),
            });
    }
    Err(PrepareError::UnknownCampaign(campaign.to_string()))
}

/// The donation a credit line becomes: its amount, day and transaction id, the published
/// name or `Anonymous`.
fn donation(
    l: &StatementLine,
    campaign: &str,
    currency: Currency,
) -> Result<Donation, PrepareError> {
    let amount = u64::try_from(l.amount.get())
        .ok()
        .and_then(|u| Minor::new(u).ok())
        .ok_or(PrepareError::Missing("positive credit amount"))?;
    Ok(Donation {
        amount,
        campaign: campaign.to_string(),
        channel: Channel::BankTransfer,
        commitment: None,
        currency,
        donor: l.counterparty.clone().unwrap_or_else(|| "Anonymous".into()),
        in_kind: None,
        memo: None,
        pledge: None,
        received_at: l.date.clone(),
        reference: Some(l.id.clone()),
    })
}

/// Reads `4:interest,5:fee` (line numbers from 1 and reasons) into exclusions, in order.
///
/// # Errors
/// Words naming the part that is not `line:reason`.
pub fn parse_exclusions(text: &str) -> Result<Vec<Exclusion>, String> {
    let mut out: Vec<Exclusion> = Vec::new();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (line, reason) = part
            .split_once(':')
            .ok_or_else(|| format!("{part:?} is not line:reason (such as 4:interest)"))?;
        let line: u64 = line
            .trim()
            .parse()
            .map_err(|_| format!("{part:?}: {line:?} is not a line number"))?;
        let reason: ExclusionReason = serde_json::from_value(serde_json::Value::String(reason.trim().into()))
            .map_err(|_| format!("{part:?}: the reason is one of interest, fee, returned_transfer, own_account, bank_correction"))?;
        out.push(Exclusion {
            line,
            note: None,
            reason,
        });
    }
    out.sort_by_key(|x| x.line);
    if out.windows(2).any(|w| w[0].line == w[1].line) {
        return Err("a line is excluded twice".into());
    }
    Ok(out)
}
