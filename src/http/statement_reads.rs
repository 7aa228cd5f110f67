//! What the statement read routes keep between requests, so that none re-reads the whole
//! ledger or every statement's lines each time:
//!
//! - a [`Reconciler`] that has observed the entries up to some size, fed only the entries
//!   appended since on the next request, and the reconciliation answer of the last size
//!   (computed again only when the ledger grew);
//! - for each statement's published file of lines, an index ([`LineIndex`]): each line's leaf
//!   hash (for its inclusion proof), its place in the file, and the lines sorted by
//!   transaction id fingerprint and by (amount, day). A donor's search reads the file only for
//!   the statements holding a matching line, and decodes only those lines.
//!
//! Memory grows with the entries that name a bank transaction (the reconciler) and with the
//! statement lines (about 60 bytes each), never with the whole ledger or the lines' text. The
//! files of lines are content-addressed and never change once a statement names them, so an
//! index and an answer stay right until the ledger grows.

use super::error::ApiError;
use super::AppState;
use crate::evidence::EvidenceError;
use crate::ledger::decode;
use crate::ledger::entry::Statement;
use crate::ledger::hash::Hash;
use crate::ledger::reconcile::{decode_line, decode_lines, Reconciler};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher};
use std::sync::Arc;

/// Entries read from the store at once while catching up.
const PAGE: u64 = 1000;

/// The routes' kept state (one per server).
#[derive(Default)]
pub struct StatementReads {
    kept: tokio::sync::Mutex<Kept>,
}

#[derive(Default)]
struct Kept {
    /// Entries `0..observed` were fed to `reconciler`.
    observed: u64,
    reconciler: Reconciler,
    /// The reconciliation answer at a size.
    answer: Option<(u64, Arc<Value>)>,
    /// Line indexes by the `lines_sha256` of their file.
    indexes: HashMap<Hash, Arc<LineIndex>>,
}

/// One statement's lines, indexed (see the module docs).
pub struct LineIndex {
    /// Leaf hash of each line, in order.
    pub hashes: Vec<Hash>,
    /// Where each line starts in the file, and where the file ends.
    starts: Vec<u32>,
    /// (fingerprint of the transaction id, line index), sorted.
    by_id: Vec<(u64, u32)>,
    /// (amount, day as `YYYYMMDD`, line index), sorted.
    by_amount: Vec<(i64, u32, u32)>,
}

fn fingerprint(id: &str) -> u64 {
    BuildHasherDefault::<DefaultHasher>::default().hash_one(id)
}

fn day_number(date: &str) -> u32 {
    date.replace('-', "").parse().unwrap_or(0)
}

impl LineIndex {
    /// Indexes a published file of lines; `None` when it is malformed.
    fn of(file: &[u8]) -> Option<LineIndex> {
        let lines = decode_lines(file).ok()?;
        let mut starts = Vec::with_capacity(lines.len() + 1);
        let mut at = 0usize;
        for piece in file.split_inclusive(|b| *b == b'\n') {
            starts.push(u32::try_from(at).ok()?);
            at += piece.len();
        }
        starts.truncate(lines.len());
        starts.push(u32::try_from(file.len()).ok()?);
        let mut by_id = Vec::with_capacity(lines.len());
        let mut by_amount = Vec::with_capacity(lines.len());
        let mut hashes = Vec::with_capacity(lines.len());
        for (i, l) in lines.iter().enumerate() {
            let i = u32::try_from(i).ok()?;
            by_id.push((fingerprint(&l.id), i));
            by_amount.push((l.amount.get(), day_number(&l.date), i));
            hashes.push(l.leaf_hash());
        }
        by_id.sort_unstable();
        by_amount.sort_unstable();
        Some(LineIndex {
            hashes,
            starts,
            by_id,
            by_amount,
        })
    }

    /// The lines (from 0) that may be transaction `id` (a fingerprint match: the caller
    /// decodes each and keeps those whose id is `id`).
    pub fn with_id(&self, id: &str) -> Vec<usize> {
        let fp = fingerprint(id);
        let from = self.by_id.partition_point(|(f, _)| *f < fp);
        self.by_id[from..]
            .iter()
            .take_while(|(f, _)| *f == fp)
            .map(|(_, i)| *i as usize)
            .collect()
    }

    /// The lines (from 0) of `amount` booked on `date`.
    pub fn with_amount(&self, amount: i64, date: &str) -> Vec<usize> {
        let key = (amount, day_number(date));
        let from = self.by_amount.partition_point(|(a, d, _)| (*a, *d) < key);
        self.by_amount[from..]
            .iter()
            .take_while(|(a, d, _)| (*a, *d) == key)
            .map(|(_, _, i)| *i as usize)
            .collect()
    }

    /// The bytes of line `i` (from 0) in `file`, without its newline.
    pub fn line_bytes<'a>(&self, file: &'a [u8], i: usize) -> Option<&'a [u8]> {
        let (start, end) = (
            *self.starts.get(i)? as usize,
            *self.starts.get(i + 1)? as usize,
        );
        file.get(start..end.checked_sub(1)?)
    }

    /// Line `i` decoded from `file`.
    pub fn line(&self, file: &[u8], i: usize) -> Option<crate::ledger::reconcile::StatementLine> {
        decode_line(self.line_bytes(file, i)?, i as u64 + 1).ok()
    }
}

/// The stored file of lines `sha`, as stored (a changed file is the reconciliation's to
/// report, and a proof from it fails in the donor's browser).
async fn lines_file(s: &AppState, sha: &Hash) -> Result<Option<bytes::Bytes>, ApiError> {
    let blob = s
        .evidence
        .blobs
        .get(sha)
        .await
        .map_err(EvidenceError::from)?;
    Ok(blob.map(|b| b.bytes))
}

impl StatementReads {
    /// Feeds the reconciler the entries appended since it last looked, up to `size`.
    async fn catch_up(kept: &mut Kept, s: &AppState, size: u64) -> Result<(), ApiError> {
        while kept.observed < size {
            let page = s
                .store
                .entries(kept.observed, PAGE.min(size - kept.observed))
                .await?;
            if page.is_empty() {
                break;
            }
            for row in &page {
                if let Ok(entry) = decode(&row.leaf) {
                    kept.reconciler.observe(&entry);
                }
            }
            kept.observed += page.len() as u64;
        }
        Ok(())
    }

    /// The statements among the first `size` entries, with their seqs.
    ///
    /// # Errors
    /// The store's error.
    pub async fn statements(
        &self,
        s: &AppState,
        size: u64,
    ) -> Result<Vec<(u64, Statement)>, ApiError> {
        let mut kept = self.kept.lock().await;
        Self::catch_up(&mut kept, s, size).await?;
        Ok(kept
            .reconciler
            .statements()
            .iter()
            .filter(|(seq, _)| *seq < size)
            .cloned()
            .collect())
    }

    /// The index of the file of lines `sha`, built on first use; `None` when the file is
    /// not stored here or is malformed.
    ///
    /// # Errors
    /// The blob store's error.
    pub async fn index(
        &self,
        s: &AppState,
        sha: &Hash,
    ) -> Result<Option<Arc<LineIndex>>, ApiError> {
        if let Some(index) = self.kept.lock().await.indexes.get(sha) {
            return Ok(Some(Arc::clone(index)));
        }
        let Some(file) = lines_file(s, sha).await? else {
            return Ok(None);
        };
        let Some(index) = LineIndex::of(&file).map(Arc::new) else {
            return Ok(None);
        };
        self.kept
            .lock()
            .await
            .indexes
            .insert(*sha, Arc::clone(&index));
        Ok(Some(index))
    }

    /// Every account's reconciliation at `size`, computed again only when the ledger grew.
    ///
    /// # Errors
    /// The store's or the blob store's error.
    pub async fn reconciliation(&self, s: &AppState, size: u64) -> Result<Arc<Value>, ApiError> {
        let mut kept = self.kept.lock().await;
        if let Some((at, answer)) = &kept.answer {
            if *at == size {
                return Ok(Arc::clone(answer));
            }
        }
        Self::catch_up(&mut kept, s, size).await?;
        let mut files = HashMap::new();
        for (_, st) in kept.reconciler.statements() {
            if let Some(file) = lines_file(s, &st.lines_sha256).await? {
                files.insert(st.lines_sha256, file);
            }
        }
        let result = kept
            .reconciler
            .reconcile(|st| files.get(&st.lines_sha256).map(|b| b.to_vec()));
        drop(files);
        let findings: Vec<String> = result.findings().map(ToString::to_string).collect();
        let answer =
            Arc::new(json!({ "accounts": result.accounts, "findings": findings, "size": size }));
        kept.answer = Some((size, Arc::clone(&answer)));
        Ok(answer)
    }
}
