//! SQLite: the `donors` table (migrations/sqlite/0002_donors.sql).

use super::{int, seq_of, SqliteStore};
use crate::store::{DonorRecord, StoreError};
use sqlx::Row;

impl SqliteStore {
    pub(in crate::store) async fn donor(
        &self,
        seq: u64,
    ) -> Result<Option<DonorRecord>, StoreError> {
        let row = sqlx::query(
            "select seq, name, email, phone, address, identifier, salt, consent_publish_name, consent_recorded_at \
             from donors where seq = ?",
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
        let mut conn = self.pool.acquire().await?;
        // secure_delete zeroes the freed cell instead of leaving it in the file; the
        // checkpoint then moves the zeroed page out of the WAL and truncates it.
        sqlx::query("pragma secure_delete = on")
            .execute(&mut *conn)
            .await?;
        let done = sqlx::query("delete from donors where seq = ?")
            .bind(int(seq))
            .execute(&mut *conn)
            .await?;
        let _ = sqlx::query("pragma wal_checkpoint(truncate)")
            .execute(&mut *conn)
            .await;
        Ok(done.rows_affected() == 1)
    }
}
