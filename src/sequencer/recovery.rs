//! Loading the head: at start-up, when a process becomes the leader, and after a failed
//! write. The sequencer resumes from the stored campaign rows and the O(log n) peaks of
//! the tree, never by replaying the ledger, and first re-checks the last [`TAIL_CHECK`]
//! entries against the stored tree and the latest signed checkpoint: when they disagree,
//! reads go on and appends are refused with the reason.

use super::rotation::{stored_key_history, KeyHistory};
use super::{Clock, EarlierKeys, FingerprintKey, Sequencer, SharedView, View, TAIL_CHECK};
use crate::ledger::checkpoint::{verify_checkpoint, CheckpointSigner};
use crate::ledger::hash::{leaf_hash, Hash};
use crate::ledger::merkle::{empty_root, CompactTree};
use crate::ledger::state::LedgerState;
use crate::ledger::{decode, Totals};
use crate::store::{Store, StoreError, StoredCheckpoint};
use std::sync::Arc;

/// Builds the published view from the store alone (for processes that do not lead):
/// the latest checkpoint and the campaign rows written in the same transaction.
///
/// # Errors
/// [`StoreError`].
pub async fn load_view(store: &Store) -> Result<View, StoreError> {
    for _ in 0..10 {
        let before = store.latest_checkpoint().await?;
        let campaigns = store.campaigns().await?;
        let after = store.latest_checkpoint().await?;
        if before != after {
            continue;
        }
        let checkpoint = after.unwrap_or_else(unsigned_empty);
        let last_recorded_at = match checkpoint.size {
            0 => None,
            n => store
                .entry(n - 1)
                .await?
                .and_then(|e| decode(&e.leaf).ok())
                .map(|e| e.recorded_at),
        };
        let mut state = LedgerState::resume(
            checkpoint.size,
            crate::ledger::ZERO_HASH,
            String::new(),
            campaigns.iter().map(|c| c.state.clone()).collect(),
        );
        remember_ledger_rules(store, &mut state).await?;
        return Ok(View {
            ledger_rules: state.ledger_rules().clone(),
            totals: Totals::of(&state),
            campaigns: campaigns
                .into_iter()
                .map(|c| (c.opened_seq, c.state))
                .collect(),
            checkpoint,
            last_recorded_at,
            read_only: None,
            keys: Arc::new(KeyHistory::default()),
        });
    }
    Err(StoreError::Corrupt(
        "the ledger kept changing while its view was read".into(),
    ))
}

/// Teaches `state` the ledger-wide approval rules in force (SPEC.md §17): a campaign's rule
/// is in its stored row, the ledger's are read from its `approval.policy` entries, in order.
///
/// # Errors
/// [`StoreError`], or [`StoreError::Corrupt`] when a stored policy does not decode.
async fn remember_ledger_rules(store: &Store, state: &mut LedgerState) -> Result<(), StoreError> {
    for stored in store.approval_policies().await? {
        let entry = decode(&stored.leaf).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        if let crate::ledger::Body::ApprovalPolicy(p) = &entry.body {
            state.remember_ledger_rule(entry.seq, p);
        }
    }
    Ok(())
}

/// The head of a ledger with no signed checkpoint yet: empty, and signed by no one.
fn unsigned_empty() -> StoredCheckpoint {
    StoredCheckpoint {
        size: 0,
        root: empty_root(),
        note: String::new(),
    }
}

/// Where the last [`TAIL_CHECK`] stored entries disagree with themselves, the stored tree
/// or the latest checkpoint (`None` when they agree): the checkpoint's signature, size and
/// root, then each entry's position, leaf hash and `prev`.
async fn check_tail(
    store: &Store,
    signer: &CheckpointSigner,
    size: u64,
    tree: &CompactTree,
) -> Result<Option<String>, StoreError> {
    let Some(cp) = store.latest_checkpoint().await? else {
        return Ok(
            (size > 0).then(|| format!("the store holds {size} entries but no signed checkpoint"))
        );
    };
    if let Err(e) = verify_checkpoint(&cp.note, signer.verifier_key()) {
        return Ok(Some(format!("latest stored {e}")));
    }
    if cp.size != size {
        return Ok(Some(format!(
            "the latest checkpoint covers {} entries, the store holds {size}",
            cp.size
        )));
    }
    if cp.root != tree.root() {
        return Ok(Some(format!(
            "checkpoint: root {} does not match the stored tree {}",
            cp.root,
            tree.root()
        )));
    }
    let start = size.saturating_sub(TAIL_CHECK);
    let rows = store.entries(start, TAIL_CHECK).await?;
    let level0: Vec<u64> = (start..size)
        .map(|n| tlog_tiles::stored_hash_index(0, n))
        .collect();
    let stored_leaf_hashes = store.read_hashes(&level0).await?;
    let mut prev: Option<Hash> = None;
    for (i, row) in rows.iter().enumerate() {
        let seq = start + i as u64;
        if row.seq != seq {
            return Ok(Some(format!(
                "entry {seq}: missing (found entry {} in its place)",
                row.seq
            )));
        }
        let h = leaf_hash(&row.leaf);
        if h != row.leaf_hash || h != stored_leaf_hashes[i] {
            return Ok(Some(format!(
                "entry {seq}: its bytes do not match its recorded leaf hash"
            )));
        }
        match decode(&row.leaf) {
            Err(e) => return Ok(Some(format!("entry {seq}: {e}"))),
            Ok(entry) => {
                if prev.is_some_and(|p| p != entry.prev) {
                    return Ok(Some(format!(
                        "entry {seq}: prev does not match the leaf hash of entry {}",
                        seq - 1
                    )));
                }
            }
        }
        prev = Some(h);
    }
    if rows.len() as u64 != size - start {
        return Ok(Some(format!(
            "the store is missing entries between {start} and {size}"
        )));
    }
    Ok(None)
}

impl Sequencer {
    /// Loads the head from `store`: the tree's peaks, the campaign rows and the last entry,
    /// then checks the tail; a failed check makes the sequencer refuse appends.
    pub(super) async fn load(
        store: Store,
        signer: CheckpointSigner,
        earlier: EarlierKeys,
        clock: Clock,
        view: SharedView,
    ) -> Result<Sequencer, StoreError> {
        let size = store.size().await?;
        let positions = CompactTree::peak_positions(size);
        let indexes: Vec<u64> = positions
            .iter()
            .map(|(l, n)| tlog_tiles::stored_hash_index(*l, *n))
            .collect();
        let peaks = store.read_hashes(&indexes).await?;
        let tree = CompactTree::from_peaks(size, peaks).map_err(StoreError::Corrupt)?;
        let campaigns = store.campaigns().await?;
        let (last_hash, last_at) = match store.last_entry().await? {
            None => (crate::ledger::ZERO_HASH, String::new()),
            Some(e) => {
                let at = decode(&e.leaf).map(|x| x.recorded_at).unwrap_or_default();
                (e.leaf_hash, at)
            }
        };
        let read_only = check_tail(&store, &signer, size, &tree).await?;
        if let Some(reason) = &read_only {
            tracing::error!(%reason, "stored ledger failed its start-up check; appends refused; run `fundtrail verify --data DIR`");
        }
        let opened = campaigns.iter().map(|c| c.opened_seq).collect();
        let mut state = LedgerState::resume(
            size,
            last_hash,
            last_at,
            campaigns.into_iter().map(|c| c.state).collect(),
        );
        remember_ledger_rules(&store, &mut state).await?;
        let keys = stored_key_history(&store, &signer, &earlier).await?;
        Ok(Sequencer {
            store,
            fingerprints: FingerprintKey::of(&signer),
            signer,
            earlier,
            keys: Arc::new(keys),
            before_rotation: None,
            clock,
            state,
            tree,
            opened,
            read_only,
            view,
            plans: super::plans::PlanCache::default(),
            stored: size,
        })
    }

    /// Publishes the head with the latest stored checkpoint.
    pub(super) async fn publish(&self) -> Result<(), StoreError> {
        let checkpoint = self
            .store
            .latest_checkpoint()
            .await?
            .unwrap_or_else(unsigned_empty);
        self.publish_with(checkpoint);
        Ok(())
    }

    /// Publishes the head with `checkpoint`, the one just committed with it.
    pub(super) fn publish_with(&self, checkpoint: StoredCheckpoint) {
        let view = View {
            checkpoint,
            totals: Totals::of(&self.state),
            campaigns: self
                .opened
                .iter()
                .copied()
                .zip(self.state.campaigns().iter().cloned())
                .collect(),
            last_recorded_at: (!self.state.last_recorded_at().is_empty())
                .then(|| self.state.last_recorded_at().to_string()),
            read_only: self.read_only.clone(),
            ledger_rules: self.state.ledger_rules().clone(),
            keys: Arc::clone(&self.keys),
        };
        if let Ok(mut v) = self.view.write() {
            *v = Arc::new(view);
        }
    }

    /// Re-reads the head after a failed write, so the sequencer goes on from what the
    /// store holds; when even that fails, appends are refused.
    pub(super) async fn reload(&mut self) {
        match Self::load(
            self.store.clone(),
            self.signer.clone(),
            Arc::clone(&self.earlier),
            Arc::clone(&self.clock),
            Arc::clone(&self.view),
        )
        .await
        {
            Ok(fresh) => {
                self.state = fresh.state;
                self.tree = fresh.tree;
                self.opened = fresh.opened;
                self.read_only = fresh.read_only;
                self.plans = fresh.plans;
                self.stored = fresh.stored;
                self.keys = fresh.keys;
            }
            Err(e) => {
                self.read_only = Some(format!(
                    "the store could not be re-read after a failed write: {e}"
                ));
            }
        }
        if let Err(e) = self.publish().await {
            tracing::error!(error = %e, "could not refresh the published view");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{donation, jobs, open_flood_campaign, Ledger};
    use super::super::{AppendError, Sequencer};
    use crate::ledger::checkpoint::CheckpointSigner;

    /// A ledger of the flood campaign and two donations (entries 0 to 2), its store closed.
    async fn three_entries() -> Ledger {
        let ledger = Ledger::new();
        let store = ledger.store().await;
        let mut sequencer = ledger.lead(&store).await;
        let (batch, _) = jobs(vec![
            open_flood_campaign(),
            donation("flood-2026", 100, "FT-1"),
            donation("flood-2026", 200, "FT-2"),
        ]);
        sequencer.process(batch).await;
        store.close().await;
        ledger
    }

    /// Why a sequencer started on `ledger` refuses appends, after checking that it does.
    async fn refusal_at_start(ledger: &Ledger, signer: CheckpointSigner) -> String {
        let store = ledger.store().await;
        let (handle, _task) =
            Sequencer::start_with_clock(store, signer, super::super::testing::clock())
                .await
                .expect("reads still work");
        let reason = handle.view().read_only.clone().expect("appends refused");
        let refused = handle.append(donation("flood-2026", 300, "FT-3")).await;
        assert!(
            matches!(&refused, Err(AppendError::ReadOnly(r)) if *r == reason),
            "{refused:?}"
        );
        reason
    }

    #[tokio::test]
    async fn an_intact_ledger_is_resumed_where_it_stopped() {
        let ledger = three_entries().await;
        let store = ledger.store().await;

        let sequencer = ledger.lead(&store).await;

        assert_eq!(sequencer.read_only, None);
        assert_eq!(sequencer.state.size(), 3);
        assert_eq!(sequencer.opened, vec![0]);
        let checkpoint = store
            .latest_checkpoint()
            .await
            .expect("read")
            .expect("signed");
        assert_eq!(sequencer.tree.root(), checkpoint.root);
    }

    #[tokio::test]
    async fn a_stored_leaf_that_does_not_match_its_hash_makes_the_sequencer_refuse_appends() {
        let ledger = three_entries().await;
        let mut raw = ledger.raw().await;
        for tamper in [
            "drop trigger entries_are_never_updated",
            "update entries set leaf = cast(replace(cast(leaf as text), '\"amount\":\"200\"', '\"amount\":\"900\"') as blob) where seq = 2",
        ] {
            sqlx::query(tamper).execute(&mut raw).await.expect("tamper");
        }

        let reason = refusal_at_start(&ledger, ledger.signer.clone()).await;

        assert_eq!(
            reason,
            "entry 2: its bytes do not match its recorded leaf hash"
        );
    }

    #[tokio::test]
    async fn entries_beyond_the_latest_checkpoint_make_the_sequencer_refuse_appends() {
        let ledger = three_entries().await;
        let mut raw = ledger.raw().await;
        sqlx::query("delete from checkpoints where size = 3")
            .execute(&mut raw)
            .await
            .expect("tamper");

        let reason = refusal_at_start(&ledger, ledger.signer.clone()).await;

        // The three entries were committed together: the checkpoint before is the empty one.
        assert_eq!(
            reason,
            "the latest checkpoint covers 0 entries, the store holds 3"
        );
    }

    #[tokio::test]
    async fn a_checkpoint_signed_by_another_key_makes_the_sequencer_refuse_appends() {
        let ledger = three_entries().await;
        let stranger = CheckpointSigner::generate("example.org/ledger")
            .expect("signer")
            .0;

        let reason = refusal_at_start(&ledger, stranger).await;

        assert!(reason.starts_with("latest stored "), "{reason}");
    }
}
