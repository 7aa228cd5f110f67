//! The gifts recorded with one donor identifier, for donor statements (SPEC.md §21): the
//! donations whose off-chain personal data names that identifier (stored normalised,
//! SPEC.md §2.4.1), with their commitment salts. Erased rows are gone, so their gifts are not
//! found.

use super::columns::{int, seq_of};
use super::{Store, StoreError};
use sqlx::{ColumnIndex, Database, Decode, Encode, Executor, IntoArguments, Row, Type};

/// The most gifts one identifier's statement lists.
pub const MAX_GIFTS: u64 = 1000;

const GIFTS_OF_IDENTIFIER: &str =
    "select seq, salt from donors where identifier = $1 order by seq limit $2";

/// One gift recorded with an identifier: its seq and commitment salt, when it has one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdentifiedGift {
    /// The donation's position.
    pub seq: u64,
    /// Its donor commitment's salt.
    pub salt: Option<[u8; 32]>,
}

async fn gifts<'c, DB>(
    exec: impl Executor<'c, Database = DB>,
    identifier: &str,
) -> Result<Vec<IdentifiedGift>, StoreError>
where
    DB: Database,
    for<'q> DB::Arguments: IntoArguments<DB>,
    for<'r> &'r str: ColumnIndex<DB::Row> + Encode<'r, DB> + Type<DB>,
    for<'r> i64: Encode<'r, DB> + Decode<'r, DB> + Type<DB>,
    for<'r> Option<Vec<u8>>: Decode<'r, DB> + Type<DB>,
{
    let rows = sqlx::query::<DB>(GIFTS_OF_IDENTIFIER)
        .bind(identifier)
        .bind(int(MAX_GIFTS))
        .fetch_all(exec)
        .await?;
    rows.iter()
        .map(|r| {
            let salt: Option<Vec<u8>> = r.try_get("salt")?;
            Ok(IdentifiedGift {
                seq: seq_of(r.try_get("seq")?),
                salt: salt.and_then(|s| <[u8; 32]>::try_from(s).ok()),
            })
        })
        .collect()
}

impl Store {
    /// The gifts whose personal data names `identifier` (already normalised), in ledger
    /// order, at most [`MAX_GIFTS`].
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    pub async fn gifts_of_identifier(
        &self,
        identifier: &str,
    ) -> Result<Vec<IdentifiedGift>, StoreError> {
        on_pool!(self, pool => gifts(pool, identifier).await)
    }
}
