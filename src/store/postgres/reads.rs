//! The PostgreSQL store's reading connections: a pool, lent through [`Reads::lease`].
//!
//! Without a connection budget the pool is simply lent. With one (a platform's
//! organisations, [`super::budget`]), the pool may open connections only while it holds a
//! reservation of the budget as large as its maximum size: the first lease takes the
//! reservation (waiting for the budget like a writer does), and it is given back once no
//! lease is out and the pool has closed its last connection (each closes after
//! [`super::BUDGETED_POOL_IDLE`] unused; [`close_when_idle`] looks every
//! [`CHECK_EVERY`]), or at once when another store waits for the budget and no lease is
//! out ([`Reads::close_if_unused`] closes the pool and starts a fresh one, which connects
//! when next lent). A pool's connections are counted by its size before they connect and
//! until they have closed, so the connections of all the budget's pools, writers and
//! migrations never outnumber the budget.

use super::budget::ConnectionBudget;
use crate::store::StoreError;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;
use tokio::sync::OwnedSemaphorePermit;

/// How often a budgeted pool's reservation is checked for release.
const CHECK_EVERY: Duration = Duration::from_millis(100);

/// A store's pool of reading connections, and its reservation of the budget.
#[derive(Debug)]
pub(in crate::store) struct Reads {
    /// The pool lent now (replaced by a fresh one when [`Reads::close_if_unused`] closes it).
    pool: Mutex<PgPool>,
    /// How a fresh pool is made.
    pool_options: PgPoolOptions,
    connect_options: PgConnectOptions,
    budget: Option<ConnectionBudget>,
    state: Mutex<State>,
    /// Held while a reservation is being taken, so one store takes one at a time.
    reserving: tokio::sync::Mutex<()>,
}

#[derive(Debug, Default)]
struct State {
    /// The budget's permits for the pool's maximum size, while the pool may connect.
    reserved: Option<OwnedSemaphorePermit>,
    /// Leases out now.
    leases: usize,
}

/// The pool, lent: the pool may connect (its reservation is held) until it is dropped.
#[derive(Debug)]
pub(in crate::store) struct ReadLease {
    pool: PgPool,
    reads: Option<Arc<Reads>>,
}

impl Reads {
    /// Lends `pool` (made with `pool_options` and `connect_options`); with `budget`, only
    /// while a reservation of `budget` for the pool's maximum size is held (checked by a
    /// task that ends with the returned value).
    pub(in crate::store) fn new(
        pool: PgPool,
        pool_options: PgPoolOptions,
        connect_options: PgConnectOptions,
        budget: Option<ConnectionBudget>,
    ) -> Arc<Reads> {
        let reads = Arc::new(Reads {
            pool: Mutex::new(pool),
            pool_options,
            connect_options,
            budget,
            state: Mutex::default(),
            reserving: tokio::sync::Mutex::new(()),
        });
        if let Some(budget) = &reads.budget {
            tokio::spawn(close_when_idle(Arc::downgrade(&reads)));
            budget.share_reads(&reads);
        }
        reads
    }

    /// The pool, without a lease: for its size and closing only.
    pub(in crate::store) fn pool(&self) -> PgPool {
        self.pool
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// The pool, lent until the lease is dropped; with a budget, first reserving the pool's
    /// maximum size of it if the pool holds no reservation now.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the budget stays spent for [`super::budget::WAIT`].
    pub(in crate::store) async fn lease(self: &Arc<Self>) -> Result<ReadLease, StoreError> {
        let Some(budget) = &self.budget else {
            return Ok(ReadLease {
                pool: self.pool(),
                reads: None,
            });
        };
        if self.lease_if_reserved() {
            return Ok(self.lent());
        }
        let _one_at_a_time = self.reserving.lock().await;
        if self.lease_if_reserved() {
            return Ok(self.lent());
        }
        let size = self.pool_options.get_max_connections();
        let reserved = budget.take_many(size).await?;
        let mut state = self.state();
        state.reserved = Some(reserved);
        state.leases += 1;
        Ok(self.lent())
    }

    fn lent(self: &Arc<Self>) -> ReadLease {
        ReadLease {
            pool: self.pool(),
            reads: Some(Arc::clone(self)),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Counts one more lease if a reservation is held; false otherwise.
    fn lease_if_reserved(&self) -> bool {
        let mut state = self.state();
        if state.reserved.is_some() {
            state.leases += 1;
            true
        } else {
            false
        }
    }

    /// Gives the reservation back if no lease is out and the pool holds no connection
    /// (none is being opened either: only a lease holder opens one).
    fn release_if_idle(&self) {
        let mut state = self.state();
        if state.leases == 0 && self.pool().size() == 0 {
            state.reserved = None;
        }
    }

    /// Closes the pool if it holds a reservation, no lease is out and none of its
    /// connections is in use, giving the
    /// reservation back once its connections have closed; true when it did. The next lease
    /// reserves again and lends a fresh pool.
    pub(in crate::store) async fn close_if_unused(&self) -> bool {
        let (closing, reserved) = {
            let mut state = self.state();
            let current = self.pool();
            // A connection lent out (a transaction outliving its lease) would make the close
            // wait for it; a closed pool is the store's own, closed for good.
            let unused = current.num_idle() == current.size() as usize && !current.is_closed();
            if state.leases > 0 || state.reserved.is_none() || !unused {
                return false;
            }
            let fresh = self
                .pool_options
                .clone()
                .connect_lazy_with(self.connect_options.clone());
            let mut pool = self
                .pool
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            (std::mem::replace(&mut *pool, fresh), state.reserved.take())
        };
        closing.close().await;
        drop(reserved);
        true
    }

    /// Whether the pool holds a reservation of the budget now.
    pub(in crate::store) fn is_reserved(&self) -> bool {
        self.state().reserved.is_some()
    }
}

impl ReadLease {
    /// The pool.
    pub(in crate::store) fn pool(&self) -> &PgPool {
        &self.pool
    }
}

impl std::ops::Deref for ReadLease {
    type Target = PgPool;

    fn deref(&self) -> &PgPool {
        &self.pool
    }
}

impl Drop for ReadLease {
    fn drop(&mut self) {
        if let Some(reads) = &self.reads {
            let mut state = reads.state();
            state.leases = state.leases.saturating_sub(1);
        }
    }
}

/// Gives `reads`' reservation back whenever it is idle, until `reads` is gone.
async fn close_when_idle(reads: Weak<Reads>) {
    loop {
        tokio::time::sleep(CHECK_EVERY).await;
        let Some(reads) = reads.upgrade() else {
            return;
        };
        reads.release_if_idle();
    }
}
