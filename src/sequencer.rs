//! The one writer: owns the head of the chain. Append requests queue to it; it validates
//! each against the invariants, writes whatever is waiting in one transaction (group
//! commit), signs a new checkpoint in that transaction, and only then answers each request
//! with its entry and an inclusion proof against that checkpoint.

use crate::ledger::admission::check_new_entry;
use crate::ledger::canonical::{encode, validate_envelope};
use crate::ledger::checkpoint::{verify_checkpoint, CheckpointSigner};
use crate::ledger::entry::{format_recorded_at, Body, Entry, FieldError};
use crate::ledger::hash::{leaf_hash, Hash};
use crate::ledger::merkle::{empty_root, CompactTree};
use crate::ledger::state::{CampaignState, InvariantError, LedgerState};
use crate::ledger::{decode, Totals};
use crate::store::{Batch, Leadership, NewEntry, Store, StoreError, StoredCheckpoint};
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, RwLock};
use tokio::sync::{mpsc, oneshot};

mod fingerprint;
mod queued;
pub use fingerprint::FingerprintKey;
pub use queued::Queued;

use crate::audit::schedule::AuditStatus;

/// The most requests written in one group commit.
pub const MAX_BATCH: usize = 1024;
/// How many of the last entries start-up re-checks against the tree and checkpoint.
pub const TAIL_CHECK: u64 = 256;

/// One append request.
#[derive(Debug, Clone)]
pub struct AppendRequest {
    /// What to record.
    pub body: Body,
    /// Who records it (token name).
    pub recorded_by: String,
    /// A retried request with the same key returns the original entry.
    pub idempotency_key: Option<String>,
    /// Allows a donation whose (campaign, reference) already exists.
    pub separate_gift: bool,
    /// A donor's personal data, stored off the chain with the donation (never in the leaf).
    pub private: Option<crate::store::DonorPrivate>,
}

/// An acknowledged, durable entry with its proof.
#[derive(Debug, Clone)]
pub struct Appended {
    /// Position.
    pub seq: u64,
    /// Exact leaf bytes.
    pub leaf: Vec<u8>,
    /// Leaf hash.
    pub leaf_hash: Hash,
    /// The checkpoint the proof is against.
    pub checkpoint: StoredCheckpoint,
    /// Inclusion proof of `seq` in `checkpoint`.
    pub proof: Vec<Hash>,
    /// True when this answers a retry of an earlier request (nothing was appended).
    pub replayed: bool,
}

/// Why an append was refused. Nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum AppendError {
    /// A field is invalid.
    #[error("{0}")]
    Invalid(#[from] FieldError),
    /// A ledger rule would break.
    #[error("{0}")]
    Invariant(#[from] InvariantError),
    /// A donation with this reference already exists in the campaign.
    #[error("a donation with reference {reference:?} already exists in campaign {campaign:?}; send separate_gift: true if this is another gift")]
    DuplicateReference { campaign: String, reference: String },
    /// The idempotency key was used for a different request (or for one whose donor's
    /// personal data has since been erased).
    #[error("this Idempotency-Key was used for a different request")]
    IdempotencyMismatch,
    /// The stored ledger failed its integrity check; appends are refused.
    #[error("appends are refused: {0}")]
    ReadOnly(String),
    /// The full audit found the stored ledger differs from what was signed; appends are
    /// refused until an operator has looked.
    #[error("appends are refused: the full audit of the stored ledger failed: {0}; run `fundtrail verify --data DIR`")]
    AuditFailed(crate::audit::AuditFailure),
    /// The server is shutting down.
    #[error("the server is shutting down")]
    ShuttingDown,
    /// Another process sequences this ledger now; retry (another server, or shortly).
    #[error("this server does not sequence appends right now; retry shortly")]
    NotLeader,
    /// The store failed; nothing was acknowledged.
    #[error("storage failed: {0}")]
    Store(#[from] StoreError),
}

/// A read-only view of the head, updated after every commit.
#[derive(Debug, Clone)]
pub struct View {
    /// Latest signed checkpoint.
    pub checkpoint: StoredCheckpoint,
    /// Totals at the checkpoint.
    pub totals: Totals,
    /// Campaign states with their `campaign.open` seq.
    pub campaigns: Vec<(u64, CampaignState)>,
    /// `recorded_at` of the last entry.
    pub last_recorded_at: Option<String>,
    /// Why appends are refused, if they are.
    pub read_only: Option<String>,
}

/// Shared handle to the latest [`View`].
pub type SharedView = Arc<RwLock<Arc<View>>>;

struct Job {
    request: AppendRequest,
    reply: oneshot::Sender<Result<Durable, AppendError>>,
}

/// What the sequencer hands back for a durable entry. A fresh entry's inclusion proof is
/// left to the waiting request ([`SequencerHandle::append`]), computed from the nodes its
/// batch shares, so the sequencer can start the next group commit sooner.
enum Durable {
    /// Complete (a replay: proved from the store).
    Answered(Appended),
    /// Written in the batch whose new nodes (and the peaks before it) are `nodes`.
    Fresh {
        seq: u64,
        leaf: Vec<u8>,
        leaf_hash: Hash,
        checkpoint: Arc<StoredCheckpoint>,
        nodes: Arc<HashMap<u64, Hash>>,
    },
}

/// The source of `recorded_at` times.
pub type Clock = Arc<dyn Fn() -> chrono::DateTime<chrono::Utc> + Send + Sync>;

/// Where the queue of the leading sequencer is published; empty while this process
/// does not lead.
type Slot = Arc<RwLock<Option<mpsc::Sender<Job>>>>;

/// The handle request handlers use to append.
#[derive(Clone)]
pub struct SequencerHandle {
    tx: Slot,
    view: SharedView,
    store: Store,
    audit: Arc<AuditStatus>,
}

impl SequencerHandle {
    /// Queues `request` and waits until it is durable (or refused).
    ///
    /// # Errors
    /// [`AppendError`] when refused; nothing was written then.
    pub async fn append(&self, request: AppendRequest) -> Result<Appended, AppendError> {
        self.enqueue(request).await?.durable().await
    }

    /// Whether this process sequences appends now (always, for an embedded store).
    pub fn is_leading(&self) -> bool {
        self.tx.read().map(|t| t.is_some()).unwrap_or(false)
    }

    /// The latest view; its `read_only` also says why when a full audit failed.
    pub fn view(&self) -> Arc<View> {
        let view = self
            .view
            .read()
            .map(|v| Arc::clone(&v))
            .unwrap_or_else(|p| Arc::clone(&p.into_inner()));
        match self.audit.failure() {
            Some(failure) if view.read_only.is_none() => Arc::new(View {
                read_only: Some(AppendError::AuditFailed(failure).to_string()),
                ..View::clone(&view)
            }),
            _ => view,
        }
    }

    /// This process's full audit: its status, and (when one failed) why appends are
    /// refused.
    pub fn audit(&self) -> &Arc<AuditStatus> {
        &self.audit
    }
}

/// The sequencer's owned state.
pub struct Sequencer {
    store: Store,
    signer: CheckpointSigner,
    fingerprints: FingerprintKey,
    clock: Clock,
    state: LedgerState,
    tree: CompactTree,
    opened: Vec<u64>,
    read_only: Option<String>,
    view: SharedView,
}

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
        let checkpoint = after.unwrap_or(StoredCheckpoint {
            size: 0,
            root: empty_root(),
            note: String::new(),
        });
        let last_recorded_at = match checkpoint.size {
            0 => None,
            n => store
                .entry(n - 1)
                .await?
                .and_then(|e| decode(&e.leaf).ok())
                .map(|e| e.recorded_at),
        };
        let state = LedgerState::resume(
            checkpoint.size,
            crate::ledger::ZERO_HASH,
            String::new(),
            campaigns.iter().map(|c| c.state.clone()).collect(),
        );
        return Ok(View {
            totals: Totals::of(&state),
            campaigns: campaigns
                .into_iter()
                .map(|c| (c.opened_seq, c.state))
                .collect(),
            checkpoint,
            last_recorded_at,
            read_only: None,
        });
    }
    Err(StoreError::Corrupt(
        "the ledger kept changing while its view was read".into(),
    ))
}

/// The election loop of a shared (PostgreSQL) store: try to lead; while leading, sequence
/// and watch the lock; while following, refresh the view from the store. Ends when every
/// [`SequencerHandle`] is gone.
async fn elect(
    store: Store,
    signer: CheckpointSigner,
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
                match try_to_lead(&store, &signer, &clock, &view, &strong).await {
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
async fn try_to_lead(
    store: &Store,
    signer: &CheckpointSigner,
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
        Arc::clone(clock),
        Arc::clone(view),
        slot,
    )
    .await?;
    Ok(Some((lease, seq, rx)))
}

/// The row for `entry`, computed before it is applied (a reversal's campaigns come from
/// the movement it reverses).
fn new_row(
    state: &LedgerState,
    entry: &Entry,
    leaf: Vec<u8>,
    hash: Hash,
    idempotency_key: Option<(String, Hash)>,
    private: Option<crate::store::DonorPrivate>,
) -> NewEntry {
    let (campaign, campaign_to) = match &entry.body {
        Body::Transfer(t) => (Some(t.from.clone()), Some(t.to.clone())),
        Body::Reversal(r) => {
            let names = state.move_at(r.reverses).map(|m| {
                let c = state.campaigns();
                (
                    c[m.campaign as usize].id.clone(),
                    c[m.to as usize].id.clone(),
                )
            });
            match names {
                Some((a, b)) if a != b => (Some(a), Some(b)),
                Some((a, _)) => (Some(a), None),
                None => (None, None),
            }
        }
        other => (Some(other.campaign().to_string()), None),
    };
    NewEntry {
        seq: entry.seq,
        leaf,
        leaf_hash: hash,
        prev: entry.prev,
        kind: entry.body.kind(),
        campaign,
        campaign_to,
        reference: match &entry.body {
            Body::Donation(d) => d.reference.clone(),
            _ => None,
        },
        reverses: match &entry.body {
            Body::Reversal(r) => Some(r.reverses),
            _ => None,
        },
        recorded_at: entry.recorded_at.clone(),
        idempotency_key,
        private,
    }
}

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
    let mut tree = CompactTree::new();
    let mut opened: Vec<u64> = Vec::new();
    let mut written: Vec<CampaignState> = Vec::new();
    let mut batch = Batch::default();
    let mut leaves = leaves.into_iter().peekable();
    while let Some(leaf) = leaves.next() {
        let entry = decode(&leaf)
            .map_err(|e| ImportError::Invalid(format!("entry {}: {e}", state.size())))?;
        let hash = leaf_hash(&leaf);
        let row = new_row(&state, &entry, leaf, hash, None, None);
        state
            .apply(&entry, hash)
            .map_err(|e| ImportError::Invalid(format!("entry {}: {e}", entry.seq)))?;
        if let Body::CampaignOpen(_) = &entry.body {
            opened.push(entry.seq);
        }
        let first = tlog_tiles::stored_hash_index(0, entry.seq);
        let mut k = 0u64;
        tree.push_returning_nodes(hash, |h| {
            batch.hashes.push((first + k, h));
            k += 1;
        });
        batch.entries.push(row);
        if batch.entries.len() >= 1000 || leaves.peek().is_none() {
            let (size, root) = (tree.size(), tree.root());
            batch.checkpoint = Some(StoredCheckpoint {
                size,
                root,
                note: signer.sign(size, &root),
            });
            for (i, c) in state.campaigns().iter().enumerate() {
                if written.get(i) != Some(c) {
                    batch.campaigns.push((i as u32, opened[i], c.clone()));
                }
            }
            store.append_batch(&batch).await?;
            written = state.campaigns().to_vec();
            batch = Batch::default();
            progress(size);
        }
    }
    Ok((tree.size(), tree.root()))
}

/// Where the stored tail disagrees with itself or the checkpoint.
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
    /// Loads the head from `store` (O(log n) tree reads plus the last entries, never a
    /// replay), checks the stored tail against the latest checkpoint, and starts the
    /// sequencer task. When the check fails, reads still work and appends are refused with
    /// the reason.
    ///
    /// # Errors
    /// [`StoreError`] when the store cannot be read at all.
    pub async fn start(
        store: Store,
        signer: CheckpointSigner,
    ) -> Result<(SequencerHandle, tokio::task::JoinHandle<()>), StoreError> {
        Self::start_with_clock(store, signer, Arc::new(chrono::Utc::now)).await
    }

    /// [`Sequencer::start`] with a given clock for `recorded_at` (tests use a fixed one
    /// to compare stores byte for byte). Times never go backwards in the ledger even if
    /// the clock does.
    ///
    /// # Errors
    /// [`StoreError`] when the store cannot be read at all.
    pub async fn start_with_clock(
        store: Store,
        signer: CheckpointSigner,
        clock: Clock,
    ) -> Result<(SequencerHandle, tokio::task::JoinHandle<()>), StoreError> {
        let view: SharedView = Arc::new(RwLock::new(Arc::new(load_view(&store).await?)));
        let slot: Slot = Arc::new(RwLock::new(None));
        let handle = SequencerHandle {
            tx: Arc::clone(&slot),
            view: Arc::clone(&view),
            store: store.clone(),
            audit: Arc::default(),
        };
        if store.is_shared() {
            // Try once now, so a process that can lead leads before it answers requests.
            let won = try_to_lead(&store, &signer, &clock, &view, &slot).await?;
            let task = tokio::spawn(elect(
                store,
                signer,
                clock,
                view,
                Arc::downgrade(&slot),
                won,
            ));
            return Ok((handle, task));
        }
        let (seq, rx) = Self::lead(store, signer, clock, view, &slot).await?;
        Ok((handle, tokio::spawn(seq.run(rx))))
    }

    /// Loads the head and opens the queue: from now on this process sequences.
    async fn lead(
        store: Store,
        signer: CheckpointSigner,
        clock: Clock,
        view: SharedView,
        slot: &Slot,
    ) -> Result<(Sequencer, mpsc::Receiver<Job>), StoreError> {
        let seq = Self::load(store, signer, clock, view).await?;
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

    async fn load(
        store: Store,
        signer: CheckpointSigner,
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
        let state = LedgerState::resume(
            size,
            last_hash,
            last_at,
            campaigns.into_iter().map(|c| c.state).collect(),
        );
        Ok(Sequencer {
            store,
            fingerprints: FingerprintKey::of(&signer),
            signer,
            clock,
            state,
            tree,
            opened,
            read_only,
            view,
        })
    }

    async fn publish(&self) -> Result<(), StoreError> {
        let checkpoint = self
            .store
            .latest_checkpoint()
            .await?
            .unwrap_or(StoredCheckpoint {
                size: 0,
                root: empty_root(),
                note: String::new(),
            });
        self.publish_with(checkpoint);
        Ok(())
    }

    /// Publishes the head with `checkpoint`, the one just committed with it.
    fn publish_with(&self, checkpoint: StoredCheckpoint) {
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
        };
        if let Ok(mut v) = self.view.write() {
            *v = Arc::new(view);
        }
    }

    async fn run(mut self, mut rx: mpsc::Receiver<Job>) {
        while let Some(first) = rx.recv().await {
            let mut jobs = vec![first];
            while jobs.len() < MAX_BATCH {
                match rx.try_recv() {
                    Ok(job) => jobs.push(job),
                    Err(_) => break,
                }
            }
            self.process(jobs).await;
        }
        tracing::info!("sequencer stopped: every queued append was answered");
    }

    /// Loads the movement of a reversal's target when the state does not hold it.
    async fn prepare_reversal(&mut self, target: u64) -> Result<(), AppendError> {
        if target >= self.state.size() || self.state.knows_move(target) {
            return Ok(());
        }
        let Some(row) = self.store.entry(target).await? else {
            return Ok(());
        };
        let entry =
            decode(&row.leaf).map_err(|e| StoreError::Corrupt(format!("entry {target}: {e}")))?;
        let reversed = self.store.is_reversed(target).await?;
        self.state.remember(target, &entry.body, reversed)?;
        Ok(())
    }

    /// Validates and applies one request to the in-memory head; returns the row to write.
    async fn admit(
        &mut self,
        request: &AppendRequest,
        refs: &mut HashSet<(String, String)>,
    ) -> Result<NewEntry, AppendError> {
        if let Some(reason) = &self.read_only {
            return Err(AppendError::ReadOnly(reason.clone()));
        }
        request.body.validate()?;
        if let Body::Donation(d) = &request.body {
            if let (Some(reference), false) = (&d.reference, request.separate_gift) {
                let key = (d.campaign.clone(), reference.clone());
                if refs.contains(&key) {
                    return Err(AppendError::DuplicateReference {
                        campaign: key.0,
                        reference: key.1,
                    });
                }
            }
        }
        if let Body::Reversal(r) = &request.body {
            self.prepare_reversal(r.reverses).await?;
        }
        let now = format_recorded_at((self.clock)());
        let recorded_at = if now.as_str() < self.state.last_recorded_at() {
            self.state.last_recorded_at().to_string()
        } else {
            now
        };
        let entry = Entry {
            seq: self.state.size(),
            prev: self.state.last_hash(),
            recorded_at,
            recorded_by: request.recorded_by.clone(),
            body: request.body.clone(),
        };
        validate_envelope(&entry)?;
        check_new_entry(&entry)?;
        let leaf = encode(&entry);
        let hash = leaf_hash(&leaf);
        let key = request
            .idempotency_key
            .clone()
            .map(|k| (k, request.fingerprint(&self.fingerprints)));
        let row = new_row(
            &self.state,
            &entry,
            leaf,
            hash,
            key,
            request.private.clone(),
        );
        self.state.apply(&entry, hash)?;
        if let Body::CampaignOpen(_) = &entry.body {
            self.opened.push(entry.seq);
        }
        if let Body::Donation(d) = &entry.body {
            if let Some(r) = &d.reference {
                refs.insert((d.campaign.clone(), r.clone()));
            }
        }
        Ok(row)
    }

    async fn process(&mut self, jobs: Vec<Job>) {
        let old_peaks: Vec<(u64, Hash)> = CompactTree::peak_positions(self.tree.size())
            .into_iter()
            .map(|(level, n)| tlog_tiles::stored_hash_index(level, n))
            .zip(self.tree.peaks().iter().copied())
            .collect();
        let before_campaigns: Vec<CampaignState> = self.state.campaigns().to_vec();
        let mut batch = Batch::default();
        let mut accepted: Vec<Job> = Vec::new();
        let mut replays: Vec<(Job, u64)> = Vec::new();
        // Two queries for the whole batch: used idempotency keys and existing references.
        let wanted_keys: Vec<String> = jobs
            .iter()
            .filter_map(|j| j.request.idempotency_key.clone())
            .collect();
        let wanted_refs: Vec<String> = jobs
            .iter()
            .filter_map(|j| match &j.request.body {
                Body::Donation(d) if !j.request.separate_gift => d.reference.clone(),
                _ => None,
            })
            .collect();
        let known = async {
            Ok::<_, StoreError>((
                self.store.idempotent_seqs(&wanted_keys).await?,
                self.store.existing_references(&wanted_refs).await?,
            ))
        };
        let (mut keys, mut refs) = match known.await {
            Ok(k) => k,
            Err(e) => {
                tracing::error!(error = %e, "could not read the batch's keys and references");
                for job in jobs {
                    let _ = job
                        .reply
                        .send(Err(AppendError::Store(e.for_each_request())));
                }
                return;
            }
        };
        for job in jobs {
            if let Some(key) = &job.request.idempotency_key {
                if let Some((seq, fingerprint)) = keys.get(key).copied() {
                    if fingerprint == job.request.fingerprint(&self.fingerprints) {
                        replays.push((job, seq));
                    } else {
                        let _ = job.reply.send(Err(AppendError::IdempotencyMismatch));
                    }
                    continue;
                }
            }
            match self.admit(&job.request, &mut refs).await {
                Ok(row) => {
                    let first = tlog_tiles::stored_hash_index(0, row.seq);
                    let mut k = 0u64;
                    self.tree.push_returning_nodes(row.leaf_hash, |h| {
                        batch.hashes.push((first + k, h));
                        k += 1;
                    });
                    if let Some((key, fingerprint)) = &row.idempotency_key {
                        keys.insert(key.clone(), (row.seq, *fingerprint));
                    }
                    batch.entries.push(row);
                    accepted.push(job);
                }
                Err(e) => {
                    let _ = job.reply.send(Err(e));
                }
            }
        }
        if !batch.entries.is_empty() {
            let (size, root) = (self.tree.size(), self.tree.root());
            let note = self.signer.sign(size, &root);
            batch.checkpoint = Some(StoredCheckpoint { size, root, note });
            for (i, c) in self.state.campaigns().iter().enumerate() {
                if before_campaigns.get(i) != Some(c) {
                    batch.campaigns.push((i as u32, self.opened[i], c.clone()));
                }
            }
            if let Err(e) = self.store.append_batch(&batch).await {
                tracing::error!(error = %e, "group commit failed; nothing acknowledged");
                for job in accepted {
                    let _ = job
                        .reply
                        .send(Err(AppendError::Store(e.for_each_request())));
                }
                for (job, _) in replays {
                    let _ = job
                        .reply
                        .send(Err(AppendError::Store(e.for_each_request())));
                }
                self.reload().await;
                return;
            }
            self.state.forget_moves();
            if let Some(written) = batch.checkpoint.clone() {
                self.publish_with(written);
            }
        }
        let checkpoint = Arc::new(self.view().checkpoint.clone());
        let nodes: Arc<HashMap<u64, Hash>> = Arc::new(
            old_peaks
                .into_iter()
                .chain(batch.hashes.iter().copied())
                .collect(),
        );
        for (job, row) in accepted.into_iter().zip(batch.entries) {
            let _ = job.reply.send(Ok(Durable::Fresh {
                seq: row.seq,
                leaf: row.leaf,
                leaf_hash: row.leaf_hash,
                checkpoint: Arc::clone(&checkpoint),
                nodes: Arc::clone(&nodes),
            }));
        }
        for (job, seq) in replays {
            let answer = match self.store.entry(seq).await {
                Ok(Some(e)) => self.answer(seq, e.leaf, e.leaf_hash, &checkpoint).await,
                Ok(None) => Err(AppendError::Store(StoreError::Corrupt(format!(
                    "idempotent entry {seq} missing"
                )))),
                Err(e) => Err(e.into()),
            };
            let _ = job.reply.send(answer.map(Durable::Answered));
        }
    }

    fn view(&self) -> Arc<View> {
        self.view
            .read()
            .map(|v| Arc::clone(&v))
            .unwrap_or_else(|p| Arc::clone(&p.into_inner()))
    }

    /// The answer to a retried request: its earlier entry, proved from the store.
    async fn answer(
        &self,
        seq: u64,
        leaf: Vec<u8>,
        leaf_hash: Hash,
        checkpoint: &StoredCheckpoint,
    ) -> Result<Appended, AppendError> {
        let proof = self.store.inclusion_proof(seq, checkpoint.size).await?;
        Ok(Appended {
            seq,
            leaf,
            leaf_hash,
            checkpoint: checkpoint.clone(),
            proof,
            replayed: true,
        })
    }

    async fn reload(&mut self) {
        match Self::load(
            self.store.clone(),
            self.signer.clone(),
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
