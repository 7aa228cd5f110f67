//! Persistence: the only place with SQL. Callers use one interface, [`Store`], which holds
//! a SQLite store (the embedded default) or a PostgreSQL one (several serving processes).
//!
//! What both databases answer with the same SQL is written once (`queries.rs`, generic
//! over sqlx's `Database`), as are the index columns of an entry (`indexed.rs`) and the
//! Merkle proofs (`proofs.rs`). A backend keeps only what truly differs: how it opens, the
//! group commit, lookups by a list of values, erasing personal data for good, and (for
//! PostgreSQL) the leader lock.

/// Runs `$e` with `$s` bound to the backend store.
macro_rules! dispatch {
    ($self:ident, $s:ident => $e:expr) => {
        match $self {
            Store::Sqlite($s) => $e,
            Store::Postgres($s) => $e,
        }
    };
}

/// Runs `$e` with `$pool` bound to the backend's connection pool, for the queries both
/// databases share ([`queries::Queries`]).
macro_rules! on_pool {
    ($self:ident, $pool:ident => $e:expr) => {
        match $self {
            Store::Sqlite(s) => {
                let $pool = s.pool();
                $e
            }
            Store::Postgres(s) => {
                let lease = s.pool().await?;
                let $pool = lease.pool();
                $e
            }
        }
    };
}

mod bulk;
mod by_campaign;
mod columns;
mod cosignatures;
mod donor_gifts;
mod donors;
mod error;
mod fingerprints;
mod indexed;
mod leadership;
mod plans;
mod postgres;
mod proofs;
mod proposals;
mod queries;
mod rows;
mod search;
mod search_indexer;
mod search_queries;
mod sessions;
mod snapshot;
mod sqlite;
mod tokens;
mod webhooks;
mod witness;

pub use bulk::BulkWrite;
pub use cosignatures::StoredCosignature;
pub use donor_gifts::{IdentifiedGift, MAX_GIFTS};
pub use donors::{DonorPrivate, DonorRecord, Erasure, ERASED_FINGERPRINT};
pub use error::StoreError;
pub use leadership::{Leadership, LEADER_LOCK_KEY};
pub use postgres::{
    ConnectionBudget, Lease, PgSchema, PostgresSettings, PostgresStore, SchemaNameError,
    DEFAULT_IDLE_TIMEOUT, LOCKS_APPLICATION_NAME, WRITER_APPLICATION_NAME,
};
pub use proofs::inclusion_proof_from;
pub use proposals::{NewProposal, ProposalFilter, Proposed, StoredProposal};
pub use rows::{Batch, NewEntry, StoredCampaign, StoredCheckpoint, StoredEntry};
pub use search::{has_search_key, search_text, Unindexed, MAX_UNINDEXED, MIN_PARTIAL};
pub use search_indexer::SearchIndexerHold;
pub use sessions::{SessionTimes, StoredSession};
pub use snapshot::HeadSnapshot;
pub use sqlite::SqliteStore;
pub use tokens::{TokenRecord, TOKEN_CACHE_TTL};
pub use webhooks::{Delivery, NewWebhook, Webhook, WebhookRecord};
pub use witness::{WitnessHead, WitnessStore};

use crate::ledger::hash::Hash;
use queries::Queries;
use std::collections::{HashMap, HashSet};

/// What a store remembers between queries, shared by its clones.
#[derive(Debug, Default)]
struct Caches {
    /// Valid tokens, by hash.
    tokens: tokens::TokenCache,
    /// Sessions of valid tokens, by hash.
    sessions: sessions::SessionCache,
    /// Upper tree nodes, by stored-hash index.
    nodes: proofs::NodeCache,
    /// The bytes of the leaves below a size: (size, bytes), as last counted; `None` until
    /// first counted.
    leaf_bytes: std::sync::Mutex<Option<(u64, u64)>>,
    /// The background search indexer's wake-ups and pages.
    search_indexer: search_indexer::IndexerControl,
    /// Each campaign's budgets and pledges as last read.
    plans: plans::PlanViews,
}

/// The store: one implementation per database.
#[derive(Debug, Clone)]
pub enum Store {
    /// SQLite in the data directory.
    Sqlite(SqliteStore),
    /// PostgreSQL, possibly shared by several processes.
    Postgres(PostgresStore),
}

impl Store {
    /// Number of entries.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    pub async fn size(&self) -> Result<u64, StoreError> {
        on_pool!(self, pool => Queries::size(pool).await)
    }

    /// The last entry, if any.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    pub async fn last_entry(&self) -> Result<Option<StoredEntry>, StoreError> {
        on_pool!(self, pool => Queries::last_entry(pool).await)
    }

    /// Writes a batch atomically and durably, with each entry's index columns.
    ///
    /// # Errors
    /// [`StoreError`]; nothing of the batch was written then.
    pub async fn append_batch(&self, batch: &Batch) -> Result<(), StoreError> {
        let indexed = self.index_columns(&batch.entries).await?;
        dispatch!(self, s => s.append_batch(batch, &indexed).await)?;
        self.wake_search_indexer();
        Ok(())
    }

    /// All campaigns in opening order.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails or a stored state does not parse.
    pub async fn campaigns(&self) -> Result<Vec<StoredCampaign>, StoreError> {
        on_pool!(self, pool => Queries::campaigns(pool).await)
    }

    /// The latest signed checkpoint.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    pub async fn latest_checkpoint(&self) -> Result<Option<StoredCheckpoint>, StoreError> {
        on_pool!(self, pool => Queries::latest_checkpoint(pool).await)
    }

    /// The checkpoint signed at exactly `size`, if one was.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    pub async fn checkpoint_at(&self, size: u64) -> Result<Option<StoredCheckpoint>, StoreError> {
        on_pool!(self, pool => Queries::checkpoint_at(pool, size).await)
    }

    /// One entry.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    pub async fn entry(&self, seq: u64) -> Result<Option<StoredEntry>, StoreError> {
        on_pool!(self, pool => Queries::entry(pool, seq).await)
    }

    /// Up to `limit` entries from `start`, in order.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    pub async fn entries(&self, start: u64, limit: u64) -> Result<Vec<StoredEntry>, StoreError> {
        on_pool!(self, pool => Queries::entries(pool, start, limit).await)
    }

    /// Entries of kind `kind` (`statement`...), in order, at most `limit`.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    pub async fn entries_of_kind(
        &self,
        kind: &str,
        limit: u64,
    ) -> Result<Vec<StoredEntry>, StoreError> {
        on_pool!(self, pool => Queries::of_kind(pool, kind, limit).await)
    }

    /// Every `key.rotate` entry, in order (SPEC.md §23): the sequencer learns from them at
    /// start-up which key signed which checkpoints. A rotation names no campaign, so this
    /// reads only the campaign index's rows without one.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    pub async fn key_rotations(&self) -> Result<Vec<StoredEntry>, StoreError> {
        on_pool!(self, pool => Queries::ledger_wide(pool, "key.rotate").await)
    }

    /// Donations with this bank reference, in order, at most `limit`.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    pub async fn find_by_reference(
        &self,
        reference: &str,
        limit: u64,
    ) -> Result<Vec<StoredEntry>, StoreError> {
        match self {
            Store::Sqlite(s) => s.find_by_reference(reference, limit).await,
            Store::Postgres(s) => {
                Queries::with_reference(&*s.pool().await?, reference, limit).await
            }
        }
    }

    /// The (campaign, reference) pairs of stored donations with any of these references.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    pub async fn existing_references(
        &self,
        references: &[String],
    ) -> Result<HashSet<(String, String)>, StoreError> {
        if references.is_empty() {
            return Ok(HashSet::new());
        }
        match self {
            Store::Sqlite(s) => s.existing_references(references).await,
            Store::Postgres(s) => s.existing_references(references, None).await,
        }
    }

    /// [`Store::existing_references`], asked by the sequencer, which knows the ledger holds
    /// `size` entries (its own tree's size): a PostgreSQL store whose in-memory references
    /// cover them all need not read what is stored after them (a batch written there by
    /// another process would make the sequencer's own commit at `size` fail anyway).
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    pub async fn existing_references_at(
        &self,
        references: &[String],
        size: u64,
    ) -> Result<HashSet<(String, String)>, StoreError> {
        if references.is_empty() {
            return Ok(HashSet::new());
        }
        match self {
            Store::Sqlite(s) => s.existing_references(references).await,
            Store::Postgres(s) => s.existing_references(references, Some(size)).await,
        }
    }

    /// Starts, in the background, whatever lookups will need that is not read yet (the
    /// SQLite store's in-memory indexes of donation references and idempotency keys, the
    /// count of the leaves' bytes), so a serving process does not make its first answer
    /// wait for it, and the background search indexer ([`Store::start_search_indexer`]).
    /// Lookups work without either (the search reads entries not indexed yet from their
    /// leaves).
    pub fn prepare_lookups(&self) {
        if let Store::Sqlite(s) = self {
            s.load_fingerprints();
        }
        let store = self.clone();
        tokio::spawn(async move {
            let counted = match store.size().await {
                Ok(size) => store.leaf_bytes_below(size).await.map(|_| ()),
                Err(e) => Err(e),
            };
            match counted {
                Err(_) if store.is_closed() => {}
                Err(e) => {
                    tracing::error!(error = %e, "could not count the ledger's bytes; /info leaves bundle_bytes out until a download counts them")
                }
                Ok(()) => {}
            }
        });
        self.start_search_indexer();
    }

    /// The stored (seq, request fingerprint) of each of these idempotency keys that was used.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    pub async fn idempotent_seqs(
        &self,
        keys: &[String],
    ) -> Result<HashMap<String, (u64, Hash)>, StoreError> {
        if keys.is_empty() {
            return Ok(HashMap::new());
        }
        dispatch!(self, s => s.idempotent_seqs(keys).await)
    }

    /// Whether entry `seq` has been reversed.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    pub async fn is_reversed(&self, seq: u64) -> Result<bool, StoreError> {
        on_pool!(self, pool => Queries::is_reversed(pool, seq).await)
    }

    /// The total length of the leaves of entries `0..size`: counted once (a read of every
    /// entry), then only for the entries appended since (the count is kept by the store's
    /// clones).
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    pub async fn leaf_bytes_below(&self, size: u64) -> Result<u64, StoreError> {
        let cache = dispatch!(self, s => &s.caches().leaf_bytes);
        let known = *cache
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let total = match known {
            Some((counted, bytes)) if counted == size => return Ok(bytes),
            Some((counted, bytes)) if counted < size => {
                bytes + on_pool!(self, pool => Queries::leaf_bytes(pool, counted, size).await)?
            }
            _ => on_pool!(self, pool => Queries::leaf_bytes(pool, 0, size).await)?,
        };
        let mut kept = cache
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if kept.is_none_or(|(counted, _)| size > counted) {
            *kept = Some((size, total));
        }
        Ok(total)
    }

    /// [`Store::leaf_bytes_below`], but only once the leaves have been counted (by a first
    /// call, or by [`Store::prepare_lookups`] in the background): `None` before, so a
    /// frequent cheap answer never waits for a read of the whole ledger.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    pub async fn leaf_bytes_if_counted(&self, size: u64) -> Result<Option<u64>, StoreError> {
        let cache = dispatch!(self, s => &s.caches().leaf_bytes);
        let counted = cache
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .is_some();
        if counted {
            self.leaf_bytes_below(size).await.map(Some)
        } else {
            Ok(None)
        }
    }

    /// Closes the connections.
    pub async fn close(&self) {
        dispatch!(self, s => s.close().await)
    }

    /// Whether [`Store::close`] was called: background work started on this store then
    /// stops quietly instead of reporting the closed database as a failure.
    pub fn is_closed(&self) -> bool {
        dispatch!(self, s => s.is_closed())
    }
}
