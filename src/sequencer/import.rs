//! Rebuilding a ledger from its leaves (a verified bundle) into an empty store.

use super::commit::{changed_campaigns, push_leaf, signed_head};
use crate::ledger::checkpoint::CheckpointSigner;
use crate::ledger::decode;
use crate::ledger::entry::Body;
use crate::ledger::hash::{leaf_hash, Hash};
use crate::ledger::merkle::CompactTree;
use crate::ledger::plans::Plans;
use crate::ledger::state::{CampaignState, LedgerState};
use crate::store::{Batch, NewEntry, Store, StoreError};

/// Entries written per transaction (and per signed checkpoint).
const IMPORT_BATCH: usize = 1000;

/// Why an import was refused.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The target store already holds entries.
    #[error("the target ledger is not empty ({0} entries); import needs an empty one")]
    NotEmpty(u64),
    /// A leaf is invalid (the bundle should have been verified first).
    #[error("{0}")]
    Invalid(String),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Rebuilds a ledger from leaves in order into an empty store: the same leaves give the
/// same leaf hashes and roots. Commits every 1000 entries, each with a checkpoint signed
/// by `signer`, so an interrupted import leaves a consistent prefix.
///
/// # Errors
/// [`ImportError`]; entries before the failing batch stay committed.
pub async fn import_leaves(
    store: &Store,
    signer: &CheckpointSigner,
    leaves: impl IntoIterator<Item = Vec<u8>>,
    mut progress: impl FnMut(u64),
) -> Result<(u64, Hash), ImportError> {
    let size = store.size().await?;
    if size > 0 {
        return Err(ImportError::NotEmpty(size));
    }
    let mut state = LedgerState::new();
    let mut plans = Plans::new();
    let mut tree = CompactTree::new();
    let mut opened: Vec<u64> = Vec::new();
    let mut written: Vec<CampaignState> = Vec::new();
    let mut batch = Batch::default();
    let mut leaves = leaves.into_iter().peekable();
    while let Some(leaf) = leaves.next() {
        let entry = decode(&leaf)
            .map_err(|e| ImportError::Invalid(format!("entry {}: {e}", state.size())))?;
        if let Body::KeyRotate(_) = &entry.body {
            return Err(ImportError::Invalid(format!(
                "entry {}: a ledger whose signing key was rotated (SPEC.md §23) cannot be imported: its checkpoints must stay signed by the key in force at each size",
                entry.seq
            )));
        }
        let hash = leaf_hash(&leaf);
        state
            .apply(&entry, hash)
            .map_err(|e| ImportError::Invalid(format!("entry {}: {e}", entry.seq)))?;
        plans
            .apply(&entry)
            .map_err(|e| ImportError::Invalid(format!("entry {}: {e}", entry.seq)))?;
        if let Body::CampaignOpen(_) = &entry.body {
            opened.push(entry.seq);
        }
        push_leaf(&mut tree, entry.seq, hash, &mut batch.hashes);
        batch.entries.push(NewEntry {
            entry,
            leaf,
            leaf_hash: hash,
            idempotency_key: None,
            private: None,
        });
        if batch.entries.len() >= IMPORT_BATCH || leaves.peek().is_none() {
            let head = signed_head(&tree, signer);
            let size = head.size;
            batch.checkpoint = Some(head);
            batch.campaigns = changed_campaigns(&state, &opened, &written);
            store.append_batch(&batch).await?;
            written = state.campaigns().to_vec();
            batch = Batch::default();
            progress(size);
        }
    }
    Ok((tree.size(), tree.root()))
}
