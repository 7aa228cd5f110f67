//! The leader locks of every ledger a process serves from one PostgreSQL database, held
//! on one connection per process and database.
//!
//! A process leads a ledger while it holds that ledger's session advisory lock; the server
//! releases the lock when the holding connection ends (the process died or lost the
//! database), so another process can lead. A connection per ledger would keep a thousand
//! organisations' worth of connections open while they sit idle, more than a PostgreSQL
//! server allows, so all of a process's ledgers in one database hold their locks on one
//! connection, shared by their stores while any of them is open.
//!
//! A session advisory lock taken twice by one session is simply held twice, so the server
//! cannot tell two stores of this process apart: which of them leads a ledger is decided
//! here, in memory, before the server is asked.

use crate::store::StoreError;
use sqlx::postgres::{PgConnectOptions, PgConnection};
use sqlx::Connection;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, LazyLock, Mutex, Weak};
use std::time::{Duration, Instant};

/// How long a successful check that the connection is alive answers for every ledger on
/// it (each leader checks twice a second; a thousand of them share one round trip).
const RECHECK: Duration = Duration::from_millis(400);

/// The `application_name` of the lock connection (it tells it apart in `pg_stat_activity`).
pub const APPLICATION_NAME: &str = "fundtrail-leader-locks";

/// The lock holders of this process, by database.
static HOLDERS: LazyLock<Mutex<HashMap<String, Weak<LockHolder>>>> = LazyLock::new(Mutex::default);

/// The connection that holds this process's leader locks in one database.
#[derive(Debug)]
pub(in crate::store) struct LockHolder {
    options: PgConnectOptions,
    conn: tokio::sync::Mutex<LockConnection>,
    /// The locks held now, and the connection they are held on (a number that changes
    /// each time the connection is opened: locks of an earlier connection are gone).
    held: Mutex<Held>,
}

#[derive(Debug, Default)]
struct LockConnection {
    open: Option<PgConnection>,
    alive_at: Option<Instant>,
}

#[derive(Debug, Default)]
struct Held {
    generation: u64,
    keys: HashSet<i64>,
}

/// A held leader lock; dropping it releases the lock.
#[derive(Debug)]
pub struct Lease {
    holder: Arc<LockHolder>,
    key: i64,
    generation: u64,
}

impl LockHolder {
    /// The holder of this process's locks in the database `options` connect to (the one
    /// already in use, or a new one that connects when first asked for a lock).
    pub(in crate::store) fn for_database(options: &PgConnectOptions) -> Arc<LockHolder> {
        let database = format!(
            "{}:{}/{}/{}",
            options.get_host(),
            options.get_port(),
            options.get_database().unwrap_or_default(),
            options.get_username()
        );
        let mut holders = HOLDERS
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        holders.retain(|_, holder| holder.strong_count() > 0);
        if let Some(holder) = holders.get(&database).and_then(Weak::upgrade) {
            return holder;
        }
        let holder = Arc::new(LockHolder {
            options: options.clone().application_name(APPLICATION_NAME),
            conn: tokio::sync::Mutex::default(),
            held: Mutex::default(),
        });
        holders.insert(database, Arc::downgrade(&holder));
        holder
    }

    fn held(&self) -> std::sync::MutexGuard<'_, Held> {
        self.held
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Takes the lock `key` if neither this process nor another holds it.
    ///
    /// # Errors
    /// [`StoreError`] when the database cannot be reached.
    pub(in crate::store) async fn try_lock(
        self: &Arc<Self>,
        key: i64,
    ) -> Result<Option<Lease>, StoreError> {
        let mut conn = self.conn.lock().await;
        if conn.open.is_some() && self.held().keys.contains(&key) {
            return Ok(None);
        }
        if conn.open.is_none() {
            conn.open = Some(PgConnection::connect_with(&self.options).await?);
            conn.alive_at = Some(Instant::now());
            let mut held = self.held();
            held.generation += 1;
            held.keys.clear();
        }
        let Some(open) = conn.open.as_mut() else {
            return Ok(None);
        };
        let got = sqlx::query_scalar::<_, bool>("select pg_try_advisory_lock($1)")
            .bind(key)
            .fetch_one(open)
            .await;
        match got {
            Ok(true) => {
                let mut held = self.held();
                held.keys.insert(key);
                Ok(Some(Lease {
                    holder: Arc::clone(self),
                    key,
                    generation: held.generation,
                }))
            }
            Ok(false) => Ok(None),
            Err(e) => {
                self.lose(&mut conn);
                Err(e.into())
            }
        }
    }

    /// Forgets the connection and every lock on it (the server released them with it).
    fn lose(&self, conn: &mut LockConnection) {
        conn.open = None;
        conn.alive_at = None;
        self.held().keys.clear();
    }

    async fn still_holds(&self, key: i64, generation: u64) -> bool {
        let mut conn = self.conn.lock().await;
        {
            let held = self.held();
            if held.generation != generation || !held.keys.contains(&key) {
                return false;
            }
        }
        if conn.alive_at.is_some_and(|at| at.elapsed() < RECHECK) {
            return true;
        }
        let Some(open) = conn.open.as_mut() else {
            return false;
        };
        if sqlx::query("select 1").execute(open).await.is_ok() {
            conn.alive_at = Some(Instant::now());
            true
        } else {
            self.lose(&mut conn);
            false
        }
    }

    async fn unlock(&self, key: i64, generation: u64) {
        let mut conn = self.conn.lock().await;
        if self.held().generation != generation {
            return;
        }
        if let Some(open) = conn.open.as_mut() {
            let unlocked = sqlx::query("select pg_advisory_unlock($1)")
                .bind(key)
                .execute(open)
                .await;
            if unlocked.is_err() {
                self.lose(&mut conn);
            }
        }
    }
}

impl Lease {
    /// Whether the lock is still held (its connection is alive; checked at most every
    /// 400 ms for all the leases on it).
    pub async fn still_held(&self) -> bool {
        self.holder.still_holds(self.key, self.generation).await
    }
}

impl Drop for Lease {
    /// Lets another store of this process lead at once, and releases the lock on the
    /// server in the background (when no runtime is left, the lock goes with the
    /// connection).
    fn drop(&mut self) {
        let mine = {
            let mut held = self.holder.held();
            held.generation == self.generation && held.keys.remove(&self.key)
        };
        if !mine {
            return;
        }
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            let holder = Arc::clone(&self.holder);
            let (key, generation) = (self.key, self.generation);
            runtime.spawn(async move { holder.unlock(key, generation).await });
        }
    }
}
