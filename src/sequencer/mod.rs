//! The one writer: owns the head of the chain. Append requests queue to it; it validates
//! each against the invariants, writes whatever is waiting in one transaction (group
//! commit), signs a new checkpoint in that transaction, and only then answers each request
//! with its entry and an inclusion proof against that checkpoint.
//!
//! This module holds the handle request handlers use, the requests and answers, and the
//! start. The group commit and admission are in `commit.rs`, leadership of a shared
//! (PostgreSQL) ledger in `election.rs`, loading the head and checking the stored tail at
//! start-up in `recovery.rs`, rebuilding a ledger from a bundle in `import.rs`.

use crate::audit::schedule::AuditStatus;
use crate::ledger::checkpoint::CheckpointSigner;
use crate::ledger::entry::{Body, FieldError};
use crate::ledger::hash::Hash;
use crate::ledger::merkle::CompactTree;
use crate::ledger::state::{CampaignState, InvariantError, LedgerState};
use crate::ledger::Totals;
use crate::store::{Store, StoreError, StoredCheckpoint};
use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use tokio::sync::{mpsc, oneshot};

mod commit;
mod election;
mod fingerprint;
mod gate;
mod import;
mod plans;
mod queued;
mod recorded_statement;
mod recovery;
mod rotation;
#[cfg(test)]
mod testing;

pub use commit::statement::{Feed, StatementRefused, CHUNK};
pub use fingerprint::FingerprintKey;
pub use gate::{AppendGate, Standing};
pub use import::{import_leaves, ImportError};
pub use queued::Queued;
pub use recorded_statement::{RecordedStatement, StatementImport};
pub use recovery::load_view;
pub use rotation::{stored_key_history, KeyHistory};

/// The signing keys a ledger was signed with before its key in force (retired keys, in any
/// order): the sequencer finds among them the ledger's first key, the one that signed its
/// first `key.rotate` (SPEC.md §23), and derives its idempotency fingerprints from it, so
/// they stay the same across rotations.
pub type EarlierKeys = Arc<[CheckpointSigner]>;

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
    /// Exact leaf bytes: for a fresh append (`replayed` false), the canonical encoding
    /// (SPEC.md §3) this sequencer made of the entry it admitted; for a replay, the bytes
    /// read back from the store.
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
    /// A budget or pledge rule would break (SPEC.md §18, §19).
    #[error("{0}")]
    Plan(#[from] crate::ledger::plans::PlanError),
    /// A donation with this reference already exists in the campaign.
    #[error("a donation with reference {reference:?} already exists in campaign {campaign:?}; send separate_gift: true if this is another gift")]
    DuplicateReference { campaign: String, reference: String },
    /// The entry's leaf would be longer than a tile's entry bundle can hold (SPEC.md §13).
    #[error("this entry would be {bytes} bytes long; an entry is at most 65,535 bytes (SPEC.md §13): shorten its texts or split its documents over several disbursements")]
    LeafTooLarge { bytes: usize },
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
    /// Request `index` (from 0) of a group was refused, so the whole group was.
    #[error("{source}")]
    InGroup {
        /// Which request of the group.
        index: usize,
        /// Why it was refused.
        source: Box<AppendError>,
    },
    /// A statement's rule would break, or its import did not reach its end.
    #[error("{0}")]
    Statement(#[from] StatementRefused),
    /// Another request of the same group was refused, so this one was too.
    #[error("refused together with another request of the same group")]
    RefusedWithGroup,
    /// The platform suspended this organisation: nothing is appended until it resumes it.
    #[error("this organisation is suspended by the platform: nothing can be recorded until the platform resumes it (its history stays public)")]
    OrganisationSuspended,
    /// The platform closed this organisation for good.
    #[error("this organisation was closed by the platform: nothing more can be recorded (its history stays public)")]
    OrganisationClosed,
    /// A `campaign.open` names an account the platform's registry does not list for this
    /// organisation.
    #[error("account {number:?} at {bank:?} is not registered for this organisation in the platform's registry; ask the platform to add it (org.accounts) first")]
    AccountNotRegistered { bank: String, number: String },
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
    /// The ledger-wide approval rules in force (SPEC.md §17); campaigns hold their own.
    pub ledger_rules: crate::ledger::approval::LedgerRules,
    /// The keys the ledger was signed with up to `checkpoint` (SPEC.md §23), first key
    /// first; empty while no process leading it has published.
    pub keys: Arc<KeyHistory>,
}

/// Shared handle to the latest [`View`].
pub type SharedView = Arc<RwLock<Arc<View>>>;

/// The view `shared` holds now (a writer that panicked left a complete view behind).
fn current(shared: &SharedView) -> Arc<View> {
    shared
        .read()
        .map(|v| Arc::clone(&v))
        .unwrap_or_else(|p| Arc::clone(&p.into_inner()))
}

struct Job {
    request: AppendRequest,
    reply: oneshot::Sender<Result<Durable, AppendError>>,
    /// Requests appended right after `request`, in the same group commit, all or none.
    followers: Vec<Follower>,
    /// For a statement (`request`): its lines and its donations, recorded with it in one
    /// transaction while it holds the writer alone.
    statement: Option<Box<commit::statement::StatementWork>>,
    /// For a key rotation (`request`, a `key.rotate` the sequencer signs): the key that
    /// signs every checkpoint from its entry on (SPEC.md §23).
    rotation: Option<Box<CheckpointSigner>>,
}

/// A request of a group after its first.
struct Follower {
    request: AppendRequest,
    reply: oneshot::Sender<Result<Durable, AppendError>>,
}

impl Job {
    /// A job of one request.
    fn single(request: AppendRequest, reply: oneshot::Sender<Result<Durable, AppendError>>) -> Job {
        Job {
            request,
            reply,
            followers: Vec::new(),
            statement: None,
            rotation: None,
        }
    }

    /// The job's requests in order.
    fn requests(&self) -> impl Iterator<Item = &AppendRequest> {
        std::iter::once(&self.request).chain(self.followers.iter().map(|f| &f.request))
    }

    /// How many entries the job appends.
    fn len(&self) -> usize {
        1 + self.followers.len()
    }

    /// The fingerprint its idempotency key is stored with: its request's, or for a group
    /// every request's together.
    fn fingerprint(&self, key: &FingerprintKey) -> Hash {
        if self.followers.is_empty() {
            return self.request.fingerprint(key);
        }
        let each: Vec<Hash> = self.requests().map(|r| r.fingerprint(key)).collect();
        key.of_group(&each)
    }

    /// Refuses every request of the job: the first with `e` (a follower's own refusal
    /// comes wrapped, saying which), the followers as refused with it.
    fn refuse(self, e: AppendError) {
        let _ = self.reply.send(Err(e));
        for f in self.followers {
            let _ = f.reply.send(Err(AppendError::RefusedWithGroup));
        }
    }
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
    gate: Arc<AppendGate>,
}

impl SequencerHandle {
    /// Queues `request` and waits until it is durable (or refused).
    ///
    /// # Errors
    /// [`AppendError`] when refused; nothing was written then.
    pub async fn append(&self, request: AppendRequest) -> Result<Appended, AppendError> {
        self.enqueue(request).await?.durable().await
    }

    /// Queues `requests` as one group and waits until all are durable, at consecutive
    /// positions in one group commit, or all are refused. An idempotency key is taken from
    /// the first request (it stands for the whole group; the others must have none).
    ///
    /// # Errors
    /// [`AppendError::InGroup`] naming the refused request; nothing was written then.
    pub async fn append_group(
        &self,
        requests: Vec<AppendRequest>,
    ) -> Result<Vec<Appended>, AppendError> {
        let queued = self.enqueue_group(requests).await?;
        let mut appended = Vec::with_capacity(queued.len());
        for q in queued {
            appended.push(q.durable().await?);
        }
        Ok(appended)
    }

    /// Whether this process sequences appends now (always, for an embedded store).
    pub fn is_leading(&self) -> bool {
        self.tx.read().map(|t| t.is_some()).unwrap_or(false)
    }

    /// The latest view; its `read_only` also says why when a full audit failed.
    pub fn view(&self) -> Arc<View> {
        let view = current(&self.view);
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

    /// The gate every append passes before it queues: open, unless a platform suspended or
    /// closed this organisation or restricts its campaigns' accounts.
    pub fn gate(&self) -> &Arc<AppendGate> {
        &self.gate
    }
}

/// The sequencer's owned state: the head of the chain, kept in memory between commits.
pub struct Sequencer {
    store: Store,
    signer: CheckpointSigner,
    /// The keys before `signer` that this process was told of (see [`EarlierKeys`]).
    earlier: EarlierKeys,
    /// The ledger's keys so far, the last being `signer`'s (SPEC.md §23).
    keys: Arc<KeyHistory>,
    /// The signer and keys before a rotation admitted in the batch being written.
    before_rotation: Option<(CheckpointSigner, Arc<KeyHistory>)>,
    fingerprints: FingerprintKey,
    clock: Clock,
    /// The ledger's state after the last committed entry (plus the batch being admitted).
    state: LedgerState,
    /// The Merkle tree's peaks, as `state`.
    tree: CompactTree,
    /// The seq of each campaign's `campaign.open`, in opening order.
    opened: Vec<u64>,
    /// Why appends are refused, when the stored ledger failed its check.
    read_only: Option<String>,
    /// Where the head is published after each commit.
    view: SharedView,
    /// The budgets and pledges of the campaigns whose entries needed them (SPEC.md §18, §19).
    plans: plans::PlanCache,
    /// The number of entries in the store: the entries before the batch being admitted.
    stored: u64,
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
        Self::start_with_keys(store, signer, clock, Arc::from(Vec::new())).await
    }

    /// [`Sequencer::start_with_clock`] for a ledger whose key may have been rotated:
    /// `earlier` holds its retired signing keys, among which the sequencer finds the
    /// ledger's first key (SPEC.md §23).
    ///
    /// # Errors
    /// [`StoreError`] when the store cannot be read at all.
    pub async fn start_with_keys(
        store: Store,
        signer: CheckpointSigner,
        clock: Clock,
        earlier: EarlierKeys,
    ) -> Result<(SequencerHandle, tokio::task::JoinHandle<()>), StoreError> {
        let view: SharedView = Arc::new(RwLock::new(Arc::new(load_view(&store).await?)));
        let slot: Slot = Arc::new(RwLock::new(None));
        let handle = SequencerHandle {
            tx: Arc::clone(&slot),
            view: Arc::clone(&view),
            store: store.clone(),
            audit: Arc::default(),
            gate: Arc::default(),
        };
        if store.is_shared() {
            // Try once now, so a process that can lead leads before it answers requests.
            let won =
                election::try_to_lead(&store, &signer, &earlier, &clock, &view, &slot).await?;
            let task = tokio::spawn(election::elect(
                store,
                signer,
                earlier,
                clock,
                view,
                Arc::downgrade(&slot),
                won,
            ));
            return Ok((handle, task));
        }
        let (seq, rx) = Self::lead(store, signer, earlier, clock, view, &slot).await?;
        Ok((handle, tokio::spawn(seq.run(rx))))
    }
}
