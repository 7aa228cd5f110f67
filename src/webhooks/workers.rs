//! The delivery loops: one per active webhook, so a receiver that is slow or never answers
//! holds up only its own events. Each loop sends its webhook one entry at a time, in ledger
//! order, and moves on only once the entry is acknowledged; a supervisor starts a loop for each
//! webhook and stops the loop of one that was removed, abandoning a delivery in flight.
//! Dropping the supervisor (stopping the background tasks) stops every loop.

use super::{backoff, deliver, MIN_BACKOFF, POLL};
use crate::sequencer::SequencerHandle;
use crate::store::{Store, Webhook};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use tokio::task::JoinHandle;
use tokio::time::Instant;

/// How often the supervisor re-reads the webhooks while the ledger does not grow, so a
/// removed webhook's loop stops within this long.
const RECHECK: Duration = Duration::from_secs(2);

/// What every delivery loop shares.
pub(super) struct Sender {
    pub(super) store: Store,
    pub(super) sequencer: SequencerHandle,
    pub(super) http: reqwest::Client,
    pub(super) base: Option<String>,
}

impl Sender {
    /// Whether this node delivers and the ledger holds entry `seq`.
    fn has_entry(&self, seq: u64) -> bool {
        self.sequencer.is_leading() && seq < self.sequencer.view().checkpoint.size
    }
}

/// Keeps one delivery loop running for each active webhook, until dropped.
pub(super) async fn supervise(sender: Arc<Sender>) {
    let mut loops = Loops::default();
    let mut checked: Option<(u64, Instant)> = None;
    loop {
        let size = sender.sequencer.view().checkpoint.size;
        let due = checked.is_none_or(|(seen, at)| seen != size || at.elapsed() >= RECHECK);
        if due && sender.sequencer.is_leading() {
            match sender.store.active_webhooks().await {
                Ok(hooks) => {
                    loops.run_exactly(&hooks, &sender);
                    checked = Some((size, Instant::now()));
                }
                Err(e) => tracing::warn!(error = %e, "could not read the webhooks"),
            }
        }
        tokio::time::sleep(POLL).await;
    }
}

/// The running loops by webhook id; dropping it stops them all.
#[derive(Default)]
struct Loops(HashMap<i64, JoinHandle<()>>);

impl Loops {
    /// Stops the loops of webhooks not in `hooks` and starts one for each webhook without.
    /// A webhook never has two loops, so never two deliveries at once.
    fn run_exactly(&mut self, hooks: &[Webhook], sender: &Arc<Sender>) {
        self.0.retain(|id, task| {
            let keep = hooks.iter().any(|h| h.id == *id) && !task.is_finished();
            if !keep {
                task.abort();
            }
            keep
        });
        for hook in hooks {
            self.0.entry(hook.id).or_insert_with(|| {
                tokio::spawn(deliver_in_order(Arc::clone(sender), hook.id, hook.next_seq))
            });
        }
    }
}

impl Drop for Loops {
    fn drop(&mut self) {
        self.0.values().for_each(JoinHandle::abort);
    }
}

/// Sends webhook `id` each entry from `next_seq` on, in order, each until acknowledged, with
/// the growing pause of [`backoff`] between failed attempts. Returns once the webhook is
/// removed. The stored `next_seq` is re-read before each attempt, so an entry another node
/// delivered meanwhile is not sent again.
async fn deliver_in_order(sender: Arc<Sender>, id: i64, mut next_seq: u64) {
    // The entry that failed last and how many attempts it had.
    let mut failed: Option<(u64, u64)> = None;
    loop {
        if !sender.has_entry(next_seq) {
            tokio::time::sleep(POLL).await;
            continue;
        }
        let hook = match sender.store.active_webhook(id).await {
            Ok(Some(hook)) => hook,
            Ok(None) => return,
            Err(e) => {
                tracing::warn!(error = %e, webhook = id, "could not read the webhook");
                tokio::time::sleep(MIN_BACKOFF).await;
                continue;
            }
        };
        next_seq = hook.next_seq;
        if !sender.has_entry(next_seq) {
            continue;
        }
        let attempt = match failed {
            Some((seq, attempts)) if seq == next_seq => attempts + 1,
            _ => 1,
        };
        match deliver(
            &sender.store,
            &sender.http,
            sender.base.as_deref(),
            &hook,
            attempt,
        )
        .await
        {
            Ok(true) => {
                failed = None;
                next_seq += 1;
            }
            Ok(false) => {
                failed = Some((next_seq, attempt));
                tokio::time::sleep(backoff(attempt)).await;
            }
            Err(e) => {
                tracing::warn!(error = %e, webhook = id, "webhook delivery");
                tokio::time::sleep(MIN_BACKOFF).await;
            }
        }
    }
}
