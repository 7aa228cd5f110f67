//! SQLite: the `donors` table (migrations/sqlite/0002_donors.sql) and erasing it for good.
//!
//! Every connection runs with `secure_delete`, so a deleted row's bytes are overwritten
//! with zeros in the page that held it. The older version of that page may still be in
//! `ledger.db` (if it was checkpointed before) and in `ledger.db-wal`; only a checkpoint
//! that copies the zeroed page into `ledger.db` and truncates the WAL removes those. Such a
//! checkpoint cannot finish while another connection reads a snapshot from before the
//! erasure (a long export, another process), and while it waits it holds back the writer,
//! so each attempt gives up quickly and is retried with growing pauses.

use super::SqliteStore;
use crate::store::queries::Queries;
use crate::store::{Erasure, StoreError};
use sqlx::Connection;
use std::time::{Duration, Instant};

/// How long one purge attempt waits for readers and the writer before giving up.
const PURGE_ATTEMPT_WAIT: Duration = Duration::from_millis(50);
/// The first pause between purge attempts; each pause doubles, up to the next constant.
const FIRST_PURGE_PAUSE: Duration = Duration::from_millis(25);
/// The longest pause between purge attempts of an erasure waiting for its answer.
const LONGEST_WAITING_PAUSE: Duration = Duration::from_secs(1);
/// The longest pause between purge attempts in the background.
const LONGEST_BACKGROUND_PAUSE: Duration = Duration::from_secs(30);

impl SqliteStore {
    /// Deletes the row of donation `seq` and spoils its idempotency fingerprint in one
    /// transaction, then purges the database files for up to `wait`; if a reader still
    /// holds an older snapshot then, purging goes on in the background.
    pub(in crate::store) async fn erase_donor(
        &self,
        seq: u64,
        wait: Duration,
    ) -> Result<Erasure, StoreError> {
        // Immediate: take the write lock (waiting for a group commit) before reading.
        let tx = self.pool.begin_with("begin immediate").await?;
        if !Queries::delete_donor(tx, seq).await? {
            return Ok(Erasure::NothingToErase);
        }
        if self.purge_within(wait).await? {
            return Ok(Erasure::Purged);
        }
        self.keep_purging();
        Ok(Erasure::PurgePending)
    }

    /// Tries to purge the database files until it succeeds or `wait` has passed; true when
    /// the WAL was checkpointed and truncated.
    pub(in crate::store) async fn purge_within(&self, wait: Duration) -> Result<bool, StoreError> {
        let deadline = Instant::now() + wait;
        let mut pause = FIRST_PURGE_PAUSE;
        loop {
            if self.purge_once().await? {
                return Ok(true);
            }
            if Instant::now() + pause > deadline {
                return Ok(false);
            }
            tokio::time::sleep(pause).await;
            pause = (pause * 2).min(LONGEST_WAITING_PAUSE);
        }
    }

    /// One truncating checkpoint on a connection of its own that waits only briefly.
    /// SQLite answers `(busy, frames in the log, frames checkpointed)`: `busy` is 1 when a
    /// reader or the writer kept it from finishing, and a finished truncating checkpoint
    /// leaves an empty WAL.
    async fn purge_once(&self) -> Result<bool, StoreError> {
        let options = (*self.options).clone().busy_timeout(PURGE_ATTEMPT_WAIT);
        let mut conn = sqlx::SqliteConnection::connect_with(&options).await?;
        let result: Result<(i64, i64, i64), sqlx::Error> =
            sqlx::query_as("pragma wal_checkpoint(truncate)")
                .fetch_one(&mut conn)
                .await;
        let _ = conn.close().await;
        let (busy, log, checkpointed) = result?;
        Ok(busy == 0 && log == checkpointed)
    }

    /// Retries the purge in the background, with pauses growing to half a minute, until it
    /// succeeds or the store is closed, and again for any erasure made meanwhile; one such
    /// task at a time. Logs when it is done.
    fn keep_purging(&self) {
        {
            let mut purge = self.purge.lock().unwrap_or_else(|p| p.into_inner());
            purge.wanted = true;
            if purge.running {
                return;
            }
            purge.running = true;
        }
        tracing::warn!("erased personal data is still in ledger.db-wal while an older read is open; purging it in the background");
        let store = self.clone();
        tokio::spawn(async move {
            while store.take_purge_request() {
                let mut pause = FIRST_PURGE_PAUSE;
                while !store.pool.is_closed() {
                    tokio::time::sleep(pause).await;
                    pause = (pause * 2).min(LONGEST_BACKGROUND_PAUSE);
                    match store.purge_once().await {
                        Ok(true) => {
                            tracing::info!("erased personal data purged: no copy is left in ledger.db or ledger.db-wal");
                            break;
                        }
                        Ok(false) => {}
                        Err(e) => {
                            tracing::warn!(error = %e, "purging erased personal data failed; retrying")
                        }
                    }
                }
            }
        });
    }

    /// True (and cleared) when an erasure asked for a purge since the last call; false
    /// (and the background task marked finished) otherwise, or once the store is closed.
    fn take_purge_request(&self) -> bool {
        let mut purge = self.purge.lock().unwrap_or_else(|p| p.into_inner());
        if purge.wanted && !self.pool.is_closed() {
            purge.wanted = false;
            true
        } else {
            purge.running = false;
            false
        }
    }
}

/// Whether a background purge runs, and whether an erasure asked for one since it began.
#[derive(Debug, Default)]
pub(super) struct PurgeState {
    running: bool,
    wanted: bool,
}
