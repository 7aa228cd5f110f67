//! Who sequences appends. An embedded (SQLite) ledger has one process, which always leads;
//! a PostgreSQL ledger may be served by several, and the one holding a session advisory
//! lock leads until its connection ends. Each schema of a database is a ledger of its own
//! with a lock of its own; a process holds all its locks in one database on one connection
//! (`postgres/locks.rs`).

use super::Store;
use super::StoreError;

/// The advisory-lock key under which one process leads (sequences) a PostgreSQL ledger
/// kept in the database's default schema (a ledger in a schema of its own has its own key,
/// [`PgSchema::leader_lock_key`](super::PgSchema::leader_lock_key)).
pub const LEADER_LOCK_KEY: i64 = 0x6675_6e64_7472_6169; // "fundtrai"

/// Proof that this process may sequence appends. For SQLite (one process) it always is;
/// for PostgreSQL it is a session advisory lock held on this process's lock connection,
/// released by the server when this process dies, and by this process when dropped.
pub enum Leadership {
    /// The only writer of an embedded database.
    Local,
    /// Holder of the PostgreSQL advisory lock.
    Postgres(super::postgres::Lease),
}

impl Leadership {
    /// Whether the lock is still held (its connection is alive).
    pub async fn still_held(&mut self) -> bool {
        match self {
            Leadership::Local => true,
            Leadership::Postgres(lease) => lease.still_held().await,
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
            Store::Postgres(pg) => pg.try_lead().await,
        }
    }
}
