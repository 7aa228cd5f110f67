//! PostgreSQL: writing the `donors` table (migrations/postgres/0002_donors.sql) in the
//! group commit, and erasing a row for good.

use super::{int, PostgresStore};
use crate::store::queries::Queries;
use crate::store::{Erasure, NewEntry, StoreError};

/// Writes the personal data carried by `entries`, inside the group commit's transaction.
pub(super) async fn insert_donors(
    tx: &mut sqlx::PgConnection,
    entries: &[NewEntry],
) -> Result<(), StoreError> {
    for e in entries {
        let Some(p) = &e.private else { continue };
        sqlx::query(
            "insert into donors (seq, name, email, phone, address, identifier, salt, consent_publish_name, consent_recorded_at) \
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(int(e.entry.seq))
        .bind(&p.name)
        .bind(&p.email)
        .bind(&p.phone)
        .bind(&p.address)
        .bind(&p.identifier)
        .bind(p.salt.map(|s| s.to_vec()))
        .bind(p.consent_publish_name)
        .bind(&e.entry.recorded_at)
        .execute(&mut *tx)
        .await?;
    }
    Ok(())
}

impl PostgresStore {
    /// Deletes the row and spoils the idempotency fingerprint in one transaction, then
    /// vacuums the table so the dead row is reclaimed now rather than at the next
    /// autovacuum (the server's own WAL and backups follow the operator's retention).
    pub(in crate::store) async fn erase_donor(&self, seq: u64) -> Result<Erasure, StoreError> {
        if !Queries::delete_donor(self.pool.begin().await?, seq).await? {
            return Ok(Erasure::NothingToErase);
        }
        let _ = sqlx::query("vacuum donors").execute(&self.pool).await;
        Ok(Erasure::Purged)
    }
}
