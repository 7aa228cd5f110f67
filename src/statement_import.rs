//! Importing a bank statement into a campaign, shared by `fundtrail import-statement` and
//! `POST /api/v1/statements`: read and check everything first ([`crate::statement`]), ask
//! the store which transaction ids are already recorded, then append every new donation.

use crate::ledger::entry::Body;
use crate::ledger::money::Currency;
use crate::sequencer::{AppendError, AppendRequest, SequencerHandle};
use crate::statement::{self, Direction, Mapping, Outcome, PlanOptions, StatementError};
use crate::store::{Store, StoreError};
use serde::Serialize;
use std::collections::HashMap;

/// What to import.
#[derive(Debug, Clone)]
pub struct ImportRequest {
    /// The receiving campaign.
    pub campaign: String,
    /// The statement's CSV text.
    pub text: String,
    /// Column names, where the defaults do not fit.
    pub mapping: Mapping,
    /// Publish payer names as donor names (otherwise `Anonymous`).
    pub publish_payer_names: bool,
    /// Only say what would happen.
    pub dry_run: bool,
    /// Who records the donations.
    pub recorded_by: String,
}

/// Why an import was refused as a whole. Nothing was recorded.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The statement is malformed.
    #[error("{0}")]
    Statement(#[from] StatementError),
    /// No such campaign.
    #[error("campaign {0:?} does not exist")]
    UnknownCampaign(String),
    /// The campaign accepts no more donations.
    #[error("campaign {0:?} is closed; nothing was imported")]
    CampaignClosed(String),
    /// Another process sequences appends.
    #[error("this process does not sequence appends right now; retry shortly")]
    NotLeader,
    /// The store failed.
    #[error("storage failed: {0}")]
    Store(#[from] StoreError),
}

/// One statement line in the report.
#[derive(Debug, Clone, Serialize)]
pub struct ReportLine {
    /// Physical line in the file.
    pub line: usize,
    /// `YYYY-MM-DD`.
    pub date: String,
    /// `in` or `out`.
    pub direction: Direction,
    /// Decimal in the campaign's currency.
    pub amount: String,
    /// The bank transaction id (the donation's reference).
    pub reference: String,
    /// The donor name recorded (only for lines recorded).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub donor: Option<String>,
    /// What happened to the line, with its details.
    #[serde(flatten)]
    pub outcome: Outcome,
    /// The outcome in words.
    pub reason: String,
    /// The entry recorded, when one was.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seq: Option<u64>,
    /// Why the append was refused, when it was (e.g. the campaign closed meanwhile).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// What an import did (or, in a dry run, would do).
#[derive(Debug, Clone, Serialize)]
pub struct ImportReport {
    /// The campaign.
    pub campaign: String,
    /// Its currency.
    pub currency: String,
    /// Whether nothing was appended on purpose.
    pub dry_run: bool,
    /// Donations appended (0 in a dry run).
    pub recorded: usize,
    /// Donations a real run would append (equal to `recorded` after a clean real run).
    pub to_record: usize,
    /// Total of the donations to record, decimal.
    pub to_record_amount: String,
    /// Every transaction line, in file order.
    pub lines: Vec<ReportLine>,
}

impl ImportReport {
    /// A plain-text listing for people: a summary, then one line per statement line.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let verb = if self.dry_run {
            "Dry run: would record"
        } else {
            "Recorded"
        };
        let count = if self.dry_run {
            self.to_record
        } else {
            self.recorded
        };
        out.push_str(&format!(
            "{verb} {count} donation(s) to campaign {} ({} {}); nothing else is recorded.\n",
            self.campaign, self.to_record_amount, self.currency
        ));
        for l in &self.lines {
            let sign = if l.direction == Direction::Out {
                "-"
            } else {
                ""
            };
            let what = match (&l.outcome, l.seq, &l.error) {
                (_, Some(seq), _) => format!("recorded as entry {seq}"),
                (_, None, Some(e)) => format!("NOT recorded: {e}"),
                (Outcome::Record, None, None) => "would record".to_string(),
                _ => format!("skipped: {}", l.reason),
            };
            let donor = l
                .donor
                .as_deref()
                .map_or(String::new(), |d| format!(" donor {d:?}"));
            out.push_str(&format!(
                "line {}: {} {sign}{} {} ref {}{donor}: {what}\n",
                l.line, l.date, l.amount, self.currency, l.reference
            ));
        }
        out
    }
}

fn campaign_facts(sequencer: &SequencerHandle, campaign: &str) -> Result<Currency, ImportError> {
    let view = sequencer.view();
    let (_, c) = view
        .campaigns
        .iter()
        .find(|(_, c)| c.id == campaign)
        .ok_or_else(|| ImportError::UnknownCampaign(campaign.to_string()))?;
    if c.closed {
        return Err(ImportError::CampaignClosed(campaign.to_string()));
    }
    Ok(c.currency)
}

/// Imports `request`: refuses the whole statement when a line is malformed or the
/// campaign does not take donations, then appends every new credit as a donation
/// (nothing in a dry run) and reports every line.
///
/// # Errors
/// [`ImportError`]; nothing was appended then.
pub async fn import(
    store: &Store,
    sequencer: &SequencerHandle,
    request: ImportRequest,
) -> Result<ImportReport, ImportError> {
    let currency = campaign_facts(sequencer, &request.campaign)?;
    let parsed = statement::parse(&request.text, &request.mapping, currency)?;
    let ids: Vec<String> = parsed
        .lines
        .iter()
        .filter(|l| l.direction == Direction::In)
        .map(|l| l.transaction_id.clone())
        .collect();
    let mut recorded: HashMap<String, String> = HashMap::new();
    for chunk in ids.chunks(500) {
        for (campaign, reference) in store.existing_references(chunk).await? {
            // A reference in this campaign wins over one elsewhere.
            if campaign == request.campaign || !recorded.contains_key(&reference) {
                recorded.insert(reference, campaign);
            }
        }
    }
    let options = PlanOptions {
        campaign: &request.campaign,
        currency,
        publish_payer_names: request.publish_payer_names,
    };
    let planned = statement::plan(&parsed, &recorded, &options)?;
    let mut lines: Vec<ReportLine> = planned
        .iter()
        .map(|p| ReportLine {
            line: p.line.line,
            date: p.line.date.clone(),
            direction: p.line.direction,
            amount: p.line.amount.to_decimal(currency),
            reference: p.line.transaction_id.clone(),
            donor: p.donation.as_ref().map(|d| d.donor.clone()),
            outcome: p.outcome.clone(),
            reason: p.outcome.reason(),
            seq: None,
            error: None,
        })
        .collect();
    let to_record: Vec<(usize, Body)> = planned
        .iter()
        .enumerate()
        .filter_map(|(i, p)| p.donation.clone().map(|d| (i, Body::Donation(d))))
        .collect();
    let sum: u128 = to_record
        .iter()
        .map(|(i, _)| u128::from(planned[*i].line.amount.get()))
        .sum();
    let mut report = ImportReport {
        campaign: request.campaign.clone(),
        currency: currency.to_string(),
        dry_run: request.dry_run,
        recorded: 0,
        to_record: to_record.len(),
        to_record_amount: crate::ledger::money::format_decimal(sum, currency),
        lines: Vec::new(),
    };
    if request.dry_run || to_record.is_empty() {
        report.lines = lines;
        return Ok(report);
    }
    if !sequencer.is_leading() {
        return Err(ImportError::NotLeader);
    }
    // Queue every append before awaiting any, so the sequencer commits them together.
    let appends = to_record.into_iter().map(|(i, body)| {
        let request = AppendRequest {
            body,
            recorded_by: request.recorded_by.clone(),
            idempotency_key: None,
            separate_gift: false,
            private: None,
        };
        async move { (i, sequencer.append(request).await) }
    });
    for (i, result) in futures_util::future::join_all(appends).await {
        match result {
            Ok(appended) => {
                lines[i].seq = Some(appended.seq);
                report.recorded += 1;
            }
            Err(AppendError::DuplicateReference { campaign, .. }) => {
                // Recorded by someone else between the check and the append.
                lines[i].outcome = Outcome::AlreadyRecorded { campaign };
                lines[i].reason = lines[i].outcome.reason();
                lines[i].donor = None;
            }
            Err(e) => lines[i].error = Some(e.to_string()),
        }
    }
    report.lines = lines;
    Ok(report)
}
