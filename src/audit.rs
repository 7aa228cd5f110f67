//! The full audit of a stored ledger: every entry re-checked by the streaming verifier
//! (canonical bytes, `prev` links, times, every money rule), every stored leaf hash and
//! Merkle node compared with what the entries give, the latest signed checkpoint verified
//! against the root, and the stored campaign totals against the recomputed ones.
//!
//! `fundtrail verify --data` runs it once; a serving process runs it in the background at
//! start and on a schedule ([`schedule`]), because the start-up check reads only the tail.
//! It checks the head read as one snapshot ([`Store::head_snapshot`]) while appends go on,
//! reads the entries in pages, and keeps only the verifier's state in memory (a few bytes
//! per money entry, never the leaves).

pub mod schedule;

use crate::ledger::hash::Hash;
use crate::ledger::merkle::CompactTree;
use crate::ledger::state::LedgerState;
use crate::ledger::totals::Totals;
use crate::ledger::verify::{Report, Verifier, VerifyError};
use crate::store::{Store, StoreError, StoredEntry};

/// Entries read and checked per page.
const PAGE: u64 = 1000;

/// A Merkle node the store must hold: the entry that completed it, its stored-hash index
/// and its hash.
type ExpectedNode = (u64, u64, Hash);

/// The first thing the audit found wrong, located as precisely as it can be.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, thiserror::Error)]
#[error("{message}")]
pub struct AuditFailure {
    /// The entry at fault, when one is (a checkpoint or a total names none).
    pub seq: Option<u64>,
    /// What is wrong, in words, naming the entry or campaign.
    pub message: String,
}

impl AuditFailure {
    fn at(seq: u64, message: String) -> AuditFailure {
        AuditFailure {
            seq: Some(seq),
            message,
        }
    }
}

impl From<VerifyError> for AuditFailure {
    fn from(e: VerifyError) -> AuditFailure {
        let seq = match &e {
            VerifyError::Entry { seq, .. } => Some(*seq),
            _ => None,
        };
        AuditFailure {
            seq,
            message: e.to_string(),
        }
    }
}

/// Why an audit did not pass.
#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    /// The stored ledger is not what was signed and published.
    #[error("{0}")]
    Failed(#[from] AuditFailure),
    /// The store could not be read; nothing was concluded.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The verifier and the running check of stored Merkle nodes, moved in and out of the
/// blocking thread that checks each page.
struct Progress {
    verifier: Verifier,
    nodes: CompactTree,
    node_index: u64,
}

/// Audits the ledger in `store` against the verifier key `vkey`; `progress` hears how many
/// entries were checked so far. Returns what the verifier established: size, root, the
/// verified checkpoint and the recomputed totals.
///
/// # Errors
/// [`AuditError::Failed`] naming the first entry (or checkpoint, or campaign) at fault;
/// [`AuditError::Store`] when the store cannot be read.
pub async fn audit(
    store: &Store,
    vkey: &str,
    mut progress: impl FnMut(u64),
) -> Result<Report, AuditError> {
    let head = store.head_snapshot().await?;
    let checkpoint = head.checkpoint.ok_or_else(|| AuditFailure {
        seq: None,
        message: "the store has no signed checkpoint".into(),
    })?;
    let size = checkpoint.size;
    let mut state = Progress {
        verifier: Verifier::new(),
        nodes: CompactTree::new(),
        node_index: 0,
    };
    while state.verifier.size() < size {
        let next = state.verifier.size();
        let rows = store.entries(next, PAGE.min(size - next)).await?;
        if rows.is_empty() {
            break;
        }
        let (checked, expected) = tokio::task::spawn_blocking(move || check_page(state, &rows))
            .await
            .map_err(|e| StoreError::Unavailable(format!("audit task: {e}")))??;
        state = checked;
        check_stored_nodes(store, &expected).await?;
        progress(state.verifier.size());
    }
    if state.verifier.size() != size {
        return Err(AuditFailure::at(
            state.verifier.size(),
            format!("entry {}: missing from the store", state.verifier.size()),
        )
        .into());
    }
    if head.size > size {
        // The sequencer writes entries and their checkpoint in one transaction.
        return Err(AuditFailure::from(VerifyError::CheckpointSize {
            checkpoint: size,
            entries: head.size,
        })
        .into());
    }
    let stored_totals = Totals::of(&LedgerState::resume(
        size,
        crate::ledger::ZERO_HASH,
        String::new(),
        head.campaigns.into_iter().map(|c| c.state).collect(),
    ));
    let report = state
        .verifier
        .finish(Some((&checkpoint.note, vkey)), Some(&stored_totals))
        .map_err(AuditFailure::from)?;
    Ok(report)
}

/// Checks one page of entries (in order, from the verifier's next `seq`); returns the
/// advanced state and the Merkle nodes the store must hold for them.
fn check_page(
    mut state: Progress,
    rows: &[StoredEntry],
) -> Result<(Progress, Vec<ExpectedNode>), AuditFailure> {
    let mut expected = Vec::new();
    for row in rows {
        let seq = state.verifier.size();
        if row.seq != seq {
            return Err(AuditFailure::at(
                seq,
                format!(
                    "entry {seq}: missing from the store (the next stored entry is {})",
                    row.seq
                ),
            ));
        }
        let hash = state.verifier.push_leaf(&row.leaf)?;
        if hash != row.leaf_hash {
            return Err(AuditFailure::at(
                seq,
                format!("entry {seq}: its bytes do not match its recorded leaf hash"),
            ));
        }
        let node_index = &mut state.node_index;
        state.nodes.push_returning_nodes(hash, |h| {
            expected.push((seq, *node_index, h));
            *node_index += 1;
        });
    }
    Ok((state, expected))
}

/// Compares the stored Merkle nodes with `expected` (consecutive stored-hash indexes).
async fn check_stored_nodes(
    store: &Store,
    expected: &[(u64, u64, Hash)],
) -> Result<(), AuditError> {
    let Some(first) = expected.first() else {
        return Ok(());
    };
    let stored = store
        .tree_hashes_from(first.1, expected.len() as u64)
        .await?;
    for (i, (seq, idx, hash)) in expected.iter().enumerate() {
        if stored.get(i) != Some(&(*idx, *hash)) {
            return Err(AuditFailure::at(
                *seq,
                format!(
                    "entry {seq}: stored Merkle tree node {idx} does not match the entries (proofs served from it would fail)"
                ),
            )
            .into());
        }
    }
    Ok(())
}
