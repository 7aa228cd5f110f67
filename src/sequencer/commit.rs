//! The group commit. The sequencer takes every request waiting in its queue (up to
//! [`MAX_BATCH`]), admits each in queue order against the head it keeps in memory, writes
//! the admitted entries, their tree nodes, the changed campaign rows and a newly signed
//! checkpoint in one transaction, and only then answers. When the write fails, every
//! request of the batch is refused (nothing of it was written) and the head is re-read
//! from the store.
//!
//! A request whose idempotency key was used before (by a stored entry, or earlier in the
//! same batch) is not admitted again: with the same fingerprint it is answered with that
//! entry once the batch is durable; with another it is refused.

use super::{current, AppendError, AppendRequest, Appended, Durable, Job, Sequencer, MAX_BATCH};
use crate::ledger::admission::check_new_entry;
use crate::ledger::canonical::encode;
use crate::ledger::checkpoint::CheckpointSigner;
use crate::ledger::decode;
use crate::ledger::entry::validate_envelope;
use crate::ledger::entry::{format_recorded_at, Body, Entry};
use crate::ledger::hash::{leaf_hash, Hash};
use crate::ledger::merkle::CompactTree;
use crate::ledger::state::{CampaignState, LedgerState};
use crate::store::{Batch, NewEntry, StoreError, StoredCheckpoint};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use tokio::sync::mpsc;

pub(super) mod statement;
mod statement_rules;
#[cfg(test)]
mod tests;

/// Adds leaf `hash` at position `seq` to `tree`, collecting the tree nodes it completes
/// (as stored-hash index and hash) into `nodes`.
pub(super) fn push_leaf(
    tree: &mut CompactTree,
    seq: u64,
    hash: Hash,
    nodes: &mut Vec<(u64, Hash)>,
) {
    let first = tlog_tiles::stored_hash_index(0, seq);
    let mut k = 0u64;
    tree.push_returning_nodes(hash, |h| {
        nodes.push((first + k, h));
        k += 1;
    });
}

/// The campaign rows of `state` that differ from `before` (the rows as last written):
/// (index, seq of its `campaign.open`, state).
pub(super) fn changed_campaigns(
    state: &LedgerState,
    opened: &[u64],
    before: &[CampaignState],
) -> Vec<(u32, u64, CampaignState)> {
    let mut changed = Vec::new();
    for (i, c) in state.campaigns().iter().enumerate() {
        if before.get(i) != Some(c) {
            changed.push((i as u32, opened[i], c.clone()));
        }
    }
    changed
}

/// The checkpoint of `tree`, signed by `signer`.
pub(super) fn signed_head(tree: &CompactTree, signer: &CheckpointSigner) -> StoredCheckpoint {
    let (size, root) = (tree.size(), tree.root());
    StoredCheckpoint {
        size,
        root,
        note: signer.sign(size, &root),
    }
}

/// Sends every one of `jobs` the store's error `e`.
fn refuse(jobs: impl Iterator<Item = Job>, e: &StoreError) {
    for job in jobs {
        let _ = job
            .reply
            .send(Err(AppendError::Store(e.for_each_request())));
        for f in job.followers {
            let _ = f.reply.send(Err(AppendError::Store(e.for_each_request())));
        }
    }
}

/// What became of the requests of one batch.
#[derive(Default)]
struct Admitted {
    /// The entries to write, with their nodes; the jobs of `accepted`, in order, asked for
    /// them in order (a job for as many entries as it has requests).
    batch: Batch,
    /// The jobs of the entries to write.
    accepted: Vec<Job>,
    /// Retries, with the seq of the entry that answers each.
    replays: Vec<(Job, u64)>,
}

/// Idempotency keys already used, with the seq and request fingerprint of their entry.
type UsedKeys = HashMap<String, (u64, Hash)>;
/// (campaign, reference) of every donation recorded with a bank reference.
pub(super) type UsedReferences = HashSet<(String, String)>;

impl Sequencer {
    /// Answers batches from `rx` until every handle is gone and the queue is empty.
    /// A statement's job holds the writer alone: the jobs queued before it are committed
    /// first, those after it wait for it.
    pub(super) async fn run(mut self, mut rx: mpsc::Receiver<Job>) {
        let mut held: Option<Job> = None;
        loop {
            let first = match held.take() {
                Some(job) => job,
                None => match rx.recv().await {
                    Some(job) => job,
                    None => break,
                },
            };
            if first.statement.is_some() {
                self.record_statement(first).await;
                continue;
            }
            let mut jobs = vec![first];
            while jobs.len() < MAX_BATCH {
                match rx.try_recv() {
                    Ok(job) if job.statement.is_some() => {
                        held = Some(job);
                        break;
                    }
                    Ok(job) => jobs.push(job),
                    Err(_) => break,
                }
            }
            self.process(jobs).await;
        }
        tracing::info!("sequencer stopped: every queued append was answered");
    }

    /// Admits, writes and answers one batch, in queue order.
    pub(super) async fn process(&mut self, jobs: Vec<Job>) {
        let old_peaks = self.peak_nodes();
        self.stored = self.state.size();
        let before_campaigns = self.state.campaigns().to_vec();
        let (keys, refs) = match self.used_keys_and_references(&jobs).await {
            Ok(used) => used,
            Err(e) => {
                tracing::error!(error = %e, "could not read the batch's keys and references");
                refuse(jobs.into_iter(), &e);
                return;
            }
        };
        let mut admitted = self.admit_all(jobs, keys, refs).await;
        if !admitted.batch.entries.is_empty() {
            if let Err(e) = self.commit(&mut admitted.batch, &before_campaigns).await {
                tracing::error!(error = %e, "group commit failed; nothing acknowledged");
                self.undo_rotation();
                let replays = admitted.replays.into_iter().map(|(job, _)| job);
                refuse(admitted.accepted.into_iter().chain(replays), &e);
                self.reload().await;
                return;
            }
        }
        self.before_rotation = None;
        self.answer_all(admitted, old_peaks).await;
    }

    /// The peaks of the tree as it stands: the nodes, besides a batch's own, that the
    /// inclusion proofs of the batch's entries need.
    fn peak_nodes(&self) -> Vec<(u64, Hash)> {
        CompactTree::peak_positions(self.tree.size())
            .into_iter()
            .map(|(level, n)| tlog_tiles::stored_hash_index(level, n))
            .zip(self.tree.peaks().iter().copied())
            .collect()
    }

    /// The stored entries of the batch's idempotency keys, and the stored donations with
    /// its bank references: two queries for the whole batch.
    async fn used_keys_and_references(
        &self,
        jobs: &[Job],
    ) -> Result<(UsedKeys, UsedReferences), StoreError> {
        let wanted_keys: Vec<String> = jobs
            .iter()
            .filter_map(|j| j.request.idempotency_key.clone())
            .collect();
        let wanted_refs: Vec<String> = jobs
            .iter()
            .flat_map(Job::requests)
            .filter_map(|r| match &r.body {
                Body::Donation(d) if !r.separate_gift => d.reference.clone(),
                _ => None,
            })
            .collect();
        Ok((
            self.store.idempotent_seqs(&wanted_keys).await?,
            self.store
                .existing_references_at(&wanted_refs, self.tree.size())
                .await?,
        ))
    }

    /// Sorts the jobs, in order: retries (to answer later), refusals (answered now) and
    /// admitted requests, whose entries are applied to the head and gathered to write.
    async fn admit_all(
        &mut self,
        jobs: Vec<Job>,
        mut keys: UsedKeys,
        mut refs: UsedReferences,
    ) -> Admitted {
        let mut admitted = Admitted::default();
        for mut job in jobs {
            if let Some(new) = job.rotation.take() {
                match self.admit_rotation(&job.request, *new, &mut refs).await {
                    Ok(row) => {
                        self.take(row, &mut keys, &mut admitted.batch);
                        admitted.accepted.push(job);
                    }
                    Err(e) => {
                        let _ = job.reply.send(Err(e));
                    }
                }
                continue;
            }
            if job.requests().any(|r| matches!(r.body, Body::KeyRotate(_))) {
                // Only the sequencer can sign a rotation, over the `prev` it gives it.
                job.refuse(
                    crate::ledger::entry::FieldError::new(
                        "kind",
                        "a key rotation is appended only by rotating the signing key (`fundtrail rotate-key`)",
                    )
                    .into(),
                );
                continue;
            }
            let bare_statement = job.requests().any(|r| matches!(r.body, Body::Statement(_)));
            if bare_statement || job.statement.is_some() {
                job.refuse(statement::StatementRefused::WithoutLines.into());
                continue;
            }
            if let Some(key) = &job.request.idempotency_key {
                if let Some((seq, fingerprint)) = keys.get(key).copied() {
                    if fingerprint == job.fingerprint(&self.fingerprints) {
                        admitted.replays.push((job, seq));
                    } else {
                        job.refuse(AppendError::IdempotencyMismatch);
                    }
                    continue;
                }
            }
            if job.followers.is_empty() {
                match self.admit(&job.request, &mut refs).await {
                    Ok(row) => self.take(row, &mut keys, &mut admitted.batch),
                    Err(e) => {
                        let _ = job.reply.send(Err(e));
                        continue;
                    }
                }
            } else {
                match self.admit_group(&job, &mut refs).await {
                    Ok(rows) => {
                        for row in rows {
                            self.take(row, &mut keys, &mut admitted.batch);
                        }
                    }
                    Err(e) => {
                        job.refuse(e);
                        continue;
                    }
                }
            }
            admitted.accepted.push(job);
        }
        admitted
    }

    /// Adds an admitted `row` to `batch` and the tree, and remembers its idempotency key.
    fn take(&mut self, row: NewEntry, keys: &mut UsedKeys, batch: &mut Batch) {
        let seq = row.entry.seq;
        push_leaf(&mut self.tree, seq, row.leaf_hash, &mut batch.hashes);
        if let Some((key, fingerprint)) = &row.idempotency_key {
            keys.insert(key.clone(), (seq, *fingerprint));
        }
        batch.entries.push(row);
    }

    /// Admits every request of a group in order, or none: when one is refused, the head
    /// is put back as it was before the group and the refusal names that request. The
    /// group's idempotency key is stored with its first entry, with the group's
    /// fingerprint.
    async fn admit_group(
        &mut self,
        job: &Job,
        refs: &mut UsedReferences,
    ) -> Result<Vec<NewEntry>, AppendError> {
        let before = (
            self.state.clone(),
            self.opened.clone(),
            refs.clone(),
            self.plans.clone(),
        );
        let mut rows = Vec::with_capacity(job.len());
        for (index, request) in job.requests().enumerate() {
            match self.admit(request, refs).await {
                Ok(row) => rows.push(row),
                Err(e) => {
                    (self.state, self.opened, *refs, self.plans) = before;
                    return Err(AppendError::InGroup {
                        index,
                        source: Box::new(e),
                    });
                }
            }
        }
        if let (Some(first), Some(key)) = (rows.first_mut(), &job.request.idempotency_key) {
            first.idempotency_key = Some((key.clone(), job.fingerprint(&self.fingerprints)));
        }
        Ok(rows)
    }

    /// Validates and applies one request to the in-memory head; returns the row to write.
    pub(super) async fn admit(
        &mut self,
        request: &AppendRequest,
        refs: &mut UsedReferences,
    ) -> Result<NewEntry, AppendError> {
        if let Some(reason) = &self.read_only {
            return Err(AppendError::ReadOnly(reason.clone()));
        }
        request.body.validate()?;
        if let Body::Donation(d) = &request.body {
            if let (Some(reference), false) = (&d.reference, request.separate_gift) {
                let key = (d.campaign.clone(), reference.clone());
                if refs.contains(&key) {
                    return Err(AppendError::DuplicateReference {
                        campaign: key.0,
                        reference: key.1,
                    });
                }
            }
        }
        if let Body::Reversal(r) = &request.body {
            self.prepare_reversal(r.reverses).await?;
        }
        self.plans
            .prepare(&self.store, &self.state, &request.body, self.stored)
            .await?;
        let entry = Entry {
            seq: self.state.size(),
            prev: self.state.last_hash(),
            recorded_at: self.next_recorded_at(),
            recorded_by: request.recorded_by.clone(),
            body: request.body.clone(),
        };
        validate_envelope(&entry)?;
        check_new_entry(&entry)?;
        let leaf = encode(&entry);
        if leaf.len() > crate::ledger::tiles::MAX_LEAF_BYTES {
            return Err(AppendError::LeafTooLarge { bytes: leaf.len() });
        }
        let hash = leaf_hash(&leaf);
        let idempotency_key = request
            .idempotency_key
            .clone()
            .map(|k| (k, request.fingerprint(&self.fingerprints)));
        // The budget and pledge rules come after the ledger's (SPEC.md §9 step 2.7).
        self.state.check(&entry.body)?;
        self.plans.check(&entry)?;
        self.state.apply(&entry, hash)?;
        self.plans.apply(&entry, &self.state);
        match &entry.body {
            Body::CampaignOpen(_) => self.opened.push(entry.seq),
            Body::Donation(d) => {
                if let Some(r) = &d.reference {
                    refs.insert((d.campaign.clone(), r.clone()));
                }
            }
            _ => {}
        }
        Ok(NewEntry {
            entry,
            leaf,
            leaf_hash: hash,
            idempotency_key,
            private: request.private.clone(),
        })
    }

    /// The clock's time, or the last entry's when the clock has gone back: times in the
    /// ledger never decrease.
    fn next_recorded_at(&self) -> String {
        let now = format_recorded_at((self.clock)());
        if now.as_str() < self.state.last_recorded_at() {
            self.state.last_recorded_at().to_string()
        } else {
            now
        }
    }

    /// Loads the movement of a reversal's target when the state does not hold it.
    async fn prepare_reversal(&mut self, target: u64) -> Result<(), AppendError> {
        if target >= self.state.size() || self.state.knows_move(target) {
            return Ok(());
        }
        let Some(row) = self.store.entry(target).await? else {
            return Ok(());
        };
        let entry =
            decode(&row.leaf).map_err(|e| StoreError::Corrupt(format!("entry {target}: {e}")))?;
        let reversed = self.store.is_reversed(target).await?;
        self.state.remember(target, &entry.body, reversed)?;
        Ok(())
    }

    /// Signs the new head, writes `batch` with it and the campaign rows that changed since
    /// `before`, and publishes the new view.
    ///
    /// # Errors
    /// The store's error; nothing was written then.
    async fn commit(
        &mut self,
        batch: &mut Batch,
        before: &[CampaignState],
    ) -> Result<(), StoreError> {
        batch.checkpoint = Some(signed_head(&self.tree, &self.signer));
        batch.campaigns = changed_campaigns(&self.state, &self.opened, before);
        self.store.append_batch(batch).await?;
        self.state.forget_moves();
        if let Some(written) = batch.checkpoint.clone() {
            self.publish_with(written);
        }
        Ok(())
    }

    /// Answers every request of a durable batch: each new entry with the nodes its proof
    /// needs (`old_peaks` and the batch's own), each retry with its earlier entry proved
    /// from the store.
    async fn answer_all(&self, admitted: Admitted, old_peaks: Vec<(u64, Hash)>) {
        let checkpoint = Arc::new(current(&self.view).checkpoint.clone());
        let nodes: Arc<HashMap<u64, Hash>> = Arc::new(
            old_peaks
                .into_iter()
                .chain(admitted.batch.hashes.iter().copied())
                .collect(),
        );
        let fresh = |row: NewEntry| {
            Ok(Durable::Fresh {
                seq: row.entry.seq,
                leaf: row.leaf,
                leaf_hash: row.leaf_hash,
                checkpoint: Arc::clone(&checkpoint),
                nodes: Arc::clone(&nodes),
            })
        };
        let mut rows = admitted.batch.entries.into_iter();
        for job in admitted.accepted {
            if let Some(row) = rows.next() {
                let _ = job.reply.send(fresh(row));
            }
            for f in job.followers {
                if let Some(row) = rows.next() {
                    let _ = f.reply.send(fresh(row));
                }
            }
        }
        for (job, seq) in admitted.replays {
            let answer = self.replay(seq, &checkpoint).await;
            let _ = job.reply.send(answer.map(Durable::Answered));
            // A group's entries are consecutive: its followers are the entries after it.
            for (i, f) in job.followers.into_iter().enumerate() {
                let answer = self.replay(seq + 1 + i as u64, &checkpoint).await;
                let _ = f.reply.send(answer.map(Durable::Answered));
            }
        }
    }

    /// The answer to a retried request: its earlier entry `seq`, proved from the store
    /// against `checkpoint`.
    async fn replay(
        &self,
        seq: u64,
        checkpoint: &StoredCheckpoint,
    ) -> Result<Appended, AppendError> {
        let Some(stored) = self.store.entry(seq).await? else {
            return Err(AppendError::Store(StoreError::Corrupt(format!(
                "idempotent entry {seq} missing"
            ))));
        };
        let proof = self.store.inclusion_proof(seq, checkpoint.size).await?;
        Ok(Appended {
            seq,
            leaf: stored.leaf,
            leaf_hash: stored.leaf_hash,
            checkpoint: checkpoint.clone(),
            proof,
            replayed: true,
        })
    }
}
