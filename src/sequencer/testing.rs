//! Fixtures of the sequencer's unit tests: a ledger in a temporary SQLite file, a leading
//! sequencer driven one batch at a time, and requests answered through their own channels.

use super::{load_view, AppendError, AppendRequest, Clock, Durable, Job, Sequencer, SharedView};
use crate::demo::demo_entries;
use crate::ledger::checkpoint::CheckpointSigner;
use crate::ledger::entry::{Body, Channel, Donation};
use crate::ledger::money::{Currency, Minor};
use crate::store::{SqliteStore, Store};
use sqlx::Connection;
use std::path::PathBuf;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, RwLock};
use tokio::sync::oneshot;

/// A ledger file in a folder removed when the fixture is dropped.
pub(super) struct Ledger {
    _dir: tempfile::TempDir,
    /// The database file.
    pub(super) path: PathBuf,
    /// The key every checkpoint of this ledger is signed with.
    pub(super) signer: CheckpointSigner,
}

impl Ledger {
    pub(super) fn new() -> Ledger {
        let dir = tempfile::tempdir().expect("temporary folder");
        Ledger {
            path: dir.path().join("ledger.db"),
            _dir: dir,
            signer: CheckpointSigner::generate("example.org/ledger")
                .expect("signer")
                .0,
        }
    }

    /// The store, opened (again).
    pub(super) async fn store(&self) -> Store {
        Store::Sqlite(SqliteStore::open(&self.path).await.expect("open store"))
    }

    /// A connection of its own to the ledger file, to break the ledger behind the store's
    /// back.
    pub(super) async fn raw(&self) -> sqlx::SqliteConnection {
        let url = format!("sqlite://{}", self.path.display());
        sqlx::SqliteConnection::connect(&url)
            .await
            .expect("raw connection")
    }

    /// A sequencer leading `store`, which the test drives batch by batch.
    pub(super) async fn lead(&self, store: &Store) -> Sequencer {
        let view: SharedView =
            Arc::new(RwLock::new(Arc::new(load_view(store).await.expect("view"))));
        let slot = Arc::new(RwLock::new(None));
        let (sequencer, _queue) = Sequencer::lead(
            store.clone(),
            self.signer.clone(),
            Arc::from(Vec::new()),
            clock(),
            view,
            &slot,
        )
        .await
        .expect("lead");
        sequencer
    }
}

/// A clock that starts at 2026-11-20 00:00:00 UTC and advances one second per reading.
pub(super) fn clock() -> Clock {
    let tick = Arc::new(AtomicI64::new(0));
    Arc::new(move || {
        let n = tick.fetch_add(1, Ordering::SeqCst);
        chrono::DateTime::from_timestamp(1_795_132_800 + n, 0).expect("valid time")
    })
}

/// The opening of campaign `flood-2026` (VND), the demo ledger's first entry.
pub(super) fn open_flood_campaign() -> AppendRequest {
    request(demo_entries().swap_remove(0))
}

/// A bank transfer of `amount` VND to `campaign` with bank reference `reference`.
pub(super) fn donation(campaign: &str, amount: u64, reference: &str) -> AppendRequest {
    request(Body::Donation(Donation {
        amount: Minor::new(amount).expect("positive"),
        campaign: campaign.into(),
        channel: Channel::BankTransfer,
        commitment: None,
        currency: Currency::parse("VND").expect("currency"),
        donor: "Anonymous".into(),
        in_kind: None,
        memo: None,
        pledge: None,
        received_at: "2026-11-20".into(),
        reference: Some(reference.into()),
    }))
}

fn request(body: Body) -> AppendRequest {
    AppendRequest {
        body,
        recorded_by: "tester #1".into(),
        idempotency_key: None,
        separate_gift: false,
        private: None,
    }
}

/// What the sequencer answered one request.
pub(super) type Answer = oneshot::Receiver<Result<Durable, AppendError>>;

/// Jobs for `requests`, and where each one's answer arrives.
pub(super) fn jobs(requests: Vec<AppendRequest>) -> (Vec<Job>, Vec<Answer>) {
    requests
        .into_iter()
        .map(|request| {
            let (reply, answer) = oneshot::channel();
            (Job::single(request, reply), answer)
        })
        .unzip()
}

/// The seq an answer gave its request, or the refusal.
pub(super) async fn seq_of(answer: Answer) -> Result<(u64, bool), AppendError> {
    match answer.await.expect("answered")? {
        Durable::Fresh { seq, .. } => Ok((seq, false)),
        Durable::Answered(appended) => Ok((appended.seq, appended.replayed)),
    }
}
