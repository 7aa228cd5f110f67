//! The public search's indexes (migrations `*_search.sql`): what a donor may type to find a
//! gift, derived from each donation like the entries' own index columns, so a search reads a
//! few index rows and the entries they name, never the whole ledger.
//!
//! - `search_keys` holds, for each donation, its **search keys**: the normalised text of its
//!   bank reference ([`search_text`]: spaces removed, lower case), whole and every suffix of
//!   it at least [`MIN_PARTIAL`] characters long, and of its public memo from the start of
//!   each word; each cut to [`MAX_KEY_BYTES`]. A partial reference `q` is then a range read
//!   (`key >= q and key < q || 0xFF`): every suffix that starts with `q` is a text that
//!   contains it. Candidates are checked against the whole query by the caller.
//! - `search_days` holds each donation's day received and amount in minor units.
//!
//! Neither is written by the group commit (that would cost the writer ~16 random B-tree
//! inserts per donation on the append path): a background indexer per serving process
//! (`search_indexer.rs`, started by [`Store::prepare_lookups`]) indexes every entry from
//! `search_backfill.done` up to the ledger's size, a page per transaction, woken after
//! commits. A search reads the index and, for the entries at or above `done`, their leaves
//! ([`Store::unindexed_donations`], [`has_search_key`]), so a gift is found the moment its
//! append is acknowledged. `search_backfill.below` (where older code's group commit took
//! over) is no longer read: indexing again what that code indexed is harmless.

use super::queries::Queries;
use super::{Store, StoreError, StoredEntry};
use crate::ledger::entry::{Body, Donation};
use std::collections::BTreeSet;

/// The fewest characters (after [`search_text`]) a partial reference or memo search takes.
pub const MIN_PARTIAL: usize = 6;
/// How many characters of a donation's normalised memo are indexed (bank transfer messages
/// are shorter; a memo's later text is not found by a partial search).
pub const MEMO_INDEXED_CHARS: usize = 200;
/// The most index rows one search reads.
const MAX_KEY_ROWS: i64 = 2000;
/// Entries indexed per transaction by [`Store::catch_up_search`], and read per query from
/// their leaves by [`Store::unindexed_donations`].
const CATCH_UP_PAGE: u64 = 1000;

/// `text` as the search compares it: every whitespace character removed and letters
/// lower-cased (Unicode lower case, so `Đ` and `đ` match; accents are kept).
pub fn search_text(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The longest search key, in bytes: keys are cut (at a character boundary) to this many,
/// which keeps the index small; a longer query is looked up by its first bytes and every
/// candidate is checked against the whole query.
pub const MAX_KEY_BYTES: usize = 16;

/// `text` cut to at most [`MAX_KEY_BYTES`] bytes, at a character boundary.
pub(crate) fn key_prefix(text: &str) -> &str {
    if text.len() <= MAX_KEY_BYTES {
        return text;
    }
    let mut end = MAX_KEY_BYTES;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// Adds the key of `from` (a normalised text or one of its suffixes), cut to
/// [`MAX_KEY_BYTES`].
fn add_key(from: &str, into: &mut BTreeSet<Vec<u8>>) {
    into.insert(key_prefix(from).as_bytes().to_vec());
}

/// The keys of a bank reference: its normalised text, and each suffix of at least
/// [`MIN_PARTIAL`] characters (a donor may remember any part of it).
fn reference_keys(reference: &str, into: &mut BTreeSet<Vec<u8>>) {
    let normalised = search_text(reference);
    if normalised.is_empty() {
        return;
    }
    add_key(&normalised, into);
    let starts: Vec<usize> = normalised.char_indices().map(|(i, _)| i).collect();
    for (n, &at) in starts.iter().enumerate().skip(1) {
        if starts.len() - n < MIN_PARTIAL {
            break;
        }
        add_key(&normalised[at..], into);
    }
}

/// The keys of a public memo (its first [`MEMO_INDEXED_CHARS`] characters): the normalised
/// text from the start of each word, so a search finds the memo from any whole word on
/// (`bà con miền` finds `Ủng hộ bà con miền Trung`; `con miền` too; `à con` does not).
fn memo_keys(memo: &str, into: &mut BTreeSet<Vec<u8>>) {
    let words: Vec<String> = memo
        .split_whitespace()
        .map(search_text)
        .filter(|w| !w.is_empty())
        .collect();
    let mut chars = 0;
    let mut kept = Vec::new();
    for w in words {
        if chars >= MEMO_INDEXED_CHARS {
            break;
        }
        chars += w.chars().count();
        kept.push(w);
    }
    for from in 0..kept.len() {
        let rest = kept[from..].concat();
        if from == 0 || rest.chars().count() >= MIN_PARTIAL {
            add_key(&rest, into);
        }
    }
}

/// The search keys of donation `d`.
pub(crate) fn donation_keys(d: &Donation) -> BTreeSet<Vec<u8>> {
    let mut keys = BTreeSet::new();
    if let Some(r) = &d.reference {
        reference_keys(r, &mut keys);
    }
    if let Some(m) = &d.memo {
        memo_keys(m, &mut keys);
    }
    keys
}

/// The search rows of a batch of new entries: `(key, seq)` and `(received_at, amount, seq)`.
#[derive(Debug, Default)]
pub(crate) struct SearchRows {
    /// Keys of donations, with their seq.
    pub(crate) keys: Vec<(Vec<u8>, u64)>,
    /// Day received, amount in minor units and seq of each donation.
    pub(crate) days: Vec<(String, String, u64)>,
}

impl SearchRows {
    /// The rows of `entries` (only donations have any).
    pub(crate) fn of<'a>(entries: impl IntoIterator<Item = (u64, &'a Body)>) -> SearchRows {
        let mut rows = SearchRows::default();
        for (seq, body) in entries {
            if let Body::Donation(d) = body {
                rows.keys
                    .extend(donation_keys(d).into_iter().map(|k| (k, seq)));
                rows.days
                    .push((d.received_at.clone(), d.amount.to_string(), seq));
            }
        }
        // In key order, so a page's inserts walk the index's B-tree instead of jumping in it.
        rows.keys.sort_unstable();
        rows.days.sort_unstable();
        rows
    }
}

/// The smallest byte string greater than every string that starts with `prefix`: `prefix`
/// followed by 0xFF, a byte UTF-8 never uses.
fn after_prefix(prefix: &[u8]) -> Vec<u8> {
    let mut end = prefix.to_vec();
    end.push(0xFF);
    end
}

impl Store {
    /// The seqs of donations with a search key equal to `normalised` (when `partial` is
    /// false) or starting with it (when true), in seq order; `true` with them when more
    /// index rows matched than one search reads.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    pub async fn search_keys(
        &self,
        normalised: &str,
        partial: bool,
    ) -> Result<(BTreeSet<u64>, bool), StoreError> {
        // Keys are cut to MAX_KEY_BYTES: a longer query is looked up by its first bytes.
        let cut = key_prefix(normalised);
        let from = cut.as_bytes().to_vec();
        let to = if partial || cut.len() < normalised.len() {
            after_prefix(&from)
        } else {
            let mut just_after = from.clone();
            just_after.push(0);
            just_after
        };
        let rows = on_pool!(self, pool => Queries::search_key_seqs(pool, &from, &to, MAX_KEY_ROWS + 1).await)?;
        let truncated = rows.len() as i64 > MAX_KEY_ROWS;
        let seqs = rows.into_iter().take(MAX_KEY_ROWS as usize).collect();
        Ok((seqs, truncated))
    }

    /// The seqs of donations received on `day` whose amount in minor units is one of
    /// `amounts`, in seq order.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    pub async fn search_days(
        &self,
        day: &str,
        amounts: &BTreeSet<String>,
    ) -> Result<(BTreeSet<u64>, bool), StoreError> {
        let mut seqs = BTreeSet::new();
        let mut truncated = false;
        for amount in amounts {
            let rows = on_pool!(self, pool => Queries::search_day_seqs(pool, day, amount, MAX_KEY_ROWS + 1).await)?;
            truncated |= rows.len() as i64 > MAX_KEY_ROWS;
            seqs.extend(rows.into_iter().take(MAX_KEY_ROWS as usize));
        }
        Ok((seqs, truncated))
    }

    /// The reversal of each of `seqs` that has one, by the reversed seq (through the unique
    /// index on `reverses`).
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    pub async fn reversals_of(
        &self,
        seqs: &[u64],
    ) -> Result<std::collections::HashMap<u64, StoredEntry>, StoreError> {
        let mut found = std::collections::HashMap::new();
        for &seq in seqs {
            if let Some(e) = on_pool!(self, pool => Queries::reversal_of(pool, seq).await)? {
                found.insert(seq, e);
            }
        }
        Ok(found)
    }

    /// The reversals (below `size`) of entries `from` to `to` (exclusive), each with the seq
    /// it reverses.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    pub async fn reversals_between(
        &self,
        from: u64,
        to: u64,
        size: u64,
    ) -> Result<Vec<(u64, StoredEntry)>, StoreError> {
        on_pool!(self, pool => Queries::reversals_between(pool, from, to, size).await)
    }

    /// How far the search index goes: every entry below this seq is indexed (entries at or
    /// above it may be too, by older code or a page being written).
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    pub async fn search_indexed_below(&self) -> Result<u64, StoreError> {
        let state = on_pool!(self, pool => Queries::search_backfill(pool).await)?;
        Ok(state.map_or(0, |(_, done)| done))
    }

    /// Indexes every entry the search index does not hold yet, up to the ledger's current
    /// size, a page per transaction, without pausing between pages (the background
    /// indexer, [`Store::start_search_indexer`], does the same at a gentler pace).
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    pub async fn catch_up_search(&self) -> Result<(), StoreError> {
        while self.index_search_page(CATCH_UP_PAGE).await? > 0 {}
        Ok(())
    }

    /// Indexes, for the search, the next `page` entries at most from `search_backfill.done`
    /// (rows in key order, in one transaction that also moves `done` past them); returns how
    /// many entries it covered, 0 when the index already reaches the ledger's size. Rows
    /// already there (written by older code's group commit, or by another server) are kept
    /// once, so indexing an entry twice is harmless.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    pub(crate) async fn index_search_page(&self, page: u64) -> Result<u64, StoreError> {
        let done = self.search_indexed_below().await?;
        let entries = self.entries(done, page).await?;
        let Some(last) = entries.last() else {
            return Ok(0);
        };
        let next = last.seq + 1;
        let mut bodies = Vec::with_capacity(entries.len());
        for e in &entries {
            // A leaf that does not decode is the start-up check's and the audit's to
            // report (they refuse appends, naming it); the search just cannot find it.
            match crate::ledger::decode(&e.leaf) {
                Ok(entry) => bodies.push((e.seq, entry.body)),
                Err(err) => tracing::warn!(
                    seq = e.seq,
                    error = %err,
                    "entry not indexed for the search: it cannot be read"
                ),
            }
        }
        let rows = SearchRows::of(bodies.iter().map(|(s, b)| (*s, b)));
        dispatch!(self, s => s.write_search_page(&rows, next).await)?;
        Ok(next - done)
    }

    /// The donations among entries `from` to `size` (exclusive), the part of the ledger
    /// the search index may not hold yet, read from their leaves, for which `wanted` holds:
    /// among the newest [`MAX_UNINDEXED`] entries at most, and at most `limit` of them (the
    /// first in seq order), so the memory a search holds does not grow with the tail.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    pub async fn unindexed_donations(
        &self,
        from: u64,
        size: u64,
        wanted: impl Fn(&Donation) -> bool,
        limit: usize,
    ) -> Result<Unindexed, StoreError> {
        let start = from.max(size.saturating_sub(MAX_UNINDEXED));
        let mut found = Unindexed {
            donations: Vec::new(),
            complete: start == from,
            more: false,
        };
        let mut at = start;
        while at < size {
            let page = self.entries(at, CATCH_UP_PAGE.min(size - at)).await?;
            let Some(last) = page.last() else {
                break;
            };
            at = last.seq + 1;
            for stored in page {
                let Ok(entry) = crate::ledger::decode(&stored.leaf) else {
                    continue;
                };
                let Body::Donation(d) = entry.body else {
                    continue;
                };
                if !wanted(&d) {
                    continue;
                }
                if found.donations.len() >= limit {
                    found.more = true;
                    return Ok(found);
                }
                found.donations.push((stored, d));
            }
        }
        Ok(found)
    }
}

/// The most entries a search reads from their leaves because the index does not hold them
/// yet (the background indexer is normally well under this many entries behind).
pub const MAX_UNINDEXED: u64 = 20_000;

/// Donations the search index may not hold yet, read from their leaves, that a search wants.
#[derive(Debug)]
pub struct Unindexed {
    /// The donations, in seq order, each with its stored entry.
    pub donations: Vec<(StoredEntry, Donation)>,
    /// False when more than [`MAX_UNINDEXED`] entries were not indexed: only the newest
    /// were read, and a search may miss a donation among the others until the indexer
    /// reaches it.
    pub complete: bool,
    /// Whether more donations matched than were kept.
    pub more: bool,
}

/// Whether donation `d` has a search key that the index read of
/// [`Store::search_keys`]`(normalised, partial)` would return: the same answer for a
/// donation not indexed yet as for one that is.
pub fn has_search_key(d: &Donation, normalised: &str, partial: bool) -> bool {
    let cut = key_prefix(normalised).as_bytes();
    let by_prefix = partial || cut.len() < normalised.len();
    donation_keys(d).iter().any(|k| {
        if by_prefix {
            k.starts_with(cut)
        } else {
            k == cut
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(f: fn(&str, &mut BTreeSet<Vec<u8>>), text: &str) -> Vec<String> {
        let mut set = BTreeSet::new();
        f(text, &mut set);
        set.into_iter()
            .map(|k| String::from_utf8(k).expect("UTF-8"))
            .collect()
    }

    #[test]
    fn a_reference_is_indexed_whole_and_by_every_suffix_of_six_characters_or_more() {
        assert_eq!(
            keys(reference_keys, "FT 2630 5001"),
            ["26305001", "305001", "6305001", "ft26305001", "t26305001"]
        );
    }

    #[test]
    fn a_memo_is_indexed_from_each_word_and_keys_are_cut_at_a_character_boundary() {
        // `bàcon` and `con` are under six characters: found only within a longer query.
        assert_eq!(keys(memo_keys, "Ủng hộ bà con"), ["hộbàcon", "ủnghộbàcon"]);
        let long = keys(memo_keys, "Ủng hộ đồng bào miền Trung");
        assert!(long.iter().all(|k| k.len() <= MAX_KEY_BYTES), "{long:?}");
        assert!(long.contains(&"miềntrung".to_string()), "{long:?}");
    }

    #[test]
    fn a_donation_not_indexed_yet_matches_exactly_the_queries_its_index_rows_answer() {
        let d: Donation = serde_json::from_value(serde_json::json!({
            "amount": "200000", "campaign": "flood-2026", "channel": "bank_transfer",
            "currency": "VND", "donor": "Anonymous", "received_at": "2025-11-24",
            "reference": "FT 2630 5001", "memo": "Ủng hộ bà con miền Trung",
        }))
        .expect("a donation");

        assert!(has_search_key(&d, "ft26305001", false), "whole reference");
        assert!(has_search_key(&d, "305001", true), "a suffix of it");
        assert!(has_search_key(&d, "2630", true), "a suffix's start");
        assert!(!has_search_key(&d, "2630", false), "not a whole key");
        assert!(has_search_key(&d, "conmiền", true), "from a word on");
        assert!(
            !has_search_key(&d, "àconmiền", true),
            "not from inside a word"
        );
        // Longer than a key: looked up by the key's bytes, checked whole by the caller.
        assert!(has_search_key(&d, "bàconmiềntrungxyz", false));
    }
}
