//! The PostgreSQL store's writing connection: one connection of its own, outside the pool,
//! for the group commit and the two look-ups the sequencer makes before each one.
//!
//! The pool checks a connection with a round trip each time it lends one (and again when
//! it is given back); the group commit is one round trip, so it runs on a connection that
//! is already known to work instead. It is opened at the first write, kept between writes,
//! closed once unused for the store's idle timeout (an idle organisation holds no
//! connection; the next write opens one again), and dropped after a failure that may have left it unusable (anything but an error the
//! database answered with), or when a caller stops waiting halfway through an exchange (its
//! future dropped: the answer would still be on the wire), so the next use opens a fresh one.

use crate::store::StoreError;
use sqlx::postgres::{PgConnectOptions, PgConnection};
use sqlx::Connection;
use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};
use tokio::sync::{Mutex, MutexGuard, OwnedSemaphorePermit};

/// The open connection, with the permit of the process's connection budget it holds (none
/// without a budget): both go when the connection is closed or dropped.
type Open = (PgConnection, Option<OwnedSemaphorePermit>);

/// The `application_name` of every store's writing connection (it tells them apart in
/// `pg_stat_activity`).
pub const APPLICATION_NAME: &str = "fundtrail-writer";

/// The writing connection's options: the pool's, named [`APPLICATION_NAME`], with every
/// statement planned for its own values (`plan_cache_mode = force_custom_plan`). The connection lives as long as the
/// ledger is busy and its statements are prepared once; PostgreSQL would otherwise settle, after
/// five runs, on a generic plan costed while the ledger was nearly empty (a scan of
/// `entries` for the chain trigger's join to the entries before the new ones, and for the
/// reference look-up), and keep it as the ledger grows.
pub(in crate::store) fn options_of(pool: &PgConnectOptions) -> PgConnectOptions {
    pool.clone()
        .application_name(APPLICATION_NAME)
        .options([("plan_cache_mode", "force_custom_plan")])
}

/// The writing connection, opened on first use and closed when idle.
#[derive(Debug)]
pub(in crate::store) struct Writer {
    options: PgConnectOptions,
    conn: Mutex<Option<Open>>,
    budget: Option<super::budget::ConnectionBudget>,
    /// When the connection was last lent (read only by the idle check).
    used_at: std::sync::Mutex<Instant>,
    idle_timeout: Duration,
}

/// The writing connection, held by one caller at a time for one exchange, which ends with
/// [`Held::keep_if_usable`]; dropped before that (the caller's future cancelled), the
/// connection is closed.
pub(in crate::store) struct Held<'a> {
    conn: MutexGuard<'a, Option<Open>>,
    finished: bool,
}

impl Writer {
    /// A writer that connects with `options` when first used (holding a permit of `budget`
    /// while connected, when given), and closes its connection once it has not been used
    /// for `idle_timeout` (checked by a task that ends with the writer).
    pub(in crate::store) fn start(
        options: PgConnectOptions,
        idle_timeout: Duration,
        budget: Option<super::budget::ConnectionBudget>,
    ) -> Arc<Writer> {
        let writer = Arc::new(Writer {
            options,
            conn: Mutex::new(None),
            budget,
            used_at: std::sync::Mutex::new(Instant::now()),
            idle_timeout,
        });
        tokio::spawn(close_when_idle(Arc::downgrade(&writer), idle_timeout));
        if let Some(budget) = &writer.budget {
            budget.share_with(&writer);
        }
        writer
    }

    /// Whether the connection is open now (or being opened or used by a caller).
    pub(in crate::store) fn is_open(&self) -> bool {
        self.conn.try_lock().map_or(true, |conn| conn.is_some())
    }

    fn mark_used(&self) {
        *self
            .used_at
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Instant::now();
    }

    /// When the connection was last lent.
    pub(in crate::store) fn last_used(&self) -> Instant {
        *self
            .used_at
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Closes the connection if it is open and nobody holds it (its permit goes back to
    /// the budget); true when it did.
    pub(in crate::store) async fn close_if_unused(&self) -> bool {
        let Ok(mut conn) = self.conn.try_lock() else {
            return false;
        };
        match conn.take() {
            Some((open, _permit)) => {
                let _ = open.close().await;
                true
            }
            None => false,
        }
    }

    /// Closes the connection if nobody holds it and it has not been lent for the idle
    /// timeout.
    async fn close_if_idle(&self) {
        let Ok(mut conn) = self.conn.try_lock() else {
            return;
        };
        let idle_for = self
            .used_at
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .elapsed();
        if idle_for >= self.idle_timeout {
            if let Some((open, _permit)) = conn.take() {
                let _ = open.close().await;
            }
        }
    }

    /// The connection, opened now if there is none (or the last one failed).
    ///
    /// # Errors
    /// [`StoreError`] when the server cannot be reached.
    pub(in crate::store) async fn hold(&self) -> Result<Held<'_>, StoreError> {
        let mut guard = self.conn.lock().await;
        self.mark_used();
        if guard.is_none() {
            let permit = super::budget::permit_of(self.budget.as_ref()).await?;
            *guard = Some((PgConnection::connect_with(&self.options).await?, permit));
            super::nodelay::on_sockets_to(self.options.get_port());
        }
        Ok(Held {
            conn: guard,
            finished: false,
        })
    }

    /// Closes the connection, if open.
    pub(in crate::store) async fn close(&self) {
        if let Some((conn, _permit)) = self.conn.lock().await.take() {
            let _ = conn.close().await;
        }
    }
}

/// Checks `writer`'s connection for idleness every half idle timeout (so it is closed
/// between one and one and a half timeouts after its last use) until the writer is gone.
async fn close_when_idle(writer: Weak<Writer>, idle_timeout: Duration) {
    let period = (idle_timeout / 2).max(Duration::from_millis(10));
    loop {
        tokio::time::sleep(period).await;
        let Some(writer) = writer.upgrade() else {
            return;
        };
        writer.close_if_idle().await;
    }
}

impl Held<'_> {
    /// The open connection.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] if it was dropped after a failure by this holder.
    pub(in crate::store) fn conn(&mut self) -> Result<&mut PgConnection, StoreError> {
        self.conn
            .as_mut()
            .map(|(conn, _)| conn)
            .ok_or_else(|| StoreError::Unavailable("the writing connection was closed".into()))
    }

    /// Passes `result` on, first dropping the connection when its error may have left it
    /// unusable (a lost connection, a protocol error): an error the
    /// database answered with (a refused row, a full disk, a read-only database) leaves it
    /// as good as before, its transaction rolled back.
    pub(in crate::store) fn keep_if_usable<T>(
        &mut self,
        result: Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let answered = |e: &StoreError| {
            matches!(
                e,
                StoreError::Database(sqlx::Error::Database(_))
                    | StoreError::Full(_)
                    | StoreError::ReadOnly(_)
            )
        };
        self.finished = true;
        if result.as_ref().is_err_and(|e| !answered(e)) {
            *self.conn = None;
        }
        result
    }
}

impl Drop for Held<'_> {
    /// Closes the connection when the exchange did not finish: its state is unknown.
    fn drop(&mut self) {
        if !self.finished {
            *self.conn = None;
        }
    }
}
