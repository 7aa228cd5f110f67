//! The report of an import: a summary, and one [`ReportLine`] per statement line, written
//! to a temporary file as it is made and read back from there, so a report of 200,000
//! lines costs a file, not memory. The API sends it as JSON
//! (`{"campaign", "currency", "dry_run", "recorded", "to_record", "to_record_amount",
//! "lines": [...]}`); the CLI prints it as text or as that JSON.

use super::ImportError;
use crate::ledger::money::{format_decimal, Currency};
use crate::sequencer::AppendError;
use crate::statement::{Direction, Outcome, Planned};
use bytes::Bytes;
use futures_util::Stream;
use serde::{Deserialize, Serialize};
use tokio::io::{AsyncBufReadExt as _, AsyncReadExt as _, AsyncSeekExt as _, AsyncWriteExt as _};

/// One statement line in the report.
#[derive(Debug, Clone, Serialize, Deserialize)]
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
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub donor: Option<String>,
    /// What happened to the line, with its details.
    #[serde(flatten)]
    pub outcome: Outcome,
    /// The outcome in words.
    pub reason: String,
    /// The entry recorded, when one was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seq: Option<u64>,
    /// Why the append was refused, when it was (e.g. the campaign closed meanwhile).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl ReportLine {
    /// The report of a sorted line, before anything is appended.
    pub fn of(p: &Planned, currency: Currency) -> Self {
        ReportLine {
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
        }
    }

    /// The line, recorded as entry `seq`.
    pub fn recorded_as(mut self, seq: u64) -> Self {
        self.seq = Some(seq);
        self
    }

    /// The line, with another outcome than planned (nothing recorded).
    pub fn with_outcome(mut self, outcome: Outcome) -> Self {
        self.reason = outcome.reason();
        self.outcome = outcome;
        self.donor = None;
        self
    }

    /// The line, whose donation the sequencer refused.
    pub fn not_recorded(mut self, e: AppendError) -> Self {
        self.error = Some(e.to_string());
        self
    }

    /// The line in words, for people.
    fn to_text(&self, currency: &str) -> String {
        let sign = if self.direction == Direction::Out {
            "-"
        } else {
            ""
        };
        let what = match (&self.outcome, self.seq, &self.error) {
            (_, Some(seq), _) => format!("recorded as entry {seq}"),
            (_, None, Some(e)) => format!("NOT recorded: {e}"),
            (Outcome::Record, None, None) => "would record".to_string(),
            _ => format!("skipped: {}", self.reason),
        };
        let donor = self
            .donor
            .as_deref()
            .map_or(String::new(), |d| format!(" donor {d:?}"));
        format!(
            "line {}: {} {sign}{} {currency} ref {}{donor}: {what}\n",
            self.line, self.date, self.amount, self.reference
        )
    }
}

/// The report's lines: written to a temporary file (one JSON object per line, the second
/// and later preceded by `,`), then read back.
pub struct ReportLines {
    writer: tokio::io::BufWriter<tokio::fs::File>,
    count: usize,
}

impl ReportLines {
    fn new() -> Result<Self, ImportError> {
        let file = tokio::fs::File::from_std(tempfile::tempfile()?);
        Ok(ReportLines {
            writer: tokio::io::BufWriter::with_capacity(64 * 1024, file),
            count: 0,
        })
    }

    async fn push(&mut self, line: &ReportLine) -> Result<(), ImportError> {
        let mut json = if self.count == 0 {
            Vec::new()
        } else {
            vec![b',']
        };
        serde_json::to_writer(&mut json, line).map_err(std::io::Error::other)?;
        json.push(b'\n');
        self.writer.write_all(&json).await?;
        self.count += 1;
        Ok(())
    }

    /// The file, written out and read from its start.
    async fn into_file(mut self) -> Result<tokio::fs::File, ImportError> {
        self.writer.flush().await?;
        let mut file = self.writer.into_inner();
        file.seek(std::io::SeekFrom::Start(0)).await?;
        Ok(file)
    }
}

/// What an import did (or, in a dry run, would do).
pub struct ImportReport {
    /// The campaign.
    pub campaign: String,
    /// Its currency.
    pub currency: Currency,
    /// Whether nothing was appended on purpose.
    pub dry_run: bool,
    /// Donations appended (0 in a dry run).
    pub recorded: usize,
    /// Donations a real run would append (equal to `recorded` after a clean real run).
    pub to_record: usize,
    /// Total of the donations to record, in minor units.
    pub to_record_units: u128,
    /// Donations whose append was refused (each line says why).
    pub failed: usize,
    /// The lines being written, until [`ImportReport::finish`].
    lines: Option<ReportLines>,
    /// The lines written, read from the start, after it.
    file: Option<tokio::fs::File>,
}

impl ImportReport {
    pub(super) fn new(
        campaign: &str,
        currency: Currency,
        dry_run: bool,
    ) -> Result<Self, ImportError> {
        Ok(ImportReport {
            campaign: campaign.to_string(),
            currency,
            dry_run,
            recorded: 0,
            to_record: 0,
            to_record_units: 0,
            failed: 0,
            lines: Some(ReportLines::new()?),
            file: None,
        })
    }

    /// Counts a sorted line towards what is to record.
    pub(super) fn count(&mut self, p: &Planned) {
        if p.donation.is_some() {
            self.to_record += 1;
            self.to_record_units += u128::from(p.line.amount.get());
        }
    }

    /// Adds the next line's report.
    pub(super) async fn push(&mut self, line: &ReportLine) -> Result<(), ImportError> {
        self.failed += usize::from(line.error.is_some());
        match &mut self.lines {
            Some(lines) => lines.push(line).await,
            None => Err(std::io::Error::other("the report was already finished").into()),
        }
    }

    /// The report, with every line written.
    pub(super) async fn finish(mut self) -> Result<Self, ImportError> {
        if let Some(lines) = self.lines.take() {
            self.file = Some(lines.into_file().await?);
        }
        Ok(self)
    }

    /// The total to record as a decimal in the campaign's currency.
    pub fn to_record_amount(&self) -> String {
        format_decimal(self.to_record_units, self.currency)
    }

    /// The JSON report up to the first line: `{"campaign": …, "lines":[`.
    fn json_head(&self) -> String {
        let head = serde_json::json!({
            "campaign": self.campaign,
            "currency": self.currency.to_string(),
            "dry_run": self.dry_run,
            "recorded": self.recorded,
            "to_record": self.to_record,
            "to_record_amount": self.to_record_amount(),
        });
        let mut text = head.to_string();
        text.pop();
        text.push_str(",\"lines\":[\n");
        text
    }

    /// The JSON report in chunks: the summary, then the lines as they are read back.
    pub fn into_json_chunks(mut self) -> impl Stream<Item = Result<Bytes, std::io::Error>> + Send {
        let head = Bytes::from(self.json_head());
        let file = self.file.take();
        let body = futures_util::stream::unfold(file, |file| async move {
            let mut file = file?;
            let mut buffer = vec![0u8; 64 * 1024];
            match file.read(&mut buffer).await {
                Ok(0) => None,
                Ok(n) => {
                    buffer.truncate(n);
                    Some((Ok(Bytes::from(buffer)), Some(file)))
                }
                Err(e) => Some((Err(e), None)),
            }
        });
        use futures_util::StreamExt as _;
        futures_util::stream::iter([Ok(head)])
            .chain(body)
            .chain(futures_util::stream::iter([Ok(Bytes::from_static(
                b"]}\n",
            ))]))
    }

    /// Writes the JSON report to `out`.
    ///
    /// # Errors
    /// Reading the report back or writing `out` failed.
    pub async fn write_json(
        self,
        out: &mut (dyn std::io::Write + Send),
    ) -> Result<(), ImportError> {
        use futures_util::StreamExt as _;
        let mut chunks = std::pin::pin!(self.into_json_chunks());
        while let Some(chunk) = chunks.next().await {
            out.write_all(&chunk?)?;
        }
        Ok(())
    }

    /// Writes the report in words to `out`: a summary, then one line per statement line.
    ///
    /// # Errors
    /// Reading the report back or writing `out` failed.
    pub async fn write_text(
        mut self,
        out: &mut (dyn std::io::Write + Send),
    ) -> Result<(), ImportError> {
        let (verb, count) = if self.dry_run {
            ("Dry run: would record", self.to_record)
        } else {
            ("Recorded", self.recorded)
        };
        writeln!(
            out,
            "{verb} {count} donation(s) to campaign {} ({} {}); nothing else is recorded.",
            self.campaign,
            self.to_record_amount(),
            self.currency
        )?;
        let Some(file) = self.file.take() else {
            return Ok(());
        };
        let currency = self.currency.to_string();
        let mut lines = tokio::io::BufReader::new(file).lines();
        while let Some(text) = lines.next_line().await? {
            let json = text.strip_prefix(',').unwrap_or(&text);
            let line: ReportLine = serde_json::from_str(json).map_err(std::io::Error::other)?;
            out.write_all(line.to_text(&currency).as_bytes())?;
        }
        Ok(())
    }
}
