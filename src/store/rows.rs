//! What the store writes and reads back: a group commit's batch, and stored entries,
//! checkpoints and campaign rows.

use super::DonorPrivate;
use crate::ledger::entry::Entry;
use crate::ledger::hash::Hash;
use crate::ledger::state::CampaignState;

/// One entry as the sequencer writes it. The store derives the columns it indexes the
/// entry by (kind, campaigns, bank reference, reversed entry) from `entry` itself.
#[derive(Debug, Clone)]
pub struct NewEntry {
    /// The entry (its position, `prev` and `recorded_at` are stored in their own columns).
    pub entry: Entry,
    /// Exact canonical bytes of `entry`.
    pub leaf: Vec<u8>,
    /// SHA-256(0x00 || leaf).
    pub leaf_hash: Hash,
    /// Idempotency key of the request that created it, with a hash of the request.
    pub idempotency_key: Option<(String, Hash)>,
    /// A donor's personal data, written off the chain in the same transaction.
    pub private: Option<DonorPrivate>,
}

/// Everything one group commit writes, in one transaction.
#[derive(Debug, Clone, Default)]
pub struct Batch {
    /// New entries, in order, at consecutive positions.
    pub entries: Vec<NewEntry>,
    /// New tree nodes: (stored hash index, hash).
    pub hashes: Vec<(u64, Hash)>,
    /// Campaigns whose state changed: (index, opened_seq, state).
    pub campaigns: Vec<(u32, u64, CampaignState)>,
    /// The new signed checkpoint.
    pub checkpoint: Option<StoredCheckpoint>,
}

/// A signed checkpoint as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredCheckpoint {
    /// Tree size.
    pub size: u64,
    /// Root hash.
    pub root: Hash,
    /// The signed note.
    pub note: String,
}

/// A stored entry.
#[derive(Debug, Clone)]
pub struct StoredEntry {
    /// Position.
    pub seq: u64,
    /// Exact bytes.
    pub leaf: Vec<u8>,
    /// Leaf hash as stored.
    pub leaf_hash: Hash,
}

/// A campaign row: its state and the seq of its `campaign.open` entry.
#[derive(Debug, Clone)]
pub struct StoredCampaign {
    /// Index in opening order.
    pub idx: u32,
    /// Seq of `campaign.open`.
    pub opened_seq: u64,
    /// Derived state.
    pub state: CampaignState,
}
