//! The store's one error type: what a database failure means to a caller (full, read-only,
//! unreachable, corrupt), sorted from the drivers' error codes in one place.

/// Errors from the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database reported an error.
    #[error("database error: {0}")]
    Database(sqlx::Error),
    /// Migrations could not be applied.
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// Stored data is not what the ledger wrote.
    #[error("stored data is inconsistent: {0}")]
    Corrupt(String),
    /// The disk (or the database server's disk) is full.
    #[error("storage is full: {0}")]
    Full(String),
    /// The database or its disk is read-only.
    #[error("storage is read-only: {0}")]
    ReadOnly(String),
    /// The database could not be reached or failed while writing.
    #[error("storage is unavailable: {0}")]
    Unavailable(String),
    /// Another token (revoked ones included) already has this name, ignoring case.
    #[error("a token named {existing:?} already exists (token names are unique, ignoring case, revoked tokens included); choose another name, e.g. \"{name} 2\"")]
    TokenNameTaken {
        /// The name asked for.
        name: String,
        /// The existing token's name.
        existing: String,
    },
}

impl From<sqlx::Error> for StoreError {
    /// Sorts database errors so callers can say what happened: full disk (SQLite
    /// SQLITE_FULL, PostgreSQL 53100), read-only storage (SQLITE_READONLY, 25006), I/O
    /// failure (SQLITE_IOERR), or anything else.
    fn from(e: sqlx::Error) -> Self {
        let code = match &e {
            sqlx::Error::Database(db) => db.code().map(|c| c.into_owned()),
            _ => None,
        };
        let sqlite_primary = code
            .as_deref()
            .and_then(|c| c.parse::<i64>().ok())
            .map(|c| c & 0xff);
        match (code.as_deref(), sqlite_primary) {
            (_, Some(13)) | (Some("53100"), _) => StoreError::Full(e.to_string()),
            (_, Some(8)) | (Some("25006"), _) => StoreError::ReadOnly(e.to_string()),
            (_, Some(10)) => StoreError::Unavailable(e.to_string()),
            _ if matches!(
                e,
                sqlx::Error::Io(_) | sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed
            ) =>
            {
                StoreError::Unavailable(e.to_string())
            }
            _ => StoreError::Database(e),
        }
    }
}

impl StoreError {
    /// A copy of this error to hand to each request of a failed batch.
    pub fn for_each_request(&self) -> StoreError {
        match self {
            StoreError::Full(m) => StoreError::Full(m.clone()),
            StoreError::ReadOnly(m) => StoreError::ReadOnly(m.clone()),
            StoreError::Unavailable(m) => StoreError::Unavailable(m.clone()),
            other => StoreError::Unavailable(other.to_string()),
        }
    }
}
