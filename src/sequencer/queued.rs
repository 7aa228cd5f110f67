//! Appends queued in order: [`SequencerHandle::enqueue`] returns once a request is in the
//! sequencer's queue, behind every request queued before it returned, and [`Queued`] waits
//! for its answer. A caller with many entries to record in a given order (a bank
//! statement's donations) queues them one after the other and awaits the answers later,
//! so they are committed together and take seqs in that order. Requests queued
//! concurrently instead (a `join_all` of [`SequencerHandle::append`]s) reach the queue in
//! whatever order the runtime polls them.

use super::{AppendError, AppendRequest, Appended, Durable, Job, SequencerHandle};
use crate::store::{inclusion_proof_from, Store};
use std::sync::Arc;
use tokio::sync::oneshot;

/// A request in the sequencer's queue, waiting for its answer.
pub struct Queued {
    reply: oneshot::Receiver<Result<Durable, AppendError>>,
    store: Store,
}

impl SequencerHandle {
    /// Puts `request` in the sequencer's queue, behind every request queued before this
    /// returns; waits only while the queue is full.
    ///
    /// # Errors
    /// [`AppendError::AuditFailed`] once a full audit of the stored ledger has failed;
    /// [`AppendError::NotLeader`] when this process does not sequence appends; the
    /// refusals of [`super::AppendGate::admit`].
    pub async fn enqueue(&self, request: AppendRequest) -> Result<Queued, AppendError> {
        let mut queued = self.enqueue_group(vec![request]).await?;
        queued.pop().ok_or(AppendError::ShuttingDown)
    }

    /// Puts `requests` in the sequencer's queue as one group (appended together at
    /// consecutive positions, or all refused), as [`SequencerHandle::enqueue`] does one.
    ///
    /// # Errors
    /// As [`SequencerHandle::enqueue`].
    pub(super) async fn enqueue_group(
        &self,
        requests: Vec<AppendRequest>,
    ) -> Result<Vec<Queued>, AppendError> {
        // A failed start-up check already refuses every append with its own reason.
        if let Some(failure) = self.audit.failure() {
            let refused_already = self.view.read().is_ok_and(|v| v.read_only.is_some());
            if !refused_already {
                return Err(AppendError::AuditFailed(failure));
            }
        }
        self.gate.admit(&requests)?;
        let mut requests = requests.into_iter();
        let request = requests.next().ok_or(AppendError::ShuttingDown)?;
        let (reply, rx) = oneshot::channel();
        let mut waiting = vec![rx];
        let mut job = Job::single(request, reply);
        for request in requests {
            let (reply, rx) = oneshot::channel();
            waiting.push(rx);
            job.followers.push(super::Follower { request, reply });
        }
        self.send(job).await?;
        Ok(waiting
            .into_iter()
            .map(|reply| Queued {
                reply,
                store: self.store.clone(),
            })
            .collect())
    }

    /// Puts one `job`, whose answer `reply` waits for, in the sequencer's queue.
    ///
    /// # Errors
    /// As [`SequencerHandle::enqueue`].
    pub(super) async fn send_job(
        &self,
        job: Job,
        reply: oneshot::Receiver<Result<Durable, AppendError>>,
    ) -> Result<Queued, AppendError> {
        if let Some(failure) = self.audit.failure() {
            let refused_already = self.view.read().is_ok_and(|v| v.read_only.is_some());
            if !refused_already {
                return Err(AppendError::AuditFailed(failure));
            }
        }
        self.send(job).await?;
        Ok(Queued {
            reply,
            store: self.store.clone(),
        })
    }

    async fn send(&self, job: Job) -> Result<(), AppendError> {
        let tx = self
            .tx
            .read()
            .ok()
            .and_then(|t| t.clone())
            .ok_or(AppendError::NotLeader)?;
        tx.send(job).await.map_err(|_| AppendError::NotLeader)
    }
}

impl Queued {
    /// Waits until the request is durable (or refused).
    ///
    /// # Errors
    /// [`AppendError`] when refused; nothing was written then.
    pub async fn durable(self) -> Result<Appended, AppendError> {
        match self.reply.await.map_err(|_| AppendError::ShuttingDown)?? {
            Durable::Answered(appended) => Ok(appended),
            Durable::Fresh {
                seq,
                leaf,
                leaf_hash,
                checkpoint,
                nodes,
            } => {
                let proof = match inclusion_proof_from(&nodes, seq, checkpoint.size) {
                    Some(proof) => proof,
                    // Not expected: the batch's nodes hold every node its proofs need.
                    None => self.store.inclusion_proof(seq, checkpoint.size).await?,
                };
                Ok(Appended {
                    seq,
                    leaf,
                    leaf_hash,
                    checkpoint: Arc::unwrap_or_clone(checkpoint),
                    proof,
                    replayed: false,
                })
            }
        }
    }
}
