//! Witness cosignatures of the log's checkpoints (SPEC.md §14): one signature line per
//! checkpoint size and witness key, append-only, in both databases with the same SQL.

use super::columns::{int, seq_of};
use super::{Store, StoreError};
use sqlx::{ColumnIndex, Database, Decode, Encode, Executor, IntoArguments, Row, Type};
use std::collections::HashMap;

/// One witness's cosignature of the checkpoint of `size` leaves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredCosignature {
    /// The checkpoint's size.
    pub size: u64,
    /// The witness's verifier key.
    pub witness: String,
    /// The signature line, without its newline.
    pub line: String,
    /// The cosignature's timestamp (POSIX seconds).
    pub cosigned_at: u64,
}

const ADD: &str = "insert into cosignatures (size, witness, line, cosigned_at) \
    values ($1, $2, $3, $4) on conflict (size, witness) do nothing";
const AT: &str = "select size, witness, line, cosigned_at from cosignatures \
    where size = $1 order by witness";
const NEWEST: &str = "select max(size) as size from cosignatures";
const LATEST_BY_WITNESS: &str =
    "select witness, max(size) as size from cosignatures group by witness";

async fn add<'c, DB>(
    exec: impl Executor<'c, Database = DB>,
    c: &StoredCosignature,
) -> Result<(), StoreError>
where
    DB: Database,
    DB::Arguments: IntoArguments<DB>,
    for<'r> i64: Encode<'r, DB> + Type<DB>,
    for<'r> String: Encode<'r, DB> + Type<DB>,
{
    sqlx::query::<DB>(ADD)
        .bind(int(c.size))
        .bind(c.witness.clone())
        .bind(c.line.clone())
        .bind(int(c.cosigned_at))
        .execute(exec)
        .await?;
    Ok(())
}

async fn at<'c, DB>(
    exec: impl Executor<'c, Database = DB>,
    size: u64,
) -> Result<Vec<StoredCosignature>, StoreError>
where
    DB: Database,
    DB::Arguments: IntoArguments<DB>,
    for<'r> &'r str: ColumnIndex<DB::Row>,
    for<'r> i64: Encode<'r, DB> + Decode<'r, DB> + Type<DB>,
    for<'r> String: Decode<'r, DB> + Type<DB>,
{
    let rows = sqlx::query::<DB>(AT)
        .bind(int(size))
        .fetch_all(exec)
        .await?;
    rows.iter()
        .map(|r| {
            Ok(StoredCosignature {
                size: seq_of(r.try_get("size")?),
                witness: r.try_get("witness")?,
                line: r.try_get("line")?,
                cosigned_at: seq_of(r.try_get("cosigned_at")?),
            })
        })
        .collect()
}

async fn latest<'c, DB>(
    exec: impl Executor<'c, Database = DB>,
) -> Result<HashMap<String, u64>, StoreError>
where
    DB: Database,
    DB::Arguments: IntoArguments<DB>,
    for<'r> &'r str: ColumnIndex<DB::Row>,
    for<'r> i64: Decode<'r, DB> + Type<DB>,
    for<'r> String: Decode<'r, DB> + Type<DB>,
{
    let rows = sqlx::query::<DB>(LATEST_BY_WITNESS).fetch_all(exec).await?;
    rows.iter()
        .map(|r| Ok((r.try_get("witness")?, seq_of(r.try_get("size")?))))
        .collect()
}

impl Store {
    /// Keeps a cosignature (a second one for the same size and witness is ignored). On
    /// SQLite it is written on the sequencer's connection, between two group commits.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    pub async fn add_cosignature(&self, c: &StoredCosignature) -> Result<(), StoreError> {
        match self {
            Store::Sqlite(s) => add(&mut *s.writing_connection().await?, c).await,
            Store::Postgres(s) => add(&*s.pool().await?, c).await,
        }
    }

    /// Keeps several cosignatures in one transaction (see [`Store::add_cosignature`]): the
    /// witness client writes what its witnesses answered together, one small write next
    /// to the group commits rather than one per witness.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails; then none of them is kept.
    pub async fn add_cosignatures(&self, all: &[StoredCosignature]) -> Result<(), StoreError> {
        match all {
            [] => Ok(()),
            [one] => self.add_cosignature(one).await,
            _ => match self {
                Store::Sqlite(s) => {
                    let mut conn = s.writing_connection().await?;
                    let mut tx = sqlx::Connection::begin(&mut *conn).await?;
                    for c in all {
                        add(&mut *tx, c).await?;
                    }
                    Ok(tx.commit().await?)
                }
                Store::Postgres(s) => {
                    let mut tx = s.pool().await?.begin().await?;
                    for c in all {
                        add(&mut *tx, c).await?;
                    }
                    Ok(tx.commit().await?)
                }
            },
        }
    }

    /// The largest checkpoint size any witness cosigned, if any (read from the primary key's
    /// index, so it stays cheap as cosignatures accumulate).
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    pub async fn newest_cosigned_size(&self) -> Result<Option<u64>, StoreError> {
        let size: Option<i64> =
            on_pool!(self, pool => sqlx::query_scalar(NEWEST).fetch_one(pool).await)?;
        Ok(size.map(seq_of))
    }

    /// The cosignatures of the checkpoint of `size` leaves, by witness key.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    pub async fn cosignatures_at(&self, size: u64) -> Result<Vec<StoredCosignature>, StoreError> {
        on_pool!(self, pool => at(pool, size).await)
    }

    /// The largest size each witness (by key) cosigned.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    pub async fn latest_cosigned_sizes(&self) -> Result<HashMap<String, u64>, StoreError> {
        on_pool!(self, pool => latest(pool).await)
    }
}
