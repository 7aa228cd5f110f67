//! Who sequences appends. An embedded (SQLite) ledger has one process, which always leads;
//! a PostgreSQL ledger may be served by several, and the one holding a session advisory
//! lock leads until its connection ends.

use super::Store;
use super::StoreError;

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
}
