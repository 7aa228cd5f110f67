//! Importing a bank statement into a campaign, shared by `fundtrail import-statement` and
//! `POST /api/v1/statements`, in bounded memory whatever the statement's length. The
//! statement is a file (the CLI's own, or the API's body spilled to a temporary file),
//! read a piece at a time, three times:
//!
//! 1. every line is read and checked, and what sorting needs from the whole statement is
//!    kept ([`Scan`]: a fingerprint per transaction id, the outgoing lines);
//! 2. every line is sorted ([`Planner`]), asking the store 500 lines at a time which
//!    transaction ids are already recorded, and every donation to record is checked;
//! 3. only if nothing was refused: the donations are queued in the statement's order
//!    ([`SequencerHandle::enqueue`], at most [`IN_FLIGHT`] waiting at once, so the
//!    sequencer commits them together) and take seqs in that order.
//!
//! A refusal in pass 1 or 2 records nothing. The report of every line is written to a
//! temporary file as it is made ([`ReportLines`]) and handed over from there.

mod report;

pub use report::{ImportReport, ReportLine, ReportLines};

use crate::ledger::entry::Body;
use crate::ledger::money::Currency;
use crate::sequencer::{AppendError, AppendRequest, Queued, SequencerHandle, MAX_BATCH};
use crate::statement::message::commit_to_message;
use crate::statement::{
    Columns, Direction, Line, Mapping, Outcome, PlanOptions, Planned, Planner, Scan,
    StatementError, StatementLines,
};
use crate::store::{Store, StoreError};
use std::collections::{HashMap, VecDeque};
use tokio::io::{AsyncReadExt as _, AsyncSeekExt as _};

/// Lines sorted together (one store query for their transaction ids).
const LINES_PER_LOOKUP: usize = 500;
/// Donations queued to the sequencer and not yet answered, at most.
pub const IN_FLIGHT: usize = 2 * MAX_BATCH;
/// Bytes of the statement read at once.
const READ_BYTES: usize = 64 * 1024;

/// What to import.
#[derive(Debug, Clone)]
pub struct ImportRequest {
    /// The receiving campaign.
    pub campaign: String,
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
    /// The statement or the report could not be read or written.
    #[error("reading the statement or writing the report failed: {0}")]
    Io(#[from] std::io::Error),
}

fn campaign_currency(sequencer: &SequencerHandle, campaign: &str) -> Result<Currency, ImportError> {
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

/// Checks that `campaign` exists and takes donations, before a statement is read.
///
/// # Errors
/// [`ImportError::UnknownCampaign`] or [`ImportError::CampaignClosed`].
pub fn check_campaign(sequencer: &SequencerHandle, campaign: &str) -> Result<(), ImportError> {
    campaign_currency(sequencer, campaign).map(|_| ())
}

/// The lines of a statement file, read from its start a piece at a time.
struct LineReader<'a> {
    file: &'a mut tokio::fs::File,
    lines: StatementLines,
    buffer: Vec<u8>,
    ended: bool,
}

impl<'a> LineReader<'a> {
    async fn open(
        file: &'a mut tokio::fs::File,
        mapping: &Mapping,
        currency: Currency,
    ) -> Result<LineReader<'a>, ImportError> {
        file.seek(std::io::SeekFrom::Start(0)).await?;
        Ok(LineReader {
            file,
            lines: StatementLines::new(mapping.clone(), currency),
            buffer: vec![0; READ_BYTES],
            ended: false,
        })
    }

    /// The next line, or `None` after the last.
    async fn next(&mut self) -> Result<Option<Line>, ImportError> {
        loop {
            if let Some(line) = self.lines.next_line() {
                return Ok(Some(line));
            }
            if self.ended {
                return Ok(None);
            }
            let n = self.file.read(&mut self.buffer).await?;
            if n == 0 {
                self.ended = true;
                self.lines.finish()?;
            } else {
                self.lines.feed(&self.buffer[..n])?;
            }
        }
    }

    /// Up to [`LINES_PER_LOOKUP`] next lines (none after the last).
    async fn next_batch(&mut self) -> Result<Vec<Line>, ImportError> {
        let mut batch = Vec::with_capacity(LINES_PER_LOOKUP);
        while batch.len() < LINES_PER_LOOKUP {
            match self.next().await? {
                Some(line) => batch.push(line),
                None => break,
            }
        }
        Ok(batch)
    }

    fn columns(&self) -> Columns {
        self.lines.columns().cloned().unwrap_or_default()
    }
}

/// The campaign holding a donation with each of the credits' transaction ids, for those
/// already recorded (one in `campaign` wins over one elsewhere).
async fn recorded_in(
    store: &Store,
    campaign: &str,
    lines: &[Line],
) -> Result<HashMap<String, String>, ImportError> {
    let mut ids: Vec<String> = lines
        .iter()
        .filter(|l| l.direction == Direction::In)
        .map(|l| l.transaction_id.clone())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    let mut recorded: HashMap<String, String> = HashMap::new();
    for (holder, reference) in store.existing_references(&ids).await? {
        if holder == campaign || !recorded.contains_key(&reference) {
            recorded.insert(reference, holder);
        }
    }
    Ok(recorded)
}

/// Imports the statement in `file` as `request` says: refuses the whole statement when a
/// line is malformed, a donation would be invalid or the campaign does not take
/// donations; otherwise appends every new credit as a donation, in the statement's order
/// (nothing in a dry run), and reports every line.
///
/// # Errors
/// [`ImportError`]. A refusal of the statement, the campaign or the leadership comes
/// before anything is appended. A store or temporary-file failure while donations are
/// being queued stops the import: the donations queued until then are recorded (a
/// sequencer answers what it accepted) and the statement can be imported again, which
/// adds only the rest.
pub async fn import(
    store: &Store,
    sequencer: &SequencerHandle,
    request: &ImportRequest,
    file: &mut tokio::fs::File,
) -> Result<ImportReport, ImportError> {
    let currency = campaign_currency(sequencer, &request.campaign)?;
    let options = PlanOptions {
        campaign: &request.campaign,
        currency,
        publish_payer_names: request.publish_payer_names,
    };

    let (planner, columns) = scan(file, request, currency).await?;
    let mut report = ImportReport::new(&request.campaign, currency, request.dry_run)?;
    let sorted = Sorted {
        store,
        planner: &planner,
        columns: &columns,
        options: &options,
    };
    sorted.count(file, request, &mut report).await?;
    if request.dry_run {
        return report.finish().await;
    }
    if report.to_record > 0 && !sequencer.is_leading() {
        return Err(ImportError::NotLeader);
    }
    sorted.record(file, request, sequencer, &mut report).await?;
    report.finish().await
}

/// Pass 1: reads and checks every line of `file`, keeping what sorting needs.
async fn scan(
    file: &mut tokio::fs::File,
    request: &ImportRequest,
    currency: Currency,
) -> Result<(Planner, Columns), ImportError> {
    let mut reader = LineReader::open(file, &request.mapping, currency).await?;
    let mut scan = Scan::new();
    let mut columns = None;
    while let Some(line) = reader.next().await? {
        let names = columns.get_or_insert_with(|| reader.columns());
        scan.add(&line, names)?;
    }
    let Some(columns) = columns else {
        return Err(StatementError::NoLines.into());
    };
    Ok((Planner::new(scan), columns))
}

/// What passes 2 and 3 sort each line with.
struct Sorted<'a> {
    store: &'a Store,
    planner: &'a Planner,
    columns: &'a Columns,
    options: &'a PlanOptions<'a>,
}

impl Sorted<'_> {
    /// The lines of a batch, sorted.
    async fn planned(&self, batch: Vec<Line>) -> Result<Vec<Planned>, ImportError> {
        let recorded = recorded_in(self.store, self.options.campaign, &batch).await?;
        batch
            .into_iter()
            .map(|line| {
                let held = recorded.get(&line.transaction_id).map(String::as_str);
                Ok(self.planner.plan(line, held, self.columns, self.options)?)
            })
            .collect()
    }

    /// Pass 2: sorts every line and checks every donation, counting them in `report`; a
    /// dry run also reports each line here.
    async fn count(
        &self,
        file: &mut tokio::fs::File,
        request: &ImportRequest,
        report: &mut ImportReport,
    ) -> Result<(), ImportError> {
        let currency = self.options.currency;
        let mut reader = LineReader::open(file, &request.mapping, currency).await?;
        loop {
            let batch = reader.next_batch().await?;
            if batch.is_empty() {
                return Ok(());
            }
            for p in self.planned(batch).await? {
                report.count(&p);
                if request.dry_run {
                    report.push(&ReportLine::of(&p, currency)).await?;
                }
            }
        }
    }

    /// Pass 3: queues the donations in the statement's order, at most [`IN_FLIGHT`]
    /// waiting at once, and reports every line as its answer comes.
    async fn record(
        &self,
        file: &mut tokio::fs::File,
        request: &ImportRequest,
        sequencer: &SequencerHandle,
        report: &mut ImportReport,
    ) -> Result<(), ImportError> {
        let currency = self.options.currency;
        let mut reader = LineReader::open(file, &request.mapping, currency).await?;
        let mut waiting: VecDeque<(ReportLine, Option<Queued>)> = VecDeque::new();
        loop {
            let batch = reader.next_batch().await?;
            if batch.is_empty() {
                break;
            }
            for p in self.planned(batch).await? {
                let line = ReportLine::of(&p, currency);
                let waiter = match p.donation {
                    None => (line, None),
                    Some(mut d) => {
                        let private = if self.options.publish_payer_names {
                            None
                        } else {
                            commit_to_message(&mut d, &p.line.description)
                        };
                        let append = AppendRequest {
                            body: Body::Donation(d),
                            recorded_by: request.recorded_by.clone(),
                            idempotency_key: None,
                            separate_gift: false,
                            private,
                        };
                        match sequencer.enqueue(append).await {
                            Ok(queued) => (line, Some(queued)),
                            Err(e) => (line.not_recorded(e), None),
                        }
                    }
                };
                waiting.push_back(waiter);
                if waiting.len() >= IN_FLIGHT {
                    if let Some(next) = waiting.pop_front() {
                        settle(report, next).await?;
                    }
                }
            }
        }
        while let Some(next) = waiting.pop_front() {
            settle(report, next).await?;
        }
        Ok(())
    }
}

/// Waits for the answer to a queued donation (if the line has one) and reports the line.
async fn settle(
    report: &mut ImportReport,
    (line, queued): (ReportLine, Option<Queued>),
) -> Result<(), ImportError> {
    let line = match queued {
        None => line,
        Some(q) => match q.durable().await {
            Ok(appended) => {
                report.recorded += 1;
                line.recorded_as(appended.seq)
            }
            // Recorded by someone else between the check and the append.
            Err(AppendError::DuplicateReference { campaign, .. }) => {
                line.with_outcome(Outcome::AlreadyRecorded { campaign })
            }
            Err(e) => line.not_recorded(e),
        },
    };
    report.push(&line).await
}
