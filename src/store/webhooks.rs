//! Outgoing webhooks (SPEC.md §20.3): the registered URLs with their secrets and the next
//! entry each is owed, and the log of delivery attempts. The same SQL serves both databases.

use super::columns::{int, seq_of};
use super::{Store, StoreError};
use serde::Serialize;
use sqlx::{ColumnIndex, Database, Decode, Encode, Executor, IntoArguments, Row, Type};

/// A registered webhook as the delivery task needs it (with its secret).
#[derive(Clone, PartialEq, Eq)]
pub struct Webhook {
    /// Its id.
    pub id: i64,
    /// Where events are POSTed.
    pub url: String,
    /// The HMAC-SHA256 key of its signatures.
    pub secret: String,
    /// The next entry to send it.
    pub next_seq: u64,
}

impl std::fmt::Debug for Webhook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Webhook")
            .field("id", &self.id)
            .field("url", &self.url)
            .field("next_seq", &self.next_seq)
            .finish_non_exhaustive()
    }
}

/// A webhook as an admin sees it: never its secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WebhookRecord {
    /// Its id.
    pub id: i64,
    /// Where events are POSTed.
    pub url: String,
    /// When it was registered (RFC 3339).
    pub created_at: String,
    /// Who registered it (the token's name).
    pub created_by: String,
    /// When it was removed, if it was.
    pub revoked_at: Option<String>,
    /// The next entry it is owed: every entry before it was delivered.
    pub next_seq: u64,
}

/// One delivery attempt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Delivery {
    /// The entry sent.
    pub seq: u64,
    /// 1 for the first attempt of this entry, then 2, 3...
    pub attempt: u64,
    /// When (RFC 3339).
    pub attempted_at: String,
    /// The receiver's HTTP status, when it answered.
    pub status: Option<u16>,
    /// Why it failed, when it did.
    pub error: Option<String>,
    /// Whether the receiver acknowledged it (2xx).
    pub delivered: bool,
}

/// What a new webhook is.
#[derive(Debug, Clone)]
pub struct NewWebhook<'a> {
    /// Where events go.
    pub url: &'a str,
    /// Its secret.
    pub secret: &'a str,
    /// Now (RFC 3339).
    pub created_at: &'a str,
    /// The admin's token name.
    pub created_by: &'a str,
    /// The first entry it is sent (the ledger's size when registered).
    pub next_seq: u64,
}

const INSERT: &str = "insert into webhooks (url, secret, created_at, created_by, next_seq) \
    values ($1, $2, $3, $4, $5) returning id";
const ACTIVE: &str =
    "select id, url, secret, next_seq from webhooks where revoked_at is null order by id";
const ONE_ACTIVE: &str =
    "select id, url, secret, next_seq from webhooks where id = $1 and revoked_at is null";
const ALL: &str =
    "select id, url, created_at, created_by, revoked_at, next_seq from webhooks order by id";
const REVOKE: &str =
    "update webhooks set revoked_at = $2 where id = $1 and revoked_at is null returning id";
const ADVANCE: &str = "update webhooks set next_seq = $2 where id = $1";
const LOG: &str = "insert into webhook_deliveries \
    (webhook_id, seq, attempt, attempted_at, status, error, delivered) \
    values ($1, $2, $3, $4, $5, $6, $7)";
const DELIVERIES: &str = "select seq, attempt, attempted_at, status, error, delivered \
    from webhook_deliveries where webhook_id = $1 order by id desc limit $2";

/// The queries of this module over database `DB`.
struct Q<DB>(std::marker::PhantomData<DB>);

impl<DB> Q<DB>
where
    DB: Database,
    for<'q> DB::Arguments: IntoArguments<DB>,
    for<'c> &'c sqlx::Pool<DB>: Executor<'c, Database = DB>,
    for<'r> &'r str: ColumnIndex<DB::Row> + Encode<'r, DB> + Type<DB>,
    for<'r> i64: Encode<'r, DB> + Decode<'r, DB> + Type<DB>,
    for<'r> Option<i64>: Encode<'r, DB> + Decode<'r, DB> + Type<DB>,
    for<'r> String: Encode<'r, DB> + Decode<'r, DB> + Type<DB>,
    for<'r> Option<String>: Encode<'r, DB> + Decode<'r, DB> + Type<DB>,
    for<'r> bool: Encode<'r, DB> + Decode<'r, DB> + Type<DB>,
{
    async fn insert(pool: &sqlx::Pool<DB>, w: &NewWebhook<'_>) -> Result<i64, StoreError> {
        let row = sqlx::query::<DB>(INSERT)
            .bind(w.url.to_string())
            .bind(w.secret.to_string())
            .bind(w.created_at.to_string())
            .bind(w.created_by.to_string())
            .bind(int(w.next_seq))
            .fetch_one(pool)
            .await?;
        Ok(row.try_get("id")?)
    }

    async fn active(pool: &sqlx::Pool<DB>) -> Result<Vec<Webhook>, StoreError> {
        let rows = sqlx::query::<DB>(ACTIVE).fetch_all(pool).await?;
        rows.iter()
            .map(|r| {
                Ok(Webhook {
                    id: r.try_get("id")?,
                    url: r.try_get("url")?,
                    secret: r.try_get("secret")?,
                    next_seq: seq_of(r.try_get("next_seq")?),
                })
            })
            .collect()
    }

    async fn one_active(pool: &sqlx::Pool<DB>, id: i64) -> Result<Option<Webhook>, StoreError> {
        let row = sqlx::query::<DB>(ONE_ACTIVE)
            .bind(id)
            .fetch_optional(pool)
            .await?;
        row.map(|r| {
            Ok(Webhook {
                id: r.try_get("id")?,
                url: r.try_get("url")?,
                secret: r.try_get("secret")?,
                next_seq: seq_of(r.try_get("next_seq")?),
            })
        })
        .transpose()
    }

    async fn all(pool: &sqlx::Pool<DB>) -> Result<Vec<WebhookRecord>, StoreError> {
        let rows = sqlx::query::<DB>(ALL).fetch_all(pool).await?;
        rows.iter()
            .map(|r| {
                Ok(WebhookRecord {
                    id: r.try_get("id")?,
                    url: r.try_get("url")?,
                    created_at: r.try_get("created_at")?,
                    created_by: r.try_get("created_by")?,
                    revoked_at: r.try_get("revoked_at")?,
                    next_seq: seq_of(r.try_get("next_seq")?),
                })
            })
            .collect()
    }

    async fn revoke(pool: &sqlx::Pool<DB>, id: i64, at: &str) -> Result<bool, StoreError> {
        let row = sqlx::query::<DB>(REVOKE)
            .bind(id)
            .bind(at.to_string())
            .fetch_optional(pool)
            .await?;
        Ok(row.is_some())
    }

    async fn advance(pool: &sqlx::Pool<DB>, id: i64, next_seq: u64) -> Result<(), StoreError> {
        sqlx::query::<DB>(ADVANCE)
            .bind(id)
            .bind(int(next_seq))
            .execute(pool)
            .await?;
        Ok(())
    }

    async fn log(pool: &sqlx::Pool<DB>, id: i64, d: &Delivery) -> Result<(), StoreError> {
        sqlx::query::<DB>(LOG)
            .bind(id)
            .bind(int(d.seq))
            .bind(int(d.attempt))
            .bind(d.attempted_at.clone())
            .bind(d.status.map(i64::from))
            .bind(d.error.clone())
            .bind(d.delivered)
            .execute(pool)
            .await?;
        Ok(())
    }

    async fn deliveries(
        pool: &sqlx::Pool<DB>,
        id: i64,
        limit: u64,
    ) -> Result<Vec<Delivery>, StoreError> {
        let rows = sqlx::query::<DB>(DELIVERIES)
            .bind(id)
            .bind(int(limit))
            .fetch_all(pool)
            .await?;
        rows.iter()
            .map(|r| {
                let status: Option<i64> = r.try_get("status")?;
                Ok(Delivery {
                    seq: seq_of(r.try_get("seq")?),
                    attempt: seq_of(r.try_get("attempt")?),
                    attempted_at: r.try_get("attempted_at")?,
                    status: status.and_then(|s| u16::try_from(s).ok()),
                    error: r.try_get("error")?,
                    delivered: r.try_get("delivered")?,
                })
            })
            .collect()
    }
}

impl Store {
    /// Registers a webhook; returns its id.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    pub async fn add_webhook(&self, w: &NewWebhook<'_>) -> Result<i64, StoreError> {
        on_pool!(self, pool => Q::insert(pool, w).await)
    }

    /// The webhooks not removed, with their secrets, oldest first.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    pub async fn active_webhooks(&self) -> Result<Vec<Webhook>, StoreError> {
        on_pool!(self, pool => Q::active(pool).await)
    }

    /// Webhook `id` with its secret, or None when there is none or it was removed.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    pub async fn active_webhook(&self, id: i64) -> Result<Option<Webhook>, StoreError> {
        on_pool!(self, pool => Q::one_active(pool, id).await)
    }

    /// Every webhook, removed ones included, without secrets, oldest first.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    pub async fn webhooks(&self) -> Result<Vec<WebhookRecord>, StoreError> {
        on_pool!(self, pool => Q::all(pool).await)
    }

    /// Removes webhook `id` at `at`; false when there is no such active webhook.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    pub async fn revoke_webhook(&self, id: i64, at: &str) -> Result<bool, StoreError> {
        on_pool!(self, pool => Q::revoke(pool, id, at).await)
    }

    /// Records that webhook `id` received every entry before `next_seq`.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    pub async fn advance_webhook(&self, id: i64, next_seq: u64) -> Result<(), StoreError> {
        on_pool!(self, pool => Q::advance(pool, id, next_seq).await)
    }

    /// Logs one delivery attempt to webhook `id`.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    pub async fn log_delivery(&self, id: i64, d: &Delivery) -> Result<(), StoreError> {
        on_pool!(self, pool => Q::log(pool, id, d).await)
    }

    /// The latest `limit` delivery attempts to webhook `id`, newest first.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    pub async fn deliveries(&self, id: i64, limit: u64) -> Result<Vec<Delivery>, StoreError> {
        on_pool!(self, pool => Q::deliveries(pool, id, limit).await)
    }
}
