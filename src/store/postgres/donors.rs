//! PostgreSQL: the `donors` table (migrations/postgres/0002_donors.sql).

use super::{int, seq_of, PostgresStore};
use crate::store::{DonorRecord, NewEntry, StoreError};
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

    pub(in crate::store) async fn erase_donor(&self, seq: u64) -> Result<bool, StoreError> {
        let done = sqlx::query("delete from donors where seq = $1")
            .bind(int(seq))
            .execute(&self.pool)
            .await?;
        // Reclaim the dead row now rather than at the next autovacuum.
        let _ = sqlx::query("vacuum donors").execute(&self.pool).await;
        Ok(done.rows_affected() == 1)
    }
}
