//! The ledger's `key.rotate` entries (SPEC.md §23), which the sequencer reads at start-up
//! to know which key signed which checkpoints.
//!
//! A rotation is about no campaign, so its row's `campaign` is null: the query reads the
//! campaign index's null prefix (bank statements, ledger-wide approval rules and key
//! rotations, all rare), never the whole ledger.

use super::queries::Queries;
use super::{Store, StoreError, StoredEntry};
use sqlx::{ColumnIndex, Database, Decode, Encode, Executor, IntoArguments, Type};

const ROTATIONS: &str = "select seq, leaf, leaf_hash from entries \
    where campaign is null and kind = 'key.rotate' order by seq";

impl Store {
    /// Every `key.rotate` entry, in order.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    pub async fn key_rotations(&self) -> Result<Vec<StoredEntry>, StoreError> {
        on_pool!(self, pool => Queries::key_rotations(pool).await)
    }
}

// The same bounds as the other shared queries (`queries.rs`).
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
    for<'r> Option<String>: Encode<'r, DB> + Type<DB>,
    for<'r> Vec<u8>: Decode<'r, DB> + Type<DB>,
    for<'r> bool: Decode<'r, DB> + Type<DB>,
{
    async fn key_rotations<'c>(
        exec: impl Executor<'c, Database = DB>,
    ) -> Result<Vec<StoredEntry>, StoreError> {
        let rows = sqlx::query::<DB>(ROTATIONS).fetch_all(exec).await?;
        rows.iter().map(Self::stored_entry).collect()
    }
}
