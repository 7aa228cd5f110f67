//! The background search indexer: builds the search index (`search.rs`) off the append
//! path, so a group commit writes only the ledger's own rows.
//!
//! One task per store (started once, whatever the number of clones or calls): it indexes
//! every entry not indexed yet, a page per transaction, then sleeps until a commit wakes it;
//! wake-ups coalesce, so it runs at most once every [`COALESCE`] however many commits there
//! were. While appends are being committed, pages are small and followed by a pause three
//! times as long as the page took (on SQLite a page holds the one writing connection, so
//! appends wait for at most one small page, and have at least three quarters of the writer);
//! once a page saw no commit, the next are larger and follow each other without a pause,
//! until a commit is seen again (so an import is indexed at the store's own pace once it is
//! recorded). The search never waits for it: it reads the entries not indexed yet from their
//! leaves.

use super::{Store, StoreError};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// Entries per transaction: a page of donations is ~16 index rows each, sorted; on SQLite
/// its transaction holds the writer for a few milliseconds (measured: 250 entries held it
/// 14 ms at the median under a 64-client append load, which showed in the appends' p99).
const PAGE: u64 = 64;
/// Entries per transaction while no commit is seen: a page holds the writer a few times
/// longer than a small one, which an append arriving meanwhile waits for once.
const IDLE_PAGE: u64 = 512;
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
    /// How many times commits woke the indexer (it tells whether appends are coming in).
    commits: AtomicU64,
}

/// How the indexer paces its next page: its size, and the pause after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Pace {
    page: u64,
    pause: Duration,
}

/// The pace after a page that took `took`: small pages with pauses if a commit came while it
/// was written (`commits_seen`), else larger ones without.
fn pace_after(took: Duration, commits_seen: bool) -> Pace {
    if commits_seen {
        Pace {
            page: PAGE,
            pause: (took * PAUSE_PER_PAGE_TIME).max(MIN_PAUSE),
        }
    } else {
        Pace {
            page: IDLE_PAGE,
            pause: Duration::ZERO,
        }
    }
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
        self.indexer().commits.fetch_add(1, Ordering::SeqCst);
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
        // Woken by a commit: appends may be coming in.
        let mut page = PAGE;
        loop {
            let page_started = std::time::Instant::now();
            let commits_before = self.indexer().commits.load(Ordering::SeqCst);
            let covered = {
                let _writing = self.indexer().pages.lock().await;
                self.index_search_page(page).await?
            };
            if covered == 0 {
                break;
            }
            indexed += covered;
            let commits_seen = self.indexer().commits.load(Ordering::SeqCst) != commits_before;
            let pace = pace_after(page_started.elapsed(), commits_seen);
            page = pace.page;
            if pace.pause.is_zero() {
                tokio::task::yield_now().await;
            } else {
                tokio::time::sleep(pace.pause).await;
            }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn while_commits_come_in_pages_are_small_and_paused_three_times_their_length() {
        let pace = pace_after(Duration::from_millis(4), true);

        assert_eq!(
            pace,
            Pace {
                page: PAGE,
                pause: Duration::from_millis(12)
            }
        );
    }

    #[test]
    fn a_quick_page_with_commits_still_pauses_the_least_pause() {
        assert_eq!(pace_after(Duration::from_micros(10), true).pause, MIN_PAUSE);
    }

    #[test]
    fn once_a_page_sees_no_commit_the_next_are_larger_and_unpaused() {
        let pace = pace_after(Duration::from_millis(4), false);

        assert_eq!(
            pace,
            Pace {
                page: IDLE_PAGE,
                pause: Duration::ZERO
            }
        );
    }
}
