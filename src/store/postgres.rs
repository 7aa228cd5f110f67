//! The PostgreSQL store: the same schema and behaviour as SQLite, for deployments with
//! several `fundtrail serve` processes; one of them leads (a session advisory lock).
//!
//! Reads go through a pool; the group commit (`commit.rs`, one statement and one round trip
//! per batch) and the look-ups the sequencer makes before it run on a connection of their
//! own (`writer.rs`). A database may hold many ledgers, one per schema (`schema.rs`); an
//! idle one holds no connection: the pool keeps none after the idle timeout and the
//! writing connection closes too, while its leader lock stays on the one connection the
//! process holds all its locks on (`locks.rs`).

use super::columns::int;
use super::indexed::Indexed;
use super::queries::Queries;
use super::search::SearchRows;
use super::{Batch, StoreError};
use crate::ledger::hash::Hash;
use sqlx::postgres::PgPoolOptions;
use std::collections::{HashMap, HashSet};
use std::time::Duration;

mod budget;
mod commit;
mod donors;
mod locks;
mod nodelay;
mod reads;
mod references;
mod schema;
mod writer;

pub use budget::ConnectionBudget;
pub use locks::{Lease, APPLICATION_NAME as LOCKS_APPLICATION_NAME};
pub use schema::{PgSchema, SchemaNameError};
pub use writer::APPLICATION_NAME as WRITER_APPLICATION_NAME;

/// How long a connection of a PostgreSQL store may stay unused before it is closed
/// (by default).
pub const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(60);

/// How long a store sharing a connection budget keeps an unused pooled connection.
pub const BUDGETED_POOL_IDLE: Duration = Duration::from_secs(1);

/// Where a PostgreSQL store keeps its ledger and how many connections it may hold.
#[derive(Debug, Clone)]
pub struct PostgresSettings {
    /// The schema holding the ledger's tables (created if missing); `None`: the
    /// database's default (`public`).
    pub schema: Option<PgSchema>,
    /// A connection unused this long is closed (pooled ones and the writing one), so an
    /// idle ledger holds none.
    pub idle_timeout: Duration,
    /// The most connections the store's pool opens at once (the writing connection and
    /// the process's lock connection come on top).
    pub max_connections: u32,
    /// The budget of connections shared with the process's other stores, if any: the
    /// writing connection, migrations and schema drops hold a permit of it while open.
    pub budget: Option<ConnectionBudget>,
}

impl Default for PostgresSettings {
    fn default() -> Self {
        PostgresSettings {
            schema: None,
            idle_timeout: DEFAULT_IDLE_TIMEOUT,
            max_connections: 8,
            budget: None,
        }
    }
}

/// A ledger in a PostgreSQL database (in its default schema or one of its own).
#[derive(Debug, Clone)]
pub struct PostgresStore {
    /// The reading connections (and the transactions of imports and the search index).
    reads: std::sync::Arc<reads::Reads>,
    /// The connection the group commit and the sequencer's look-ups run on.
    writer: std::sync::Arc<writer::Writer>,
    caches: std::sync::Arc<super::Caches>,
    /// The stored donation references, in memory.
    references: std::sync::Arc<references::ReferenceIndex>,
    /// The advisory lock whose holder leads this ledger.
    leader_key: i64,
    /// Where this process holds its leader locks in this database.
    locks: std::sync::Arc<locks::LockHolder>,
}

impl PostgresStore {
    /// Connects to `url` and applies migrations, with the default settings (the ledger in
    /// the database's default schema).
    ///
    /// # Errors
    /// [`StoreError`] when the server cannot be reached or migrated.
    pub async fn open(url: &str) -> Result<PostgresStore, StoreError> {
        Self::open_with(url, &PostgresSettings::default()).await
    }

    /// Connects to `url` and applies migrations, keeping the ledger where `settings` say
    /// (a schema is created if missing, and migrated on its own).
    ///
    /// # Errors
    /// [`StoreError`] when the server cannot be reached or migrated.
    pub async fn open_with(
        url: &str,
        settings: &PostgresSettings,
    ) -> Result<PostgresStore, StoreError> {
        let mut options: sqlx::postgres::PgConnectOptions = url.parse()?;
        if let Some(schema) = &settings.schema {
            options = schema.connect_options(options);
            schema::migrate(&options, schema, settings.budget.as_ref()).await?;
        }
        // A store sharing a budget (one of many organisations) keeps its pooled reading
        // connections only briefly: the pool holds permits of the budget while it has any.
        let pool_idle = match settings.budget {
            Some(_) => settings.idle_timeout.min(BUDGETED_POOL_IDLE),
            None => settings.idle_timeout,
        };
        // Under a budget the pool reserves its whole size (`reads.rs`): never more than the
        // budget holds.
        let pool_max = match &settings.budget {
            Some(budget) => settings.max_connections.min(budget.size()),
            None => settings.max_connections,
        };
        let pool_options = PgPoolOptions::new()
            .max_connections(pool_max)
            .min_connections(0)
            .idle_timeout(pool_idle)
            .acquire_timeout(Duration::from_secs(30));
        // A schema's migration above has reached the server already: its pool connects
        // only when first used (an organisation opened and left idle holds nothing).
        let pool = if settings.schema.is_some() {
            pool_options.clone().connect_lazy_with(options.clone())
        } else {
            let pool = pool_options.clone().connect_with(options.clone()).await?;
            sqlx::migrate!("./migrations/postgres").run(&pool).await?;
            pool
        };
        Ok(PostgresStore {
            writer: writer::Writer::start(
                writer::options_of(&options),
                settings.idle_timeout,
                settings.budget.clone(),
            ),
            reads: reads::Reads::new(pool, pool_options, options.clone(), settings.budget.clone()),
            caches: std::sync::Arc::default(),
            references: std::sync::Arc::default(),
            leader_key: settings
                .schema
                .as_ref()
                .map_or(super::LEADER_LOCK_KEY, PgSchema::leader_lock_key),
            locks: locks::LockHolder::for_database(&options),
        })
    }

    /// Drops `schema` of the database at `url` with every table in it, if it exists: for a
    /// ledger that was never published (no store of it may be open).
    ///
    /// # Errors
    /// [`StoreError`] when the server cannot be reached or refuses the drop.
    pub async fn drop_schema(
        url: &str,
        schema: &PgSchema,
        budget: Option<&ConnectionBudget>,
    ) -> Result<(), StoreError> {
        let options: sqlx::postgres::PgConnectOptions = url.parse()?;
        schema::drop_schema(&options, schema, budget).await
    }

    /// Tries to take this ledger's leader lock.
    ///
    /// # Errors
    /// [`StoreError`] when the database cannot be reached.
    pub(super) async fn try_lead(&self) -> Result<Option<super::Leadership>, StoreError> {
        Ok(self
            .locks
            .try_lock(self.leader_key)
            .await?
            .map(super::Leadership::Postgres))
    }

    /// The connections open now: pooled ones and the writing one (not the process's lock
    /// connection, shared by all its ledgers in the database).
    pub fn open_connections(&self) -> u32 {
        self.reads.pool().size() + u32::from(self.writer.is_open())
    }

    /// Whether the reading pool holds permits of the connection budget now (it does while
    /// it has a connection open or lent).
    pub fn reads_hold_permits(&self) -> bool {
        self.reads.is_reserved()
    }

    /// The reading pool, lent until the lease is dropped (for the shared queries).
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the connection budget stays spent.
    pub(super) async fn pool(&self) -> Result<reads::ReadLease, StoreError> {
        self.reads.lease().await
    }

    pub(super) fn caches(&self) -> &super::Caches {
        &self.caches
    }

    pub(super) fn is_closed(&self) -> bool {
        self.reads.pool().is_closed()
    }

    pub(super) async fn close(&self) {
        self.writer.close().await;
        self.reads.pool().close().await;
    }

    /// Writes `batch` atomically and durably in one round trip, on the writing
    /// connection ([`commit`]).
    pub(super) async fn append_batch(
        &self,
        batch: &Batch,
        indexed: &[Indexed<'_>],
    ) -> Result<(), StoreError> {
        let mut held = self.writer.hold().await?;
        let written = commit::write_batch(held.conn()?, batch, indexed).await;
        if written.is_ok() {
            if let (Some(first), Some(last)) = (batch.entries.first(), batch.entries.last()) {
                let refs = batch.entries.iter().zip(indexed);
                self.references.record_commit(
                    first.entry.seq,
                    last.entry.seq + 1,
                    refs.filter_map(|(e, i)| i.reference.map(|r| (r, e.entry.seq))),
                );
            }
        }
        held.keep_if_usable(written)
    }

    /// A transaction of its own, for writes that span several batches (a statement's
    /// import, `super::bulk`).
    pub(super) async fn begin(
        &self,
    ) -> Result<sqlx::Transaction<'static, sqlx::Postgres>, StoreError> {
        Ok(self.pool().await?.begin().await?)
    }
}

/// Writes `batch` (whose entries have the columns `indexed`) in `tx`, uncommitted: the one
/// statement of a group commit ([`commit`]), inside the caller's transaction.
pub(super) async fn write_batch(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    batch: &Batch,
    indexed: &[Indexed<'_>],
) -> Result<(), StoreError> {
    commit::write_batch(tx, batch, indexed).await
}

impl PostgresStore {
    /// Writes the search rows of a page of entries and records that entries below `next`
    /// are indexed, in one transaction (another server doing the same at once writes the
    /// same rows, which are kept once).
    pub(super) async fn write_search_page(
        &self,
        rows: &SearchRows,
        next: u64,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool().await?.begin().await?;
        insert_search_rows(&mut tx, rows).await?;
        sqlx::query("update search_backfill set done = greatest(done, $1)")
            .bind(int(next))
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The tree nodes at `indexes` (none empty), in that order.
    pub(super) async fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<Hash>, StoreError> {
        let list: Vec<i64> = indexes.iter().map(|i| int(*i)).collect();
        let sql = "select idx, hash from tree_hashes where idx = any($1)";
        Queries::hashes_in(&*self.pool().await?, sql, list, indexes).await
    }

    /// The (campaign, reference) of stored donations with any of `references`, read on
    /// the writing connection (the sequencer asks before every group commit).
    pub(super) async fn existing_references(
        &self,
        references: &[String],
        known_size: Option<u64>,
    ) -> Result<HashSet<(String, String)>, StoreError> {
        let mut held = self.writer.hold().await?;
        let candidates = self
            .references
            .candidates(held.conn()?, references, known_size)
            .await;
        let found = match candidates {
            Ok(Some(seqs)) if seqs.is_empty() => Ok(HashSet::new()),
            Ok(_) => Queries::references_in(held.conn()?, REFERENCES_SQL, references).await,
            Err(e) => Err(e),
        };
        held.keep_if_usable(found)
    }

    /// The stored (seq, request fingerprint) of each of `keys` that was used, read on the
    /// writing connection (the sequencer asks before every group commit).
    pub(super) async fn idempotent_seqs(
        &self,
        keys: &[String],
    ) -> Result<HashMap<String, (u64, Hash)>, StoreError> {
        let sql = "select key, seq, request_hash from idempotency where key = any($1)";
        let mut held = self.writer.hold().await?;
        let found = Queries::keys_in(held.conn()?, sql, keys).await;
        held.keep_if_usable(found)
    }
}

/// The donations' (campaign, reference) with any of the references bound as `$1`.
const REFERENCES_SQL: &str =
    "select campaign, reference from entries where kind = 'donation' and reference = any($1)";

/// [`PostgresStore::existing_references`] read in `tx` (a statement's import), so the rows it
/// wrote are found too.
///
/// # Errors
/// [`StoreError`] when the database fails.
pub(super) async fn existing_references_in(
    tx: &mut sqlx::Transaction<'static, sqlx::Postgres>,
    references: &[String],
) -> Result<HashSet<(String, String)>, StoreError> {
    Queries::references_in(&mut **tx, REFERENCES_SQL, references).await
}

/// Inserts `rows` into the search tables (rows already there are kept once).
async fn insert_search_rows(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    rows: &SearchRows,
) -> Result<(), StoreError> {
    if !rows.keys.is_empty() {
        sqlx::query(
            "insert into search_keys (key, seq) select * from unnest($1::bytea[], $2::bigint[]) \
             on conflict do nothing",
        )
        .bind(rows.keys.iter().map(|(k, _)| k.clone()).collect::<Vec<_>>())
        .bind(rows.keys.iter().map(|(_, s)| int(*s)).collect::<Vec<_>>())
        .execute(&mut **tx)
        .await?;
    }
    if !rows.days.is_empty() {
        sqlx::query(
            "insert into search_days (received_at, amount, seq) \
             select * from unnest($1::text[], $2::text[], $3::bigint[]) on conflict do nothing",
        )
        .bind(rows.days.iter().map(|d| d.0.clone()).collect::<Vec<_>>())
        .bind(rows.days.iter().map(|d| d.1.clone()).collect::<Vec<_>>())
        .bind(rows.days.iter().map(|d| int(d.2)).collect::<Vec<_>>())
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}
