//! The handle's side of recording a bank statement with its missing donations, all or
//! nothing ([`SequencerHandle::record_statement`]): the statement's job goes into the queue
//! like any append, then its donations follow through a bounded channel as the caller makes
//! them, so neither side holds them all.

use super::commit::statement::{Feed, StatementWork};
use super::{AppendError, AppendRequest, Appended, Durable, Job, SequencerHandle};
use crate::ledger::reconcile::StatementLine;
use std::sync::Arc;
use tokio::sync::{mpsc, oneshot};

/// Donations sent ahead of the sequencer, at most.
const FEED_AHEAD: usize = 1024;

/// A statement to record: its entry's request (a `statement` body) and its canonical lines,
/// which the sequencer checks against the entry.
pub struct StatementImport {
    /// The `statement` entry to append, with who records it and an optional idempotency key.
    pub request: AppendRequest,
    /// Its lines, in the statement's order.
    pub lines: Arc<Vec<StatementLine>>,
}

/// A statement recorded with its donations.
#[derive(Debug, Clone)]
pub struct RecordedStatement {
    /// The statement entry, with its proof in the checkpoint signed after the import.
    pub statement: Appended,
    /// How many donations were recorded: they are the entries right after the statement,
    /// in the order they were sent.
    pub donations: u64,
}

impl SequencerHandle {
    /// Records `import`'s statement and then every donation of `donations`, in order, in
    /// one store transaction: either all are durable and acknowledged, or nothing was
    /// written. An `Err` from `donations` stops the import (nothing is recorded) and is
    /// returned. A retry with the statement's idempotency key answers the first entry.
    ///
    /// # Errors
    /// [`AppendError::Statement`] for a statement rule (overlap, gap, balance, sum, account),
    /// [`AppendError::InGroup`] naming the refused donation (from 1), the store's error, or
    /// the error `donations` gave; nothing was written then.
    pub async fn record_statement<I>(
        &self,
        import: StatementImport,
        donations: I,
    ) -> Result<RecordedStatement, AppendError>
    where
        I: IntoIterator<Item = Result<AppendRequest, AppendError>>,
    {
        if let Some(failure) = self.audit.failure() {
            return Err(AppendError::AuditFailed(failure));
        }
        self.gate.admit([&import.request])?;
        let (feed, rx) = mpsc::channel(FEED_AHEAD);
        let (reply, answer) = oneshot::channel();
        let mut job = Job::single(import.request, reply);
        job.statement = Some(Box::new(StatementWork {
            lines: import.lines,
            feed: rx,
        }));
        let tx = self
            .tx
            .read()
            .ok()
            .and_then(|t| t.clone())
            .ok_or(AppendError::NotLeader)?;
        tx.send(job).await.map_err(|_| AppendError::NotLeader)?;
        let mut sent = 0u64;
        let mut failed = None;
        for donation in donations {
            match donation {
                Ok(request) => {
                    // A closed feed means the sequencer refused already: its answer says why.
                    if feed.send(Feed::Donation(Box::new(request))).await.is_err() {
                        break;
                    }
                    sent += 1;
                }
                Err(e) => {
                    failed = Some(e);
                    break;
                }
            }
        }
        if failed.is_none() {
            let _ = feed.send(Feed::End).await;
        }
        drop(feed);
        let answered = answer.await.map_err(|_| AppendError::ShuttingDown)?;
        if let Some(e) = failed {
            return Err(e);
        }
        let statement = match answered? {
            Durable::Answered(appended) => appended,
            Durable::Fresh { .. } => return Err(AppendError::ShuttingDown),
        };
        let donations = if statement.replayed { 0 } else { sent };
        Ok(RecordedStatement {
            statement,
            donations,
        })
    }
}
