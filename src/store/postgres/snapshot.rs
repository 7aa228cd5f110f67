//! PostgreSQL: [`HeadSnapshot`] in one repeatable-read, read-only transaction.

use super::{seq_of, PostgresStore};
use crate::store::{HeadSnapshot, StoreError};

impl PostgresStore {
    pub(in crate::store) async fn head_snapshot(&self) -> Result<HeadSnapshot, StoreError> {
        let mut tx = self
            .pool
            .begin_with("begin isolation level repeatable read read only")
            .await?;
        let checkpoint =
            sqlx::query("select size, root, note from checkpoints order by size desc limit 1")
                .fetch_optional(&mut *tx)
                .await?
                .as_ref()
                .map(Self::checkpoint_row)
                .transpose()?;
        let campaigns = sqlx::query("select idx, opened_seq, state from campaigns order by idx")
            .fetch_all(&mut *tx)
            .await?
            .iter()
            .map(Self::campaign_row)
            .collect::<Result<Vec<_>, _>>()?;
        let size: Option<i64> = sqlx::query_scalar("select max(seq) + 1 from entries")
            .fetch_one(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(HeadSnapshot {
            checkpoint,
            campaigns,
            size: size.map_or(0, seq_of),
        })
    }
}
