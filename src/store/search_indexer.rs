//! The background search indexer: builds the search index (`search.rs`) off the append
//! path, so a group commit writes only the ledger's own rows.
//!
//! One task per store (started once, whatever the number of clones or calls): it indexes
//! every entry not indexed yet, a page per transaction with a pause between pages three
//! times as long as the page took (on SQLite a page holds the one writing connection, so
//! appends wait for at most one small page, and have at least three quarters of the writer),
//! then sleeps until a commit wakes it; wake-ups coalesce, so it runs at most once every
//! [`COALESCE`] however many commits there were. The search never waits for it: it reads
//! the entries not indexed yet from their leaves.

use super::{Store, StoreError};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// Entries per transaction: a page of donations is ~16 index rows each, sorted; on SQLite
/// its transaction holds the writer for a few milliseconds (measured: 250 entries held it
/// 14 ms at the median under a 64-client append load, which showed in the appends' p99).
const PAGE: u64 = 64;
/// While the index is behind, the pause after each page is this many times as long as the
/// page took (at least [`MIN_PAUSE`]): the indexer has at most a quarter of the writer, the
/// appends the rest.
const PAUSE_PER_PAGE_TIME: u32 = 3;
/// The shortest pause between two pages.
const MIN_PAUSE: Duration = Duration::from_millis(5);
/// How long the indexer waits after being woken, so the commits of that time are indexed
/// together.
const COALESCE: Duration = Duration::from_millis(150);
/// The pause after a failed page before trying again.
const AFTER_FAILURE: Duration = Duration::from_secs(5);

/// What the indexer of a store and its clones share.
#[derive(Debug, Default)]
pub(super) struct IndexerControl {
    /// Set when a commit wrote entries.
    wake: tokio::sync::Notify,
    /// Held by the indexer while it writes a page, and by [`Store::hold_search_indexer`].
    pages: Arc<tokio::sync::Mutex<()>>,
    /// Whether the task was started.
    started: AtomicBool,
}

/// While kept, the store's indexer writes no page (it finishes the page it is writing
/// first). The search still finds every entry, from its leaf.
#[derive(Debug)]
pub struct SearchIndexerHold {
    _pages: tokio::sync::OwnedMutexGuard<()>,
}

impl Store {
    fn indexer(&self) -> &IndexerControl {
        dispatch!(self, s => &s.caches().search_indexer)
    }

    /// Tells the indexer that entries were committed.
    pub(super) fn wake_search_indexer(&self) {
        self.indexer().wake.notify_one();
    }

    /// Starts the background search indexer of this store (once: later calls, on this
    /// store or a clone, do nothing). It runs until the process ends or the store is
    /// closed; a failed page is
    /// logged and tried again later, never reported to a request.
    pub fn start_search_indexer(&self) {
        if self.indexer().started.swap(true, Ordering::SeqCst) {
            return;
        }
        let store = self.clone();
        tokio::spawn(async move { store.run_search_indexer().await });
    }

    /// Stops the indexer from writing pages until the hold is dropped (for tests, and for
    /// anyone who wants the writer to themselves for a while).
    pub async fn hold_search_indexer(&self) -> SearchIndexerHold {
        SearchIndexerHold {
            _pages: Arc::clone(&self.indexer().pages).lock_owned().await,
        }
    }

    /// The indexer's loop: catch up, then wait for commits.
    async fn run_search_indexer(self) {
        loop {
            if let Err(e) = self.index_what_is_new().await {
                if self.is_closed() {
                    return;
                }
                tracing::error!(error = %e, "could not index new entries for the search; it still finds them, reading their leaves");
                tokio::time::sleep(AFTER_FAILURE).await;
                continue;
            }
            self.indexer().wake.notified().await;
            tokio::time::sleep(COALESCE).await;
        }
    }

    /// Indexes every entry not indexed yet, a page at a time.
    async fn index_what_is_new(&self) -> Result<(), StoreError> {
        let started = std::time::Instant::now();
        let mut indexed = 0u64;
        loop {
            let page_started = std::time::Instant::now();
            let covered = {
                let _writing = self.indexer().pages.lock().await;
                self.index_search_page(PAGE).await?
            };
            if covered == 0 {
                break;
            }
            indexed += covered;
            let pause = page_started.elapsed() * PAUSE_PER_PAGE_TIME;
            tokio::time::sleep(pause.max(MIN_PAUSE)).await;
        }
        if indexed > PAGE {
            tracing::info!(
                entries = indexed,
                ms = started.elapsed().as_millis() as u64,
                "search index caught up"
            );
        }
        Ok(())
    }
}
