//! Recording a bank statement and its missing donations as one all-or-nothing step.
//!
//! The statement comes as one job holding the writer: the sequencer checks the statement's
//! rules (`statement_rules.rs`) against the ledger as committed, then takes the donations
//! from a bounded channel as the caller makes them, admits each against the head it keeps
//! in memory, and writes them [`CHUNK`] at a time into ONE store transaction
//! ([`crate::store::BulkWrite`]), so memory holds one chunk, not the statement. Only after
//! the last chunk does it sign a checkpoint, write it and commit; then it publishes the new
//! head and answers. On any refusal, store failure, or a caller that goes away or stalls,
//! the transaction is rolled back and the head re-read from the store: nothing was
//! written, nothing is visible, nothing is acknowledged.

use super::super::{AppendError, AppendRequest, Appended, Durable, Job, Sequencer};
pub use super::statement_rules::StatementRefused;
use super::statement_rules::{check_chain, check_lines, check_official, statements_of_account};
use super::UsedReferences;
use crate::ledger::entry::Body;
use crate::ledger::reconcile::LinesFile;
use crate::store::{Batch, BulkWrite, StoredCheckpoint};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;

/// Entries written to the store at once.
pub const CHUNK: usize = 1000;

/// How long the sequencer waits for the caller's next donation before it gives the import
/// up (the writer is held meanwhile).
const STALL: Duration = Duration::from_secs(30);

/// What the caller sends after the statement: its donations, then the end.
#[derive(Debug)]
pub enum Feed {
    /// The next donation, at the next position.
    Donation(Box<AppendRequest>),
    /// Every donation was sent: commit.
    End,
}

/// The part of a statement job beyond its entry's request: its lines and its donations.
pub struct StatementWork {
    /// The statement's canonical lines, in its order.
    pub(in crate::sequencer) lines: Arc<LinesFile>,
    /// Its donations, as the caller makes them.
    pub(in crate::sequencer) feed: mpsc::Receiver<Feed>,
}

impl Sequencer {
    /// Records the statement of `job` and the donations its feed brings, all or nothing,
    /// and answers the statement's request with its entry (or why nothing was recorded).
    pub(in crate::sequencer) async fn record_statement(&mut self, mut job: Job) {
        let Some(work) = job.statement.take() else {
            job.refuse(StatementRefused::WithoutLines.into());
            return;
        };
        let answer = match self.replayed_statement(&job).await {
            Ok(Some(appended)) => Ok(appended),
            Ok(None) => self.record_all_or_nothing(&job.request, *work).await,
            Err(e) => Err(e),
        };
        let _ = job.reply.send(answer.map(Durable::Answered));
    }

    /// The entry of an earlier statement request with the same idempotency key (refused when
    /// that request was another).
    async fn replayed_statement(&self, job: &Job) -> Result<Option<Appended>, AppendError> {
        let Some(key) = &job.request.idempotency_key else {
            return Ok(None);
        };
        let used = self
            .store
            .idempotent_seqs(std::slice::from_ref(key))
            .await?;
        let Some((seq, fingerprint)) = used.get(key).copied() else {
            return Ok(None);
        };
        if fingerprint != job.fingerprint(&self.fingerprints) {
            return Err(AppendError::IdempotencyMismatch);
        }
        let checkpoint = super::super::current(&self.view).checkpoint.clone();
        self.replay(seq, &checkpoint).await.map(Some)
    }

    /// Checks, writes and commits; on any failure rolls the store and the head back.
    async fn record_all_or_nothing(
        &mut self,
        request: &AppendRequest,
        work: StatementWork,
    ) -> Result<Appended, AppendError> {
        if let Some(reason) = &self.read_only {
            return Err(AppendError::ReadOnly(reason.clone()));
        }
        let Body::Statement(statement) = &request.body else {
            return Err(StatementRefused::WithoutLines.into());
        };
        check_lines(statement, &work.lines)?;
        check_official(&self.store, &self.opened, statement).await??;
        check_chain(
            &statements_of_account(&self.store, statement).await?,
            statement,
        )?;
        let before = self.state.campaigns().to_vec();
        let mut bulk = self.store.begin_bulk().await?;
        match self.write_all(&mut bulk, request, work.feed, &before).await {
            Ok((seq, checkpoint)) => match bulk.commit().await {
                Ok(()) => self.committed(seq, checkpoint).await,
                Err(e) => {
                    self.reload().await;
                    Err(e.into())
                }
            },
            Err(e) => {
                bulk.rollback().await;
                self.reload().await;
                Err(e)
            }
        }
    }

    /// Admits the statement and every donation of `feed`, writing them in chunks into
    /// `bulk`, and at the end the campaign rows changed since `before` and a signed
    /// checkpoint; returns the statement's seq and that checkpoint. Nothing is committed
    /// here.
    async fn write_all(
        &mut self,
        bulk: &mut BulkWrite,
        request: &AppendRequest,
        mut feed: mpsc::Receiver<Feed>,
        before: &[crate::ledger::state::CampaignState],
    ) -> Result<(u64, StoredCheckpoint), AppendError> {
        let mut keys = super::UsedKeys::new();
        let mut batch = Batch::default();
        let row = self.admit(request, &mut UsedReferences::new()).await?;
        let seq = row.entry.seq;
        self.take(row, &mut keys, &mut batch);
        let mut index = 0u64;
        loop {
            let mut chunk = Vec::with_capacity(CHUNK);
            let mut ended = false;
            while chunk.len() < CHUNK {
                match tokio::time::timeout(STALL, feed.recv()).await {
                    Ok(Some(Feed::Donation(r))) => chunk.push(*r),
                    Ok(Some(Feed::End)) => {
                        ended = true;
                        break;
                    }
                    Ok(None) | Err(_) => return Err(StatementRefused::Interrupted.into()),
                }
            }
            self.admit_donations(bulk, chunk, &mut index, &mut keys, &mut batch)
                .await?;
            if ended {
                break;
            }
            bulk.write(&batch).await?;
            batch = Batch::default();
            // What the chunk's donations moved is in the transaction now (only donations
            // follow a statement: nothing in the import reverses one).
            self.state.forget_moves();
        }
        let checkpoint = super::signed_head(&self.tree, &self.signer);
        batch.checkpoint = Some(checkpoint.clone());
        batch.campaigns = super::changed_campaigns(&self.state, &self.opened, before);
        bulk.write(&batch).await?;
        Ok((seq, checkpoint))
    }

    /// Admits the donations of one chunk, after asking the store (inside `bulk`, whose
    /// transaction holds the SQLite writer) which of their bank references are recorded
    /// already, the earlier chunks' included: only the chunk's references are held, so a
    /// reference repeated anywhere in the import is refused without holding them all.
    async fn admit_donations(
        &mut self,
        bulk: &mut BulkWrite,
        chunk: Vec<AppendRequest>,
        index: &mut u64,
        keys: &mut super::UsedKeys,
        batch: &mut Batch,
    ) -> Result<(), AppendError> {
        let wanted: Vec<String> = chunk
            .iter()
            .filter_map(|r| match &r.body {
                Body::Donation(d) if !r.separate_gift => d.reference.clone(),
                _ => None,
            })
            .collect();
        let mut refs = bulk.existing_references(&wanted).await?;
        for request in chunk {
            *index += 1;
            if !matches!(request.body, Body::Donation(_)) || request.idempotency_key.is_some() {
                return Err(StatementRefused::NotADonation { index: *index }.into());
            }
            let row = self
                .admit(&request, &mut refs)
                .await
                .map_err(|e| AppendError::InGroup {
                    index: *index as usize,
                    source: Box::new(e),
                })?;
            self.take(row, keys, batch);
        }
        Ok(())
    }

    /// Publishes the committed head and answers with the statement entry `seq`, proved
    /// against the new checkpoint.
    async fn committed(
        &mut self,
        seq: u64,
        checkpoint: StoredCheckpoint,
    ) -> Result<Appended, AppendError> {
        self.state.forget_moves();
        self.publish_with(checkpoint.clone());
        let mut appended = self.replay(seq, &checkpoint).await?;
        appended.replayed = false;
        Ok(appended)
    }
}
