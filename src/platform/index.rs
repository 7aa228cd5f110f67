//! What the account check and the campaign index remember of started organisations'
//! campaigns: each `campaign.open` entry, decoded and folded for search, by organisation and
//! seq. A ledger entry never changes once appended, so what is remembered is never stale;
//! whether each campaign is still open is read from its ledger's live view on every
//! question, and a campaign opened since is read from its store once, when first asked
//! about. An index question over many organisations thus reads no store at all unless one
//! of them opened a campaign since the last question.

use super::lookup::folded;
use crate::ledger::entry::CampaignOpen;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// A `campaign.open` as the index keeps it.
#[derive(Debug)]
pub struct KnownOpen {
    /// What the entry says.
    pub open: CampaignOpen,
    /// Its title and purpose as the index compares them ([`folded`]), one per line.
    searched: String,
}

impl KnownOpen {
    fn of(open: CampaignOpen) -> KnownOpen {
        let searched = format!("{}\n{}", folded(&open.title), folded(&open.purpose));
        KnownOpen { open, searched }
    }

    /// Whether the title or purpose holds `wanted` (already folded).
    pub fn mentions(&self, wanted: &str) -> bool {
        self.searched.lines().any(|l| l.contains(wanted))
    }
}

/// The `campaign.open` entries read so far, by organisation and seq.
#[derive(Debug, Default)]
pub(super) struct OpenedCampaigns {
    known: Mutex<HashMap<String, HashMap<u64, Arc<KnownOpen>>>>,
    /// How many entries were read from stores to answer questions (each at most once).
    reads: AtomicU64,
}

impl OpenedCampaigns {
    /// The `campaign.open` at `seq` of organisation `slug`, if read before.
    pub fn get(&self, slug: &str, seq: u64) -> Option<Arc<KnownOpen>> {
        let known = self.known.lock().unwrap_or_else(|p| p.into_inner());
        known.get(slug).and_then(|by_seq| by_seq.get(&seq)).cloned()
    }

    /// Remembers `open`, just read from organisation `slug`'s store at `seq`.
    pub fn remember(&self, slug: &str, seq: u64, open: CampaignOpen) -> Arc<KnownOpen> {
        self.reads.fetch_add(1, Ordering::Relaxed);
        let known = Arc::new(KnownOpen::of(open));
        let mut all = self.known.lock().unwrap_or_else(|p| p.into_inner());
        all.entry(slug.to_string())
            .or_default()
            .insert(seq, Arc::clone(&known));
        known
    }

    /// How many `campaign.open` entries were read from stores so far.
    pub fn reads(&self) -> u64 {
        self.reads.load(Ordering::Relaxed)
    }
}
