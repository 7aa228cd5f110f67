//! The queries of the search indexes (`search.rs`), shared by both databases like the rest
//! of [`Queries`].

use super::columns::seq_of;
use super::queries::Queries;
use super::StoreError;
use sqlx::{ColumnIndex, Database, Decode, Encode, Executor, IntoArguments, Row, Type};

const SEARCH_KEYS: &str = "select seq from search_keys where key >= $1 and key < $2 limit $3";
const SEARCH_DAYS: &str =
    "select seq from search_days where received_at = $1 and amount = $2 limit $3";

impl<DB> Queries<DB>
where
    DB: Database,
    DB::Arguments: IntoArguments<DB>,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    usize: ColumnIndex<DB::Row>,
    for<'r> &'r str: ColumnIndex<DB::Row> + Encode<'r, DB> + Decode<'r, DB> + Type<DB>,
    for<'r> &'r [u8]: Encode<'r, DB> + Decode<'r, DB> + Type<DB>,
    for<'r> i64: Encode<'r, DB> + Decode<'r, DB> + Type<DB>,
    for<'r> String: Encode<'r, DB> + Decode<'r, DB> + Type<DB>,
    for<'r> Vec<u8>: Decode<'r, DB> + Type<DB>,
    for<'r> bool: Decode<'r, DB> + Type<DB>,
{
    /// The seqs of up to `limit` search keys from `from` (inclusive) to `to` (exclusive).
    pub(crate) async fn search_key_seqs<'c>(
        exec: impl Executor<'c, Database = DB>,
        from: &[u8],
        to: &[u8],
        limit: i64,
    ) -> Result<Vec<u64>, StoreError> {
        let rows = sqlx::query::<DB>(SEARCH_KEYS)
            .bind(from)
            .bind(to)
            .bind(limit)
            .fetch_all(exec)
            .await?;
        rows.iter().map(|r| Ok(seq_of(r.try_get(0)?))).collect()
    }

    /// The seqs of up to `limit` donations received on `day` of `amount` minor units.
    pub(crate) async fn search_day_seqs<'c>(
        exec: impl Executor<'c, Database = DB>,
        day: &str,
        amount: &str,
        limit: i64,
    ) -> Result<Vec<u64>, StoreError> {
        let rows = sqlx::query::<DB>(SEARCH_DAYS)
            .bind(day)
            .bind(amount)
            .bind(limit)
            .fetch_all(exec)
            .await?;
        rows.iter().map(|r| Ok(seq_of(r.try_get(0)?))).collect()
    }

    /// How far the search index of entries stored before it existed has come:
    /// (`below`, `done`).
    pub(crate) async fn search_backfill<'c>(
        exec: impl Executor<'c, Database = DB>,
    ) -> Result<Option<(u64, u64)>, StoreError> {
        let row = sqlx::query::<DB>("select below, done from search_backfill")
            .fetch_optional(exec)
            .await?;
        row.map(|r| Ok((seq_of(r.try_get(0)?), seq_of(r.try_get(1)?))))
            .transpose()
    }
}
