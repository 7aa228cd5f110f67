//! A witness's own database (`witness.db`, SQLite, `synchronous=FULL`; SPEC.md §14): the
//! log keys it trusts per origin, and per origin the latest checkpoint it cosigned.
//!
//! The head of an origin changes only by [`WitnessStore::advance`], one statement that
//! compares the old size and root and writes the new ones: two requests checked against
//! the same head cannot both win, so a cosignature is never given for a size below one
//! already cosigned (the race tlog-witness describes).

use super::columns::{hash_of, int, seq_of};
use super::StoreError;
use crate::ledger::hash::Hash;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqliteSynchronous};
use sqlx::Row;
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

/// The latest checkpoint a witness cosigned for an origin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WitnessHead {
    /// Tree size.
    pub size: u64,
    /// Root hash.
    pub root: Hash,
    /// The log's signed note, as submitted.
    pub note: String,
    /// When the witness cosigned it (POSIX seconds).
    pub cosigned_at: u64,
}

/// A witness's database.
#[derive(Debug, Clone)]
pub struct WitnessStore {
    pool: SqlitePool,
}

impl WitnessStore {
    /// Opens (creating if needed, mode 0600) the database at `path` and applies its
    /// migrations.
    ///
    /// # Errors
    /// [`StoreError`] when the file cannot be opened or migrated.
    pub async fn open(path: &Path) -> Result<WitnessStore, StoreError> {
        let _ = crate::private_fs::create_empty_file(path);
        let url = format!("sqlite://{}", path.display());
        let options = SqliteConnectOptions::from_str(&url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(Duration::from_secs(10));
        let pool = sqlx::sqlite::SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await?;
        sqlx::migrate!("./migrations/witness").run(&pool).await?;
        Ok(WitnessStore { pool })
    }

    /// Trusts `key` for checkpoints of `origin` (again: nothing changes).
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    pub async fn add_log(&self, origin: &str, key: &str) -> Result<(), StoreError> {
        let now = crate::ledger::entry::format_recorded_at(chrono::Utc::now());
        sqlx::query(
            "insert into logs (origin, key, added_at) values ($1, $2, $3) \
             on conflict (origin, key) do nothing",
        )
        .bind(origin)
        .bind(key)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The keys trusted for `origin` (none when the origin is unknown).
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    pub async fn log_keys(&self, origin: &str) -> Result<Vec<String>, StoreError> {
        let rows = sqlx::query("select key from logs where origin = $1 order by key")
            .bind(origin)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| r.try_get::<String, _>("key").map_err(StoreError::from))
            .collect()
    }

    /// Every (origin, key) trusted, by origin.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    pub async fn logs(&self) -> Result<Vec<(String, String)>, StoreError> {
        let rows = sqlx::query("select origin, key from logs order by origin, key")
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("origin")?, r.try_get("key")?)))
            .collect()
    }

    /// The latest checkpoint cosigned for `origin`, if any.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails or the stored root is not 32 bytes.
    pub async fn head(&self, origin: &str) -> Result<Option<WitnessHead>, StoreError> {
        let row = sqlx::query("select size, root, note, cosigned_at from heads where origin = $1")
            .bind(origin)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| {
            Ok(WitnessHead {
                size: seq_of(r.try_get("size")?),
                root: hash_of(r.try_get::<&[u8], _>("root")?)?,
                note: r.try_get("note")?,
                cosigned_at: seq_of(r.try_get("cosigned_at")?),
            })
        })
        .transpose()
    }

    /// Replaces the head of `origin` with `new`, but only if it is still `old` (`None`:
    /// there is no head yet). Returns whether it did; durable when it returns `true`.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    pub async fn advance(
        &self,
        origin: &str,
        old: Option<(u64, Hash)>,
        new: &WitnessHead,
    ) -> Result<bool, StoreError> {
        let done = match old {
            None => {
                sqlx::query(
                    "insert into heads (origin, size, root, note, cosigned_at) \
                     values ($1, $2, $3, $4, $5) on conflict (origin) do nothing",
                )
                .bind(origin)
                .bind(int(new.size))
                .bind(new.root.0.as_slice())
                .bind(&new.note)
                .bind(int(new.cosigned_at))
                .execute(&self.pool)
                .await?
            }
            Some((size, root)) => {
                sqlx::query(
                    "update heads set size = $1, root = $2, note = $3, cosigned_at = $4 \
                     where origin = $5 and size = $6 and root = $7",
                )
                .bind(int(new.size))
                .bind(new.root.0.as_slice())
                .bind(&new.note)
                .bind(int(new.cosigned_at))
                .bind(origin)
                .bind(int(size))
                .bind(root.0.as_slice())
                .execute(&self.pool)
                .await?
            }
        };
        Ok(done.rows_affected() == 1)
    }

    /// Closes the connections.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}
