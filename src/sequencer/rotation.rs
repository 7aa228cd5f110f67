//! Key rotation by the sequencer (SPEC.md §23). A rotation is queued like any append; when
//! its turn comes the sequencer signs the `key.rotate` body with the key in force over the
//! `prev` the entry gets, admits it, and from then on signs with the new key: the batch's
//! checkpoint (which includes the entry) and every later one. Appends queued before it are
//! admitted before it, those after it after it. If the batch's write fails, the old key
//! is back in force with the head as it was.

use super::{AppendError, AppendRequest, Appended, Job, Sequencer, SequencerHandle};
use crate::ledger::checkpoint::CheckpointSigner;
use crate::ledger::decode;
use crate::ledger::entry::{Body, FieldError};
use crate::ledger::rotation::{KeyChain, KeyRotate};
use crate::store::{NewEntry, Store, StoreError};
use std::sync::Arc;

/// The keys a ledger was signed with, first key first, each with the size of the first
/// checkpoint it signs (SPEC.md §23).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeyHistory {
    keys: Vec<(u64, String)>,
}

impl KeyHistory {
    /// A ledger signed by `key` alone.
    pub fn single(key: &str) -> Self {
        KeyHistory {
            keys: vec![(0, key.to_string())],
        }
    }

    /// Every key with the size from which it signs, oldest first. When the ledger's first
    /// key could not be found, the list starts with the first rotation's key.
    pub fn keys(&self) -> &[(u64, String)] {
        &self.keys
    }

    /// The ledger's first key, when known: the key of its export bundles (SPEC.md §10).
    pub fn first(&self) -> Option<&str> {
        match self.keys.first() {
            Some((0, key)) => Some(key),
            _ => None,
        }
    }

    /// The key in force: the one that signs the next checkpoint.
    pub fn in_force(&self) -> Option<&str> {
        self.keys.last().map(|(_, k)| k.as_str())
    }

    /// The key that signs the checkpoint of `size` entries, when known.
    pub fn at(&self, size: u64) -> Option<&str> {
        self.keys
            .iter()
            .rev()
            .find(|(from, _)| *from <= size)
            .map(|(_, k)| k.as_str())
    }

    fn handed_over(&self, from: u64, key: &str) -> Self {
        let mut keys = self.keys.clone();
        keys.push((from, key.to_string()));
        KeyHistory { keys }
    }
}

/// The key history of the ledger in `store` whose key in force is `signer`'s: its stored
/// `key.rotate` entries checked from the one key of `earlier` they start from. When none
/// of `earlier` is the first key (a retired key file is missing), the history starts with
/// the first rotation's key, and an error is logged.
///
/// # Errors
/// [`StoreError`] when the store fails or a stored rotation does not decode.
pub async fn stored_key_history(
    store: &Store,
    signer: &CheckpointSigner,
    earlier: &[String],
) -> Result<KeyHistory, StoreError> {
    let mut rotations = Vec::new();
    for row in store.key_rotations().await? {
        let entry = decode(&row.leaf)
            .map_err(|e| StoreError::Corrupt(format!("entry {}: {e}", row.seq)))?;
        if let Body::KeyRotate(r) = entry.body {
            rotations.push((entry.seq, entry.prev, r));
        }
    }
    if rotations.is_empty() {
        return Ok(KeyHistory::single(signer.verifier_key()));
    }
    for first in earlier.iter() {
        let Ok(mut chain) = KeyChain::starting_with(first) else {
            continue;
        };
        let applies = rotations
            .iter()
            .all(|(seq, prev, r)| chain.apply(*seq, prev, r).is_ok());
        if applies && chain.in_force() == signer.verifier_key() {
            return Ok(KeyHistory {
                keys: chain.keys().to_vec(),
            });
        }
    }
    tracing::error!(
        "the ledger rotated its key, but no retired key file (signing.key.retired-*) holds the key that signed its first rotation: bundles and the page cannot name its first key"
    );
    Ok(KeyHistory {
        keys: rotations
            .into_iter()
            .map(|(seq, _, r)| (seq + 1, r.verifier_key))
            .collect(),
    })
}

impl SequencerHandle {
    /// Appends a `key.rotate` entry handing the ledger over to `new`, recorded by
    /// `recorded_by` with `note`, and waits until it is durable. The sequencer signs the
    /// rotation with the key in force over the entry's `prev`; the checkpoint returned, and
    /// every later one, is signed by `new`.
    ///
    /// # Errors
    /// [`AppendError::Invalid`] naming `verifier_key` when `new` signs for another origin
    /// or is the key in force, or `note` when it is not a long text; any other
    /// [`AppendError`] of an append. Nothing was written then, and the old key stays in
    /// force.
    pub async fn rotate_key(
        &self,
        new: CheckpointSigner,
        note: Option<String>,
        recorded_by: String,
    ) -> Result<Appended, AppendError> {
        let request = AppendRequest {
            body: Body::KeyRotate(KeyRotate {
                note,
                signature: String::new(),
                verifier_key: new.verifier_key().to_string(),
            }),
            recorded_by,
            idempotency_key: None,
            separate_gift: false,
            private: None,
        };
        let (reply, rx) = tokio::sync::oneshot::channel();
        let mut job = Job::single(request, reply);
        job.rotation = Some(Box::new(new));
        self.send_job(job, rx).await?.durable().await
    }
}

impl Sequencer {
    /// Admits the rotation `request` to `new` (its body's signature still to be made), and
    /// hands the sequencer over to `new`, keeping the old key to put back if the batch's
    /// write fails.
    pub(super) async fn admit_rotation(
        &mut self,
        request: &AppendRequest,
        new: CheckpointSigner,
        refs: &mut super::commit::UsedReferences,
    ) -> Result<NewEntry, AppendError> {
        let note = match &request.body {
            Body::KeyRotate(r) => r.note.clone(),
            _ => None,
        };
        if new.origin() != self.signer.origin() {
            return Err(FieldError::new(
                "verifier_key",
                format!(
                    "must be a key named {}, the ledger's origin",
                    self.signer.origin()
                ),
            )
            .into());
        }
        if new.verifier_key() == self.signer.verifier_key() {
            return Err(
                FieldError::new("verifier_key", "must differ from the key in force").into(),
            );
        }
        let prev = self.state.last_hash();
        let signed = KeyRotate::signed(&self.signer, new.verifier_key(), &prev, note);
        let request = AppendRequest {
            body: Body::KeyRotate(signed),
            ..request.clone()
        };
        let row = self.admit(&request, refs).await?;
        let keys = self.keys.handed_over(row.entry.seq + 1, new.verifier_key());
        let old = (
            std::mem::replace(&mut self.signer, new),
            std::mem::replace(&mut self.keys, Arc::new(keys)),
        );
        self.before_rotation.get_or_insert(old);
        Ok(row)
    }

    /// After a batch's write failed: the key in force before the batch's rotation, if it
    /// had one, is in force again.
    pub(super) fn undo_rotation(&mut self) {
        if let Some((signer, keys)) = self.before_rotation.take() {
            self.signer = signer;
            self.keys = keys;
        }
    }
}
