//! Leadership: only one process sequences a ledger. An embedded (SQLite) store has one
//! process, which leads from the start. Processes sharing a PostgreSQL store elect one by
//! the store's advisory lock: the holder sequences and checks every half second that it
//! still holds the lock, and stops sequencing when it does not; the others serve reads
//! from a view they refresh from the store and try to lead again four times a second, so
//! one of them leads once the database has released a dead leader's lock.

use super::{load_view, Clock, EarlierKeys, Job, Sequencer, SharedView, Slot, MAX_BATCH};
use crate::ledger::checkpoint::CheckpointSigner;
use crate::ledger::merkle::empty_root;
use crate::store::{Batch, Leadership, Store, StoreError, StoredCheckpoint};
use std::sync::{Arc, RwLock};
use tokio::sync::mpsc;

/// The election loop of a shared (PostgreSQL) store: try to lead; while leading, sequence
/// and watch the lock; while following, refresh the view from the store. Ends when every
/// [`SequencerHandle`](super::SequencerHandle) is gone.
pub(super) async fn elect(
    store: Store,
    signer: CheckpointSigner,
    earlier: EarlierKeys,
    clock: Clock,
    view: SharedView,
    slot: std::sync::Weak<RwLock<Option<mpsc::Sender<Job>>>>,
    mut won: Option<(Leadership, Sequencer, mpsc::Receiver<Job>)>,
) {
    use std::time::Duration;
    loop {
        let (mut lease, seq, rx) = match won.take() {
            Some(w) => w,
            None => {
                let Some(strong) = slot.upgrade() else { return };
                match try_to_lead(&store, &signer, &earlier, &clock, &view, &strong).await {
                    Ok(Some(w)) => w,
                    Ok(None) => {
                        drop(strong);
                        match load_view(&store).await {
                            Ok(v) => {
                                if let Ok(mut w) = view.write() {
                                    *w = Arc::new(v);
                                }
                            }
                            Err(e) => tracing::warn!(error = %e, "could not refresh the view"),
                        }
                        tokio::time::sleep(Duration::from_millis(250)).await;
                        continue;
                    }
                    Err(e) => {
                        drop(strong);
                        tracing::warn!(error = %e, "leader election failed");
                        tokio::time::sleep(Duration::from_secs(1)).await;
                        continue;
                    }
                }
            }
        };
        tracing::info!("leading: this process sequences appends");
        let mut run = tokio::spawn(seq.run(rx));
        loop {
            tokio::select! {
                _ = &mut run => return,
                () = tokio::time::sleep(Duration::from_millis(500)) => {}
            }
            if !lease.still_held().await {
                tracing::error!("lost the leader lock; no longer sequencing");
                if let Some(s) = slot.upgrade() {
                    if let Ok(mut t) = s.write() {
                        *t = None;
                    }
                }
                let _ = run.await;
                break;
            }
        }
    }
}

/// One election round: takes the lock if free and loads the head to sequence.
pub(super) async fn try_to_lead(
    store: &Store,
    signer: &CheckpointSigner,
    earlier: &EarlierKeys,
    clock: &Clock,
    view: &SharedView,
    slot: &Slot,
) -> Result<Option<(Leadership, Sequencer, mpsc::Receiver<Job>)>, StoreError> {
    let Some(lease) = store.try_lead().await? else {
        return Ok(None);
    };
    let (seq, rx) = Sequencer::lead(
        store.clone(),
        signer.clone(),
        Arc::clone(earlier),
        Arc::clone(clock),
        Arc::clone(view),
        slot,
    )
    .await?;
    Ok(Some((lease, seq, rx)))
}

impl Sequencer {
    /// Loads the head and opens the queue: from now on this process sequences.
    pub(super) async fn lead(
        store: Store,
        signer: CheckpointSigner,
        earlier: EarlierKeys,
        clock: Clock,
        view: SharedView,
        slot: &Slot,
    ) -> Result<(Sequencer, mpsc::Receiver<Job>), StoreError> {
        let seq = Self::load(store, signer, earlier, clock, view).await?;
        if seq.state.size() == 0 && seq.store.latest_checkpoint().await?.is_none() {
            let note = seq.signer.sign(0, &empty_root());
            let batch = Batch {
                checkpoint: Some(StoredCheckpoint {
                    size: 0,
                    root: empty_root(),
                    note,
                }),
                ..Batch::default()
            };
            seq.store.append_batch(&batch).await?;
        }
        seq.publish().await?;
        let (tx, rx) = mpsc::channel(MAX_BATCH * 4);
        if let Ok(mut s) = slot.write() {
            *s = Some(tx);
        }
        Ok((seq, rx))
    }
}
