//! The PostgreSQL store's writing connection: one connection of its own, outside the pool,
//! for the group commit and the two look-ups the sequencer makes before each one.
//!
//! The pool checks a connection with a round trip each time it lends one (and again when
//! it is given back); the group commit is one round trip, so it runs on a connection that
//! is already known to work instead. It is opened at the first write, kept between writes,
//! and dropped after a failure that may have left it unusable (anything but an error the
//! database answered with), or when a caller stops waiting halfway through an exchange (its
//! future dropped: the answer would still be on the wire), so the next use opens a fresh one.

use crate::store::StoreError;
use sqlx::postgres::{PgConnectOptions, PgConnection};
use sqlx::Connection;
use tokio::sync::{Mutex, MutexGuard};

/// The writing connection's options: the pool's, with every statement planned for its own
/// values (`plan_cache_mode = force_custom_plan`). The connection lives as long as the
/// process and its statements are prepared once; PostgreSQL would otherwise settle, after
/// five runs, on a generic plan costed while the ledger was nearly empty (a scan of
/// `entries` for the chain trigger's look-up of the entry before, and for the reference
/// look-up), and keep it as the ledger grows.
pub(in crate::store) fn options_of(pool: &PgConnectOptions) -> PgConnectOptions {
    pool.clone()
        .options([("plan_cache_mode", "force_custom_plan")])
}

/// The writing connection, opened on first use.
#[derive(Debug)]
pub(in crate::store) struct Writer {
    options: PgConnectOptions,
    conn: Mutex<Option<PgConnection>>,
}

/// The writing connection, held by one caller at a time for one exchange, which ends with
/// [`Held::keep_if_usable`]; dropped before that (the caller's future cancelled), the
/// connection is closed.
pub(in crate::store) struct Held<'a> {
    conn: MutexGuard<'a, Option<PgConnection>>,
    finished: bool,
}

impl Writer {
    /// A writer that connects with `options` when first used.
    pub(in crate::store) fn new(options: PgConnectOptions) -> Writer {
        Writer {
            options,
            conn: Mutex::new(None),
        }
    }

    /// The connection, opened now if there is none (or the last one failed).
    ///
    /// # Errors
    /// [`StoreError`] when the server cannot be reached.
    pub(in crate::store) async fn hold(&self) -> Result<Held<'_>, StoreError> {
        let mut guard = self.conn.lock().await;
        if guard.is_none() {
            *guard = Some(PgConnection::connect_with(&self.options).await?);
            super::nodelay::on_sockets_to(self.options.get_port());
        }
        Ok(Held {
            conn: guard,
            finished: false,
        })
    }

    /// Closes the connection, if open.
    pub(in crate::store) async fn close(&self) {
        if let Some(conn) = self.conn.lock().await.take() {
            let _ = conn.close().await;
        }
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
