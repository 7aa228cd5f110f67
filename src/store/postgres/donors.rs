//! PostgreSQL: the `donors` table (migrations/postgres/0002_donors.sql).

use super::{int, seq_of, PostgresStore};
use crate::store::{DonorRecord, Erasure, NewEntry, StoreError, ERASED_FINGERPRINT};
use sqlx::Row;

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
        .bind(int(e.seq))
        .bind(&p.name)
        .bind(&p.email)
        .bind(&p.phone)
        .bind(&p.address)
        .bind(&p.identifier)
        .bind(p.salt.map(|s| s.to_vec()))
        .bind(p.consent_publish_name)
        .bind(&e.recorded_at)
        .execute(&mut *tx)
        .await?;
    }
    Ok(())
}

impl PostgresStore {
    pub(in crate::store) async fn donor(
        &self,
        seq: u64,
    ) -> Result<Option<DonorRecord>, StoreError> {
        let row = sqlx::query(
            "select seq, name, email, phone, address, identifier, salt, consent_publish_name, consent_recorded_at \
             from donors where seq = $1",
        )
        .bind(int(seq))
        .fetch_optional(&self.pool)
        .await?;
        let Some(r) = row else { return Ok(None) };
        Ok(Some(DonorRecord {
            seq: seq_of(r.try_get("seq")?),
            name: r.try_get("name")?,
            email: r.try_get("email")?,
            phone: r.try_get("phone")?,
            address: r.try_get("address")?,
            identifier: r.try_get("identifier")?,
            salt: r.try_get::<Option<Vec<u8>>, _>("salt")?.map(hex::encode),
            consent_publish_name: r.try_get("consent_publish_name")?,
            consent_recorded_at: r.try_get("consent_recorded_at")?,
        }))
    }

    /// Deletes the row and spoils the idempotency fingerprint in one transaction, then
    /// vacuums the table so the dead row is reclaimed now rather than at the next
    /// autovacuum (the server's own WAL and backups follow the operator's retention).
    pub(in crate::store) async fn erase_donor(&self, seq: u64) -> Result<Erasure, StoreError> {
        let mut tx = self.pool.begin().await?;
        let deleted = sqlx::query("delete from donors where seq = $1")
            .bind(int(seq))
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if deleted == 0 {
            return Ok(Erasure::NothingToErase);
        }
        sqlx::query("update idempotency set request_hash = $1 where seq = $2")
            .bind(&ERASED_FINGERPRINT.0[..])
            .bind(int(seq))
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        let _ = sqlx::query("vacuum donors").execute(&self.pool).await;
        Ok(Erasure::Purged)
    }
}
