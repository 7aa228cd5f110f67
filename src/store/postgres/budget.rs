//! A limit on the PostgreSQL connections many stores of one process may hold at once (a
//! platform's organisations, SPEC.md §24.1): each store's writing connection holds a permit
//! of the budget for as long as it is open, and so does each migration or schema drop while
//! it runs; each store's reading pool holds permits for its maximum size while it has a
//! connection open or lent (`reads.rs`). A store that needs a connection while the budget is spent first closes the
//! writing connection of another store that is not using it now (the least recently used
//! first: it reconnects when it next writes), and otherwise waits for one to be given back,
//! up to [`WAIT`], then answers [`StoreError::Unavailable`]. Opening a thousand
//! organisations at once thus queues instead of exhausting the server's `max_connections`.

use super::reads::Reads;
use super::writer::Writer;
use crate::store::StoreError;
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// How long a store waits for a permit before it gives up.
pub const WAIT: Duration = Duration::from_secs(30);

/// A budget of connections, shared by the stores given clones of it.
#[derive(Debug, Clone)]
pub struct ConnectionBudget {
    permits: Arc<Semaphore>,
    size: u32,
    /// The writers of the stores sharing the budget, whose idle connections may be closed
    /// to give their permits to a store that needs one.
    writers: Arc<Mutex<Vec<Weak<Writer>>>>,
    /// The reading pools of the stores sharing the budget, likewise.
    reads: Arc<Mutex<Vec<Weak<Reads>>>>,
}

impl ConnectionBudget {
    /// A budget of `size` connections (at least 1).
    pub fn new(size: u32) -> ConnectionBudget {
        let size = size.max(1);
        ConnectionBudget {
            permits: Arc::new(Semaphore::new(size as usize)),
            size,
            writers: Arc::default(),
            reads: Arc::default(),
        }
    }

    /// Lets the budget close `writer`'s connection when it is not in use and another store
    /// needs a permit.
    pub(in crate::store) fn share_with(&self, writer: &Arc<Writer>) {
        let mut writers = self.writers.lock().unwrap_or_else(|p| p.into_inner());
        writers.retain(|w| w.strong_count() > 0);
        writers.push(Arc::downgrade(writer));
    }

    /// Lets the budget close `reads`' pool when no lease of it is out and another store
    /// needs a permit.
    pub(in crate::store) fn share_reads(&self, reads: &Arc<Reads>) {
        let mut all = self.reads.lock().unwrap_or_else(|p| p.into_inner());
        all.retain(|r| r.strong_count() > 0);
        all.push(Arc::downgrade(reads));
    }

    /// Closes the connection of the least recently used writer that holds one and is not
    /// using it, else a reading pool that holds permits and is not lent; false when there
    /// is none.
    async fn reclaim_one(&self) -> bool {
        if self.reclaim_a_writer().await {
            return true;
        }
        let reads: Vec<Arc<Reads>> = {
            let reads = self.reads.lock().unwrap_or_else(|p| p.into_inner());
            reads.iter().filter_map(Weak::upgrade).collect()
        };
        for pool in reads {
            if pool.close_if_unused().await {
                return true;
            }
        }
        false
    }

    /// Closes the connection of the least recently used writer that holds one and is not
    /// using it; false when there is none.
    async fn reclaim_a_writer(&self) -> bool {
        let mut writers: Vec<Arc<Writer>> = {
            let writers = self.writers.lock().unwrap_or_else(|p| p.into_inner());
            writers.iter().filter_map(Weak::upgrade).collect()
        };
        writers.sort_by_key(|w| w.last_used());
        for writer in writers {
            if writer.close_if_unused().await {
                return true;
            }
        }
        false
    }

    /// How many connections it allows at once.
    pub fn size(&self) -> u32 {
        self.size
    }

    /// How many of its permits are held now.
    pub fn in_use(&self) -> u32 {
        let available = u32::try_from(self.permits.available_permits()).unwrap_or(self.size);
        self.size.saturating_sub(available)
    }

    /// A permit for one connection, waiting up to [`WAIT`] for one to be given back.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when none was given back in time.
    pub(in crate::store) async fn take(&self) -> Result<OwnedSemaphorePermit, StoreError> {
        self.take_many(1).await
    }

    /// Permits for `count` connections at once (at most the budget's size), waiting up to
    /// [`WAIT`] for enough to be given back. Waiting stores are served in turn, so two
    /// stores never each hold part of what they wait for.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when not enough were given back in time.
    pub(in crate::store) async fn take_many(
        &self,
        count: u32,
    ) -> Result<OwnedSemaphorePermit, StoreError> {
        let count = count.clamp(1, self.size);
        let spent = || {
            StoreError::Unavailable(format!(
                "all {} PostgreSQL connections this process may hold are in use; retry, or raise the limit",
                self.size
            ))
        };
        if let Ok(permit) = Arc::clone(&self.permits).try_acquire_many_owned(count) {
            return Ok(permit);
        }
        for _ in 0..count {
            if !self.reclaim_one().await {
                break;
            }
        }
        let waited =
            tokio::time::timeout(WAIT, Arc::clone(&self.permits).acquire_many_owned(count));
        match waited.await {
            Ok(Ok(permit)) => Ok(permit),
            _ => Err(spent()),
        }
    }
}

/// A permit of `budget`, when there is one.
///
/// # Errors
/// [`StoreError::Unavailable`] when the budget stays spent for [`WAIT`].
pub(in crate::store) async fn permit_of(
    budget: Option<&ConnectionBudget>,
) -> Result<Option<OwnedSemaphorePermit>, StoreError> {
    match budget {
        Some(budget) => Ok(Some(budget.take().await?)),
        None => Ok(None),
    }
}
