//! Staff console sessions: stored only as SHA-256 hashes of their ids, each with its token,
//! and remembered briefly once found, as tokens are ([`super::TOKEN_CACHE_TTL`]).
//!
//! A lookup joins the session's token and finds nothing once the token is revoked, so a
//! token revoked by another process (`fundtrail token revoke`, another server of a
//! PostgreSQL deployment) ends its sessions within the cache's life; revoking through this
//! store also deletes them at once. Whether a found session is still live (idle and absolute
//! expiry) is for `crate::auth::session::SessionPolicy` to judge, not the store.

use super::queries::Queries;
use super::{Store, StoreError, TokenRecord, TOKEN_CACHE_TTL};
use crate::ledger::hash::Hash;
use sqlx::{ColumnIndex, Database, Decode, Encode, Executor, IntoArguments, Row, Type};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

const CREATE_SESSION: &str =
    "insert into sessions (id_hash, token_id, created_at, last_seen_at, expires_at) \
    values ($1, $2, $3, $4, $5)";
const FIND_SESSION: &str =
    "select s.created_at as session_created_at, s.last_seen_at, s.expires_at, \
    t.id, t.name, t.role, t.created_at, t.revoked_at \
    from sessions s join tokens t on t.id = s.token_id \
    where s.id_hash = $1 and t.revoked_at is null";
const TOUCH_SESSION: &str =
    "update sessions set last_seen_at = $1 where id_hash = $2 and last_seen_at < $1";
const END_SESSION: &str = "delete from sessions where id_hash = $1";
const END_SESSIONS_OF_TOKEN: &str = "delete from sessions where token_id = $1";
const PURGE_SESSIONS: &str = "delete from sessions where expires_at <= $1 or last_seen_at <= $2";

/// The times of a stored session, in milliseconds since 1970-01-01 UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionTimes {
    /// When it was made.
    pub created_at: i64,
    /// When it was last used (written at most every `SessionPolicy::touch_interval`).
    pub last_seen_at: i64,
    /// When it ends however busy.
    pub expires_at: i64,
}

/// A stored session: its token (unrevoked when it was read) and its times.
#[derive(Debug, Clone)]
pub struct StoredSession {
    /// The token the session was made with.
    pub token: TokenRecord,
    /// When it was made, last used, and ends however busy.
    pub times: SessionTimes,
}

/// Recently found sessions of one store, by hash.
#[derive(Default, Debug)]
pub(super) struct SessionCache(Mutex<HashMap<Hash, (StoredSession, Instant)>>);

impl SessionCache {
    fn get(&self, h: &Hash) -> Option<StoredSession> {
        let map = self.0.lock().ok()?;
        map.get(h)
            .filter(|(_, at)| at.elapsed() < TOKEN_CACHE_TTL)
            .map(|(s, _)| s.clone())
    }
    fn put(&self, h: Hash, s: StoredSession) {
        if let Ok(mut map) = self.0.lock() {
            if map.len() > 10_000 {
                map.clear();
            }
            map.insert(h, (s, Instant::now()));
        }
    }
    fn seen(&self, h: &Hash, last_seen_at: i64) {
        if let Ok(mut map) = self.0.lock() {
            if let Some((s, _)) = map.get_mut(h) {
                s.times.last_seen_at = s.times.last_seen_at.max(last_seen_at);
            }
        }
    }
    fn forget(&self, h: &Hash) {
        if let Ok(mut map) = self.0.lock() {
            map.remove(h);
        }
    }
    pub(super) fn clear(&self) {
        if let Ok(mut map) = self.0.lock() {
            map.clear();
        }
    }
}

impl Store {
    /// Stores a new session of token `token_id` under `id_hash`, with `times`.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails (nothing is stored then).
    pub async fn create_session(
        &self,
        id_hash: &Hash,
        token_id: i64,
        times: &SessionTimes,
    ) -> Result<(), StoreError> {
        on_pool!(self, pool => Queries::create_session(pool, id_hash, token_id, times).await)
    }

    /// The session stored under `id_hash`, if its token is unrevoked, whatever its times say.
    /// A session found is remembered for [`TOKEN_CACHE_TTL`] (unless `fresh`, which reads
    /// the database whatever is remembered).
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    pub async fn find_session(
        &self,
        id_hash: &Hash,
        fresh: bool,
    ) -> Result<Option<StoredSession>, StoreError> {
        if !fresh {
            if let Some(found) = self.session_cache().get(id_hash) {
                return Ok(Some(found));
            }
        }
        let found = on_pool!(self, pool => Queries::find_session(pool, id_hash).await)?;
        match &found {
            Some(session) => self.session_cache().put(*id_hash, session.clone()),
            None => self.session_cache().forget(id_hash),
        }
        Ok(found)
    }

    /// Records that the session under `id_hash` was used at `now_ms` (never moving its
    /// last-seen time back).
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    pub async fn touch_session(&self, id_hash: &Hash, now_ms: i64) -> Result<(), StoreError> {
        on_pool!(self, pool => Queries::touch_session(pool, id_hash, now_ms).await)?;
        self.session_cache().seen(id_hash, now_ms);
        Ok(())
    }

    /// Deletes the session under `id_hash` (nothing happens when there is none).
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    pub async fn end_session(&self, id_hash: &Hash) -> Result<(), StoreError> {
        self.session_cache().forget(id_hash);
        on_pool!(self, pool => Queries::end_session(pool, id_hash).await)
    }

    /// Deletes every session that ended by `now_ms`: past its absolute expiry, or last used
    /// at or before `idle_cutoff_ms`.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    pub async fn purge_sessions(&self, now_ms: i64, idle_cutoff_ms: i64) -> Result<(), StoreError> {
        on_pool!(self, pool => Queries::purge_sessions(pool, now_ms, idle_cutoff_ms).await)
    }

    /// Deletes every session of token `token_id` and forgets every remembered session.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    pub(super) async fn end_sessions_of_token(&self, token_id: i64) -> Result<(), StoreError> {
        self.session_cache().clear();
        on_pool!(self, pool => Queries::end_sessions_of_token(pool, token_id).await)
    }

    /// This store's cache of found sessions.
    fn session_cache(&self) -> &SessionCache {
        &dispatch!(self, s => s.caches()).sessions
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
    for<'r> Vec<u8>: Decode<'r, DB> + Type<DB>,
    for<'r> bool: Decode<'r, DB> + Type<DB>,
{
    async fn create_session<'c>(
        exec: impl Executor<'c, Database = DB>,
        id_hash: &Hash,
        token_id: i64,
        times: &SessionTimes,
    ) -> Result<(), StoreError> {
        sqlx::query::<DB>(CREATE_SESSION)
            .bind(&id_hash.0[..])
            .bind(token_id)
            .bind(times.created_at)
            .bind(times.last_seen_at)
            .bind(times.expires_at)
            .execute(exec)
            .await?;
        Ok(())
    }

    async fn find_session<'c>(
        exec: impl Executor<'c, Database = DB>,
        id_hash: &Hash,
    ) -> Result<Option<StoredSession>, StoreError> {
        let row = sqlx::query::<DB>(FIND_SESSION)
            .bind(&id_hash.0[..])
            .fetch_optional(exec)
            .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        Ok(Some(StoredSession {
            token: Self::token(&row)?,
            times: SessionTimes {
                created_at: row.try_get("session_created_at")?,
                last_seen_at: row.try_get("last_seen_at")?,
                expires_at: row.try_get("expires_at")?,
            },
        }))
    }

    async fn touch_session<'c>(
        exec: impl Executor<'c, Database = DB>,
        id_hash: &Hash,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        sqlx::query::<DB>(TOUCH_SESSION)
            .bind(now_ms)
            .bind(&id_hash.0[..])
            .execute(exec)
            .await?;
        Ok(())
    }

    async fn end_session<'c>(
        exec: impl Executor<'c, Database = DB>,
        id_hash: &Hash,
    ) -> Result<(), StoreError> {
        sqlx::query::<DB>(END_SESSION)
            .bind(&id_hash.0[..])
            .execute(exec)
            .await?;
        Ok(())
    }

    async fn end_sessions_of_token<'c>(
        exec: impl Executor<'c, Database = DB>,
        token_id: i64,
    ) -> Result<(), StoreError> {
        sqlx::query::<DB>(END_SESSIONS_OF_TOKEN)
            .bind(token_id)
            .execute(exec)
            .await?;
        Ok(())
    }

    async fn purge_sessions<'c>(
        exec: impl Executor<'c, Database = DB>,
        now_ms: i64,
        idle_cutoff_ms: i64,
    ) -> Result<(), StoreError> {
        sqlx::query::<DB>(PURGE_SESSIONS)
            .bind(now_ms)
            .bind(idle_cutoff_ms)
            .execute(exec)
            .await?;
        Ok(())
    }
}
