//! PostgreSQL: which of a batch's donation references are stored already, answered from
//! the in-memory fingerprint index (`store::fingerprints`) instead of a look-up of every
//! reference in `entries_by_reference` before each group commit.
//!
//! It is loaded by the first look-up, on the writing connection that look-up holds (so a
//! platform's connection budget needs no other connection for it), and kept by the store.
//!
//! Unlike SQLite's, a PostgreSQL ledger can be written by another process (a standby that
//! became the leader while this one was cut off, a statement's import in a transaction of
//! its own). So the index also keeps `covered`: every entry below it is in the index. It
//! only grows by a group commit that starts exactly at it, or by reading the entries from it
//! on: before answering, a look-up reads the entries stored at or after `covered`, so an
//! entry written by anyone else is taken into account. The sequencer's look-up skips that
//! read when `covered` equals its own tree's size: every entry it knows of is covered, and
//! an entry another process stored after them would make its commit at that size fail (the
//! primary key on `seq`), so nothing judged with a stale index is ever written. Lowering
//! `covered` is always safe (it only makes the next read longer); raising it past an entry
//! not in the index never happens.

use crate::store::columns::{int, seq_of};
use crate::store::fingerprints::{fingerprint, FingerprintIndex};
use crate::store::StoreError;
use sqlx::postgres::PgConnection;
use sqlx::Row;
use std::sync::atomic::{AtomicU64, Ordering};

/// Entries (by `seq`) whose references one query reads while the index loads.
const ENTRIES_PER_READ: u64 = 16_384;

/// The fingerprints of the stored references, and how far they are known to be complete.
#[derive(Debug, Default)]
pub(super) struct ReferenceIndex {
    index: FingerprintIndex,
    /// Every entry with a `seq` below this is in `index`.
    covered: AtomicU64,
}

impl ReferenceIndex {
    /// Loads the index on `conn` (the writing connection, held by the caller: the first
    /// look-up waits for it, and a platform's connection budget needs no other
    /// connection for it), unless it was loaded or tried before.
    async fn load_on(&self, conn: &mut PgConnection) {
        if !self.index.begin_load() {
            return;
        }
        let started = std::time::Instant::now();
        match read_references_below_the_end(conn).await {
            Ok((pairs, size)) => {
                let count = pairs.len();
                // Every entry below `size` was read; the next look-up reads from it on.
                self.covered.store(size, Ordering::SeqCst);
                self.index.finish_load(Some(pairs));
                tracing::info!(
                    count,
                    ms = started.elapsed().as_millis() as u64,
                    "donation references loaded"
                );
            }
            Err(e) => {
                tracing::warn!(error = %e, "could not load the donation references; looking them up with SQL");
                self.index.finish_load(None);
            }
        }
    }

    /// Adds the references of a batch just committed, whose entries start at `first` and
    /// end before `end`; `covered` follows when the batch starts where it stood.
    pub(super) fn record_commit<'a>(
        &self,
        first: u64,
        end: u64,
        references: impl Iterator<Item = (&'a str, u64)>,
    ) {
        self.index.record(references);
        let _ = self
            .covered
            .compare_exchange(first, end, Ordering::SeqCst, Ordering::SeqCst);
    }

    /// The `seq`s of the stored entries whose reference may be one of `references` (every
    /// entry that has one is among them), after reading on `conn` the entries stored since
    /// `covered`, unless the caller knows the ledger holds `known_size` entries and they are
    /// all covered; `None` when the index could not be loaded (the caller asks SQL).
    ///
    /// # Errors
    /// [`StoreError`] when reading the newer entries fails.
    pub(super) async fn candidates(
        &self,
        conn: &mut PgConnection,
        references: &[String],
        known_size: Option<u64>,
    ) -> Result<Option<Vec<u64>>, StoreError> {
        self.load_on(conn).await;
        if self.index.candidates_of_all(&[]).await.is_none() {
            return Ok(None);
        }
        if known_size != Some(self.covered.load(Ordering::SeqCst)) {
            self.catch_up(conn).await?;
        }
        Ok(self.index.candidates_of_all(references).await)
    }

    /// Reads the entries stored at or after `covered` into the index.
    async fn catch_up(&self, conn: &mut PgConnection) -> Result<(), StoreError> {
        let from = self.covered.load(Ordering::SeqCst);
        let rows = sqlx::query("select seq, reference from entries where seq >= $1 order by seq")
            .bind(int(from))
            .fetch_all(conn)
            .await?;
        let Some(last) = rows.last() else {
            return Ok(());
        };
        let end = seq_of(last.try_get::<i64, _>("seq")?) + 1;
        let mut found = Vec::new();
        for row in &rows {
            if let Some(reference) = row.try_get::<Option<String>, _>("reference")? {
                found.push((reference, seq_of(row.try_get::<i64, _>("seq")?)));
            }
        }
        self.index
            .record(found.iter().map(|(r, seq)| (r.as_str(), *seq)));
        // Entries are dense and never removed: everything from `from` to `end` was read.
        let _ = self
            .covered
            .compare_exchange(from, end, Ordering::SeqCst, Ordering::SeqCst);
        Ok(())
    }
}

/// Every (fingerprint, seq) of a stored reference, and the ledger's size when reading
/// began (every entry below it was read).
async fn read_references_below_the_end(
    conn: &mut PgConnection,
) -> Result<(Vec<(u64, u64)>, u64), StoreError> {
    let size: Option<i64> = sqlx::query_scalar("select max(seq) + 1 from entries")
        .fetch_one(&mut *conn)
        .await?;
    let size = size.map_or(0, seq_of);
    let mut pairs = Vec::new();
    for start in (0..size).step_by(ENTRIES_PER_READ as usize) {
        let rows = sqlx::query(
            "select seq, reference from entries \
             where reference is not null and seq >= $1 and seq < $2",
        )
        .bind(int(start))
        .bind(int(start + ENTRIES_PER_READ))
        .fetch_all(&mut *conn)
        .await?;
        for row in &rows {
            let reference: &str = row.try_get("reference")?;
            pairs.push((
                fingerprint(reference),
                seq_of(row.try_get::<i64, _>("seq")?),
            ));
        }
    }
    Ok((pairs, size))
}
