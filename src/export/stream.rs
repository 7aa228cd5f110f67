//! Exports read from the store a page at a time and handed over in chunks of text: what
//! one export holds is a page of entries per campaign it walks, a chunk of output and one
//! number per campaign, however large the ledger. `GET /export/csv`, `GET /export/iati`
//! and `fundtrail export --format csv|iati` all write these chunks as they come.
//!
//! A campaign's export reads only that campaign's entries through the store's campaign
//! indexes ([`Store::campaign_entries_from`]); a CSV of one campaign also walks the
//! campaigns it exchanged transfers with, whose running balances its transfer rows show.

use super::csv::{CsvExport, HEADER};
use super::iati::{
    activity_head, document_head, write_transactions, ActivityHead, Organisation, ACTIVITY_TAIL,
    DOCUMENT_TAIL,
};
use super::ExportError;
use crate::ledger::decode;
use crate::ledger::entry::{Body, Entry, ReversalReason};
use crate::ledger::money::Currency;
use crate::store::{Store, StoreError, StoredEntry};
use std::collections::VecDeque;

/// Entries read from the store at once, shared among the campaigns a stream walks.
pub const PAGE: u64 = 256;
/// A chunk is handed over once it holds this many bytes (or the export ends).
pub const CHUNK_BYTES: usize = 64 * 1024;

/// Why a streamed export stopped.
#[derive(Debug, thiserror::Error)]
pub enum StreamError {
    /// The entries do not make the export (a campaign asked for does not exist, or stored
    /// entries do not fold).
    #[error(transparent)]
    Export(#[from] ExportError),
    /// The store failed or lacks an entry below the checkpoint.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// One campaign's entries below `before`, oldest first, read a page at a time.
struct CampaignCursor {
    campaign: String,
    next: u64,
    buffer: VecDeque<StoredEntry>,
    exhausted: bool,
}

impl CampaignCursor {
    fn new(campaign: String) -> Self {
        CampaignCursor {
            campaign,
            next: 0,
            buffer: VecDeque::new(),
            exhausted: false,
        }
    }

    /// The seq of the next entry, reading the next page when the buffer is empty.
    async fn peek(
        &mut self,
        store: &Store,
        before: u64,
        page: u64,
    ) -> Result<Option<u64>, StoreError> {
        if self.buffer.is_empty() && !self.exhausted {
            let rows = store
                .campaign_entries_from(&self.campaign, self.next, before, page)
                .await?;
            self.exhausted = (rows.len() as u64) < page;
            if let Some(last) = rows.last() {
                self.next = last.seq + 1;
            }
            self.buffer.extend(rows);
        }
        Ok(self.buffer.front().map(|e| e.seq))
    }
}

/// Where [`Entries`] come from.
enum Source {
    /// Every entry.
    All {
        next: u64,
        buffer: VecDeque<StoredEntry>,
    },
    /// The entries touching any of these campaigns, merged in ledger order.
    Campaigns(Vec<CampaignCursor>),
}

/// Stored entries below a checkpoint's size, in ledger order, a page at a time.
struct Entries {
    store: Store,
    size: u64,
    source: Source,
}

impl Entries {
    fn all(store: Store, size: u64) -> Self {
        Entries {
            store,
            size,
            source: Source::All {
                next: 0,
                buffer: VecDeque::new(),
            },
        }
    }

    fn of_campaigns(store: Store, size: u64, campaigns: Vec<String>) -> Self {
        Entries {
            store,
            size,
            source: Source::Campaigns(campaigns.into_iter().map(CampaignCursor::new).collect()),
        }
    }

    /// The next entry, or `None` after the last.
    async fn next(&mut self) -> Result<Option<StoredEntry>, StoreError> {
        match &mut self.source {
            Source::All { next, buffer } => {
                if buffer.is_empty() && *next < self.size {
                    let rows = self
                        .store
                        .entries(*next, PAGE.min(self.size - *next))
                        .await?;
                    match rows.last() {
                        Some(last) => *next = last.seq + 1,
                        None => {
                            return Err(StoreError::Corrupt(format!("entry {next} is missing")))
                        }
                    }
                    buffer.extend(rows);
                }
                Ok(buffer.pop_front())
            }
            Source::Campaigns(cursors) => {
                let page = (PAGE / cursors.len().max(1) as u64).max(16);
                let mut first = None;
                for c in cursors.iter_mut() {
                    if let Some(seq) = c.peek(&self.store, self.size, page).await? {
                        first = Some(first.map_or(seq, |f: u64| f.min(seq)));
                    }
                }
                let Some(first) = first else { return Ok(None) };
                // A transfer between two walked campaigns is in both; it is taken once.
                let mut taken = None;
                for c in cursors.iter_mut() {
                    if c.buffer.front().is_some_and(|e| e.seq == first) {
                        let e = c.buffer.pop_front();
                        taken = taken.or(e);
                    }
                }
                Ok(taken)
            }
        }
    }
}

/// The entry stored at `row`, decoded.
fn decoded(row: &StoredEntry) -> Result<Entry, ExportError> {
    decode(&row.leaf).map_err(|e| ExportError::Inconsistent {
        seq: row.seq,
        problem: format!("cannot be read: {e}"),
    })
}

/// The entry at `row` and, when it is a reversal, the body of the entry it reverses
/// (read from the store: reversals are few, and remembering every movement would grow
/// with the ledger).
async fn with_reversed(
    store: &Store,
    row: &StoredEntry,
) -> Result<(Entry, Option<Body>), StreamError> {
    let entry = decoded(row)?;
    let reversed = match &entry.body {
        Body::Reversal(r) => match store.entry(r.reverses).await? {
            Some(target) => Some(decoded(&target)?.body),
            None => None,
        },
        _ => None,
    };
    Ok((entry, reversed))
}

/// The published reversals of entries `from` onwards, read a range of seqs at a time so a
/// CSV of the whole ledger asks the store once per page.
#[derive(Default)]
struct ReversalsAhead {
    /// Reversals of entries below this seq are in `known`.
    known_until: u64,
    /// Reversed seq, with the reversal's seq and reason.
    known: std::collections::HashMap<u64, (u64, ReversalReason)>,
}

impl ReversalsAhead {
    /// The reversal of entry `seq` among the first `size` entries, if one was published.
    async fn of(
        &mut self,
        store: &Store,
        seq: u64,
        size: u64,
    ) -> Result<Option<(u64, ReversalReason)>, StreamError> {
        if seq >= self.known_until {
            self.known.clear();
            let until = seq.saturating_add(PAGE);
            for (reversed, row) in store.reversals_between(seq, until, size).await? {
                if let Body::Reversal(r) = decoded(&row)?.body {
                    self.known.insert(reversed, (row.seq, r.reason));
                }
            }
            self.known_until = until;
        }
        Ok(self.known.remove(&seq))
    }
}

/// The CSV export (see [`super::csv`]) in chunks.
pub struct CsvStream {
    entries: Entries,
    generator: CsvExport,
    header_sent: bool,
    reversals: ReversalsAhead,
}

impl CsvStream {
    /// The CSV of the first `size` entries, or of those touching `campaign`, with evidence
    /// links under `evidence_base` (the server's public URL; empty for paths). The caller
    /// checks that `campaign` exists.
    ///
    /// # Errors
    /// [`StreamError::Store`] when the store cannot say which campaigns `campaign`
    /// exchanged transfers with.
    pub async fn new(
        store: Store,
        size: u64,
        campaign: Option<&str>,
        evidence_base: &str,
    ) -> Result<CsvStream, StreamError> {
        let (entries, generator) = match campaign {
            None => (Entries::all(store, size), CsvExport::all()),
            Some(id) => {
                let partners = store.transfer_partners(id, size).await?;
                let mut walked = vec![id.to_string()];
                walked.extend(partners.iter().filter(|p| *p != id).cloned());
                (
                    Entries::of_campaigns(store, size, walked),
                    CsvExport::of_campaign(id, partners),
                )
            }
        };
        Ok(CsvStream {
            entries,
            generator: generator.with_evidence_base(evidence_base),
            header_sent: false,
            reversals: ReversalsAhead::default(),
        })
    }

    /// The next chunk of the file, or `None` after the last.
    ///
    /// # Errors
    /// [`StreamError`] when the store fails or its entries do not fold; the file is then
    /// incomplete.
    pub async fn next_chunk(&mut self) -> Result<Option<Vec<u8>>, StreamError> {
        let mut chunk = Vec::new();
        if !self.header_sent {
            self.header_sent = true;
            chunk.extend_from_slice(HEADER.as_bytes());
        }
        while chunk.len() < CHUNK_BYTES {
            let Some(row) = self.entries.next().await? else {
                break;
            };
            let (entry, reversed) = with_reversed(&self.entries.store, &row).await?;
            let reversed_by = if super::movement(&entry.body).is_some() {
                let size = self.entries.size;
                self.reversals
                    .of(&self.entries.store, row.seq, size)
                    .await?
            } else {
                None
            };
            if let Some(line) =
                self.generator
                    .row(&entry, &row.leaf_hash, reversed.as_ref(), reversed_by)?
            {
                chunk.extend_from_slice(line.as_bytes());
            }
        }
        Ok((!chunk.is_empty()).then_some(chunk))
    }
}

/// A campaign as the IATI export needs it from the ledger's state.
#[derive(Debug, Clone)]
pub struct CampaignRef {
    /// The campaign id.
    pub id: String,
    /// The seq of its `campaign.open`.
    pub opened_seq: u64,
    /// Whether it was closed at the exported size.
    pub closed: bool,
}

/// The activity being written.
struct Activity {
    id: String,
    currency: Currency,
    entries: Entries,
    plans: std::sync::Arc<crate::ledger::plans::Plans>,
}

/// The IATI export (see [`super::iati`]) in chunks: one activity after the other, each
/// from its campaign's entries.
pub struct IatiStream {
    store: Store,
    size: u64,
    org: Organisation,
    head: Option<String>,
    waiting: VecDeque<CampaignRef>,
    current: Option<Activity>,
    finished: bool,
}

impl IatiStream {
    /// The IATI document of the first `size` entries for `org`, with one activity per
    /// campaign of `campaigns` (in opening order), or only `only`'s, stamped `generated`.
    ///
    /// # Errors
    /// [`ExportError::UnknownCampaign`] or [`ExportError::NoCampaigns`] (IATI needs at
    /// least one activity).
    pub fn new(
        store: Store,
        size: u64,
        org: Organisation,
        campaigns: Vec<CampaignRef>,
        only: Option<&str>,
        generated: &str,
    ) -> Result<IatiStream, ExportError> {
        if let Some(c) = only {
            if !campaigns.iter().any(|k| k.id == c) {
                return Err(ExportError::UnknownCampaign(c.to_string()));
            }
        }
        if campaigns.is_empty() {
            return Err(ExportError::NoCampaigns);
        }
        let waiting = campaigns
            .into_iter()
            .filter(|k| only.is_none_or(|c| c == k.id))
            .collect();
        Ok(IatiStream {
            store,
            size,
            org,
            head: Some(document_head(generated)),
            waiting,
            current: None,
            finished: false,
        })
    }

    /// The facts of `campaign` an activity starts with: its opening, its closing and its
    /// last entry, each found through the campaign's index.
    async fn activity_head(&self, campaign: &CampaignRef) -> Result<ActivityHead, StreamError> {
        let missing = |what: &str| ExportError::Inconsistent {
            seq: campaign.opened_seq,
            problem: format!("campaign {:?}: {what}", campaign.id),
        };
        let opening = match self.store.entry(campaign.opened_seq).await? {
            Some(row) => decoded(&row)?,
            None => return Err(missing("its opening entry is missing").into()),
        };
        let Body::CampaignOpen(open) = &opening.body else {
            return Err(missing("its opening entry is not a campaign.open").into());
        };
        let last = self
            .store
            .campaign_entries(&campaign.id, self.size, 1)
            .await?;
        let updated_at = match last.first() {
            Some(row) => decoded(row)?.recorded_at,
            None => opening.recorded_at.clone(),
        };
        let closed_at = if campaign.closed {
            Some(self.closing_time(campaign).await?)
        } else {
            None
        };
        Ok(ActivityHead {
            id: open.id.clone(),
            title: open.title.clone(),
            purpose: open.purpose.clone(),
            currency: open.currency,
            opened_at: opening.recorded_at.clone(),
            closed_at,
            updated_at,
            ends_on: open.ends_on.clone(),
            plans: self.store.campaign_plans(&campaign.id, self.size).await?,
        })
    }

    /// `recorded_at` of `campaign`'s `campaign.close`, looked for from its newest entry
    /// back (a closed campaign takes no new money, so few entries follow its closing).
    async fn closing_time(&self, campaign: &CampaignRef) -> Result<String, StreamError> {
        let mut before = self.size;
        loop {
            let rows = self
                .store
                .campaign_entries(&campaign.id, before, 64)
                .await?;
            let Some(oldest) = rows.last() else {
                return Err(ExportError::Inconsistent {
                    seq: campaign.opened_seq,
                    problem: format!(
                        "campaign {:?} is closed but has no campaign.close",
                        campaign.id
                    ),
                }
                .into());
            };
            before = oldest.seq;
            for row in &rows {
                let entry = decoded(row)?;
                if let Body::CampaignClose(_) = entry.body {
                    return Ok(entry.recorded_at);
                }
            }
        }
    }

    /// The next chunk of the document, or `None` after the last.
    ///
    /// # Errors
    /// [`StreamError`] when the store fails or its entries do not fold; the document is
    /// then incomplete.
    pub async fn next_chunk(&mut self) -> Result<Option<Vec<u8>>, StreamError> {
        if self.finished {
            return Ok(None);
        }
        let mut x = self.head.take().unwrap_or_default();
        while x.len() < CHUNK_BYTES {
            let Some(activity) = &mut self.current else {
                let Some(campaign) = self.waiting.pop_front() else {
                    x.push_str(DOCUMENT_TAIL);
                    self.finished = true;
                    break;
                };
                let head = self.activity_head(&campaign).await?;
                x.push_str(&activity_head(&self.org, &head));
                self.current = Some(Activity {
                    entries: Entries::of_campaigns(
                        self.store.clone(),
                        self.size,
                        vec![campaign.id],
                    ),
                    id: head.id,
                    currency: head.currency,
                    plans: head.plans,
                });
                continue;
            };
            let Some(row) = activity.entries.next().await? else {
                x.push_str(ACTIVITY_TAIL);
                self.current = None;
                continue;
            };
            let (entry, reversed) = with_reversed(&self.store, &row).await?;
            write_transactions(
                &mut x,
                &self.org,
                &activity.id,
                activity.currency,
                &entry,
                reversed.as_ref(),
                &activity.plans,
            )?;
        }
        Ok(Some(x.into_bytes()))
    }
}

/// A CSV or IATI export in chunks.
pub enum ExportStream {
    /// [`CsvStream`].
    Csv(Box<CsvStream>),
    /// [`IatiStream`].
    Iati(Box<IatiStream>),
}

impl ExportStream {
    /// The next chunk, or `None` after the last.
    ///
    /// # Errors
    /// [`StreamError`]; the output is then incomplete.
    pub async fn next_chunk(&mut self) -> Result<Option<Vec<u8>>, StreamError> {
        match self {
            ExportStream::Csv(s) => s.next_chunk().await,
            ExportStream::Iati(s) => s.next_chunk().await,
        }
    }
}
