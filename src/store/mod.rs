//! Persistence: the only place with SQL. One small interface, [`Store`], with a SQLite
//! implementation (the embedded default); a PostgreSQL one can be added as another variant
//! without changing callers.

mod donors;
mod postgres;
mod snapshot;
mod sqlite;

pub use donors::{DonorPrivate, DonorRecord, Erasure, ERASED_FINGERPRINT};
pub use postgres::PostgresStore;
pub use snapshot::HeadSnapshot;
pub use sqlite::SqliteStore;

use crate::ledger::hash::Hash;
use crate::ledger::state::CampaignState;

/// Conversions between the ledger's types and database columns, shared by both stores.
pub(crate) mod columns {
    use super::StoreError;
    use crate::ledger::hash::Hash;

    /// A stored 32-byte hash column.
    pub(crate) fn hash_of(bytes: &[u8]) -> Result<Hash, StoreError> {
        <[u8; 32]>::try_from(bytes).map(Hash).map_err(|_| {
            StoreError::Corrupt(format!("stored hash has {} bytes, not 32", bytes.len()))
        })
    }

    /// A stored non-negative integer column (seq, size, index); the schema keeps them >= 0.
    pub(crate) fn seq_of(v: i64) -> u64 {
        u64::try_from(v).unwrap_or(0)
    }

    /// A count or position as the databases' signed 64-bit integer.
    pub(crate) fn int(v: u64) -> i64 {
        i64::try_from(v).unwrap_or(i64::MAX)
    }
}

/// Errors from the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database reported an error.
    #[error("database error: {0}")]
    Database(sqlx::Error),
    /// Migrations could not be applied.
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// Stored data is not what the ledger wrote.
    #[error("stored data is inconsistent: {0}")]
    Corrupt(String),
    /// The disk (or the database server's disk) is full.
    #[error("storage is full: {0}")]
    Full(String),
    /// The database or its disk is read-only.
    #[error("storage is read-only: {0}")]
    ReadOnly(String),
    /// The database could not be reached or failed while writing.
    #[error("storage is unavailable: {0}")]
    Unavailable(String),
    /// Another token (revoked ones included) already has this name, ignoring case.
    #[error("a token named {existing:?} already exists (token names are unique, ignoring case, revoked tokens included); choose another name, e.g. \"{name} 2\"")]
    TokenNameTaken {
        /// The name asked for.
        name: String,
        /// The existing token's name.
        existing: String,
    },
}

impl From<sqlx::Error> for StoreError {
    /// Sorts database errors so callers can say what happened: full disk (SQLite
    /// SQLITE_FULL, PostgreSQL 53100), read-only storage (SQLITE_READONLY, 25006), I/O
    /// failure (SQLITE_IOERR), or anything else.
    fn from(e: sqlx::Error) -> Self {
        let code = match &e {
            sqlx::Error::Database(db) => db.code().map(|c| c.into_owned()),
            _ => None,
        };
        let sqlite_primary = code
            .as_deref()
            .and_then(|c| c.parse::<i64>().ok())
            .map(|c| c & 0xff);
        match (code.as_deref(), sqlite_primary) {
            (_, Some(13)) | (Some("53100"), _) => StoreError::Full(e.to_string()),
            (_, Some(8)) | (Some("25006"), _) => StoreError::ReadOnly(e.to_string()),
            (_, Some(10)) => StoreError::Unavailable(e.to_string()),
            _ if matches!(
                e,
                sqlx::Error::Io(_) | sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed
            ) =>
            {
                StoreError::Unavailable(e.to_string())
            }
            _ => StoreError::Database(e),
        }
    }
}

impl StoreError {
    /// A copy of this error to hand to each request of a failed batch.
    pub fn for_each_request(&self) -> StoreError {
        match self {
            StoreError::Full(m) => StoreError::Full(m.clone()),
            StoreError::ReadOnly(m) => StoreError::ReadOnly(m.clone()),
            StoreError::Unavailable(m) => StoreError::Unavailable(m.clone()),
            other => StoreError::Unavailable(other.to_string()),
        }
    }
}

/// How long a valid token is remembered without asking the database again.
pub const TOKEN_CACHE_TTL: std::time::Duration = std::time::Duration::from_secs(1);

/// The lowest tree level whose nodes [`NodeCache`] keeps: a node at level `l` covers
/// `2^l` entries, so the cache holds about one hash per `2^(l-1)` entries.
const CACHED_LEVEL: u8 = 4;
/// At most this many nodes are cached (about 50 MB), reached at 8 million entries; beyond
/// it, nodes not yet cached are read from the database each time.
const CACHED_NODES_MAX: usize = 1 << 20;

/// Stored tree nodes of level [`CACHED_LEVEL`] and above, kept once read. A stored node
/// never changes (it is written with the entries it covers and the tables are
/// append-only), and only committed nodes are ever read, so the cache needs no
/// invalidation. Proofs then read only their few lowest nodes from the database.
#[derive(Default, Debug)]
pub(crate) struct NodeCache(std::sync::RwLock<std::collections::HashMap<u64, Hash>>);

impl NodeCache {
    /// The cached node for each index, `None` where it is not cached.
    fn get_many(&self, indexes: &[u64]) -> Vec<Option<Hash>> {
        match self.0.read() {
            Ok(map) if !map.is_empty() => indexes.iter().map(|i| map.get(i).copied()).collect(),
            _ => vec![None; indexes.len()],
        }
    }

    /// Remembers the nodes of level [`CACHED_LEVEL`] and above among `read`.
    fn keep(&self, read: impl Iterator<Item = (u64, Hash)>) {
        let upper: Vec<(u64, Hash)> = read
            .filter(|(i, _)| tlog_tiles::split_stored_hash_index(*i).0 >= CACHED_LEVEL)
            .collect();
        if upper.is_empty() {
            return;
        }
        if let Ok(mut map) = self.0.write() {
            for (i, h) in upper {
                if map.len() >= CACHED_NODES_MAX {
                    break;
                }
                map.insert(i, h);
            }
        }
    }
}

/// Recently seen valid tokens of one store, by hash.
#[derive(Default, Debug)]
pub(crate) struct TokenCache(
    std::sync::Mutex<std::collections::HashMap<Hash, (TokenRecord, std::time::Instant)>>,
);

impl TokenCache {
    fn get(&self, h: &Hash) -> Option<TokenRecord> {
        let map = self.0.lock().ok()?;
        map.get(h)
            .filter(|(_, at)| at.elapsed() < TOKEN_CACHE_TTL)
            .map(|(r, _)| r.clone())
    }
    fn put(&self, h: Hash, r: TokenRecord) {
        if let Ok(mut map) = self.0.lock() {
            if map.len() > 10_000 {
                map.clear();
            }
            map.insert(h, (r, std::time::Instant::now()));
        }
    }
    fn clear(&self) {
        if let Ok(mut map) = self.0.lock() {
            map.clear();
        }
    }
}

/// One entry as written by the sequencer.
#[derive(Debug, Clone)]
pub struct NewEntry {
    /// Position.
    pub seq: u64,
    /// Exact canonical bytes.
    pub leaf: Vec<u8>,
    /// SHA-256(0x00 || leaf).
    pub leaf_hash: Hash,
    /// Leaf hash of the previous entry.
    pub prev: Hash,
    /// Entry kind.
    pub kind: &'static str,
    /// Campaign (source for transfers), if any.
    pub campaign: Option<String>,
    /// Destination campaign of a transfer.
    pub campaign_to: Option<String>,
    /// Bank reference of a donation.
    pub reference: Option<String>,
    /// Target of a reversal.
    pub reverses: Option<u64>,
    /// Recording time.
    pub recorded_at: String,
    /// Idempotency key of the request that created it, with a hash of the request.
    pub idempotency_key: Option<(String, Hash)>,
    /// A donor's personal data, written off the chain in the same transaction.
    pub private: Option<DonorPrivate>,
}

/// Everything one group commit writes, in one transaction.
#[derive(Debug, Clone, Default)]
pub struct Batch {
    /// New entries, in order.
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

/// A staff token record (never the token itself).
#[derive(Debug, Clone, serde::Serialize)]
pub struct TokenRecord {
    /// Row id.
    pub id: i64,
    /// Who holds it.
    pub name: String,
    /// `recorder` or `admin`.
    pub role: String,
    /// Creation time.
    pub created_at: String,
    /// Revocation time, if revoked.
    pub revoked_at: Option<String>,
}

impl TokenRecord {
    /// How entries this token appends name their recorder: the token's name and id,
    /// `Lan (finance) #3` (SPEC.md §2.1). A name from before names were limited to 64
    /// characters is shortened so the whole fits the 200 characters of `recorded_by`.
    pub fn recorded_by(&self) -> String {
        let id = format!(" #{}", self.id);
        let room = crate::ledger::entry::MAX_SHORT_TEXT.saturating_sub(id.len());
        let name: String = self.name.chars().take(room).collect();
        format!("{name}{id}")
    }
}

/// The store: one implementation per database.
#[derive(Debug, Clone)]
pub enum Store {
    /// SQLite in the data directory.
    Sqlite(SqliteStore),
    /// PostgreSQL, possibly shared by several processes.
    Postgres(PostgresStore),
}

macro_rules! dispatch {
    ($self:ident, $s:ident => $e:expr) => {
        match $self {
            Store::Sqlite($s) => $e,
            Store::Postgres($s) => $e,
        }
    };
}

mod by_campaign;

/// The advisory-lock key under which one process leads (sequences) a PostgreSQL ledger.
pub const LEADER_LOCK_KEY: i64 = 0x6675_6e64_7472_6169; // "fundtrai"

/// Proof that this process may sequence appends. For SQLite (one process) it always is;
/// for PostgreSQL it is a session advisory lock held on a dedicated connection, released
/// by the server when this process dies.
pub enum Leadership {
    /// The only writer of an embedded database.
    Local,
    /// Holder of the PostgreSQL advisory lock.
    Postgres(sqlx::postgres::PgConnection),
}

impl Leadership {
    /// Whether the lock is still held (its connection is alive).
    pub async fn still_held(&mut self) -> bool {
        match self {
            Leadership::Local => true,
            Leadership::Postgres(conn) => sqlx::query("select 1").execute(&mut *conn).await.is_ok(),
        }
    }
}

impl Store {
    /// Whether several processes may share this store (and so must elect a leader).
    pub fn is_shared(&self) -> bool {
        matches!(self, Store::Postgres(_))
    }

    /// Tries to become the one process that sequences appends.
    ///
    /// # Errors
    /// [`StoreError`] when the database cannot be reached.
    pub async fn try_lead(&self) -> Result<Option<Leadership>, StoreError> {
        match self {
            Store::Sqlite(_) => Ok(Some(Leadership::Local)),
            Store::Postgres(pg) => {
                use sqlx::Connection;
                let mut conn =
                    sqlx::postgres::PgConnection::connect_with(&pg.pool().connect_options())
                        .await?;
                let got: bool = sqlx::query_scalar("select pg_try_advisory_lock($1)")
                    .bind(LEADER_LOCK_KEY)
                    .fetch_one(&mut conn)
                    .await?;
                if got {
                    Ok(Some(Leadership::Postgres(conn)))
                } else {
                    let _ = conn.close().await;
                    Ok(None)
                }
            }
        }
    }

    /// Number of entries.
    pub async fn size(&self) -> Result<u64, StoreError> {
        dispatch!(self, s => s.size().await)
    }
    /// The last entry, if any.
    pub async fn last_entry(&self) -> Result<Option<StoredEntry>, StoreError> {
        dispatch!(self, s => s.last_entry().await)
    }
    /// Writes a batch atomically and durably.
    pub async fn append_batch(&self, batch: &Batch) -> Result<(), StoreError> {
        dispatch!(self, s => s.append_batch(batch).await)
    }
    /// Tree hashes at the given stored-hash indexes, in the same order. Nodes of the
    /// upper levels come from this process's [`NodeCache`] when it has them.
    pub async fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<Hash>, StoreError> {
        let cache = self.node_cache();
        let mut found = cache.get_many(indexes);
        let missing: Vec<u64> = indexes
            .iter()
            .zip(&found)
            .filter(|(_, h)| h.is_none())
            .map(|(i, _)| *i)
            .collect();
        if missing.is_empty() {
            return Ok(found.into_iter().flatten().collect());
        }
        let read = dispatch!(self, s => s.read_hashes(&missing).await)?;
        cache.keep(missing.iter().copied().zip(read.iter().copied()));
        let mut read = read.into_iter();
        for slot in found.iter_mut().filter(|h| h.is_none()) {
            *slot = read.next();
        }
        found
            .into_iter()
            .map(|h| h.ok_or_else(|| StoreError::Corrupt("tree hash missing".into())))
            .collect()
    }
    /// This store's cache of upper tree nodes.
    fn node_cache(&self) -> &NodeCache {
        dispatch!(self, s => s.nodes())
    }
    /// Stored tree nodes with index `>= start`, in index order, at most `limit`.
    pub async fn tree_hashes_from(
        &self,
        start: u64,
        limit: u64,
    ) -> Result<Vec<(u64, Hash)>, StoreError> {
        dispatch!(self, s => s.tree_hashes_from(start, limit).await)
    }
    /// All campaigns in opening order.
    pub async fn campaigns(&self) -> Result<Vec<StoredCampaign>, StoreError> {
        dispatch!(self, s => s.campaigns().await)
    }
    /// The latest signed checkpoint.
    pub async fn latest_checkpoint(&self) -> Result<Option<StoredCheckpoint>, StoreError> {
        dispatch!(self, s => s.latest_checkpoint().await)
    }
    /// The checkpoint signed at exactly `size`, if one was.
    pub async fn checkpoint_at(&self, size: u64) -> Result<Option<StoredCheckpoint>, StoreError> {
        dispatch!(self, s => s.checkpoint_at(size).await)
    }
    /// One entry.
    pub async fn entry(&self, seq: u64) -> Result<Option<StoredEntry>, StoreError> {
        dispatch!(self, s => s.entry(seq).await)
    }
    /// Up to `limit` entries from `start`, in order.
    pub async fn entries(&self, start: u64, limit: u64) -> Result<Vec<StoredEntry>, StoreError> {
        dispatch!(self, s => s.entries(start, limit).await)
    }
    /// Donations with this bank reference.
    pub async fn find_by_reference(
        &self,
        reference: &str,
        limit: u64,
    ) -> Result<Vec<StoredEntry>, StoreError> {
        dispatch!(self, s => s.find_by_reference(reference, limit).await)
    }
    /// The (campaign, reference) pairs of stored donations with any of these references.
    pub async fn existing_references(
        &self,
        references: &[String],
    ) -> Result<std::collections::HashSet<(String, String)>, StoreError> {
        if references.is_empty() {
            return Ok(Default::default());
        }
        dispatch!(self, s => s.existing_references(references).await)
    }
    /// Starts, in the background, whatever lookups will need that is not read yet (the
    /// SQLite store's in-memory indexes of donation references and idempotency keys), so a
    /// serving process does not make its first lookup wait for it. Lookups work without it.
    pub fn prepare_lookups(&self) {
        if let Store::Sqlite(s) = self {
            s.load_fingerprints();
        }
    }
    /// The stored (seq, request fingerprint) of each of these idempotency keys that was used.
    pub async fn idempotent_seqs(
        &self,
        keys: &[String],
    ) -> Result<std::collections::HashMap<String, (u64, Hash)>, StoreError> {
        if keys.is_empty() {
            return Ok(Default::default());
        }
        dispatch!(self, s => s.idempotent_seqs(keys).await)
    }
    /// Whether entry `seq` has been reversed.
    pub async fn is_reversed(&self, seq: u64) -> Result<bool, StoreError> {
        dispatch!(self, s => s.is_reversed(seq).await)
    }
    /// Stores a new token hash under `name`, unless another token (revoked ones included)
    /// has that name ignoring case: entries name their recorder by token name and id, and two
    /// `Lan`s would read alike. The database's unique index on the exact name (migrations
    /// sqlite 6, postgres 4) backs this up when two processes create tokens at once.
    ///
    /// # Errors
    /// [`StoreError::TokenNameTaken`], or the database's error.
    pub async fn create_token(
        &self,
        name: &str,
        role: &str,
        token_hash: &Hash,
    ) -> Result<i64, StoreError> {
        let folded = name.to_lowercase();
        let taken = |existing: String| StoreError::TokenNameTaken {
            name: name.to_string(),
            existing,
        };
        if let Some(t) = self
            .list_tokens()
            .await?
            .into_iter()
            .find(|t| t.name.to_lowercase() == folded)
        {
            return Err(taken(t.name));
        }
        dispatch!(self, s => s.create_token(name, role, token_hash).await).map_err(|e| match e {
            StoreError::Database(sqlx::Error::Database(db)) if db.is_unique_violation() => {
                taken(name.to_string())
            }
            other => other,
        })
    }
    /// The unrevoked token with this hash.
    ///
    /// Valid tokens are remembered for [`TOKEN_CACHE_TTL`] so a busy recorder does not cost a
    /// query per request; revoking through this store forgets them at once, and a token
    /// revoked by another process (`fundtrail token revoke`) stops working within that time.
    pub async fn find_token(&self, token_hash: &Hash) -> Result<Option<TokenRecord>, StoreError> {
        if let Some(record) = self.token_cache().get(token_hash) {
            return Ok(Some(record));
        }
        let found = dispatch!(self, s => s.find_token(token_hash).await)?;
        if let Some(record) = &found {
            self.token_cache().put(*token_hash, record.clone());
        }
        Ok(found)
    }
    /// All tokens.
    pub async fn list_tokens(&self) -> Result<Vec<TokenRecord>, StoreError> {
        dispatch!(self, s => s.list_tokens().await)
    }
    /// This store's cache of valid tokens.
    fn token_cache(&self) -> &TokenCache {
        dispatch!(self, s => s.tokens())
    }
    /// Revokes a token; false when there is no such unrevoked token.
    pub async fn revoke_token(&self, id: i64) -> Result<bool, StoreError> {
        let revoked = dispatch!(self, s => s.revoke_token(id).await)?;
        self.token_cache().clear();
        Ok(revoked)
    }
    /// Closes the connections.
    pub async fn close(&self) {
        dispatch!(self, s => s.close().await)
    }
}

/// Reads tree hashes the way `tlog_tiles` asks for them: a first pass records which
/// stored-hash indexes a computation needs, one query fetches them, a second pass computes.
struct Recorder(std::cell::RefCell<Vec<u64>>);

impl tlog_tiles::HashReader for Recorder {
    fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<tlog_tiles::Hash>, tlog_tiles::Error> {
        self.0.borrow_mut().extend_from_slice(indexes);
        Ok(vec![tlog_tiles::Hash([0; 32]); indexes.len()])
    }
}

/// Lets `tlog_tiles`' generic functions take the `dyn` readers of [`Store::run_tlog`].
struct Dyn<'a>(&'a dyn tlog_tiles::HashReader);

impl tlog_tiles::HashReader for Dyn<'_> {
    fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<tlog_tiles::Hash>, tlog_tiles::Error> {
        self.0.read_hashes(indexes)
    }
}

struct Fetched(std::collections::HashMap<u64, Hash>);

impl tlog_tiles::HashReader for Fetched {
    fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<tlog_tiles::Hash>, tlog_tiles::Error> {
        indexes
            .iter()
            .map(|i| {
                self.0
                    .get(i)
                    .map(|h| tlog_tiles::Hash(h.0))
                    .ok_or(tlog_tiles::Error::IndexesNotInTree)
            })
            .collect()
    }
}

/// The inclusion proof of `index` in the tree of `size` leaves computed only from `nodes`
/// (stored-hash index to hash), or `None` when a needed node is not among them. The
/// sequencer keeps the previous peaks and the nodes of the batch it just wrote, which hold
/// every node the proofs of that batch need, so acknowledging a batch reads nothing back.
pub fn inclusion_proof_from(
    nodes: &std::collections::HashMap<u64, Hash>,
    index: u64,
    size: u64,
) -> Option<Vec<Hash>> {
    if index >= size {
        return None;
    }
    struct Map<'a>(&'a std::collections::HashMap<u64, Hash>);
    impl tlog_tiles::HashReader for Map<'_> {
        fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<tlog_tiles::Hash>, tlog_tiles::Error> {
            indexes
                .iter()
                .map(|i| {
                    self.0
                        .get(i)
                        .map(|h| tlog_tiles::Hash(h.0))
                        .ok_or(tlog_tiles::Error::IndexesNotInTree)
                })
                .collect()
        }
    }
    tlog_tiles::prove_record(size, index, &Map(nodes))
        .ok()
        .map(|p| p.into_iter().map(|h| Hash(h.0)).collect())
}

impl Store {
    async fn run_tlog<T>(
        &self,
        compute: impl Fn(&dyn tlog_tiles::HashReader) -> Result<T, tlog_tiles::Error>,
    ) -> Result<T, StoreError> {
        let recorder = Recorder(std::cell::RefCell::new(Vec::new()));
        // The first pass only learns the indexes; its result is discarded.
        let _ = compute(&recorder);
        let mut indexes = recorder.0.into_inner();
        indexes.sort_unstable();
        indexes.dedup();
        let hashes = self.read_hashes(&indexes).await?;
        let fetched = Fetched(indexes.into_iter().zip(hashes).collect());
        compute(&fetched).map_err(|e| StoreError::Corrupt(format!("tree: {e}")))
    }

    /// The Merkle root of the first `size` entries, from O(log n) stored nodes.
    ///
    /// # Errors
    /// [`StoreError`]; callers must pass `size` <= the stored size.
    pub async fn tree_root(&self, size: u64) -> Result<Hash, StoreError> {
        self.run_tlog(|r| tlog_tiles::tree_hash(size, &Dyn(r)))
            .await
            .map(|h| Hash(h.0))
    }

    /// The RFC 6962 inclusion proof of entry `index` in the tree of `size` entries.
    ///
    /// # Errors
    /// [`StoreError`]; callers must check `index < size <= stored size`.
    pub async fn inclusion_proof(&self, index: u64, size: u64) -> Result<Vec<Hash>, StoreError> {
        self.run_tlog(|r| tlog_tiles::prove_record(size, index, &Dyn(r)))
            .await
            .map(|p| p.into_iter().map(|h| Hash(h.0)).collect())
    }

    /// The leaf hash of entry `index` and its inclusion proof in the tree of `size`
    /// entries, read in one query.
    ///
    /// # Errors
    /// [`StoreError`]; callers must check `index < size <= stored size`.
    pub async fn leaf_and_inclusion_proof(
        &self,
        index: u64,
        size: u64,
    ) -> Result<(Hash, Vec<Hash>), StoreError> {
        self.run_tlog(|r| {
            let leaf = r.read_hashes(&[tlog_tiles::stored_hash_index(0, index)])?;
            let proof = tlog_tiles::prove_record(size, index, &Dyn(r))?;
            Ok((leaf, proof))
        })
        .await
        .map(|(leaf, proof)| {
            (
                Hash(leaf[0].0),
                proof.into_iter().map(|h| Hash(h.0)).collect(),
            )
        })
    }

    /// The RFC 6962 consistency proof from size `from` to size `to`.
    ///
    /// # Errors
    /// [`StoreError`]; callers must check `0 < from <= to <= stored size`.
    pub async fn consistency_proof(&self, from: u64, to: u64) -> Result<Vec<Hash>, StoreError> {
        self.run_tlog(|r| tlog_tiles::prove_tree(to, from, &Dyn(r)))
            .await
            .map(|p| p.into_iter().map(|h| Hash(h.0)).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::hash::leaf_hash;
    use crate::ledger::merkle::{verify_inclusion, CompactTree};

    #[test]
    fn the_previous_peaks_and_a_batchs_nodes_hold_every_proof_of_that_batch() {
        for before in 0..40u64 {
            for batch in 1..20u64 {
                let mut tree = CompactTree::new();
                for i in 0..before {
                    tree.push(leaf_hash(&i.to_be_bytes()));
                }
                let mut nodes: std::collections::HashMap<u64, Hash> =
                    CompactTree::peak_positions(before)
                        .into_iter()
                        .map(|(l, n)| tlog_tiles::stored_hash_index(l, n))
                        .zip(tree.peaks().iter().copied())
                        .collect();
                for i in before..before + batch {
                    let first = tlog_tiles::stored_hash_index(0, i);
                    let mut k = 0;
                    tree.push_returning_nodes(leaf_hash(&i.to_be_bytes()), |h| {
                        nodes.insert(first + k, h);
                        k += 1;
                    });
                }
                let size = before + batch;
                for i in before..size {
                    let proof = inclusion_proof_from(&nodes, i, size).expect("all nodes at hand");
                    verify_inclusion(i, size, &leaf_hash(&i.to_be_bytes()), &proof, &tree.root())
                        .expect("verifies");
                }
            }
        }
    }
}
