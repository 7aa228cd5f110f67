//! Sorting a statement's lines without holding them: [`Scan`] reads every line once and
//! keeps only what sorting needs from the whole statement — for each transaction id, the
//! first line it is on (with its date, direction and amount, to refuse a repeat with other
//! facts), and the outgoing lines (id, amount, payer, date), which a later or earlier
//! credit may give back. [`Planner`] then sorts each line as it is read again into an
//! [`Outcome`]; a line to record carries its donation, checked as the API checks one.
//!
//! Transaction ids are remembered by a 128-bit fingerprint (the first half of their
//! SHA-256), so a statement of 200,000 lines costs a few MB; two different ids sharing a
//! fingerprint is as likely as a SHA-256 collision.

use super::{Columns, Direction, Line, StatementError};
use crate::ledger::entry::{Body, Channel, Donation};
use crate::ledger::money::Currency;
use aho_corasick::{AhoCorasick, AhoCorasickKind};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

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

/// The donation `line` records in the campaign of `o`, checked as the API would check it.
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
        // The transfer message is public only with the payer's name (`message.rs`).
        memo: if o.publish_payer_names {
            super::message::public_memo(&line.description)
        } else {
            None
        },
        pledge: None,
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

/// A transaction id's fingerprint.
type Fingerprint = u128;

fn fingerprint(transaction_id: &str) -> Fingerprint {
    let hash = crate::ledger::hash::sha256(transaction_id.as_bytes());
    let mut first = [0u8; 16];
    first.copy_from_slice(&hash.0[..16]);
    u128::from_be_bytes(first)
}

/// `YYYY-MM-DD` as a number that orders like the date.
fn day_number(date: &str) -> u32 {
    date.bytes().filter(u8::is_ascii_digit).fold(0u32, |n, b| {
        n.saturating_mul(10).saturating_add(u32::from(b - b'0'))
    })
}

/// The first line a transaction id is on.
#[derive(Debug, Clone, Copy)]
struct First {
    line: usize,
    day: u32,
    direction: Direction,
    amount: u64,
}

/// An outgoing line, as much as matching a returned transfer needs.
#[derive(Debug)]
struct Outgoing {
    line: usize,
    day: u32,
    amount: u64,
    /// The payer, trimmed and in lower case.
    payer: Option<Box<str>>,
}

/// What sorting needs from the whole statement, gathered line by line.
#[derive(Debug, Default)]
pub struct Scan {
    first: HashMap<Fingerprint, First>,
    outgoing: Vec<Outgoing>,
    /// Lower-case transaction ids of outgoing lines (of 4 characters or more), each with
    /// the outgoing lines that carry it.
    outgoing_ids: HashMap<String, Vec<usize>>,
    lines: usize,
}

impl Scan {
    /// An empty scan.
    pub fn new() -> Self {
        Self::default()
    }

    /// How many lines were read.
    pub fn lines(&self) -> usize {
        self.lines
    }

    /// Reads `line` (lines must come in file order); `columns` name the columns for errors.
    ///
    /// # Errors
    /// [`StatementError::Cell`] when `line` repeats an earlier line's transaction id with
    /// another date, direction or amount.
    pub fn add(&mut self, line: &Line, columns: &Columns) -> Result<(), StatementError> {
        self.lines += 1;
        let day = day_number(&line.date);
        let key = fingerprint(&line.transaction_id);
        if let Some(earlier) = self.first.get(&key) {
            if (earlier.day, earlier.direction, earlier.amount)
                != (day, line.direction, line.amount.get())
            {
                return Err(StatementError::Cell {
                    line: line.line,
                    column: columns.transaction_id.clone(),
                    problem: format!(
                        "transaction id {:?} is also on line {} with a different date or amount",
                        line.transaction_id, earlier.line
                    ),
                });
            }
        } else {
            self.first.insert(
                key,
                First {
                    line: line.line,
                    day,
                    direction: line.direction,
                    amount: line.amount.get(),
                },
            );
        }
        if line.direction == Direction::Out {
            if line.transaction_id.chars().count() >= 4 {
                self.outgoing_ids
                    .entry(line.transaction_id.to_lowercase())
                    .or_default()
                    .push(self.outgoing.len());
            }
            self.outgoing.push(Outgoing {
                line: line.line,
                day,
                amount: line.amount.get(),
                payer: line
                    .payer
                    .as_deref()
                    .map(|p| p.trim().to_lowercase().into()),
            });
        }
        Ok(())
    }
}

/// Sorts lines read a second time, after a [`Scan`] of all of them.
pub struct Planner {
    first: HashMap<Fingerprint, First>,
    outgoing: Vec<Outgoing>,
    /// The outgoing transaction ids, to find those a credit's message names.
    ids: Option<AhoCorasick>,
    /// For each pattern of `ids`, the outgoing lines (indexes) with that id.
    id_lines: Vec<Vec<usize>>,
    /// Outgoing lines (indexes, in file order) by amount.
    by_amount: HashMap<u64, Vec<usize>>,
}

impl Planner {
    /// A planner for the statement `scan` read.
    pub fn new(scan: Scan) -> Planner {
        let (patterns, id_lines): (Vec<String>, Vec<Vec<usize>>) =
            scan.outgoing_ids.into_iter().unzip();
        let ids = if patterns.is_empty() {
            None
        } else {
            AhoCorasick::builder()
                .kind(Some(AhoCorasickKind::ContiguousNFA))
                .build(&patterns)
                .ok()
        };
        let mut by_amount: HashMap<u64, Vec<usize>> = HashMap::new();
        for (i, o) in scan.outgoing.iter().enumerate() {
            by_amount.entry(o.amount).or_default().push(i);
        }
        Planner {
            first: scan.first,
            outgoing: scan.outgoing,
            ids,
            id_lines,
            by_amount,
        }
    }

    /// The outgoing line a credit gives back, if it looks like a return: its message names
    /// an outgoing transaction id, or says "refund"/"hoàn tiền", or it has the amount and
    /// payer of an outgoing line; in each case only outgoing lines dated on or before it
    /// count, and the first in file order is named.
    fn returned(&self, credit: &Line) -> Option<Option<usize>> {
        let message = credit.description.to_lowercase();
        let day = day_number(&credit.date);
        if let Some(ids) = &self.ids {
            let named = ids
                .find_overlapping_iter(&message)
                .flat_map(|m| &self.id_lines[m.pattern().as_usize()])
                .filter(|i| self.outgoing[**i].day <= day)
                .min();
            if let Some(i) = named {
                return Some(Some(self.outgoing[*i].line));
            }
        }
        let same_amount = self
            .by_amount
            .get(&credit.amount.get())
            .map_or(&[][..], Vec::as_slice)
            .iter()
            .map(|i| &self.outgoing[*i])
            .filter(|o| o.day <= day);
        if RETURN_WORDS.iter().any(|w| message.contains(w)) {
            return Some(same_amount.map(|o| o.line).next());
        }
        let payer = credit.payer.as_deref().map(|p| p.trim().to_lowercase())?;
        same_amount
            .filter(|o| o.payer.as_deref() == Some(payer.as_str()))
            .map(|o| Some(o.line))
            .next()
    }

    /// What happens to `line`; `recorded` is the campaign holding a donation with its
    /// transaction id as reference, if one does.
    pub fn outcome(&self, line: &Line, recorded: Option<&str>) -> Outcome {
        let first = self.first.get(&fingerprint(&line.transaction_id));
        match first {
            Some(f) if f.line < line.line => Outcome::DuplicateLine { of_line: f.line },
            _ if line.direction == Direction::Out => Outcome::Outgoing,
            _ => match recorded {
                Some(campaign) => Outcome::AlreadyRecorded {
                    campaign: campaign.to_string(),
                },
                None => match self.returned(line) {
                    Some(of_line) => Outcome::ReturnedTransfer { of_line },
                    None => Outcome::Record,
                },
            },
        }
    }

    /// `line` sorted, with the donation to record when it is one.
    ///
    /// # Errors
    /// [`StatementError::Cell`] when the donation would be invalid (a transaction id or
    /// payer name that is too long or holds control characters).
    pub fn plan(
        &self,
        line: Line,
        recorded: Option<&str>,
        columns: &Columns,
        options: &PlanOptions<'_>,
    ) -> Result<Planned, StatementError> {
        let outcome = self.outcome(&line, recorded);
        let donation = (outcome == Outcome::Record)
            .then(|| donation(&line, columns, options))
            .transpose()?;
        Ok(Planned {
            line,
            outcome,
            donation,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::money::Minor;

    /// The sorting rule for returned transfers written plainly (every credit compared with
    /// every outgoing line), to check the indexed one against.
    fn returned_plainly(credit: &Line, outgoing: &[&Line]) -> Option<Option<usize>> {
        let message = credit.description.to_lowercase();
        let earlier = |o: &&&Line| o.date <= credit.date;
        if let Some(o) = outgoing.iter().filter(earlier).find(|o| {
            o.transaction_id.chars().count() >= 4
                && message.contains(&o.transaction_id.to_lowercase())
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
            .find(|o| {
                payer.is_some() && o.payer.as_deref().map(|p| p.trim().to_lowercase()) == payer
            })
            .map(|o| Some(o.line))
    }

    /// A deterministic random statement of `n` lines drawn from small pools, so that
    /// amounts, payers and dates repeat, messages name other lines' ids (or part of one)
    /// and some lines are repeated whole.
    fn random_lines(seed: u64, n: usize) -> Vec<Line> {
        let mut state = seed;
        let mut next = move |m: u64| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 33) % m
        };
        let prefixes = ["FT", "ft", "X", "ĐƠN"];
        let payers = ["CONG TY GAO", "cong ty gao ", "NGUYEN A", "Bà Lan"];
        let words = ["ung ho", "hoan tien", "refund of", "chuyen", ""];
        let mut lines: Vec<Line> = Vec::new();
        for i in 0..n {
            if i > 0 && next(8) == 0 {
                let mut again = lines[next(i as u64) as usize].clone();
                again.line = i + 2;
                lines.push(again);
                continue;
            }
            let id = format!("{}{}", prefixes[next(4) as usize], 100 + i);
            let named = match next(3) {
                0 => format!("{}", 100 + next(n as u64)),
                1 => format!("FT{}", 100 + next(n as u64)),
                _ => String::new(),
            };
            lines.push(Line {
                line: i + 2,
                date: format!("2026-11-{:02}", 20 + next(5)),
                direction: if next(3) == 0 {
                    Direction::Out
                } else {
                    Direction::In
                },
                amount: Minor::new(1000 * (1 + next(3))).expect("amount"),
                transaction_id: id,
                description: format!("{} {named}", words[next(5) as usize]),
                payer: (next(4) > 0).then(|| payers[next(4) as usize].to_string()),
            });
        }
        lines
    }

    #[test]
    fn indexed_matching_of_returned_transfers_agrees_with_comparing_every_pair() {
        let columns = Columns::default();
        let (mut checked, mut returned) = (0, 0);
        for seed in 0..300 {
            let lines = random_lines(seed, 40);
            let mut scan = Scan::new();
            // Random lines may repeat an id with other facts; those are refused anyway.
            if lines.iter().any(|l| scan.add(l, &columns).is_err()) {
                continue;
            }
            let planner = Planner::new(scan);
            let outgoing: Vec<&Line> = lines
                .iter()
                .filter(|l| l.direction == Direction::Out)
                .collect();
            for credit in lines.iter().filter(|l| l.direction == Direction::In) {
                let expected = returned_plainly(credit, &outgoing);
                assert_eq!(
                    planner.returned(credit),
                    expected,
                    "seed {seed}, line {}",
                    credit.line
                );
                checked += 1;
                returned += usize::from(expected.is_some());
            }
        }
        assert!(
            checked > 5000 && returned > 1000,
            "{checked} credits, {returned} returned"
        );
    }
}
